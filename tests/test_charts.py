"""Charts: Vega-Lite fences drawn as accessible inline SVG, their data table, errors and cache."""

from __future__ import annotations

import multiprocessing
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from site_builder import charts
from site_builder.charts import ChartCache, render_chart, renderer
from site_builder.errors import ContentError

FIXTURES = Path(__file__).parent / "fixtures" / "charts"
MEDIA = FIXTURES / "media"
STYLE = Path(__file__).parent.parent / "templates" / "static" / "style.css"
SVG = "{http://www.w3.org/2000/svg}"
PAGE = "content/essays/talks.md"

LINE = """\
title: Territory held, 2010 to 2019
description: The area held grew from 1,200 km² in 2010 to 2,400 km² in 2019.
data: {url: data/territory.csv}
mark: {type: line, point: true}
encoding:
  x: {field: year, type: ordinal, title: Year}
  y: {field: area_km2, type: quantitative, title: Area (km²)}
"""

BAR = """\
title: Incidents by region
description: The North reported the most incidents (42), the West the fewest (8).
data:
  url: data/incidents.tsv
mark: bar
encoding:
  x: {field: region, type: nominal, sort: -y, title: Region}
  y: {field: incidents, type: quantitative, title: Incidents}
  opacity: {value: 0.85}
"""

MULTI = """\
{"title": "Meetings per year", "description": "Mediators met most often in every year.",
 "data": {"url": "data/talks.json"}, "mark": "line",
 "encoding": {"x": {"field": "year", "type": "ordinal", "title": "Year"},
              "y": {"field": "meetings", "type": "quantitative", "title": "Meetings"},
              "color": {"field": "party", "type": "nominal", "title": "Party"}}}
"""

BIG = """\
title: Daily reports
description: Between 0 and 40 reports a day, over 250 days.
data: {url: data/big.csv}
mark: bar
encoding:
  x: {field: day, type: quantitative, title: Day}
  y: {field: reports, type: quantitative, title: Reports}
"""


def render(source: str, first_line: int = 10, **kwargs) -> str:
    return render_chart(
        textwrap.dedent(source),
        path=PAGE,
        first_line=first_line,
        media_dir=kwargs.pop("media_dir", MEDIA),
        media_href=lambda p: f"/sub/media/{p}",
        **kwargs,
    )


def problems(source: str, media_dir: Path = MEDIA) -> list[tuple]:
    with pytest.raises(ContentError) as caught:
        render(source, media_dir=media_dir)
    return [(d.path, d.line, d.message, d.code, d.hint) for d in caught.value.diagnostics]


def parse(html: str) -> ET.Element:
    """The figure, read as XML: a well-formedness check too."""
    return ET.fromstring(html)


def svg_of(figure: ET.Element) -> ET.Element:
    return figure.find(f"{SVG}svg")


def texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def by_id(figure: ET.Element, id_: str) -> ET.Element:
    (found,) = [el for el in figure.iter() if el.get("id") == id_]
    return found


def classes(svg: ET.Element) -> set[str]:
    return {c for el in svg.iter() for c in (el.get("class") or "").split()}


def assert_accessible(figure: ET.Element, title: str, description: str) -> None:
    svg = svg_of(figure)
    assert svg.get("role") == "img"
    assert "".join(by_id(figure, svg.get("aria-labelledby")).itertext()) == title
    assert "".join(by_id(figure, svg.get("aria-describedby")).itertext()) == description
    assert svg.get("viewBox")
    assert title not in texts(svg)  # shown in the figcaption, not a second time in the chart


def assert_self_contained(html: str) -> None:
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<script" not in html
    assert "<style" not in svg and "foreignObject" not in svg and "xlink" not in svg
    assert re.findall(r"https?://[^\s\"')]+", html) == ["http://www.w3.org/2000/svg"]
    assert not re.search(r"\son\w+=", svg)


