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
    "series/ending-the-war/",
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


# what a reader sees of the glossary's map: the drawing, its labels, or the list standing in
MAP = """(() => {
  const shown = (el) => el.getClientRects().length > 0;
  const svg = document.querySelector(".site-map svg"), list = document.querySelector(".map-list");
  const page = { width: innerWidth, scrolls: document.documentElement.scrollWidth > innerWidth };
  if (!shown(svg)) {
    const items = [...list.querySelectorAll("li > a:first-child")];
    return { page, list: shown(list) && items.map((a) => a.textContent) };
  }
  const box = svg.getBoundingClientRect(), holder = svg.parentElement.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  const labels = [...svg.querySelectorAll("text")].map((t) => {
    const r = t.getBoundingClientRect();
    const inside = r.left >= box.left && r.right <= box.right
      && r.top >= box.top && r.bottom <= box.bottom;
    return { text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale, inside };
  });
  return { page, map: { right: box.right, holderRight: holder.right, labels } };
})()"""


def map_at(browser, example_origin: str, width: int) -> dict:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(example_origin + BASE + "glossary/")
    found = page.evaluate(MAP)
    concepts = page.locator(".glossary-list dt > a").all_inner_texts()
    page.close()
    return found | {"concepts": concepts}


def test_on_a_desktop_the_map_fits_and_every_label_is_legible(browser, example_origin):
    found = map_at(browser, example_origin, 1280)
    assert not found["page"]["scrolls"]
    drawn = found["map"]
    assert drawn["right"] <= min(drawn["holderRight"], found["page"]["width"])
    assert len(drawn["labels"]) == len(found["concepts"])
    cut = [label["text"] for label in drawn["labels"] if not label["inside"]]
    small = [(label["text"], label["px"]) for label in drawn["labels"] if label["px"] < 11]
    assert cut == [] and small == []


def test_on_a_phone_the_map_is_a_list_of_every_concept(browser, example_origin):
    found = map_at(browser, example_origin, 390)
    assert not found["page"]["scrolls"]
    assert "map" not in found, "the map is drawn at 390 px"
    assert found["list"] == found["concepts"]
