"""What every importer shares: reading a source (file or http(s) URL), parsing XML safely,
dates of feeds, front matter that round-trips through YAML, and the all-or-nothing writer."""

from __future__ import annotations

import os
import re
import shutil
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import yaml

from ..errors import UsageError
from ..load.frontmatter import decode, split

TIMEOUT = 30  # seconds for one download
USER_AGENT = "site-builder-import (+https://pypi.org/project/site-builder/)"

# Prefixes feeds use without always declaring them (a parser refuses an unbound prefix).
KNOWN_PREFIXES = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "atom": "http://www.w3.org/2005/Atom",
    "media": "http://search.yahoo.com/mrss/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "googleplay": "http://www.google.com/schemas/play-podcasts/1.0",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
}


@dataclass(slots=True)
class Outcome:
    """What one run did: the files it writes (site-relative path -> bytes) and what it says."""

    files: dict[str, bytes] = field(default_factory=dict)
    new: int = 0
    skipped: int = 0
    refused: list[str] = field(default_factory=list)  # "item 3 'Title': why"
    notes: list[str] = field(default_factory=list)  # warnings and what differs

    def summary(self, noun: str) -> str:
        return (
            f"{self.new} new {noun}{'s' * (self.new != 1)}, {self.skipped} skipped "
            f"(imported before), {len(self.refused)} refused"
        )


def read_source(source: str) -> bytes:
    """The bytes of a file path or of an http(s) URL; UsageError when there are none."""
    if re.match(r"https?://", source):
        request = urllib.request.Request(source, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return response.read()
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot download {source}: {exc}") from None
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", source)
    if scheme:
        raise UsageError(
            f"cannot read {source}: only http(s) addresses are fetched; for {scheme.group(1)}:"
            " save the file and give its path"
        )
    try:
        return Path(source).expanduser().read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {source}: {exc.strerror}") from None


def parse_xml(data: bytes, source: str) -> Element:
    """The root element, parsed without expanding entities or fetching anything (defusedxml);
    prefixes the feed uses but never declared (`itunes:` is often so) are declared first."""
    import defusedxml.ElementTree as SafeET  # only `import` pays for it

    data = _numeric_entities(_declare_prefixes(data))
    try:
        return SafeET.fromstring(data)
    except SafeET.ParseError as exc:
        raise UsageError(f"{source} is not a feed: its XML does not parse ({exc})") from None
    except (SafeET.EntitiesForbidden, SafeET.DTDForbidden, SafeET.ExternalReferenceForbidden):
        raise UsageError(
            f"{source} declares XML entities or a DTD, which a feed has no need of: refused"
        ) from None


_XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}


def _numeric_entities(data: bytes) -> bytes:
    """HTML's named entities (`&nbsp;`, `&rsquo;`), which feeds use and XML does not define,
    as the character references a parser reads."""
    from html.entities import name2codepoint

    def numeric(m: re.Match[bytes]) -> bytes:
        name = m.group(1)
        code = name2codepoint.get(name.decode())
        return m.group() if name in _XML_ENTITIES or code is None else b"&#%d;" % code

    return re.sub(rb"&([A-Za-z][A-Za-z0-9]{1,31});", numeric, data)


def _declare_prefixes(data: bytes) -> bytes:
    start = re.search(rb"<(rss|feed|rdf:RDF)\b[^>]*?(/?)>", data)
    if start is None:
        return data
    missing = [
        f' xmlns:{p}="{uri}"'.encode()
        for p, uri in KNOWN_PREFIXES.items()
        if re.search(rb"<" + p.encode() + rb":", data)
        and not re.search(rb"xmlns:" + p.encode() + rb"\s*=", data)
    ]
    if not missing:
        return data
    cut = start.end() - 1 - len(start.group(2))
    return data[:cut] + b"".join(missing) + data[cut:]


def feed_date(text: str | None) -> datetime:
    """An RFC 822 date (`Tue, 05 Mar 2024 06:00:00 EST`, `… GMT`, `… -0500`) or an ISO 8601
    one (Atom), with its offset kept; ValueError for a date that cannot be read or has no zone."""
    value = (text or "").strip()
    if not value:
        raise ValueError("no date")
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            raise ValueError(f"unreadable date '{value}'") from None
        if when.tzinfo is None and value.endswith("-0000"):  # RFC 2822: UTC, source unknown
            return when.replace(tzinfo=UTC)
    if when.tzinfo is None:
        raise ValueError(f"date '{value}' has no time zone that can be read")
    return when


def iso(when: datetime) -> str:
    """A date for front matter, with the offset it was written with."""
    return when.isoformat(timespec="seconds")


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # a value met twice is written twice, never as `&id001` and `*id001`


def dump_yaml(data: Mapping[str, Any]) -> str:
    """YAML an author can read and PyYAML reads back the same: keys in the order given,
    collections of plain values on one line."""
    return yaml.dump(
        dict(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=None,
    )


def front_matter(data: Mapping[str, Any], body: str) -> bytes:
    """A content file: YAML front matter (so any value round-trips) and its body."""
    return f"---\n{dump_yaml(data)}---\n\n{body.strip()}\n".encode()


def front_matters(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The front matter of every Markdown file in `folder` that has one that reads."""
    found = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        try:
            source = split(decode(path.read_bytes(), path.name), path.name)
        except Exception:
            continue
        if isinstance(source.data, dict):
            found.append((path, source.data))
    return found


def existing_values(folder: Path, key: str) -> dict[str, Path]:
    """Each value of `key` in the front matter of the Markdown files in `folder` (an episode's
    guid, an essay's old paths), and its file: to know what a run imported before."""
    found: dict[str, Path] = {}
    for path, data in front_matters(folder):
        value = data.get(key)
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, (str, int)) and not isinstance(one, bool):
                found.setdefault(str(one).strip(), path)
    return found


def free_name(folder: Path, stem: str, taken: set[str]) -> str:
    """`stem.md`, or `stem-2.md`, … : a name no file in `folder` has and no other of this run."""
    n, name = 1, f"{stem}.md"
    while name.casefold() in taken or (folder / name).exists():
        n += 1
        name = f"{stem}-{n}.md"
    taken.add(name.casefold())
    return name


def unique_slug(slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-2`, … : one that is not in `taken` (and is now)."""
    n, found = 1, slug
    while found in taken:
        n += 1
        found = f"{slug}-{n}"
    taken.add(found)
    return found


_TMP = ".site-builder-import-"


def write_all(root: Path, files: Mapping[str, bytes]) -> None:
    """Write every file (site-relative path -> bytes), or none: each is written into a folder
    beside content/ first, then all are moved into place; a failure moves back what was moved
    (a file that was replaced, site.yaml, gets its old bytes back) and removes the folder."""
    tmp = root / f"{_TMP}{os.getpid()}"
    tmp.mkdir()
    placed: list[tuple[Path, Path | None]] = []  # target, and where its old file waits
    made: list[Path] = []  # folders made for the new files, deepest last
    try:
        order = sorted(files)
        for i, rel in enumerate(order):
            (tmp / f"{i}.new").write_bytes(files[rel])
        for i, rel in enumerate(order):
            target = root / rel
            for parent in reversed(target.relative_to(root).parents[:-1]):
                if not (root / parent).is_dir():
                    (root / parent).mkdir()
                    made.append(root / parent)
            backup = None
            if target.exists():
                backup = tmp / f"{i}.old"
                os.replace(target, backup)
            placed.append((target, backup))
            os.replace(tmp / f"{i}.new", target)
    except BaseException:
        for target, backup in reversed(placed):
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        for folder in reversed(made):
            folder.rmdir()
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
