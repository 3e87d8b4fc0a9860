"""The default theme audited in headless Chromium, in light and in dark mode, on every kind of
page of the example site: text contrast (HTML and SVG, charts and concept maps included), names
and labels, heading order, unique ids, landmarks, and a visible keyboard focus. The preview's
error overlay is audited too, over a page of the theme."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from sitecheck import EXAMPLE_BASE as BASE
from sitecheck import copy_example, start_serve

AUDIT = (Path(__file__).parent / "audit.js").read_text(encoding="utf-8")
PAGES = [
    "",
    "essays/",
    "essays/reading-the-stalemate/",  # responses, footnotes, an episode link
    "essays/the-long-middle/",  # a chart
    "episodes/",
    "episodes/ripe-for-what/",  # chapters and a transcript
    "glossary/",  # the concept map
    "glossary/ripeness/",  # backlinks with quotes, a local map
    "series/",
    "series/ending-the-war/",  # its parts in order (their pages show the part block)
    "tags/",
    "tags/negotiation/",
    "about/",
    "subscribe/",
    "search/?q=ripeness",
    "404.html",
]


def open_page(browser, example_origin: str, path: str, scheme: str):
    page = browser.new_page(color_scheme=scheme)
    visit(page, example_origin, path)
    return page


def visit(page, example_origin: str, path: str) -> None:
    page.goto(example_origin + BASE + path)
    if path.startswith("search/"):
        page.wait_for_selector(".search-result")
    page.add_script_tag(content=AUDIT)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_has_enough_contrast(browser, example_origin, scheme):
    page = browser.new_page(color_scheme=scheme)
    found = {}
    for path in PAGES:
        visit(page, example_origin, path)
        found[path] = page.evaluate("contrast()")
    assert {path: failures for path, failures in found.items() if failures} == {}
    page.close()


@pytest.fixture(scope="module")
def broken_preview(tmp_path_factory):
    """`serve` on a copy of the example site, then an essay saved with an error: the port.
    Pages are the last good build's, and the overlay over them lists the error."""
    root = copy_example(tmp_path_factory.mktemp("preview") / "site")
    proc, port = start_serve(root)
    essay = root / "content/essays/2026-03-14-reading-the-stalemate.md"
    essay.write_text(essay.read_text().replace("date: 2026-03-14", "date: 2026-02-30"))
    yield port
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=10)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_preview_error_overlay_is_readable(browser, broken_preview, scheme):
    page = browser.new_page(color_scheme=scheme)
    page.goto(f"http://127.0.0.1:{broken_preview}{BASE}essays/")
    overlay = page.get_by_role("alertdialog", name="Build errors")
    overlay.wait_for(timeout=20_000)
    assert "2026-03-14-reading-the-stalemate.md:3: error:" in overlay.inner_text()
    page.add_script_tag(content=AUDIT)
    assert page.evaluate("contrast()") == []
    page.close()


def test_names_labels_headings_ids_and_a_visible_focus(browser, example_origin):
    page = browser.new_page()
    found = {}
    for path in PAGES:
        visit(page, example_origin, path)
        problems = page.evaluate("structure()")
        page.keyboard.press("Tab")  # the first stop is the skip link, and it shows
        focus = page.evaluate(
            "(() => { const el = document.activeElement, s = getComputedStyle(el);"
            " return [el.textContent.trim(), s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
        )
        if focus[0] != "Skip to content" or focus[1] == "none" or focus[2] < 2:
            problems.append(f"first focus: {focus}")
        found[path] = problems
    assert {path: problems for path, problems in found.items() if problems} == {}
    page.close()


def test_the_audit_finds_what_it_looks_for(browser, example_origin):
    # faint text, an unlabelled field, a skipped heading level and a repeated id are reported
    page = open_page(browser, example_origin, "essays/", "dark")
    taken = page.evaluate("document.querySelector('[id]').id")
    page.evaluate(
        """(taken) => {
        const main = document.querySelector("main");
        main.insertAdjacentHTML("beforeend",
          '<p style="color:#333">faint words</p><input name="nameless">' +
          '<h4>too deep</h4><span id="' + taken + '">again</span>' +
          '<svg><text style="fill:#222">dim label</text></svg><div id="shadow-host"></div>');
        document.getElementById("shadow-host").attachShadow({ mode: "open" }).innerHTML =
          '<p style="color:#333">faint in a shadow root</p>';
    }""",
        taken,
    )
    faint = {(f["text"], f["need"]) for f in page.evaluate("contrast()")}
    assert faint == {("faint words", 4.5), ("dim label", 4.5), ("faint in a shadow root", 4.5)}
    assert page.evaluate("structure()") == [
        "heading jumps from h2 to h4: too deep",
        "form field without a label: nameless",
        f"id used 2 times: {taken}",
    ]
    page.close()
