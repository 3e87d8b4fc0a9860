"""`import substack EXPORT` and `import feed FEED`: each post an essay, its old path an alias.

Both readers turn their source into `Post`s; `import_posts` does the rest the same way:
the essay's file and slug, links between the posts as `[[wikilinks]]`, the images kept
elsewhere (fetched into content/media/ with `--download-media`), and the re-run rule (a
post whose old path an essay already has as an alias was imported before).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from ..errors import UsageError
from ..link.withheld import file_slug
from ..slugs import slugify
from .common import (
    KNOWN_PREFIXES,
    Outcome,
    existing_values,
    feed_date,
    free_name,
    front_matter,
    iso,
    parse_xml,
    read_source,
    unique_slug,
)
from .markup import html_to_markdown

ESSAYS = "content/essays"
MEDIA = "content/media"
ATOM = "{http://www.w3.org/2005/Atom}"
_PAID = ("only_paid", "founding", "paid")


@dataclass(slots=True)
class Post:
    label: str  # "post 3 'Title'": where it was in the source
    title: str
    date: datetime
    html: str
    old_path: str  # `/p/slug/`: becomes the essay's alias
    slug: str
    summary: str | None = None
    draft: bool = False
    audience: str | None = None
    tags: tuple[str, ...] = ()


def import_posts(
    posts: list[Post],
    refused: list[str],
    hosts: frozenset[str] | None,
    root: Path,
    download: bool = False,
) -> Outcome:
    """The essays of the posts not imported before, and the report. A link is to another
    post when its path is that post's old path, on one of `hosts` (any host when None: a
    Substack export does not say its domain, but its paths are `/p/<slug>/`)."""
    out = Outcome(refused=list(refused))
    section = root / ESSAYS
    imported = existing_values(section, "aliases")
    slugs = {file_slug(p.name) for p in section.glob("*.md")} if section.is_dir() else set()
    fresh: list[Post] = []
    seen: dict[str, str] = {}
    for post in posts:
        if post.old_path in seen:
            out.refused.append(
                f"{post.label}: its address is also {seen[post.old_path]}'s: not imported"
            )
        elif post.old_path in imported:
            out.skipped += 1
        else:
            seen[post.old_path] = post.label
            post.slug = unique_slug(post.slug, slugs)
            fresh.append(post)
    links = {a: file_slug(f.name) for a, f in imported.items() if a.startswith("/")}
    links.update((p.old_path, p.slug) for p in fresh if not p.draft)
    names: set[str] = set()
    remote: list[str] = []
    for post in fresh:
        body, images = html_to_markdown(post.html, lambda href: _wikilink(href, links, hosts))
        if download:
            body = _download(body, images, post.slug, out)
        else:
            remote += images
        name = free_name(section, f"{post.date.date().isoformat()}-{post.slug}", names)
        out.files[f"{ESSAYS}/{name}"] = front_matter(_meta(post), body)
        out.new += 1
    if remote:
        out.notes.append(
            f"{len(remote)} image{' is' if len(remote) == 1 else 's are'} kept elsewhere "
            "(--download-media copies them into content/media/):\n  " + "\n  ".join(remote)
        )
    return out


def _meta(post: Post) -> dict[str, object]:
    meta: dict[str, object] = {"title": post.title, "date": iso(post.date)}
    if post.summary:
        meta["summary"] = post.summary
    if post.tags:
        meta["tags"] = list(post.tags)
    meta["aliases"] = [post.old_path]
    if post.audience:
        meta["audience"] = post.audience
    if post.draft:
        meta["draft"] = True
    return meta


def _wikilink(href: str, links: dict[str, str], hosts: frozenset[str] | None) -> str | None:
    """The essay a link to another post of the publication names, as a wikilink target: with
    its host, or without (`/2023/second/`, as a WordPress body writes them)."""
    parts = urlsplit(href)
    here = not parts.scheme and not parts.netloc and parts.path.startswith("/")
    if not here and (
        parts.scheme not in ("http", "https") or (hosts is not None and parts.netloc not in hosts)
    ):
        return None
    slug = links.get(old_path(parts.path))
    return f"essays/{slug}" if slug else None


def old_path(path: str) -> str:
    """A post's address as an alias: decoded, ending in `/` unless it names an .html file."""
    path = unquote(path)
    return path if re.search(r"\.html?$", path) else path.rstrip("/") + "/"


