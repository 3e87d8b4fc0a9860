"""The preview server over real sockets, and live reload in a real browser."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.serve import resolve_request_path

SITE = Path(__file__).parent / "sites" / "basic"


@pytest.fixture
def served(tmp_path):
    """A copy of the basic site served on a free port; yields (root, port, process)."""
    import shutil

    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    proc = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--root", str(root), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/sub/", line)
    assert match, line + proc.stderr.read()
    yield root, int(match.group(1)), proc
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=5)


def request(port: int, target: str, method: str = "GET", headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.putrequest(
        method, target, skip_host=bool(headers and "Host" in headers), skip_accept_encoding=True
    )
    for name, value in (headers or {}).items():
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_request_paths_stay_inside_the_served_folder(tmp_path):
    root = tmp_path / "_site"
    (root / "essays" / "a").mkdir(parents=True)
    (root / "essays" / "a" / "index.html").write_text("a")
    (tmp_path / "_site-leak").mkdir()
    (tmp_path / "_site-leak" / "secret").write_text("s")
    (root / "link").symlink_to(tmp_path / "_site-leak")
    assert resolve_request_path(root, "/essays/a/") == (root / "essays/a/index.html").resolve()
    assert resolve_request_path(root, "/essays/a") == "/essays/a/"
    for hostile in (
        "/../_site-leak/secret",
        "/..%2f_site-leak/secret",
        "/%2e%2e/_site-leak/secret",
        "/%252e%252e%252f_site-leak/secret",
        "/link/secret",
        "/%00",
        "/a%00.html",
        "/%ff%fe",
        "/essays/a/index.html/",
        "/..\\_site-leak/secret",
        "/x#y",
        "/%c0%ae%c0%ae/secret",
    ):
        assert resolve_request_path(root, hostile) is None, hostile


def test_server_serves_the_build_only_and_refuses_the_rest(served):
    _, port, _ = served
    status, headers, body = request(port, "/sub/essays/paper-promises/")
    assert status == 200 and b"Paper promises" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Access-Control-Allow-Origin" not in headers
    assert request(port, "/sub/../../../../etc/passwd")[0] == 404
    assert request(port, "/sub/site.yaml")[0] == 404
    assert request(port, "/sub/content/pages/about.md")[0] == 404
    status, headers, body = request(port, "/sub/%3Cscript%3Ealert(1)%3C/script%3E")
    assert status == 404 and b"<script>alert(1)" not in body
    assert request(port, "/sub/", "POST")[0] == 405
    status, headers, body = request(port, "/sub/", "HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    assert request(port, "/sub/", headers={"Host": "evil.example"})[0] == 403
    for target in ("//evil.example/%2e%2e%2fessays", r"/\evil.example/%2e%2e%2fessays"):
        assert request(port, target)[0] == 404  # never a redirect off the origin
    status, headers, _ = request(port, "/sub/essays")
    assert status == 301 and headers["Location"] == "/sub/essays/"


def test_served_pages_carry_the_reload_script_and_built_pages_do_not(served, tmp_path, cli):
    _, port, _ = served
    assert b"/__site-builder/reload.js" in request(port, "/sub/")[2]
    assert cli("build", "--root", SITE, "--output", tmp_path / "out").code == 0
    assert "__site-builder" not in (tmp_path / "out" / "index.html").read_text()


def test_reload_channel_checks_origin(served):
    _, port, _ = served
    status, _, _ = request(
        port,
        "/__site-builder/events",
        "HEAD",
        headers={"Host": f"127.0.0.1:{port}", "Origin": "http://evil.example"},
    )
    assert status == 403


def test_edit_reloads_the_open_tab_and_errors_keep_the_last_good_build(served, browser):
    root, port, proc = served
    essay = root / "content/essays/2026-05-09-paper-promises.md"
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{port}/sub/essays/paper-promises/")
    assert page.locator("h1").inner_text() == "Paper promises"
    essay.write_text(essay.read_text().replace("title: Paper promises", "title: Paper guarantees"))
    page.wait_for_function(
        "document.querySelector('h1').innerText === 'Paper guarantees'", timeout=10_000
    )
    essay.write_text(essay.read_text().replace("title: Paper guarantees", "titlecolon"))
    time.sleep(1.0)
    status, _, body = request(port, "/sub/essays/paper-promises/")
    assert status == 200 and b"Paper guarantees" in body  # still the last good build
    assert proc.poll() is None


def test_ctrl_c_stops_and_removes_the_temporary_folder(tmp_path):
    import shutil

    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--root", str(root), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp)},
    )
    assert "serving" in proc.stdout.readline()
    assert list(tmp.iterdir())
    start = time.monotonic()
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=5) == 0
    assert time.monotonic() - start < 2
    assert "Traceback" not in proc.stderr.read()
    assert list(tmp.iterdir()) == []
    assert not (root / "output").exists()


def test_busy_port_is_a_one_line_error(served, tmp_path):
    _, port, _ = served
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "serve", "--root", str(SITE), "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith(
        f"site-builder: error: cannot listen on 127.0.0.1:{port}"
    )
    assert "Traceback" not in result.stderr
