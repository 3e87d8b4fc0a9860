"""Old URLs keep working: `aliases:`, `redirects:`, `_redirects`, content/static/ (issue 15.4)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

ESSAY = """\
    ---
    title: On Ripeness
    date: 2024-01-15
    aliases: [/p/on-ripeness/, /2024/01/ripeness.html, /old/feed.php]
    ---
    Text about ripeness.
    """
CONCEPT = """\
    ---
    term: Ripeness
    definition: The moment a conflict is ready to end.
    aliases: [ripe moment, /glossary-old/ripeness/]
    ---
    Body.
    """
PAGE = "---\ntitle: About\naliases: /about-us/\n---\nAbout.\n"


def errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if " error: " in line]


@pytest.fixture
def built(site, cli, tmp_path):
    """built(files, site_yaml=None) -> (run, output folder) of `build` of a new site."""

    def run(files: dict[str, str | bytes], site_yaml: str | None = None):
        root = site(files) if site_yaml is None else site(files, site_yaml)
        out = tmp_path / "out"
        return cli("build", "--root", root, "--output", out, "--no-cache"), out

    return run


def test_aliases_make_redirect_pages_and_server_redirects(built):
    run, out = built(
        {
            "content/essays/2024-01-15-on-ripeness.md": ESSAY,
            "content/glossary/ripeness.md": CONCEPT,
            "content/pages/about.md": PAGE,
        }
    )
    assert run.code == 0, run.err
    page = (out / "p/on-ripeness/index.html").read_text()
    target = "https://example.org/essays/on-ripeness/"
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in page
    assert f'<link rel="canonical" href="{target}">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert f'<a href="{target}">On Ripeness</a>' in page  # for readers without refresh
    assert (out / "2024/01/ripeness.html").is_file()
    assert not (out / "old/feed.php").exists()  # no page can stand in for it: the server's
    assert (out / "glossary-old/ripeness/index.html").is_file()
    assert (out / "about-us/index.html").is_file()
    assert (out / "_redirects").read_text().splitlines() == [
        "/2024/01/ripeness.html /essays/on-ripeness/ 301",
        "/about-us/ /about/ 301",
        "/glossary-old/ripeness/ /glossary/ripeness/ 301",
        "/old/feed.php /essays/on-ripeness/ 301",
        "/p/on-ripeness/ /essays/on-ripeness/ 301",
    ]


def test_a_concepts_aliases_that_are_names_still_autolink(built):
    run, out = built(
        {
            "content/essays/2024-01-15-on-ripeness.md": ESSAY.replace(
                "Text about ripeness.", "Then the ripe moment came."
            ),
            "content/glossary/ripeness.md": CONCEPT,
        }
    )
    assert run.code == 0, run.err
    html = (out / "essays/on-ripeness/index.html").read_text()
    assert re.search(r'<a [^>]*href="/glossary/ripeness/"[^>]*>ripe moment</a>', html)
    assert "/glossary-old/" not in (out / "glossary/ripeness/index.html").read_text()


def test_aliases_stay_out_of_the_sitemap(built):
    run, out = built({"content/essays/2024-01-15-on-ripeness.md": ESSAY})
    assert run.code == 0, run.err
    urls = [e.text for e in ET.parse(out / "sitemap.xml").getroot().iter() if e.tag.endswith("loc")]
    assert "https://example.org/essays/on-ripeness/" in urls
    assert not [u for u in urls if "/p/" in u or "ripeness.html" in u]


def test_redirects_in_site_yaml_with_a_base_path(built):
    site_yaml = (
        "title: T\nbase_url: https://example.org/companion/\nsearch: false\n"
        "redirects:\n  /old-essays/: /essays/\n  /talk: https://elsewhere.example/talk\n"
        "  /ripe/: /essays/on-ripeness#end\n"
    )
    run, out = built({"content/essays/2024-01-15-on-ripeness.md": ESSAY}, site_yaml)
    assert run.code == 0, run.err
    lines = (out / "_redirects").read_text().splitlines()
    assert "/companion/old-essays/ /companion/essays/ 301" in lines
    assert "/companion/talk https://elsewhere.example/talk 301" in lines
    assert "/companion/ripe/ /companion/essays/on-ripeness/#end 301" in lines
    assert "/companion/p/on-ripeness/ /companion/essays/on-ripeness/ 301" in lines
    page = (out / "ripe/index.html").read_text()
    assert 'url=https://example.org/companion/essays/on-ripeness/#end"' in page
    assert ">On Ripeness</a>" in page


def test_a_redirect_to_nowhere_is_an_error_at_its_line(site, cli):
    site_yaml = "title: T\nbase_url: https://example.org/\nsearch: false\nredirects:\n" + (
        "  /old/: /essays/on-ripenes/\n"
    )
    root = site({"content/essays/2024-01-15-on-ripeness.md": ESSAY}, site_yaml)
    run = cli("check", "--root", root)
    assert run.code == 1
    assert errors(run.err) == [
        f"{root}/site.yaml:5: error: redirects: /old/ leads to /essays/on-ripenes/, "
        "which the site does not have [redirect]"
    ]
    assert "did you mean 'essays/on-ripeness/'?" in run.err


@pytest.mark.parametrize(
    ("alias", "clash"),
    [
        ("/essays/second/", "collides with the page of content/essays/2024-01-16-second.md"),
        ("/Essays/Second/", "collides with the page of content/essays/2024-01-16-second.md"),
        ("/tags/x/", "collides with /tags/, which the site makes itself"),
        ("/feed.xml", "collides with /feed.xml, which the site makes itself"),
        ("/p/second", "collides with the old path in content/essays/2024-01-16-second.md:5"),
    ],
)
def test_an_alias_that_collides_is_an_error_at_its_line(site, cli, alias, clash):
    root = site(
        {
            "content/essays/2024-01-16-second.md": "---\ntitle: Two\ndate: 2024-01-16\n"
            "aliases:\n  - /p/second/\n---\n",
            "content/essays/2024-01-17-third.md": f"---\ntitle: Three\ndate: 2024-01-17\n"
            f"aliases:\n  - {alias}\n---\n",
        }
    )
    run = cli("check", "--root", root)
    assert run.code == 1
    assert errors(run.err) == [
        f"{root}/content/essays/2024-01-17-third.md:5: error: old path {alias} {clash} [collision]"
    ]


@pytest.mark.parametrize("alias", ["p/no-slash/", "/../up/", "/a?b=1", "//host/x/"])
def test_a_malformed_alias_is_an_error(site, cli, alias):
    root = site(
        {
            "content/essays/2024-01-15-first.md": f"---\ntitle: One\ndate: 2024-01-15\n"
            f'aliases: ["{alias}"]\n---\n'
        }
    )
    run = cli("check", "--root", root)
    assert run.code == 1
    assert f"first.md:4: error: alias '{alias}': " in run.err


def test_static_files_are_copied_to_the_site_root(built):
    run, out = built(
        {
            "content/essays/2024-01-15-on-ripeness.md": ESSAY,
            "content/static/favicon.ico": b"\x00\x00\x01\x00",
            "content/static/CNAME": "companion.example.org\n",
            "content/static/_headers": "/*\n  X-Frame-Options: DENY\n",
            "content/static/.well-known/security.txt": "Contact: mailto:a@example.org\n",
            "content/static/notes.md": "# not content\n",
        }
    )
    assert run.code == 0, run.err
    assert (out / "favicon.ico").read_bytes() == b"\x00\x00\x01\x00"
    assert (out / "CNAME").read_text() == "companion.example.org\n"
    assert (out / "_headers").is_file()
    assert (out / ".well-known/security.txt").is_file()
    assert (out / "notes.md").read_text() == "# not content\n"  # as it is, not a page
    assert "outside a content section" not in run.err


@pytest.mark.parametrize(
    ("rel", "clash"),
    [
        ("index.html", "/index.html, which the site makes itself"),
        ("essays/on-ripeness/index.html", "the page of content/essays/2024-01-15-on-ripeness.md"),
        ("p/on-ripeness/index.html", "the old path in content/essays/2024-01-15-on-ripeness.md:4"),
        ("_redirects", "the server redirects made from the old paths"),
        ("media/x.png", "/media/, which the site makes itself"),
    ],
)
def test_a_static_file_the_build_also_makes_is_an_error_naming_both(site, cli, rel, clash):
    root = site({"content/essays/2024-01-15-on-ripeness.md": ESSAY, f"content/static/{rel}": "x"})
    run = cli("build", "--root", root)
    assert run.code == 1
    assert errors(run.err) == [
        f"{root}/content/static/{rel}: error: the build also makes /{rel}: {clash} [collision]"
    ]
    assert not (root / "output").exists()


def test_a_draft_keeps_its_old_paths_to_itself(built):
    run, out = built(
        {
            "content/essays/2024-01-15-on-ripeness.md": ESSAY.replace(
                "date:", "draft: true\n    date:"
            )
        }
    )
    assert run.code == 0, run.err
    assert not (out / "p").exists() and not (out / "_redirects").exists()


def test_aliases_stay_out_of_the_search_index(built):
    site_yaml = "title: T\nbase_url: https://example.org/\n"  # search on
    run, out = built({"content/essays/2024-01-15-on-ripeness.md": ESSAY}, site_yaml)
    assert run.code == 0, run.err
    entry = json.loads((out / "pagefind/pagefind-entry.json").read_text())
    assert [lang["page_count"] for lang in entry["languages"].values()] == [1]  # the essay
