"""A build with nothing changed stops after stat-ing the site (incremental/manifest.py): it reads
no cache and writes nothing, yet any change a stat can show, in the site, the output or the
flags, or a date that comes due, makes the next build the clean build again."""

from __future__ import annotations

import os
import re
import shutil
import time
from datetime import UTC
from pathlib import Path

import pytest
from conftest import write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cache import EDITS, SITE_YAML, START, build, same_size_edit

from site_builder.incremental import manifest, store
from site_builder.load import walk
from site_builder.steps import render


@pytest.fixture
def settled(monkeypatch):
    """As if every file of the site had been written long before the build began (a test's
    were written just before it, too close for their stat to be trusted: by the manifest, or
    by the load, which would hash them all again)."""
    monkeypatch.setattr(manifest, "RACY_NS", 0)
    monkeypatch.setattr(walk, "RACY_NS", 0)


@pytest.fixture
def project(site, settled):
    return site(START, SITE_YAML)


def reads_no_cache(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the cache was read")

    monkeypatch.setattr(store, "load_cache", refuse)


def test_nothing_changed_reads_no_cache_and_writes_nothing(project, cli, monkeypatch):
    assert cli("build", "--root", project).code == 0
    page = project / "output/essays/first/index.html"
    stamp = page.stat().st_mtime_ns, page.stat().st_ino
    reads_no_cache(monkeypatch)
    run = cli("build", "--root", project)
    assert run.code == 0 and re.match(r"Built (\d+) pages .*, \1 of them cached\n", run.out)
    assert (page.stat().st_mtime_ns, page.stat().st_ino) == stamp


def test_nothing_changed_says_the_warnings_again(site, settled, cli, monkeypatch):
    root = site({**START, "content/pages/about.md": "---\ntitle: About\nsummray: x\n---\nHi.\n"})
    first = cli("build", "--root", root)
    assert first.code == 0 and "summray" in first.err
    reads_no_cache(monkeypatch)
    assert cli("build", "--root", root).err == first.err


def replace_by_rename(root: Path, n: int) -> None:
    """Another file of the same size and times put in an essay's place (a checkout, a sync)."""
    path = sorted((root / "content/essays").glob("*.md"))[n % 2]
    st, text = path.stat(), path.read_text()
    other = path.with_name("incoming.tmp")
    other.write_text(text.replace("title: ", "title: X", 1).replace("\n\n", "\n", 1))
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert other.stat().st_size == st.st_size
    other.replace(path)


def edit_keeping_times(root: Path, n: int) -> None:
    path = root / "content/essays/2024-01-01-first.md"
    same_size_edit(path, b"made ripeness", b"made RIPENESS")


def edit_output(root: Path, n: int) -> None:
    (root / "cached/about/index.html").write_text("edited by hand")


def delete_output(root: Path, n: int) -> None:
    (root / "cached/essays/first/index.html").unlink()


def delete_output_folder(root: Path, n: int) -> None:
    shutil.rmtree(root / "cached/tags")


@pytest.mark.parametrize(
    "edit",
    [
        *EDITS,
        replace_by_rename,
        edit_keeping_times,
        edit_output,
        delete_output,
        delete_output_folder,
    ],
    ids=lambda e: e.__name__,
)
def test_after_any_change_the_build_is_the_clean_build(project, edit):
    cached, clean = project / "cached", project / "clean"
    build(project, cached, use_cache=True)
    assert build(project, cached, use_cache=True) == build(project, clean, use_cache=False)
    edit(project, 1)
    shutil.rmtree(clean)
    assert build(project, cached, use_cache=True) == build(project, clean, use_cache=False)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 50)), min_size=1, max_size=4))
def test_builds_with_and_without_changes_are_the_clean_build(tmp_path_factory, settled, edits):
    work = tmp_path_factory.mktemp("manifest")
    root = write_site(work / "site", START, SITE_YAML)
    cached, clean = work / "cached", work / "clean"
    build(root, cached, use_cache=True)
    for edit, n in edits:
        edit(root, n)
        expected = build(root, clean, use_cache=False)
        assert build(root, cached, use_cache=True) == expected, edit.__name__
        assert build(root, cached, use_cache=True) == expected, f"{edit.__name__}, again"
        shutil.rmtree(clean, ignore_errors=True)


def test_other_flags_build_again(project, cli):
    page = project / "output/essays/first/index.html"
    assert cli("build", "--root", project).code == 0
    assert cli("build", "--root", project, "--base-url", "https://other.example/").code == 0
    assert "https://other.example/essays/first/" in page.read_text()
    assert cli("build", "--root", project).code == 0
    assert "https://other.example/" not in page.read_text()
    draft = project / "content/essays/2024-03-01-draft.md"
    draft.write_text("---\ntitle: Draft\ndate: 2024-03-01\ndraft: true\n---\n\nSoon.\n")
    assert "left out 1 draft" in cli("build", "--root", project).out
    assert cli("build", "--root", project, "--drafts").code == 0
    assert (project / "output/essays/draft/index.html").is_file()
    assert cli("build", "--root", project).code == 0
    assert not (project / "output/essays/draft").exists()


