"""Signed pickles: how the caches' files are kept and read back (store.py, manifest.py,
suggest/store.py), and the warnings they give when one cannot be used.

Unpickling runs whatever code the pickle names, and the cache folder sits in the site, where a
cloned repository, an unpacked archive or another user may have put one. So each file is
signed: an HMAC-SHA256, with a secret key of this user's kept outside every site (see
`user_key`), over the stamp and the pickled bytes, and nothing is unpickled unless the
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
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .. import __version__
from ..atomic import atomic_file
from ..config import CACHE_DIR
from ..errors import Diagnostic

# Bump when what is pickled changes shape in a way the code digest would not show.
_FORMAT = 4
_MAGIC = b"site-builder cache\n"  # then the signature, the stamp's digest, the pickle
_DIGEST = 32  # bytes of a SHA-256, and of the key


def cache_stamp(root: Path, output: Path) -> bytes:
    """What a cache is for: the code that wrote it, the site and the output folder."""
    parts = (
        _FORMAT,
        __version__,
        code_digest(),
        platform.python_implementation(),
        platform.python_version(),
        str(root.resolve()),
        str(output.resolve()),
    )
    return hashlib.sha256(repr(parts).encode()).digest()


@functools.cache
def code_digest() -> str:
    """The generator's own code: what it pickled is only read back by the same code."""
    h = hashlib.sha256()
    package = Path(__file__).parents[1]
    for source in sorted(package.rglob("*.py")):
        h.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    return h.hexdigest()


class Untrusted(Exception):
    """A cache file this user's key did not sign: why, for the warning."""


def read_signed(path: Path, secret: bytes, stamp: bytes) -> Any:
    """What `dump_signed` wrote in `path`, if it was signed with `secret`; None if it was made for
    another stamp. Nothing is unpickled before the signature is checked.

    The file is read twice through one open descriptor, hashed and then unpickled, so as not to
    hold its bytes meanwhile (34 MB for 1,000 essays: a third of the peak of a rebuild with
    nothing changed). A rename cannot swap another file in between; only a writer with write
    access to this very file could, who could as well edit the site's templates (code too)."""
    with path.open("rb") as f:
        head = f.read(len(_MAGIC) + 2 * _DIGEST)
        if not head.startswith(_MAGIC) or len(head) < len(_MAGIC) + 2 * _DIGEST:
            raise Untrusted("it is not a site-builder cache")
        signature, signed_stamp = head[len(_MAGIC) : -_DIGEST], head[-_DIGEST:]
        signer = hmac.new(secret, signed_stamp, "sha256")
        while chunk := f.read(1 << 20):
            signer.update(chunk)
        if not hmac.compare_digest(signature, signer.digest()):
            raise Untrusted("it was not written by site-builder for you, or was changed since")
        if signed_stamp != stamp:
            return None
        f.seek(len(head))
        return pickle.load(f)


def dump_signed(path: Path, value: object, secret: bytes, stamp: bytes) -> None:
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


def user_key() -> bytes:
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


def keyless(where: str, what: str, exc: OSError, without: str) -> Diagnostic:
    """The warning for a cache (`what`, at `where`) not used because this user's key cannot be
    kept; `without` is what `--no-cache` does instead ("builds", "reads")."""
    return Diagnostic(
        where,
        None,
        f"{what} not used: its key cannot be kept ({exc})",
        hint="make ~/.cache yours, or set XDG_CACHE_HOME to a folder of yours; "
        f"`--no-cache` {without} without it and says nothing",
        severity="warning",
        code="cache",
    )


def discarded(where: str, what: str, why: str, again: str) -> Diagnostic:
    """The warning for a cache put aside (`why`); `again` says how it comes back ("it is
    rebuilt now")."""
    return Diagnostic(
        where,
        None,
        f"{what} discarded: {why}",
        hint=f"nothing to do: {again}; `{CACHE_DIR}/` may be deleted at any time",
        severity="warning",
        code="cache",
    )
