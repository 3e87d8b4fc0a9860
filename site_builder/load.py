"""I/O in: discover a site's content files and turn each into a validated Item."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, replace
from datetime import tzinfo
from pathlib import Path

from .config import read_funding
from .errors import ContentError, Diagnostic
from .fields import (
    EXTRA,
    OPEN,
    FieldReader,
    Keys,
    format_duration,
    parse_duration,
    written_day,
)
from .files import inside, is_regular, read_regular, special_kind
from .frontmatter import decode, split
from .media import audio_duration
from .model import (
    RELATION_INVERSES,
    AlternateAudio,
    Audio,
    Chapter,
    Concept,
    Episode,
    Essay,
    Item,
    Page,
    SocialPost,
    SourceRef,
)
from .responses import SUFFIX as RESPONSES
from .responses import essay_of, read_responses, responses_file
from .routes import STATIC_DIR, is_remote
from .slugs import slug_problem
from .transcripts import Transcript, parse_transcript
from .xmlout import UNCARRIED

SECTION_DIRS = {"essays": "essay", "episodes": "episode", "glossary": "concept", "pages": "page"}
_ESSAY_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})-(.+)")
_EPISODE_NAME = re.compile(r"(\d+)-(.+)")
# Files editors and operating systems leave beside the ones authors write.
_VCS_FOLDERS = (".git", ".hg", ".svn")
TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".json")  # in this order, when an episode has several
_SCRATCH = re.compile(r"(^\.|~$|\.sw[a-p]$|\.bak$|\.bck$|\.tmp$|___jb_\w+___$|^4913$|^#.*#$)")


@dataclass(frozen=True, slots=True)
class Loaded:
    items: tuple[Item, ...]
    media: tuple[str, ...]  # paths under content/media, '/'-separated, sorted
    diagnostics: tuple[Diagnostic, ...]
    unreadable: tuple[str, ...] = ()  # content files that could not be parsed at all
    static: tuple[str, ...] = ()  # paths under content/static, hidden ones too, sorted


def is_scratch_file(name: str) -> bool:
    """Editor swap, backup and temporary files, which are never content."""
    return bool(_SCRATCH.search(name))


FileCache = dict[Path, tuple[tuple, Item | None, tuple[Diagnostic, ...], tuple[Path, ...]]]


def load_content(
    content_dir: Path,
    root: Path,
    tz: tzinfo,
    cache: FileCache | None = None,
    by_content: bool = False,
) -> Loaded:
    """Read every content file under `content_dir`; problems are collected, not raised.

    With a `cache` (kept between builds), a file is not loaded again while its fingerprint, and
    its transcript's and local audio's, are unchanged: their stats, or `by_content` their hashes.
    """
    items: list[Item] = []
    problems: list[Diagnostic] = []
    claimed: set[Path] = set()  # transcript files that belong to an episode
    unreadable: list[str] = []
    transcripts: list[Path] = []  # found in the same walk; checked once every episode is read
    letters: list[Path] = []  # responses files, likewise checked against the essays
    fresh: FileCache = {}
    media: list[str] = []  # paths under content/media, '/'-separated
    for path in _walk(content_dir, problems, root):
        rel = path.relative_to(root).as_posix()
        parts = path.relative_to(content_dir).parts
        if parts[0] == "media" and len(parts) > 1:
            media.append("/".join(parts[1:]))
            continue
        if parts[0] == STATIC_DIR and len(parts) > 1:
            continue  # walked on its own below, hidden files and folders (.well-known/) too
        if path.suffix in TRANSCRIPT_SUFFIXES and parts[0] == "episodes":
            transcripts.append(path)
        if path.name.endswith(RESPONSES) and parts[0] == "essays":
            letters.append(path)
        if path.suffix != ".md":
            continue
        kind = SECTION_DIRS.get(parts[0]) if len(parts) == 2 else None
        if kind is None:
            problems.append(
                Diagnostic(
                    rel,
                    None,
                    "Markdown file outside a content section",
                    hint="move it into content/essays, episodes, glossary or pages",
                    severity="warning",
                    code="layout",
                )
            )
            continue
        known = cache.get(path) if cache is not None else None
        if known is not None and known[0] == _fingerprint(path, known[3], by_content, tz):
            entry = known
        else:
            found: list[Diagnostic] = []
            item, deps = _load_file(kind, path, rel, content_dir, root, tz, found)
            entry = (_fingerprint(path, deps, by_content, tz), item, tuple(found), deps)
        fresh[path] = entry
        _, item, found_problems, deps = entry
        problems.extend(found_problems)
        claimed.update(deps)
        if item is not None:
            items.append(item)
        else:
            unreadable.append(rel)
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    for path in transcripts:
        if path not in claimed:
            problems.append(
                Diagnostic(
                    path.relative_to(root).as_posix(),
                    None,
                    "transcript without an episode of the same name",
                    hint="name it like its episode, or set `transcript:` in the episode",
                    severity="warning",
                    code="transcript",
                )
            )
    for path in letters:
        if path not in claimed:
            problems.append(
                Diagnostic(
                    path.relative_to(root).as_posix(),
                    1,
                    f"responses without an essay: there is no {essay_of(path).name}",
                    hint="name it after its essay: <essay file name>.responses.yaml",
                    code="responses",
                )
            )
    static_dir = content_dir / STATIC_DIR
    static = [
        p.relative_to(static_dir).as_posix() for p in _walk(static_dir, problems, root, hidden=True)
    ]
    return Loaded(tuple(items), tuple(media), tuple(problems), tuple(unreadable), tuple(static))


def _fingerprint(path: Path, deps: tuple[Path, ...], by_content: bool, tz: tzinfo) -> tuple:
    """What says a file (and the files it pulls in) changed, or the time zone its dates are
    read in (site.yaml's `timezone`).

    Size, times and inode of each (`serve`, which must not read every file on every save), or
    for the text files the hash of their content (the build cache on disk, which must not be
    fooled by a checkout that restores old times; audio is still known by its stat, whose
    change time no restore of the old modification time can set back). An episode's sibling
    transcripts (.vtt, .srt, .json) and an essay's responses file are included, so one that
    appears is noticed."""
    siblings = {
        "episodes": tuple(path.with_suffix(suffix) for suffix in TRANSCRIPT_SUFFIXES),
        "essays": (responses_file(path),),
    }.get(path.parent.name, ())
    watched = (path, *siblings, *deps)
    out: list[object] = [str(tz)]
    for file in watched:
        try:
            if by_content and file.suffix in (".md", *TRANSCRIPT_SUFFIXES, ".yaml"):
                out.append(hashlib.sha256(read_regular(file)).digest())
            else:
                st = file.stat()
                out.append((st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino))
        except OSError:
            out.append(None)
    return tuple(out)


def _load_file(
    kind: str,
    path: Path,
    rel: str,
    content_dir: Path,
    root: Path,
    tz: tzinfo,
    problems: list[Diagnostic],
) -> tuple[Item | None, tuple[Path, ...]]:
    """One content file as an Item, and the other files it read (transcript, audio)."""
    try:
        item = read_item(kind, rel, read_regular(path), tz, problems)
    except ContentError as exc:
        problems.extend(exc.diagnostics)
        return None, ()
    except OSError as exc:
        problems.append(Diagnostic(rel, None, f"cannot read: {exc.strerror}", code="io"))
        return None, ()
    if isinstance(item, Episode):
        return _episode_files(item, path, content_dir, root, problems)
    letters = _beside(path, responses_file(path).name)
    if isinstance(item, Essay) and letters is not None:
        rel_letters = letters.relative_to(root).as_posix()
        try:
            responses, found = read_responses(rel_letters, read_regular(letters), tz)
            item = replace(item, responses=responses)
            problems.extend(found)
        except ContentError as exc:
            problems.extend(exc.diagnostics)
        except OSError as exc:
            problems.append(
                Diagnostic(rel_letters, None, f"cannot read: {exc.strerror}", code="io")
            )
        return item, (letters,)
    return item, ()


def read_head(content_dir: Path, url: str, size: int = 65536) -> bytes | str:
    """The first bytes of the file in content/media a `media/...` path names (an image), or
    what is wrong with the path."""
    rel = url.lstrip("/")
    if not rel.startswith("media/"):
        return f"/{rel} is not in content/media/: write /media/ and its path there"
    file = media_file(content_dir, rel)
    if isinstance(file, str):
        return f"image path {file}: /{rel}"
    try:
        return read_regular(file, size)
    except OSError:
        return f"no image file /{rel} in content/"


def media_file(content_dir: Path, url: str) -> Path | str:
    """The file a local `/media/...` URL (or `media/...`) names in content/media, or why it
    may not be read (see `inside`)."""
    return inside(content_dir / "media", url.lstrip("/").removeprefix("media/"), "content/media/")


def _beside(path: Path, name: str) -> Path | None:
    """The regular file `name` beside a content file (its transcript, its responses), unless
    it is a symbolic link out of the folder (which the walk reports) or there is none."""
    file = path.parent / name
    try:
        linked = stat.S_ISLNK(os.lstat(file).st_mode)
    except OSError:
        return None
    # the folder itself was walked, not reached through a link: only a link here can lead out
    if linked and not isinstance(inside(path.parent, name, ""), Path):
        return None
    return file if is_regular(file) else None


def _episode_files(
    episode: Episode,
    path: Path,
    content_dir: Path,
    root: Path,
    problems: list[Diagnostic],
) -> tuple[Episode, tuple[Path, ...]]:
    """Read the episode's transcript, and the size and length of audio kept in content/media."""
    changes: dict = {}
    deps: list[Path] = []
    named = episode.transcript_file
    found = (
        _named_transcript(episode, path, named, root, problems)
        if named
        else next(
            (
                found
                for suffix in TRANSCRIPT_SUFFIXES
                if (found := _beside(path, path.with_suffix(suffix).name))
            ),
            None,
        )
    )
    if found is not None:
        deps.append(found)
        rel = found.relative_to(root).as_posix()
        try:
            text = decode(read_regular(found), rel)
            kind = found.suffix[1:]
            changes["transcript"] = Transcript(
                rel, kind, parse_transcript(text, rel, kind, problems)
            )
        except ContentError as exc:
            problems.extend(exc.diagnostics)
        except OSError as exc:
            problems.append(Diagnostic(rel, None, f"cannot read: {exc.strerror}", code="io"))
    audio = episode.audio
    if audio is not None and audio.local:
        file = media_file(content_dir, audio.url)
        if isinstance(file, Path):
            deps.append(file)  # also when missing: one that appears is noticed
        if isinstance(file, Path) and is_regular(file):
            changes["audio"] = replace(audio, length=file.stat().st_size)
            if episode.duration is None:
                changes["duration"] = audio_duration(read_regular(file), file.suffix)
        else:
            message, hint = (
                (f"audio path {file}: /{audio.url}", "keep it in content/media: url: /media/<name>")
                if isinstance(file, str)
                else (f"no audio file /{audio.url} in content/media", None)
            )
            problems.append(
                Diagnostic(
                    episode.path,
                    episode.line_of("audio", "url"),
                    message,
                    hint=hint,
                    code="reference",
                )
            )
    episode = replace(episode, **changes) if changes else episode
    problems += _implausible_duration(episode)
    return episode, tuple(deps)


MAX_HOURS = 12  # longer than any episode: a duration past it was written in milliseconds


def _implausible_duration(episode: Episode) -> list[Diagnostic]:
    """A warning at `duration:` when it cannot be the episode's length: over MAX_HOURS, or
    shorter than where its last chapter starts or its transcript ends."""
    duration = episode.duration
    if duration is None:
        return []
    cues = episode.transcript.cues if episode.transcript else ()
    message, hint = None, None
    if duration > MAX_HOURS * 3600:
        message = f"duration {duration // 3600} hours looks like milliseconds or a typo"
        hint = f'write seconds or "H:MM:SS": {duration} ms is {format_duration(duration // 1000)}'
    elif episode.chapters and episode.chapters[-1].start > duration:
        start = episode.chapters[-1].start
        message = (
            f"duration {format_duration(duration)} is shorter than the last chapter's start "
            f"({format_duration(start)})"
        )
    elif cues and int(cues[-1].end) > duration:
        message = (
            f"duration {format_duration(duration)} is shorter than the transcript "
            f"({format_duration(int(cues[-1].end))})"
        )
    if message is None:
        return []
    return [
        Diagnostic(
            episode.path,
            episode.line_of("duration"),
            message,
            hint=hint,
            severity="warning",
            code="plausibility",
        )
    ]


def _misnamed(r: FieldReader, key: str, named: str, written: str | None, what: str) -> None:
    """A warning at `key` when the file name's number or date is not the one written there."""
    if written is not None and written != named:
        r.diagnostics.append(
            Diagnostic(
                r.source.path,
                r.source.line_of(key),
                f"the file name says {what}{named} but {key}: is {written}",
                hint=f"rename the file, or correct `{key}:` (the site shows `{key}:`)",
                severity="warning",
                code="plausibility",
            )
        )


def _named_transcript(
    episode: Episode, path: Path, named: str, root: Path, problems: list[Diagnostic]
) -> Path | None:
    """The transcript file `transcript:` names, relative to the episode's folder; an error at
    its line when it leaves that folder or is not a .vtt, .srt or .json file there."""
    folder = path.parent.relative_to(root).as_posix() + "/"
    found = inside(path.parent, named, folder)
    if isinstance(found, str):
        message = f"transcript path {found}: {named}"
    elif found.suffix not in TRANSCRIPT_SUFFIXES or not is_regular(found):
        message = f"no transcript file '{named}' beside the episode"
    else:
        return found
    problems.append(
        Diagnostic(
            episode.path,
            episode.line_of("transcript"),
            message,
            hint=f"give the name of a .vtt, .srt or .json file in {folder}",
            code="transcript",
        )
    )
    return None


def _walk(
    top: Path, problems: list[Diagnostic], root: Path, contain: bool = True, hidden: bool = False
) -> list[Path]:
    """Regular files below `top`, sorted. Anything else is skipped with a warning before it is
    opened: a FIFO, socket or device (opening a FIFO waits forever), a symbolic link that is
    broken or loops. Links to folders are never followed, so the walk cannot loop. With
    `contain`, a link to a file is followed only while it stays inside its section of `top`
    (content/essays/, content/media/, ...), what lies outside is never read, and a link to a
    folder is reported. With `hidden`, files and folders whose names start with '.' are kept
    (content/static/.well-known/); editor scratch files and version-control folders never are."""
    found: list[Path] = []
    if not top.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        folders = sorted(
            d for d in dirnames if not d.startswith(".") or (hidden and d not in _VCS_FOLDERS)
        )
        dirnames[:] = [d for d in folders if not (here / d).is_symlink()]
        for name in sorted(set(folders) - set(dirnames)) if contain else ():
            problems.append(
                _skipped(
                    here / name,
                    root,
                    "symbolic link to a folder was skipped",
                    "links to folders are not followed: move the folder itself into place",
                )
            )
        for name in sorted(filenames):
            if is_scratch_file(name.removeprefix(".") if hidden else name) or name == ".DS_Store":
                continue
            path = here / name
            parts = path.relative_to(top).parts
            section = top / parts[0] if contain and len(parts) > 1 else top
            problem = _unreadable(path, section, root, contain)
            if problem is None:
                found.append(path)
            else:
                problems.append(problem)
    return sorted(found)


def _unreadable(path: Path, section: Path, root: Path, contain: bool) -> Diagnostic | None:
    """Why the walk skips a file, or None to read it (only `lstat` and `stat`: nothing opened)."""
    label = section.relative_to(root).as_posix() + "/"
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            target = path.resolve(strict=True)
            if contain and not target.is_relative_to(section.resolve()):
                return _skipped(
                    path,
                    root,
                    f"symbolic link to a file outside {label} was skipped",
                    f"copy the file into {label}: what lies outside it is never published",
                )
            mode = os.stat(target).st_mode
    except FileNotFoundError:
        if not path.is_symlink():
            return None  # deleted while the walk ran: it is simply not there
        return _skipped(path, root, "broken symbolic link was skipped", None)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11 and 3.12)
        return _skipped(path, root, "symbolic link that loops was skipped", None)
    kind = special_kind(mode)
    if kind is None:
        return None
    return _skipped(
        path,
        root,
        f"{kind} was skipped: only regular files are read",
        "delete it, or move it out of the site's folders",
    )


