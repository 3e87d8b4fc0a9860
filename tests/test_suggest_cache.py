"""`suggest`'s cache (suggest/store.py): a run with it answers as a run without it, reads again
exactly what changed, and a cache it cannot trust is put aside, never believed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sitecheck import copy_example
from test_suggest import essays

import site_builder.suggest.answer as module
from site_builder.config import CACHE_DIR, load_config
from site_builder.suggest import suggest
from site_builder.suggest.store import FILE, READ, load_suggest_cache, save_suggest_cache


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The pieces each run reads (their paths, in the order read)."""
    read: list[str] = []
    real = module._runs

    def reading(item, *args):
        read.append(item.path)
        return real(item, *args)

    monkeypatch.setattr(module, "_runs", reading)
    return read


def run(cli, root: Path, *args: str) -> tuple[dict, str]:
    done = cli("suggest", "--root", root, "--json", *args)
    assert done.code == 0, done.err
    return json.loads(done.out), done.err


def cached(root: Path, min_pieces: int = 2):
    """A run as the command makes it, through the cache, which it leaves saved."""
    cache = load_suggest_cache(root)
    found = suggest(load_config(root), min_pieces=min_pieces, cache=cache)
    save_suggest_cache(cache)
    return found


def test_a_warm_run_answers_as_a_cold_one_and_reads_nothing(tmp_path, cli, reads):
    """The example site without its glossary (so that there is much to suggest): the first run
    reads every piece and keeps what it read; the next reads none, and both print what a run
    without the cache prints, byte for byte."""
    root = copy_example(tmp_path / "site")
    shutil.rmtree(root / "content" / "glossary")
    cold = cli("suggest", "--root", root, "--json", "--no-cache").out
    assert not (root / CACHE_DIR).exists()  # --no-cache writes nothing
    first = cli("suggest", "--root", root, "--json")
    pieces = len(reads)
    assert pieces == 2 * json.loads(cold)["pieces"]  # both runs read everything
    assert (root / CACHE_DIR / FILE).exists() and (root / CACHE_DIR / READ).exists()
    warm = cli("suggest", "--root", root, "--json")
    assert len(reads) == pieces  # read nothing
    assert first.out == warm.out == cold and warm.err == ""
    text = [cli("suggest", "--root", root, *a).out for a in ((), ("--no-cache",))]
    assert text[0] == text[1]


