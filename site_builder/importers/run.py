"""Which importer a source goes to, and what it reads before planning the files."""

from __future__ import annotations

import re
from pathlib import Path

from ..config import CONFIG_FILE
from .common import Outcome, read_source


def plan_import(
    kind: str, source: str, root: Path, owner: bool = False, download: bool = False
) -> Outcome:
    """The files an import of `source` (a `podcast` feed, a `substack` export, a `feed` of
    posts) into the site at `root` writes, and its report. site.yaml is read as text: one
    that `check` refuses (a `podcast:` section still being written) is added to, not judged."""
    if kind == "substack":
        from .posts import import_posts, read_substack

        return import_posts(*read_substack(source), root, download)
    data = read_source(source)
    if kind == "feed":
        from .posts import import_posts, read_feed_posts

        return import_posts(*read_feed_posts(data, source), root, download)
    from .podcast import import_podcast
    from .podcast_feed import read_feed

    local = None if re.match(r"https?://", source) else Path(source).expanduser().absolute().parent
    feed, notes = read_feed(data, source, local, owner)
    outcome = import_podcast(feed, root, (root / CONFIG_FILE).read_text(encoding="utf-8"))
    outcome.notes[:0] = notes
    return outcome
