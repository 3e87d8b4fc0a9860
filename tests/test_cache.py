"""The build cache on disk: a cached build is the clean build, byte for byte, whatever happened
to the site in between; a damaged cache is discarded with a warning; `--no-cache` ignores it."""

from __future__ import annotations

import hmac
import os
import pickle
import re
import shlex
import shutil
from pathlib import Path

import jinja2
import pytest
from conftest import write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitecheck import tree

from site_builder.build import build_site
from site_builder.config import load_config
from site_builder.errors import ContentError
from site_builder.incremental.store import CACHE_DIR
from site_builder.report import BufferReporter

SITE_YAML = "title: Cache Test\nbase_url: https://example.org/sub/\nsearch: false\n"
START = {
    "content/glossary/ripeness.md": (
        "---\nterm: Ripeness\ndefinition: The moment a conflict can be settled.\n"
        "aliases: [ripe moment]\n---\n\nA glossary entry.\n"
    ),
    "content/glossary/stalemate.md": (
        "---\nterm: Stalemate\ndefinition: Neither side can win.\nrelated: [ripeness]\n---\n\n"
        "Often said of ripeness.\n"
    ),
    "content/essays/2024-01-01-first.md": (
        "---\ntitle: First\ndate: 2024-01-01\ntags: [talks]\n---\n\n"
        "The stalemate made ripeness possible.\n"
    ),
    "content/essays/2024-02-01-second.md": (
        "---\ntitle: Second\ndate: 2024-02-01\n---\n\nA ripe moment, said [[first]].\n"
    ),
    "content/pages/about.md": "---\ntitle: About\nmenu: 1\n---\n\nAbout the stalemate.\n",
    # people link after the graph (their pages list what mentions them), even when the last
    # build's pages all stand
    "content/people/mara-linden.md": "---\nname: Mara Linden\n---\n\nShe writes on ripeness.\n",
    "content/media/note.txt": "notes\n",
}


def build(root: Path, output: Path, use_cache: bool) -> dict[str, bytes] | tuple:
    """The output's files, or the diagnostics if the build failed."""
    try:
        build_site(load_config(root), output, use_cache=use_cache)
    except ContentError as exc:
        return exc.diagnostics
    return tree(output)


def essays(root: Path) -> list[Path]:
    return sorted((root / "content/essays").glob("*.md"))


