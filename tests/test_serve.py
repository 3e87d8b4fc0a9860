"""The preview server over real sockets (RELIABILITY.md groups A, B, D) and in a real browser."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from html import escape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sitecheck import launch_serve, read_line, start_serve

from site_builder.preview.handler import byte_range, normalize_request_path

SITE = Path(__file__).parent / "sites" / "basic"
ESSAY = "content/essays/2026-05-09-paper-promises.md"
CACHE_IMAGES = ".site-builder-cache/images"


# `serve` with its builds wrapped: "SLOW" in the about page makes a build hang (so that it can
# be interrupted), "BOOM" makes it raise as a bug in site-builder would.
FAULTY = """
import sys, time
from site_builder import cli
from site_builder.preview import server

real = server.make_site

def make_site(config, **kwargs):
    about = (config.content_dir / "pages/about.md").read_text()
    if "SLOW" in about:
        print("building slowly", file=sys.stderr, flush=True)
        time.sleep(60)
    if "BOOM" in about:
        raise ValueError("a bug <b>in</b> the build")
    return real(config, **kwargs)

server.make_site = make_site
sys.exit(cli.main(sys.argv[1:]))
"""


def launch(root: Path, *args: str, env: dict | None = None, faulty: bool = False):
    return launch_serve(root, *args, env=env, program=["-c", FAULTY] if faulty else None)


def start(root: Path, *args: str, env: dict | None = None, faulty: bool = False):
    return start_serve(root, *args, env=env, program=["-c", FAULTY] if faulty else None)


def stop(proc: subprocess.Popen, signum: int = signal.SIGTERM) -> str:
    """Stop the server as a terminal would; it must go within two seconds. Returns its stderr."""
    started = time.monotonic()
    proc.send_signal(signum)
    try:
        code = proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)  # PYTHONFAULTHANDLER: where every thread was
        proc.wait()
        raise AssertionError("still running 5 s after the signal\n" + proc.stderr.read()) from None
    err = proc.stderr.read()
    assert code == 0 and time.monotonic() - started < 2, err
    return err


@pytest.fixture
def served(tmp_path):
    """A copy of the basic site served on a free port: (root, port, process)."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    (tmp_path / "site-leak").mkdir()
    (tmp_path / "site-leak" / "secret").write_text("secret")
    proc, port = start(root)
    yield root, port, proc
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


