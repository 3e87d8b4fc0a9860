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

QUIET_SECONDS = 0.05


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
    """Collects change notices; `wait()` returns once changes have been quiet for a moment."""

    def __init__(self, quiet: float = QUIET_SECONDS):
        self.quiet = quiet
        self._changed = threading.Condition()
        self._last: float | None = None
        self._stopped = False

    def notify(self) -> None:
        with self._changed:
            self._last = time.monotonic()
            self._changed.notify_all()

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()

    def wait(self) -> bool:
        """Block until a burst of changes has settled; False once stopped."""
        with self._changed:
            while not self._stopped:
                if self._last is None:
                    self._changed.wait()
                    continue
                remaining = self._last + self.quiet - time.monotonic()
                if remaining <= 0:
                    self._last = None
                    return True
                self._changed.wait(remaining)
            return False


class _Handler(FileSystemEventHandler):
    def __init__(self, root: Path, on_change: Callable[[], None]):
        self.root, self.on_change = root, on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        if any(p and is_relevant(str(p), self.root) for p in paths):
            self.on_change()


def start_watching(root: Path, on_change: Callable[[], None], poll: bool = False):
    """Start an observer on content/, templates/ and site.yaml; returns it (call .stop())."""
    handler = _Handler(root, on_change)
    observer = PollingObserver(timeout=0.5) if poll else Observer()
    observer.schedule(handler, str(root), recursive=False)
    for folder in ("content", "templates"):
        if (root / folder).is_dir():
            observer.schedule(handler, str(root / folder), recursive=True)
    observer.start()
    return observer
