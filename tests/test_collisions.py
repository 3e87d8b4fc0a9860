"""Two files, one URL; hostile slugs; Unicode file names (RELIABILITY G1-G5, F5, L3)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from sitecheck import tree

from site_builder.config import load_config
from site_builder.load import load_content
from site_builder.routes import GENERATED_FILES, GENERATED_FOLDERS, generated_clash
from site_builder.slugs import fold
from site_builder.write import MARKER


def errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if " error: " in line]


@pytest.fixture
def checked(site, cli, monkeypatch):
    """checked(files) -> Run of `check` in a new site, run from the site folder."""

    def run(files: dict[str, str | bytes]):
        root = site(files)
        monkeypatch.chdir(root)
        return cli("check")

    return run


# G1/G3: date-prefixed names whose slugs are the same.
def test_date_prefixed_essays_with_one_slug_collide(checked):
    run = checked(
        {
            "content/essays/2022-11-29-23-06.md": "---\ntitle: One\ndate: 2022-11-29\n---\n",
            "content/essays/2022-12-05-23-06.md": "---\ntitle: Two\ndate: 2022-12-05\n---\n",
        }
    )
    assert run.code == 1
    assert errors(run.err) == [
        "content/essays/2022-12-05-23-06.md:1: error: essays/23-06/ is also written by "
        "content/essays/2022-11-29-23-06.md [collision]"
    ]
    assert "    hint: give one of them another `slug:`" in run.err.splitlines()


def test_two_essays_with_the_same_slug_key_collide_on_the_slug_line(checked):
    run = checked(
        {
            "content/essays/2024-01-01-first.md": (
                "---\ntitle: First\ndate: 2024-01-01\nslug: same\n---\n"
            ),
            "content/essays/2024-02-01-second.md": (
                "---\ntitle: Second\ndate: 2024-02-01\nsummary: s\nslug: same\n---\n"
            ),
        }
    )
    assert run.code == 1
    assert errors(run.err) == [
        "content/essays/2024-02-01-second.md:5: error: essays/same/ is also written by "
        "content/essays/2024-01-01-first.md [collision]"
    ]


def test_items_of_different_kinds_may_share_a_slug(checked):
    run = checked(
        {
            "content/essays/2024-01-01-ripeness.md": "---\ntitle: E\ndate: 2024-01-01\n---\n",
            "content/glossary/ripeness.md": "---\nterm: Ripeness\ndefinition: Ready.\n---\n",
            "content/pages/ripeness.md": "---\ntitle: P\n---\n",
        }
    )
    assert run.code == 0, run.err
    assert errors(run.err) == []


# G2: case-only differences collide on every OS.
def test_about_and_About_collide(checked):
    run = checked(
        {
            "content/pages/About.md": "---\ntitle: About (upper)\n---\n",
            "content/pages/about.md": "---\ntitle: About (lower)\n---\n",
        }
    )
    assert run.code == 1
    assert errors(run.err) == [
        "content/pages/about.md:1: error: about/ is also written by content/pages/About.md "
        "[collision]"
    ]


def test_slugs_differing_in_case_collide(checked):
    run = checked(
        {
            "content/pages/a.md": "---\ntitle: A\nslug: Contact\n---\n",
            "content/pages/b.md": "---\ntitle: B\nslug: contact\n---\n",
        }
    )
    assert run.code == 1
    assert errors(run.err) == [
        "content/pages/b.md:3: error: contact/ is also written by content/pages/a.md [collision]"
    ]


def test_nfc_and_nfd_names_of_one_title_collide(site, cli, monkeypatch):
    nfc, nfd = (unicodedata.normalize(f, "Übersicht") for f in ("NFC", "NFD"))
    root = site(
        {
            f"content/pages/{nfc}.md": "---\ntitle: Composed\n---\n",
            f"content/pages/{nfd}.md": "---\ntitle: Decomposed\n---\n",
        }
    )
    if len(list((root / "content/pages").iterdir())) < 2:
        pytest.skip("this file system stores only one normalisation form")
    monkeypatch.chdir(root)
    run = cli("build")
    assert run.code == 1
    (line,) = errors(run.err)
    assert re.fullmatch(
        r"content/pages/(.+)\.md:1: error: \1/ is also written by "
        r"content/pages/(.+)\.md \[collision\]",
        line,
    ), line
    assert {unicodedata.normalize("NFC", n) for n in re.findall(r"pages/(\w+)\.md", line)} == {nfc}
    assert not (root / "output").exists()


def test_a_page_cannot_take_a_section_name(checked):
    run = checked({"content/pages/sections.md": "---\ntitle: Sections\nslug: essays\n---\n"})
    assert run.code == 1
    assert errors(run.err) == [
        "content/pages/sections.md:3: error: the page slug 'essays' is used by the site itself "
        "[collision]"
    ]


GENERATED = ["tags", "glossary", "media", "search", "feed.xml", "glossary.json", "Glossary.JSON"]
GENERATED += ["pagefind", "assets", "index.html", "404.html", "podcast.xml", "sitemap.xml"]


@pytest.mark.parametrize("name", GENERATED)
def test_a_page_file_named_like_a_generated_path_collides(checked, name):
    run = checked({f"content/pages/{name}.md": "---\ntitle: T\n---\n"})
    assert run.code == 1
    assert errors(run.err) == [
        f"content/pages/{name}.md:1: error: the page slug '{name}' is used by the site itself "
        "[collision]"
    ]


@pytest.mark.parametrize("folder", ["about/", "essays/index/", "tagsx/", "glossary/json/"])
def test_item_folders_beside_generated_paths_are_free(folder):
    assert generated_clash(folder) is None


# Issue 13: `slug: glossary.json` passed the checks, then the build crashed writing it.
def test_a_slug_that_clashes_leaves_the_previous_output_as_it_was(site, cli, monkeypatch):
    root = site({"content/pages/about.md": "---\ntitle: About\n---\n"})
    monkeypatch.chdir(root)
    assert cli("build").code == 0
    before = tree(root / "output")
    (root / "content/pages/data.md").write_text("---\ntitle: Data\nslug: glossary.json\n---\n")
    run = cli("build")
    assert run.code == 1
    assert errors(run.err) == [
        "content/pages/data.md:3: error: the page slug 'glossary.json' is used by the site "
        "itself [collision]"
    ]
    assert "Traceback" not in run.err
    assert tree(root / "output") == before


def test_routes_list_every_file_the_build_makes_outside_the_items_folders(example_built):
    root = example_built.parent
    config = load_config(root)
    loaded = load_content(config.content_dir, root, config.tz)
    items = tuple(fold(i.url_path) for i in loaded.items)
    unlisted = [
        rel
        for rel in tree(example_built)
        if rel != MARKER  # the writer's; no slug may start with "."
        and rel not in GENERATED_FILES
        and not rel.startswith(GENERATED_FOLDERS)
        and not fold(rel).startswith(items)
    ]
    assert unlisted == []


# G5: slugs that would leave the output folder or break on Windows.
HOSTILE = [
    "../../etc/x",
    "/abs",
    "C:\\x",
    "con",
    "nul",
    "NUL",
    "aux.html",
    "..",
    ".",
    "a/b",
    "x\\..\\..\\y",
    "%2e%2e",
    "com1",
    ".git",
    ".site-builder-output",
]  # would write into the deploy checkout or our marker


@pytest.mark.parametrize("slug", HOSTILE)
def test_hostile_slugs_are_rejected_with_a_position(site, cli, monkeypatch, tmp_path, slug):
    quoted = "'" + slug.replace("'", "''") + "'"
    root = site(
        {
            "content/pages/evil.md": f"---\ntitle: Evil\nslug: {quoted}\n---\n\nBody.\n",
            "content/pages/fine.md": "---\ntitle: Fine\n---\n",
        }
    )
    before = tree(tmp_path)
    monkeypatch.chdir(root)
    run = cli("build", "--output", "public")
    assert run.code == 1
    (line,) = errors(run.err)
    assert line.startswith("content/pages/evil.md:3: error: "), line
    assert tree(tmp_path) == before


@pytest.mark.parametrize("stem", ["con", "nul", "aux", "lpt1"])
def test_reserved_file_names_are_rejected(checked, stem):
    run = checked({f"content/pages/{stem}.md": "---\ntitle: T\n---\n"})
    assert run.code == 1
    assert errors(run.err) == [
        f"content/pages/{stem}.md:1: error: '{stem}' is a reserved file name on Windows "
        "[front-matter]"
    ]


def test_nothing_is_written_outside_the_output_folder(site, cli, tmp_path, monkeypatch):
    root = site(
        {
            "content/pages/ok.md": "---\ntitle: OK\n---\n",
            "content/essays/2024-01-01-x.md": "---\ntitle: X\ndate: 2024-01-01\n---\n",
        }
    )
    monkeypatch.chdir(root)
    before = tree(tmp_path)
    assert cli("build", "--output", "public").code == 0
    after = tree(tmp_path)
    new = sorted(set(after) - set(before))
    allowed = ("site/public/", "site/.site-builder-cache/")  # the output, and the build cache
    assert new and all(p.startswith(allowed) for p in new), new
    assert {p: after[p] for p in before} == before


# F5: Unicode file names.
UNICODE_PAGES = {
    "content/pages/Übersicht.md": "---\ntitle: Overview\n---\n\nSee [[♪]] and [[测试]].\n",
    "content/pages/♪.md": "---\ntitle: Note\n---\n\nBack to [[Übersicht]].\n",
    "content/pages/测试.md": "---\ntitle: Test\n---\n\nA [root link](/♪/).\n",
}
ENCODED = {"Übersicht": "%C3%9Cbersicht", "♪": "%E2%99%AA", "测试": "%E6%B5%8B%E8%AF%95"}


@pytest.fixture
def unicode_site(site, cli):
    root = site(UNICODE_PAGES)
    run = cli("build", "--root", root)
    assert run.code == 0, run.err
    return root / "output"


def test_unicode_file_names_build(unicode_site):
    for name in ENCODED:
        page = unicode_site / unicodedata.normalize("NFC", name) / "index.html"
        assert page.is_file(), name


def test_unicode_urls_are_percent_encoded_in_links(unicode_site):
    overview = (unicode_site / "Übersicht" / "index.html").read_text(encoding="utf-8")
    assert f'href="/{ENCODED["♪"]}/"' in overview
    assert f'href="/{ENCODED["测试"]}/"' in overview
    test = (unicode_site / "测试" / "index.html").read_text(encoding="utf-8")
    assert f'href="/{ENCODED["♪"]}/"' in test
    links = re.findall(r'<a [^>]*href="([^"]*)"', overview + test)
    assert not [h for h in links if re.search(r"[^\x21-\x7e]", h)], links


def test_canonical_and_og_url_of_a_unicode_page_are_percent_encoded(unicode_site):
    overview = (unicode_site / "Übersicht" / "index.html").read_text(encoding="utf-8")
    want = f"https://example.org/{ENCODED['Übersicht']}/"
    assert f'<link rel="canonical" href="{want}">' in overview
    assert f'<meta property="og:url" content="{want}">' in overview


def test_unicode_urls_are_percent_encoded_in_the_sitemap(unicode_site):
    sitemap = (unicode_site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    for encoded in ENCODED.values():
        assert f"https://example.org/{encoded}/" in locs
    assert not [loc for loc in locs if re.search(r"[^\x21-\x7e]", loc)], locs


def test_a_decomposed_file_name_gets_the_same_url_as_a_composed_one(site, cli):
    # The same title typed on macOS (NFD) and on Linux (NFC) must give one stable URL.
    nfd = unicodedata.normalize("NFD", "Übersicht")
    root = site(
        {
            f"content/pages/{nfd}.md": "---\ntitle: Overview\n---\n",
            "content/pages/links.md": "---\ntitle: Links\n---\n\n[[Übersicht]]\n",
        }
    )
    run = cli("build", "--root", root)
    assert run.code == 0, run.err
    sitemap = (root / "output/sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>https://example.org/{ENCODED['Übersicht']}/</loc>" in sitemap
    links = (root / "output/links/index.html").read_text(encoding="utf-8")
    assert f'href="/{ENCODED["Übersicht"]}/"' in links