def raw_request(port: int, line: bytes) -> bytes:
    """Send bytes as they are (no client-side normalisation) and return the raw answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(line + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


# --- A: path containment ------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/.%2e/etc/passwd",
        "/%2e./etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/%2e%2e%2fetc",
        "/..%2f_site-leak/secret",
        "/../_site-leak/secret",
        "/%00",
        "/a%00.html",
        "/%D1.html",
        "/%ff%fe",
        "/%c0%ae%c0%ae/etc/passwd",
        "/x#y",
        "/a b",
        "/a%0d%0aSet-Cookie:x",
        "/..\\secret",
        "//evil.example/x",
        "relative",
    ],
)
def test_hostile_targets_name_nothing(target):
    assert normalize_request_path(target, "/") is None


def test_targets_decode_once_and_ignore_queries():
    assert normalize_request_path("/%D1%8F.html") == "я.html"
    assert normalize_request_path("/я.html") == "я.html"
    assert normalize_request_path("/sub/essays/x/?raw&import", "/sub/") == "essays/x/"
    assert normalize_request_path("/%252e", "/") == "%2e"  # a file literally named "%2e"
    assert normalize_request_path("/essays", "/sub/") is None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "/",
                ".",
                "..",
                "%2e",
                "%2f",
                "%5c",
                "%00",
                "%c0",
                "%ae",
                "a",
                "%25",
                "\\",
                ":",
                "?",
                "#",
                "essays",
            ]
        ),
        max_size=12,
    )
)
def test_no_spelling_of_a_path_leaves_the_site(parts):
    rel = normalize_request_path("/" + "".join(parts), "/")
    if rel is not None:
        assert ".." not in rel.split("/") and "\\" not in rel and "\x00" not in rel


def test_server_serves_the_build_only(served, tmp_path):
    _, port, _ = served
    # decoded once: a literal "%2e%2e%2f…" name, which the site does not have
    assert request(port, "/sub/%252e%252e%252fetc/passwd")[0] == 404
    status, headers, body = request(port, "/sub/essays/paper-promises/")
    assert status == 200 and b"Paper promises" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    for target in (
        "/sub/site.yaml",
        "/sub/content/pages/about.md",
        "/sub/.git/config",
        "/sub/.env",
        "/sub/essays/paper-promises/index.html/",
    ):
        assert request(port, target)[0] == 404, target
    for target in (
        b"/sub/../../../../etc/passwd",
        b"/sub/..%2f..%2fetc%2fpasswd",
        b"/sub/%2e%2e/%2e%2e/etc/passwd",
        b"/sub/%00",
        b"/sub/%ff%fe",
    ):
        answer = raw_request(port, b"GET " + target + b" HTTP/1.1")
        assert answer.startswith((b"HTTP/1.1 404", b"HTTP/1.1 400")), target
        assert b"root:" not in answer
    assert request(port, "/sub/essays/paper-promises/")[0] == 200  # still up


def test_unicode_and_queries(served):
    root, port, _ = served
    (root / "content/pages/测试.md").write_text("---\ntitle: 测试\n---\nHello.\n", encoding="utf-8")
    wait_for(lambda: request(port, "/sub/%E6%B5%8B%E8%AF%95/")[0] == 200)
    assert (
        request(port, "/sub/essays/paper-promises/?raw")[2]
        == request(port, "/sub/essays/paper-promises/")[2]
    )


def test_symlinks_out_of_the_site_are_never_served(served, tmp_path):
    root, port, _ = served
    media = root / "content" / "media"
    (media / "leak").symlink_to(tmp_path / "site-leak", target_is_directory=True)
    (media / "host").symlink_to("/etc/hostname")
    (media / "loop").symlink_to(media / "loop")
    (root / "content/pages/touch.md").write_text("---\ntitle: Touch\n---\n")
    wait_for(lambda: request(port, "/sub/touch/")[0] == 200)
    for target in ("/sub/media/leak/secret", "/sub/media/host", "/sub/media/loop"):
        assert request(port, target)[0] == 404, target


def test_after_a_build_the_preview_serves_the_images_the_build_made(tmp_path, cli):
    """`build && serve`, as the README has it: the preview finds the web sizes and cards in
    the build's image cache, and must serve them from there (they are not in content/)."""
    from PIL import Image

    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    Image.new("RGB", (900, 600), (120, 40, 30)).save(root / "content/media/map.png")
    page = "---\ntitle: Map\n---\n![The front](/media/map.png)\n"
    (root / "content/pages/map.md").write_text(page)
    assert cli("build", "--root", root, "--quiet").code == 0
    built = (root / "output/map/index.html").read_text()
    shown = set(re.findall(r"/sub/(assets/[^\s\"]+\.(?:png|webp|jpg))", built))
    assert any(p.startswith("assets/img/map.") for p in shown)
    assert any(p.startswith("assets/cards/") for p in shown)  # the page's og:image
    (tmp_path / "secret").write_text("secret")
    proc, port = start(root)
    try:
        for path in sorted(shown):
            status, _, body = request(port, "/sub/" + path)
            assert status == 200 and body == (root / "output" / path).read_bytes(), path
        # an entry swapped for a link out of the site since the build is not followed
        path = next(p for p in sorted(shown) if p.startswith("assets/img/map."))
        made = (root / "output" / path).read_bytes()
        entry = next(f for f in (root / CACHE_IMAGES).iterdir() if f.read_bytes() == made)
        entry.unlink()
        entry.symlink_to(tmp_path / "secret")
        status, _, body = request(port, "/sub/" + path)
        assert status == 404 and b"secret" not in body
    finally:
        stop(proc)


