"""The site's icons: favicon.ico, icon.png and apple-touch-icon.png, made from one image.

From `icon:` in site.yaml, else the podcast's cover; a file of the same name in content/static/
(copied to the site root with the rest of that folder) is published instead. A site with
neither gets none, and its pages say so (`<link rel="icon" href="data:,">`), so browsers do
not ask the host for /favicon.ico.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from ..routes import ICONS, STATIC_DIR
from .process import ImageStore, Published

ICON_FORMAT = "2"
_PAPER = (251, 248, 241)  # style.css --paper: iOS would put a transparent icon on black


def publish_icons(
    content_dir: Path, source: bytes | None, store: ImageStore, done: Published
) -> tuple[str, ...]:
    """Publish the icons into `done`; the names published. `source` is the icon image's
    bytes (already known to open, see `publish_images`), or None."""
    names = []
    key = hashlib.sha256(ICON_FORMAT.encode() + (source or b"")).hexdigest()[:32]
    for name in ICONS:
        if (content_dir / STATIC_DIR / name).is_file():
            pass  # the author's own, copied with the rest of content/static
        elif source is not None:
            entry = f"icon-{key}-{name}"
            if store.get(entry) is None:
                store.put(entry, make_icon(source, name))
            done.add(name, store, entry)
        else:
            continue
        names.append(name)
    return tuple(names)


def make_icon(source: bytes, name: str) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(source)) as img:
        square = ImageOps.fit(ImageOps.exif_transpose(img).convert("RGBA"), (256, 256))
    buf = io.BytesIO()
    if name == "favicon.ico":
        square.save(buf, "ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    elif name == "icon.png":
        _palette(square.resize((192, 192), Image.Resampling.LANCZOS), Image).save(buf, "PNG")
    else:
        flat = Image.new("RGB", square.size, _PAPER)
        flat.paste(square, mask=square.getchannel("A"))
        _palette(flat.resize((180, 180), Image.Resampling.LANCZOS), Image).save(buf, "PNG")
    return buf.getvalue()


def _palette(img, image_module):
    """256 colours are plenty at icon sizes, and a third of the bytes (browsers fetch one)."""
    return img.quantize(256, method=image_module.Quantize.FASTOCTREE)