def same_size_edit(path: Path, old: bytes, new: bytes) -> None:
    """Edit `path` in place without changing its size or its times, as `cp -p`, `rsync -t` or
    a restore from a backup leave a file."""
    assert len(old) == len(new)
    st = path.stat()
    path.write_bytes(path.read_bytes().replace(old, new, 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


# Each edit is a function of the site and a number that picks what it touches.
def edit_body(root: Path, n: int) -> None:
    files = essays(root) or [root / "content/pages/about.md"]
    path = files[n % len(files)]
    words = ["More on the stalemate.", "A plain line.", "Ripeness again.", "See [[ripeness]]."]
    path.write_text(path.read_text() + "\n" + words[n % 4] + "\n")


def edit_title(root: Path, n: int) -> None:
    files = essays(root)
    if files:
        path = files[n % len(files)]
        text = path.read_text().replace("title: ", f"title: Re{n} ", 1)
        path.write_text(text)


def edit_summary(root: Path, n: int) -> None:
    files = essays(root)
    if files:
        path = files[n % len(files)]
        text = path.read_text()
        if "\nsummary: " in text:
            text = text.replace("\nsummary: ", f"\nsummary: Again {n}. ", 1)
        else:
            text = text.replace("\ntitle: ", f"\nsummary: In short {n}.\ntitle: ", 1)
        path.write_text(text)


def add_essay(root: Path, n: int) -> None:
    path = root / f"content/essays/2024-03-{n % 28 + 1:02d}-added-{n}.md"
    path.write_text(
        f"---\ntitle: Added {n}\ndate: 2024-03-{n % 28 + 1:02d}\ntags: [new{n % 2}]\n---\n\n"
        "The stalemate, and a ripe moment.\n"
    )


def rename_essay(root: Path, n: int) -> None:
    files = essays(root)
    if files:
        path = files[n % len(files)]
        path.rename(path.with_name(path.name.replace(".md", f"-r{n}.md")))


def delete_essay(root: Path, n: int) -> None:
    files = essays(root)
    if len(files) > 1:  # `second` links [[first]]: deleting it is an error both builds report
        files[n % len(files)].unlink()


def edit_definition(root: Path, n: int) -> None:
    path = root / "content/glossary/stalemate.md"
    text = path.read_text()
    path.write_text(text.replace("definition: ", f"definition: ({n}) ", 1))


def add_alias(root: Path, n: int) -> None:
    path = root / "content/glossary/ripeness.md"
    path.write_text(path.read_text().replace("aliases: [", f"aliases: [moment {n}, ", 1))


def edit_template(root: Path, n: int) -> None:
    path = root / "templates/page.html"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        '{% extends "base.html" %}{% block content %}<h1>{{ page.title }}</h1>'
        f"<p>v{n}</p>{{{{ page.html|safe }}}}{{% endblock %}}\n"
    )


def edit_config(root: Path, n: int) -> None:
    (root / "site.yaml").write_text(SITE_YAML.replace("Cache Test", f"Cache Test {n}"))


def edit_media(root: Path, n: int) -> None:
    (root / "content/media/note.txt").write_text(f"notes {n}\n")


def edit_media_keeping_time(root: Path, n: int) -> None:
    path = root / "content/media/note.txt"
    text = path.read_bytes()
    same_size_edit(path, text, text.swapcase())


def touch(root: Path, n: int) -> None:
    """Saved again as it was: new times, the same bytes."""
    files = essays(root)
    if files:
        path = files[n % len(files)]
        path.write_bytes(path.read_bytes())


def break_and_mend(root: Path, n: int) -> None:
    path = root / "content/pages/about.md"
    if "[[nowhere]]" in path.read_text():
        path.write_text(path.read_text().replace("[[nowhere]]", "nowhere"))
    else:
        path.write_text(path.read_text() + "\nSee [[nowhere]].\n")


def add_response(root: Path, n: int) -> None:
    files = essays(root)
    if files:
        letters = files[n % len(files)].with_suffix(".responses.yaml")
        before = letters.read_text() if letters.exists() else ""
        letters.write_text(
            before + f"- {{name: Reader {n}, date: 2024-05-01, body: A stalemate.}}\n"
        )


EDITS = [
    add_response,
    edit_body,
    edit_title,
    edit_summary,
    add_essay,
    rename_essay,
    delete_essay,
    edit_definition,
    add_alias,
    edit_template,
    edit_config,
    edit_media,
    edit_media_keeping_time,
    break_and_mend,
    touch,
]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 50)), min_size=1, max_size=5))
def test_a_cached_build_is_the_clean_build_after_any_edits(tmp_path_factory, edits):
    work = tmp_path_factory.mktemp("cache")
    root = write_site(work / "site", START, SITE_YAML)
    cached, clean = work / "cached", work / "clean"
    assert isinstance(build(root, cached, use_cache=True), dict)
    for edit, n in edits:
        edit(root, n)
        expected = build(root, clean, use_cache=False)
        assert build(root, cached, use_cache=True) == expected, edit.__name__
        shutil.rmtree(clean, ignore_errors=True)
    assert (root / CACHE_DIR).is_dir()


@pytest.fixture
def project(site):
    return site(START, SITE_YAML)


def test_nothing_changed_writes_nothing(project, cli):
    assert cli("build", "--root", project).code == 0
    page = project / "output/essays/first/index.html"
    stamp = page.stat().st_mtime_ns, (project / "output").stat().st_ino
    run = cli("build", "--root", project)
    assert run.code == 0 and re.match(r"Built (\d+) pages .*, \1 of them cached", run.out)
    assert (page.stat().st_mtime_ns, (project / "output").stat().st_ino) == stamp


def test_one_changed_essay_renders_only_what_shows_it(project, cli):
    assert cli("build", "--root", project).code == 0
    out = project / "output"
    before = {
        rel: (out / rel).stat().st_ino for rel in ("about/index.html", "tags/talks/index.html")
    }
    essay = project / "content/essays/2024-02-01-second.md"
    essay.write_text(essay.read_text() + "\nOne more line.\n")
    run = cli("build", "--root", project)
    assert run.code == 0 and "of them cached" in run.out, run.out
    # unchanged pages are the same files, linked into the new output, not written again
    assert {rel: (out / rel).stat().st_ino for rel in before} == before
    assert "One more line." in (out / "essays/second/index.html").read_text()