def table(figure: ET.Element) -> tuple[list[str], list[list[str]], str]:
    details = figure.find("details")
    assert details.get("class") == "chart-data" and details.find("summary").text == "Data"
    head = ["".join(th.itertext()) for th in details.iter("th")]
    rows = [["".join(td.itertext()) for td in tr.iter("td")] for tr in details.find("table/tbody")]
    note = details.find("p")
    return head, rows, "".join(note.itertext()) if note is not None else ""


# -- charts -----------------------------------------------------------------------------------


def test_line_chart_from_csv():
    html = render(LINE)
    figure = parse(html)
    assert figure.tag == "figure" and figure.get("class") == "chart"
    assert re.fullmatch(r"chart-[0-9a-f]{8}-10", figure.get("id"))
    assert_accessible(
        figure,
        "Territory held, 2010 to 2019",
        "The area held grew from 1,200 km² in 2010 to 2,400 km² in 2019.",
    )
    assert_self_contained(html)
    svg = svg_of(figure)
    assert {"Year", "Area (km²)", "2010", "2019"} <= set(texts(svg))
    # colours come from the theme: the line in the first series colour, labels muted, grid ruled
    assert {"chart-stroke-c1", "chart-fill-ink-2", "chart-fill-ink", "chart-stroke-rule"} <= (
        classes(svg)
    )
    assert 'fill="white"' not in html  # no background: the page shows through
    source = figure.find("figcaption/span[@class='chart-source']/a")
    assert (
        source.get("href") == "/sub/media/data/territory.csv"
        and source.text == "data/territory.csv"
    )
    head, rows, note = table(figure)
    assert head == ["year", "area_km2", "note"]
    assert len(rows) == 10 and rows[5] == ["2015", "1905", "ceasefire"]
    assert note == "Download data/territory.csv"


def test_bar_chart_from_tsv_with_a_number_from_yaml():
    figure = parse(render(BAR))
    assert_accessible(
        figure,
        "Incidents by region",
        "The North reported the most incidents (42), the West the fewest (8).",
    )
    svg = svg_of(figure)
    bars = [el for el in svg.iter(f"{SVG}path") if "chart-fill-c1" in (el.get("class") or "")]
    assert len(bars) == 5
    assert {bar.get("opacity") for bar in bars} == {"0.85"}
    assert {"Region", "Incidents", "North", "West"} <= set(texts(svg))
    head, rows, _ = table(figure)
    assert head == ["region", "incidents"] and len(rows) == 5


def test_multi_series_chart_from_json():
    html = render(MULTI)
    figure = parse(html)
    assert_accessible(figure, "Meetings per year", "Mediators met most often in every year.")
    assert_self_contained(html)
    svg = svg_of(figure)
    assert {"Year", "Meetings", "Party", "Government", "Opposition", "Mediators"} <= set(texts(svg))
    assert {"chart-stroke-c1", "chart-stroke-c2", "chart-stroke-c3"} <= classes(svg)
    head, rows, _ = table(figure)
    assert head == ["year", "party", "meetings"] and len(rows) == 24


def test_the_table_shows_100_rows_escaped_and_links_the_whole_file():
    html = render(BIG)
    head, rows, note = table(parse(html))
    assert head == ["day", "reports", "source"]
    assert len(rows) == 100
    assert note == "Showing 100 of 250 rows. All rows: data/big.csv"
    assert rows[2][2] == "<script>alert(1)</script>"  # the text, read back by the parser
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
    assert '<a href="/sub/media/data/big.csv">' in html
    assert '<td class="num">' in html  # numbers line up on the right


