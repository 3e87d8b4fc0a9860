"""Full-text search: the built pages indexed by Pagefind, as the last step before they go live.

Pagefind (the binary from PyPI's `pagefind[bin]`, so nothing is downloaded at build time)
reads the HTML and writes a static index into `pagefind/`, which the search page's script
fetches in pieces as the reader types. What is indexed, and how it ranks, the theme says in
the HTML: `data-pagefind-body` on the content of essays, episodes, concepts, pages and series (list
pages, navigation and footers are left out), `data-pagefind-ignore` on backlink lists and on
metadata (labels, dates, timestamps, aliases), so excerpts read as prose,
`data-pagefind-weight` on a concept's term, and `data-pagefind-filter` for the kind, the tags
and a concept's term and aliases (the search page puts a concept first for those).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
from pathlib import Path

from .errors import UsageError

INDEX_DIR = "pagefind"


def index_site(folder: Path, language: str) -> None:
    """Index the site built in `folder`; its `pagefind/` bundle is written there."""
    _list_in_name_order(folder)
    done = subprocess.run(
        pagefind_command(folder, language), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise UsageError(
            f"Pagefind could not index the site: {failure(done.stderr or done.stdout)}"
        )
    bundle = folder / INDEX_DIR
    prune_bundle(bundle)
    _sort_filters(bundle)


def _list_in_name_order(folder: Path) -> None:
    """Every folder under `folder` made to list its entries in one order, whatever order they
    were written in. Pagefind numbers the pages in the order the file system lists them, and
    tmpfs lists them in the order they were made, which depends on the number of jobs and on
    timing (the build writes the pages it renders itself as they come: pool.py). Each entry
    is moved aside and back, in name order: renames, no file copied."""
    with os.scandir(folder) as listed:
        entries = sorted((e.name, e.is_dir(follow_symlinks=False)) for e in listed)
    names = [name for name, _ in entries]
    if len(names) > 1:
        aside = ".relisting"
        while aside in names:  # not one of the entries
            aside += "-"
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.mkdir(aside, dir_fd=fd)
            for name in names:
                os.rename(name, f"{aside}/{name}", src_dir_fd=fd, dst_dir_fd=fd)
            for name in names:
                os.rename(f"{aside}/{name}", name, src_dir_fd=fd, dst_dir_fd=fd)
            os.rmdir(aside, dir_fd=fd)
        finally:
            os.close(fd)
    for name, is_dir in entries:
        if is_dir:
            _list_in_name_order(folder / name)


def pagefind_command(folder: Path, language: str) -> list[str]:
    """The command that indexes the site in `folder` into its `pagefind/`."""
    try:
        from pagefind_bin import get_executable

        executable = str(get_executable())
    except (ImportError, FileNotFoundError) as exc:
        raise UsageError(
            "search needs the Pagefind binary: pip install 'pagefind[bin]' "
            f"(or set `search: false` in site.yaml) [{exc}]"
        ) from None
    return [
        executable,
        "--site",
        str(folder),
        "--output-subdir",
        INDEX_DIR,
        "--force-language",
        language.split("-")[0].lower(),
        "--silent",
    ]


def failure(output: str) -> str:
    """What a failed Pagefind said, in one line: its last three."""
    return " ".join(output.strip().splitlines()[-3:])


def prune_bundle(bundle: Path) -> None:
    """Leave out what the theme does not use: it has its own search page."""
    for unused in bundle.glob("pagefind-*ui.*"):
        unused.unlink()
    (bundle / "pagefind-highlight.js").unlink(missing_ok=True)


# Pagefind 1.5 writes its filter index from a hash map, so the order of filter values (and so
# the filter files' names, the metadata file that lists them and the entry file naming that)
# changes from run to run though nothing else did (Pagefind issue #638). Builds must be
# reproducible, so the filters are put in order here and the three names derived again, the
# way Pagefind derives them. Anything unexpected leaves the bundle as Pagefind wrote it.
_HEADER = b"pagefind_dcd"


def _sort_filters(bundle: Path) -> None:
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        renamed: dict[str, str] = {}
        for path in sorted((bundle / "filter").glob("*.pf_filter")):
            name, values = _read(path)
            values.sort(key=lambda pair: pair[0])
            renamed[path.stem] = _write(bundle / "filter", path, [name, values], 7, ".pf_filter")
        for language in entry["languages"].values():
            meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
            meta = _read(meta_path)
            filters = next(
                part
                for part in meta
                if isinstance(part, list) and part and all(_is_filter_ref(x) for x in part)
            )
            filters[:] = sorted([n, renamed.get(h, h)] for n, h in filters)
            language["hash"] = _write(bundle, meta_path, meta, 10, ".pf_meta", "pagefind.")
    except (OSError, ValueError, KeyError, StopIteration, TypeError):
        return
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))


def _is_filter_ref(part: object) -> bool:
    return (
        isinstance(part, list)
        and len(part) == 2
        and all(isinstance(x, str) for x in part)
        and not part[0].startswith(("en_", "unknown_"))
    )


def _read(path: Path):
    body = gzip.decompress(path.read_bytes())
    if not body.startswith(_HEADER):
        raise ValueError(f"not a Pagefind file: {path}")
    value, end = _decode(body, len(_HEADER))
    if end != len(body) or _encode(value) != body[len(_HEADER) :]:
        raise ValueError(f"unexpected encoding in {path}")  # would not round-trip: leave it
    return value


def _write(folder: Path, old: Path, value, digits: int, suffix: str, prefix: str = "") -> str:
    """Write `value` under its content-derived name instead of `old`; returns the new hash."""
    body = _encode(value)
    language = old.name.removeprefix(prefix).split("_")[0]
    digest = format(int.from_bytes(hashlib.sha1(body).digest(), "big"), "x")[:digits]
    new_hash = f"{language}_{digest}"
    data = gzip.compress(_HEADER + body, mtime=0)
    old.unlink()
    (folder / f"{prefix}{new_hash}{suffix}").write_bytes(data)
    return new_hash


def _decode(data: bytes, at: int):
    """The subset of CBOR Pagefind writes: unsigned integers, text, bytes and arrays."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        length = info
    elif info <= 27:
        size = 1 << (info - 24)
        length = int.from_bytes(data[at : at + size], "big")
        at += size
    else:
        raise ValueError("indefinite lengths are not expected")
    if major == 0:
        return length, at
    if major in (2, 3):
        raw = data[at : at + length]
        return (raw if major == 2 else raw.decode("utf-8")), at + length
    if major == 4:
        items = []
        for _ in range(length):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"CBOR major type {major} is not expected")


def _encode(value) -> bytes:
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    return _head(4, len(value)) + b"".join(_encode(v) for v in value)


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise ValueError("integer too large")