def test_a_new_title_renders_only_the_pages_that_show_it(project, cli):
    assert cli("build", "--root", project).code == 0
    out = project / "output"
    pages = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("index.html")}
    essay = project / "content/essays/2024-01-01-first.md"
    essay.write_text(essay.read_text().replace("title: First", "title: Renamed"))
    run = cli("build", "--root", project)
    assert run.code == 0 and "of them cached" in run.out, run.out
    written = {rel for rel, inode in pages.items() if (out / rel).stat().st_ino != inode}
    showing = {
        "essays/first/index.html",  # its own page
        "essays/second/index.html",  # links [[first]]
        "index.html",  # lists it
        "essays/index.html",
        "tags/talks/index.html",
        "glossary/ripeness/index.html",  # quote it where it mentions them
        "glossary/stalemate/index.html",
    }
    # and the lists again, as `second`'s excerpt (which shows the link) changed
    assert written == showing | {"episodes/index.html"}
    for rel in showing:
        assert "Renamed" in (out / rel).read_text(), rel
    assert tree(out) == build(project, project / "clean", use_cache=False)


NOT_OURS = "it is not a site-builder cache"
CHANGED = "it was not written by site-builder for you, or was changed since"


class Planted:
    """Unpickled, it runs a shell command: what a stranger's cache file could do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {shlex.quote(str(self.marker))}",)


def planted(marker: Path, file: bytes) -> dict[str, bytes]:
    """Crafted versions of a cache `file` that would create `marker` if unpickled: bare, and
    behind the header of the real one, signed with a key that is not the user's, or not."""
    payload = pickle.dumps(Planted(marker))
    magic, signed_from = len(b"site-builder cache\n"), len(b"site-builder cache\n") + 32
    header, stamp = file[:signed_from], file[signed_from : signed_from + 32]
    forged = hmac.digest(os.urandom(32), stamp + payload, "sha256")
    return {
        "bare": payload,
        "copied header": header + stamp + payload,
        "foreign key": file[:magic] + forged + stamp + payload,
    }


@pytest.mark.parametrize("name", ["state.pickle", "base.pickle"])
@pytest.mark.parametrize("how", ["bare", "copied header", "foreign key"])
def test_a_planted_cache_runs_nothing_and_is_discarded(project, cli, tmp_path, name, how):
    assert cli("build", "--root", project).code == 0
    marker = tmp_path / "ran"
    cache_file = project / CACHE_DIR / name
    cache_file.write_bytes(planted(marker, cache_file.read_bytes())[how])
    run = cli("build", "--root", project)
    assert run.code == 0
    assert not marker.exists(), "the build ran code from the cache"
    assert f"build cache discarded: {NOT_OURS if how == 'bare' else CHANGED}" in run.err
    assert tree(project / "output") == build(project, tmp_path / "clean", use_cache=False)


@pytest.mark.parametrize(
    "damage, why",
    [
        (b"not a pickle at all", NOT_OURS),
        (pickle.dumps({"some": "thing else"}), NOT_OURS),
        (b"", NOT_OURS),
        (lambda data: data[: len(data) // 2], CHANGED),  # truncated
        (lambda data: data[:-1] + bytes([data[-1] ^ 1]), CHANGED),  # one bit flipped
    ],
)
def test_a_damaged_or_foreign_cache_is_discarded_with_a_warning(project, cli, damage, why):
    assert cli("build", "--root", project).code == 0
    expected = tree(project / "output")
    state = project / CACHE_DIR / "state.pickle"
    state.write_bytes(damage(state.read_bytes()) if callable(damage) else damage)
    run = cli("build", "--root", project)
    assert run.code == 0
    assert f"build cache discarded: {why}" in run.err and "warning" in run.err
    assert tree(project / "output") == expected
    assert cli("build", "--root", project).err == ""  # and a good one is written in its place


def test_a_cache_signed_by_another_user_is_discarded(project, cli, tmp_path, monkeypatch):
    # as a site cloned with someone's `.site-builder-cache/` in it: their key is not ours
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "theirs"))
    assert cli("build", "--root", project).code == 0
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "ours"))
    run = cli("build", "--root", project)
    assert run.code == 0 and f"build cache discarded: {CHANGED}" in run.err
    assert cli("build", "--root", project).err == ""
    key = tmp_path / "ours/site-builder/key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32


@pytest.mark.parametrize("trouble", ["no folder", "others may read it"])
def test_without_a_key_to_trust_the_cache_is_not_used(project, cli, tmp_path, monkeypatch, trouble):
    home = tmp_path / "cache-home"
    if trouble == "no folder":
        home.write_text("a file where the folder would be")
    else:
        (home / "site-builder").mkdir(parents=True)
        (home / "site-builder/key").write_bytes(os.urandom(32))
        (home / "site-builder/key").chmod(0o644)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    for _ in range(2):
        run = cli("build", "--root", project)
        assert run.code == 0 and "build cache not used: its key cannot be kept" in run.err
        assert "cached" not in run.out
    assert not (project / CACHE_DIR / "state.pickle").exists()
    assert tree(project / "output") == build(project, tmp_path / "clean", use_cache=False)