def test_inline_values_and_yaml_numbers():
    figure = parse(
        render(
            """\
            title: Inline
            description: Two bars.
            data:
              values:
                - {label: "1.10", share: 1.10, count: 3}
                - {label: two, share: .5, count: 4}
            mark: bar
            encoding:
              x: {field: label, type: nominal}
              y: {field: share, type: quantitative, scale: {domain: [0, 2.5]}}
            """
        )
    )
    svg = svg_of(figure)
    assert "2.5" in texts(svg)  # the domain's numbers were numbers
    assert "1.10" in texts(svg)  # a quoted number stays the text the author wrote
    head, rows, note = table(figure)
    assert head == ["label", "share", "count"]
    assert rows == [["1.10", "1.1", "3"], ["two", "0.5", "4"]]
    assert note == ""  # no file to link to
    assert figure.find("figcaption/span[@class='chart-source']") is None


def test_the_same_chart_twice_on_a_page_has_distinct_ids():
    spec = LINE.replace("mark: {type: line, point: true}", "mark: {type: line, clip: true}")
    first, second = parse(render(spec, first_line=10)), parse(render(spec, first_line=40))
    ids = [{el.get("id") for el in f.iter() if el.get("id")} for f in (first, second)]
    assert ids[0].isdisjoint(ids[1])
    for figure in (first, second):
        svg = svg_of(figure)
        inner = {el.get("id") for el in svg.iter() if el.get("id")}
        assert inner and all(i.startswith(figure.get("id") + "-") for i in inner)
        refs = {
            m
            for el in svg.iter()
            for v in el.attrib.values()
            for m in re.findall(r"url\(#([^)]+)\)", v)
        }
        assert refs and refs <= inner  # clip paths point into their own chart


def test_links_and_images_in_a_spec_reach_no_other_host():
    html = render(
        """\
        title: Links
        description: A bar that would link elsewhere.
        data:
          values: [{a: x, b: 1, link: "https://evil.example/"}]
        mark: bar
        encoding:
          x: {field: a, type: nominal}
          y: {field: b, type: quantitative}
          href: {field: link}
        """
    )
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "evil.example" not in svg and "href" not in svg


# -- errors -----------------------------------------------------------------------------------

HEAD = "title: T\ndescription: D\n"
ENCODING = (
    "encoding:\n  x: {field: year, type: ordinal}\n  y: {field: area_km2, type: quantitative}\n"
)


def test_yaml_error_at_its_line():
    assert problems(HEAD + "data: {url: data/territory.csv\nmark: line\n") == [
        (
            PAGE,
            13,
            "YAML syntax: did not find expected ',' or '}'",
            "yaml",
            "quote values that contain ':', '#', or start with a special character",
        )
    ]


def test_a_spec_must_be_a_mapping():
    assert problems("- mark\n- line\n") == [
        (
            PAGE,
            10,
            "a chart must be a Vega-Lite spec: a mapping of keys to values",
            "chart",
            "start with `mark: line`, one key per line, or write the spec as a JSON object",
        )
    ]


def test_missing_data_file_suggests_the_nearest():
    assert problems(HEAD + "data: {url: data/territory.cvs}\nmark: line\n" + ENCODING) == [
        (
            PAGE,
            12,
            "no data file data/territory.cvs in content/media",
            "chart",
            "did you mean 'data/territory.csv'?",
        )
    ]
    (only,) = problems(HEAD + "data: {url: data/nothing.csv}\nmark: line\n")
    assert only[4] == (
        "data files in content/media/data: data/big.csv, data/incidents.tsv, data/talks.json, "
        "data/territory.csv"
    )


def test_unknown_fields_at_their_lines():
    source = HEAD + textwrap.dedent(
        """\
        data:
          url: data/territory.csv
        mark: line
        encoding:
          x: {field: yeer, type: ordinal}
          y: {field: area_km2, type: quantitative}
          tooltip:
            - {field: area_km2}
            - {field: notes}
        """
    )
    assert problems(source) == [
        (PAGE, 16, "data/territory.csv has no field 'yeer'", "chart", "did you mean 'year'?"),
        (PAGE, 20, "data/territory.csv has no field 'notes'", "chart", "did you mean 'note'?"),
    ]


