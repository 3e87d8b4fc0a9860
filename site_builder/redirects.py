"""Pure: old URLs that keep working, and the files of content/static/ that take no one's place.

An old path comes from an item's `aliases:` (entries that start with `/`; a concept's other
aliases are names of the concept) or from `redirects:` in site.yaml. Each becomes a small page
that sends the reader on (meta refresh, canonical link, `noindex`, a visible link) and a line
of `_redirects`, which hosts that do server redirects read instead. Neither is a page of the
site: both stay out of the sitemap and the search index.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from .config import SiteConfig
from .errors import Diagnostic, did_you_mean
from .model import Episode, Item
from .routes import (
    REDIRECTS_FILE,
    STATIC_DIR,
    episode_files,
    old_path_file,
    old_path_problem,
    reserved_file,
)
from .slugs import fold


@dataclass(frozen=True, slots=True)
class Redirect:
    old: str  # the old path, decoded: `/p/slug/`
    target: str  # a URL path with the base path (`/essays/slug/`), or an absolute URL
    title: str  # the name of where the reader is sent
    path: str  # the file that asks for it, and its line
    line: int | None


def plan_redirects(
    config: SiteConfig, items: Iterable[Item], known: frozenset[str], static: Iterable[str]
) -> tuple[list[Redirect], list[Diagnostic]]:
    """Every old path of the published `items` and of site.yaml's `redirects:`, and the
    problems: a malformed path, one that collides with a page, a reserved path or another old
    path, a redirect to a path the site does not have, and a file of content/static/ that the
    build also makes. `known` are the paths a root-relative link may name."""
    items = list(items)
    problems: list[Diagnostic] = []
    redirects = _item_redirects(config, items, problems)
    redirects += _config_redirects(config, items, known, problems)
    taken = _site_files(items)
    kept: list[Redirect] = []
    for r in redirects:
        clash = _clash(old_path_file(r.old) or r.old.strip("/"), config, taken)
        if clash is None:
            taken[fold(old_path_file(r.old) or "\0" + r.old)] = f"the old path in {_at(r)}"
            kept.append(r)
            continue
        problems.append(
            Diagnostic(
                r.path,
                r.line,
                f"old path {r.old} collides with {clash}",
                hint="an old path must be one no page of the site has: remove or change it",
                code="collision",
            )
        )
    if kept:
        taken[fold(REDIRECTS_FILE)] = "the server redirects made from the old paths"
    for rel in static:
        clash = _clash(rel, config, taken)
        if clash is not None:
            problems.append(
                Diagnostic(
                    f"content/{STATIC_DIR}/{rel}",
                    None,
                    f"the build also makes /{rel}: {clash}",
                    hint=f"rename or delete content/{STATIC_DIR}/{rel}",
                    code="collision",
                )
            )
    return kept, problems


def redirect_files(config: SiteConfig, redirects: list[Redirect]) -> dict[str, bytes]:
    """The redirect pages, and `_redirects` (`old new 301` lines, sorted) when there are any."""
    if not redirects:
        return {}
    origin = config.base_url.removesuffix(config.base_path)
    files: dict[str, bytes] = {}
    lines = []
    for r in sorted(redirects, key=lambda r: r.old):
        absolute = r.target if "://" in r.target else origin + r.target
        page = old_path_file(r.old)
        if page is not None:
            files[page] = _page(config.language, absolute, r.title).encode()
        lines.append(f"{config.base_path}{quote(r.old.lstrip('/'))} {r.target} 301\n")
    files[REDIRECTS_FILE] = "".join(lines).encode()
    return files


_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>Moved: {title}</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{url}">
<meta http-equiv="refresh" content="0; url={url}">
</head>
<body>
<p>This page has moved to <a href="{url}">{title}</a>.</p>
</body>
</html>
"""


def _page(language: str, url: str, title: str) -> str:
    return _PAGE.format(lang=html.escape(language), url=html.escape(url), title=html.escape(title))


