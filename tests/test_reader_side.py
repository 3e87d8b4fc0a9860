"""What Lighthouse found on the built example site, checked in Chromium: no request for the host
root's /favicon.ico, underlined footnote links, a search page whose results shift nothing."""

from __future__ import annotations

import pytest
from sitecheck import EXAMPLE_BASE as BASE

SHIFTS = """() => new Promise(done => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => done(total), 1500);
})"""


def test_every_page_names_its_icon_so_no_browser_asks_the_host_root(example_built):
    for page in example_built.rglob("*.html"):
        assert '<link rel="icon" href="/companion/favicon.ico"' in page.read_text(), page
    assert (example_built / "favicon.ico").read_bytes()[:4] == b"\0\0\1\0"  # an ICO file


def test_footnote_links_are_underlined_like_every_link_in_text(browser, example_origin):
    page = browser.new_page()
    page.goto(example_origin + BASE + "essays/reading-the-stalemate/")
    for selector in (".footnote-ref a", ".footnote-backref"):
        line = page.locator(selector).first.evaluate(
            "el => getComputedStyle(el).textDecorationLine"
        )
        assert line == "underline", selector
    page.close()


@pytest.mark.parametrize("width, height", [(1350, 940), (412, 823)], ids=["desktop", "mobile"])
def test_search_results_arriving_shift_nothing(browser, example_origin, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(example_origin + BASE + "search/?q=ceasefire")
    page.wait_for_selector(".search-result")
    assert page.evaluate(SHIFTS) < 0.01
    page.close()
