"""The preview's HTTP side: what a request may name, and the handler that answers it from the
current snapshot (pages from memory, media streamed from content/media with byte ranges) or
holds the live-reload channel open.

Open tabs listen on a Server-Sent Events channel that says only which build is current, what
the errors are and which stylesheets changed; it never carries a file.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import os
import re
import threading
from dataclasses import dataclass, field
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import quote, unquote_to_bytes, urlsplit

from ..load.files import open_regular
from ..model import MEDIA_TYPES
from .indexer import SearchIndex

CHANNEL = "/__site-builder/"
RELOAD_SCRIPT = CHANNEL.encode() + b"reload.js"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
_RELOAD_JS = (Path(__file__).parent / "reload.js").read_text(encoding="utf-8")
for _suffix in (".vtt", ".srt"):  # transcripts, which the system's table may not know
    mimetypes.add_type(MEDIA_TYPES[_suffix], _suffix)


def normalize_request_path(target: str, base_path: str = "/") -> str | None:
    """The site path a request target names (`essays/x/`), or None for anything else.

    The target is percent-decoded exactly once, as UTF-8; a query is ignored; `..` and `.`
    segments, empty segments, backslashes, NUL, `#`, spaces and line breaks are refused.
    """
    if (
        any(c in target for c in "#\\\r\n\t ")
        or not target.startswith("/")
        or (target.startswith("//"))
    ):
        return None
    path = target.split("?", 1)[0]
    if not path.startswith(base_path):
        return None
    try:
        decoded = unquote_to_bytes(path[len(base_path) :]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\\" in decoded or any(ord(c) < 0x20 or ord(c) == 0x7F for c in decoded):
        return None
    segments = decoded.split("/")
    if any(s in (".", "..") for s in segments) or "" in segments[:-1]:
        return None
    return decoded


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One build as the server sees it; replaced whole, never changed."""

    build: int
    files: dict[str, bytes] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    stylesheets: tuple[str, ...] = ()  # set when only stylesheets changed since the last build

    def message(self) -> str:
        return json.dumps(
            {"build": self.build, "errors": list(self.errors), "css": list(self.stylesheets)}
        )


class Served(Protocol):
    """What the handler reads: the current snapshot, and the condition a swap notifies."""

    snapshot: Snapshot
    changed: threading.Condition
    base_path: str
    content_dir: Path
    image_dir: Path  # the build's image cache, which a snapshot's web sizes and cards are in
    search: SearchIndex


def make_handler(preview: Served, allowed_hosts: set[str]) -> type[BaseHTTPRequestHandler]:
    """A handler class bound to this preview: http.server makes one handler per request from
    a class, so what every request reads rides on the class."""
    attrs = {
        "preview": preview,
        "allowed_hosts": allowed_hosts,
        "base_path": preview.base_path,
        "roots": (preview.content_dir.resolve(), preview.image_dir.resolve()),
    }
    return type("Handler", (_Handler,), attrs)


