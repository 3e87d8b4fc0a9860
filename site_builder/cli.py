"""Command line: the only place that prints results and chooses exit codes.

Exit status: 0 ok, 1 content errors (each printed as `path:line: message`), 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from . import __version__
from .config import CONFIG_FILE, SiteConfig, load_config
from .errors import ContentError, Diagnostic, InterruptedAfterWriting, UsageError
from .pool import default_jobs
from .scaffold import KINDS, keep_gitignore, new_file
from .write import check_output_dir


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
        return args.run(args, root)
    except ContentError as exc:
        _report(exc.diagnostics, root)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        print(f"{errors} error{'s' * (errors != 1)}; nothing was written.", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"site-builder: error: {exc}", file=sys.stderr)
        return 2
    except InterruptedAfterWriting as exc:
        print(f"interrupted; {_shown(exc.output)} holds the new build.", file=sys.stderr)
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
    build.set_defaults(run=_build)

    check = sub.add_parser(
        "check", parents=[common], help="report every problem, drafts included; write nothing"
    )
    check.add_argument(
        "--links", action="store_true", help="also list every glossary autolink, page by page"
    )
    check.set_defaults(run=_check)

    new = sub.add_parser(
        "new", parents=[common], help="start a new essay, episode, concept or page"
    )
    new.add_argument("kind", choices=sorted(KINDS))
    new.add_argument("title")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    new.set_defaults(run=_new)

    serve = sub.add_parser("serve", parents=[common], help="preview with drafts; rebuild on change")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    serve.add_argument(
        "--poll", action="store_true", help="poll for changes (network drives, bind mounts)"
    )
    serve.set_defaults(run=_serve)
    return parser


def _config(root: Path, base_url: str | None = None) -> SiteConfig:
    if not (root / CONFIG_FILE).is_file():
        raise UsageError(
            f"no {CONFIG_FILE} in {_shown(root)}: run this in a site's folder, or pass --root PATH"
        )
    config = load_config(root)
    if base_url:
        try:
            config = config.with_base_url(base_url)
        except ValueError as exc:
            raise UsageError(f"--base-url: {exc}") from None
    return config


def _build(args: argparse.Namespace, root: Path) -> int:
    from .build import build_site  # the pipeline's imports are most of a start-up: only here

    config = _config(root, args.base_url)
    output = Path(args.output).expanduser().absolute() if args.output else root / "output"
    check_output_dir(output, root, force=args.force)
    if args.jobs < 1:
        raise UsageError("--jobs takes a number of processes, 1 or more")
    start = time.perf_counter()
    line = _ProgressLine(sys.stdout, start) if sys.stdout.isatty() and not args.quiet else None
    try:
        result = build_site(
            config,
            output,
            drafts=args.drafts,
            jobs=args.jobs,
            use_cache=not args.no_cache,
            progress=line,
            waiting=lambda pid: _waiting(output, pid),
        )
    finally:
        if line:
            line.clear()
    took = time.perf_counter() - start
    _report(result.warnings, root)
    if not args.quiet:
        phases = ", ".join(f"{k} {_seconds(v)}" for k, v in result.timings.items() if v >= 0.0005)
        cached = result.pages - result.rendered
        print(
            f"Built {result.pages:,} pages in {_seconds(took)}: {result.pages / took:,.0f} pages/s"
            f" into {_shown(output)}" + (f", {cached:,} of them cached" if cached else "")
        )
        print(f"  {phases}")
        if result.withheld:
            print(f"  {_left_out(result.drafts_left_out, result.future_left_out)}")
    return 0


def _left_out(drafts: int, future: int) -> str:
    """`left out 2 drafts and 1 item dated in the future (build --drafts includes them)`."""
    parts = [f"{drafts} draft{'s' * (drafts != 1)}"] if drafts else []
    if future:
        parts.append(f"{future} item{'s' * (future != 1)} dated in the future")
    them = "them" if drafts + future > 1 else "it"
    return f"left out {' and '.join(parts)} (build --drafts includes {them})"


def _waiting(output: Path, pid: int | None) -> None:
    """Said even with --quiet: it explains a build that seems to hang."""
    by = f" (pid {pid})" if pid else ""
    print(f"waiting for another build of {_shown(output)}/{by}…", file=sys.stderr, flush=True)


class _ProgressLine:
    """One line on the terminal, rewritten as a long build goes: phase, pages done of total.

    Nothing is drawn in the first second, so quick builds print only their summary."""

    def __init__(self, stream, start: float):
        self.stream, self.start, self.drawn = stream, start, False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if time.perf_counter() - self.start < 1.0:
            return
        text = f"{phase}: {done:,} of {total:,}" if total else f"{phase}…"
        self.stream.write(f"\r\x1b[K{text}")
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def _check(args: argparse.Namespace, root: Path) -> int:
    """Check the site as `build` publishes it and as `serve` shows it (drafts included)."""
    from .build import make_site
    from .incremental import BuildCache

    config = _config(root)
    found: dict[tuple, Diagnostic] = {}
    pages = 0
    autolinks = []
    cache = BuildCache()  # the second pass reads nothing twice
    for drafts in (False, True):
        try:
            result = make_site(config, drafts=drafts, jobs=default_jobs(), cache=cache)
            pages, autolinks = max(pages, result.pages), result.autolinks
            found.update({(d.path, d.line, d.message): d for d in result.warnings})
            if not result.withheld:
                break  # no drafts: the preview's site is the published one
        except ContentError as exc:
            found.update({(d.path, d.line, d.message): d for d in exc.diagnostics})
    problems = list(found.values())
    if any(d.severity == "error" for d in problems):
        raise ContentError(problems)
    _report(sorted(problems, key=lambda d: d.sort_key), root)
    if args.links:  # the audit trail: every autolink, page by page (drafts included)
        for path, link in autolinks:
            print(f"{_in_root(path, root)}:{link.line}: {link.text!r} -> {link.key}")
    warnings = f" ({len(problems)} warning{'s' * (len(problems) != 1)})" if problems else ""
    print(f"no errors in {pages} pages{warnings}")
    return 0


def _new(args: argparse.Namespace, root: Path) -> int:
    config = _config(root)
    path = new_file(
        config.content_dir, args.kind, args.title, datetime.now(config.tz), force=args.force
    )
    print(_shown(path))
    keep_gitignore(root)  # silently: stdout is the new file's path alone, for scripts
    if args.kind in ("essay", "episode"):
        print(
            "it is a draft: `site-builder serve` shows it; set `draft: false` to publish",
            file=sys.stderr,
        )
    return 0


def _serve(args: argparse.Namespace, root: Path) -> int:
    from .serve import serve

    return serve(_config(root), args.host, args.port, poll=args.poll)


def _report(diagnostics: Sequence[Diagnostic], root: Path) -> None:
    for d in diagnostics:
        print(_in_root(d.format(), root), file=sys.stderr)


def _in_root(text: str, root: Path) -> str:
    """Prefix a site-relative path (or a line starting with one) with the way to the site."""
    prefix = _shown(root)
    return text if prefix == "." or text.startswith("/") else f"{prefix}/{text}"


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when that is shorter."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("../..") else str(path)
