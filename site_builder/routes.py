"""The output paths the generator makes for itself, and the URLs of tag pages.

One list of generated paths serves both the check that no content item takes one and the build's
list of what a root-relative link may point at, so the two cannot drift apart. Paths here are
as written to disk, below the output folder; `quote` one to use it in a URL.
"""

from __future__ import annotations

import re

from .model import Episode
from .slugs import fold, slugify

PODCAST_FEED = "podcast.xml"  # written only when site.yaml has `podcast:`

# Every file the generator writes at a fixed place, whatever the content.
GENERATED_FILES = (
    "index.html",
    "essays/index.html",
    "episodes/index.html",
    "glossary/index.html",
    "tags/index.html",
    "search/index.html",
    "404.html",
    "glossary.json",
    "feed.xml",
    "feed.json",
    PODCAST_FEED,
    "sitemap.xml",
    "robots.txt",
    "favicon.ico",  # the icons (images/icons.py)
    "icon.png",
    "apple-touch-icon.png",
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
    for path in GENERATED_FILES:
        if fold(path) == own.removesuffix("/") or fold(path).startswith(own):
            return path
    return next((f for f in GENERATED_FOLDERS if own.startswith(f)), None)


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


def tag_slug(tag: str) -> str:
    """A tag's URL segment: `War & Peace` -> `war-peace`, `Café` -> `cafe`, `война` -> `война`,
    `C++` -> `c-plus-plus`, `C#` -> `c-sharp`. Tags that differ only in case share one."""
    for symbol, word in _SPELLED_OUT:
        tag = symbol.sub(word, tag)
    return slugify(tag, "tag", any_script=True)


def tag_folder(slug: str) -> str:
    """The folder of a tag's page and feed, from its slug: `tags/war-peace/`."""
    return f"tags/{slug}/"
