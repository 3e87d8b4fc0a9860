"""Concept previews in a real browser: hover, keyboard focus, touch, Escape, and no JavaScript."""

from __future__ import annotations

from pathlib import Path

import pytest

SITE = Path(__file__).parent / "sites" / "basic"
ESSAY = "/sub/essays/reading-the-stalemate/"
DEFINITION = "A deadlock in which both sides lose more by fighting on than they expect to gain."


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from site_builder.cli import main

    out = tmp_path_factory.mktemp("previews") / "out"
    assert main(["build", "--root", str(SITE), "--output", str(out), "--no-cache"]) == 0
    return out


@pytest.fixture
def origin(built, static_server):
    return static_server(built, "/sub/")


LINK = 'a.concept-link[href="/sub/glossary/mutually-hurting-stalemate/"]'


def test_hover_shows_the_definition_and_escape_hides_it(browser, origin):
    page = browser.new_page()
    page.goto(origin + ESSAY)
    tip = page.locator("#concept-preview")
    assert tip.is_hidden()
    page.hover(LINK)
    assert tip.is_visible() and tip.inner_text() == DEFINITION
    assert page.get_attribute(LINK, "aria-describedby") == "concept-preview"
    assert page.get_attribute(LINK, "title") is None  # no second, native tooltip
    page.keyboard.press("Escape")
    assert tip.is_hidden()
    assert page.get_attribute(LINK, "aria-describedby") is None
    page.close()


def test_keyboard_focus_shows_the_definition(browser, origin):
    page = browser.new_page()
    page.goto(origin + ESSAY)
    for _ in range(60):  # tab through the page as a keyboard user does
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", LINK):
            break
    else:
        pytest.fail("the concept link was never reached with Tab")
    tip = page.locator("#concept-preview")
    assert tip.is_visible() and tip.inner_text() == DEFINITION
    page.keyboard.press("Escape")
    assert tip.is_hidden()
    page.close()


def test_first_tap_previews_and_second_tap_follows(browser, origin):
    context = browser.new_context(
        has_touch=True, is_mobile=True, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(origin + ESSAY)
    page.tap(LINK)
    tip = page.locator("#concept-preview")
    assert tip.is_visible() and tip.inner_text() == DEFINITION
    assert page.url.endswith(ESSAY)
    box = tip.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # fits the phone's screen
    page.tap(LINK)
    page.wait_for_url("**/glossary/mutually-hurting-stalemate/")
    context.close()


def test_without_javascript_the_link_works_and_has_the_definition_in_title(browser, origin):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(origin + ESSAY)
    assert page.get_attribute(LINK, "title") == DEFINITION
    page.click(LINK)
    page.wait_for_url("**/glossary/mutually-hurting-stalemate/")
    assert page.locator("h1").inner_text() == "Mutually hurting stalemate"
    context.close()
