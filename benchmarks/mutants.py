"""Break behaviours on purpose and report which breakages the tests miss (not run in CI).

    .venv/bin/python benchmarks/mutants.py                # each mutant against the tests it names
    .venv/bin/python benchmarks/mutants.py --all          # each mutant against the whole suite
    .venv/bin/python benchmarks/mutants.py NAME...        # only these mutants
    .venv/bin/python benchmarks/mutants.py --tests tests/test_build.py   # other tests for each

A mutant is one exact replacement in one file. The repository's files (tracked, and untracked
but not ignored, so uncommitted tests count) are copied once into a temporary folder; each mutant
is applied there, pytest runs there with that copy first on PYTHONPATH, and the file is put back
before the next. The checkout itself is never written to. A mutant is *caught* when pytest
reports a failure (exit 1) and *survives* when everything passes; any other exit (say, a mutant
that breaks collection) is shown as it is.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Mutant:
    name: str
    file: str  # relative to the repository
    old: str  # must occur exactly once in the file
    new: str
    tests: tuple[str, ...]  # the tests that should catch it


MUTANTS = (
    Mutant(
        "excerpt-tags",
        "site_builder/incremental/state.py",
        '            paths.update(f"{tag_folder(tag_slug(tag))}index.html" for tag in item.tags)\n',
        "",
        ("tests/test_incremental.py",),
    ),
    Mutant(
        "relink-anchors",
        "site_builder/link/graph.py",
        "            )\n"
        "        problems += _check_body_links(item, body, index, parsed, known_paths)\n",
        "            )\n",
        ("tests/test_incremental.py",),
    ),
    Mutant(
        "json-date-modified",
        "site_builder/feeds/atom.py",
        '            entry["date_modified"] = _rfc3339(view.updated)',
        "            pass",
        ("tests/test_build.py",),
    ),
    Mutant(
        "title-repeats-show",
        "site_builder/feeds/podcast_checks.py",
        "    if show_title.casefold() in episode.title.casefold():",
        "    if False:",
        ("tests/test_podcast_diagnostics.py",),
    ),
    Mutant(
        "settled-warnings",
        "site_builder/steps/link.py",
        "        return cache.links, cache.glossary_facts, list(cache.link_warnings)",
        "        return cache.links, cache.glossary_facts, []",
        ("tests/test_incremental.py",),
    ),
    Mutant(
        "git-restored-on-failure",
        "site_builder/write.py",
        "            _move_git(old, output)  # a deploy checkout (or worktree file) survives",
        "            pass",
        ("tests/test_output.py",),
    ),
    Mutant(
        "root-folder-without-slash",
        "site_builder/link/graph.py",
        'if path == "" or path in known or f"{path}/" in known:',
        'if path == "" or path in known:',
        ("tests/test_build.py",),
    ),
    Mutant(
        "excerpt-limit",
        "site_builder/markdown/__init__.py",
        "def excerpt(body_html: str, limit: int = 200) -> str:",
        "def excerpt(body_html: str, limit: int = 2000) -> str:",
        ("tests/test_build.py",),
    ),
    Mutant(
        "relink-anchors-into",
        "site_builder/link/graph.py",
        "            if ref.anchor and ref.key in dirty:",
        "            if False:",
        ("tests/test_incremental.py",),
    ),
    Mutant(
        "chart-warning-as-error",
        "site_builder/markdown/__init__.py",
        "replace(d, line=min(d.line or first_line, last)) for d in exc.diagnostics",
        "replace(d, line=min(d.line or first_line, last), severity='error')"
        " for d in exc.diagnostics",
        ("tests/test_markdown.py",),
    ),
    Mutant(
        "atomic-write-through-link",
        "site_builder/atomic.py",
        "    tmp.unlink(missing_ok=True)  # a new file, not through a link",
        "    pass  # a new file, not through a link",
        ("tests/test_atomic.py",),
    ),
    Mutant(
        "feeds-keep-del",
        "site_builder/model.py",
        "\\x0e-\\x1f\\x7f\\ud800",
        "\\x0e-\\x1f\\ud800",
        ("tests/test_diagnostics.py",),
    ),
    # issue 20: a save in the preview, rebuilt from the paths the watcher names
    Mutant(
        "save-front-matter",
        "site_builder/incremental/save.py",
        "        if replace(new, body=old.body) != old:\n            return None\n",
        "",
        ("tests/test_save.py",),
    ),
    Mutant(
        "save-same-shape",
        "site_builder/incremental/save.py",
        "    return last.shape if same else None",
        "    return last.shape",
        ("tests/test_save.py",),
    ),
    Mutant(
        "save-index-items",
        "site_builder/link/index.py",
        "        by_key={**index.by_key, **items},",
        "        by_key=index.by_key,",
        ("tests/test_save.py",),
    ),
    Mutant(
        "save-new-file",
        "site_builder/load/__init__.py",
        "            if path is None or not stat.S_ISREG(",
        "            if path is None:\n                continue\n            if not stat.S_ISREG(",
        ("tests/test_save.py",),
    ),
    Mutant(
        "save-poll-walks",
        "site_builder/preview/server.py",
        "        named = None if self.poll or not changed else changed",
        "        named = None if not changed else changed",
        ("tests/test_save.py",),
    ),
    Mutant(
        "save-site-yaml",
        "site_builder/preview/server.py",
        "        if self._read is None or changed is None"
        " or str(self.config.root / CONFIG_FILE) in changed:",
        "        if self._read is None:",
        ("tests/test_save.py",),
    ),
    Mutant(
        "save-deferred-feed",
        "site_builder/steps/render.py",
        "                self._data, self._make = self._make(), None",
        '                self._data, self._make = b"", None',
        ("tests/test_save.py",),
    ),
    Mutant(
        "manifest-racy-hash",  # a file saved just before its build trusted by its stat alone
        "site_builder/incremental/manifest.py",
        "        or not all(_hash(path) == digest for path, digest in found.hashed.items())\n",
        "",
        ("tests/test_manifest.py",),
    ),
    Mutant(
        "manifest-racy-none",  # as before: a file saved just before its build means no manifest
        "site_builder/incremental/manifest.py",
        "            if not isinstance(read, bytes):",
        "            if True:",
        ("tests/test_manifest.py",),
    ),
    Mutant(
        "stat-vouches",  # a source whose stat is as hashed is hashed again all the same
        "site_builder/load/walk.py",
        "            elif last is not None and last[1][n] == seen:",
        "            elif False:",
        ("tests/test_manifest.py",),
    ),
    Mutant(
        "stat-size-only",  # trusted on its size alone: an edit keeping size and times is missed
        "site_builder/load/walk.py",
        "            elif last is not None and last[1][n] == seen:",
        "            elif last is not None and last[1][n][2] == seen[2]:",
        ("tests/test_manifest.py",),
    ),
    Mutant(
        "stat-racy",  # the stat of a file changed a moment ago vouches for it
        "site_builder/load/walk.py",
        "                vouch = vouch and max(st.st_mtime_ns, st.st_ctime_ns) < recent",
        "                vouch = vouch",
        ("tests/test_manifest.py",),
    ),
    Mutant(
        "cache-templates",
        "site_builder/render/theme.py",
        "        bytecode_cache=None if compiled is None else _Compiled(compiled),",
        "        bytecode_cache=None,",
        ("tests/test_cache.py",),
    ),
    Mutant(
        "cache-outlines",
        "site_builder/incremental/store.py",
        "    cache.outlines.update(state.outlines)",
        "    cache.outlines.clear()",
        ("tests/test_cache.py",),
    ),
    Mutant(
        "pickle-by-fields",
        "site_builder/model.py",
        "    cls.__reduce__ = __reduce__",
        "    pass",
        ("tests/test_cache.py",),
    ),
    Mutant(
        "debounce-burst",
        "site_builder/preview/watcher.py",
        "            alone = whole and now - self._whole > self.quiet",
        "            alone = whole",
        ("tests/test_watch.py",),
    ),
)


def copy_repository(to: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source = REPO / rel
        if source.is_file():  # a tracked file deleted in the work tree is left out
            (to / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, to / rel)


def run_tests(copy: Path, tests: list[str]) -> tuple[int, str]:
    """pytest's exit status and what to show of it (the test that failed, or its summary line),
    run in `copy` on the copy's site_builder."""
    env = {**os.environ, "PYTHONPATH": str(copy)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-rf", "-p", "no:cacheprovider", *tests],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    lines = done.stdout.strip().splitlines()
    failed = [line.split(" - ")[0] for line in lines if line.startswith("FAILED ")]
    shown = failed[0] if failed else lines[-1] if lines else done.stderr.strip()[-200:]
    return done.returncode, shown


def check_isolation(copy: Path) -> None:
    """The copy's site_builder is the one imported, not the checkout's editable install."""
    where = subprocess.run(
        [sys.executable, "-c", "import site_builder; print(site_builder.__file__)"],
        cwd=copy,
        env={**os.environ, "PYTHONPATH": str(copy)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not Path(where).is_relative_to(copy):
        sys.exit(f"the mutants would run on {where}, not on the copy in {copy}")


def outcome(status: int) -> str:
    return {0: "SURVIVED", 1: "caught"}.get(status, f"exit {status}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--all", action="store_true", help="run the whole suite for each mutant")
    parser.add_argument("--tests", nargs="+", help="run these tests for each mutant instead")
    args = parser.parse_args(argv)
    known = {m.name: m for m in MUTANTS}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown mutants: {', '.join(unknown)}; known: {', '.join(known)}")
    chosen = [known[n] for n in args.names] if args.names else list(MUTANTS)
    survivors = 0
    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        copy = Path(tmp)
        copy_repository(copy)
        check_isolation(copy)
        print(f"{'mutant':<28} {'result':<9} {'seconds':>7}  the failing test, or pytest's summary")
        for mutant in chosen:
            path = copy / mutant.file
            original = path.read_text(encoding="utf-8")
            if original.count(mutant.old) != 1:
                print(f"{mutant.name:<28} {'STALE':<9} {'':>7}  not once in {mutant.file}")
                survivors += 1
                continue
            tests = [] if args.all else args.tests or list(mutant.tests)
            path.write_text(original.replace(mutant.old, mutant.new), encoding="utf-8")
            started = time.monotonic()
            try:
                status, last = run_tests(copy, tests)
            finally:
                path.write_text(original, encoding="utf-8")
            seconds = time.monotonic() - started
            survivors += status != 1
            print(f"{mutant.name:<28} {outcome(status):<9} {seconds:7.1f}  {last}", flush=True)
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
