"""What several tests share: a copy of the example site, a built site's files, a clean build in
another environment, the check that every internal link resolves, and a preview server in its
own process."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).parent.parent
EXAMPLE_BASE = "/companion/"  # the example site's base_url is https://example.org/companion/


def copy_example(root: Path) -> Path:
    """The example site (the repository's content, templates, site.yaml and guid ledger) copied
    to `root`."""
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name)
    for name in ("site.yaml", "podcast-ledger.yaml"):
        shutil.copy(REPO / name, root)
    return root


def content_files(folder: Path) -> dict[str, dict]:
    """File name -> front matter, with the body under `body`, of each Markdown file in `folder`."""
    from site_builder.load.frontmatter import split

    found = {}
    for path in sorted(folder.glob("*.md")):
        source = split(path.read_text(encoding="utf-8"), path.name)
        found[path.name] = {**source.data, "body": source.body}
    return found


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root`, by its path relative to it, with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def build_with_env(root: Path, out: Path, **env: str) -> dict[str, bytes]:
    """A clean build of `root` into `out`, in a process with `env` added to its environment."""
    command = ["build", "--no-cache", "--root", str(root), "--output", str(out)]
    subprocess.run(
        [sys.executable, "-m", "site_builder", *command],
        check=True,
        env={**os.environ, **env},
        capture_output=True,
    )
    return tree(out)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append((tag, value))


def urls_of(html: str) -> list[tuple[str, str]]:
    """(tag, url) for every href and src in a page."""
    parser = _Links()
    parser.feed(html)
    return parser.urls


def broken_links(out: Path, base_path: str) -> list[str]:
    """Internal links (under base_path) of every page that name no file of the build."""
    broken = []
    for page in sorted(out.rglob("*.html")):
        for tag, url in urls_of(page.read_text(encoding="utf-8")):
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("#", "mailto:")):
                continue
            if not parts.path.startswith(base_path):
                broken.append(f"{page.relative_to(out)}: {url} is not under {base_path}")
                continue
            rel = unquote(parts.path[len(base_path) :])
            target = out / rel / "index.html" if rel.endswith("/") or not rel else out / rel
            if not target.is_file():
                broken.append(f"{page.relative_to(out)}: <{tag}> {url}")
    return broken


def launch_serve(
    root: Path, *args: str, env: dict | None = None, program: list[str] | None = None
) -> subprocess.Popen:
    """`site-builder serve` on `root` and a free port (or `python <program>` with its arguments)."""
    return subprocess.Popen(
        [
            sys.executable,
            *(program or ["-m", "site_builder"]),
            "serve",
            "--root",
            str(root),
            "--port",
            "0",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONFAULTHANDLER": "1", **(env or {})},
    )


def read_line(stream, timeout: float = 20.0) -> str:
    """The next line, or AssertionError after `timeout` seconds (a pipe's read cannot time out)."""
    lines = []
    reader = threading.Thread(target=lambda: lines.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    assert lines, "timed out"
    return lines[0]


def start_serve(
    root: Path, *args: str, env: dict | None = None, program: list[str] | None = None
) -> tuple[subprocess.Popen, int]:
    """`site-builder serve` started as an author starts it, once it says where: (process, port)."""
    proc = launch_serve(root, *args, env=env, program=program)
    try:
        line = read_line(proc.stdout)
    except AssertionError:
        proc.kill()
        raise
    match = re.search(r"http://[^:]+:(\d+)/", line)
    assert match, line + proc.stderr.read()
    return proc, int(match.group(1))
