"""The output paths the generator makes for itself, and the URLs of tag pages.

One list of generated paths serves both the check that no content item takes one and the build's
list of what a root-relative link may point at, so the two cannot drift apart. Paths here are
as written to disk, below the output folder; `quote` one to use it in a URL.
"""

from __future__ import annotations

import functools
import re

from .model import Episode, Series
from .slugs import fold, slugify

PODCAST_FEED = "podcast.xml"  # written only when site.yaml has `podcast:`

# The site's icons (images/icons.py), made unless content/static/ has them.
ICONS = ("favicon.ico", "icon.png", "apple-touch-icon.png")
# Every file the generator writes at a fixed place, whatever the content.
GENERATED_FILES = (
    "index.html",
    "essays/index.html",
    "episodes/index.html",
    "glossary/index.html",
    "people/index.html",  # made when the site has people
    "series/index.html",  # made when the site has a series
    "tags/index.html",
    "search/index.html",
    "404.html",
    "glossary.json",
    "feed.xml",
    "feed.json",
    PODCAST_FEED,
    "sitemap.xml",
    "robots.txt",
    *ICONS,
)
# Folders whose whole content the generator writes: tag pages, media copied as they are, the
# theme's assets and Pagefind's index.
GENERATED_FOLDERS = ("tags/", "media/", "assets/", "search/", "pagefind/")


def fixed_paths(podcast: bool) -> frozenset[str]:
    """The generated pages and files a root-relative link may name (a page as its folder)."""
    return frozenset(
        path.removesuffix("index.html")
        for path in GENERATED_FILES
        if podcast or path != PODCAST_FEED
    )


def generated_clash(folder: str) -> str | None:
    """The generated path that an item written into `folder` (`essays/slug/`) would collide
    with: a generated file of the folder's name, a generated file inside it, or a generated
    folder it is in. Compared case-folded, as a case-insensitive disk would."""
    own = fold(folder)
    for path, folded in _folded_generated():
        if folded == own.removesuffix("/") or folded.startswith(own):
            return path
    return next((f for f in GENERATED_FOLDERS if own.startswith(f)), None)


@functools.cache
def _folded_generated() -> tuple[tuple[str, str], ...]:
    """Each generated file with its case-folded path: folded once, not once for each item."""
    return tuple((path, fold(path)) for path in GENERATED_FILES)


def is_remote(url: str) -> bool:
    """Whether an image or audio URL is kept elsewhere (an imported show's artwork on its old
    host) rather than in content/media."""
    return url.startswith(("https://", "http://"))


def episode_files(episode: Episode) -> dict[str, str]:
    """Output paths of the files the feed points at for an episode: chapters and transcript."""
    base = episode.url_path
    files = {}
    if episode.chapters:
        files["chapters"] = f"{base}chapters.json"
    if episode.transcript:
        files["transcript"] = f"{base}transcript.{episode.transcript.kind}"
    return files


# What makes `C++` and `C#` more than `C`; a `#` that starts a tag is a hashtag's.
_SPELLED_OUT = ((re.compile(r"\+"), " plus "), (re.compile(r"(?<=[^\W_])#"), " sharp "))


@functools.lru_cache(maxsize=4096)  # pure, and asked for each tag of each item, often
def tag_slug(tag: str) -> str:
    """A tag's URL segment: `War & Peace` -> `war-peace`, `Café` -> `cafe`, `война` -> `война`,
    `C++` -> `c-plus-plus`, `C#` -> `c-sharp`. Tags that differ only in case share one."""
    for symbol, word in _SPELLED_OUT:
        tag = symbol.sub(word, tag)
    return slugify(tag, "tag", any_script=True)


def series_feed(series: Series) -> str:
    """The Atom feed of a series' parts, beside its page: `series/ending-the-war/feed.xml`."""
    return f"{series.url_path}feed.xml"


def tag_folder(slug: str) -> str:
    """The folder of a tag's page and feed, from its slug: `tags/war-peace/`."""
    return f"tags/{slug}/"


# Old URLs (`aliases:` of an item, `redirects:` in site.yaml) and the files kept as they are.
REDIRECTS_FILE = "_redirects"  # server redirects, read at the site root by Netlify and Cloudflare
STATIC_DIR = "static"  # content/static/ is copied to the site root as it is
_PAGE_SUFFIXES = ("", ".html", ".htm")  # old paths a redirect page can stand in for


def old_path_problem(path: str) -> str | None:
    """Why `path` cannot be an old URL path of the site (`/p/slug/`), or None when it can."""
    if not path.startswith("/") or path.startswith("//"):
        return "an old URL path starts with one '/' (it is below the site's base URL)"
    if path == "/":
        return "the site's home page cannot be an old path"
    if any(c in path for c in "?#\\") or any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return "an old URL path has no query, fragment, backslash or control character"
    segments = path.strip("/").split("/")
    if any(s in ("", ".", "..") for s in segments):
        return "an old URL path has no empty, '.' or '..' segment"
    return None


def old_path_file(path: str) -> str | None:
    """The redirect page written for an old path, below the output folder: `/p/slug/` and
    `/p/slug` -> `p/slug/index.html`, `/old.html` -> `old.html`. None for a path a page cannot
    stand in for (`/feed.php`): only the server redirect in `_redirects` serves it."""
    rel = path.strip("/")
    suffix = "." + rel.rsplit(".", 1)[1] if "." in rel.rsplit("/", 1)[-1] else ""
    if path.endswith("/") or not suffix:
        return f"{rel}/index.html"
    return rel if suffix.lower() in _PAGE_SUFFIXES else None


def reserved_file(rel: str, podcast: bool) -> str | None:
    """The generated file or folder that an output file `rel` of the author's (a redirect page,
    a file of content/static) would overwrite, compared case-folded; None when it is free. The
    icons are the author's to give: the build makes only those content/static does not have."""
    own = fold(rel)
    for path in GENERATED_FILES:
        if fold(path) == own and (podcast or path != PODCAST_FEED) and path not in ICONS:
            return path
    return next((f for f in GENERATED_FOLDERS if own.startswith(f)), None)
