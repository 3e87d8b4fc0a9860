"""One atomic write, for every file site-builder writes outside its output folder: the guid
ledger, the build cache, the chart and image caches, the cache's signing key.

A file is written under a temporary name beside its target (same folder, so the rename cannot
cross filesystems) and renamed over the target once it is whole: a build interrupted at any
point leaves the old file or the new one, never half of one. The temporary file is opened new
(`O_EXCL`), so a link someone left under its name is never written through. The output folder
itself is swapped whole by `write.Output`.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_file(path: Path, mode: int = 0o666, replace: bool = True) -> Iterator[BinaryIO]:
    """A new file, open for writing, that becomes `path` when the block ends without an
    exception (and is removed when it does not). `mode` is before the umask. With
    `replace=False` a file already at `path` wins: the new one is put there only if none is."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    tmp.unlink(missing_ok=True)  # a new file, not through a link someone left under that name
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb") as f:
            yield f
        if replace:
            os.replace(tmp, path)
        else:
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def replace_file(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all, so that an interrupted build never leaves half a file
    the author commits."""
    with atomic_file(path) as f:
        f.write(data)


def store_entry(path: Path, data: str | bytes) -> None:
    """Write a cache entry (text as UTF-8) whole or not at all, making its folder; a cache that
    cannot be written only costs time (the chart is still drawn, the image still made)."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, data.encode() if isinstance(data, str) else data)
