"""What each command does and prints, and how the command line shows paths and problems."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from ..config import CONFIG_FILE, BaseUrlError, SiteConfig, load_config, normalise_base_url
from ..errors import ContentError, Diagnostic, UsageError
from ..pool import default_jobs
from ..report import Reporter
from ..scaffold import keep_gitignore, new_file
from ..write import check_output_dir


def _config(root: Path, base_url: str | None = None) -> SiteConfig:
    if root.is_file():
        raise UsageError(f"--root takes the site's folder, not a file: --root {shown(root.parent)}")
    if not (root / CONFIG_FILE).is_file():
        raise UsageError(
            f"no {CONFIG_FILE} in {shown(root)}: run this in a site's folder, or pass --root PATH"
        )
    config = load_config(root)
    if base_url is not None:  # given, if empty: refused, not ignored
        try:
            config = config.with_base_url(base_url)
        except BaseUrlError as exc:
            raise UsageError(f"--base-url: {exc}") from None
    return config


def run_build(args: argparse.Namespace, root: Path) -> int:
    from ..build import build_site  # the pipeline's imports are most of a start-up: only here

    config = _config(root, args.base_url)
    output = Path(args.output).expanduser().absolute() if args.output else root / "output"
    check_output_dir(output, root, force=args.force)
    if args.jobs < 1:
        raise UsageError("--jobs takes a number of processes, 1 or more")
    start = time.perf_counter()
    line = _ProgressLine(sys.stdout if sys.stdout.isatty() and not args.quiet else None, start)
    try:
        result = build_site(
            config,
            output,
            drafts=args.drafts,
            jobs=args.jobs,
            use_cache=not args.no_cache,
            report=line,
            waiting=lambda pid: _waiting(output, pid),
        )
    finally:
        line.clear()
    took = time.perf_counter() - start
    report(result.warnings, root)
    if not args.quiet:
        phases = ", ".join(f"{k} {_seconds(v)}" for k, v in result.timings.items() if v >= 0.0005)
        cached = result.pages - result.rendered
        print(
            f"Built {result.pages:,} pages in {_seconds(took)}: {result.pages / took:,.0f} pages/s"
            f" into {shown(output)}" + (f", {cached:,} of them cached" if cached else "")
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
    print(f"waiting for another build of {shown(output)}/{by}…", file=sys.stderr, flush=True)


class _ProgressLine(Reporter):
    """One line on `stream` (if any), rewritten as a long build goes: phase, pages done of
    total. Nothing is drawn in the first second, so quick builds print only their summary."""

    def __init__(self, stream, start: float):
        super().__init__()
        self.stream, self.start, self.drawn = stream, start, False

    def progress(self, phase: str, done: int, total: int) -> None:
        if self.stream is None or time.perf_counter() - self.start < 1.0:
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


def run_check(args: argparse.Namespace, root: Path) -> int:
    """Check the site as `build` publishes it and as `serve` shows it (drafts included)."""
    from ..build import make_site
    from ..incremental.state import BuildCache

    config = _config(root)
    found: dict[tuple, Diagnostic] = {}
    pages = 0
    autolinks = []
    cache = BuildCache()  # the second pass reads nothing twice
    for drafts in (False, True):
        try:
            result = make_site(config, drafts=drafts, jobs=default_jobs(), cache=cache)
        except ContentError as exc:
            said, drafts_differ = exc.diagnostics, True
        else:
            pages, autolinks = max(pages, result.pages), result.autolinks
            said, drafts_differ = result.warnings, bool(result.withheld)
        for d in said:  # as `build` says it: the published site's hint, if the drafts' differs
            found.setdefault((d.path, d.line, d.message), d)
        if not drafts_differ:
            break  # no drafts: the preview's site is the published one
    problems = list(found.values())
    if any(d.severity == "error" for d in problems):
        raise ContentError(problems)
    report(sorted(problems, key=lambda d: d.sort_key), root)
    if args.links:  # the audit trail: every autolink, page by page (drafts included)
        for path, link in autolinks:
            print(f"{_in_root(path, root)}:{link.line}: {link.text!r} -> {link.key}")
    warnings = f" ({len(problems)} warning{'s' * (len(problems) != 1)})" if problems else ""
    print(f"no errors in {pages} pages{warnings}")
    return 0


def run_new(args: argparse.Namespace, root: Path) -> int:
    config = _config(root)
    path = new_file(
        config.content_dir, args.kind, args.title, datetime.now(config.tz), force=args.force
    )
    print(shown(path))
    keep_gitignore(root)  # silently: stdout is the new file's path alone, for scripts
    if args.kind in ("essay", "episode"):
        print(
            "it is a draft: `site-builder serve` shows it; set `draft: false` to publish",
            file=sys.stderr,
        )
    return 0


def run_init(args: argparse.Namespace, root: Path) -> int:
    """Ask (on a terminal) for what the flags did not give, then write the files that are not
    there yet."""
    from ..init import DEFAULT_BASE_URL, DEFAULT_TITLE, Answers, site_files

    folder = Path(args.dir).expanduser().absolute()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{shown(folder)} is a file")
    if folder.is_dir() and any(folder.iterdir()) and not args.force:
        raise UsageError(
            f"{shown(folder)} is not empty: choose a new folder, or pass --force to add the "
            "site's files to it (none that is there is replaced)"
        )
    ask = _asker() if sys.stdin.isatty() else None
    title = args.title or (ask and ask("Title", DEFAULT_TITLE)) or DEFAULT_TITLE
    base_url = args.base_url or (ask and ask("Published at", DEFAULT_BASE_URL)) or DEFAULT_BASE_URL
    try:
        base_url = normalise_base_url(base_url)
    except BaseUrlError as exc:
        raise UsageError(f"--base-url: {exc}") from None
    author = args.author or (ask and ask("Author's name", "")) or None
    email = args.email or (author and ask and ask("Author's email (public)", "")) or None
    answers = Answers(title, base_url, author, email, args.podcast, args.ci)
    for rel, data in site_files(answers, datetime.now().date()).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("xb") as file:
                file.write(data)
        except FileExistsError:
            print(f"kept {shown(path)}: it is there already", file=sys.stderr)
    for section in ("episodes", "media"):
        (folder / "content" / section).mkdir(exist_ok=True)
    print(f"made a site in {shown(folder)}: `cd {shown(folder)}` and `site-builder serve`")
    return 0


def _asker():
    def ask(question: str, default: str) -> str:
        offered = f" [{default}]" if default else ""
        return input(f"{question}{offered}: ").strip() or default

    return ask


def run_import(args: argparse.Namespace, root: Path) -> int:
    """Plan every file of the import, then write them all or none."""
    from ..importers.common import write_all
    from ..importers.run import plan_import

    if not (root / CONFIG_FILE).is_file():
        raise UsageError(f"no {CONFIG_FILE} in {shown(root)}: run `site-builder init` first")
    outcome = plan_import(
        args.source_kind, args.source, root, owner=args.owner, download=args.download_media
    )
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    for refused in outcome.refused:
        print(f"{args.source}: {refused}", file=sys.stderr)
    try:
        write_all(root, outcome.files)
    except OSError as exc:
        raise UsageError(f"could not write the import ({exc}): nothing was written") from None
    noun = "episode" if args.source_kind == "podcast" else "post"
    print(f"imported {outcome.summary(noun)}")
    return 0


def run_suggest(args: argparse.Namespace, root: Path) -> int:
    from ..suggest.command import suggest_command

    text, notes = suggest_command(_config(root), args, prefix=shown(root))
    for note in notes:
        print(note, file=sys.stderr)
    print(text)
    return 0


def run_serve(args: argparse.Namespace, root: Path) -> int:
    from ..preview.server import serve

    if not 0 <= args.port <= 65535:
        raise UsageError("--port takes a port number from 1 to 65535, or 0 for any free one")
    if not args.host.strip():  # the empty name would listen on every network, unannounced
        raise UsageError("--host takes a name or address: 127.0.0.1 (this machine only)")
    return serve(_config(root), args.host, args.port, poll=args.poll)


def report(diagnostics: Sequence[Diagnostic], root: Path) -> None:
    for d in diagnostics:
        print(_in_root(d.format(), root), file=sys.stderr)


def _in_root(text: str, root: Path) -> str:
    """Prefix a site-relative path (or a line starting with one) with the way to the site."""
    prefix = shown(root)
    return text if prefix == "." or text.startswith("/") else f"{prefix}/{text}"


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when that is shorter."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("../..") else str(path)