def _skipped(path: Path, root: Path, message: str, hint: str | None) -> Diagnostic:
    return Diagnostic(
        path.relative_to(root).as_posix(),
        None,
        message,
        hint=hint,
        severity="warning",
        code="layout",
    )


def template_problems(templates_dir: Path, root: Path) -> list[Diagnostic]:
    """Warnings for what the site's templates/ holds that cannot be read (a FIFO, a broken
    link): the template loader and the copy of static files would pass over it in silence.
    Links there may lead anywhere: the theme is the site's own code, not its content."""
    problems: list[Diagnostic] = []
    _walk(templates_dir, problems, root, contain=False)
    return problems


def _keys(*names: str, **tables: Keys) -> Keys:
    return {**dict.fromkeys(names), **tables}


# The front-matter keys each kind accepts: what `read_item` reads, and nothing else (a test
# holds the two together). Any other key is a warning at its line.
_COMMON = ("slug", "summary", "tags", "concepts", "draft", "autolink", "updated", EXTRA)
KEYS: dict[str, Keys] = {
    "essay": _keys(*_COMMON, "title", "date", "episode", "aliases", "audience"),
    "episode": _keys(
        *_COMMON,
        "title",
        "date",
        "number",
        "season",
        "recorded",
        "duration",
        "explicit",
        "episode_type",
        "guests",
        "image",
        "guid",
        "transcript",
        "aliases",
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
}
_A_KIND = {"essay": "an essay", "episode": "an episode", "concept": "a concept", "page": "a page"}


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
    )
    if kind != "concept":  # old URL paths (a concept's are among its aliases): see redirects.py
        r.text_list("aliases")
    item: Item
    if kind == "essay":
        m = _ESSAY_NAME.fullmatch(stem)
        episode = r.get("episode")
        item = Essay(
            kind=kind,
            slug=_slug(r, m.group(2) if m else stem),
            title=r.text("title", required=True) or stem,
            date=r.when("date", tz, required=True),
            episode=str(episode) if isinstance(episode, (str, int)) else None,
            **common,
        )
        if episode is not None and item.episode is None:
            r.error("episode", "'episode' must be an episode's slug or number")
        r.text("audience")  # who a newsletter sent it to (`only_paid`), for templates
        if m and item.date is not None:
            _misnamed(r, "date", m.group(1), written_day(r.get("date")), "")
    elif kind == "episode":
        m = _EPISODE_NAME.fullmatch(stem)
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
            chapters=_chapters(r),
            image=r.text("image"),
            guid=r.text("guid"),
            transcript_file=r.text("transcript"),
            social=_social(r),
            alternate_audio=_alternate_audio(r),
            funding=read_funding(r),
            **common,
        )
        _remote_transcripts(r)
        # (with seasons, files may be numbered through the show and episodes by season)
        if m and number is not None and item.season is None:
            _misnamed(r, "number", str(int(m.group(1))), str(number), "episode ")
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
    else:
        item = Page(
            kind=kind,
            slug=_slug(r, stem),
            title=r.text("title", required=True) or stem,
            menu=r.integer("menu"),
            date=r.when("date", tz),
            **common,
        )
    r.warn_unknown(KEYS[kind], _A_KIND[kind], "page.extra")
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


