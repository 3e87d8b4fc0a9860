"""`site-builder suggest`: its report (text or JSON), `--new concept N`, which writes the best
N phrases as concept files for the author to define, and `--new person N`, the best N names as
people for the author to describe. The CLI prints what this returns."""

from __future__ import annotations

import json
from argparse import Namespace
from dataclasses import asdict
from datetime import datetime

from ..config import SiteConfig
from ..errors import UsageError
from ..pool import default_jobs
from ..scaffold import new_file
from . import Suggestion, Suggestions, suggest
from .store import load_suggest_cache, save_suggest_cache

# what `--new KIND N` can make, and from which list
MAKES = {"concept": "concepts", "person": "people"}


def suggest_command(config: SiteConfig, args: Namespace, prefix: str) -> tuple[str, list[str]]:
    """(What to print, notes for stderr) for the command line's `args` (`limit`, `min_count`,
    `new`, `json`, and `cache`: whether to read and update .site-builder-cache/). `prefix` is
    the site folder as the user typed it, put before each `path:line`. Refuses bad numbers
    and kinds with a UsageError (exit 2)."""
    limit, min_count, new, as_json = args.limit, args.min_count, args.new, args.json
    if limit < 1 or min_count < 1:
        raise UsageError("--limit and --min-count take a number, 1 or more")
    kind, count = _new_option(new)
    cache = load_suggest_cache(config.root) if args.cache else None
    answer = cache.answer if cache is not None else None
    found = suggest(config, min_count, max(limit, count), default_jobs(), cache=cache)
    notes = []
    if cache is not None:
        if cache.answer is not answer:  # else nothing changed
            save_suggest_cache(cache)
        notes = [_shown(w.format(), prefix) for w in cache.warnings]
    if kind:
        made, made_notes = _scaffold(config, getattr(found, MAKES[kind])[:count], kind)
        notes += made_notes
        return "\n".join(_shown(p.relative_to(config.root).as_posix(), prefix) for p in made), notes
    if as_json:
        return json.dumps(_as_json(found, limit), ensure_ascii=False, indent=2), notes
    return _as_text(found, limit, prefix), notes


def _new_option(new: list[str] | None) -> tuple[str | None, int]:
    if new is None:
        return None, 0
    kind, count = new
    if kind not in MAKES or not count.isdigit() or int(count) < 1:
        raise UsageError(
            f"--new takes what to make ({' or '.join(MAKES)}) and how many: --new concept 5"
        )
    return kind, int(count)


def _scaffold(config: SiteConfig, best: list[Suggestion], kind: str) -> tuple[list, list[str]]:
    """A file for each suggestion, its term or name as the author writes it, capitalised like
    the glossary's; an existing file is kept, never overwritten."""
    made, notes = [], []
    for suggestion in best:
        title = suggestion.text[:1].upper() + suggestion.text[1:]
        try:
            made.append(new_file(config.content_dir, kind, title, datetime.now(config.tz)))
        except UsageError as exc:
            notes.append(f"kept: {exc}".replace(" (pass --force to overwrite it)", ""))
    return made, notes


def _as_json(found: Suggestions, limit: int) -> dict:
    return {
        "pieces": found.pieces,
        "concepts": [asdict(s) for s in found.concepts[:limit]],
        "people": [asdict(s) for s in found.people[:limit]],
    }


def _as_text(found: Suggestions, limit: int, prefix: str) -> str:
    lines = []
    for title, listed in (
        ("Phrases that could be concepts", found.concepts[:limit]),
        ("Names that could be people", found.people[:limit]),
    ):
        lines.append(f"{title} (from {found.pieces} essays and episodes):")
        if not listed:
            lines.append("  none used in enough pieces")
        for s in listed:
            months = s.months[0] if len(s.months) == 1 else f"{s.months[0]} to {s.months[-1]}"
            when = f", {len(s.months)} month{'s' * (len(s.months) != 1)} ({months})"
            lines.append(f"  {s.text}: {s.pieces} pieces, {s.uses} uses{when if s.months else ''}")
            lines += [f"    {_shown(e.path, prefix)}:{e.line}: {e.text}" for e in s.examples]
        lines.append("")
    lines.append(
        "`site-builder suggest --new concept N` writes the first N phrases as concepts,"
        " `--new person N` the first N names as people."
    )
    return "\n".join(lines)


def _shown(path: str, prefix: str) -> str:
    return path if prefix == "." else f"{prefix}/{path}"