class _Handler(BaseHTTPRequestHandler):
    """Answers one request from the current snapshot; `make_handler` sets what it reads."""

    preview: Served
    allowed_hosts: set[str]
    base_path: str
    roots: tuple[Path, ...]  # what a snapshot's copies may be in

    server_version = "site-builder"
    sys_version = ""
    protocol_version = "HTTP/1.1"

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
        if _host_of(self.headers.get("Host") or "") not in self.allowed_hosts:
            return self._plain(HTTPStatus.FORBIDDEN, "Host not allowed\n", send_body)
        if self.path.startswith(CHANNEL):
            return self._channel(send_body)
        if self.path == "/" and self.base_path != "/":
            return self._redirect(self.base_path)
        snapshot = self.preview.snapshot
        rel = normalize_request_path(self.path, self.base_path)
        if rel is None:
            return self._not_found(snapshot, send_body)
        key = rel + "index.html" if rel == "" or rel.endswith("/") else rel
        if key in snapshot.files:
            body = snapshot.files[key]
            if callable(body):  # a feed, made when first asked for (steps.render.Deferred)
                body = body()
            if key.endswith(".html"):  # the page says which build it is from
                body = body.replace(RELOAD_SCRIPT, b"%s?build=%d" % (RELOAD_SCRIPT, snapshot.build))
            return self._send(HTTPStatus.OK, body, _type(key), send_body)
        if (found := self.preview.search.file(key)) is not None:  # indexed after the build
            return self._send(HTTPStatus.OK, found, _type(key), send_body)
        source = snapshot.copies.get(key)
        # checked again now: a symlink may have been swapped in since the build
        if source is not None and any(map(source.resolve().is_relative_to, self.roots)):
            with contextlib.suppress(OSError):
                return self._send_file(source, _type(key), send_body)
        if f"{rel}/index.html" in snapshot.files:
            return self._redirect(self.base_path + quote(rel) + "/")
        return self._not_found(snapshot, send_body)

    def _not_found(self, snapshot: Snapshot, send_body: bool) -> None:
        page = snapshot.files.get("404.html")
        if page is None:  # before the first good build: say why, escaped
            text = "\n".join(snapshot.errors) or "Not found"
            page = f"<!doctype html><title>Not found</title><pre>{escape(text)}</pre>".encode()
        self._send(HTTPStatus.NOT_FOUND, page, "text/html; charset=utf-8", send_body)

    def _channel(self, send_body: bool) -> None:
        name = urlsplit(self.path).path[len(CHANNEL) :]
        if name == "reload.js":
            return self._send(
                HTTPStatus.OK, _RELOAD_JS.encode(), "text/javascript; charset=utf-8", send_body
            )
        origin = self.headers.get("Origin")
        if name != "events" or (
            origin and _host_of(urlsplit(origin).netloc) not in self.allowed_hosts
        ):
            return self._plain(HTTPStatus.FORBIDDEN, "Forbidden\n", send_body)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if not send_body:
            return
        sent = None
        with contextlib.suppress(OSError):
            while True:
                with self.preview.changed:
                    if sent is self.preview.snapshot:
                        self.preview.changed.wait(timeout=15)
                    current = self.preview.snapshot
                if current is sent:
                    self.wfile.write(b": still here\n\n")  # keeps proxies from closing
                else:
                    self.wfile.write(f"data: {current.message()}\n\n".encode())
                self.wfile.flush()
                sent = current

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

    def _send_file(self, source: Path, kind: str, send_body: bool) -> None:
        """A media file, with single byte ranges so that audio players can seek; streamed
        from the disk (a 400 MB episode is never all in memory); a FIFO swapped in since the
        build raises OSError here instead of hanging the request."""
        with open_regular(source) as f:
            self._send_range(f, os.fstat(f.fileno()).st_size, kind, send_body)

    def _send_range(self, f: BinaryIO, size: int, kind: str, send_body: bool) -> None:
        """The bytes of `f` (of `size`) that the Range header asks for, else all of them."""
        header = self.headers.get("Range")
        wanted = byte_range(header, size) if header is not None else (0, size - 1)
        if wanted is None:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        start, end = wanted
        partial = (start, end) != (0, size - 1)
        self.send_response(HTTPStatus.PARTIAL_CONTENT if partial else HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        if partial:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        wanted_bytes = end - start + 1
        if (
            send_body
            and wanted_bytes > 0
            and self.connection.sendfile(f, start, wanted_bytes) < wanted_bytes
        ):
            self.close_connection = True  # the file shrank: the length was a lie


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The bytes (first, last) a Range header asks of a file of `size` bytes, or None when it
    asks only for bytes the file does not have (416). Anything but one plain range is the whole
    file, as a server that ignores Range would answer."""
    wanted = re.fullmatch(r"bytes=(\d*)-(\d*)", header.strip())
    if not wanted or not any(wanted.groups()):
        return 0, size - 1
    first, last = (_offset(g) if g else None for g in wanted.groups())
    if first is None:  # the last `last` bytes
        return (max(size - last, 0), size - 1) if last and size else None
    if first >= size or (last is not None and last < first):
        return None
    return first, size - 1 if last is None else min(last, size - 1)


def _offset(digits: str) -> int:
    # more digits than any file has bytes: past every end (int() refuses 4,300 digits or more)
    return int(digits) if len(digits) <= 18 else 10**18


def _type(path: str) -> str:
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in (
        "application/javascript",
        "image/svg+xml",
        "application/json",
        "application/xml",
    ):
        kind += "; charset=utf-8"
    return kind


def _host_of(header: str) -> str:
    """The host part of a Host header: `[::1]:8000` -> `[::1]`, `localhost:8000` -> `localhost`."""
    if header.startswith("["):
        return header[: header.find("]") + 1]
    return header.rsplit(":", 1)[0]