EPISODE = {
    "content/episodes/talk.md": (
        "---\ntitle: Talk\nnumber: 1\ndate: 2024-03-01\naudio: {url: /media/talk.mp3}\n---\n\n"
        "On ripeness.\n"
    ),
    "content/episodes/talk.vtt": (
        "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nThe stalemate, at last.\n"
    ),
    # an MPEG-1 layer III frame header, 128 kbit/s: 32,000 bytes last 2 s
    "content/media/talk.mp3": b"\xff\xfb\x90\x00" + bytes(31996),
}


def test_copies_are_fresh_after_a_same_size_edit_that_kept_the_time(site, cli, tmp_path):
    root = site(START | EPISODE, SITE_YAML)
    assert cli("build", "--root", root).code == 0
    same_size_edit(root / "content/media/note.txt", b"notes", b"NOTES")
    same_size_edit(root / "content/episodes/talk.vtt", b"at last", b"so soon")
    assert cli("build", "--root", root).code == 0
    out = tree(root / "output")
    assert out["media/note.txt"] == b"NOTES\n"
    assert b"so soon" in out["episodes/talk/transcript.vtt"]
    assert out == build(root, tmp_path / "clean", use_cache=False)
    # the audio alone: its length is read from it, and it is copied
    same_size_edit(root / "content/media/talk.mp3", b"\x90", b"\x50")  # 64 kbit/s: 4 s
    assert cli("build", "--root", root).code == 0
    out = tree(root / "output")
    assert out["media/talk.mp3"].startswith(b"\xff\xfb\x50")
    assert b'<time datetime="PT4S">0:04</time>' in out["episodes/talk/index.html"]
    assert out == build(root, tmp_path / "clean2", use_cache=False)


def test_an_output_changed_by_hand_is_not_trusted(project, cli):
    assert cli("build", "--root", project).code == 0
    expected = tree(project / "output")
    (project / "output/about/index.html").write_text("edited by hand")
    (project / "output/essays/first/index.html").unlink()
    assert cli("build", "--root", project).code == 0
    assert tree(project / "output") == expected


def test_no_cache_neither_reads_nor_writes_it(project, cli):
    assert cli("build", "--root", project, "--no-cache").code == 0
    assert not (project / CACHE_DIR).exists()
    assert cli("build", "--root", project).code == 0
    (project / CACHE_DIR / "state.pickle").write_bytes(b"garbage")
    run = cli("build", "--root", project, "--no-cache")
    assert run.code == 0 and run.err == ""
    assert (project / CACHE_DIR / "state.pickle").read_bytes() == b"garbage"


def test_the_cache_folder_may_be_deleted_at_any_time(project, cli):
    assert cli("build", "--root", project).code == 0
    expected = tree(project / "output")
    shutil.rmtree(project / CACHE_DIR)
    run = cli("build", "--root", project)
    assert run.code == 0 and run.err == "" and "cached" not in run.out
    assert tree(project / "output") == expected


def test_a_new_title_reparses_only_the_pages_that_link_to_it(project):
    # a link shows its target's title: `second` links [[first]], nothing links `second`
    out = project / "output"
    assert isinstance(build(project, out, use_cache=True), dict)
    for essay, expected in (("first", ["essays/first", "essays/second"]), ("second", None)):
        path = next((project / "content/essays").glob(f"*-{essay}.md"))
        path.write_text(path.read_text().replace("title: ", "title: New ", 1))
        report = BufferReporter()
        build_site(load_config(project), out, use_cache=True, report=report)
        assert sorted(report.items) == (expected or [f"essays/{essay}"])
        assert tree(out) == build(project, project / "clean", use_cache=False)
        shutil.rmtree(project / "clean")
    assert ">New First</a>" in (out / "essays/second/index.html").read_text()


