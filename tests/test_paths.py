"""Paths an author names stay inside their folder, and only regular files are read
(RELIABILITY.md A8, A9; issue 19 points 4, 8 and 9).

Everything runs the command line in a child process with a timeout, so that a regression that
hangs on a FIFO fails the test instead of hanging the suite.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from test_serve import request, wait_for

from site_builder.load.files import inside

SECRET = "TOPSECRET"
SECRET_VTT = f"WEBVTT\n\n00:00:00.000 --> 00:00:04.000\n<v Eve>{SECRET} words on ripeness.\n"
EPISODE = "content/episodes/001-talk.md"
TIMEOUT = 60  # seconds; a build of the fixture takes about one


def run(command: str, root: Path) -> subprocess.CompletedProcess:
    """`site-builder <command> --root root`, killed (and the test failed) if it hangs."""
    return subprocess.run(
        [sys.executable, "-m", "site_builder", command, "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def published_text(out: Path) -> str:
    """Every file of a build as text, the search index's gzipped fragments unpacked."""
    texts = []
    for path in sorted(out.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            texts.append(data.decode("utf-8", "replace"))
    return "\n".join(texts)


def add_key(root: Path, rel: str, line: str) -> None:
    """Put `line` into a content file's front matter as its line 2."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("---\n", f"---\n{line}\n", 1), encoding="utf-8")


@pytest.fixture
def podcast(fixture_site, tmp_path):
    """The podcast fixture site, with a file outside it that must never be published."""
    (tmp_path / "secret.vtt").write_text(SECRET_VTT, encoding="utf-8")
    return fixture_site("podcast")


# --- symbolic links out of content/ ---------------------------------------------------------


def _outside_transcript(root: Path, outside: Path) -> str:
    vtt = root / "content/episodes/001-talk.vtt"
    vtt.unlink()
    vtt.symlink_to(outside / "secret.vtt")
    return f"{vtt.relative_to(root)}: warning: symbolic link to a file outside content/episodes/"


def _outside_responses(root: Path, outside: Path) -> str:
    letter = outside / "letters.yaml"
    letter.write_text(f"- name: Eve\n  date: 2026-03-15\n  body: {SECRET} letter\n")
    (root / "content/essays/2026-03-14-after-the-talk.responses.yaml").symlink_to(letter)
    return (
        "content/essays/2026-03-14-after-the-talk.responses.yaml: warning: symbolic link to a "
        "file outside content/essays/"
    )


def _outside_folder(root: Path, outside: Path) -> str:
    (outside / "essays").mkdir()
    (outside / "essays/2026-03-01-leak.md").write_text(
        f"---\ntitle: Leak\ndate: 2026-03-01\n---\n{SECRET}\n"
    )
    (root / "content/essays/more").symlink_to(outside / "essays", target_is_directory=True)
    return "content/essays/more: warning: symbolic link to a folder was skipped"


def _outside_media(root: Path, outside: Path) -> str:
    (outside / "leak.svg").write_text(f"<svg>{SECRET}</svg>")
    (root / "content/media/leak.svg").symlink_to(outside / "leak.svg")
    return "content/media/leak.svg: warning: symbolic link to a file outside content/media/"


@pytest.mark.parametrize(
    "link", [_outside_transcript, _outside_responses, _outside_folder, _outside_media]
)
def test_a_symlink_out_of_its_folder_is_skipped_and_nothing_of_it_is_published(
    podcast, tmp_path, link
):
    warning = link(podcast, tmp_path)
    result = run("build", podcast)
    assert result.returncode == 0, result.stderr
    assert warning in result.stderr
    # pages, transcript.vtt, concepts' quotes, feeds, the search index
    assert SECRET not in published_text(podcast / "output")


def test_broken_and_looping_symlinks_are_warnings(podcast):
    media = podcast / "content/media"
    (media / "loop.png").symlink_to(media / "loop.png")
    (podcast / "content/essays/2026-01-01-gone.md").symlink_to(podcast / "nowhere.md")
    for command in ("build", "check"):
        result = run(command, podcast)
        assert result.returncode == 0, result.stderr
        assert "content/media/loop.png: warning: symbolic link that loops was skipped" in (
            result.stderr
        )
        assert "content/essays/2026-01-01-gone.md: warning: broken symbolic link" in result.stderr


# --- paths named in front matter and site.yaml ------------------------------------------------


@pytest.mark.parametrize(
    "named, message",
    [
        ("../../../secret.vtt", "transcript path leaves content/episodes/: ../../../secret.vtt"),
        ("/etc/hostname", "transcript path must be relative to content/episodes/: /etc/hostname"),
        ("{secret}", "transcript path must be relative to content/episodes/: {secret}"),
    ],
)
def test_a_transcript_path_out_of_the_episodes_folder_is_an_error_at_its_line(
    podcast, tmp_path, named, message
):
    secret = str(tmp_path / "secret.vtt")  # absolute, outside the site: was a traceback
    (podcast / "content/episodes/001-talk.vtt").unlink()
    add_key(podcast, EPISODE, f"transcript: {named.format(secret=secret)}")
    result = run("build", podcast)
    assert result.returncode == 1
    assert f"{EPISODE}:2: error: {message.format(secret=secret)} [transcript]" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (podcast / "output").exists()


def test_an_audio_url_out_of_media_is_an_error_at_its_line(podcast):
    path = podcast / EPISODE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("/media/001-talk.mp3", "/media/../../site.yaml"))
    result = run("build", podcast)
    assert result.returncode == 1
    assert (
        f"{EPISODE}:8: error: audio path leaves content/media/: /media/../../site.yaml"
        in result.stderr
    )
    assert not (podcast / "output").exists()


@pytest.mark.parametrize(
    "name, error",
    [
        (
            "001-talk.mp3",
            f"{EPISODE}:8: error: audio path leads outside content/media/ (a symbolic link): "
            "/media/001-talk.mp3",
        ),
        (
            "cover.png",
            "site.yaml:10: error: image path leads outside content/media/ (a symbolic link): "
            "/media/cover.png",
        ),
    ],
)
def test_a_named_media_file_that_links_out_is_an_error_at_its_line(podcast, tmp_path, name, error):
    media = podcast / "content/media"
    (tmp_path / name).write_bytes((media / name).read_bytes())
    (media / name).unlink()
    (media / name).symlink_to(tmp_path / name)
    result = run("build", podcast)
    assert result.returncode == 1
    assert error in result.stderr
    assert "Traceback" not in result.stderr


def test_inside_keeps_every_spelling_in_its_folder(tmp_path):
    folder = tmp_path / "media"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub/a.csv").write_text("x\n1\n")
    (folder / "out.csv").symlink_to(tmp_path / "elsewhere.csv")
    (folder / "loop").symlink_to(folder / "loop")
    assert inside(folder, "sub/a.csv", "m/") == folder / "sub/a.csv"
    assert inside(folder, "sub/../sub/a.csv", "m/") == folder / "sub/../sub/a.csv"
    assert inside(folder, "../media/sub/a.csv", "m/") == "leaves m/"
    assert inside(folder, "sub/../../x", "m/") == "leaves m/"
    assert inside(folder, "/etc/hostname", "m/") == "must be relative to m/"
    assert inside(folder, "C:\\x", "m/") == "must be relative to m/"
    assert inside(folder, "out.csv", "m/") == "leads outside m/ (a symbolic link)"
    assert inside(folder, "loop", "m/") == "is a symbolic link that loops"
    assert inside(folder, "a\0b", "m/") == "is not a file name"


# --- special files: never opened, so never a hang ----------------------------------------------


@pytest.mark.parametrize(
    "fifo",
    [
        "content/essays/2026-03-20-pipe.md",
        "content/media/pipe.mp3",
        "content/episodes/002-guarantees.vtt",  # a transcript beside its episode
        "templates/essay.html",
    ],
)
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_fifo_is_skipped_with_a_warning_and_never_opened(podcast, fifo, command):
    (podcast / fifo).parent.mkdir(exist_ok=True)
    os.mkfifo(podcast / fifo)
    result = run(command, podcast)  # a TimeoutExpired here is the old hang
    assert result.returncode == 0, result.stderr
    assert f"{fifo}: warning: FIFO (named pipe) was skipped" in result.stderr
    if command == "build":  # and twice: the second build reads the cache's fingerprints
        assert run(command, podcast).returncode == 0
        assert (podcast / "output/essays/after-the-talk/index.html").is_file()


def test_a_transcript_named_as_a_fifo_is_an_error_not_a_hang(podcast):
    os.mkfifo(podcast / "content/episodes/pipe.vtt")
    add_key(podcast, EPISODE, "transcript: pipe.vtt")
    result = run("build", podcast)
    assert result.returncode == 1
    assert f"{EPISODE}:2: error: no transcript file 'pipe.vtt' beside the episode" in result.stderr


# --- the preview server ------------------------------------------------------------------------


def serve(root: Path) -> tuple[subprocess.Popen, int]:
    """`serve` on a free port, once its first build is done; fails (not hangs) if it never is."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--root", str(root), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(TIMEOUT)
    match = re.search(r"http://[^:]+:(\d+)/", first[0]) if first else None
    if match is None:
        proc.kill()
        pytest.fail(f"serve did not finish its first build: {first}")
    return proc, int(match.group(1))


@pytest.fixture
def stop():
    procs: list[subprocess.Popen] = []
    yield procs.append
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_builds_past_a_fifo_and_rebuilds_once_it_is_gone(podcast, stop):
    fifos = [podcast / "content/essays/2026-03-20-pipe.md", podcast / "content/media/pipe.mp3"]
    for fifo in fifos:
        os.mkfifo(fifo)
    proc, port = serve(podcast)
    stop(proc)
    assert request(port, "/show/essays/after-the-talk/")[0] == 200
    for fifo in fifos:
        fifo.unlink()
    episode = podcast / EPISODE
    episode.write_text(episode.read_text().replace("Talking about ripeness", "Rebuilt at last"))
    wait_for(lambda: b"Rebuilt at last" in request(port, "/show/episodes/talk/")[2], TIMEOUT)


def test_serve_publishes_nothing_of_a_transcript_that_links_out(podcast, tmp_path, stop):
    _outside_transcript(podcast, tmp_path)
    proc, port = serve(podcast)
    stop(proc)
    status, _, page = request(port, "/show/episodes/talk/")
    assert status == 200 and SECRET.encode() not in page
    assert SECRET.encode() not in request(port, "/show/glossary/ripeness/")[2]
    assert request(port, "/show/episodes/talk/transcript.vtt")[0] == 404


def test_serve_refuses_a_media_file_swapped_for_a_fifo_after_the_build(podcast, stop):
    proc, port = serve(podcast)
    stop(proc)
    cover = podcast / "content/media/cover.png"
    assert request(port, "/show/media/cover.png")[0] == 200
    cover.unlink()
    os.mkfifo(cover)  # no rebuild needed: the snapshot still names the file
    assert request(port, "/show/media/cover.png")[0] == 404  # at once, not a timeout