def _item_redirects(
    config: SiteConfig, items: list[Item], problems: list[Diagnostic]
) -> list[Redirect]:
    """The old paths in `aliases:`: every entry of an essay's, episode's or page's, the entries
    of a concept's or a person's that start with `/` (their others are names)."""
    found = []
    for item in items:
        value = item.meta.get("aliases")
        entries = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        for i, entry in enumerate(entries):
            line = (
                item.line_of("aliases", i) if isinstance(value, list) else item.line_of("aliases")
            )
            is_path = isinstance(entry, str) and entry.strip().startswith("/")
            if item.kind in ("concept", "person") and not is_path:
                continue  # another name of the concept or person (read with it)
            problem = old_path_problem(entry.strip()) if isinstance(entry, str) else None
            if not is_path or problem:
                problems.append(
                    Diagnostic(
                        item.path,
                        line,
                        f"alias {entry!r}: {problem or 'an alias is an old URL path'}",
                        hint="write the path the page had before, e.g. `aliases: [/p/my-post/]`",
                        code="alias",
                    )
                )
                continue
            target = config.base_path + quote(item.url_path)
            found.append(Redirect(unquote(entry.strip()), target, item.title, item.path, line))
    return found


def _config_redirects(
    config: SiteConfig, items: list[Item], known: frozenset[str], problems: list[Diagnostic]
) -> list[Redirect]:
    """`redirects: {/old/: /new/}` of site.yaml: each to a path of the site or an http(s) URL."""
    value = config.redirects
    if value is None:
        return []
    if not isinstance(value, dict):
        problems.append(
            Diagnostic(
                "site.yaml",
                config.line_of("redirects"),
                "'redirects' must be a mapping of old paths to new ones",
                hint="write `redirects: {/old/: /new/}`",
                code="config",
            )
        )
        return []
    titles = {fold(i.url_path): i.title for i in items}
    found = []
    for old, new in value.items():
        line = config.line_of("redirects", old)

        def problem(message: str, hint: str | None = None, line: int | None = line) -> None:
            problems.append(Diagnostic("site.yaml", line, message, hint=hint, code="redirect"))

        wrong = old_path_problem(old) if isinstance(old, str) else "it is not text"
        if wrong:
            problem(f"redirects: {old!r}: {wrong}", "write the path the page had, e.g. /p/post/")
            continue
        if not isinstance(new, str) or not new.strip():
            problem(f"redirects: {old} leads nowhere", "write the new path, e.g. /essays/post/")
            continue
        new = new.strip()
        if urlsplit(new).scheme in ("http", "https"):
            found.append(Redirect(unquote(old), new, new, "site.yaml", line))
            continue
        path, _, fragment = unquote(new).partition("#")
        rel = path.lstrip("/")
        if rel and not rel.endswith("/") and f"{rel}/" in known:
            rel += "/"
        if not new.startswith("/") or rel not in known:
            problem(
                f"redirects: {old} leads to {new}, which the site does not have",
                did_you_mean(rel, known) or "write a path of the site, e.g. /essays/post/",
            )
            continue
        target = config.base_path + quote(rel) + (f"#{quote(fragment)}" if fragment else "")
        found.append(Redirect(unquote(old), target, titles.get(fold(rel), new), "site.yaml", line))
    return found


def _site_files(items: list[Item]) -> dict[str, str]:
    """The output files the items make (case-folded), each with what makes it."""
    files = {}
    for item in items:
        files[fold(f"{item.url_path}index.html")] = f"the page of {item.path}"
        if isinstance(item, Episode):
            files.update((fold(f), f"a file of {item.path}") for f in episode_files(item).values())
    return files


def _clash(rel: str, config: SiteConfig, taken: dict[str, str]) -> str | None:
    reserved = reserved_file(rel, podcast=config.podcast is not None)
    if reserved is not None:
        return f"/{reserved}, which the site makes itself"
    return taken.get(fold(rel))


def _at(r: Redirect) -> str:
    return f"{r.path}:{r.line}" if r.line else r.path
