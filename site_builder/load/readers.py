"""Pure: one content file's bytes to an Item, with one set of fields per kind."""

from __future__ import annotations

import unicodedata
from datetime import tzinfo
from pathlib import Path

from ..errors import Diagnostic
from ..model import (
    ENCLOSURE_SUFFIXES,
    KINDS,
    MEDIA_TYPES,
    RELATION_INVERSES,
    UNCARRIED,
    Audio,
    Chapter,
    Concept,
    Episode,
    Essay,
    Item,
    Page,
    Series,
    SourceRef,
)
from ..routes import is_remote
from ..slugs import slug_problem
from .fields import EXTRA, OPEN, FieldReader, Keys, read_funding
from .frontmatter import decode, split
from .people import PERSON_KEYS, read_person
from .podcast_fields import read_alternate_audio, read_social
from .related import read_related
from .series import MEMBERSHIP, read_membership
from .sidefiles import misnamed
from .values import parse_duration, written_day


def _keys(*names: str, **tables: Keys) -> Keys:
    return {**dict.fromkeys(names), **tables}


# The front-matter keys each kind accepts: what `read_item` reads, and nothing else (a test
# holds the two together). Any other key is a warning at its line.
_COMMON = ("slug", "summary", "tags", "concepts", "draft", "autolink", "updated", EXTRA)
_PIECE = ("title", "date", "aliases", "related")  # what essays and episodes both have
KEYS: dict[str, Keys] = {
    "essay": _keys(*_COMMON, *_PIECE, "episode", "audience", "people", series=MEMBERSHIP),
    "episode": _keys(
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
        audio=_keys("url", "length", "type"),
        transcripts=_keys("url", "type", "language", "rel"),
        chapters=_keys("start", "title", "url"),
        social=_keys("url", "protocol", "account", "account_url"),
        alternate_audio=_keys("url", "type", "length", "bitrate", "title"),
        funding=_keys("url", "text"),
    ),
    "concept": _keys(
        *_COMMON,
        "term",
        "definition",
        "forms",
        "related",
        aliases=_keys("name", "autolink"),
        relations=_keys(OPEN, *RELATION_INVERSES),  # kinds of the author's own are welcome
        sources=_keys("author", "title", "year", "url"),
    ),
    "page": _keys(*_COMMON, "title", "menu", "date", "aliases"),
    "person": {**_keys(*_COMMON), **PERSON_KEYS},
    "series": _keys(*_COMMON, "title", "aliases"),
}
_A_KIND = {
    "essay": "an essay",
    "episode": "an episode",
    "concept": "a concept",
    "page": "a page",
    "person": "a person",
    "series": "a series",
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
    # invisible characters pasted from word processors, which the feeds leave out
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
    r = FieldReader(source, problems)
    stem = Path(rel).stem
    common = dict(
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
    if kind not in ("concept", "person"):  # their other aliases are names: see redirects.py
        r.text_list("aliases")
    item: Item
    if kind == "essay":
        m = KINDS["essay"].file_name.fullmatch(stem)
        episode = r.get("episode")
        item = Essay(
            kind=kind,
            slug=_slug(r, m.group(2) if m else stem),
            title=r.text("title", required=True) or stem,
            date=r.when("date", tz, required=True),
            episode=str(episode) if isinstance(episode, (str, int)) else None,
            people=r.text_list("people"),
            series=read_membership(r),
            **common,
        )
        if episode is not None and item.episode is None:
            r.error("episode", "'episode' must be an episode's slug or number")
        r.text("audience")  # who a newsletter sent it to (`only_paid`), for templates
        if m and item.date is not None:
            misnamed(r, "date", m.group(1), written_day(r.get("date")), "")
    elif kind == "episode":
        m = KINDS["episode"].file_name.fullmatch(stem)
        episode_type = r.choice("episode_type", ("full", "trailer", "bonus"), "full")
        # trailers and bonus episodes may go without a number; full episodes may take theirs
        # from the file name (001-slug.md)
        number = r.integer("number", required=m is None and episode_type == "full", minimum=1)
        item = Episode(
            kind=kind,
            slug=_slug(r, m.group(2) if m else stem),
            title=r.text("title", required=True) or stem,
            date=r.when("date", tz, required=True),
            number=number if number is not None else int(m.group(1)) if m else None,
            season=r.integer("season", minimum=1),
            recorded=r.when("recorded", tz),
            audio=_audio(r),
            duration=r.duration("duration"),
            explicit=r.boolean("explicit", None),
            episode_type=episode_type,
            guests=r.text_list("guests"),
            hosts=r.text_list("hosts"),
            chapters=_chapters(r),
            image=r.text("image"),
            guid=r.text("guid"),
            transcript_file=r.text("transcript"),
            social=read_social(r),
            alternate_audio=read_alternate_audio(r),
            funding=read_funding(r),
            series=read_membership(r),
            **common,
        )
        _remote_transcripts(r)
        # (with seasons, files may be numbered through the show and episodes by season)
        if m and number is not None and item.season is None:
            misnamed(r, "number", str(int(m.group(1))), str(number), "episode ")
    elif kind == "concept":
        term = r.text("term", required=True)
        aliases, quiet = _aliases(r)
        item = Concept(
            kind=kind,
            slug=_slug(r, stem),
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
    elif kind == "person":
        item = read_person(r, _slug(r, stem), common)
    elif kind == "series":
        title = r.text("title", required=True) or stem
        item = Series(kind=kind, slug=_slug(r, stem), title=title, **common)
    else:
        item = Page(
            kind=kind,
            slug=_slug(r, stem),
            title=r.text("title", required=True) or stem,
            menu=r.integer("menu"),
            date=r.when("date", tz),
            **common,
        )
    r.warn_unknown(KEYS[kind], ("an " if kind[0] in "ae" else "a ") + kind, "page.extra")
    # An item with invalid fields is still returned: the build fails on the recorded problems,
    # but its body is still checked, so one run reports everything.
    return item


def _slug(r: FieldReader, from_name: str) -> str:
    slug = r.text("slug")
    key: str | None = "slug"
    if slug is None:
        slug, key = from_name, None
    slug = unicodedata.normalize("NFC", slug)  # macOS writes file names decomposed (NFD)
    problem = slug_problem(slug)
    if problem:
        r.error(key, problem, "set `slug:` to lowercase words joined by '-'")
    return slug


AUDIO_TYPES = {suffix: MEDIA_TYPES[suffix] for suffix in ENCLOSURE_SUFFIXES}


def _audio(r: FieldReader) -> Audio | None:
    if r.get("audio") is None:
        return None
    if not isinstance(r.get("audio"), dict):
        r.error("audio", "'audio' must be a mapping: `audio: {url: ..., length: ..., type: ...}`")
        return None
    a = r.within("audio")
    url = a.url("url", required=True) or ""
    local = url.startswith(("/media/", "media/"))
    suffix = Path(url.split("?")[0]).suffix.lower()
    kind = a.text("type") or AUDIO_TYPES.get(suffix, "")  # "": checked with the podcast
    return Audio(url.lstrip("/") if local else url, a.integer("length", minimum=1), kind, local)


def _remote_transcripts(r: FieldReader) -> None:
    """Check `transcripts:`, an imported episode's files on its old host (podcast.xml has them)."""
    for t in r.mappings("transcripts"):
        url = t.url("url", required=True)
        if url and not is_remote(url):
            t.error(
                "url", f"'{t.name('url')}' must be an http(s) URL", "a local file is `transcript:`"
            )
        t.text("type", required=True)
        t.text("language")
        t.text("rel")


def _chapters(r: FieldReader) -> tuple[Chapter, ...]:
    chapters = []
    for c in r.mappings("chapters"):
        start_value, title = c.get("start"), c.text("title", required=True)
        try:
            start = parse_duration(start_value) if start_value is not None else None
        except ValueError as exc:
            c.error("start", f"'{c.name('start')}': {exc}")
            continue
        if start is None:
            c.error(None, f"missing required key '{c.name('start')}'")
        elif title:
            if chapters and start <= chapters[-1].start:
                c.error("start", "chapters must be in order of their start times")
            chapters.append(Chapter(start, title, c.url("url")))
    return tuple(chapters)


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
