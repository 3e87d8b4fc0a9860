"""A save in `serve`: rebuilt from the paths the watcher names, it gives exactly the site a clean
build gives; only what a save touched is read, and a walk happens when the names cannot be
trusted (none named, a folder or a new file, polling)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

from conftest import write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cache import EDITS, SITE_YAML, START, essays

from site_builder.build import make_site
from site_builder.config import load_config
from site_builder.errors import ContentError
from site_builder.incremental.state import BuildCache
from site_builder.preview.server import Preview
from site_builder.report import BufferReporter

NOW = datetime(2026, 11, 20, tzinfo=UTC)
RELOAD = "/__site-builder/reload.js"
SITES = Path(__file__).parent / "sites"


def stats(root: Path) -> dict[str, tuple]:
    """Every file a save may touch, by path as the watcher names it, with its stat."""
    found = {}
    for path in [*root.glob("content/**/*"), *root.glob("templates/**/*"), root / "site.yaml"]:
        if path.is_file():
            st = path.stat()
            found[str(path)] = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    return found


def named(before: dict[str, tuple], after: dict[str, tuple]) -> set[str]:
    """The paths watchdog would name: each file made, changed or deleted (a rename: both)."""
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def preview_build(root: Path, cache: BuildCache | None, changed=None):
    """What `serve` builds (drafts, the reload script), or the problems it reports."""
    try:
        result = make_site(
            load_config(root),
            drafts=True,
            now=NOW,
            live_reload=RELOAD,
            cache=cache,
            changed=changed,
        )
    except ContentError as exc:
        return exc.diagnostics
    return result.files, result.copies, [w.format() for w in result.warnings]


def edit_first_paragraph(root: Path, n: int) -> None:
    """A new excerpt: the lists and tag pages that show it must change too."""
    files = essays(root)
    if files:
        path = files[n % len(files)]
        front, sep, body = path.read_text().partition("\n---\n")
        path.write_text(f"{front}{sep}\nA new opening {n}, on the stalemate.\n{body}")


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(st.sampled_from([*EDITS, edit_first_paragraph]), st.integers(0, 50)),
        min_size=1,
        max_size=6,
    )
)
def test_a_save_rebuilt_from_the_named_paths_is_the_clean_build(tmp_path_factory, edits):
    root = write_site(tmp_path_factory.mktemp("save") / "site", START, SITE_YAML)
    cache = BuildCache()
    preview_build(root, cache)
    for edit, n in edits:
        before = stats(root)
        edit(root, n)
        changed = named(before, stats(root))
        assert preview_build(root, cache, changed) == preview_build(root, None), edit.__name__


def _previewed(tmp_path: Path) -> tuple[Path, Preview, Path]:
    """The podcast fixture served once: its root, the preview and the essay a save edits."""
    root = tmp_path / "site"
    shutil.copytree(SITES / "podcast", root)
    preview = Preview(load_config(root), BufferReporter())
    assert preview.rebuild()
    return root, preview, root / "content/essays/2026-03-14-after-the-talk.md"


def test_a_body_edit_reads_only_the_named_file_and_renders_what_shows_it(tmp_path):
    root, preview, essay = _previewed(tmp_path)
    essay.write_text(essay.read_text().replace("looked different", "looked very different"))
    # a file the watcher did not name is not seen: nothing was walked
    unnamed = root / "content/essays/2026-03-20-unnamed.md"
    unnamed.write_text("---\ntitle: Unnamed\ndate: 2026-03-20\n---\n\nNot named.\n")
    report = preview.report
    del report.events[:]
    assert preview.rebuild({str(essay)}, 0.004)
    assert report.pages == ["essays/after-the-talk/index.html", "glossary/stalemate/index.html"]
    assert b"looked very different" in preview.snapshot.files["essays/after-the-talk/index.html"]
    assert "essays/unnamed/index.html" not in preview.snapshot.files
    # the terminal says where the time went, from the first event to the swap
    (line,) = [line for line in report.lines if line.startswith("built ")]
    assert "(2 rendered)" in line and "(wait 4.0, load " in line and ", swap " in line
    # a burst that names no path (an event lost) walks again, and so does polling
    assert preview.rebuild(set())
    assert "essays/unnamed/index.html" in preview.snapshot.files
    unnamed.unlink()
    polling = Preview(load_config(root), BufferReporter(), poll=True)
    assert polling.rebuild()
    unnamed.write_text("---\ntitle: Unnamed\ndate: 2026-03-20\n---\n\nNot named.\n")
    assert polling.rebuild({str(essay)})
    assert "essays/unnamed/index.html" in polling.snapshot.files


def test_the_feeds_a_save_leaves_for_later_are_those_of_the_new_build(tmp_path):
    # serve makes its feeds when first asked for, so that a save does not wait for them
    root, preview, essay = _previewed(tmp_path)
    essay.write_text(essay.read_text().replace('title: "Tips', 'title: "More tips'))
    assert preview.rebuild({str(essay)})
    clean = make_site(load_config(root), drafts=True, now=NOW, live_reload=RELOAD).files
    for feed in ("feed.xml", "feed.json", "podcast.xml"):
        served = preview.snapshot.files[feed]
        assert callable(served), feed  # deferred, not made during the save
        assert served() == clean[feed], feed
    titles = [
        e.findtext("{http://www.w3.org/2005/Atom}title")
        for e in ET.fromstring(preview.snapshot.files["feed.xml"]()).iter(
            "{http://www.w3.org/2005/Atom}entry"
        )
    ]
    assert any(t.startswith("More tips") for t in titles), titles


def test_site_yaml_is_read_again_only_when_named(tmp_path):
    root, preview, essay = _previewed(tmp_path)
    config = root / "site.yaml"
    config.write_text(config.read_text().replace("A small show for tests.", "A new description."))
    essay.write_text(essay.read_text() + "\nOne more line.\n")
    assert preview.rebuild({str(essay)})
    assert b"A new description." not in preview.snapshot.files["index.html"]
    assert preview.rebuild({str(config)})
    assert b"A new description." in preview.snapshot.files["index.html"]