def test_fields_made_by_transforms_are_known():
    source = HEAD + textwrap.dedent(
        """\
        data: {url: data/territory.csv}
        transform:
          - {calculate: "datum.area_km2 / 1000", as: thousands}
          - {fold: [year]}
        mark: line
        encoding:
          x: {field: key, type: nominal}
          y: {field: thousands, type: quantitative}
        """
    )
    assert parse(render(source)).tag == "figure"


def test_unknown_mark_and_type():
    source = HEAD + "data: {url: data/territory.csv}\nmark: lin\n"
    source += "encoding:\n  x: {field: year, type: nomnal}\n"
    assert problems(source) == [
        (PAGE, 13, "unknown mark 'lin'", "chart", "did you mean 'line'?"),
        (PAGE, 15, "unknown type 'nomnal'", "chart", "did you mean 'nominal'?"),
    ]


def test_vega_lite_rejection_is_one_line_at_the_fence():
    source = HEAD + "data: {url: data/territory.csv}\nmark: line\n"
    source += "transform:\n  - filter: 'datum.year >'\n" + ENCODING
    assert problems(source) == [
        (
            PAGE,
            10,
            "Vega-Lite rejected the chart: Unexpected end of input",
            "chart",
            "check the spec against https://vega.github.io/vega-lite/docs/",
        )
    ]


def test_a_spec_quoted_back_by_vega_lite_is_left_out():
    (only,) = problems(HEAD + "data: {values: [{a: 1}]}\nencoding:\n  x: {field: a}\n")
    assert only[2] == (
        "Vega-Lite rejected the chart: Invalid specification. Make sure the specification "
        'includes at least one of the following properties: "mark", "layer", "facet", '
        '"hconcat", "vconcat", "concat", or "repeat".'
    )


@pytest.mark.parametrize(
    ("url", "message", "hint"),
    [
        (
            "https://example.org/t.csv",
            "charts do not load data from other hosts: https://example.org/t.csv",
            "save the file in content/media and write its path, e.g. url: data/file.csv",
        ),
        (
            "//example.org/t.csv",
            "charts do not load data from other hosts: //example.org/t.csv",
            "save the file in content/media and write its path, e.g. url: data/file.csv",
        ),
        (
            "../media/data/territory.csv",
            "data url '../media/data/territory.csv' must be a path inside content/media",
            "paths are relative to content/media, e.g. url: data/file.csv",
        ),
        (
            "/media/data/territory.csv",
            "data url '/media/data/territory.csv' must be a path inside content/media",
            "paths are relative to content/media: write url: data/territory.csv",
        ),
        (
            "/etc/passwd",
            "data url '/etc/passwd' must be a path inside content/media",
            "paths are relative to content/media: write url: etc/passwd",
        ),
    ],
)
def test_data_from_elsewhere_is_refused(url, message, hint):
    source = HEAD + f"data:\n  url: {url}\nmark: line\n"
    assert problems(source) == [(PAGE, 13, message, "chart", hint)]


