"""`site-builder init DIR`: a new site that builds at once and passes `check`.

`site_files` is pure (answers in, files out); the command line asks for what the flags did not
give and writes the files, never over one that is there.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from datetime import date

from .scaffold import IGNORED, quote

DEFAULT_TITLE = "My Companion Site"
DEFAULT_BASE_URL = "https://example.org/"
COVER = "content/media/cover.png"
WORKFLOW = ".github/workflows/site.yml"
CI_CHOICES = ("github",)


@dataclass(frozen=True, slots=True)
class Answers:
    title: str = DEFAULT_TITLE
    base_url: str = DEFAULT_BASE_URL
    author: str | None = None
    email: str | None = None
    podcast: bool = False
    ci: str | None = None


def site_files(answers: Answers, today: date) -> dict[str, bytes]:
    """Every file of the new site, by path below its folder."""
    files = {
        "site.yaml": _site_yaml(answers).encode(),
        f"content/essays/{today.isoformat()}-welcome.md": _essay(today).encode(),
        "content/glossary/autolinking.md": _CONCEPT.encode(),
        "content/pages/about.md": _about(answers).encode(),
        ".gitignore": "".join(f"{entry}\n" for entry in IGNORED).encode(),
    }
    if answers.podcast:
        files[COVER] = cover_png()
    if answers.ci == "github":
        files[WORKFLOW] = _GITHUB_WORKFLOW.encode()
    return files


def _site_yaml(a: Answers) -> str:
    author = ""
    if a.author:
        email = f", email: {quote(a.email)}" if a.email else ""
        author = f"author: {{name: {quote(a.author)}{email}}}\n"
    text = f"""\
# The site's settings: the README's "site.yaml" section lists every key.
title: {quote(a.title)}
description: ""
# Where the site is published: every link, feed and sitemap entry is made from it.
base_url: {a.base_url}
language: en
# Dates without a time zone are read in this one (an IANA name: Europe/London, America/Chicago).
timezone: UTC
{author}glossary:
  # first: a concept's first mention on each page becomes a link; all: every mention; off
  autolink: first
# Full-text search with Pagefind (set false to build faster while you start).
search: true
# Old addresses of moved pages: `redirects: {{/old/path/: /essays/new/}}` (see "Old URLs").
"""
    if a.podcast:
        owner = (
            f"  owner: {{name: {quote(a.author)}, email: {quote(a.email)}}}\n"
            if a.author and a.email
            else "  # owner: {name: …, email: …}  (Spotify checks ownership by this address)\n"
        )
        text += f"""\
# The podcast feed, /podcast.xml. `site-builder import podcast FEED` fills this in from the
# feed of a show you host elsewhere; what is written here is kept.
podcast:
  title: {quote(a.title)}
  description: {quote(f"The podcast of {a.title}.")}
  # Square JPEG or PNG of 1400 to 3000 pixels, in content/media/ (replace this one).
  image: media/cover.png
  # An Apple Podcasts category, and optionally one of its subcategories.
  category: [Society & Culture]
  explicit: false
{owner}  type: episodic
"""
    return text


def _essay(today: date) -> str:
    return f"""\
---
title: Welcome
date: {today.isoformat()}
summary: What this site is, and how its glossary links itself.
tags: [meta]
---

This is the first essay of the site. Write the next with `site-builder new essay "Title"`.

Every term of the glossary links itself: the first mention of autolinking on a page becomes
a link to its entry, with nothing to write. A link by hand is written [[autolinking|like this]].
"""


_CONCEPT = """\
---
term: Autolinking
definition: Turning the first mention of a glossary term on a page into a link to its entry.
aliases: [autolinked]
---

Each file in content/glossary/ is a concept. Its term, its aliases and their plurals are found
in every essay, episode and page, and linked.
"""


def _about(a: Answers) -> str:
    who = f" by {a.author}" if a.author else ""
    return f"---\ntitle: About\nmenu: 1\n---\n\n{a.title} is a companion site{who}.\n"


_GITHUB_WORKFLOW = """\
# Builds the site with site-builder and publishes it to GitHub Pages on every push to main.
# In the repository's Settings > Pages, set "Source" to "GitHub Actions".
name: Publish the site
on:
  push:
    branches: [main]
  workflow_dispatch:
permissions:
  contents: read
  pages: write
  id-token: write
concurrency:
  group: pages
  cancel-in-progress: false
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install site-builder
      - run: site-builder build
      - uses: actions/upload-pages-artifact@v3
        with:
          path: output
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def cover_png(size: int = 1400) -> bytes:
    """A plain square RGB PNG that Apple's artwork rules accept: a cover to replace."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes((36, 62, 92)) * size  # filter byte, then the pixels of one row
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size, 9))
        + chunk(b"IEND", b"")
    )
