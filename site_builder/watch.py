"""Watch a site's sources and coalesce bursts of file events into single rebuild requests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from .config import CONFIG_FILE
from .load import is_scratch_file

QUIET_SECONDS = 0.03  # an editor's write-and-rename takes a few milliseconds


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

    def __init__(self, quiet: float = QUIET_SECONDS):
        self.quiet = quiet
        self._changed = threading.Condition()
        self._paths: set[str] = set()
        self._last: float | None = None
        self._stopped = False

    def notify(self, path: str = "") -> None:
        with self._changed:
            self._last = time.monotonic()
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
                if self._last is None:
                    self._changed.wait()
                    continue
                remaining = self._last + self.quiet - time.monotonic()
                if remaining <= 0:
                    paths, self._paths, self._last = self._paths, set(), None
                    return paths
                self._changed.wait(remaining)
            return None


class _Handler(FileSystemEventHandler):
    def __init__(self, root: Path, on_change: Callable[[str], None]):
        self.root, self.on_change = root, on_change
        self.observer = None  # set by start_watching
        self.watched: set[str] = set()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.event_type == "modified" and event.is_directory:
            return  # a folder's own time changed: its files report for themselves
        for path in (event.src_path, getattr(event, "dest_path", "") or ""):
            if path and is_relevant(str(path), self.root):
                self.watch(Path(str(path)))
                self.on_change(str(path))

    def watch(self, path: Path) -> None:
        """Watch content/ or templates/ (with all below) once it exists, even if made later."""
        wanted = path.parent == self.root and path.name in ("content", "templates")
        if wanted and path.is_dir() and str(path) not in self.watched and self.observer:
            self.watched.add(str(path))
            self.observer.schedule(self, str(path), recursive=True)


def start_watching(root: Path, on_change: Callable[[str], None], poll: bool = False):
    """Start an observer on content/, templates/ and site.yaml; returns it (call .stop())."""
    handler = _Handler(root, on_change)
    observer = PollingObserver(timeout=0.5) if poll else Observer()
    handler.observer = observer
    observer.schedule(handler, str(root), recursive=False)
    for folder in ("content", "templates"):
        handler.watch(root / folder)
    observer.start()
    return observer
