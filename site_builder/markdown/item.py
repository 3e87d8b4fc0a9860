"""Pure: one item's text to HTML: its Markdown body and, for an episode, its transcript.

`parse_item` is the unit of work of the parse phase: it reads nothing but its arguments, so
items can be parsed in any order (or in parallel) with the same result.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape
from pathlib import Path
from typing import Protocol

from markdown_it import MarkdownIt

from ..charts import ChartCache, chart_drawer
from ..images import Catalog
from ..load.responses import responses_file
from ..load.transcripts import paragraphs
from ..load.values import format_duration
from ..model import Episode, Essay, Item
from . import Parsed, make_markdown, render_markdown
from .glossary import Modes, link_text
from .matcher import Matcher
from .urls import ROOT_MARK
from .wikilinks import WikiTarget


class Lookups(Protocol):
    """What parsing needs of the site's index (link/'s SiteIndex): markdown/ imports nothing
    of link/, which builds its matcher with markdown/'s."""

    base_path: str

    def resolve_wikilink(self, target: str) -> WikiTarget: ...


def autolink_mode(site_mode: str, page_setting: bool | None) -> str:
    """The page's `autolink: false` turns linking off; `autolink: true` turns it on."""
    if page_setting is None:
        return site_mode
    return ("first" if site_mode == "off" else site_mode) if page_setting else "off"


def parse_item(
    item: Item,
    md: MarkdownIt,
    index: Lookups,
    matcher: Matcher,
    site_mode: str,
    media_dir: Path | None = None,
    chart_cache: ChartCache | None = None,
    md_safe: MarkdownIt | None = None,
    timezone: str = "UTC",
    images: Catalog | None = None,
) -> Parsed:
    """One item's body (and transcript, or readers' responses, which `md_safe` reads with raw
    HTML off); ```chart fences are drawn from data in `media_dir`, in the site's `timezone`;
    local images are shown at the web sizes the `images` catalog lists."""
    mode = autolink_mode(site_mode, item.autolink)
    base = ROOT_MARK + index.base_path  # a chart's link to its data is marked as others are
    draw = media_dir and chart_drawer(item.path, media_dir, base, chart_cache, timezone)
    body = render_markdown(
        md,
        item.body,
        path=item.path,
        first_line=item.body_line,
        base_path=index.base_path,
        resolve_wikilink=index.resolve_wikilink,
        self_key=item.key,
        glossary=matcher,
        autolink=mode,
        own_setting=item.autolink,
        chart=draw or None,
        images=images,
        eager_first=not isinstance(item, Episode),  # its page shows the cover first
    )
    if isinstance(item, Episode) and item.transcript and item.transcript.cues:
        modes = (mode, item.autolink)
        html, mentions = transcript_html(item, index.base_path, matcher, modes, set(body.linked))
        body = replace(body, transcript_html=html, mentions=body.mentions + tuple(mentions))
    if isinstance(item, Essay) and item.responses:
        body = _with_responses(
            item, body, md_safe or make_markdown(html=False), index, matcher, mode
        )
    return body


def _with_responses(
    essay: Essay, body: Parsed, md: MarkdownIt, index: Lookups, matcher: Matcher, mode: str
) -> Parsed:
    """Render each response and reply; concept names are linked as in prose (a concept linked
    in the essay is not linked again), but only the author's prose counts as a mention."""
    letters = responses_file(Path(essay.path)).as_posix()
    linked = set(body.linked)
    rendered, problems = [], []
    for response in essay.responses:
        texts = []
        for text, line in (
            (response.body, response.body_line),
            (response.reply, response.reply_line),
        ):
            if not text:
                texts.append("")
                continue
            part = render_markdown(
                md,
                text,
                path=letters,
                first_line=line,
                base_path=index.base_path,
                resolve_wikilink=index.resolve_wikilink,
                glossary=matcher,
                autolink=mode,
                own_setting=essay.autolink,
                linked=linked,
            )
            texts.append(part.html)
            problems += part.problems
        rendered.append((texts[0], texts[1]))
    return replace(body, responses_html=tuple(rendered), elsewhere=tuple(problems))


def transcript_html(
    episode: Episode, base_path: str, matcher: Matcher, mode: Modes, linked: set[str]
) -> tuple[str, list]:
    """Paragraphs with speakers and timestamps that seek the player; concept names linked."""
    assert episode.transcript is not None
    audio = episode.audio
    player = "" if audio is None else (base_path + audio.url if audio.local else audio.url)
    out, mentions, seen = [], [], set()
    speaker = None
    line_of = {int(c.start): c.line for c in episode.transcript.cues}
    for para in paragraphs(episode.transcript.cues):
        text, found = link_text(
            para.text, matcher, mode, linked, line_of.get(para.start, 1), para.start
        )
        mentions += found
        anchor = f"t={para.start}"
        attrs = f' id="{anchor}"' if anchor not in seen else ""
        seen.add(anchor)
        # the time stays out of the search index, and a colon (seen only where the theme has no
        # .visually-hidden) keeps the speaker's name apart from the words in search excerpts
        # and in screen readers
        who = ""
        if para.speaker and para.speaker != speaker:
            who = (
                f'<b class="speaker">{escape(para.speaker)}'
                '<span class="visually-hidden">:</span></b> '
            )
        speaker = para.speaker or speaker
        out.append(
            f'<p{attrs}><a class="timestamp" href="{escape(player)}#t={para.start}" '
            f'data-start="{para.start}" data-pagefind-ignore><time datetime="PT{para.start}S">'
            f'{format_duration(para.start)}</time></a> <span class="words">{who}{text}</span></p>'
        )
    return "\n".join(out) + "\n", mentions