def test_media_supports_ranges_and_head(served):
    _, port, _ = served
    status, headers, body = request(port, "/sub/media/sketch.svg", headers={"Range": "bytes=0-3"})
    assert status == 206 and body == b"<svg" and headers["Content-Range"].startswith("bytes 0-3/")
    status, headers, body = request(port, "/sub/media/sketch.svg", "HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 4
    assert request(port, "/sub/media/sketch.svg", headers={"Range": "bytes=9999-"})[0] == 416


@pytest.mark.parametrize(
    "header, expected",
    [
        ("bytes=0-3", (0, 3)),
        ("bytes=-3", (97, 99)),
        ("bytes=90-", (90, 99)),
        ("bytes=90-500", (90, 99)),
        ("bytes=100-", None),
        ("bytes=5-2", None),
        ("bytes=-0", None),
        ("bytes=0-1,5-6", (0, 99)),  # several ranges: the whole file
        ("items=0-3", (0, 99)),
        ("bytes=" + "9" * 5000 + "-", None),
        ("bytes=0-" + "9" * 5000, (0, 99)),
        ("bytes=-" + "9" * 5000, (0, 99)),
    ],
)
def test_byte_ranges(header, expected):
    assert byte_range(header, 100) == expected


def test_a_range_of_five_thousand_digits_is_answered(served):
    _, port, _ = served
    huge = "9" * 5000
    status, headers, _ = request(port, "/sub/media/sketch.svg", headers={"Range": f"bytes={huge}-"})
    assert status == 416 and headers["Content-Range"].startswith("bytes */")
    status, _, body = request(port, "/sub/media/sketch.svg", headers={"Range": f"bytes=0-{huge}"})
    assert status == 200 and body.startswith(b"<svg")


def peak_memory(pid: int) -> int:
    """The process's largest resident size so far, in kB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_large_media_is_streamed_not_read_into_memory(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    size = 400 * 2**20
    with open(root / "content/media/episode.bin", "wb") as f:
        f.truncate(size)  # sparse: no disk space, and reads are quick
    proc, port = start(root)
    try:
        before = peak_memory(proc.pid)
        for headers, status, length in (
            ({}, 200, size),
            ({"Range": "bytes=1-"}, 206, size - 1),
            ({"Range": f"bytes=-{size // 2}"}, 206, size // 2),
        ):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/sub/media/episode.bin", headers=headers)
            response = conn.getresponse()
            assert response.status == status
            received = 0
            while chunk := response.read(2**20):
                received += len(chunk)
            assert received == length
            conn.close()
        assert peak_memory(proc.pid) - before < 32 * 1024  # kB: not the file's 400 MB
    finally:
        stop(proc)


def test_two_hundred_requests_at_once_are_all_answered_quickly(served):
    _, port, _ = served
    answers = []
    together = threading.Barrier(200, timeout=10)

    def fetch() -> None:
        together.wait()  # every client connects at the same moment
        try:
            answers.append(request(port, "/sub/")[0])
        except OSError as exc:
            answers.append(exc)

    clients = [threading.Thread(target=fetch) for _ in range(200)]
    started = time.monotonic()
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=10)
    assert answers == [200] * 200
    assert time.monotonic() - started < 5


# --- B: exposure, methods, redirects ----------------------------------------------------------


def test_methods_hosts_origins_and_redirects(served):
    _, port, _ = served
    for method in ("POST", "PUT", "DELETE", "TRACE", "PATCH"):
        status, headers, _ = request(port, "/sub/", method)
        assert status == 405 and headers["Allow"] == "GET, HEAD"
    status, headers, body = request(port, "/sub/", "HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    assert "Access-Control-Allow-Origin" not in headers
    assert request(port, "/sub/", headers={"Host": "evil.example"})[0] == 403
    assert request(port, "/sub/", headers={"Host": f"localhost:{port}"})[0] == 200
    assert request(port, "/sub/", headers={"Host": f"[::1]:{port}"})[0] == 200
    status, _, _ = request(
        port,
        "/__site-builder/events",
        "HEAD",
        headers={"Host": f"127.0.0.1:{port}", "Origin": "http://evil.example"},
    )
    assert status == 403
    for target in ("//evil.example/%2e%2e%2fessays", "/\\evil.example/%2e%2e%2fessays"):
        assert request(port, target)[0] in (400, 404)
    status, headers, _ = request(port, "/sub/essays")
    assert status == 301 and headers["Location"] == "/sub/essays/"
    status, headers, _ = request(port, "/")
    assert status == 301 and headers["Location"] == "/sub/"
    status, _, body = request(port, "/sub/%3Cscript%3Ealert(1)%3C/script%3E")
    assert status == 404 and b"<script>alert(1)" not in body


def test_loopback_by_default_and_a_warning_for_all_interfaces(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    proc, _ = start(root, "--host", "0.0.0.0")
    try:
        err = wait_for(lambda: proc.stderr.readline())
        assert "warning: listening on 0.0.0.0" in err and "not for public use" in err
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=5)


def test_busy_port_is_a_one_line_error(served):
    _, port, _ = served
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "serve", "--root", str(SITE), "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"site-builder: error: cannot listen on 127.0.0.1:{port}: Address already in use "
        "(try another --port, or --port 0 for any free one)"
    )


# --- C and D: rebuilds, errors and stopping ---------------------------------------------------


def events(port: int):
    """The reload channel's messages, as the browser's EventSource reads them."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/__site-builder/events", headers={"Origin": f"http://127.0.0.1:{port}"})
    response = conn.getresponse()
    assert response.status == 200 and response.getheader("Content-Type") == "text/event-stream"
    while line := response.fp.readline():
        if line.startswith(b"data: "):
            yield json.loads(line[6:])


