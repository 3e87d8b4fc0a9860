"""HTML of show notes and posts -> Markdown, with markdownify (BeautifulSoup underneath).

Kept: links, lists, emphasis, headings, block quotes, images with their captions, footnotes
(Substack's become Markdown footnotes). Dropped: scripts, styles, tracking pixels,
subscribe widgets. Became links: iframes, embedded posts and tweets. Links to other posts of
the same publication become `[[wikilinks]]`, so the build links (and autolinks) them as it
does the author's own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

# An image this small, or from one of these hosts, is a tracking pixel, not a picture.
_TRACKERS = re.compile(
    r"(pixel|beacon|/open\.gif|/track(ing)?/|/o\.gif|mailtrack|list-manage\.com/track|"
    r"feeds\.feedburner\.com/~r/|substackcdn\.com/open|google-analytics\.com)",
    re.IGNORECASE,
)
_BLOCKS = (
    *("p", "div", "section", "article", "header", "footer", "aside", "blockquote", "pre"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "br", "hr"),
    *("table", "tr", "figure", "figcaption"),
)
_DROPPED = ("script", "style", "noscript", "template", "form", "button", "svg")
_WIDGETS = re.compile(r"subscription-widget|subscribe-widget|button-wrapper|share-dialog|paywall")


def html_to_markdown(
    html: str, link: Callable[[str], str | None] | None = None
) -> tuple[str, list[str]]:
    """Markdown of `html`, and the URLs of the images it shows. `link(href)` gives the
    wikilink target for a link to another post of the same publication, or None."""
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(html, "html.parser")
    notes = _clean(soup)
    images = [img["src"] for img in soup.find_all("img") if img.get("src")]

    class Converter(MarkdownConverter):
        def convert_a(self, el: Any, text: str, *args: Any, **kwargs: Any) -> str:
            target = link(el.get("href", "")) if link else None
            if target:
                shown = " ".join(text.split())
                return f"[[{target}|{shown}]]" if shown else f"[[{target}]]"
            return super().convert_a(el, text, *args, **kwargs)

    body = Converter(heading_style="ATX", bullets="-", escape_misc=False).convert_soup(soup)
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    if notes:
        body += "\n\n" + "\n".join(f"[^{n}]: {text}" for n, text in notes)
    return body, images


def plain_text(html: str) -> str:
    """The text of `html`, its blocks on lines of their own."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for el in soup.find_all(_DROPPED):
        el.decompose()
    for el in soup.find_all(_BLOCKS):  # a line break between blocks, none inside a sentence
        el.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return "\n".join(line for line in lines if line)


def first_sentence(text: str) -> str | None:
    """The first sentence of a text (at most 300 characters), for a summary."""
    words = " ".join(text.split())
    if not words:
        return None
    m = re.match(r"(.+?[.!?])(\s|$)", words)
    sentence = m.group(1) if m else words
    return sentence if len(sentence) <= 300 else sentence[:299].rsplit(" ", 1)[0] + "…"


def _clean(soup: Any) -> list[tuple[str, str]]:
    """Take out what is not prose, turn embeds into links, and return the footnotes (number,
    Markdown text) taken out of the body, their anchors left as `[^n]`."""
    for el in soup.find_all(_DROPPED):
        el.decompose()
    for el in soup.find_all(class_=_WIDGETS):
        el.decompose()
    for img in soup.find_all("img"):
        if _is_pixel(img):
            img.decompose()
    for frame in soup.find_all(["iframe", "embed", "video", "audio"]):
        source = frame.find("source")
        src = frame.get("src") or (source.get("src") if source is not None else None)
        _replace_with_link(soup, frame, src, frame.get("title") or _embed_label(src))
    for post in soup.find_all(class_=re.compile(r"embedded-post|tweet|twitter-tweet")):
        url, label = _embed_of(post)
        _replace_with_link(soup, post, url, label)
    for figure in soup.find_all("figure"):
        _flatten_figure(soup, figure)
    for text in soup.find_all(string=re.compile(r"\[\[")):
        if text.find_parent(["code", "pre"]) is None:  # not a wikilink: the author's brackets
            text.replace_with(text.replace("[[", "\\[\\["))
    return _footnotes(soup)


def _is_pixel(img: Any) -> bool:
    size = [img.get("width", ""), img.get("height", "")]
    tiny = any(s.strip().removesuffix("px") in ("0", "1") for s in size if isinstance(s, str))
    return tiny or bool(_TRACKERS.search(img.get("src", "")))


def _embed_label(src: str | None) -> str:
    host = re.sub(r"^https?://(www\.)?", "", src or "").split("/")[0]
    return f"Embedded content from {host}" if host else "Embedded content"


def _embed_of(el: Any) -> tuple[str | None, str]:
    """The URL and a label of an embedded post or tweet (Substack keeps them in data-attrs)."""
    try:
        attrs = json.loads(el.get("data-attrs") or "{}")
    except ValueError:
        attrs = {}
    url = attrs.get("url") or attrs.get("canonical_url")
    if not url:
        found = [a.get("href") for a in el.find_all("a") if a.get("href")]
        statuses = [h for h in found if "/status/" in h]
        url = (statuses or found or [None])[-1]
    if "tweet" in " ".join(el.get("class", [])):
        who = attrs.get("username") or attrs.get("name")
        return url, f"Tweet by @{who}" if who else "Tweet"
    return url, attrs.get("title") or el.get_text(" ", strip=True)[:120] or "Embedded post"


def _replace_with_link(soup: Any, el: Any, url: str | None, label: str) -> None:
    if not url:
        el.decompose()
        return
    p = soup.new_tag("p")
    a = soup.new_tag("a", href=url)
    a.string = label
    p.append(a)
    el.replace_with(p)


def _flatten_figure(soup: Any, figure: Any) -> None:
    """`<figure><a><picture><img></picture></a><figcaption>` -> the image, then its caption
    in italics: what Markdown can say of a captioned image."""
    img = figure.find("img")
    caption = figure.find("figcaption")
    parts = []
    if img is not None:
        p = soup.new_tag("p")
        p.append(soup.new_tag("img", src=img.get("src", ""), alt=img.get("alt", "")))
        parts.append(p)
    if caption is not None and caption.get_text(strip=True):
        p = soup.new_tag("p")
        em = soup.new_tag("em")
        em.string = caption.get_text(" ", strip=True)
        p.append(em)
        parts.append(p)
    for part in parts:
        figure.insert_before(part)
    figure.decompose()


def _footnotes(soup: Any) -> list[tuple[str, str]]:
    """Substack's footnotes: `<a class="footnote-anchor">1</a>` in the text, and at the end
    `<div class="footnote"><a class="footnote-number">1</a><div class="footnote-content">`."""
    from markdownify import markdownify

    notes = []
    for note in soup.find_all("div", class_="footnote"):
        number = note.find(class_="footnote-number")
        content = note.find(class_="footnote-content")
        if number is None or content is None:
            continue
        text = markdownify(str(content), heading_style="ATX", escape_misc=False)
        notes.append((number.get_text(strip=True), " ".join(text.split())))
        note.decompose()
    for anchor in soup.find_all("a", class_="footnote-anchor"):
        anchor.replace_with(f"[^{anchor.get_text(strip=True)}]")
    return notes
