"""Search: the example site indexed by the real Pagefind binary, used in headless Chromium
through a plain static server under the site's subpath, as a reader on the host would."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from sitecheck import EXAMPLE_BASE as BASE
from sitecheck import REPO, tree

from site_builder.search import INDEX_DIR, index_site


def search_from_header(browser, example_origin: str, words: str):
    page = browser.new_page()
    page.goto(example_origin + BASE + "essays/")
    page.fill("header input[type=search]", words)
    page.press("header input[type=search]", "Enter")
    page.wait_for_selector(".search-result")
    return page


def results(page) -> list[tuple[str, str]]:
    """(href, kind) of each result shown."""
    return [
        (li.locator("h2 a").get_attribute("href"), li.locator(".kind").text_content())
        for li in page.locator(".search-result").all()
    ]


@pytest.mark.parametrize("words", ["ripeness", "Ripeness", "ripe moment"])
def test_header_box_lists_the_concept_page_first(browser, example_origin, words):
    page = search_from_header(browser, example_origin, words)
    found = results(page)
    assert found[0] == (BASE + "glossary/ripeness/", "Concept")
    assert len(found) > 3  # and the essays and episodes that discuss it after
    assert {kind for _, kind in found[1:]} >= {"Essay", "Episode"}
    assert page.url.endswith("/search/?q=" + words.replace(" ", "+"))


@pytest.mark.parametrize("words", ["Ines Carvalho", "carvalho", "Dr. Ines Carvalho"])
def test_a_person_page_comes_first_for_their_name_and_aliases(browser, example_origin, words):
    # people are known to search as concepts are: by their name (weighted) and aliases
    page = search_from_header(browser, example_origin, words)
    found = results(page)
    assert found[0] == (BASE + "people/ines-carvalho/", "Person")
    assert (BASE + "episodes/ripe-for-what/", "Episode") in found[1:]


@pytest.mark.parametrize("words", ["Ending the war", "ending the war"])
def test_a_series_page_comes_first_for_its_title(browser, example_origin, words):
    page = search_from_header(browser, example_origin, words)
    found = results(page)
    assert found[0] == (BASE + "series/ending-the-war/", "Series")
    page.check("input[name=kind][value=Series]")
    page.wait_for_function(
        "[...document.querySelectorAll('.search-result .kind')]"
        ".every(k => k.textContent === 'Series')"
    )
    assert results(page) == [(BASE + "series/ending-the-war/", "Series")]


def test_a_part_is_not_found_for_the_series_block_it_shows(example_built):
    part = (example_built / "essays/paper-promises/index.html").read_text(encoding="utf-8")
    assert re.search(r'<nav class="companion series-part"[^>]*data-pagefind-ignore', part)


def test_episode_filter_leaves_only_episodes(browser, example_origin):
    page = search_from_header(browser, example_origin, "ripeness")
    page.check("input[name=kind][value=Episode]")
    page.wait_for_function(
        "[...document.querySelectorAll('.search-result .kind')]"
        ".every(k => k.textContent === 'Episode')"
    )
    found = results(page)
    assert len(found) >= 2 and all(href.startswith(BASE + "episodes/") for href, _ in found)
    assert "kind=Episode" in page.url


def test_tag_filter_and_result_details(browser, example_origin):
    page = search_from_header(browser, example_origin, "stalemate")
    options = page.locator("#search-tag option").all_inner_texts()
    assert "negotiation" in options
    page.select_option("#search-tag", "negotiation")
    page.wait_for_function("location.search.includes('tag=negotiation')")
    page.wait_for_function(
        "document.querySelector('.search-status').textContent.includes('result')"
    )
    first = page.locator(".search-result").first
    assert first.locator(".meta").inner_text().strip()  # kind and date
    assert first.locator(".excerpt mark").count() >= 1  # the matched words, highlighted


def test_every_result_link_resolves_under_the_subpath(browser, example_origin):
    page = search_from_header(browser, example_origin, "ceasefire")
    hrefs = [href for href, _ in results(page)]
    assert len(hrefs) >= 5
    for href in hrefs:
        assert href.startswith(BASE)
        assert page.request.get(example_origin + href).status == 200, href


def test_search_loads_nothing_from_other_hosts(browser, example_origin):
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(example_origin + BASE + "search/?q=guarantees")
    page.wait_for_selector(".search-result")
    assert requested and all(url.startswith(example_origin + BASE) for url in requested), requested


def test_transcripts_are_indexed(browser, example_origin):
    page = browser.new_page()
    page.goto(example_origin + BASE + "search/?q=uncompromising")  # said only in a transcript
    page.wait_for_selector(".search-result")
    assert results(page) == [(BASE + "episodes/ripe-for-what/", "Episode")]


# a label run into its value, or a page's metadata, where an excerpt should read as prose
RUN_TOGETHER = re.compile(
    r"\b(Published|Recorded|Length|With)(?=[\dA-Z])|Also:|Download the|Companion to|\b\d+:\d\d\b"
)


@pytest.mark.parametrize(
    "words, shows",
    [
        ("truce", "Ceasefire. An agreement, formal or informal"),  # an alias: the concept first
        ("communiqué", "matter more than the communiqué. Chapters. Why a bonus episode."),
        ("uncompromising", "Dr. Ines Carvalho: Not always. Leaders often sound"),  # a transcript
    ],
)
def test_excerpts_read_as_prose_without_labels_dates_or_times(
    browser, example_origin, words, shows
):
    page = browser.new_page()
    page.goto(example_origin + BASE + "search/?q=" + words)
    page.wait_for_selector(".search-result")
    excerpts = page.locator(".search-result .excerpt").all_inner_texts()
    assert [e for e in excerpts if RUN_TOGETHER.search(e)] == []
    assert any(shows in e for e in excerpts), excerpts
    page.close()


def test_without_javascript_the_page_says_so_and_links_the_glossary_and_tags(
    browser, example_origin
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(example_origin + BASE + "search/?q=ripeness")
    notice = page.locator(".notice")
    assert "needs JavaScript" in notice.inner_text()
    links = notice.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        BASE + "glossary/",
        BASE + "tags/",
    ]
    context.close()


def test_only_the_content_itself_is_indexed(example_built):
    entry = json.loads((example_built / "pagefind/pagefind-entry.json").read_text())
    content = REPO / "content"
    pages = sum(
        len(list((content / section).glob("*.md")))
        for section in ("essays", "episodes", "glossary", "pages", "people", "series")
    )
    assert entry["languages"]["en"]["page_count"] == pages  # no lists, tags, home, 404, /people/
    concept = (example_built / "glossary/ripeness/index.html").read_text(encoding="utf-8")
    for section in ("backlinks", "relations", "sources"):
        opening = concept.split(f'<section class="{section}"')[1].split(">")[0]
        assert opening.endswith("data-pagefind-ignore"), section
    assert "data-pagefind-body" not in (example_built / "essays/index.html").read_text(
        encoding="utf-8"
    )
    assert not (example_built / "pagefind/pagefind-ui.js").exists()  # the theme has its own page
    sitemap = (example_built / "sitemap.xml").read_text(encoding="utf-8")
    assert "/search/" not in sitemap


def test_search_can_be_turned_off(site, cli):
    root = site(
        {"content/essays/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\n---\n\nRipe.\n"},
        site_yaml="title: T\nbase_url: https://example.org/\nsearch: false\n",
    )
    run = cli("build", "--root", root)
    assert run.code == 0, run.err
    assert not re.search(r"search \d", run.out)
    assert not (root / "output/pagefind").exists()
    assert not (root / "output/search").exists()
    assert 'role="search"' not in (root / "output/essays/a/index.html").read_text()


def test_search_is_its_own_phase_in_the_summary(site, cli):
    root = site(
        {"content/essays/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\n---\n\nRipe.\n"},
        site_yaml="title: T\nbase_url: https://example.org/\n",
    )
    run = cli("build", "--root", root, "--no-cache")
    assert run.code == 0, run.err
    assert re.search(r"search \d+ ms", run.out) and (root / "output/pagefind/pagefind.js").is_file()


def test_the_preview_searches_and_has_a_place_to_say_the_index_is_stale(site):
    from site_builder.build import make_site
    from site_builder.config import load_config

    root = site(
        {"content/essays/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\n---\n\nRipe.\n"},
        site_yaml="title: T\nbase_url: https://example.org/\n",
    )
    preview = make_site(load_config(root), live_reload="/__site-builder/reload.js").files
    built = make_site(load_config(root)).files
    page, built_page = preview["search/index.html"].decode(), built["search/index.html"].decode()
    script = re.search(r'<script src="/assets/search\.[0-9a-f]+\.js" defer>', built_page)
    assert script and script.group() in page  # the same search (test_serve_search.py)
    assert '<p class="notice" id="search-freshness" role="status" hidden></p>' in page
    assert "search-freshness" not in built_page


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="needs /dev/shm (a tmpfs)")
def test_the_index_is_the_same_whatever_order_the_pages_were_written_in(example_built):
    """tmpfs lists a folder's entries in the order they were made, and Pagefind numbers the
    pages in the order it is given them; the build writes pages as they come (pool.py)."""
    pages = sorted(p for p in example_built.rglob("*") if p.is_file() and INDEX_DIR not in p.parts)
    bundles = []
    with tempfile.TemporaryDirectory(dir="/dev/shm") as shm:
        for n, order in enumerate((pages, pages[::-1])):
            folder = Path(shm) / str(n)
            for page in order:
                copy = folder / page.relative_to(example_built)
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(page.read_bytes())
            index_site(folder, "en")
            bundles.append(tree(folder / INDEX_DIR))
    assert bundles[0] == bundles[1]
    assert len(bundles[0]) > 5
