"""Watch a site's sources and coalesce bursts of file events into single rebuild requests."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch
from watchdog.observers.polling import PollingObserver

from ..config import CONFIG_FILE
from ..load.walk import is_scratch_file

QUIET_SECONDS = 0.03  # an editor's write-and-rename takes a few milliseconds
# Once a file is closed after writing, or renamed into place, its save is whole: wait only for
# the events of the same save still on their way. Not when another save came in the quiet time
# before it: that is a burst (a script, a checkout), which waits until it is over.
SETTLED_SECONDS = 0.005


def is_relevant(path: str, root: Path) -> bool:
    """Whether a changed path can change the built site (editor scratch files cannot)."""
    p = Path(path)
    if is_scratch_file(p.name):
        return False
    try:
        rel = p.relative_to(root)
    except ValueError:
        return False
    return rel.parts[:1] in (("content",), ("templates",)) or rel.as_posix() == CONFIG_FILE


class Debouncer:
    """Collects changed paths; `wait()` returns them once changes have been quiet a moment."""

    def __init__(self, quiet: float = QUIET_SECONDS, settled: float = SETTLED_SECONDS):
        self.quiet, self.settled = quiet, min(settled, quiet)
        self._changed = threading.Condition()
        self._paths: set[str] = set()
        self._due: float | None = None  # when the burst counts as quiet
        self._first: float | None = None  # the burst's first event
        self._whole: float = float("-inf")  # the last whole save, in any burst
        self._stopped = False
        self.waited = 0.0  # from the first event of the last burst `wait` returned to its return

    def notify(self, path: str = "", whole: bool = False) -> None:
        """A change to `path` ("": something changed); `whole`: a write closed or renamed into
        place, which needs no more waiting than its sibling events take to arrive."""
        with self._changed:
            now = time.monotonic()
            self._first = self._first or now
            alone = whole and now - self._whole > self.quiet
            self._whole = now if whole else self._whole
            due = now + (self.settled if alone else self.quiet)
            if self._due is not None and not self._paths <= {path}:
                due = max(due, self._due)  # another file may still be being written
            self._due = due
            if path:
                self._paths.add(path)
            self._changed.notify_all()

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()

    def wait(self) -> set[str] | None:
        """Block until a burst of changes has settled and return the paths; None once stopped."""
        with self._changed:
            while not self._stopped:
                if self._due is None:
                    self._changed.wait()
                    continue
                now = time.monotonic()
                if now >= self._due:
                    paths, self._paths, self._due = self._paths, set(), None
                    self.waited, self._first = now - self._first, None
                    return paths
                self._changed.wait(self._due - now)
            return None


class _Handler(FileSystemEventHandler):
    def __init__(self, root: Path, on_change: Callable[[str, bool], None]):
        self.root, self.on_change = root, on_change
        self.observer = None  # set by start_watching
        self.watches: dict[Path, ObservedWatch] = {}

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.event_type == "modified" and event.is_directory:
            return  # a folder's own time changed: its files report for themselves
        # a file closed after writing, or renamed into place, is whole (not one moved away)
        into = (
            "dest" if event.event_type == "moved" else "src" if event.event_type == "closed" else ""
        )
        for end, path in (("src", event.src_path), ("dest", getattr(event, "dest_path", ""))):
            if path and is_relevant(str(path), self.root):
                self.watch(Path(str(path)))
                self.on_change(str(path), end == into and not event.is_directory)

    def watch(self, path: Path) -> None:
        """Keep one live watch on content/ or templates/ (with all below) while it exists.

        A folder deleted and made again (`git checkout`, a restore) is a new folder: the old
        watch died with the old one (inotify stops it, the poller stops once it sees it gone),
        so it is replaced. Events may come late, from a watch already replaced, so what the
        disk holds now decides, not the kind of event."""
        if path.parent != self.root or path.name not in ("content", "templates"):
            return
        old = self.watches.pop(path, None)
        if old is not None:
            with contextlib.suppress(KeyError):
                self.observer.unschedule(old)
        if path.is_dir():
            self.watches[path] = self.observer.schedule(self, str(path), recursive=True)


def start_watching(root: Path, on_change: Callable[[str, bool], None], poll: bool = False):
    """Start an observer on content/, templates/ and site.yaml; returns it (call .stop())."""
    handler = _Handler(root, on_change)
    observer = PollingObserver(timeout=0.5) if poll else Observer()
    handler.observer = observer
    observer.schedule(handler, str(root), recursive=False)
    for folder in ("content", "templates"):
        handler.watch(root / folder)
    observer.start()
    return observer
