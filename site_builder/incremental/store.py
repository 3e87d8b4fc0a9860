"""The build cache on disk: what `build` keeps between runs in `.site-builder-cache/`.

It holds the same `BuildCache` that `serve` keeps in memory (loaded files keyed by their
content hash, parsed bodies keyed by the item and everything its parse read, and the site's
shape digest), minus the link graph (made again: quicker than read back) and the rendered
bytes: those are already in the output
folder, and a record of each file written there (size, time, inode) says whether they still
are. An unchanged page is then hard-linked from the previous output instead of rendered again.

The folder may be deleted at any time. A cache written by other code (another version of
site-builder, down to its source files, or of Python), or for another site or output folder, is
ignored; one that cannot be read is discarded with a warning.
Nothing in it is trusted that a later check does not confirm: every reuse is conditional on
the same comparisons a warm `serve` makes.

Unpickling runs whatever code the pickle names, and the folder sits in the site, where a
cloned repository, an unpacked archive or another user may have put one. So each file is
signed: an HMAC-SHA256, with a secret key of this user's kept outside every site (see
`_user_key`), over the stamp and the pickled bytes, and nothing is unpickled unless the
signature is right. A plain-data format (JSON, marshal) could not run code, but it would mean
converting every item, parsed body and diagnostic both ways on every build, where the signature
costs one more pass over the file, hashing it (30 ms for the 34 MB of a 1,000-essay site).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import pickle
import platform
import shutil
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .. import __version__
from ..atomic import atomic_file
from ..config import CACHE_DIR
from ..errors import Diagnostic
from .state import BuildCache, labels

_BASE, _STATE = "base.pickle", "state.pickle"
# Bump when what is pickled changes shape in a way the code digest would not show.
_FORMAT = 3
_MAGIC = b"site-builder cache\n"  # then the signature, the stamp's digest, the pickle
_DIGEST = 32  # bytes of a SHA-256, and of the key
# A build that leaves more than this share of the entries (or this many) changed since the
# base rewrites it; until then each build writes only the changes since the base.
_REBASE, _SMALL = 0.1, 32

Written = dict[str, tuple[int, int, int]]  # output path -> (size, mtime_ns, inode) as written
Stat = tuple[int, int, int, int]  # a copied file's source: size, mtime_ns, ctime_ns, inode


@dataclass(slots=True)
class _Base:
    """The bulk: every loaded file and parsed body. Rewritten only when much has changed."""

    token: str  # names this base; a state applies only to the base it was made against
    files: dict
    parsed: dict


@dataclass(slots=True)
class _State:
    """The rest, small, rewritten by every build: what changed since the base, the digests
    that decide what may be reused, and what the output folder holds."""

    token: str
    files: dict  # entries new or changed since the base
    parsed: dict
    gone_files: set
    gone_parsed: set
    facts: dict  # BuildCache's small fields: parse_env, chart_data, shape, pages, link_warnings
    written: Written  # every file of the output folder
    copied: dict[str, Stat]  # copied output path -> its source, as it was when copied


_FACTS = ("parse_env", "chart_data", "shape", "pages", "link_warnings", "shown")


def _stamp(root: Path, output: Path) -> bytes:
    """What a cache is for: the code that wrote it, the site and the output folder."""
    parts = (
        _FORMAT,
        __version__,
        _code_digest(),
        platform.python_implementation(),
        platform.python_version(),
        str(root.resolve()),
        str(output.resolve()),
    )
    return hashlib.sha256(repr(parts).encode()).digest()


@functools.cache
def _code_digest() -> str:
    """The generator's own code: what it pickled is only read back by the same code."""
    h = hashlib.sha256()
    package = Path(__file__).parents[1]
    for source in sorted(package.rglob("*.py")):
        h.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    return h.hexdigest()


