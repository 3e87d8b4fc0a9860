"""Which importer a source goes to, and what it reads before planning the files."""

from __future__ import annotations

import re
from pathlib import Path

from ..config import CONFIG_FILE
from .common import Outcome, read_source


def plan_import(kind: str, source: str, root: Path, owner: bool = False) -> Outcome:
    """The files an import of `source` (a `podcast` feed) into the site at `root` writes, and
    its report. site.yaml is read as text: one that `check` refuses (a `podcast:` section
    still being written) is added to, not judged."""
    site_yaml = (root / CONFIG_FILE).read_text(encoding="utf-8")
    data = read_source(source)
    local = None if re.match(r"https?://", source) else Path(source).expanduser().absolute().parent
    from .podcast import import_podcast, read_feed

    feed, notes = read_feed(data, source, local, owner)
    outcome = import_podcast(feed, root, site_yaml)
    outcome.notes[:0] = notes
    return outcome
