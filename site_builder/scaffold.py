"""`site-builder new`: the file an author starts from, with its front matter filled in."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from pathlib import Path

from .errors import ContentError, UsageError
from .load.frontmatter import decode, split
from .model import KINDS
from .slugs import fold, title_slug


def quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML), so any title round-trips."""
    return json.dumps(text, ensure_ascii=False)


def new_file(content_dir: Path, kind: str, title: str, now: datetime, force: bool = False) -> Path:
    """Write a new content file and return its path; refuses to overwrite unless `force`."""
    if not title.strip():
        raise UsageError("the title is empty")
    title = " ".join(title.split())
    section = content_dir / KINDS[kind].folder
    slug = title_slug(title, kind)
    if kind == "essay":
        name = f"{now.date().isoformat()}-{slug}.md"
        same_slug = [
            p
            for p in section.glob(f"*-{slug}.md")
            if re.fullmatch(rf"\d{{4}}-\d{{2}}-\d{{2}}-{re.escape(slug)}", p.stem)
        ]
    elif kind == "episode":
        number = _next_episode_number(section)
        season = _latest_season(section)
        name = f"{number:03d}-{slug}.md"
        same_slug = [
            p
            for p in section.glob(f"*-{slug}.md")
            if re.fullmatch(rf"\d+-{re.escape(slug)}", p.stem)
        ]
    else:
        name = f"{slug}.md"
        same_slug = []
    path = section / name
    # compared case-insensitively: About.md and about.md would write one URL
    same_name = [p for p in section.glob("*.md") if fold(p.name) == fold(name)]
    existing = [p for p in [path, *same_name, *same_slug] if p.exists()]
    if existing and not force:
        raise UsageError(f"{existing[0]} already exists (pass --force to overwrite it)")
    stamp = now.isoformat(timespec="seconds")
    if kind == "essay":
        text = (
            f"---\ntitle: {quote(title)}\ndate: {stamp}\n{_SUMMARY}tags: []\n"
            f"concepts: []\ndraft: true\n---\n\n<!-- Link a concept with [[its-slug]] or "
            f"[[its term]], an episode with [[episodes/its-slug]]. -->\n\nWrite here.\n"
        )
    elif kind == "episode":
        # a guid of its own from the start: one derived from the number would change when
        # the episode is renumbered, and podcast apps would download it again
        text = (
            f"---\ntitle: {quote(title)}\nnumber: {number}\n"
            + (f"season: {season}\n" if season is not None else "")
            + f"episode_type: full\ndate: {stamp}\n"
            f'guid: "urn:uuid:{uuid.uuid4()}"\n'
            f'{_SUMMARY}# duration: "58:41"\n'
            f"# audio: {{url: https://..., length: 48213760, type: audio/mpeg}}\n"
            f'guests: []\nchapters:\n  - {{start: "0:00", title: Introduction}}\n'
            f"concepts: []\ndraft: true\n---\n\nShow notes.\n"
        )
    elif kind == "concept":
        text = (
            f"---\nterm: {quote(title)}\n"
            f"definition: {quote(f'One or two sentences that define {title.lower()}.')}\n"
            f"aliases: []\nrelated: []\n---\n\nWhat {title} means, where it comes from, "
            f"and how it is used.\n"
        )
    elif kind == "person":
        text = (
            f"---\nname: {quote(title)}\naliases: []\nroles: [guest]\n"
            f"# bio: one sentence: who they are, shown with every link to them\n"
            f"# image: /media/portrait.jpg\n# links: {{Website: https://...}}\n---\n\n"
            f"Who {title} is, and why they come up here.\n"
        )
    elif kind == "series":  # its parts name it: `series: {slug: ..., part: N}`
        text = f"---\ntitle: {quote(title)}\n{_SUMMARY}---\n\nWhat the series is about.\n"
    else:
        text = f"---\ntitle: {quote(title)}\n---\n\n"
    section.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# A comment, not an empty `summary:`: the line says what the key is for, and is not a value.
_SUMMARY = "# summary: one sentence for lists, feeds and search results\n"


def _latest_season(section: Path) -> int | None:
    """The `season:` of the latest episode (the highest number, then the newest date), if it
    has one; a file that cannot be read is passed over."""
    latest: tuple = ()
    season = None
    for path in section.glob("*.md"):
        try:
            data = split(decode(path.read_bytes(), path.name), path.name).data
        except (OSError, ContentError):
            continue
        named = re.match(r"(\d+)-", path.name)
        number = data.get("number", int(named.group(1)) if named else 0)
        rank = (number if isinstance(number, int) else 0, str(data.get("date", "")), path.name)
        if rank > latest:
            latest = rank
            found = data.get("season")
            season = found if isinstance(found, int) and not isinstance(found, bool) else None
    return season


def _next_episode_number(section: Path) -> int:
    numbers = [int(m.group(1)) for p in section.glob("*.md") if (m := re.match(r"(\d+)-", p.name))]
    return max(numbers, default=0) + 1


# What a site's .gitignore must list: generated folders, never the author's work.
IGNORED = ("/output/", ".site-builder-cache/")


def keep_gitignore(root: Path) -> None:
    """Add what is missing of IGNORED to `root/.gitignore`, made if need be."""
    path = root / ".gitignore"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    present = {line.strip() for line in text.splitlines()}
    missing = [
        entry for entry in IGNORED if entry not in present and entry.strip("/") not in present
    ]
    if missing:
        lead = "" if not text or text.endswith("\n") else "\n"
        path.write_text(text + lead + "".join(f"{entry}\n" for entry in missing), encoding="utf-8")
