"""The image phase: every image in content/media read once, published at web sizes.

Pillow does the work, imported here only when a site has a raster image. Each image is
decoded whole (so a truncated file is found now, not by a reader), turned upright by its EXIF
orientation, and encoded at the widths of `widths_for` as WebP and in its fallback format
(JPEG for JPEG, PNG for PNG and a GIF's first frame), without EXIF, XMP or text chunks:
a phone photo must not publish where it was taken. When the original itself carries such
metadata, the copy published at media/<name> (for download, and for the podcast feed) is
re-encoded upright without it; an original without any is published byte for byte.

What is made is kept in an `ImageStore`, named by the hash of the image's bytes, so a
rebuild decodes nothing: `build` keeps it in .site-builder-cache/images, `serve` in memory,
`check` nowhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ..atomic import store_entry
from ..load.files import read_regular
from .facts import (
    EXTENSIONS,
    RASTER,
    SVG,
    ImageFacts,
    Variant,
    svg_size,
    variant_path,
    widths_for,
)

IMAGE_FORMAT = "1"  # bump when what is made changes: old cache entries are then not used
QUALITY = {"image/jpeg": 82, "image/webp": 78}
CLEAN_QUALITY = {"image/jpeg": 92, "image/webp": 90}
FALLBACK = {"image/jpeg": "image/jpeg", "image/png": "image/png", "image/gif": "image/png"}
# what a file may say of itself beyond its pixels and colours
_METADATA = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc")


@dataclass(slots=True)
class ImageStore:
    """Made files by name: on disk in `folder` (read always) and in `memory` (what this
    process made or read, which `serve` keeps between builds). With `store`, what is made is
    written to the folder by `flush`, once the build has succeeded: a failed build leaves the
    site folder as it was. Until then it waits in `spill`, an unnamed temporary file, not in
    memory: the cards of 10,000 pages are 500 MB."""

    folder: Path | None = None
    store: bool = False
    memory: dict[str, bytes] = field(default_factory=dict)
    pending: dict[str, tuple[int, int]] = field(default_factory=dict)  # (offset, size) in spill
    spill: BinaryIO | None = None

    def get(self, name: str) -> bytes | Path | None:
        if name in self.memory:
            return self.memory[name]
        if name in self.pending:
            return self.read(name)
        entry = self.folder / name if self.folder else None
        return entry if entry is not None and entry.is_file() else None

    def put(self, name: str, data: bytes) -> None:
        """Keep `data`: for `build`, until `flush` writes it into the folder; else in memory,
        and this build publishes it from there."""
        if self.folder is None or not self.store:
            self.memory[name] = data
            return
        if self.spill is None:  # beside the site, not in a /tmp that may be memory
            where = next(p for p in (self.folder, *self.folder.parents) if p.is_dir())
            # closed by `flush`; unnamed, it goes with the process if the build fails
            self.spill = tempfile.TemporaryFile(dir=where)  # noqa: SIM115
        self.pending[name] = (self.spill.seek(0, os.SEEK_END), len(data))
        self.spill.write(data)

    def spilled(self, name: str) -> bool:
        """Whether `name` is made by this build and waits for `flush`."""
        return name in self.pending and name not in self.memory

    def read(self, name: str) -> bytes | None:
        if name in self.pending:
            assert self.spill is not None
            offset, size = self.pending[name]
            self.spill.seek(offset)
            return self.spill.read(size)
        found = self.get(name)
        if isinstance(found, Path):
            with contextlib.suppress(OSError):
                return found.read_bytes()
            return None
        return found

    def flush(self) -> None:
        """Write what this build made into the folder (records last: each vouches for the
        files named in it)."""
        assert self.folder is not None or not self.pending
        for name in sorted(self.pending, key=lambda n: n.endswith(".json")):
            data = self.read(name)
            assert data is not None
            store_entry(self.folder / name, data)
        self.pending.clear()
        if self.spill is not None:
            self.spill.close()
            self.spill = None


@dataclass(slots=True)
class Published:
    """The image phase's outcome: every image's facts (or why it cannot be shown), and the
    files to publish: bytes, or files in the cache to copy."""

    catalog: dict[str, ImageFacts | str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)
    entries: dict[str, str] = field(default_factory=dict)  # output path -> its store entry

    def read(self, out: str, store: ImageStore) -> bytes | None:
        """The bytes of a file published here (a web size, to draw a card or icon from)."""
        if out in self.files:
            return self.files[out]
        return (
            self.copies[out].read_bytes() if out in self.copies else store.read(self.entries[out])
        )

    def add(self, out: str, store: ImageStore, entry: str) -> None:
        """Publish the store's `entry` (which it holds) at `out`."""
        self.entries[out] = entry
        if store.spilled(entry):
            return  # published from the folder, once `flush` has put it there (`settle`)
        where = store.get(entry)
        assert where is not None
        if isinstance(where, Path):
            self.copies[out] = where
        else:
            self.files[out] = where

    def settle(self, store: ImageStore) -> None:
        """Once `store` has written what this build made, publish those files as copies of
        the cache's (as the next build will), not as bytes."""
        if store.folder is None or not store.store:
            return
        for out, entry in self.entries.items():
            if out not in self.copies and (store.folder / entry).is_file():
                self.copies[out] = store.folder / entry
                self.files.pop(out, None)


def publish_images(media_dir: Path, media: Iterable[str], store: ImageStore) -> Published:
    """Facts and web sizes of every image in content/media (`media`: paths under it)."""
    done = Published()
    for rel in sorted(media):
        suffix = PurePosixPath(rel).suffix.lower()
        if suffix not in RASTER and suffix != ".svg":
            continue
        try:
            data = read_regular(media_dir / rel)
        except OSError as exc:
            done.catalog[rel] = f"cannot read /media/{rel}: {exc.strerror}"
            continue
        if suffix == ".svg":
            size = svg_size(data)
            done.catalog[rel] = (
                ImageFacts(rel, *size, SVG) if isinstance(size, tuple) else f"/media/{rel} {size}"
            )
        else:
            done.catalog[rel] = _raster(rel, data, store, done)
    return done


