"""Images: responsive web sizes from plain Markdown, metadata stripped, problems at their line."""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

SITE = "title: Photo Site\nbase_url: https://example.org/sub/\nsearch: false\n"
GPS = 0x8825


def photo(width: int = 4000, height: int = 3000, orientation: int = 6) -> bytes:
    """A photo-like JPEG (smooth gradients and shapes) with EXIF orientation and GPS tags."""
    img = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize((width, height)),
            Image.radial_gradient("L").resize((width, height)),
            Image.linear_gradient("L").rotate(90).resize((width, height)),
        ),
    )
    draw = ImageDraw.Draw(img)
    for i in range(30):
        x, y = i * width // 30, (i * 97) % (height - 300)
        draw.ellipse((x, y, x + 300, y + 300), fill=((i * 37) % 255, (i * 71) % 255, 90))
    draw.rectangle((0, 0, 200, 40), fill="red")  # the top left as stored: it must end up right
    exif = Image.Exif()
    exif[0x0112] = orientation
    gps = exif.get_ifd(GPS)
    gps.update({1: "N", 2: (37.0, 57.0, 22.0), 3: "E", 4: (126.0, 40.0, 3.0)})
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, exif=exif.tobytes())
    return buf.getvalue()


def transparent_png() -> bytes:
    img = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((100, 100, 700, 500), fill=(140, 47, 37, 255))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def bomb_png() -> bytes:
    """A valid-looking PNG whose header claims 100,000 x 100,000 pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 180">'
    b'<rect width="320" height="180"/></svg>'
)

ESSAY = """\
---
title: The table
date: 2026-01-02
---
A first paragraph.

![The table at Panmunjom](/media/panmunjom.jpg)

Some text, then a caption:

![A transparent seal](/media/seal.png "The seal, as drawn")

![](/media/sketch.svg)

<img src="/media/sketch.svg" alt="">
"""


@pytest.fixture
def photo_site(site):
    return site(
        {
            "content/essays/2026-01-02-the-table.md": ESSAY,
            "content/media/panmunjom.jpg": photo(),
            "content/media/seal.png": transparent_png(),
            "content/media/sketch.svg": SVG,
        },
        SITE,
    )


def page(out: Path) -> str:
    return (out / "essays/the-table/index.html").read_text(encoding="utf-8")


def test_a_photo_becomes_a_picture_at_web_sizes(photo_site, cli):
    out = photo_site / "public"
    run = cli("build", "--root", photo_site, "--output", out)
    assert run.code == 0, run.err
    html = page(out)
    pictures = re.findall(r"<picture>.*?</picture>", html, re.S)
    assert len(pictures) == 2
    first = pictures[0]
    # upright: stored 4000x3000 with orientation 6, shown 3000 wide and 4000 high
    assert 'width="3000" height="4000"' in first
    for width in (480, 960, 1600):
        for ext in ("webp", "jpg"):
            name = rf"/sub/assets/img/panmunjom\.[0-9a-f]{{12}}-{width}\.{ext} {width}w"
            assert re.search(name, first)
    assert 'sizes="' in first and 'decoding="async"' in first
    assert "loading=" not in first  # the page's first image loads at once
    assert 'alt="The table at Panmunjom"' in first
    assert 'loading="lazy"' in pictures[1]
    assert "<p><picture>" in html  # the first is inline in its paragraph


def test_web_sizes_are_upright_and_carry_no_metadata(photo_site, cli):
    out = photo_site / "public"
    assert cli("build", "--root", photo_site, "--output", out).code == 0
    made = sorted((out / "assets/img").glob("panmunjom.*"))
    assert [p.suffix for p in made].count(".webp") == 3
    for file in made:
        with Image.open(file) as img:
            width = int(re.search(r"-(\d+)\.", file.name).group(1))
            assert img.size == (width, width * 4 // 3)
            exif = img.getexif()
            assert not exif.get_ifd(GPS) and 0x0112 not in exif and "xmp" not in img.info
    with Image.open(next(p for p in made if p.name.endswith("-480.jpg"))) as small:
        # the red mark drawn at the stored top left is at the top right once upright
        assert small.convert("RGB").getpixel((475, 3))[0] > 200
    # the original, published for download, is upright and without its GPS position too
    with Image.open(out / "media/panmunjom.jpg") as original:
        assert original.size == (3000, 4000)
        assert not original.getexif().get_ifd(GPS) and not original.getexif()


def test_a_transparent_png_keeps_its_alpha_and_a_captioned_image_is_a_figure(photo_site, cli):
    out = photo_site / "public"
    assert cli("build", "--root", photo_site, "--output", out).code == 0
    html = page(out)
    figure = re.search(r"<figure>(.*?)</figure>", html, re.S).group(1)
    assert "<figcaption>The seal, as drawn</figcaption>" in figure
    assert "<p><figure>" not in html
    assert re.search(r"seal\.[0-9a-f]{12}-800\.png 800w", figure)
    assert 'width="800" height="600"' in figure
    png = next((out / "assets/img").glob("seal.*-480.png"))
    webp = next((out / "assets/img").glob("seal.*-480.webp"))
    for file in (png, webp):
        with Image.open(file) as img:
            assert img.mode == "RGBA" and img.getpixel((0, 0))[3] == 0


def test_an_svg_is_passed_through_with_its_size(photo_site, cli):
    out = photo_site / "public"
    assert cli("build", "--root", photo_site, "--output", out).code == 0
    html = page(out)
    imgs = re.findall(r'<img src="/sub/media/sketch.svg"[^>]*>', html)
    assert len(imgs) == 2
    assert all('width="320" height="180"' in i and 'loading="lazy"' in i for i in imgs)
    assert (out / "media/sketch.svg").read_bytes() == SVG


def test_an_image_without_alt_text_is_a_warning_at_its_line(photo_site, cli):
    run = cli("build", "--root", photo_site, "--output", photo_site / "public")
    assert run.code == 0
    assert (
        "content/essays/2026-01-02-the-table.md:13: warning: the image /media/sketch.svg has "
        "no alt text [image]"
    ) in run.err
    assert ":15: warning" not in run.err  # alt="" in HTML: decorative, said so


@pytest.mark.parametrize(
    "data, message",
    [
        (photo(800, 600, 1)[:9000], "cannot be read: it is damaged or cut short"),
        (bomb_png(), "is too large to decode safely: 10,000,000,000 pixels"),
        (b"not an image at all", "is not an image Pillow can read"),
    ],
    ids=["truncated", "bomb", "not-an-image"],
)
def test_a_broken_image_is_an_error_at_its_line(site, cli, data, message):
    root = site(
        {
            "content/pages/p.md": "---\ntitle: P\n---\nText.\n\n![A broken photo](/media/x.jpg)\n",
            "content/media/x.jpg": data,
        },
        SITE,
    )
    run = cli("build", "--root", root, "--output", root / "public")
    assert run.code == 1
    assert f"content/pages/p.md:6: error: /media/x.jpg {message}" in run.err
    assert "Traceback" not in run.err
    assert not (root / "public").exists()


def test_a_missing_image_is_an_error_at_its_line(site, cli):
    root = site({"content/pages/p.md": "---\ntitle: P\n---\n\n![Gone](/media/gone.jpg)\n"}, SITE)
    run = cli("build", "--root", root, "--output", root / "public")
    assert run.code == 1
    assert "content/pages/p.md:5: error: link to /media/gone.jpg" in run.err