def _last_segment(path: str) -> str:
    return unquote(path.rstrip("/").rsplit("/", 1)[-1]).removesuffix(".html")


def _download(body: str, images: list[str], slug: str, out: Outcome) -> str:
    """Fetch each image into content/media/<slug>/ and point the body at the copy; an image
    that cannot be fetched (offline) stays where it is, with a note."""
    names: set[str] = set()
    for url in dict.fromkeys(images):
        if not url.startswith(("http://", "https://")):
            continue
        try:
            data = read_source(url)
        except UsageError as exc:
            out.notes.append(f"{exc}: the link to it is left as it is")
            continue
        name = _media_name(url, names)
        out.files[f"{MEDIA}/{slug}/{name}"] = data
        body = body.replace(f"]({url})", f"](/media/{slug}/{name})")
    return body


def _media_name(url: str, taken: set[str]) -> str:
    last = PurePosixPath(unquote(urlsplit(url).path)).name or "image"
    stem, dot, suffix = unquote(last).rpartition("/")[2].rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,5}", suffix):
        stem, suffix = stem + dot + suffix, "img"
    name = f"{slugify(stem, 'image')}.{suffix.lower()}"
    n = 1
    while name in taken:
        n += 1
        name = f"{slugify(stem, 'image')}-{n}.{suffix.lower()}"
    taken.add(name)
    return name


# Substack's "Export your data": posts.csv and posts/<post_id>.<slug>.html, zipped or not.


def read_substack(source: str) -> tuple[list[Post], list[str], None]:
    """The posts of a Substack export (a zip or its unpacked folder), the refused ones, and
    its hosts (not known: None)."""
    files = _export_files(source)
    table = files.get("posts.csv")
    if table is None:
        raise UsageError(f"{source} is not a Substack export: it has no posts.csv")
    rows = list(csv.DictReader(io.StringIO(table.decode("utf-8-sig"))))
    needed = {"post_id", "post_date", "is_published", "title"}
    if rows and not needed <= set(rows[0]):
        missing = ", ".join(sorted(needed - set(rows[0])))
        raise UsageError(f"{source}: posts.csv has no column {missing}: not a Substack export")
    bodies = {name.removeprefix("posts/"): data for name, data in files.items()}
    posts, refused = [], []
    for position, row in enumerate(rows, 1):
        title = unescape((row.get("title") or "").strip())
        label = f"post {position} {title!r}" if title else f"post {position}"
        post_id = (row.get("post_id") or "").strip()
        name = next(
            (n for n in sorted(bodies) if n.startswith(f"{post_id}.") and n.endswith(".html")),
            None,
        )
        draft = (row.get("is_published") or "").strip().lower() != "true"
        try:
            when = feed_date(row.get("post_date"))
        except ValueError as exc:
            if not draft:
                refused.append(f"{label}: {exc}: not imported")
                continue
            when = datetime.now().astimezone()  # a draft never sent: dated today
        if not title or name is None:
            why = "no title" if not title else f"its body, posts/{post_id}….html, is not there"
            refused.append(f"{label}: {why}: not imported")
            continue
        slug = name.removesuffix(".html").removeprefix(f"{post_id}.").split(".", 1)[-1]
        audience = (row.get("audience") or "").strip()
        posts.append(
            Post(
                label,
                title,
                when,
                bodies[name].decode("utf-8", "replace"),
                f"/p/{slug}/",
                slugify(slug, "essay"),
                summary=(row.get("subtitle") or "").strip() or None,
                draft=draft,
                audience=audience if audience in _PAID else None,
            )
        )
    return posts, refused, None


