"""Search in the preview: the latest good build indexed by Pagefind in the background.

A save never waits for the index. Once builds have been quiet for a moment (SETTLE_SECONDS
after the last), the pages of the latest one are written into a temporary folder, Pagefind
indexes them there in its own process, its bundle is read into memory and served from then on,
and the folder is removed. Until then the last good index goes on being served, and the
preview's search page (polling STATE) says that it is being refreshed. A newer build
supersedes indexing under way: its Pagefind is killed, so one runs at a time and none queue
up. A Pagefind that fails is reported in the terminal, and the last good index is kept.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

from ..config import SiteConfig
from ..search import INDEX_DIR, failure, pagefind_command, prune_bundle
from .watcher import Debouncer

SETTLE_SECONDS = 1.0  # saves come in runs: index once the author pauses, not after each one
STATE = f"{INDEX_DIR}/preview-state.json"  # only in the preview; the built site has no such file


class SearchIndex:
    """The served index and the background thread that remakes it."""

    def __init__(self, settle: float = SETTLE_SECONDS):
        self._quiet = Debouncer(settle)
        self._lock = threading.Lock()  # only ever held for a moment: never while indexing
        self._wanted: tuple[Mapping[str, bytes], str] | None = None  # a build's files, language
        self._busy = False
        self._failed = False
        self._process: subprocess.Popen | None = None
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._pages: dict[str, bytes] = {}  # what the served index was made from
        self._own: dict[str, bytes] = {}  # the served index's files
        self._files: dict[str, bytes] = {}  # those, over the previous index's (see _index)
        self._generation = 0  # how many indexes have been served: the page reloads when it grows

    def submit(self, files: Mapping[str, bytes], config: SiteConfig) -> None:
        """A build has settled: index its pages a moment from now, superseding indexing under
        way. Returns at once."""
        if not config.search:
            return
        with self._lock:
            if self._stopped:
                return
            self._wanted = (files, config.language)
            if self._process is not None:
                self._process.kill()  # its index would be out of date when it came
            if self._thread is None:
                # a Ctrl-C may land inside start(): only a thread that started is joined later
                # (one that began all the same ends by itself, once stop() stops the debouncer)
                thread = threading.Thread(target=self._run, name="search", daemon=True)
                thread.start()
                self._thread = thread
        self._quiet.notify()

    def file(self, key: str) -> bytes | None:
        """A file of the served index (`pagefind/…`), or STATE; None for anything else."""
        if key != STATE:
            return self._files.get(key)
        with self._lock:
            refreshing = self._wanted is not None or self._busy
            state = {"index": self._generation, "refreshing": refreshing, "failed": self._failed}
        return json.dumps(state).encode()

    def stop(self) -> None:
        """Stop at once: Pagefind is killed and its temporary folder removed before this returns."""
        with self._lock:
            self._stopped = True
            if self._process is not None:
                self._process.kill()
            thread = self._thread
        self._quiet.stop()
        if thread is not None:
            thread.join(timeout=5)

    def _run(self) -> None:
        while self._quiet.wait() is not None:
            with self._lock:
                job, self._wanted = self._wanted, None
                self._busy = job is not None
            if job is None:
                continue
            files, language = job
            pages = {key: body for key, body in files.items() if key.endswith(".html")}
            made, failed = None, False
            try:
                made = self._index(pages, language) if pages != self._pages else None
            except Exception as exc:  # a failed index must not end the preview, nor its search
                print(
                    f"search: the index could not be refreshed: {exc}; the search page still "
                    "finds what the last good index holds",
                    file=sys.stderr,
                    flush=True,
                )
                failed = True
            with self._lock:
                self._failed = failed or self._failed
                if made is not None:
                    # a tab may have fetched the previous index's entry file just before the
                    # swap: the chunks that entry names (content-hashed, so no name clashes)
                    # stay served one more round
                    self._files = {**self._own, **made}
                    self._own, self._pages = made, pages
                    self._generation += 1
                    self._failed = False
                self._busy = False

    def _index(self, pages: dict[str, bytes], language: str) -> dict[str, bytes] | None:
        """The bundle Pagefind makes of `pages`, or None when superseded or stopped; raises
        when Pagefind fails."""
        folder = Path(tempfile.mkdtemp(prefix="site-builder-search-"))
        try:
            for key, body in pages.items():
                if self._stopped or self._wanted is not None:
                    return None
                path = folder / key
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(body)
            with self._lock:  # started under the lock, so that a newer build can kill it
                if self._stopped or self._wanted is not None:
                    return None
                self._process = process = subprocess.Popen(
                    pagefind_command(folder, language),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            try:
                output = process.communicate()[0]
            finally:
                with self._lock:
                    self._process = None
            if process.returncode < 0:  # killed: by a newer build, Ctrl-C or stop()
                return None
            if process.returncode > 0:
                raise RuntimeError(f"Pagefind failed: {failure(output)}")
            bundle = folder / INDEX_DIR
            prune_bundle(bundle)
            return {
                f"{INDEX_DIR}/{path.relative_to(bundle).as_posix()}": path.read_bytes()
                for path in sorted(bundle.rglob("*"))
                if path.is_file()
            }
        finally:
            shutil.rmtree(folder, ignore_errors=True)
