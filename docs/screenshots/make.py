"""Screenshots of the example site's person page, series page and related-reading block, at a
phone's width (390 px) and a desktop's (1280 px), in the light and the dark scheme: the pictures
in this folder. Run after a change to the theme, and look at them:

    .venv/bin/python docs/screenshots/make.py

Builds the repository's site into a temporary folder, serves it under its subpath with a plain
static server, and photographs it in Debian's Chromium through Playwright.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SUBPATH = "companion"  # site.yaml's base_url path
# name -> (page, the element to photograph: None for what a reader first sees of the page)
SHOTS = {
    "person": ("people/ines-carvalho/", None),
    "series": ("series/ending-the-war/", None),
    "related": ("essays/paper-promises/", "section.related"),
}
SIZES = ((390, 844), (1280, 800))  # a phone, a desktop


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="site-builder-shots-") as tmp:
        served = Path(tmp)
        cli = Path(sys.executable).with_name("site-builder")
        output = served / SUBPATH
        subprocess.run([cli, "build", "--root", REPO, "--output", output, "--quiet"], check=True)
        handler = functools.partial(QuietHandler, directory=served)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{server.server_address[1]}/{SUBPATH}/"
        try:
            made = photograph(origin)
        finally:
            server.shutdown()
    for path in made:
        print(path.relative_to(REPO))
    return 0


def photograph(origin: str) -> list[Path]:
    made = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for scheme in ("light", "dark"):
            for width, height in SIZES:
                page = browser.new_page(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                for name, (path, element) in SHOTS.items():
                    page.goto(origin + path, wait_until="networkidle")
                    target = HERE / f"{name}-{width}-{scheme}.png"
                    if element is None:
                        page.screenshot(path=target)
                    else:
                        page.locator(element).screenshot(path=target)
                    made.append(target)
                page.close()
        browser.close()
    return made


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


if __name__ == "__main__":
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    sys.exit(main())