def test_errors_keep_the_last_good_build_and_reach_the_channel(served):
    root, port, proc = served
    stream = events(port)
    first = next(stream)
    assert first["errors"] == []
    essay = root / ESSAY
    good = essay.read_text()
    essay.write_text(good.replace("title: Paper promises", "titlecolon"))
    broken = next(stream)
    assert broken["build"] > first["build"]
    assert f"{ESSAY}:3: error: YAML syntax: mapping values are not allowed" in "\n".join(
        broken["errors"]
    )
    assert request(port, "/sub/essays/paper-promises/")[0] == 200  # the last good page
    essay.write_text(good.replace("Paper promises", "Paper guarantees"))
    fixed = next(stream)
    assert fixed["errors"] == [] and fixed["css"] == []
    assert b"Paper guarantees" in request(port, "/sub/essays/paper-promises/")[2]
    assert proc.poll() is None


def stylesheet(port: int) -> str:
    page = request(port, "/sub/")[2].decode()
    href = re.search(r'<link rel="stylesheet" href="(/sub/assets/style\.[0-9a-f]+\.css)">', page)
    return request(port, href.group(1))[2].decode()


def test_a_folder_made_while_serving_is_watched_and_a_stylesheet_change_is_announced(served):
    root, port, _ = served
    (root / "templates/static").mkdir(parents=True)  # a new folder: watched from now on
    (root / "templates/static/style.css").write_text("body { color: rebeccapurple; }\n")
    wait_for(lambda: "rebeccapurple" in stylesheet(port))
    time.sleep(0.3)  # let the builds for the new folder settle
    stream = events(port)
    next(stream)  # the current state
    (root / "templates/static/style.css").write_text("body { color: teal; }\n")
    state = next(stream)
    assert state["css"] == [
        re.search(r"/sub/assets/style\.[0-9a-f]+\.css", request(port, "/sub/")[2].decode()).group(0)
    ]
    assert "teal" in stylesheet(port)


def test_editor_scratch_files_do_not_rebuild(served):
    root, port, _ = served
    stream = events(port)
    first = next(stream)
    essays = root / "content/essays"
    for name in (
        "4913",
        ".post.md.swp",
        "post.md~",
        "x.bck",
        "x___jb_tmp___",
        ".goutputstream-ABC123",
    ):
        (essays / name).write_text("scratch")
        (essays / name).unlink()
    essays.joinpath(ESSAY.rsplit("/", 1)[1]).write_text(
        (root / ESSAY).read_text().replace("Guarantees written", "Promises written")
    )
    assert next(stream)["build"] == first["build"] + 1  # only the real save rebuilt


def test_a_burst_of_saves_ends_in_one_or_two_builds_with_the_last_content(served):
    root, port, _ = served
    stream = events(port)
    first = next(stream)
    essay = root / ESSAY
    text = essay.read_text()
    for i in range(20):
        essay.write_text(text.replace("Paper promises", f"Paper promises {i}"))
        time.sleep(0.002)
    state = next(stream)
    body = request(port, "/sub/essays/paper-promises/")[2]
    if b"Paper promises 19" not in body:
        state = next(stream)
        body = request(port, "/sub/essays/paper-promises/")[2]
    assert b"Paper promises 19" in body and state["build"] - first["build"] <= 2


def test_atomic_rename_and_deletes(served):
    root, port, _ = served
    stream = events(port)
    next(stream)
    essay = root / ESSAY
    tmp = essay.with_name(".paper.md.tmp123")
    tmp.write_text(essay.read_text().replace("Paper promises", "Renamed into place"))
    tmp.replace(essay)  # how many editors save: write aside, rename over
    next(stream)
    assert b"Renamed into place" in request(port, "/sub/essays/paper-promises/")[2]
    (root / "content/pages/about.md").rename(root / "content/pages/about-us.md")
    next(stream)
    assert request(port, "/sub/about/")[0] == 404
    assert request(port, "/sub/about-us/")[0] == 200
    assert b"/sub/about/" not in request(port, "/sub/sitemap.xml")[2]