def test_an_edited_file_is_read_again_and_only_it(site, reads):
    root = site(essays("A ceasefire line.", "The ceasefire line.", "A quiet month."))
    assert [s.text for s in cached(root).concepts] == ["ceasefire line"]
    edited = sorted((root / "content" / "essays").glob("*-essay-3.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA buffer zone.\n", "utf-8")
    second = sorted((root / "content" / "essays").glob("*-essay-2.md"))[0]
    second.write_text(second.read_text(encoding="utf-8") + "\nThe buffer zone.\n", "utf-8")
    del reads[:]
    warm = cached(root)
    assert sorted(reads) == [f"content/essays/{p.name}" for p in (second, edited)]
    assert warm == suggest(load_config(root))
    assert [s.text for s in warm.concepts] == ["buffer zone", "ceasefire line"]
    del reads[:]
    assert cached(root) == warm and reads == []  # and nothing changed since


def test_a_wikilink_that_finds_an_item_now_is_read_again(site, reads):
    """Neither the essays nor the glossary changed, but a page now has the name a wikilink
    asked for: its target is no longer words of the prose."""
    files = essays(*(f"On [[security-guarantees|them]] {n}." for n in ("once", "again")))
    root = site(files)
    assert [s.text for s in cached(root).concepts] == ["security guarantees"]
    page = root / "content" / "pages" / "security-guarantees.md"
    page.parent.mkdir(parents=True)
    page.write_text("---\ntitle: Security guarantees\n---\n\nWhat they are.\n", "utf-8")
    del reads[:]
    warm = cached(root)
    assert len(reads) == 2 and warm.concepts == []
    assert warm == suggest(load_config(root))


# a name given a file: the essays, the file, and the phrases listed before it and after it.
# A person's name cuts phrases as a concept's does: "Professor Lena" is said around one.
NEW_NAMES = {
    "concept": (
        ("A ceasefire line, a buffer zone.", "The ceasefire line, the buffer zone."),
        ("glossary/buffer-zone.md", "---\nterm: Buffer zone\ndefinition: Between.\n---\n"),
        ["buffer zone", "ceasefire line"],
        ["ceasefire line"],
    ),
    "person": (
        ("Professor Lena Hartvig spoke.", "As Professor Lena Hartvig wrote."),
        ("people/lena-hartvig.md", "---\nname: Lena Hartvig\n---\n"),
        [],  # (she is a name to suggest as a person, and so no phrase)
        [],  # (and now she is known: still no phrase, not even "professor lena")
    ),
}


@pytest.mark.parametrize("kind", list(NEW_NAMES))
def test_a_new_name_breaks_the_words_again(site, reads, kind):
    """A concept or person named after what the pieces say: they are read again, and the
    name is known."""
    texts, (rel, text), before, after = NEW_NAMES[kind]
    root = site(essays(*texts))
    assert [s.text for s in cached(root).concepts] == before
    path = root / "content" / rel
    path.parent.mkdir(parents=True)
    path.write_text(text, "utf-8")
    del reads[:]
    warm = cached(root)
    assert len(reads) == 2 and [s.text for s in warm.concepts] == after
    assert not warm.people and warm == suggest(load_config(root))


def test_another_question_is_answered_afresh_from_what_was_read(site, reads):
    root = site(essays("A ceasefire line.", "The ceasefire line.", "A buffer zone."))
    cached(root)
    del reads[:]
    once = cached(root, min_pieces=1)
    assert reads == [] and once == suggest(load_config(root), min_pieces=1)
    assert "buffer zone" in [s.text for s in once.concepts]


@pytest.mark.parametrize("name", [FILE, READ])
def test_a_damaged_cache_is_put_aside_with_a_warning(tmp_path, cli, name):
    """(Asked another question, so that the readings are needed too.)"""
    root = copy_example(tmp_path / "site")
    cold, _ = run(cli, root, "--no-cache", "--min-count", "3")
    run(cli, root)
    path = root / CACHE_DIR / name
    path.write_bytes(path.read_bytes()[:-100] + b"\0" * 100)
    found, err = run(cli, root, "--min-count", "3")
    assert found == cold
    assert f"{CACHE_DIR}/{name}: warning: suggest's cache discarded" in err
    assert run(cli, root, "--min-count", "3") == (cold, "")  # and made again


def test_a_cache_it_did_not_sign_is_never_read(tmp_path, cli, monkeypatch):
    """Another user's cache (signed with their key), or a file that is no cache at all."""
    root = copy_example(tmp_path / "site")
    cold, _ = run(cli, root, "--no-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "theirs"))
    run(cli, root)
    monkeypatch.undo()
    found, err = run(cli, root)
    assert found == cold and "it was not written by site-builder for you" in err
    (root / CACHE_DIR / FILE).write_bytes(b"not a pickle")
    found, err = run(cli, root)
    assert found == cold and "it is not a site-builder cache" in err


def test_another_sites_cache_is_ignored(tmp_path, cli, reads):
    """A site copied with its cache folder: what that cache says is for the other site."""
    first = copy_example(tmp_path / "first")
    run(cli, first)
    second = tmp_path / "second"
    shutil.copytree(first, second)
    del reads[:]
    found, err = run(cli, second)
    assert found == run(cli, first)[0] and err == "" and len(reads) == found["pieces"]


def _explode():
    raise ValueError("not what this code reads")


class _Unreadable:
    """Signed by us, yet unpickling it fails: what other code of ours, or a bug, could leave."""

    def __reduce__(self):
        return _explode, ()


@pytest.mark.parametrize("name", [FILE, READ])
@pytest.mark.parametrize("kept", [_Unreadable(), "another shape"], ids=["unreadable", "shape"])
def test_a_cache_signed_by_us_yet_not_ours_to_read_is_put_aside(site, name, kept):
    from site_builder.incremental.signed import dump_signed, user_key
    from site_builder.suggest.store import _stamp

    root = site(essays("A ceasefire line.", "The ceasefire line."))
    expected = cached(root)
    dump_signed(root / CACHE_DIR / name, kept, user_key(), _stamp(root, name))
    cache = load_suggest_cache(root)
    assert suggest(load_config(root), min_pieces=1, cache=cache) == suggest(
        load_config(root), min_pieces=1
    )
    unreadable = isinstance(kept, _Unreadable)
    assert [w.message for w in cache.warnings] == unreadable * [
        "suggest's cache discarded: it cannot be read (ValueError)"
    ]
    assert cached(root) == expected


def test_a_kept_tally_counts_what_a_fresh_one_counts():
    """Pieces changed, gone and new: only they are counted again, or taken off, and what is
    left is what counting them all afresh finds (no word left at nought)."""
    from site_builder.suggest.phrases import tally

    pieces = {f"p{n}": f"the {n} ceasefire line held at the line".split() for n in range(12)}
    last = tally(pieces)
    now = {**pieces, "p1": ["a", "buffer", "zone", "and", "the", "line"], "p12": ["alone"]}
    del now["p2"]
    kept, fresh = tally(now, last), tally(now)
    assert kept is last  # taken over, not made again
    assert dict(kept.words) == dict(fresh.words) and dict(kept.pairs) == dict(fresh.pairs)
    assert "2" not in kept.words and kept.of == now


def test_an_edit_is_counted_on_top_of_the_last_tally(site, monkeypatch):
    """With one piece of six edited, the tally is the last one, brought up to date."""
    taken_over = []
    real = module.tally

    def counting(pieces, last=None, begun=None):
        found = real(pieces, last, begun)
        taken_over.append(found is last)
        return found

    bodies = ["A ceasefire line.", "The ceasefire line.", *(f"Day {n}." for n in range(4))]
    root = site(essays(*bodies))
    cached(root)
    monkeypatch.setattr(module, "tally", counting)
    edited = sorted((root / "content" / "essays").glob("*-essay-6.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nThe ceasefire line.\n", "utf-8")
    warm = cached(root)
    assert taken_over == [True]
    assert warm == suggest(load_config(root)) and warm.concepts[0].pieces == 3
