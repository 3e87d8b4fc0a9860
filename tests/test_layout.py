"""The default theme's layout in headless Chromium, on a phone (390 px) and a desktop (1280 px):
the header is one shape on every page, and the glossary's map fits the screen, readably."""

from __future__ import annotations

import pytest
from sitecheck import EXAMPLE_BASE as BASE

WIDTHS = [390, 1280]
HEADER_PAGES = [
    "",
    "essays/reading-the-stalemate/",
    "episodes/ripe-for-what/",
    "glossary/ripeness/",
    "glossary/",
]
# where the header's title, navigation and search box sit, and how tall it is
HEADER = """(() => {
  const box = (selector) => {
    const r = document.querySelector(selector).getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
  };
  return {
    height: document.querySelector(".site-header").getBoundingClientRect().height,
    title: box(".site-title"), search: box(".site-search"),
  };
})()"""


def header_on(browser, example_origin: str, width: int) -> dict[str, dict]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    found = {}
    for path in HEADER_PAGES:
        page.goto(example_origin + BASE + path)
        found[path or "home"] = page.evaluate(HEADER)
    page.close()
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_the_header_is_as_tall_on_every_page(browser, example_origin, width):
    found = header_on(browser, example_origin, width)
    heights = {path: round(header["height"]) for path, header in found.items()}
    assert len(set(heights.values())) == 1, heights


def test_on_a_desktop_the_search_box_sits_beside_the_title(browser, example_origin):
    for path, header in header_on(browser, example_origin, 1280).items():
        title, search = header["title"], header["search"]
        assert search["top"] < title["bottom"] and title["top"] < search["bottom"], path
        assert search["left"] > title["right"], path
