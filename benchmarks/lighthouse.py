"""Lighthouse on the built example site, served with gzip under its subpath (not run in CI).

    python benchmarks/lighthouse.py [--lighthouse PATH] [--chromium /usr/bin/chromium]

Builds the example site into a temporary folder, serves it at http://127.0.0.1:PORT/companion/
with gzip (as a host would), runs Lighthouse (npm `lighthouse`, e.g. `npm install lighthouse`
in a scratch folder and pass its node_modules/.bin/lighthouse) on a page of each kind, mobile
and desktop, and prints one row per run: the four scores, the bytes transferred, and the
audits that cost a point. The search page is run with a query, so its results load.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGES = (
    "",
    "essays/after-the-handshake/",  # a 4000 x 3000 picture
    "essays/reading-the-stalemate/",  # footnotes
    "episodes/the-night-before/",
    "glossary/ripeness/",
    "glossary/",
    "people/",
    "series/",
    "series/ending-the-war/",
    "search/?q=ceasefire",
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
_COMPRESSED = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".pf_meta")


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files, text gzipped when the browser accepts it (as hosts serve them)."""

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants and path.is_file() and path.suffix in _COMPRESSED):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lighthouse", default=shutil.which("lighthouse") or "lighthouse")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        www = Path(tmp) / "www"
        out = www / "companion"
        build = ["build", "--root", str(REPO), "--no-cache", "--output", str(out), "--quiet"]
        subprocess.run([sys.executable, "-m", "site_builder", *build], check=True)
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(www))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{server.server_address[1]}/companion/"
        heads = " ".join(f"{h:>4}" for h in ("perf", "a11y", "bp", "seo"))
        print(f"{'page':34} {'form':8} {heads} {'KB':>6}  lost")
        for path in PAGES:
            for form in ("mobile", "desktop"):
                report = _run(args.lighthouse, args.chromium, origin + path, form, Path(tmp))
                _row(path or "(home)", form, report)
        server.shutdown()
    return 0


def _run(lighthouse: str, chromium: str, url: str, form: str, tmp: Path) -> dict:
    target = tmp / "report.json"
    command = [
        *(lighthouse, url, "--quiet", "--output=json", f"--output-path={target}"),
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if form == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": chromium})
    return json.loads(target.read_text(encoding="utf-8"))


def _row(page: str, form: str, report: dict) -> None:
    scores = [round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES]
    weight = report["audits"]["total-byte-weight"]["numericValue"] / 1000
    lost = sorted(
        {
            ref["id"]
            for c in CATEGORIES
            for ref in report["categories"][c]["auditRefs"]
            if ref["weight"] and _failed(report["audits"][ref["id"]])
        }
    )
    cells = " ".join(f"{s:>4}" for s in scores)
    print(f"{page:34} {form:8} {cells} {weight:6.1f}  {', '.join(lost)}", flush=True)


def _failed(audit: dict) -> bool:
    """A pass/fail audit that failed, or a metric below Lighthouse's "good" (0.9)."""
    mode, score = audit["scoreDisplayMode"], audit["score"] or 0
    return (mode == "binary" and score < 1) or (mode == "numeric" and score < 0.9)


if __name__ == "__main__":
    sys.exit(main())
