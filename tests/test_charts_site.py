"""Charts in a site: in every kind of page, drawn once and cached, redrawn when their data
changes, and quoted as text only where a concept page cites the essay around them."""

from __future__ import annotations

import re

import pytest
from sitecheck import REPO, build_with_env, copy_example, tree

from site_builder.charts import renderer

SITE_YAML = "title: Charts\nbase_url: https://example.org/sub/\nsearch: false\n"
CHART = """
```chart
title: Talks per year ({kind})
description: How often the parties met.
data: {{url: data/talks.csv}}
mark: bar
encoding:
  x: {{field: year, type: ordinal}}
  y: {{field: talks, type: quantitative}}
```
"""
FILES = {
    "content/media/data/talks.csv": "year,talks\n2022,3\n2023,7\n2024,12\n",
    "content/essays/2024-01-01-talks.md": (
        "---\ntitle: Talks\ndate: 2024-01-01\n---\n\nThe ripeness of talks.\n"
        + CHART.format(kind="essay")
    ),
    "content/episodes/001-talks.md": (
        "---\ntitle: Talks aloud\ndate: 2024-01-02\nnumber: 1\n"
        "audio: {url: 'https://media.example.org/1.mp3', length: 100, type: audio/mpeg}\n---\n"
        + CHART.format(kind="episode")
    ),
    "content/glossary/ripeness.md": (
        "---\nterm: Ripeness\ndefinition: A moment for talks.\n---\n" + CHART.format(kind="concept")
    ),
    "content/pages/about.md": "---\ntitle: About\n---\n" + CHART.format(kind="page"),
}
PAGES = {
    "essay": "essays/talks/index.html",
    "episode": "episodes/talks/index.html",
    "concept": "glossary/ripeness/index.html",
    "page": "about/index.html",
}


@pytest.fixture
def project(site):
    return site(FILES, SITE_YAML)


def test_charts_work_in_essays_episodes_concepts_and_pages(project, cli):
    assert cli("build", "--root", project).code == 0
    for kind, page in PAGES.items():
        html = (project / "output" / page).read_text(encoding="utf-8")
        figure = re.search(r'<figure class="chart".*?</figure>', html, re.S)
        assert figure, kind
        assert f"Talks per year ({kind})" in figure.group()
        assert re.search(r'<svg [^>]*role="img"', figure.group())
        assert 'href="/sub/media/data/talks.csv"' in figure.group()  # the data, under the base
    assert (project / "output/media/data/talks.csv").is_file()


def test_a_chart_is_drawn_once_then_comes_from_the_cache(project, cli, monkeypatch):
    assert cli("build", "--root", project).code == 0

    def refuse(*args, **kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(renderer, "vegalite_to_svg", refuse)
    essay = project / "content/essays/2024-01-01-talks.md"
    essay.write_text(essay.read_text().replace("The ripeness", "Again, the ripeness"))
    run = cli("build", "--root", project)
    assert run.code == 0, run.err
    assert "Again" in (project / "output/essays/talks/index.html").read_text()


def test_changed_data_redraws_the_charts_that_read_it(project, cli):
    assert cli("build", "--root", project).code == 0
    (project / "content/media/data/talks.csv").write_text("year,talks\n2022,3\n2023,7\n2024,99\n")
    assert cli("build", "--root", project).code == 0
    for page in PAGES.values():
        html = (project / "output" / page).read_text(encoding="utf-8")
        assert '<td class="num">99</td>' in html, page


def test_a_missing_data_file_added_later_is_picked_up(project, cli):
    (project / "content/media/data/talks.csv").unlink()
    run = cli("build", "--root", project)
    assert run.code == 1
    assert "content/essays/2024-01-01-talks.md:11: error: no data file data/talks.csv" in run.err
    (project / "content/media/data/talks.csv").write_text(FILES["content/media/data/talks.csv"])
    assert cli("build", "--root", project).code == 0


def test_the_example_essay_chart_is_text_only_on_the_concept_page(tmp_path, cli):
    root = copy_example(tmp_path / "example")
    (root / "site.yaml").write_text(
        (REPO / "site.yaml").read_text(encoding="utf-8").replace("search: true", "search: false")
    )
    assert cli("build", "--root", root).code == 0
    essay = (root / "output/essays/the-long-middle/index.html").read_text(encoding="utf-8")
    assert essay.count('<figure class="chart"') == 1 and "Territory held" in essay
    concept = (root / "output/glossary/war-of-attrition/index.html").read_text(encoding="utf-8")
    entry = concept.split('href="/companion/essays/the-long-middle/"')[1].split("</li>")[0]
    assert entry.strip()  # the essay is cited there, by a sentence of its prose ...
    assert "chart-svg" not in concept and "Territory held" not in concept  # ... never its chart


# Talks by day: two of the times are an hour either side of midnight UTC, one has no offset.
LATE = {
    "content/media/data/late.csv": (
        "time,talks\n2024-03-01T23:30:00Z,3\n2024-03-02T00:30:00Z,5\n2024-03-02 23:45,2\n"
    ),
    "content/essays/2024-03-05-late.md": "---\ntitle: Late talks\ndate: 2024-03-05\n---\n"
    + CHART.replace("talks.csv", "late.csv")
    .replace("year, type: ordinal", "time, type: temporal, timeUnit: yearmonthdate")
    .format(kind="essay"),
    "content/pages/late.md": "---\ntitle: Late\n---\n"
    + CHART.replace("talks.csv", "late.csv")
    .replace("year, type: ordinal", "time, type: temporal")
    .format(kind="page"),
}


def chart_labels(page: bytes) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]+)</text>", page.decode())


def test_charts_show_the_site_time_zone_whatever_the_machine_s(site, tmp_path):
    root = site(LATE, SITE_YAML + "timezone: Pacific/Kiritimati\n")
    here = build_with_env(root, tmp_path / "utc", TZ="UTC")
    assert build_with_env(root, tmp_path / "east", TZ="Pacific/Kiritimati") == here
    assert build_with_env(root, tmp_path / "west", TZ="America/Adak") == here
    days = chart_labels(here["essays/late/index.html"])
    # at UTC+14 every talk falls on 2 March; the first is on 1 March in UTC
    assert any("Mar 02" in label for label in days) and not any("Mar 01" in d for d in days)


def test_a_new_time_zone_redraws_the_charts(site, cli, tmp_path):
    root = site(LATE)
    assert cli("build", "--root", root).code == 0
    before = tree(root / "output")
    (root / "site.yaml").write_text(SITE_YAML + "timezone: Pacific/Kiritimati\n")
    assert cli("build", "--root", root).code == 0  # with the cache of the UTC build
    cached = tree(root / "output")
    assert cli("build", "--root", root, "--no-cache", "--output", tmp_path / "clean").code == 0
    assert cached == tree(tmp_path / "clean")
    assert cached["late/index.html"] != before["late/index.html"]
