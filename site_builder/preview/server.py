"""Preview server: serve the last good build from memory, rebuild on change, update open tabs.

The site is built (with drafts) into memory, never onto disk, so the author's output/ is never
touched and nothing is left behind. A request is answered from an immutable snapshot of the
last good build, swapped in one step when a rebuild finishes: a page is always the complete
old or the complete new one. Only what the build produced can be served: a request names a
key in that snapshot, never a path on the disk (media files are read from content/media,
checked again at request time); see handler.py.

A save is rebuilt from the paths the watcher names (see `make_site`'s `changed`): the files it
touched are read again and nothing else is walked, unless the watcher polls or a burst named
no path (then everything is walked, as on the first build).
"""

from __future__ import annotations

import errno
import signal
import threading
import time
import traceback
from http.server import ThreadingHTTPServer
from pathlib import Path

from ..build import BuildResult, make_site
from ..config import CONFIG_FILE, SiteConfig, load_config
from ..errors import ContentError, UsageError, tally
from ..incremental.state import BuildCache
from ..report import Reporter, TerminalReporter
from .handler import CHANNEL, LOCAL_HOSTS, Snapshot, make_handler
from .indexer import SearchIndex
from .watcher import Debouncer, start_watching


class Preview:
    """The state the server threads share: the current snapshot."""

    def __init__(self, config: SiteConfig, report: Reporter | None = None, poll: bool = False):
        self.config = config
        self.base_path, self.content_dir = config.base_path, config.content_dir
        self.image_dir = config.image_cache_dir
        self.report = report or TerminalReporter()
        self.poll = poll  # polling names paths late and may miss some: walk on every build
        self.cache = BuildCache()
        self.snapshot = Snapshot(0)
        self.search = SearchIndex()  # the hook: submit() once a good build is served
        self.changed = threading.Condition()
        self._read: SiteConfig | None = None  # site.yaml as last read, while it is unchanged

    def rebuild(self, changed: set[str] | None = None, waited: float = 0.0) -> bool:
        """Build; on errors keep serving the last good build and tell the open tabs. `changed`
        are the paths the watcher named, `waited` how long it waited for them to settle."""
        start = time.perf_counter()
        report, previous = self.report, self.snapshot
        report.timings = {"wait": waited}
        named = None if self.poll or not changed else changed
        try:
            with report.phase("load"):
                config = self._site_config(named)
            result = make_site(
                config,
                drafts=True,
                live_reload=CHANNEL + "reload.js",
                cache=self.cache,
                report=report,
                changed=named,
                defer_feeds=True,
            )
        except ContentError as exc:
            lines = tuple(d.format() for d in exc.diagnostics)
            for line in lines:
                report.say(line)
            report.say(f"{tally(exc.diagnostics)}; still serving the last good build")
            return self._keep_last_good(lines)
        except Exception as exc:  # a bug must not end the session either
            report.say(
                "error: this is a bug in site-builder, not a problem in your site (please report"
                " it with what follows); still serving the last good build\n"
                + traceback.format_exc().rstrip()
            )
            self.cache, self._read = BuildCache(), None  # what the failed build left: untrusted
            return self._keep_last_good(
                (
                    f"internal error: {type(exc).__name__}: {exc} (this is a bug in"
                    " site-builder; the terminal shows the traceback)",
                )
            )
        with report.phase("swap"):
            self._publish(self._snapshot(result, previous, changed))
        self.search.submit(result.files, config)
        for warning in result.warnings:
            report.say(warning.format())
        report.say(_built(result, time.perf_counter() - start + waited, report.timings))
        return True

    def _site_config(self, changed: set[str] | None) -> SiteConfig:
        """site.yaml, read again unless the watcher named paths and it is not among them."""
        if self._read is None or changed is None or str(self.config.root / CONFIG_FILE) in changed:
            self._read = None  # until it reads: a broken site.yaml is read again next time
            self._read = load_config(self.config.root).with_base_url(self.config.base_url)
        return self._read

    def _snapshot(self, result: BuildResult, previous: Snapshot, changed: set[str] | None):
        css_only = bool(changed) and all(
            p.endswith(".css") and "/static/" in p.replace("\\", "/") for p in changed
        )
        stylesheets = tuple(
            sorted(
                self.base_path + path
                for path in (result.files if css_only and not previous.errors else ())
                if path.startswith("assets/") and path.endswith(".css")
            )
        )
        return Snapshot(previous.build + 1, result.files, result.copies, (), stylesheets)

    def _keep_last_good(self, errors: tuple[str, ...]) -> bool:
        """Go on serving the last good build, telling the open tabs what went wrong."""
        previous = self.snapshot
        self._publish(Snapshot(previous.build + 1, previous.files, previous.copies, errors))
        return False

    def _publish(self, snapshot: Snapshot) -> None:
        with self.changed:
            self.snapshot = snapshot
            self.changed.notify_all()


def _built(result: BuildResult, took: float, timings: dict[str, float]) -> str:
    """What the terminal says of a good build: pages, time, and where the time went, from the
    first event of the save (`wait`: until the saves settled) to the new snapshot (`swap`)."""
    phases = ", ".join(f"{name} {seconds * 1000:.1f}" for name, seconds in timings.items())
    again = f" ({result.rendered:,} rendered)" if result.rendered != result.pages else ""
    return f"built {result.pages:,} pages{again} in {took * 1000:.0f} ms ({phases} ms)"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a page and its assets, in many tabs at once, are not turned away

    def handle_error(self, request, client_address) -> None:  # a broken client is not news
        pass


def serve(config: SiteConfig, host: str, port: int, poll: bool = False) -> int:
    """Build, serve and rebuild until interrupted."""
    report = TerminalReporter()
    preview = Preview(config, report, poll)
    try:
        server = _Server((host, port), make_handler(preview, _allowed(host)))
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror}"
            " (try another --port, or --port 0 for any free one)"
        ) from None
    if host not in LOCAL_HOSTS:
        report.say(
            f"warning: listening on {host}: anyone who can reach this machine can read the "
            "preview; the preview server is not for public use"
        )
    debouncer = Debouncer()
    observer, preview.poll = _watch(config.root, debouncer.notify, poll, report)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    try:
        preview.rebuild()
        serving.start()
        shown = f"[{host}]" if ":" in host else host
        print(
            f"serving http://{shown}:{server.server_address[1]}{config.base_path} (Ctrl-C to stop)",
            flush=True,
        )
        while (changed := debouncer.wait()) is not None:
            preview.rebuild(changed, debouncer.waited)
    except KeyboardInterrupt:
        report.say("stopped")
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut cleanup
            signal.signal(signum, signal.SIG_IGN)
        debouncer.stop()
        preview.search.stop()
        observer.stop()
        if serving.is_alive():  # shutdown() waits for serve_forever: forever, if it never ran
            server.shutdown()
        server.server_close()
    return 0


def _watch(root: Path, notify, poll: bool, report: Reporter):
    """Native file events, or polling: when asked, or when the system runs out of watches.
    Returns the observer, and whether it polls."""
    try:
        return start_watching(root, notify, poll=poll), poll
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EMFILE):
            raise
        report.say(
            "warning: the system ran out of file watches (raise fs.inotify.max_user_watches, "
            "e.g. `sudo sysctl fs.inotify.max_user_watches=524288`); polling for changes "
            "instead"
        )
        return start_watching(root, notify, poll=True), True


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _allowed(host: str) -> set[str]:
    return LOCAL_HOSTS | {host, f"[{host}]"}
