"""Shared fixtures: run the command line in-process and write small sites into tmp_path."""

from __future__ import annotations

import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from sitecheck import EXAMPLE_BASE, copy_example

from site_builder.cli import main

TESTS = Path(__file__).parent
REPO = TESTS.parent


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def errors(self) -> str:
        """stderr as if the site had no warnings: its errors, their hints, and their count
        (for tests about one error, in a site that may also be warned about)."""
        kept, keeping = [], True
        for line in self.err.splitlines(keepends=True):
            if not line.startswith("    "):
                keeping = ": warning: " not in line
            if keeping:
                kept.append(re.sub(r" and \d+ warnings?(; nothing was written)", r"\1", line))
        return "".join(kept)


@pytest.fixture
def cli(capsys):
    """cli("build", "--root", path) -> Run(code, out, err)."""

    def run(*args: str) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


# Search is off in these small sites: indexing is tested on its own (test_search.py).
SITE_YAML = "title: Test Site\nbase_url: https://example.org/\nsearch: false\n"


def write_site(root: Path, files: dict[str, str | bytes], site_yaml: str = SITE_YAML) -> Path:
    """Write a site: `files` maps paths under root to text (dedented) or bytes."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(site_yaml, encoding="utf-8")
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def site(tmp_path):
    """site(files, site_yaml=...) -> root path of a new site in tmp_path."""

    def make(files: dict[str, str | bytes], site_yaml: str = SITE_YAML) -> Path:
        return write_site(tmp_path / "site", files, site_yaml)

    return make


@pytest.fixture
def chart_site(site):
    """A site whose one page has a chart (drawn at build time, and cached by `build`)."""
    return site(
        {
            "content/pages/charted.md": """\
                ---
                title: Charted
                ---
                ```chart
                title: Meetings
                description: Two meetings in 2020, three in 2021.
                data: {values: [{year: "2020", n: 2}, {year: "2021", n: 3}]}
                mark: bar
                encoding:
                  x: {field: year, type: ordinal, title: Year}
                  y: {field: n, type: quantitative, title: Meetings}
                ```
                """
        }
    )


@pytest.fixture
def fixture_site(tmp_path):
    """A copy of tests/sites/<name> in tmp_path, so a test may build or change it freely."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(TESTS / "sites" / name, target)
        return target

    return copy


@pytest.fixture
def case_copy(tmp_path, monkeypatch):
    """case_copy(folder) -> a copy of a broken-site folder (without its expected.txt), made the
    current folder so that diagnostics print paths as an author in that site would see them."""

    def copy(source: Path) -> Path:
        root = tmp_path / source.name
        shutil.copytree(source, root)
        (root / "expected.txt").unlink()
        monkeypatch.chdir(root)
        return root

    return copy


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright; CI sets SITE_BUILDER_REQUIRE_BROWSER=1."""
    import os

    if not Path(CHROMIUM).exists():
        if os.environ.get("SITE_BUILDER_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


JS = TESTS / "js"  # package.json pins Podcast Index's feed parser, podcast-partytime


@pytest.fixture(scope="session")
def partytime():
    """partytime(feed_file) -> the feed as Podcast Index's parser reads it (node, npm). Its
    packages are installed from tests/js/package-lock.json on first use; CI sets
    SITE_BUILDER_REQUIRE_NODE=1, so there a missing node fails instead of skipping."""
    import json
    import os
    import subprocess

    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("SITE_BUILDER_REQUIRE_NODE"):
            pytest.fail("node and npm are missing: apt-get install -y nodejs npm")
        pytest.skip("node and npm are missing: apt-get install -y nodejs npm")
    if not (JS / "node_modules" / "podcast-partytime").is_dir():
        subprocess.run(
            [npm, "ci", "--prefix", str(JS), "--no-audit", "--no-fund"],
            check=True,
            capture_output=True,
        )

    def parse(feed: Path) -> dict:
        done = subprocess.run(
            [node, str(JS / "parse-feed.js"), str(feed)],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PARTYTIME_LOG": "silent"},
        )
        return json.loads(done.stdout)

    return parse


@pytest.fixture
def static_server(tmp_path):
    """static_server(output_dir, base_path) -> origin URL serving the folder under base_path.

    A plain static file server, as a host would be: nothing of site-builder's own server.
    """
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    servers = []

    def start(output: Path, base_path: str = "/") -> str:
        www = tmp_path / "www"
        mount = www / base_path.strip("/") if base_path.strip("/") else www
        mount.parent.mkdir(parents=True, exist_ok=True)
        if mount == www:
            www = output
        else:
            mount.symlink_to(output, target_is_directory=True)

        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(www)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session", autouse=True)
def private_cache_home(tmp_path_factory):
    """The build cache's signing key (kept in $XDG_CACHE_HOME) made in a temporary folder, not
    in the home of whoever runs the tests; subprocesses inherit it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


@pytest.fixture(scope="session", autouse=True)
def fixture_sites_stay_as_in_git():
    """Tests build copies of tests/sites*, or build them with --no-cache: a build cache left in
    one would be copied into later tests' sites and change what they see. A guid ledger, which
    every build of a podcast writes into its site, likewise; and the example site's ledger is
    the committed one."""

    def caches() -> set[Path]:
        return set(TESTS.glob("sites*/*/.site-builder-cache"))

    def ledgers() -> dict[Path, bytes]:
        found = [*TESTS.glob("sites*/*/podcast-ledger.yaml"), REPO / "podcast-ledger.yaml"]
        return {p: p.read_bytes() for p in found if p.is_file()}

    before, ledgers_before = caches(), ledgers()
    yield
    assert caches() == before, "a test left a build cache in a fixture site"
    assert ledgers() == ledgers_before, "a test wrote a guid ledger into a fixture site"


@pytest.fixture(scope="session")
def example_built(tmp_path_factory):
    """The example site built once, search included, for the tests that read it in a browser."""
    root = copy_example(tmp_path_factory.mktemp("example") / "site")
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    return root / "output"


@pytest.fixture
def example_origin(example_built, static_server):
    """The origin of a plain static server that serves the built example under its subpath."""
    return static_server(example_built, EXAMPLE_BASE)
