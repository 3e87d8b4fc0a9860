"""Pure: one content file's bytes to an Item, with one set of fields per kind."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import Any

from ..errors import Diagnostic
from ..model import (
    KINDS,
    RELATION_INVERSES,
    UNCARRIED,
    Concept,
    Essay,
    Item,
    Page,
    Series,
    SourceRef,
)
from ..slugs import read_slug
from .episodes import read_episode
from .fields import EXTRA, OPEN, FieldReader, Keys, keys
from .frontmatter import Source, decode, split
from .people import PERSON_KEYS, read_names, read_person
from .related import read_related
from .series import MEMBERSHIP, read_membership
from .sidefiles import misnamed
from .values import written_day

# The front-matter keys each kind accepts: what `read_item` reads, and nothing else (a test
# holds the two together). Any other key is a warning at its line.
_COMMON = ("slug", "summary", "tags", "concepts", "draft", "autolink", "updated", EXTRA)
_PIECE = ("title", "date", "aliases", "related")  # what essays and episodes both have
KEYS: dict[str, Keys] = {
    "essay": keys(*_COMMON, *_PIECE, "episode", "audience", "people", series=MEMBERSHIP),
    "episode": keys(
        *_COMMON,
        *_PIECE,
        "number",
        "season",
        "recorded",
        "duration",
        "explicit",
        "episode_type",
        "guests",
        "hosts",
        "image",
        "guid",
        "transcript",
        series=MEMBERSHIP,
        audio=keys("url", "length", "type"),
        transcripts=keys("url", "type", "language", "rel"),
        chapters=keys("start", "title", "url"),
        social=keys("url", "protocol", "account", "account_url"),
        alternate_audio=keys("url", "type", "length", "bitrate", "title"),
        funding=keys("url", "text"),
    ),
    "concept": keys(
        *_COMMON,
        "term",
        "definition",
        "forms",
        "related",
        aliases=keys("name", "autolink"),
        relations=keys(OPEN, *RELATION_INVERSES),  # kinds of the author's own are welcome
        sources=keys("author", "title", "year", "url"),
    ),
    "page": keys(*_COMMON, "title", "menu", "date", "aliases"),
    "person": {**keys(*_COMMON), **PERSON_KEYS},
    "series": keys(*_COMMON, "title", "aliases"),
}


def read_item(
    kind: str, rel: str, raw: bytes, tz: tzinfo, problems: list[Diagnostic]
) -> Item | None:
    """Parse one content file (pure: bytes in, Item out); appends problems, raises on syntax."""
    source = split(decode(raw, rel), rel)
    if not source.has_front_matter:
        problems.append(
            Diagnostic(
                rel,
                1,
                "missing front matter",
                hint="start the file with a --- line, the keys, and another ---",
                code="front-matter",
            )
        )
        return None
    _check_control_characters(rel, source, problems)
    r = FieldReader(source, problems)
    common = _common_fields(kind, rel, source, r, tz)
    if kind not in ("concept", "person"):  # their other aliases are names: see redirects.py
        r.text_list("aliases")
    stem = Path(rel).stem
    if kind == "episode":
        item: Item = read_episode(r, stem, tz, common)
    elif kind == "person":
        item = read_person(r, read_slug(r, stem), common)
    else:
        item = _READERS.get(kind, _read_page)(r, stem, tz, common)
    r.warn_unknown(KEYS[kind], ("an " if kind[0] in "ae" else "a ") + kind, "page.extra")
    # An item with invalid fields is still returned: the build fails on the recorded problems,
    # but its body is still checked, so one run reports everything.
    return item


def _check_control_characters(rel: str, source: Source, problems: list[Diagnostic]) -> None:
    """Warn of the first invisible character pasted from a word processor, which the feeds
    leave out: the author cannot see it to delete it."""
    control = UNCARRIED.search(source.body)
    if control:
        problems.append(
            Diagnostic(
                rel,
                source.body_line + source.body.count("\n", 0, control.start()),
                f"invisible control character U+{ord(control.group()):04X} in the text",
                hint="delete it: feeds leave it out, and browsers may show it as a box",
                severity="warning",
                code="control-character",
            )
        )


def _common_fields(
    kind: str, rel: str, source: Source, r: FieldReader, tz: tzinfo
) -> dict[str, Any]:
    """The fields every kind of item has, read in the same order for all of them (the order
    its problems are reported in)."""
    return dict(
        path=rel,
        body=source.body,
        body_line=source.body_line,
        summary=r.text("summary"),
        tags=r.text_list("tags"),
        concepts=r.text_list("concepts"),
        draft=bool(r.boolean("draft")),
        autolink=r.boolean("autolink", default=None),
        updated=r.when("updated", tz),
        meta=dict(source.data),
        extra=r.mapping(EXTRA),
        lines=dict(source.lines),
        **({"related": read_related(r)} if kind in ("essay", "episode") else {}),
    )


def _read_essay(r: FieldReader, stem: str, tz: tzinfo, common: dict[str, Any]) -> Essay:
    """An essay; a dated file name (2024-05-01-slug.md) gives its slug, and must agree with
    its `date`."""
    m = KINDS["essay"].file_name.fullmatch(stem)
    episode = r.get("episode")
    item = Essay(
        kind="essay",
        slug=read_slug(r, m.group(2) if m else stem),
        title=r.text("title", required=True) or stem,
        date=r.when("date", tz, required=True),
        episode=str(episode) if isinstance(episode, (str, int)) else None,
        people=read_names(r, "people"),
        series=read_membership(r),
        **common,
    )
    if episode is not None and item.episode is None:
        r.error("episode", "'episode' must be an episode's slug or number")
    r.text("audience")  # who a newsletter sent it to (`only_paid`), for templates
    if m and item.date is not None:
        misnamed(r, "date", m.group(1), written_day(r.get("date")), "")
    return item


def _read_concept(r: FieldReader, stem: str, tz: tzinfo, common: dict[str, Any]) -> Concept:
    """A glossary concept: its term, definition, names and relations to other concepts."""
    term = r.text("term", required=True)
    aliases, quiet = _aliases(r)
    return Concept(
        kind="concept",
        slug=read_slug(r, stem),
        title=term or stem,
        definition=r.text("definition", required=True) or "",
        aliases=aliases,
        quiet_aliases=quiet,
        forms=r.text_list("forms"),
        related=r.text_list("related"),
        relations=_relations(r),
        sources=_sources(r),
        **common,
    )


def _read_series(r: FieldReader, stem: str, tz: tzinfo, common: dict[str, Any]) -> Series:
    title = r.text("title", required=True) or stem
    return Series(kind="series", slug=read_slug(r, stem), title=title, **common)


def _read_page(r: FieldReader, stem: str, tz: tzinfo, common: dict[str, Any]) -> Page:
    return Page(
        kind="page",
        slug=read_slug(r, stem),
        title=r.text("title", required=True) or stem,
        menu=r.integer("menu"),
        date=r.when("date", tz),
        **common,
    )


# the reader of each kind with no module of its own (episodes and people have theirs)
_READERS = {"essay": _read_essay, "concept": _read_concept, "series": _read_series}


def _aliases(r: FieldReader) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Aliases as text, or `{name: ripe, autolink: false}` for one that never autolinks. One
    that starts with `/` is an old URL path of the concept's page (see redirects.py)."""
    value = r.get("aliases")
    if not isinstance(value, list):
        return tuple(a for a in r.text_list("aliases") if not a.startswith("/")), ()
    names: list[str] = []
    quiet: list[str] = []
    for i, entry in enumerate(value):
        if isinstance(entry, dict):
            a = r.within("aliases", i)
            name = a.text("name", required=True)
            if name:
                names.append(name)
                if a.boolean("autolink", default=True) is False:
                    quiet.append(name)
        elif isinstance(entry, str) and entry.strip().startswith("/"):
            continue
        elif isinstance(entry, str) and entry.strip():
            names.append(entry.strip())
        else:
            r.error(
                "aliases", f"'aliases' item {i + 1} must be text or {{name: ..., autolink: false}}"
            )
    return tuple(names), tuple(quiet)


def _relations(r: FieldReader) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`relations: {precondition_of: [ripeness]}` as ((kind, slugs), ...), sorted by kind."""
    value = r.get("relations")
    if value is None:
        return ()
    if not isinstance(value, dict):
        r.error("relations", "'relations' must be a mapping: `relations: {contrasts_with: [slug]}`")
        return ()
    within = r.within("relations")
    return tuple((kind, within.text_list(kind)) for kind in sorted(value))


def _sources(r: FieldReader) -> tuple[SourceRef, ...]:
    refs = []
    for s in r.mappings("sources"):
        author, title = s.text("author", required=True), s.text("title", required=True)
        if author and title:
            refs.append(SourceRef(author, title, s.integer("year"), s.url("url")))
    return tuple(refs)