def load_cache(root: Path, output: Path) -> tuple[BuildCache, dict, list[Diagnostic]]:
    """The cache for building `root` into `output`, with what it says of the output folder.

    Returns the cache (empty when there is none to trust), the record of the files copied into
    the output (when the output is still as written), and warnings."""
    folder = root / CACHE_DIR
    empty = BuildCache(by_content=True)
    try:
        secret = _user_key()
    except OSError as exc:
        return empty, {}, [_keyless(exc)]
    stamp = _stamp(root, output)
    try:
        state = _read(folder / _STATE, secret, stamp)
        base = _read(folder / _BASE, secret, stamp)
    except FileNotFoundError:
        return empty, {}, []
    except _Untrusted as exc:
        return empty, {}, [_discarded(str(exc))]
    except Exception as exc:  # signed by us, yet not what this code reads: a bug, or a torn disk
        return empty, {}, [_discarded(f"it cannot be read ({type(exc).__name__})")]
    if state is None or base is None or state.token != base.token:
        return empty, {}, []  # other code, another site or output, or a torn write: afresh
    files = {k: v for k, v in base.files.items() if k not in state.gone_files} | state.files
    parsed = {k: v for k, v in base.parsed.items() if k not in state.gone_parsed} | state.parsed
    cache = BuildCache(by_content=True, files=files, parsed=parsed, **state.facts)
    cache.rendered = {key: body for key, (_, body) in parsed.items()}  # as the last build left
    cache.labels = {key: labels(item) for key, (item, _) in parsed.items()}
    cache.stored = (base.token, base.files, base.parsed)
    standing = _still_there(output, state.written)
    cache.outputs = {rel: path for rel, path in standing.items() if rel not in state.copied}
    return cache, state.copied if standing else {}, []


def save_cache(root: Path, output: Path, cache: BuildCache, copied: Mapping[str, Stat]) -> None:
    """Record `cache` and what now stands in `output`, with the sources of the files copied
    into it as `source_stats` found them before copying; atomic, and best effort.

    Only what changed since the base is written, unless that is much: then a new base."""
    folder = root / CACHE_DIR
    written: Written = {}
    try:
        for rel in (*cache.outputs, *copied):
            st = (output / rel).stat()
            written[rel] = (st.st_size, st.st_mtime_ns, st.st_ino)
        secret = _user_key()
    except OSError:
        return
    stamp = _stamp(root, output)
    token, base_files, base_parsed = cache.stored or ("", {}, {})
    files = {k: v for k, v in cache.files.items() if not _same(base_files.get(k), v)}
    parsed = {k: v for k, v in cache.parsed.items() if not _same(base_parsed.get(k), v)}
    gone_files, gone_parsed = (
        set(base_files) - set(cache.files),
        set(base_parsed) - set(cache.parsed),
    )
    changed = len(files) + len(parsed) + len(gone_files) + len(gone_parsed)
    total = len(cache.files) + len(cache.parsed)
    try:
        folder.mkdir(exist_ok=True)
        if not token or changed > max(_REBASE * total, _SMALL):
            token = os.urandom(8).hex()
            _dump(folder / _BASE, _Base(token, cache.files, cache.parsed), secret, stamp)
            cache.stored = (token, dict(cache.files), dict(cache.parsed))
            files, parsed, gone_files, gone_parsed = {}, {}, set(), set()
        facts = {name: getattr(cache, name) for name in _FACTS}
        state = _State(token, files, parsed, gone_files, gone_parsed, facts, written, dict(copied))
        _dump(folder / _STATE, state, secret, stamp)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)  # a cache we cannot write is no cache


def _same(stored: tuple | None, now: tuple) -> bool:
    """The same objects (not merely equal ones): what the last load or parse reused as is."""
    return stored is not None and all(a is b for a, b in zip(stored, now, strict=True))


class _Untrusted(Exception):
    """A cache file this user's key did not sign: why, for the warning."""


def _read(path: Path, secret: bytes, stamp: bytes) -> Any:
    """What `_dump` wrote in `path`, if it was signed with `secret`; None if it was made for
    another stamp. Nothing is unpickled before the signature is checked.

    The file is read twice through one open descriptor, hashed and then unpickled, so as not to
    hold its bytes meanwhile (34 MB for 1,000 essays: a third of the peak of a rebuild with
    nothing changed). A rename cannot swap another file in between; only a writer with write
    access to this very file could, who could as well edit the site's templates (code too)."""
    with path.open("rb") as f:
        head = f.read(len(_MAGIC) + 2 * _DIGEST)
        if not head.startswith(_MAGIC) or len(head) < len(_MAGIC) + 2 * _DIGEST:
            raise _Untrusted("it is not a site-builder cache")
        signature, signed_stamp = head[len(_MAGIC) : -_DIGEST], head[-_DIGEST:]
        signer = hmac.new(secret, signed_stamp, "sha256")
        while chunk := f.read(1 << 20):
            signer.update(chunk)
        if not hmac.compare_digest(signature, signer.digest()):
            raise _Untrusted("it was not written by site-builder for you, or was changed since")
        if signed_stamp != stamp:
            return None
        f.seek(len(head))
        return pickle.load(f)


