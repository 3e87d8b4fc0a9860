"""Tag pages: one per tag, at a URL a reader can guess; tags never merge unseen (RELIABILITY G).

Tags that would share a page are an error; its golden is tests/sites_invalid/tags-share-a-page.
"""

from __future__ import annotations

import re
import string
import unicodedata
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sitecheck import broken_links

from site_builder.routes import tag_slug
from site_builder.slugs import slugify


def essay(day: int, *tags: str) -> str:
    return f"---\ntitle: Essay {day}\ndate: 2024-01-{day:02d}\ntags: [{', '.join(tags)}]\n---\n"


@pytest.fixture
def built(site, cli, monkeypatch):
    """built(files) -> the output folder of a successful build of a new site."""

    def build(files: dict[str, str]):
        root = site(files)
        monkeypatch.chdir(root)
        run = cli("build")
        assert run.code == 0, run.err
        assert "Traceback" not in run.err
        return root / "output"

    return build


def tag_index(output) -> list[tuple[str, str]]:
    """(href, label) of each tag listed on /tags/."""
    page = (output / "tags/index.html").read_text(encoding="utf-8")
    listed = page.split('<ul class="tag-index">')[1].split("</ul>")[0]
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', listed)


def test_tags_in_another_script_get_a_page_each(built):
    out = built(
        {
            "content/essays/2024-01-01-war.md": essay(1, "война"),
            "content/essays/2024-01-02-peace.md": essay(2, "мир"),
        }
    )
    assert tag_index(out) == [
        ("/tags/%D0%B2%D0%BE%D0%B9%D0%BD%D0%B0/", "война"),
        ("/tags/%D0%BC%D0%B8%D1%80/", "мир"),
    ]
    war = (out / "tags/война/index.html").read_text(encoding="utf-8")
    peace = (out / "tags/мир/index.html").read_text(encoding="utf-8")
    assert "<h1>Tagged “война”</h1>" in war and "Essay 1" in war and "Essay 2" not in war
    assert "<h1>Tagged “мир”</h1>" in peace and "Essay 2" in peace and "Essay 1" not in peace
    assert not (out / "tags/tag").exists()
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/tags/%D0%B2%D0%BE%D0%B9%D0%BD%D0%B0/</loc>" in sitemap
    assert "/tags/война/" not in sitemap  # every URL in it percent-encoded
    feed = (out / "tags/мир/feed.xml").read_text(encoding="utf-8")
    assert 'href="https://example.org/tags/%D0%BC%D0%B8%D1%80/feed.xml"' in feed
    assert broken_links(out, "/") == []


def test_c_plus_plus_c_sharp_and_c_get_three_pages(built):
    out = built(
        {
            "content/essays/2024-01-01-a.md": essay(1, "C++"),
            "content/essays/2024-01-02-b.md": essay(2, "C#"),
            "content/essays/2024-01-03-c.md": essay(3, "c"),
        }
    )
    assert tag_index(out) == [
        ("/tags/c/", "c"),
        ("/tags/c-plus-plus/", "C++"),
        ("/tags/c-sharp/", "C#"),
    ]
    for folder, tag, title in (
        ("c", "c", "3"),
        ("c-plus-plus", "C++", "1"),
        ("c-sharp", "C#", "2"),
    ):
        page = (out / "tags" / folder / "index.html").read_text(encoding="utf-8")
        assert f"<h1>Tagged “{tag}”</h1>" in page
        assert [n for n in "123" if f"Essay {n}" in page] == [title]


def test_tags_differing_only_in_case_share_one_page(built):
    out = built(
        {
            "content/essays/2024-01-01-a.md": essay(1, "Ripeness"),
            "content/essays/2024-01-02-b.md": essay(2, "ripeness"),
        }
    )
    assert tag_index(out) == [("/tags/ripeness/", "ripeness")]  # as the newest item writes it
    page = (out / "tags/ripeness/index.html").read_text(encoding="utf-8")
    assert "Essay 1" in page and "Essay 2" in page


def test_a_root_link_to_a_tag_page_in_another_script_is_known(built):
    out = built(
        {
            "content/essays/2024-01-01-war.md": essay(1, "война") + "\nSee [more](/tags/война/).\n",
        }
    )
    assert (out / "tags/война/index.html").is_file()


@pytest.mark.parametrize(
    ("tag", "slug"),
    [
        ("negotiation", "negotiation"),
        ("War & Peace", "war-peace"),
        ("Café", "cafe"),
        ("Straße", "strasse"),
        ("Мир", "мир"),
        ("東京 2020", "東京-2020"),
        ("C++", "c-plus-plus"),
        ("C#", "c-sharp"),
        ("F# and C#", "f-sharp-and-c-sharp"),
        ("#hashtag", "hashtag"),
        ("index", "index-tag"),
        ("con", "con-tag"),
        ("!!!", "tag"),
    ],
)
def test_tag_slugs(tag, slug):
    assert tag_slug(tag) == slug
    assert unquote(slug) == slug  # a path segment as written to disk, quoted only in URLs


def has_ascii_form(c: str) -> bool:
    return bool(unicodedata.normalize("NFKD", c).encode("ascii", "ignore"))


# Every tag whose letters all have an ASCII form (`Café`), `+` and `#` apart, keeps its URL.
@given(
    st.text(
        st.characters(max_codepoint=0x2FF, exclude_characters="+#").filter(has_ascii_form)
        | st.sampled_from(string.whitespace)
    )
)
def test_ascii_tags_keep_the_slugs_they_always_had(tag):
    assert tag_slug(tag) == slugify(tag, "tag")