AUDIO_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/x-m4a",
    ".mp4": "video/mp4",
    ".m4v": "video/x-m4v",
    ".mov": "video/quicktime",
    ".pdf": "application/pdf",
}


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
    """Check `transcripts: [{url, type, language, rel}]`, the transcripts an imported episode
    has on its old host, which podcast.xml goes on announcing."""
    for t in r.mappings("transcripts"):
        url = t.url("url", required=True)
        if url and not is_remote(url):
            t.error(
                "url", f"'{t.name('url')}' must be an http(s) URL", "a local file is `transcript:`"
            )
        t.text("type", required=True)
        t.text("language")
        t.text("rel")


# podcast:socialInteract protocols (Podcasting 2.0's socialprotocols.txt)
SOCIAL_PROTOCOLS = ("activitypub", "atproto", "twitter", "lightning", "hive", "matrix", "nostr")


def _social(r: FieldReader) -> tuple[SocialPost, ...]:
    """`social:` the post where listeners discuss the episode: a URL (an ActivityPub post, as
    Mastodon's), or `{url, protocol, account, account_url}`; or a list of them."""
    value = r.get("social")
    if value is None:
        return ()
    many = isinstance(value, list)
    posts = []
    for i, entry in enumerate(value if many else [value]):
        key: tuple = ("social", i) if many else ("social",)
        if isinstance(entry, dict):
            s = r.within(*key)
            url = s.url("url", required=True, absolute=True)
            protocol = s.choice("protocol", SOCIAL_PROTOCOLS, "activitypub")
            if url:
                posts.append(
                    SocialPost(
                        url, protocol, s.text("account"), s.url("account_url", absolute=True)
                    )
                )
        elif isinstance(entry, str):
            url = (r.within("social") if many else r).url(key[-1], absolute=True)
            if url:
                posts.append(SocialPost(url))
        else:
            r.error("social", f"'social' item {i + 1} must be a post's URL or {{url, protocol}}")
    return tuple(posts)


def _alternate_audio(r: FieldReader) -> tuple[AlternateAudio, ...]:
    """`alternate_audio: [{url, type, length, bitrate, title}]`: other files of the episode."""
    found = []
    for a in r.mappings("alternate_audio"):
        url = a.url("url", required=True, absolute=True)
        kind = a.text("type", required=True)
        length = a.integer("length", required=True, minimum=1)
        bitrate = a.integer("bitrate", minimum=1)
        if url and kind and length:
            found.append(AlternateAudio(url, kind, length, bitrate, a.text("title")))
    return tuple(found)


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
