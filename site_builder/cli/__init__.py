"""Command line: the only place that prints results and chooses exit codes. Here, what each
command takes; what it does, in commands.py.

Exit status: 0 ok, 1 content errors (each printed as `path:line: error: message [code]` with a
hint), 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..errors import ContentError, InterruptedAfterWriting, UsageError, tally
from ..model import KINDS
from ..pool import default_jobs, sigterm_raises
from .commands import (
    report,
    run_build,
    run_check,
    run_import,
    run_init,
    run_new,
    run_serve,
    run_suggest,
    shown,
)


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # output is UTF-8 whatever the locale says
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    root = Path(args.root).expanduser().absolute()
    try:
        with sigterm_raises():
            return args.run(args, root)
    except ContentError as exc:
        report(exc.diagnostics, root)
        print(f"{tally(exc.diagnostics)}; nothing was written.", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"site-builder: error: {exc}", file=sys.stderr)
        return 2
    except InterruptedAfterWriting as exc:
        print(f"interrupted; {shown(exc.output)} holds the new build.", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("interrupted; nothing was written.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `site-builder check --links | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Build a glossary-driven companion site for a podcast and its essays.",
    )
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root",
        default=".",
        metavar="PATH",
        help="the site folder (holding site.yaml); default: current folder",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = sub.add_parser("build", parents=[common], help="build the site into output/")
    build.add_argument("--output", metavar="DIR", help="where to write (default: ROOT/output)")
    build.add_argument(
        "--drafts", action="store_true", help="include drafts and future-dated items"
    )
    build.add_argument("--base-url", metavar="URL", help="override base_url from site.yaml")
    build.add_argument(
        "--force",
        action="store_true",
        help="replace an output folder that site-builder did not make",
    )
    build.add_argument(
        "--jobs",
        type=int,
        default=default_jobs(),
        metavar="N",
        help="processes to parse and render with (default: one per CPU); the output is the same",
    )
    build.add_argument("--quiet", action="store_true", help="print only problems")
    build.add_argument(
        "--no-cache",
        action="store_true",
        help="build from scratch, ignoring (and not updating) .site-builder-cache/",
    )
    build.set_defaults(run=run_build)

    check = sub.add_parser(
        "check", parents=[common], help="report every problem, drafts included; write nothing"
    )
    check.add_argument(
        "--links", action="store_true", help="also list every glossary autolink, page by page"
    )
    check.set_defaults(run=run_check)

    new = sub.add_parser(
        "new", parents=[common], help="start a new essay, episode, concept, page or person"
    )
    new.add_argument("kind", choices=sorted(KINDS))
    new.add_argument("title")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    new.set_defaults(run=run_new)

    init = sub.add_parser("init", help="start a new site in a folder")
    init.add_argument("dir", metavar="DIR", help="the new site's folder (empty, or not there)")
    init.add_argument("--title", help="the site's title")
    init.add_argument("--base-url", metavar="URL", help="where it will be published")
    init.add_argument("--author", metavar="NAME", help="the author's name")
    init.add_argument("--email", metavar="E", help="the author's email (public in the feeds)")
    init.add_argument("--podcast", action="store_true", help="with a podcast: section and cover")
    init.add_argument("--ci", choices=["github"], help="also a workflow that builds and publishes")
    init.add_argument(
        "--force", action="store_true", help="use a folder that is not empty (no file is replaced)"
    )
    init.set_defaults(run=run_init, root=".")

    imports = sub.add_parser(
        "import", help="move a podcast feed or a newsletter archive into the site"
    ).add_subparsers(dest="source_kind", metavar="SOURCE", required=True)
    podcast = imports.add_parser(
        "podcast", parents=[common], help="one episode per item of an RSS podcast feed"
    )
    podcast.add_argument("source", metavar="FEED", help="the feed: a file, or an http(s) URL")
    podcast.add_argument(
        "--owner",
        action="store_true",
        help="import a feed whose podcast:locked says yes: you confirm that you own it",
    )
    podcast.set_defaults(run=run_import, download_media=False)
    for kind, source, what in (
        ("substack", "EXPORT", "each post of a Substack export (its zip, or the unpacked folder)"),
        ("feed", "FEED", "each post of an RSS or Atom feed (a file, or an http(s) URL)"),
    ):
        posts = imports.add_parser(kind, parents=[common], help=f"an essay of {what}")
        posts.add_argument("source", metavar=source)
        posts.add_argument(
            "--download-media",
            action="store_true",
            help="copy the images kept elsewhere into content/media/ and link to the copies",
        )
        posts.set_defaults(run=run_import, owner=False)

    suggest = sub.add_parser(
        "suggest", parents=[common], help="list phrases and names that could be concepts, people"
    )
    suggest.add_argument("--limit", type=int, default=20, metavar="N", help="the best N of each")
    suggest.add_argument(
        "--min-count", type=int, default=2, metavar="N", help="used in N pieces or more (2)"
    )
    suggest.add_argument(
        "--new", nargs=2, metavar=("KIND", "N"), help="write the best N: --new concept|person 5"
    )
    suggest.add_argument("--json", action="store_true", help="print JSON")
    suggest.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="read every file afresh, ignoring (and not updating) .site-builder-cache/",
    )
    suggest.set_defaults(run=run_suggest)

    serve = sub.add_parser("serve", parents=[common], help="preview with drafts; rebuild on change")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    serve.add_argument(
        "--poll", action="store_true", help="poll for changes (network drives, bind mounts)"
    )
    serve.set_defaults(run=run_serve)
    return parser