def _raster(rel: str, data: bytes, store: ImageStore, done: Published) -> ImageFacts | str:
    key = hashlib.sha256(IMAGE_FORMAT.encode() + b"\0" + data).hexdigest()[:32]
    record = _record(store, key)
    if record is None:
        made = make_web_sizes(data)
        if isinstance(made, str):
            return f"/media/{rel} {made}"
        record = _keep(store, key, made)
    facts = ImageFacts(
        rel,
        record["width"],
        record["height"],
        record["type"],
        tuple(
            Variant(variant_path(rel, key, w, kind), w, h, kind) for w, h, kind in record["sizes"]
        ),
    )
    for (w, _, kind), variant in zip(record["sizes"], facts.variants, strict=True):
        done.add(variant.path, store, _entry(key, w, kind))
    if record["clean"]:
        done.add(f"media/{rel}", store, f"{key}-clean.{record['clean']}")
    return facts


def _entry(key: str, width: int, kind: str) -> str:
    return f"{key}-{width}.{EXTENSIONS[kind]}"


def _record(store: ImageStore, key: str) -> dict | None:
    """What the store knows of the image `key`, if it still holds every file made of it."""
    raw = store.read(f"{key}.json")
    try:
        record = json.loads(raw) if raw else None
        names = [_entry(key, w, kind) for w, _, kind in record["sizes"]] if record else []
        if record and record["clean"]:
            names.append(f"{key}-clean.{record['clean']}")
    except (ValueError, KeyError, TypeError):  # a damaged entry is made again
        return None
    return record if record and all(store.get(n) is not None for n in names) else None


@dataclass(frozen=True, slots=True)
class Made:
    width: int
    height: int
    type: str
    sizes: tuple[tuple[int, int, str, bytes], ...]  # (width, height, media type, bytes)
    clean: tuple[str, bytes] | None  # the original without its metadata: (extension, bytes)


def _keep(store: ImageStore, key: str, made: Made) -> dict:
    for w, _, kind, data in made.sizes:
        store.put(_entry(key, w, kind), data)
    if made.clean:
        store.put(f"{key}-clean.{made.clean[0]}", made.clean[1])
    record = {
        "width": made.width,
        "height": made.height,
        "type": made.type,
        "sizes": [[w, h, kind] for w, h, kind, _ in made.sizes],
        "clean": made.clean[0] if made.clean else None,
    }
    store.put(f"{key}.json", json.dumps(record, sort_keys=True).encode())  # last: it vouches
    return record


def make_web_sizes(data: bytes) -> Made | str:
    """The web sizes of an image file's bytes, or what is wrong with the file (said after its
    name: "is truncated ...")."""
    from PIL import Image, ImageOps  # here: sites without raster images never load Pillow

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
            img.load()  # the first frame of a GIF
            upright = ImageOps.exif_transpose(img)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            return _bomb(exc, Image.MAX_IMAGE_PIXELS)
        except Image.UnidentifiedImageError:
            return "is not an image Pillow can read (JPEG, PNG, WebP or GIF)"
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            return f"cannot be read: it is damaged or cut short ({exc})"
    kind = Image.MIME.get(img.format or "", "")
    if kind not in RASTER.values():
        return f"is a {img.format} image: write JPEG, PNG, WebP or GIF"
    icc = img.info.get("icc_profile")
    alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
    upright = upright.convert("RGBA" if alpha else "RGB")
    upright.info = {"icc_profile": icc} if icc else {}  # nothing else of the file goes out
    sizes = []
    for width in widths_for(upright.width):
        height = max(1, round(upright.height * width / upright.width))
        scaled = (
            upright
            if width == upright.width
            else upright.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        )
        for out in dict.fromkeys(("image/webp", FALLBACK.get(kind, kind))):
            sizes.append((width, height, out, _encode(scaled, out, QUALITY)))
    clean = None
    if kind != "image/gif" and _has_metadata(img):
        clean = (EXTENSIONS[kind], _encode(upright, kind, CLEAN_QUALITY))
    return Made(upright.width, upright.height, kind, tuple(sizes), clean)


def _encode(img, kind: str, quality: dict[str, int]) -> bytes:
    """Deterministic bytes: no timestamps, no metadata but the colour profile."""
    buf = io.BytesIO()
    icc = {"icc_profile": img.info["icc_profile"]} if "icc_profile" in img.info else {}
    if kind == "image/jpeg":
        rgb = img.convert("RGB") if img.mode != "RGB" else img
        rgb.save(buf, "JPEG", quality=quality[kind], optimize=True, progressive=True, **icc)
    elif kind == "image/png":
        img.save(buf, "PNG", compress_level=9, **icc)
    else:
        img.save(buf, "WEBP", quality=quality[kind], method=4, **icc)
    return buf.getvalue()


def _has_metadata(img) -> bool:
    return (
        bool(img.getexif())
        or any(k in img.info for k in _METADATA)
        or bool(getattr(img, "text", None))
    )


def _bomb(exc: Exception, limit: int | None) -> str:
    found = re.search(r"\((\d+) pixels\)", str(exc))
    pixels = f"{int(found.group(1)):,} pixels" if found else "more pixels"
    most = f"{limit:,}" if limit else "its limit"
    return f"is too large to decode safely: {pixels}, over Pillow's limit of {most} (a bomb?)"
