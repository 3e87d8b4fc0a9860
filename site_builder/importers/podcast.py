"""`site-builder import podcast FEED`: one episode file per item of an RSS podcast feed, and
the channel's facts in site.yaml's `podcast:` section.

What must survive the move (Castopod's importer is the reference) is what apps know the show
and its episodes by: the podcast guid, each item's guid exactly as it was, each enclosure's
URL, length and type, each pubDate as the same instant. Those are copied, never made up.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from ..link.withheld import file_slug
from ..slugs import slugify
from .common import (
    Outcome,
    existing_values,
    feed_date,
    free_name,
    front_matter,
    front_matters,
    unique_slug,
)
from .podcast_feed import (
    Feed,
    find_attr,
    find_text,
    read_episode,
    read_show,
    whole_number,
    written_number,
)
from .siteyaml import merge_section

EPISODES = "content/episodes"


def import_podcast(feed: Feed, root: Path, site_yaml: str) -> Outcome:
    """Every file the import writes (episodes not imported before, site.yaml merged), what
    was skipped or refused, and what differs: nothing is written here."""
    out = Outcome()
    section = root / EPISODES
    known = existing_values(section, "guid")
    taken_names: set[str] = set()
    slugs = {file_slug(p.name) for p in section.glob("*.md")} if section.is_dir() else set()
    numbers = _numbers_in(section)
    seen: dict[str, int] = {}
    episodes = []
    for position, item in enumerate(feed.channel.findall("item"), 1):
        title = unescape(find_text(item, "title") or find_text(item, "itunes:title"))
        label = f"item {position} {title!r}" if title else f"item {position}"
        guid = find_text(item, "guid") or find_attr(item, "enclosure", "url")
        why = _refusal(item, title, guid, seen)
        if why:
            out.refused.append(f"{label}: {why}")
            continue
        seen[guid] = position
        if guid in known:
            out.skipped += 1
            continue
        episodes.append((position, item, title, guid))
    fields = [read_episode(feed, item, title, guid) for _, item, title, guid in episodes]
    labels = [(p, title, written_number(item)) for p, item, title, _ in episodes]
    out.notes += _number(fields, labels, numbers)
    for meta in fields:
        slug = unique_slug(slugify(meta["title"], "episode"), slugs)
        number = meta.get("number")
        name = free_name(section, f"{number:03d}-{slug}" if number else slug, taken_names)
        body = meta.pop("notes")
        out.files[f"{EPISODES}/{name}"] = front_matter(meta, body)
        out.new += 1
    show = read_show(feed)
    if not show.get("guid"):
        out.notes.append(
            f"{feed.source} names neither its podcast:guid nor its own address (atom:link"
            ' rel="self"): set podcast.guid to the show\'s guid (Podcast Index lists it), or'
            " import the feed from its address, so that apps keep knowing the show as this one"
        )
    merged, differ = merge_section(site_yaml, "podcast", show, [{"category", "categories"}])
    out.notes += differ
    if merged != site_yaml:
        out.files["site.yaml"] = merged.encode()
    return out


def _number(
    fields: list[dict[str, Any]],
    labels: list[tuple[int, str, str]],
    numbers: dict[int | None, set[int]],
) -> list[str]:
    """Number the full episodes that have no number: after the highest number of their season
    (the site's and the feed's), oldest first; a note for each, and for each number that the
    site or an item before has in that season already (the build refuses two)."""
    notes = []
    for (position, title, _), meta in zip(labels, fields, strict=True):
        if meta.get("number") is not None:
            used = numbers.setdefault(meta.get("season"), set())
            if meta["number"] in used and meta["episode_type"] == "full":
                season = f"season {meta['season']}" if meta.get("season") else "the show"
                notes.append(
                    f"item {position} {title!r} is episode {meta['number']}, which {season}"
                    " has already: give it another `number:` (its guid keeps it the same"
                    " episode for podcast apps)"
                )
            used.add(meta["number"])
    for (position, title, written), meta in sorted(
        zip(labels, fields, strict=True), key=lambda pair: datetime.fromisoformat(pair[1]["date"])
    ):
        if meta.get("number") is None and meta["episode_type"] == "full":
            used = numbers.setdefault(meta.get("season"), set())
            meta["number"] = max(used, default=0) + 1
            used.add(meta["number"])
            said = (
                f"has itunes:episode '{written}', which is not a whole number"
                if written
                else "has no itunes:episode"
            )
            notes.append(f"item {position} {title!r} {said}: numbered {meta['number']}")
    return notes


def _refusal(item: Element, title: str, guid: str, seen: dict[str, int]) -> str | None:
    if not title:
        return "no title: not imported"
    url = find_attr(item, "enclosure", "url")
    if not url:
        return "no enclosure (no audio for apps to play): not imported"
    if guid in seen:
        return f"its guid is also item {seen[guid]}'s: not imported"
    try:
        feed_date(find_text(item, "pubDate"))
    except ValueError as exc:
        return f"{exc}: not imported"
    return None


def _numbers_in(section: Path) -> dict[int | None, set[int]]:
    """The episode numbers the site has already, by season (`number:`, else the file name's)."""
    numbers: dict[int | None, set[int]] = {}
    for path, data in front_matters(section):
        named = re.match(r"(\d+)-", path.name)
        number = whole_number(str(data.get("number", ""))) or (
            int(named.group(1)) if named else None
        )
        if number:
            numbers.setdefault(whole_number(str(data.get("season", ""))), set()).add(number)
    return numbers
