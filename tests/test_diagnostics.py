"""What an author sees when a site is broken: `path:line: message`, a hint, exit status 1.

Each folder in tests/sites_invalid/ (and in tests/sites_invalid_podcast/, whose own module adds
the podcast-only checks) is a small complete site plus `expected.txt`, the exact text
`site-builder check` (and `build`) must print on stderr. Cases from RELIABILITY.md groups
E (front matter), F3 (encoding) and G6/G7 (references) live there; the tests below cover what a
golden file cannot (nothing executed, speed, paths printed relative to the current folder).
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from markupsafe import escape

INVALID = Path(__file__).parent / "sites_invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if (p / "expected.txt").is_file())
# every broken site of both suites (warning- folders build, and are tested where they live)
BROKEN = [
    folder
    for suite in (INVALID, Path(__file__).parent / "sites_invalid_podcast")
    for folder in sorted(suite.iterdir())
    if (folder / "expected.txt").is_file() and not folder.name.startswith("warning-")
]


@pytest.fixture
def broken(case_copy):
    """broken(case) -> a copy of tests/sites_invalid/<case>, made the current folder."""
    return lambda case: case_copy(INVALID / case)


def expected(case: str | Path) -> str:
    folder = case if isinstance(case, Path) else INVALID / case
    return (folder / "expected.txt").read_text(encoding="utf-8")


def test_the_suite_covers_the_cases_it_promises():
    assert len(CASES) >= 20
    assert all(e.endswith("nothing was written.\n") for e in map(expected, CASES))


EVERY_FIXTURE = sorted(
    folder
    for suite in (INVALID, Path(__file__).parent / "sites_invalid_podcast")
    for folder in suite.iterdir()
    if (folder / "expected.txt").is_file()
)


@pytest.mark.parametrize("case", EVERY_FIXTURE, ids=lambda folder: folder.name)
def test_every_problem_an_author_is_shown_says_what_to_do_about_it(case):
    lines = expected(case).splitlines()
    said = [n for n, line in enumerate(lines) if re.search(r": (error|warning): ", line)]
    assert said, case
    hinted = [n + 1 < len(lines) and lines[n + 1].startswith("    hint: ") for n in said]
    assert [lines[n] for n, hint in zip(said, hinted, strict=True) if not hint] == []


@pytest.mark.parametrize("case", BROKEN, ids=lambda folder: folder.name)
def test_check_prints_exactly_the_expected_diagnostics(case, case_copy, cli):
    root = case_copy(case)
    run = cli("check")
    assert run.err == expected(case)
    assert run.code == 1
    assert run.out == ""
    assert not (root / "output").exists()


@pytest.mark.parametrize("case", BROKEN, ids=lambda folder: folder.name)
def test_build_fails_with_the_same_diagnostics_and_writes_nothing(case, case_copy, cli):
    root = case_copy(case)
    run = cli("build")
    assert run.err == expected(case)
    assert run.code == 1
    assert not (root / "output").exists()
    left = sorted(p.name for p in root.iterdir())
    assert left == sorted(p.name for p in case.iterdir() if p.name != "expected.txt")


def test_paths_are_shown_relative_to_the_current_folder_with_root(tmp_path, monkeypatch, cli):
    shutil.copytree(INVALID / "many-problems-sorted", tmp_path / "blog")
    monkeypatch.chdir(tmp_path)
    run = cli("check", "--root", "blog")
    assert run.code == 1
    want = [
        f"blog/{line}" if line.startswith("content/") else line
        for line in expected("many-problems-sorted").splitlines()
    ]
    assert run.err.splitlines() == want


WARNED_AND_BROKEN = {
    "content/glossary/orphan.md": "---\nterm: Orphan\ndefinition: Linked from nowhere.\n---\n",
    "content/pages/about.md": "---\ntitle: About\n---\n\nSee [[nowhere]].\n",
}
ORPHAN_WARNING = "content/glossary/orphan.md:1: warning: 'Orphan' is not mentioned anywhere"


@pytest.mark.parametrize("command", ["check", "build"])
def test_warnings_are_shown_beside_errors_not_after_they_are_fixed(site, cli, monkeypatch, command):
    monkeypatch.chdir(site(WARNED_AND_BROKEN))
    run = cli(command)
    assert run.code == 1
    lines = run.err.splitlines()
    assert lines[0].startswith(ORPHAN_WARNING)  # in path order, among the errors
    assert lines[2].startswith("content/pages/about.md:5: error: unknown link target [[nowhere]]")
    assert lines[-1] == "1 error and 1 warning; nothing was written."


def test_an_error_found_while_rendering_keeps_the_warnings_found_before_it(site, cli, monkeypatch):
    files = {**WARNED_AND_BROKEN, "templates/page.html": "{{ page.title.nope() }}\n"}
    files["content/pages/about.md"] = "---\ntitle: About\n---\n\nNo links.\n"
    monkeypatch.chdir(site(files))
    run = cli("build")
    assert run.code == 1
    assert run.err.startswith(ORPHAN_WARNING), run.err
    assert "templates/page.html:1: error: " in run.err
    assert run.err.endswith("\n1 error and 1 warning; nothing was written.\n")


def test_a_typo_in_the_base_template_is_one_error_naming_the_pages_it_stopped(site, cli):
    pages = {f"content/pages/p{n}.md": f"---\ntitle: P{n}\n---\n\nBody.\n" for n in range(3)}
    root = site({**pages, "templates/base.html": "<html>\n{% if %}\n"})
    run = cli("build", "--root", root)
    assert run.code == 1
    said = [line for line in run.err.splitlines() if "templates/base.html" in line]
    assert len(said) == 1, run.err  # not once a page
    assert said[0].endswith(", and 8 other pages) [template]"), said
    assert "\n    hint: fix that line of the template (it is Jinja2)\n" in run.err


# E8: odd scalars are strings (or positioned errors), never a crash.
def test_equals_and_merge_key_values_are_plain_strings(site, cli, monkeypatch):
    root = site(
        {
            "content/pages/odd.md": """
        ---
        title: Odd
        x: =
        y: <<
        <<: {a: 1}
        ---

        Body.
        """
        }
    )
    monkeypatch.chdir(root)
    run = cli("check")
    assert run.code == 0, run.err
    assert " error: " not in run.err
    assert run.out.startswith("no errors in ")


# E11: a Python tag is refused before anything could run.
@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch pwned']",
        "!!python/object/new:os.system ['touch pwned']",
        "!!python/name:os.system",
    ],
)
def test_python_tags_are_rejected_and_nothing_runs(site, cli, monkeypatch, tag):
    root = site({"content/pages/about.md": f"---\ntitle: {tag}\n---\n"})
    monkeypatch.chdir(root)
    run = cli("build")
    assert run.code == 1
    assert run.err.startswith("content/pages/about.md:2: error: unsupported YAML tag ")
    assert not (root / "pwned").exists()
    assert not (root / "output").exists()


# E13: a bigger alias bomb than the golden one is still refused at once.
def test_alias_bomb_is_rejected_quickly(site, cli, monkeypatch):
    text = "---\ntitle: Bomb\na0: &a0 [" + ",".join(["lol"] * 20) + "]\n"
    for i in range(1, 25):
        text += f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 20) + "]\n"
    root = site({"content/pages/bomb.md": text + "---\n"})
    monkeypatch.chdir(root)
    start = time.perf_counter()
    run = cli("check")
    assert time.perf_counter() - start < 2
    assert run.code == 1
    assert run.err.startswith("content/pages/bomb.md:3: error: aliases (*name) are not supported")


# E14 + E2: an empty title is an error on the line that holds it, not on the fence.
@pytest.mark.parametrize("line", ["title:", 'title: ""', "title: '   '", "title: ~"])
def test_empty_title_is_reported_on_its_own_line(site, cli, monkeypatch, line):
    root = site({"content/pages/about.md": f"---\nmenu: 1\n{line}\n---\n\n# About\n"})
    monkeypatch.chdir(root)
    run = cli("check")
    assert run.code == 1
    first = run.err.splitlines()[0]
    assert first.startswith("content/pages/about.md:3: error: "), first
    assert "'title'" in first


# E2: field errors deep in the front matter and link errors in the body count every line.
def test_line_numbers_count_the_fence_and_blank_lines(site, cli, monkeypatch):
    root = site(
        {
            "content/essays/2024-01-15-lines.md": (
                "---\n"
                "title: Lines\n"
                "\n"
                "# a comment\n"
                "date: 2024-01-15\n"
                "tags:\n"
                "  - one\n"
                "  - 7.5\n"
                "draft: nope\n"
                "---\n"
                "\n"
                "Para one.\n"
                "\n"
                "> quote with [[missing-one]]\n"
                "\n"
                "- item\n"
                "- item with\n"
                "  [[missing-two]]\n"
            )
        }
    )
    monkeypatch.chdir(root)
    run = cli("check")
    assert run.code == 1
    heads = [line.split(" error: ")[0] for line in run.err.splitlines() if " error: " in line]
    assert heads == [
        "content/essays/2024-01-15-lines.md:9:",
        "content/essays/2024-01-15-lines.md:14:",
        "content/essays/2024-01-15-lines.md:18:",
    ]


def test_check_reports_published_and_draft_problems_once_each(site, cli, monkeypatch):
    root = site(
        {
            "content/pages/a.md": "---\ntitle: A\n---\n\nSee [[nope]].\n",
            "content/pages/b.md": "---\ntitle: B\ndate: 2024-02-30\n---\n",
            "content/essays/2024-01-01-c.md": "---\ntitle: C\ndate: 2024-01-01\ndraft: true\n"
            "---\n\nSee [[gone]].\n",
        }
    )
    monkeypatch.chdir(root)
    run = cli("check")
    assert run.code == 1
    lines = run.err.splitlines()
    assert [x.split(" error: ")[0] for x in lines if " error: " in x] == [
        "content/essays/2024-01-01-c.md:7:",
        "content/pages/a.md:5:",
        "content/pages/b.md:3:",
    ]
    assert lines[-1] == "3 errors; nothing was written."


# E7 / L1: dates at the edge of the calendar and absurd numbers are positioned errors too.
@pytest.mark.parametrize(
    "line",
    [
        pytest.param("date: 0001-01-01T00:00:00+05:00", id="date-before-year-1"),
        pytest.param("date: 9999-12-31T23:00:00-05:00", id="date-after-year-9999"),
        pytest.param("date: 2024-01-15T10:30:00+99:00", id="offset-99-hours"),
        pytest.param("menu: " + "9" * 5000, id="integer-with-5000-digits"),
    ],
)
def test_out_of_range_values_are_positioned_errors_not_tracebacks(site, cli, monkeypatch, line):
    root = site({"content/pages/p.md": f"---\ntitle: P\n{line}\n---\n"})
    monkeypatch.chdir(root)
    run = cli("check")
    assert run.code == 1
    assert run.err.startswith("content/pages/p.md:3: error: "), run.err
    assert run.err.endswith("1 error; nothing was written.\n")


def test_an_invisible_control_character_is_a_warning_on_its_line(site, cli, monkeypatch):
    root = site(
        {
            "content/essays/2024-01-15-pasted.md": (
                "---\ntitle: Pasted\ndate: 2024-01-15\n---\n\nFine.\n\nPasted from\x0b a memo.\n"
            )
        }
    )
    monkeypatch.chdir(root)
    run = cli("build")
    assert run.code == 0
    assert run.err.splitlines()[:2] == [
        "content/essays/2024-01-15-pasted.md:8: warning: invisible control character U+000B "
        "in the text [control-character]",
        "    hint: delete it: feeds leave it out, and browsers may show it as a box",
    ]
    assert "Pasted from a memo." in (root / "output/feed.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("char", ["\x01", "\x7f"])
def test_the_control_character_warning_tells_what_the_feeds_do(site, cli, monkeypatch, char):
    # one table says what feeds cannot carry: the warning's promise is the writers' behaviour
    import json
    import xml.etree.ElementTree as ET

    root = site(
        {
            "content/essays/2024-01-15-pasted.md": (
                f"---\ntitle: Pasted\ndate: 2024-01-15\n---\n\nPasted{char} here.\n"
            )
        }
    )
    monkeypatch.chdir(root)
    run = cli("build")
    assert run.code == 0
    assert f"warning: invisible control character U+{ord(char):04X} in the text" in run.err
    assert "feeds leave it out" in run.err
    atom = ET.fromstring((root / "output/feed.xml").read_bytes())
    entry = atom.find("{http://www.w3.org/2005/Atom}entry")
    assert "Pasted here." in entry.findtext("{http://www.w3.org/2005/Atom}content")
    assert entry.findtext("{http://www.w3.org/2005/Atom}summary") == "Pasted here."
    (item,) = json.loads((root / "output/feed.json").read_text(encoding="utf-8"))["items"]
    assert "Pasted here." in item["content_html"]
    assert item["summary"] == "Pasted here."
    assert char in (root / "output/essays/pasted/index.html").read_text(encoding="utf-8")


def test_check_reads_each_file_once_for_both_views(site, cli, monkeypatch):
    # `check` looks at the site as published and as previewed (drafts included): the second
    # look reuses what the first one read, as a rebuild would
    from site_builder import load

    root = site(
        {
            "content/essays/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\n---\n\nOne.\n",
            "content/essays/2024-01-02-b.md": (
                "---\ntitle: B\ndate: 2024-01-02\ndraft: true\n---\n\nTwo.\n"
            ),
            "content/pages/c.md": "---\ntitle: C\n---\n\nThree.\n",
        }
    )
    reads = []
    read_item = load.read_item
    monkeypatch.setattr(load, "read_item", lambda *a: reads.append(a[1]) or read_item(*a))
    monkeypatch.chdir(root)
    assert cli("check").code == 0
    assert sorted(reads) == [
        "content/essays/2024-01-01-a.md",
        "content/essays/2024-01-02-b.md",
        "content/pages/c.md",
    ]


@pytest.mark.parametrize(
    "title",
    [
        "Ripe for what? Reading: a stalemate",
        'Retitled "The long middle: attrition"',
        'It\'s "odd": yes',
    ],
)
def test_the_colon_hint_is_a_line_that_works(site, cli, monkeypatch, title):
    # the suggested line, pasted in place of the broken one, reads back as the title typed
    essay = "content/essays/2024-01-01-a.md"
    root = site({essay: f"---\ntitle: {title}\ndate: 2024-01-01\n---\n\nText.\n"})
    monkeypatch.chdir(root)
    run = cli("check")
    assert run.code == 1
    hint = run.err.splitlines()[1]
    assert hint.startswith("    hint: quote the value when it contains a colon: title: "), hint
    fixed = hint.split("contains a colon: ", 1)[1]
    path = root / essay
    path.write_text(path.read_text().replace(f"title: {title}", fixed))
    assert cli("build").code == 0
    page = (root / "output/essays/a/index.html").read_text()
    assert f">{escape(title)}</h1>" in page  # as Jinja escapes it


def test_a_quoted_value_with_more_after_its_quote_gets_its_own_hint(site, cli, monkeypatch):
    root = site({"content/pages/p.md": '---\ntitle: "Ripe: or not" revised\n---\n'})
    monkeypatch.chdir(root)
    run = cli("check")
    assert "hint: a quoted value ends at its closing quote: put all of title inside the quotes" in (
        run.err
    )


@pytest.mark.parametrize("draft, passes", [("false", 1), ("true", 2)])
def test_check_looks_twice_only_when_something_is_withheld(site, cli, monkeypatch, draft, passes):
    from site_builder import build

    root = site(
        {
            "content/essays/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\n---\n\nOne.\n",
            "content/essays/2024-01-02-b.md": (
                f"---\ntitle: B\ndate: 2024-01-02\ndraft: {draft}\n---\n\nTwo.\n"
            ),
        }
    )
    views: list[bool] = []
    make_site = build.make_site
    monkeypatch.setattr(
        build,
        "make_site",
        lambda config, **kw: views.append(kw["drafts"]) or make_site(config, **kw),
    )
    monkeypatch.chdir(root)
    assert cli("check").code == 0
    assert views == [False, True][:passes]


# Unknown keys: a warning at the key's line, with the key it probably was, or where it goes.
def test_unknown_keys_warn_at_their_line_with_what_was_meant(site, cli, monkeypatch):
    root = site(
        {
            "content/glossary/ripeness.md": (
                "---\nterm: Ripeness\ndefinition: The moment.\ncontrasts_with: [stalemate]\n"
                "relation: {part_of: [stalemate]}\n---\n\nText.\n"
            ),
            "content/glossary/stalemate.md": (
                "---\nterm: Stalemate\ndefinition: A deadlock.\n---\n\nSee ripeness.\n"
            ),
            "content/essays/2024-01-01-a.md": (
                "---\ntitle: A\ndate: 2024-01-01\nmood: [calm]\nTags: [x]\n"
                "concepts: [ripeness, stalemate]\n---\n\nText.\n"
            ),
            "content/episodes/001-one.md": (
                "---\ntitle: One\ndate: 2024-01-01\naudio: {url: https://x.org/1.mp3, size: 3}\n"
                "---\n\nNotes.\n"
            ),
        },
        "title: Test Site\nbase_url: https://example.org/\nsearch: false\nemail: a@example.org\n"
        "autolnk: first\n",
    )
    monkeypatch.chdir(root)
    run = cli("check")
    assert run.code == 0
    assert run.err == (
        "content/episodes/001-one.md:4: warning: unknown key 'audio.size' in an episode"
        " [unknown-key]\n"
        "    hint: it takes length, type, url\n"
        "content/essays/2024-01-01-a.md:4: warning: unknown key 'mood' in an essay"
        " [unknown-key]\n"
        "    hint: your own data goes under `extra:`, which templates see as page.extra\n"
        "content/essays/2024-01-01-a.md:5: warning: unknown key 'Tags' in an essay"
        " [unknown-key]\n"
        "    hint: did you mean 'tags'?\n"
        "content/glossary/ripeness.md:4: warning: unknown key 'contrasts_with' in a concept"
        " [unknown-key]\n"
        "    hint: 'contrasts_with' goes under `relations:`\n"
        "content/glossary/ripeness.md:5: warning: unknown key 'relation' in a concept"
        " [unknown-key]\n"
        "    hint: did you mean 'relations'?\n"
        "site.yaml:4: warning: unknown key 'email' in site.yaml [unknown-key]\n"
        "    hint: 'email' goes under `author:` or `responses:`\n"
        "site.yaml:5: warning: unknown key 'autolnk' in site.yaml [unknown-key]\n"
        "    hint: did you mean 'autolink', under `glossary:`?\n"
    )
    assert run.out.endswith("(7 warnings)\n")


def test_extra_is_never_warned_about_and_templates_see_it(site, cli, monkeypatch):
    root = site(
        {
            "content/pages/about.md": (
                "---\ntitle: About\nextra: {mood: calm, words: [a, b]}\n---\n\nText.\n"
            ),
            "templates/page.html": "{{ page.extra.mood }} / {{ site.extra.tagline }}\n",
        },
        "title: Test Site\nbase_url: https://example.org/\nsearch: false\n"
        "extra:\n  tagline: Peace, slowly\n  anything: {at: all}\n",
    )
    monkeypatch.chdir(root)
    run = cli("build")
    assert (run.code, run.err) == (0, "")
    assert (root / "output/about/index.html").read_text() == "calm / Peace, slowly\n"


def test_extra_must_be_a_mapping(site, cli, monkeypatch):
    root = site({"content/pages/about.md": "---\ntitle: About\nextra: calm\n---\n"})
    monkeypatch.chdir(root)
    run = cli("check")
    assert run.code == 1
    assert run.err.startswith(
        "content/pages/about.md:3: error: 'extra' must be a mapping, not 'calm' [front-matter]\n"
    )


# Each kind's table of keys is what its reader reads: a sample with every key, read while the
# reader's lookups are recorded, finds exactly the keys of the table.
COMMON_SAMPLE = """
        slug: s
        summary: S
        tags: [t]
        concepts: [c]
        draft: false
        autolink: true
        updated: 2024-01-02
        extra: {x: 1}
        """
SAMPLES = {
    "essay": """
        title: T
        date: 2024-01-01
        episode: 1
        aliases: [/p/t/]
        audience: only_paid
        series: {slug: s, part: 1}
        """
    + COMMON_SAMPLE,
    "episode": """
        title: T
        date: 2024-01-01
        number: 1
        season: 1
        recorded: 2023-12-01
        audio: {url: https://x.org/1.mp3, length: 3, type: audio/mpeg}
        duration: "1:00"
        explicit: false
        episode_type: full
        guests: [G]
        chapters: [{start: "0:00", title: C, url: https://x.org/}]
        image: media/e.png
        guid: g
        transcript: t.vtt
        aliases: [/old/1/]
        transcripts: [{url: https://x.org/t.vtt, type: text/vtt, language: en, rel: captions}]
        social: {url: https://x.org/p/1, protocol: activitypub, account: "@a",
                 account_url: https://x.org/@a}
        alternate_audio: [{url: https://x.org/1.opus, type: audio/opus, length: 3, bitrate: 64,
                           title: O}]
        funding: [{url: https://x.org/give, text: Give}]
        series: {slug: s, part: 2}
        """
    + COMMON_SAMPLE,
    "concept": """
        term: T
        definition: D.
        aliases: [a, {name: b, autolink: false}]
        forms: [f]
        related: [r]
        relations: {contrasts_with: [x], own_kind: [y]}
        sources: [{author: A, title: T, year: 1985, url: https://x.org/}]
        """
    + COMMON_SAMPLE,
    "page": """
        title: T
        menu: 1
        date: 2024-01-01
        aliases: /about-us/
        """
    + COMMON_SAMPLE,
    "series": """
        title: T
        aliases: [/old-series/]
        """
    + COMMON_SAMPLE,
}
SITE_SAMPLE = """
    title: T
    description: D
    base_url: https://example.org/
    language: en
    timezone: UTC
    search: true
    extra: {x: 1}
    author: {name: A, email: a@example.org}
    podcast:
      title: P
      description: D
      image: media/c.png
      category: [News]
      explicit: false
      type: episodic
      guid: g
      hosts: [H]
      author: A
      language: en-gb
      owner: {name: O, email: o@example.org}
      new_feed_url: https://y.org/feed.xml
      locked: true
      copyright: C
      funding: [{url: https://x.org/give, text: Give}]
      podroll: [https://x.org/feed.xml]
      location: {name: L, geo: "geo:1,2", osm: R1}
      txt: [{text: T, purpose: verify}]
      seasons: {1: S}
    glossary: {autolink: first}
    people: {autolink: all}
    responses: {email: r@example.org}
    redirects: {/old/: /new/}
    """


def _key_paths(keys, at=()) -> set[tuple]:
    """Every key path of a table; below an open one (relation kinds), only the table itself."""
    from site_builder.load.fields import OPEN

    if OPEN in keys:
        return set()
    paths = set()
    for key, inner in keys.items():
        paths.add((*at, key))
        paths |= _key_paths(inner or {}, (*at, key))
    return paths


def _recording(monkeypatch, module) -> list:
    readers = []

    class Recorder(module.FieldReader):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            readers.append(self)

    monkeypatch.setattr(module, "FieldReader", Recorder)
    return readers


def _within_closed(paths: set[tuple], keys) -> set[tuple]:
    """The paths that do not lie below an open table (where any key is the author's)."""
    from site_builder.load.fields import OPEN

    def closed(path: tuple) -> bool:
        table = keys
        for key in path[:-1]:
            table = table[key] or {}
            if OPEN in table:
                return False
        return True

    return {p for p in paths if closed(p)}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_kind_reads_exactly_the_keys_of_its_table(kind, monkeypatch):
    import textwrap
    from zoneinfo import ZoneInfo

    from site_builder.load import readers as load

    readers = _recording(monkeypatch, load)
    raw = f"---\n{textwrap.dedent(SAMPLES[kind]).strip()}\n---\n\nText.\n".encode()
    problems: list = []
    load.read_item(kind, f"content/x/{kind}.md", raw, ZoneInfo("UTC"), problems)
    assert [p for p in problems if p.code == "unknown-key"] == []
    (reader,) = readers
    assert _within_closed(reader.read, load.KEYS[kind]) == _key_paths(load.KEYS[kind])


def test_site_yaml_reads_exactly_the_keys_of_its_table(monkeypatch, tmp_path):
    import textwrap

    from site_builder import config
    from site_builder.load.frontmatter import Source, parse_yaml

    readers = _recording(monkeypatch, config)
    data, lines = parse_yaml(textwrap.dedent(SITE_SAMPLE), "site.yaml")
    read = config.read_config(tmp_path, Source("site.yaml", data, lines))
    assert read.warnings == ()
    (reader,) = readers
    assert _within_closed(reader.read, config.KEYS) == _key_paths(config.KEYS)


# Plausibility: values that cannot both be right are warnings at the line to look at.
def test_implausible_durations_and_names_warn_at_their_lines(site, cli, monkeypatch):
    root = site(
        {
            "content/episodes/001-long.md": (
                "---\ntitle: Long\ndate: 2024-01-01\nduration: 188000\n---\n\nNotes.\n"
            ),
            "content/episodes/002-chapters.md": (
                '---\ntitle: Chapters\ndate: 2024-01-02\nduration: "40:00"\nchapters:\n'
                '  - {start: "0:00", title: Start}\n  - {start: "52:10", title: End}\n'
                "---\n\nNotes.\n"
            ),
            "content/episodes/003-transcript.md": (
                '---\ntitle: Transcript\ndate: 2024-01-03\nduration: "10:00"\n---\n\nNotes.\n'
            ),
            "content/episodes/003-transcript.vtt": (
                "WEBVTT\n\n00:00:01.000 --> 00:05:00.000\nHello.\n\n"
                "00:11:00.000 --> 00:12:30.000\nGoodbye.\n"
            ),
            "content/episodes/012-misnumbered.md": (
                "---\ntitle: Misnumbered\nnumber: 13\ndate: 2024-01-04\n---\n\nNotes.\n"
            ),
            "content/essays/2024-03-14-misdated.md": (
                "---\ntitle: Misdated\ndate: 2024-03-15\n---\n\nText.\n"
            ),
        }
    )
    monkeypatch.chdir(root)
    run = cli("check")
    assert run.code == 0
    assert run.err == (
        "content/episodes/001-long.md:4: warning: duration 52 hours looks like milliseconds"
        " or a typo [plausibility]\n"
        '    hint: write seconds or "H:MM:SS": 188000 ms is 3:08\n'
        "content/episodes/002-chapters.md:4: warning: duration 40:00 is shorter than the last"
        " chapter's start (52:10) [plausibility]\n"
        "content/episodes/003-transcript.md:4: warning: duration 10:00 is shorter than the"
        " transcript (12:30) [plausibility]\n"
        "content/episodes/012-misnumbered.md:3: warning: the file name says episode 12 but"
        " number: is 13 [plausibility]\n"
        "    hint: rename the file, or correct `number:` (the site shows `number:`)\n"
        "content/essays/2024-03-14-misdated.md:3: warning: the file name says 2024-03-14 but"
        " date: is 2024-03-15 [plausibility]\n"
        "    hint: rename the file, or correct `date:` (the site shows `date:`)\n"
    )


def test_a_duration_that_fits_its_chapters_and_transcript_is_quiet(site, cli, monkeypatch):
    root = site(
        {
            "content/episodes/001-fits.md": (
                '---\ntitle: Fits\ndate: 2024-01-01\nduration: "12:30"\nchapters:\n'
                '  - {start: "0:00", title: Start}\n  - {start: "12:00", title: End}\n'
                "---\n\nNotes.\n"
            ),
            "content/episodes/001-fits.vtt": "WEBVTT\n\n00:11:00.000 --> 00:12:30.400\nBye.\n",
        }
    )
    monkeypatch.chdir(root)
    assert (cli("check").err, cli("check").code) == ("", 0)