def test_a_cached_build_compiles_no_template_again(project, monkeypatch):
    # compiling the templates a page needs was most of rendering one essay's pages
    out = project / "output"
    assert isinstance(build(project, out, use_cache=True), dict)
    compiled: list[str | None] = []
    compile_template = jinja2.Environment.compile

    def counting(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return compile_template(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    essay = project / "content/essays/2024-02-01-second.md"
    essay.write_text(essay.read_text() + "\nOne more line.\n")
    assert build(project, out, use_cache=True) == build(project, project / "clean", False)
    assert "essay.html" in compiled  # the clean build
    compiled.clear()
    essay.write_text(essay.read_text() + "\nAnd another.\n")
    assert b"And another." in build(project, out, use_cache=True)["essays/second/index.html"]
    assert compiled == []


def test_a_cached_build_outlines_only_what_it_parsed(project, monkeypatch):
    # the site's shape digests an outline of every item: made again for every item, they
    # were a third of linking one changed essay of 1,000
    from site_builder.incremental import state

    out = project / "output"
    assert isinstance(build(project, out, use_cache=True), dict)
    outlined: list[str] = []
    replace = state.replace

    def counting(item, **changes):
        if "body" in changes:
            outlined.append(item.key)
        return replace(item, **changes)

    monkeypatch.setattr(state, "replace", counting)
    # the second build takes the outline of `second` from what the first changed
    for name in ("2024-02-01-second", "2024-01-01-first", "2024-02-01-second"):
        essay = project / f"content/essays/{name}.md"
        essay.write_text(essay.read_text() + "\nOne more line.\n")
        outlined.clear()
        assert build(project, out, use_cache=True) == build(project, project / "clean", False)
        shutil.rmtree(project / "clean")
        assert outlined == [f"essays/{name[11:]}"]  # a clean build has no shape to digest


def test_items_and_parsed_bodies_pickle_by_their_fields(project):
    # the dataclasses' own __setstate__ was a sixth of reading the cache back: they are made
    # again by calling the class instead, and must come back equal
    import pickletools

    from site_builder.build import make_site

    result = make_site(load_config(project))
    values = [*result.items, *result.parsed.values()]
    for value in values:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        assert pickle.loads(data) == value
        assert "BUILD" not in {op.name for op, _, _ in pickletools.genops(data)}, value
    assert {type(v).__name__ for v in values} >= {"Essay", "Concept", "Page", "Parsed"}


# what an editor saves while a build reads it: (the module the file's reading goes through
# next, the function, the file; what the build should show once it is read again)
SAVED_MEANWHILE = {
    "essay": ("read_item", "content/essays/2024-01-01-first.md", "First, saved"),
    "responses": (
        "read_responses",
        "content/essays/2024-01-01-first.responses.yaml",
        "Saved later.",
    ),
    "transcript": ("sidefiles.parse_transcript", "content/episodes/talk.vtt", "Saved later."),
    "audio": ("sidefiles.audio_duration", "content/media/talk.mp3", 64_000),
}
RESPONSES = "- {name: Ana, date: 2024-05-01, body: A stalemate.}\n"


@pytest.mark.parametrize("by_content", [True, False], ids=["build", "serve"])
@pytest.mark.parametrize("which", list(SAVED_MEANWHILE))
def test_a_save_while_a_file_is_read_is_read_again_next_time(site, monkeypatch, by_content, which):
    """An editor that saves while a build reads the file: what that build read is older than
    the file, so the next build reads it again. The build's cache knows text files by their
    hash, the preview's by their stat (audio, both by its stat); each must be of what was
    read, not of the file after."""
    from site_builder import load
    from site_builder.load import sidefiles

    files = START | EPISODE | {"content/essays/2024-01-01-first.responses.yaml": RESPONSES}
    root = site(files, SITE_YAML)
    config = load_config(root)
    name, rel, later = SAVED_MEANWHILE[which]
    module, name = (sidefiles, name.split(".")[1]) if "." in name else (load, name)
    path, real = root / rel, getattr(module, name)

    def save(data: bytes) -> None:
        if which == "audio":  # twice the length: 64,000 bytes at 128 kbit/s last 4 s
            path.write_bytes(data + bytes(32000))
        elif which == "essay":
            path.write_bytes(data.replace(b"title: First", b"title: First, saved"))
        else:
            path.write_bytes(
                data.replace(b"A stalemate.", b"Saved later.").replace(
                    b"The stalemate, at last.", b"Saved later."
                )
            )

    def saved_meanwhile(*args):
        if which == "audio" or rel in args:  # the file was read: this comes after
            save(path.read_bytes())
        return real(*args)

    def shown(loaded) -> str:
        essay = next(i for i in loaded.items if i.path.endswith("first.md"))
        talk = next(i for i in loaded.items if i.path.endswith("talk.md"))
        return repr((essay.title, essay.responses, talk.transcript, talk.audio.length))

    cache: dict = {}
    with monkeypatch.context() as patched:
        patched.setattr(module, name, saved_meanwhile)
        first = load.load_content(config.content_dir, root, config.tz, cache, by_content)
    assert str(later) not in shown(first)
    again = load.load_content(config.content_dir, root, config.tz, cache, by_content)
    assert str(later) in shown(again)