def _export_files(source: str) -> dict[str, bytes]:
    """posts.csv and the posts/ bodies of an export, by their path in it."""
    path = Path(source).expanduser()
    if path.is_dir():
        return {
            p.relative_to(path).as_posix(): p.read_bytes()
            for p in [path / "posts.csv", *sorted((path / "posts").glob("*.html"))]
            if p.is_file()
        }
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            top = _common_folder(names)
            return {
                n.removeprefix(top): archive.read(n)
                for n in names
                if n.removeprefix(top) == "posts.csv"
                or re.fullmatch(r"posts/[^/]+\.html", n.removeprefix(top))
            }
    except (OSError, zipfile.BadZipFile) as exc:
        raise UsageError(f"{source} is not a Substack export (a zip or a folder): {exc}") from None


def _common_folder(names: list[str]) -> str:
    """`export-2024/` when every file of the zip is in that one folder, else ''."""
    tops = {n.split("/", 1)[0] + "/" for n in names if "/" in n}
    if len(tops) == 1 and all(n.startswith(next(iter(tops))) for n in names):
        top = next(iter(tops))
        return top if any(n == f"{top}posts.csv" for n in names) else ""
    return ""


# Any RSS or Atom feed of posts: WordPress, Ghost, Medium, a newsletter's.


def read_feed_posts(data: bytes, source: str) -> tuple[list[Post], list[str], frozenset[str]]:
    """The posts of an RSS or Atom feed, the refused ones, and the hosts of their links."""
    root = parse_xml(data, source)
    if root.tag == f"{ATOM}feed":
        entries = [_atom_entry(e) for e in root.findall(f"{ATOM}entry")]
    elif root.tag == "rss" and root.find("channel") is not None:
        entries = [_rss_item(i) for i in root.find("channel").findall("item")]
    else:
        tag = root.tag.rsplit("}", 1)[-1]
        raise UsageError(f"{source} is not an RSS or Atom feed: its root is <{tag}>")
    posts, refused = [], []
    for position, (title, link, date, html, tags) in enumerate(entries, 1):
        label = f"item {position} {title!r}" if title else f"item {position}"
        parts = urlsplit(link)
        path = parts.path if link else ""
        why = None if title else "no title"
        if not why and not path.strip("/"):
            why = (
                f"its address {link} names it by a query, which a static site cannot answer at"
                " its old address (WordPress: set Permalinks to 'Post name' and export again)"
                if parts.query
                else "no link (the post's old address)"
            )
        try:
            when = feed_date(date)
        except ValueError as exc:
            why = why or str(exc)
        if why:
            refused.append(f"{label}: {why}: not imported")
            continue
        slug = slugify(_last_segment(path), "essay")
        posts.append(Post(label, title, when, html, old_path(path), slug, tags=tags))
    hosts = frozenset(urlsplit(link).netloc for _, link, _, _, _ in entries if link)
    return posts, refused, hosts


def _rss_item(item: Element) -> tuple[str, str, str, str, tuple[str, ...]]:
    ns = KNOWN_PREFIXES

    def text(tag: str) -> str:
        return (item.findtext(tag, "", ns) or "").strip()

    tags = tuple(dict.fromkeys(c.text.strip() for c in item.findall("category") if c.text))
    html = text("content:encoded") or text("description")
    return unescape(text("title")), text("link"), text("pubDate") or text("dc:date"), html, tags


def _atom_entry(entry: Element) -> tuple[str, str, str, str, tuple[str, ...]]:
    def text(tag: str) -> str:
        return (entry.findtext(f"{ATOM}{tag}") or "").strip()

    links = entry.findall(f"{ATOM}link")
    link = next((a.get("href", "") for a in links if a.get("rel", "alternate") == "alternate"), "")
    content = entry.find(f"{ATOM}content")
    if content is None:
        content = entry.find(f"{ATOM}summary")
    html = ""
    if content is not None:
        html = content.text or ""
        if content.get("type") == "xhtml":
            from xml.etree.ElementTree import tostring

            for el in content.iter():  # XHTML's namespace off, so the tags read as HTML
                el.tag = el.tag.rsplit("}", 1)[-1]
            html = "".join(tostring(child, encoding="unicode") for child in content)
        elif content.get("type", "text") == "text":
            html = f"<p>{html}</p>" if html.strip() else ""
    tags = tuple(c.get("term", "") for c in entry.findall(f"{ATOM}category") if c.get("term"))
    return unescape(text("title")), link, text("published") or text("updated"), html, tags
