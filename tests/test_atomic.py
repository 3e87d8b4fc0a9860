"""The one atomic write (site_builder/atomic.py): whole or not at all, never through a link."""

from __future__ import annotations

import os
import threading

import pytest

from site_builder.atomic import atomic_file, replace_file, store_entry


def test_a_file_is_replaced_whole_and_nothing_is_left_beside_it(tmp_path):
    target = tmp_path / "podcast-ledger.yaml"
    target.write_bytes(b"old\n")
    replace_file(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["podcast-ledger.yaml"]


def test_a_write_that_fails_half_way_leaves_the_old_file(tmp_path):
    target = tmp_path / "state"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_file(target) as f:
        f.write(b"half of the ")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["state"]


def test_a_link_left_under_the_temporary_name_is_not_written_through(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"not yours")
    target = tmp_path / "entry.svg"
    planted = tmp_path / f".{target.name}.tmp-{os.getpid()}-{threading.get_ident()}"
    planted.symlink_to(elsewhere)
    replace_file(target, b"<svg/>")
    assert target.read_bytes() == b"<svg/>" and elsewhere.read_bytes() == b"not yours"
    assert not planted.is_symlink()


def test_without_replace_the_file_already_there_wins(tmp_path):
    key = tmp_path / "key"
    with atomic_file(key, mode=0o600, replace=False) as f:
        f.write(b"first")
    with atomic_file(key, mode=0o600, replace=False) as f:
        f.write(b"second")
    assert key.read_bytes() == b"first" and key.stat().st_mode & 0o077 == 0
    assert [p.name for p in tmp_path.iterdir()] == ["key"]


def test_a_cache_entry_makes_its_folder_and_a_failure_only_costs_time(tmp_path):
    store_entry(tmp_path / "charts" / "a.svg", "<svg/>")
    assert (tmp_path / "charts" / "a.svg").read_text() == "<svg/>"
    (tmp_path / "file").write_bytes(b"")
    store_entry(tmp_path / "file" / "b.svg", b"x")  # its folder is a file: no entry, no error