def _dump(path: Path, value: object, secret: bytes, stamp: bytes) -> None:
    """Write `value` pickled and signed, atomically; the pickle is signed as it is written, so
    the large base is never held whole in memory."""
    signer = hmac.new(secret, stamp, "sha256")
    with atomic_file(path) as f:
        f.write(_MAGIC + bytes(_DIGEST) + stamp)
        pickle.dump(value, _Signing(f, signer), protocol=pickle.HIGHEST_PROTOCOL)
        f.seek(len(_MAGIC))
        f.write(signer.digest())


@dataclass(slots=True)
class _Signing:
    """A file that adds to a signature what is written to it (all `pickle.dump` needs)."""

    file: BinaryIO
    signer: hmac.HMAC

    def write(self, data: bytes) -> int:
        self.signer.update(data)
        return self.file.write(data)


def _user_key() -> bytes:
    """This user's secret key for signing caches, made on first use: `site-builder/key` in
    the user's cache folder ($XDG_CACHE_HOME, or ~/.cache), a file only they may read. It lives
    outside every site, so that a site made or copied by someone else cannot bring one along.
    Raises OSError when there is none to trust and none can be made."""
    configured = Path(os.environ.get("XDG_CACHE_HOME", ""))
    folder = (configured if configured.is_absolute() else Path.home() / ".cache") / "site-builder"
    path = folder / "key"
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # never over a key another build has just made: that one is used
    with atomic_file(path, mode=0o600, replace=False) as f:
        f.write(os.urandom(_DIGEST))
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            raise PermissionError(f"{path} is not a file that only you may read and write")
        key = f.read(_DIGEST + 1)
    if len(key) != _DIGEST:
        raise PermissionError(f"{path} is not a site-builder key ({_DIGEST} bytes)")
    return key


def source_stats(copies: Mapping[str, Path]) -> dict[str, Stat]:
    """The sources of the files to copy, as they are before copying (a change made after this
    shows at the next build). Size and modification time are not enough: `cp -p`, `rsync -t`
    or a restore from a backup put an edited file's old time back. Its change time (ctime) is
    what no one can set back, and the inode tells a file put in another's place."""
    found = {}
    for rel, source in copies.items():
        try:
            st = source.stat()
        except OSError:  # gone: the copy will say so
            continue
        found[rel] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    return found


def unchanged_copies(now: Mapping[str, Stat], record: Mapping[str, Stat]) -> set[str]:
    """Copied files whose source is as it was when the output's copy was made."""
    return {rel for rel, st in now.items() if record.get(rel) == st}


def _still_there(output: Path, written: Written) -> dict:
    """Each recorded output file, if every one is still exactly as written; else nothing.

    The values are paths in the output folder: `make_site` passes them on, and the writer
    links them into the new build instead of writing the bytes again."""
    found = {}
    for rel, record in written.items():
        target = output / rel
        try:
            st = target.lstat()
        except OSError:
            return {}
        if (st.st_size, st.st_mtime_ns, st.st_ino) != record:
            return {}
        found[rel] = target
    return found


def _keyless(exc: OSError) -> Diagnostic:
    return Diagnostic(
        f"{CACHE_DIR}/",
        None,
        f"build cache not used: its key cannot be kept ({exc})",
        hint="make ~/.cache yours, or set XDG_CACHE_HOME to a folder of yours; "
        "`--no-cache` builds without it and says nothing",
        severity="warning",
        code="cache",
    )


def _discarded(why: str) -> Diagnostic:
    return Diagnostic(
        f"{CACHE_DIR}/",
        None,
        f"build cache discarded: {why}",
        hint=f"nothing to do: it is rebuilt now; `{CACHE_DIR}/` may be deleted at any time",
        severity="warning",
        code="cache",
    )