def test_an_item_is_published_when_its_date_comes(project, cli, monkeypatch):
    later = project / "content/essays/2030-01-01-later.md"
    later.write_text("---\ntitle: Later\ndate: 2030-01-01\n---\n\nIn time.\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893369600")  # 2029-12-31
    assert "1 item dated in the future" in cli("build", "--root", project).out
    assert "1 item dated in the future" in cli("build", "--root", project).out
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893542400")  # 2030-01-02
    assert cli("build", "--root", project).code == 0
    assert "In time." in (project / "output/essays/later/index.html").read_text()


@pytest.mark.parametrize("files", ["project", "saved_long_ago"])
def test_a_file_changed_while_the_build_ran_is_built_again(files, request, cli, monkeypatch):
    """Its old modification time put back: only its change time tells (or, when it was
    saved just before, its hash: not the one the build read)."""
    root = request.getfixturevalue(files)
    essay = root / "content/essays/2024-01-01-first.md"
    render_pages = render.render_pages

    def edit_then_render(*args, **kwargs):
        same_size_edit(essay, b"made ripeness", b"made RIPENESS")
        return render_pages(*args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(render, "render_pages", edit_then_render)
        assert cli("build", "--root", root).code == 0
    assert "RIPENESS" not in (root / "output/essays/first/index.html").read_text()
    assert cli("build", "--root", root).code == 0
    assert "RIPENESS" in (root / "output/essays/first/index.html").read_text()


def test_a_cached_build_reads_again_only_the_files_whose_stat_changed(project, monkeypatch):
    # hashing every source again was half the load of a build after one essay changed
    cached, clean = project / "cached", project / "clean"
    build(project, cached, use_cache=True)
    essay = project / "content/essays/2024-02-01-second.md"
    essay.write_text(essay.read_text() + "\nOne more line.\n")
    read: list[Path] = []
    read_regular = walk.read_regular
    monkeypatch.setattr(walk, "read_regular", lambda path: read.append(path) or read_regular(path))
    assert b"One more line." in build(project, cached, use_cache=True)["essays/second/index.html"]
    assert read == [essay]
    assert build(project, cached, use_cache=True) == build(project, clean, use_cache=False)


def test_a_stat_taken_just_after_a_change_vouches_for_nothing(tmp_path):
    # a file changed again within its file system's timestamp granularity keeps its stat: the
    # next build must hash it, whatever its stat says
    essay = tmp_path / "essays/2024-01-01-first.md"
    essay.parent.mkdir()
    essay.write_text("---\ntitle: First\n---\nNew.\n")
    taken, stats = walk.fingerprint(essay, (), True, UTC)
    assert stats is None
    assert walk.fingerprint(essay, (), True, UTC, (taken, stats)) == (taken, None)


@pytest.fixture
def saved_long_ago(site, monkeypatch):
    """A site whose files are older than the racy margin (made small here: a test's files
    were all written a moment ago), so that only what a test changes is too new to vouch."""
    monkeypatch.setattr(manifest, "RACY_NS", 300_000_000)
    monkeypatch.setattr(walk, "RACY_NS", 300_000_000)
    root = site(START, SITE_YAML)
    time.sleep(0.4)
    return root


def test_a_build_just_after_a_save_leaves_a_manifest_the_next_build_stops_at(
    saved_long_ago, monkeypatch
):
    # saved, then built at once: the essay's stat is too new to vouch, its hash does
    root, cached = saved_long_ago, saved_long_ago / "cached"
    build(root, cached, use_cache=True)
    essay = root / "content/essays/2024-01-01-first.md"
    essay.write_text(essay.read_text() + "\nSaved just now.\n")
    build(root, cached, use_cache=True)
    with monkeypatch.context() as patched:
        reads_no_cache(patched)
        assert b"Saved just now." in build(root, cached, use_cache=True)["essays/first/index.html"]
    # and saved again within the stat's granularity: the same stat, another content
    before, read_inputs = os.stat(essay), manifest.read_inputs
    same_size_edit(essay, b"Saved just now.", b"SAVED JUST NOW.")
    as_before = (before.st_size, before.st_mtime_ns, before.st_ctime_ns, before.st_ino)
    monkeypatch.setattr(
        manifest, "read_inputs", lambda *args: {**read_inputs(*args), str(essay): as_before}
    )
    assert b"SAVED JUST NOW." in build(root, cached, use_cache=True)["essays/first/index.html"]
