"""Preview server: serve the last good build, rebuild on change, tell open tabs to reload.

Only the built site is served, from a private temporary folder (the author's output/ is never
touched). Each build is written to a fresh folder and the server switches to it in one step, so
a request during a rebuild gets the complete previous or the complete new page.
"""

from __future__ import annotations

import contextlib
import mimetypes
import shutil
import signal
import sys
import tempfile
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes, urlsplit

from .build import make_site
from .config import SiteConfig, load_config
from .errors import ContentError, UsageError
from .watch import Debouncer, start_watching
from .write import write_site

RELOAD_PATH = "/__site-builder/"
_RELOAD_JS = """\
// Live reload for `site-builder serve` only; never part of a built site.
(() => {
  const events = new EventSource("%(events)s");
  let build = null;
  events.onmessage = (e) => {
    if (build !== null && e.data !== build) {
      sessionStorage.setItem("site-builder-scroll", String(window.scrollY));
      location.reload();
    }
    build = e.data;
  };
  const y = sessionStorage.getItem("site-builder-scroll");
  if (y !== null) {
    sessionStorage.removeItem("site-builder-scroll");
    window.scrollTo(0, Number(y));
  }
})();
"""
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def resolve_request_path(root: Path, target: str, base_path: str = "/") -> Path | str | None:
    """Map a request target to a file under `root`.

    Returns the file, a redirect location (str) when a folder is asked for without its
    trailing slash, or None for anything that is not a file of the built site. The target is
    percent-decoded exactly once; any `..`, backslash, NUL or invalid UTF-8 is refused, and the
    resolved path (symlinks followed) must stay inside `root`.
    """
    if any(c in target for c in "#\\\r\n\t ") or not target.startswith("/"):
        return None
    path = urlsplit(target).path
    if not path.startswith(base_path):
        return None
    try:
        decoded = unquote_to_bytes(path[len(base_path) :]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded or "\\" in decoded or decoded.startswith("/"):
        return None
    segments = decoded.split("/")
    if any(s in (".", "..") for s in segments):
        return None
    real_root = root.resolve()
    candidate = (real_root / decoded).resolve()
    if not candidate.is_relative_to(real_root):
        return None
    if candidate.is_dir():
        if decoded and not decoded.endswith("/"):
            return base_path + quote(decoded) + "/"
        candidate = candidate / "index.html"
    elif decoded.endswith("/"):
        return None
    if not candidate.is_file() or not candidate.resolve().is_relative_to(real_root):
        return None
    return candidate


class Preview:
    """The state the server threads share: the current build folder and its number."""

    def __init__(self, config: SiteConfig):
        self.config = config
        self.workdir = Path(tempfile.mkdtemp(prefix="site-builder-serve-"))
        self.current: Path | None = None
        self.build_id = 0
        self.changed = threading.Condition()

    def rebuild(self) -> bool:
        """Build into a new folder and switch to it; on errors keep serving the last good one."""
        try:
            config = load_config(self.config.root)
            config = config.with_base_url(self.config.base_url)
            result = make_site(config, drafts=True, live_reload=RELOAD_PATH + "reload.js")
        except ContentError as exc:
            for d in exc.diagnostics:
                print(d.format(), file=sys.stderr)
            print(
                f"{len(exc.diagnostics)} problem(s); still serving the last good build",
                file=sys.stderr,
            )
            return False
        next_id = self.build_id + 1
        folder = self.workdir / f"build-{next_id}"
        write_site(folder, result.files, result.copies)
        with self.changed:
            old, self.current, self.build_id = self.current, folder, next_id
            self.changed.notify_all()
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        total = sum(result.timings.values())
        print(f"built {result.pages} pages in {total * 1000:.0f} ms", file=sys.stderr)
        return True

    def close(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


def make_handler(preview: Preview, allowed_hosts: set[str]) -> type[BaseHTTPRequestHandler]:
    base_path = preview.config.base_path

    class Handler(BaseHTTPRequestHandler):
        server_version = "site-builder"
        sys_version = ""

        def log_message(self, format: str, *args) -> None:  # quiet: the terminal is for builds
            pass

        def do_GET(self) -> None:
            self._respond(send_body=True)

        def do_HEAD(self) -> None:
            self._respond(send_body=False)

        def _refuse(self) -> None:
            self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
            self.send_header("Allow", "GET, HEAD")
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse

        def _respond(self, send_body: bool) -> None:
            if _host_of(self.headers.get("Host") or "") not in allowed_hosts:
                return self._plain(HTTPStatus.FORBIDDEN, "Host not allowed\n", send_body)
            if self.path.startswith(RELOAD_PATH):
                return self._reload_channel(send_body)
            if self.path in ("/", "") and base_path != "/":
                return self._redirect(base_path)
            root = preview.current
            found = resolve_request_path(root, self.path, base_path) if root else None
            if isinstance(found, str):
                return self._redirect(found)
            if found is None:
                page = root / "404.html" if root else None
                body = page.read_bytes() if page and page.is_file() else b"Not found\n"
                return self._send(HTTPStatus.NOT_FOUND, body, "text/html; charset=utf-8", send_body)
            kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
                kind += "; charset=utf-8"
            self._send(HTTPStatus.OK, found.read_bytes(), kind, send_body)

        def _reload_channel(self, send_body: bool) -> None:
            name = urlsplit(self.path).path[len(RELOAD_PATH) :]
            if name == "reload.js":
                js = _RELOAD_JS % {"events": RELOAD_PATH + "events"}
                return self._send(
                    HTTPStatus.OK, js.encode(), "text/javascript; charset=utf-8", send_body
                )
            origin = self.headers.get("Origin")
            if name != "events" or (
                origin and urlsplit(origin).hostname not in {h.strip("[]") for h in allowed_hosts}
            ):
                return self._plain(HTTPStatus.FORBIDDEN, "Forbidden\n", send_body)
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not send_body:
                return
            seen = -1
            with contextlib.suppress(OSError):
                while True:
                    with preview.changed:
                        if seen == preview.build_id:
                            preview.changed.wait(timeout=15)
                        current = preview.build_id
                    # the build number is all the channel ever says: never file contents
                    self.wfile.write(f"data: {current}\n\n".encode())
                    self.wfile.flush()
                    seen = current

        def _redirect(self, location: str) -> None:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", "/" + location.lstrip("/\\"))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _plain(self, status: HTTPStatus, text: str, send_body: bool) -> None:
            self._send(status, text.encode(), "text/plain; charset=utf-8", send_body)

        def _send(self, status: HTTPStatus, body: bytes, kind: str, send_body: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if send_body:
                self.wfile.write(body)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # a broken client is not news
        pass


def serve(config: SiteConfig, host: str, port: int, poll: bool = False) -> int:
    """Build, serve and rebuild until interrupted."""
    preview = Preview(config)
    try:
        server = _Server((host, port), make_handler(preview, _allowed(host)))
    except OSError as exc:
        preview.close()
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror}"
            " (try another --port, or --port 0 for any free one)"
        ) from None
    if host not in _LOCAL_HOSTS:
        print(
            f"warning: listening on {host}: anyone who can reach this machine can read the "
            "preview; the preview server is not for public use",
            file=sys.stderr,
        )
    debouncer = Debouncer()
    observer = start_watching(config.root, debouncer.notify, poll=poll)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    try:
        preview.rebuild()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        shown_host = f"[{host}]" if ":" in host else host
        print(
            f"serving http://{shown_host}:{server.server_address[1]}{config.base_path} "
            "(Ctrl-C to stop)",
            flush=True,
        )
        while debouncer.wait():
            preview.rebuild()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut cleanup
            signal.signal(signum, signal.SIG_IGN)
        debouncer.stop()
        observer.stop()
        server.shutdown()
        server.server_close()
        preview.close()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _host_of(header: str) -> str:
    """The host part of a Host header: `[::1]:8000` -> `[::1]`, `localhost:8000` -> `localhost`."""
    if header.startswith("["):
        return header[: header.find("]") + 1]
    return header.rsplit(":", 1)[0]


def _allowed(host: str) -> set[str]:
    return _LOCAL_HOSTS | {host, f"[{host}]"}