def test_a_symlink_out_of_media_is_refused(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    (tmp_path / "secret.csv").write_text("a,b\n1,2\n")
    (media / "link.csv").symlink_to(tmp_path / "secret.csv")
    assert problems(HEAD + "data: {url: link.csv}\nmark: line\n", media_dir=media) == [
        (
            PAGE,
            12,
            "data url 'link.csv' leads outside content/media/ (a symbolic link)",
            "chart",
            None,
        )
    ]


def test_title_description_and_data_are_required_all_at_once():
    assert problems("mark: line\n") == [
        (
            PAGE,
            10,
            "the chart has no data",
            "chart",
            "add `data: {url: data/file.csv}` (a file in content/media) or `data: {values: [...]}`",
        ),
        (
            PAGE,
            10,
            "the chart has no description",
            "chart",
            "add `description: ...`: it says what the chart shows, for readers who cannot see it",
        ),
        (
            PAGE,
            10,
            "the chart has no title",
            "chart",
            "add `title: ...`: it names the chart for screen readers and is shown above it",
        ),
    ]
    assert problems("title: 2024\ndescription: ''\ndata: {url: data/territory.csv}\n") == [
        (PAGE, 10, "the chart's title must be text", "chart", 'write title: "..." in quotes'),
        (
            PAGE,
            11,
            "the chart's description must be text",
            "chart",
            'write description: "..." in quotes',
        ),
    ]


def test_data_that_is_not_records_or_empty():
    assert problems(HEAD + "data: {values: [1, 2]}\nmark: line\n") == [
        (
            PAGE,
            12,
            "values must be an array of records",
            "chart",
            "write one record per row: [{year: 2020, area: 3.5}, {year: 2021, area: 4}]",
        )
    ]
    assert problems(HEAD + "data:\n  values: []\nmark: line\n") == [
        (PAGE, 13, "values has no rows", "chart", "a chart needs some data")
    ]


# -- cache ------------------------------------------------------------------------------------


def test_a_cached_chart_is_not_drawn_again(tmp_path, monkeypatch):
    first = render(LINE, cache=ChartCache(tmp_path))
    assert len(list(tmp_path.glob("*.svg"))) == 1

    def refuse(*args, **kwargs):
        raise AssertionError("vl-convert was called for a cached chart")

    monkeypatch.setattr(renderer, "vegalite_to_svg", refuse)
    assert render(LINE, cache=ChartCache(tmp_path)) == first
    # another place on the page: other ids, same drawing
    moved = render(LINE, first_line=50, cache=ChartCache(tmp_path))
    old_id = parse(first).get("id")
    assert moved == first.replace(old_id, old_id.removesuffix("-10") + "-50")


def test_the_same_chart_is_the_same_bytes():
    assert render(MULTI) == render(MULTI)


def test_a_damaged_cache_entry_is_drawn_again(tmp_path, monkeypatch):
    first = render(BAR, cache=ChartCache(tmp_path))
    (entry,) = tmp_path.glob("*.svg")
    real, calls = renderer.vegalite_to_svg, []

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(renderer, "vegalite_to_svg", counting)
    for damage in (b"<svg xmlns='http://www.w3.org/2000/svg'><g>", b"\xff\xfe\x00", b""):
        entry.write_bytes(damage)
        assert render(BAR, cache=ChartCache(tmp_path)) == first
    assert len(calls) == 3
    assert entry.read_text(encoding="utf-8").startswith("<svg")
    assert not list(tmp_path.glob(".entry-*"))  # no temporary files left behind


def test_a_cache_that_may_not_be_written_is_only_read(tmp_path, monkeypatch):
    import vl_convert

    read_only = ChartCache(tmp_path, store=False)  # as `check` and `serve` use it
    drawn = render(LINE, cache=read_only)
    assert list(tmp_path.iterdir()) == []
    assert render(LINE, cache=ChartCache(tmp_path)) == drawn
    (entry,) = tmp_path.iterdir()

    def refuse(*args, **kwargs):
        raise AssertionError("vl-convert was called for a cached chart")

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", refuse)
    assert render(LINE, cache=read_only) == drawn
    assert list(tmp_path.iterdir()) == [entry]


def test_check_writes_no_chart_into_the_cache(cli, chart_site):
    root = chart_site
    run = cli("check", "--root", root)
    assert run.code == 0, run.err
    assert not (root / ".site-builder-cache").exists()
    assert cli("build", "--root", root, "--quiet").code == 0
    assert len(list((root / ".site-builder-cache/charts").glob("*.svg"))) == 1  # build keeps it


def test_changed_data_is_drawn_again(tmp_path):
    media = tmp_path / "media"
    (media / "data").mkdir(parents=True)
    csv = media / "data" / "territory.csv"
    csv.write_text("year,area_km2,note\n2010,1200,\n2011,1300,\n")
    render(LINE, media_dir=media, cache=ChartCache(tmp_path / "cache"))
    csv.write_text("year,area_km2,note\n2010,1200,\n2011,1900,\n")
    render(LINE, media_dir=media, cache=ChartCache(tmp_path / "cache"))
    assert len(list((tmp_path / "cache").glob("*.svg"))) == 2


def test_importing_charts_does_not_start_vl_convert():
    code = "import sys, site_builder.charts; print('vl_convert' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- theme ------------------------------------------------------------------------------------


def test_style_css_colours_every_class_the_charts_use():
    css = STYLE.read_text()
    for role in charts.COLOUR_CLASSES.values():
        for attr in ("fill", "stroke"):
            assert re.search(rf"\.chart-{attr}-{role} {{ {attr}: var\(--", css), (attr, role)
    block = css[css.index("/* Charts (site_builder/charts/)") :]
    light = dict(re.findall(r"--chart-(\d): (#[0-9a-f]{6})", block.split("@media")[0]))
    assert [light.get(str(i), "") for i in range(2, 9)] == list(charts.PALETTE[1:])


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_series_colours_stand_out_from_the_page_in_light_and_dark():
    css = STYLE.read_text()
    charts_block = css[css.index("/* Charts (site_builder/charts/)") :]
    dark_block = charts_block[charts_block.index("@media (prefers-color-scheme: dark)") :]
    dark = re.findall(r"--chart-\d: (#[0-9a-f]{6})", dark_block.split("}")[0])
    assert len(dark) == 7
    for colour in charts.PALETTE:
        assert _contrast(colour, "#fbf8f1") >= 3, colour  # WCAG 1.4.11, light --paper
    for colour in ["#f0a193", *dark]:  # dark --accent, then --chart-2..8
        assert _contrast(colour, "#16181c") >= 3, colour  # dark --paper


@pytest.mark.parametrize(
    ("scheme", "label", "line"),
    [
        ("light", "rgb(76, 71, 64)", "rgb(140, 47, 37)"),
        ("dark", "rgb(185, 178, 165)", "rgb(240, 161, 147)"),
    ],
)
def test_charts_follow_light_and_dark_in_a_browser(browser, scheme, label, line):
    page = browser.new_page(color_scheme=scheme, viewport={"width": 380, "height": 800})
    page.set_content(
        f"<!doctype html><meta charset=utf-8><style>{STYLE.read_text()}</style>"
        f'<main class="wrap"><div class="prose">{render(LINE)}</div></main>'
    )
    style = "(el, prop) => getComputedStyle(el)[prop]"
    assert page.locator(".role-axis-label text").first.evaluate(style, "fill") == label
    assert page.locator(".chart-stroke-c1").first.evaluate(style, "stroke") == line
    box = page.locator("svg.chart-svg").bounding_box()
    assert box["width"] <= 380 - 2 * 20 and box["height"] < 344  # scaled down to the column
    page.close()


def _render_line(_: int) -> tuple[str, int]:
    """The chart, and the renderer process that drew it."""
    return render(LINE), renderer._SLOT.child.process.pid


def test_charts_drawn_from_threads_and_forked_workers_are_the_same():
    first, ours = _render_line(0)
    with ThreadPoolExecutor(4) as threads:  # threads share this process's renderer
        assert set(threads.map(_render_line, range(8))) == {(first, ours)}
    with renderer._SLOT.lock:  # forked while a thread draws: the workers must not wait for it
        workers = multiprocessing.get_context("fork").Pool(2)
    with workers:  # each starts its own renderer
        drawn = workers.map_async(_render_line, range(4)).get(timeout=120)
    assert {svg for svg, _ in drawn} == {first}
    assert ours not in {pid for _, pid in drawn}  # two writers on one pipe would mix requests


def test_a_renderer_that_died_is_started_again():
    first = render(BAR)
    child = renderer._SLOT.child.process
    child.kill()  # as the kernel's out-of-memory killer might, between two pages
    child.wait()
    assert render(BAR) == first
