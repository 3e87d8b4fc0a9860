"""The guid ledger: what the podcast feed has published, so that no build changes a guid.

An episode's `<guid>` is how every podcast app knows it: a new one makes each app download the
episode again. A guid derived from season, number and type changes when an old episode is
renumbered or retyped, and an edited `guid:` line changes it outright. The ledger,
`podcast-ledger.yaml` in the site folder (committed with the site, unlike the cache, which
may be deleted), remembers each published episode's source file, guid, audio URL and the day
it was first published. Every build, check and preview compares the feed with it; only `build`
writes it, after a build that succeeded.

The same episode is found by its source file, else (a renamed file) by the guid its `guid:`
line gives, its audio URL, its derived guid or its slug, in that order. Pure but for
`read_ledger` and `save_ledger`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .atomic import replace_file
from .config import SiteConfig
from .errors import ContentError, Diagnostic
from .feeds.atom import media_url
from .feeds.podcast import episode_guid, show_guid
from .load.files import read_regular
from .load.frontmatter import decode, parse_yaml
from .model import Episode

LEDGER_FILE = "podcast-ledger.yaml"
_HEADER = (
    "# The episodes podcast.xml has published, with the guid podcast apps know each one by.\n"
    "# `site-builder build` keeps this file: commit it with the site. A build that would give\n"
    "# an episode here another guid fails, since every app would download it again.\n"
)
_FIELDS = ("file", "guid", "enclosure", "slug", "first_published", "withdrawn")


@dataclass(frozen=True, slots=True)
class Entry:
    """One published episode as the ledger remembers it."""

    file: str  # the source file, relative to the site root
    guid: str
    enclosure: str  # the audio URL
    slug: str
    first_published: str  # YYYY-MM-DD: the episode's date when it first came on record
    withdrawn: str | None = None  # the day a build found it gone from the feed
    line: int = 0  # where it starts in the ledger file, for messages


@dataclass(frozen=True, slots=True)
class Release:
    """What the feed publishes of one episode now."""

    episode: Episode
    guid: str
    enclosure: str


def releases(config: SiteConfig, episodes: Sequence[Episode]) -> list[Release]:
    """Each episode (with audio) as the feed publishes it, sorted by source file."""
    channel = show_guid(config)
    return [
        Release(e, episode_guid(channel, e), media_url(config, e.audio.url, e.audio.local))
        for e in sorted(episodes, key=lambda e: e.path)
        if e.audio is not None
    ]


def read_ledger(root: Path) -> tuple[tuple[Entry, ...] | None, list[Diagnostic]]:
    """The ledger in `root`, or None when there is none; its problems are errors."""
    path = root / LEDGER_FILE
    if not path.exists():
        return None, []
    try:
        return parse_ledger(decode(read_regular(path), LEDGER_FILE))
    except ContentError as exc:
        return (), list(exc.diagnostics)
    except OSError as exc:
        return (), [_ledger_problem(None, f"cannot read: {exc.strerror}")]


def parse_ledger(text: str) -> tuple[tuple[Entry, ...], list[Diagnostic]]:
    """The entries of a ledger's text; raises ContentError for YAML that is not a list."""
    data, lines = parse_yaml(text, LEDGER_FILE, listing=True)
    entries: list[Entry] = []
    problems: list[Diagnostic] = []
    files: dict[str, int] = {}
    for i, raw in enumerate(data):
        line = lines.get((i,), 1)
        values = {k: str(raw[k]).strip() for k in _FIELDS if isinstance(raw, dict) and raw.get(k)}
        if "file" not in values or "guid" not in values:
            problems.append(
                _ledger_problem(
                    line,
                    "an entry without its `file:` and `guid:`",
                    "restore it from git (git checkout podcast-ledger.yaml), or delete the "
                    "entry if that episode was never published",
                )
            )
            continue
        if values["file"] in files:
            problems.append(
                _ledger_problem(
                    line,
                    f"a second entry for {values['file']} (the first is at line "
                    f"{files[values['file']]})",
                    "keep the one whose guid the published feed has, e.g. after a merge",
                )
            )
            continue
        files[values["file"]] = line
        entries.append(
            Entry(
                values["file"],
                values["guid"],
                values.get("enclosure", ""),
                values.get("slug", ""),
                values.get("first_published", ""),
                values.get("withdrawn"),
                line,
            )
        )
    return tuple(entries), problems