@pytest.mark.parametrize("poll", [False, True], ids=["inotify", "poll"])
def test_content_deleted_and_restored_is_still_watched(tmp_path, poll):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    proc, port = start(root, *(["--poll"] if poll else []))
    try:
        shutil.rmtree(root / "content")  # a checkout of a branch without it
        wait_for(lambda: request(port, "/sub/about/")[0] == 404)
        shutil.copytree(SITE / "content", root / "content")
        wait_for(lambda: request(port, "/sub/about/")[0] == 200)
        about = root / "content/pages/about.md"
        about.write_text(about.read_text().replace("About this site", "Edited after the restore"))
        wait_for(lambda: b"Edited after the restore" in request(port, "/sub/about/")[2])
    finally:
        stop(proc)


def test_ctrl_c_and_sigterm_stop_quickly_leaving_nothing(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    for signum in (signal.SIGINT, signal.SIGTERM):
        proc, _ = start(root, env={"TMPDIR": str(tmp)})
        started = time.monotonic()
        proc.send_signal(signum)
        assert proc.wait(timeout=5) == 0
        assert time.monotonic() - started < 1.5
        assert "Traceback" not in proc.stderr.read()
    assert list(tmp.iterdir()) == []
    assert not (root / "output").exists()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_the_first_build_stops_at_once_leaving_nothing(tmp_path, signum):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    (root / "content/pages/about.md").write_text("---\ntitle: About\n---\nSLOW\n")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = launch(root, env={"TMPDIR": str(tmp)}, faulty=True)
    try:
        assert read_line(proc.stderr) == "building slowly\n"
    except AssertionError:
        proc.kill()
        raise
    assert "Traceback" not in stop(proc, signum)
    assert list(tmp.iterdir()) == []
    assert sorted(p.name for p in root.iterdir()) == sorted(p.name for p in SITE.iterdir())


ABOUT_BUG = (
    "internal error: ValueError: a bug <b>in</b> the build"
    " (this is a bug in site-builder; the terminal shows the traceback)"
)


def test_a_bug_in_the_first_build_is_shown_and_the_server_stays_up(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    about = root / "content/pages/about.md"
    about.write_text("---\ntitle: About\n---\nBOOM\n")
    proc, port = start(root, faulty=True)
    try:
        status, _, body = request(port, "/sub/about/")
        assert status == 404 and escape(ABOUT_BUG).encode() in body  # escaped
        about.write_text("---\ntitle: About\n---\nFixed.\n")
        wait_for(lambda: b"Fixed." in request(port, "/sub/about/")[2])
    finally:
        err = stop(proc)
    assert err.count("this is a bug in site-builder") == 1
    assert "Traceback" in err and "ValueError: a bug <b>in</b> the build" in err


def test_a_bug_in_a_rebuild_keeps_the_last_good_build_and_a_fix_reloads(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    about = root / "content/pages/about.md"
    good = about.read_text()
    proc, port = start(root, faulty=True)
    try:
        stream = events(port)
        first = next(stream)
        about.write_text(good + "BOOM\n")
        broken = next(stream)
        assert broken["build"] > first["build"] and broken["errors"] == [ABOUT_BUG]
        status, _, body = request(port, "/sub/about/")
        assert status == 200 and b"About this site" in body  # the last good page
        about.write_text(good.replace("About this site", "About us now"))
        fixed = next(stream)
        assert fixed["errors"] == []
        assert b"About us now" in request(port, "/sub/about/")[2]
    finally:
        err = stop(proc)
    assert err.count("this is a bug in site-builder") == 1
    assert err.count("Traceback") == 1


def test_a_session_writes_nothing_into_the_site(chart_site):
    root = chart_site
    before = sorted(root.rglob("*"))
    proc, port = start(root)
    try:
        assert b'class="chart-svg"' in request(port, "/charted/")[2]
        page = root / "content/pages/charted.md"
        page.write_text(
            page.read_text().replace("three in 2021", "four in 2021").replace("3}", "4}")
        )
        wait_for(lambda: b"four in 2021" in request(port, "/charted/")[2])
    finally:
        stop(proc)
    assert sorted(root.rglob("*")) == before  # no .site-builder-cache/charts either


def test_served_pages_carry_the_reload_script_and_built_pages_do_not(served, tmp_path, cli):
    _, port, _ = served
    # each page names the build it came from, so a tab that connects late still reloads
    assert re.search(
        rb'<script src="/__site-builder/reload\.js\?build=\d+" defer>', request(port, "/sub/")[2]
    )
    assert cli("build", "--root", SITE, "--output", tmp_path / "out", "--no-cache").code == 0
    assert "__site-builder" not in (tmp_path / "out" / "index.html").read_text()


# --- in a real browser -----------------------------------------------------------------------


def test_browser_follows_edits_errors_fixes_and_deletions(served, browser):
    root, port, _ = served
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{port}/sub/essays/reading-the-stalemate/")
    assert page.locator("h1").inner_text().startswith("Reading the stalemate")
    page.evaluate("window.scrollTo(0, 200)")
    essay = root / "content/essays/2026-03-14-reading-the-stalemate.md"
    good = essay.read_text()

    essay.write_text(good.replace("The front has not moved", "The front still has not moved"))
    page.wait_for_function(
        "document.body.innerText.includes('The front still has not moved')", timeout=10_000
    )

    essay.write_text(good.replace("date: 2026-03-14", "date: 2026-02-30"))
    overlay = page.get_by_role("alertdialog", name="Build errors")
    overlay.wait_for(timeout=10_000)
    text = overlay.inner_text()
    assert "content/essays/2026-03-14-reading-the-stalemate.md:3:" in text

    essay.write_text(good)
    overlay.wait_for(state="detached", timeout=10_000)
    assert page.locator("h1").inner_text().startswith("Reading the stalemate")

    (root / "content/glossary/security-guarantees.md").unlink()
    other = root / "content/essays/2026-05-09-paper-promises.md"
    other.write_text(other.read_text().replace("[[security guarantees]]", "security guarantees"))
    page.goto(f"http://127.0.0.1:{port}/sub/essays/paper-promises/")
    page.wait_for_function(
        "!document.querySelector('a[href=\"/sub/glossary/security-guarantees/\"]')", timeout=10_000
    )
    assert request(port, "/sub/glossary/security-guarantees/")[0] == 404


def test_overlay_escapes_what_it_shows(served, browser):
    root, port, _ = served
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{port}/sub/")
    (root / "content/essays/2026-05-09-paper-promises.md").write_text(
        "---\ntitle: x\ndate: 2026-05-09\n---\n[[<script>window.hacked=1</script>]]\n"
    )
    overlay = page.get_by_role("alertdialog", name="Build errors")
    overlay.wait_for(timeout=10_000)
    assert "[[<script>window.hacked=1</script>]]" in overlay.inner_text()
    assert page.evaluate("window.hacked") is None


def test_requests_during_rebuilds_get_whole_pages(served):
    root, port, _ = served
    essay = root / ESSAY
    text = essay.read_text()
    stop = time.monotonic() + 2.0
    seen = 0
    i = 0
    while time.monotonic() < stop:
        if seen % 5 == 0:
            i += 1
            essay.write_text(text.replace("Paper promises", f"Paper promises {i}"))
        status, _, body = request(port, "/sub/essays/paper-promises/")
        assert status == 200 and body.rstrip().endswith(b"</html>")
        seen += 1
    assert seen > 20


def test_browser_swaps_a_changed_stylesheet_without_reloading(served, browser):
    root, port, _ = served
    (root / "templates/static").mkdir(parents=True)
    style = root / "templates/static/style.css"
    style.write_text("body { background: rgb(1, 2, 3); }\n")
    wait_for(lambda: "rgb(1, 2, 3)" in stylesheet(port))
    time.sleep(0.3)
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{port}/sub/")
    page.evaluate("window.keptAcrossTheSwap = true")
    style.write_text("body { background: rgb(4, 5, 6); }\n")
    page.wait_for_function(
        "getComputedStyle(document.body).backgroundColor === 'rgb(4, 5, 6)'", timeout=10_000
    )
    assert page.evaluate("window.keptAcrossTheSwap") is True  # no reload happened


def test_template_errors_name_the_template_line_and_the_page(cli, site):
    root = site(
        {
            "content/pages/about.md": "---\ntitle: About\n---\nHi.\n",
            "templates/page.html": '{% extends "base.html" %}\n{% block content %}\n'
            "{{ page.title | nosuchfilter }}\n{% endblock %}\n",
        }
    )
    run = cli("check", "--root", root)
    assert run.code == 1
    assert "site/templates/page.html:3: error: No filter named 'nosuchfilter'." in run.err
    assert "(while rendering about/index.html) [template]" in run.err