def reconcile(
    entries: tuple[Entry, ...] | None, published: Sequence[Release], today: str
) -> tuple[tuple[Entry, ...], list[Diagnostic]]:
    """The ledger after this build, and what is wrong: an episode whose guid would change
    (an error), one with no `guid:` line, an audio URL that changed, an episode no longer
    published, no ledger at all (warnings)."""
    problems: list[Diagnostic] = []
    if entries is None and published:
        problems.append(
            _ledger_problem(
                None,
                f"no {LEDGER_FILE}: the guids of {len(published)} published episode"
                f"{'s' * (len(published) != 1)} are not on record",
                f"`site-builder build` starts one; commit {LEDGER_FILE} with the site, so that "
                "no later build can change a guid podcast apps know",
                severity="warning",
            )
        )
    known = entries or ()
    matched = _match(known, published)
    kept: list[Entry] = []
    for release in published:
        episode = release.episode
        entry = matched.get(episode.path)
        if entry is not None and entry.guid != release.guid:
            problems.append(_changed_guid(release, entry))
        guid = entry.guid if entry is not None else release.guid
        if not episode.guid:
            problems.append(
                Diagnostic(
                    episode.path,
                    1,
                    "a published episode without a `guid:` line: its guid is derived, and "
                    "changes when the episode is renumbered or retyped",
                    hint=f"add the line guid: {json.dumps(guid)} to its front matter",
                    severity="warning",
                    code="guid",
                )
            )
        if entry is not None and entry.enclosure and entry.enclosure != release.enclosure:
            problems.append(
                Diagnostic(
                    episode.path,
                    episode.line_of("audio", "url"),
                    f"the audio URL changed since it was published (it was {entry.enclosure})",
                    hint="some apps download the episode again; keep the old URL working "
                    "(a redirect) if you can",
                    severity="warning",
                    code="podcast",
                )
            )
        kept.append(
            Entry(
                episode.path,
                guid,
                release.enclosure,
                episode.slug,
                entry.first_published if entry and entry.first_published else _day(episode, today),
            )
        )
    claimed = {id(e) for e in matched.values()}
    for entry in known:
        if id(entry) in claimed:
            continue
        if entry.withdrawn is None:
            problems.append(
                _ledger_problem(
                    entry.line,
                    f"{entry.file} (guid {entry.guid}) was published and is no longer in the feed",
                    "apps keep the copies they have; to publish it again, give it back this "
                    "guid. The ledger keeps the entry, marked withdrawn",
                    severity="warning",
                )
            )
        kept.append(replace(entry, withdrawn=entry.withdrawn or today, line=0))
    return tuple(sorted(kept, key=lambda e: e.file)), problems


def _day(episode: Episode, today: str) -> str:
    """The day an episode newly on record was published: its date, else the day of the build."""
    return episode.date.date().isoformat() if episode.date else today


def _match(entries: tuple[Entry, ...], published: Sequence[Release]) -> dict[str, Entry]:
    """The ledger entry of each published episode (by its path) that has one: by source file,
    else, among the entries whose file publishes nothing now, by the guid its `guid:` line
    states, its audio URL, its derived guid or its slug. The audio comes before a derived guid:
    a renamed file renumbered into a removed episode's place derives that episode's guid, yet
    its audio says which episode it is."""
    found: dict[str, Entry] = {}
    by_file = {e.file: e for e in entries}
    for release in published:
        if release.episode.path in by_file:
            found[release.episode.path] = by_file[release.episode.path]
    taken = {e.file for e in found.values()}
    for field, stated in (("guid", True), ("enclosure", False), ("guid", False), ("slug", False)):
        for release in published:
            path = release.episode.path
            if path in found or (stated and not release.episode.guid):
                continue
            value = release.episode.slug if field == "slug" else getattr(release, field)
            entry = next(
                (e for e in entries if e.file not in taken and getattr(e, field) == value),
                None,
            )
            if entry is not None and value:
                found[path] = entry
                taken.add(entry.file)
    return found


def _changed_guid(release: Release, entry: Entry) -> Diagnostic:
    episode = release.episode
    was = "" if entry.file == episode.path else f" as {entry.file}"
    # the line of what the guid is made of: its own line, or what it is derived from
    made_of = ("slug",) if episode.number is None else ("number", "season", "episode_type")
    key = "guid" if episode.guid else next((k for k in made_of if (k,) in episode.lines), "")
    return Diagnostic(
        episode.path,
        episode.line_of(key) if key else 1,
        f"this episode was published{was} with guid {entry.guid}; its guid would now be "
        f"{release.guid}, and every podcast app would download it again",
        hint=f"keep the published guid: write the line guid: {json.dumps(entry.guid)} "
        f"(if this really is another episode, delete the entry at {LEDGER_FILE}:{entry.line})",
        code="guid",
    )


def _ledger_problem(
    line: int | None, message: str, hint: str | None = None, severity: str = "error"
) -> Diagnostic:
    return Diagnostic(LEDGER_FILE, line, message, hint=hint, code="ledger", severity=severity)


def ledger_text(entries: Sequence[Entry]) -> str:
    """The ledger file: a header, then one entry per episode sorted by source file, its
    values quoted (JSON strings are YAML) so that any path or URL reads back as written."""
    out = [_HEADER]
    for entry in sorted(entries, key=lambda e: e.file):
        values = (
            entry.file,
            entry.guid,
            entry.enclosure,
            entry.slug,
            entry.first_published,
            entry.withdrawn,
        )
        lead = "- "
        for name, value in zip(_FIELDS, values, strict=True):
            if value is not None:
                out.append(f"{lead}{name}: {json.dumps(value, ensure_ascii=False)}\n")
                lead = "  "
    return "".join(out)


def save_ledger(root: Path, text: str) -> None:
    """Write the ledger into `root`, atomically, when it says something new."""
    path = root / LEDGER_FILE
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    replace_file(path, text.encode("utf-8"))
