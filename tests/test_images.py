"""Images: responsive web sizes from plain Markdown, metadata stripped, problems at their line."""

from __future__ import annotations

import contextlib
import functools
import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from conftest import write_site
from PIL import Image, ImageChops, ImageDraw

from site_builder.cli import main
from site_builder.images import cards, jpeg
from site_builder.images.cards import Card, draw_card
from site_builder.images.process import ImageStore, Published

SITE = "title: Photo Site\nbase_url: https://example.org/sub/\nsearch: false\n"
GPS = 0x8825


@functools.cache
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


PHOTO_SITE = {
    "content/essays/2026-01-02-the-table.md": ESSAY,
    "content/media/panmunjom.jpg": photo(),
    "content/media/seal.png": transparent_png(),
    "content/media/sketch.svg": SVG,
}


@pytest.fixture(scope="module")
def photo_build(tmp_path_factory):
    """The photo site built once: (output folder, what the build printed to stderr)."""
    root = write_site(tmp_path_factory.mktemp("photo") / "site", PHOTO_SITE, SITE)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["build", "--root", str(root), "--output", str(root / "public")]) == 0
    return root / "public", err.getvalue()


def page(out: Path, path: str = "essays/the-table/") -> str:
    return (out / path / "index.html").read_text(encoding="utf-8")


def test_a_photo_becomes_a_picture_at_web_sizes(photo_build):
    out, _ = photo_build
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


def test_web_sizes_are_upright_and_carry_no_metadata(photo_build):
    out, _ = photo_build
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


def test_a_transparent_png_keeps_its_alpha_and_a_captioned_image_is_a_figure(photo_build):
    out, _ = photo_build
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


def test_an_svg_is_passed_through_with_its_size(photo_build):
    out, _ = photo_build
    html = page(out)
    imgs = re.findall(r'<img src="/sub/media/sketch.svg"[^>]*>', html)
    assert len(imgs) == 2
    assert all('width="320" height="180"' in i and 'loading="lazy"' in i for i in imgs)
    assert (out / "media/sketch.svg").read_bytes() == SVG


def test_an_image_without_alt_text_is_a_warning_at_its_line(photo_build):
    _, err = photo_build
    assert (
        "content/essays/2026-01-02-the-table.md:13: warning: the image /media/sketch.svg has "
        "no alt text [image]"
    ) in err
    assert ":15: warning" not in err  # alt="" in HTML: decorative, said so


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


@pytest.mark.parametrize(
    "image", ["![Gone](/media/gone.jpg)", '<p>\n<img src="/media/gone.jpg" alt="Gone">\n</p>']
)
def test_a_missing_image_is_an_error_at_its_line(site, cli, image):
    root = site({"content/pages/p.md": f"---\ntitle: P\n---\n\n{image}\n"}, SITE)
    run = cli("build", "--root", root, "--output", root / "public")
    assert run.code == 1
    line = 5 + image.startswith("<p>")
    assert f"content/pages/p.md:{line}: error: link to /media/gone.jpg" in run.err
    assert run.err.count(" error: ") == 1  # not also as an image the catalog lacks


def test_the_web_sizes_of_a_raw_html_image_are_not_taken_for_missing_files(site, cli):
    body = '<p><img src="/media/panmunjom.jpg" alt="The table"></p>\n'
    files = {"content/pages/p.md": f"---\ntitle: P\n---\n\n{body}", **PHOTO_SITE}
    root = site(files, SITE)
    run = cli("build", "--root", root, "--output", root / "public")
    assert run.code == 0, run.err
    assert re.search(
        r'<img src="/sub/assets/img/panmunjom\.[0-9a-f]{12}-960\.jpg"', page(root / "public", "p/")
    )


def test_a_rebuild_does_no_image_work_and_check_writes_nothing(site, cli, monkeypatch):
    root = site(PHOTO_SITE, SITE)
    assert cli("check", "--root", root).code == 0
    assert not (root / ".site-builder-cache/images").exists()  # check writes nothing
    first = cli("build", "--root", root, "--output", root / "public")
    assert first.code == 0 and "images " in first.out
    before = {p.name: p.read_bytes() for p in (root / "public/assets/img").iterdir()}

    def no_work(*args, **kwargs):
        raise AssertionError("an image was made again")

    monkeypatch.setattr("site_builder.images.process.make_web_sizes", no_work)
    monkeypatch.setattr("site_builder.images.sharing.draw_card", no_work)
    monkeypatch.setattr("site_builder.images.icons.make_icon", no_work)
    (root / "content/essays/2026-01-02-the-table.md").write_text(ESSAY + "\nMore.\n")
    again = cli("build", "--root", root, "--output", root / "public")
    assert again.code == 0, again.err
    assert {p.name: p.read_bytes() for p in (root / "public/assets/img").iterdir()} == before


def drawn_title(title: str, **fields) -> tuple[Image.Image, tuple[int, int, int, int] | None]:
    """A card, and where it differs from the same card without a title: where the title is."""

    def drawn(text: str) -> Image.Image:
        card = Card("The Site", "Essay", text, footer="example.org/sub", **fields)
        return Image.open(io.BytesIO(draw_card(card))).convert("L")

    with_title, without = drawn(title), drawn("")
    diff = ImageChops.difference(with_title, without).point(lambda v: 255 if v > 48 else 0)
    return with_title, diff.getbbox()


@pytest.mark.parametrize(
    "title",
    [
        "Ripe for what?",
        " ".join(["Negotiating"] * 18)[:200],  # 200 characters
        "W" * 200,  # one word too long for any line
    ],
    ids=["short", "200-characters", "one-long-word"],
)
def test_a_card_is_1200_by_630_and_its_title_is_drawn_inside_it(title):
    card, box = drawn_title(title)
    assert card.size == (1200, 630)
    assert box is not None, "the title was not drawn"
    left, top, right, bottom = box
    assert left >= cards.MARGIN - 2 and right <= 1200 - cards.MARGIN + 2
    assert top >= cards.MARGIN and bottom <= 630 - cards.MARGIN - 30 - 16  # above the footer


def test_an_episode_card_shows_the_cover_beside_its_title():
    buf = io.BytesIO()
    Image.new("RGB", (600, 600), (20, 30, 60)).save(buf, "PNG")
    card, box = drawn_title("A long episode title " * 5, cover=buf.getvalue())
    assert box is not None and box[2] <= 1200 - cards.MARGIN - cards.COVER - 40
    assert card.getpixel((1200 - cards.MARGIN - cards.COVER // 2, 315)) < 60  # the cover


def test_a_card_is_the_same_bytes_whatever_was_drawn_before_it():
    """A worker's painter keeps the fonts and each kind of card's top between cards: a card
    drawn after others (another kicker, another cover, none) equals the card drawn alone."""
    buf = io.BytesIO()
    Image.new("RGB", (600, 600), (20, 30, 60)).save(buf, "PNG")
    drawn = [
        Card("The Site", "Essay", "Ripe for what?", footer="example.org/sub"),
        Card("The Site", "Concept", "Ripeness", "When both sides are ready.", "example.org"),
        Card("The Site", "Episode 1", "The table", footer="example.org", cover=buf.getvalue()),
        Card("The Site", "Episode 2", "The table", footer="example.org", cover=buf.getvalue()),
        Card("Another Site", "Essay", "Ripe for what?", footer="example.org/sub"),
        Card("The Site", "", "About", footer="example.org/sub"),
        Card("The Site", "Essay", "A second essay", footer="example.org/sub"),
    ]
    painter = cards.Painter()
    assert [draw_card(c, painter) for c in drawn] == [draw_card(c) for c in drawn]


def _cover() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (600, 600), (20, 30, 60)).save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize(
    "title",
    [
        "Ripe for what?",
        "",
        " ".join(["Negotiating"] * 18),
        "W" * 200,
        "Ångström, Ǻ and Ÿ over gjpqy",  # ink above the capitals' height, and below the line
        "a\u0301\u0301\u0301\u0301\u0301 q\u0323\u0323\u0323\u0323",  # marks stacked high and low
    ],
    ids=["short", "empty", "long", "one-long-word", "accents", "stacked-marks"],
)
@pytest.mark.parametrize("kind", ["essay", "concept", "episode"])
def test_a_card_is_the_bytes_of_its_whole_picture_though_only_its_title_is_encoded(
    title, kind, monkeypatch
):
    """From a kind's second card on, its top's encoded rows are reused and only the rows the
    title and detail are drawn on are encoded: the file must be the very bytes of encoding the
    card whole."""
    card = {
        "essay": Card("The Site", "Essay", title, footer="example.org/sub"),
        "concept": Card("The Site", "Concept", title, "When both sides are ready. " * 9, "x.org"),
        "episode": Card("The Site", "Episode 4", title, footer="example.org", cover=_cover()),
    }[kind]
    painter = cards.Painter()
    painter.draw(card)
    painter.draw(card)  # the second of its kind: its top is kept, encoded
    heights = []
    encode = cards._jpeg
    monkeypatch.setattr(cards, "_jpeg", lambda img: heights.append(img.height) or encode(img))
    drawn = painter.draw(card)
    whole = encode(painter.picture(card))
    assert drawn == whole
    if title or card.detail:
        assert heights and max(heights) < cards.HEIGHT, "the whole card was encoded"
    else:
        assert heights == [], "nothing was drawn, yet something was encoded"


def test_a_band_of_rows_spliced_into_a_jpeg_is_the_jpeg_of_the_picture_with_that_band():
    before = Image.new("RGB", (1200, 630), "#fbf8f1")
    after = before.copy()
    ImageDraw.Draw(after).ellipse((100, 100 + 3, 900, 200), fill="#8c2f25")  # rows 6 to 12
    whole = jpeg.rows_of(cards._jpeg(before))
    band = jpeg.rows_of(cards._jpeg(after.crop((0, 96, 1200, 208))))
    assert whole is not None and band is not None and whole.row_height == 16
    assert len(whole.rows) == 40 and len(band.rows) == 7
    assert jpeg.spliced(whole, band, 6) == cards._jpeg(after)
    # a band of another width, or past the last row, is refused: the caller encodes it whole
    assert jpeg.spliced(whole, jpeg.rows_of(cards._jpeg(after.crop((0, 96, 600, 208)))), 6) is None
    assert jpeg.spliced(whole, band, 34) is None
    # and a JPEG without a marker after each row is not cut
    plain = io.BytesIO()
    after.save(plain, "JPEG", quality=88)
    assert jpeg.rows_of(plain.getvalue()) is None


SHARED = {
    **PHOTO_SITE,
    "content/essays/2026-01-03-own-image.md": (
        "---\ntitle: With its own image\ndate: 2026-01-03\nimage: /media/panmunjom.jpg\n---\n"
        "Text.\n"
    ),
    "content/glossary/ripeness.md": (
        "---\nterm: Ripeness\ndefinition: When both sides are ready to talk.\n---\nBody.\n"
    ),
}


def test_every_page_has_a_card_or_its_own_image(site, cli):
    root = site(SHARED, SITE + "icon: media/seal.png\n")
    out = root / "public"
    assert cli("build", "--root", root, "--output", out).code == 0
    essay = page(out)
    card = re.search(r'<meta property="og:image" content="https://example.org/sub/([^"]+)">', essay)
    assert card and card.group(1).startswith("assets/cards/essays-the-table.")
    with Image.open(out / card.group(1)) as drawn:
        assert drawn.size == (1200, 630)
    for tag in (
        '<meta property="og:image:width" content="1200">',
        '<meta property="og:image:height" content="630">',
        '<meta property="og:image:alt" content="The table · Photo Site">',
        '<meta name="twitter:card" content="summary_large_image">',
        '<meta property="article:published_time" content="2026-01-02T00:00:00+00:00">',
        f'"image": "https://example.org/sub/{card.group(1)}"',
    ):
        assert tag in essay, tag
    own = page(out, "essays/own-image/")
    assert re.search(r'og:image" content="[^"]+/assets/img/panmunjom\.\w+-1600\.jpg"', own)
    assert '<meta property="og:image:height" content="2133">' in own
    assert "assets/cards/glossary-ripeness." in page(out, "glossary/ripeness/")
    assert "assets/cards/site." in (out / "index.html").read_text()
    # icons from `icon:`, and the pages point at them
    for name, size in (("icon.png", (192, 192)), ("apple-touch-icon.png", (180, 180))):
        with Image.open(out / name) as icon:
            assert icon.size == size
    with Image.open(out / "favicon.ico") as ico:
        assert ico.format == "ICO"
    assert '<link rel="icon" href="/sub/favicon.ico"' in essay
    assert '<link rel="apple-touch-icon" href="/sub/apple-touch-icon.png">' in essay


def test_a_site_without_an_icon_says_so_and_content_static_wins(site, cli):
    root = site({"content/pages/p.md": "---\ntitle: P\n---\nText.\n"}, SITE)
    assert cli("build", "--root", root, "--output", root / "public").code == 0
    assert not (root / "public/favicon.ico").exists()
    assert '<link rel="icon" href="data:,">' in page(root / "public", "p/")
    (root / "content/static").mkdir(parents=True)
    (root / "content/static/favicon.ico").write_bytes(b"my own icon")
    assert cli("build", "--root", root, "--output", root / "public").code == 0
    assert (root / "public/favicon.ico").read_bytes() == b"my own icon"
    assert '<link rel="icon" href="/sub/favicon.ico"' in page(root / "public", "p/")


def test_an_essay_image_that_is_not_there_is_an_error_at_its_line(site, cli):
    root = site(
        {
            "content/essays/2026-01-01-e.md": (
                "---\ntitle: E\ndate: 2026-01-01\nimage: /media/no.jpg\n---\nx\n"
            )
        },
        SITE,
    )
    run = cli("build", "--root", root, "--output", root / "public")
    assert run.code == 1
    assert "content/essays/2026-01-01-e.md:4: error: no image file /media/no.jpg" in run.err


def test_a_phone_390_px_wide_downloads_the_photo_at_a_phone_size(
    photo_build, browser, static_server
):
    out, _ = photo_build
    origin = static_server(out, "/sub/")
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page_ = context.new_page()
    got: dict[str, int] = {}
    page_.on("response", lambda r: got.__setitem__(r.url, len(r.body())) if r.ok else None)
    page_.goto(origin + "/sub/essays/the-table/", wait_until="networkidle")
    context.close()
    photo_bytes = {u: n for u, n in got.items() if "panmunjom" in u}
    assert len(photo_bytes) == 1, photo_bytes  # one web size, not the 3000 x 4000 original
    ((url, size),) = photo_bytes.items()
    assert url.endswith(".webp") and size < 200_000


def test_a_photo_like_cover_is_under_200_kb_at_its_largest_web_size():
    from PIL import ImageFilter

    from site_builder.images.process import make_web_sizes

    side = 3000
    smooth = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize((side, side)),
            Image.radial_gradient("L").resize((side, side)),
            Image.linear_gradient("L").rotate(90).resize((side, side)),
        ),
    )
    grain = Image.effect_noise((side, side), 60).filter(ImageFilter.GaussianBlur(1.2))
    buf = io.BytesIO()
    Image.blend(smooth, grain.convert("RGB"), 0.35).save(buf, "JPEG", quality=90)
    assert len(buf.getvalue()) > 1_300_000  # as heavy as the 1.4 MB cover of the issue
    made = make_web_sizes(buf.getvalue())
    widest = max((s for s in made.sizes if s[2] == "image/webp"), key=lambda s: s[0])
    assert widest[0] == 1600 and len(widest[3]) < 200_000


def test_a_cached_build_never_loads_pillow(site, cli):
    import subprocess
    import sys

    root = site(PHOTO_SITE, SITE)
    assert cli("build", "--root", root).code == 0
    script = (
        "import sys; from site_builder.cli import main; "
        f"code = main(['build', '--root', {str(root)!r}, '--quiet']); "
        "print(code, 'PIL' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.split() == ["0", "False"], done.stderr


def test_what_a_build_makes_waits_outside_memory_and_the_site_folder_until_flushed(tmp_path):
    """The cards of 10,000 pages are 500 MB: `build` keeps them in an unnamed file until the
    build succeeds, and names nothing in the site folder before that."""
    store = ImageStore(tmp_path / ".site-builder-cache" / "images", store=True)
    store.put("card-a.jpg", b"a" * 5000)
    store.put("card-b.jpg", b"b" * 7000)
    assert store.memory == {} and list(tmp_path.iterdir()) == []
    assert store.read("card-b.jpg") == b"b" * 7000 and store.get("card-a.jpg") == b"a" * 5000
    done = Published()
    done.add("assets/cards/a.jpg", store, "card-a.jpg")
    assert done.files == {} and done.copies == {}  # not read back into memory either
    store.flush()
    done.settle(store)
    assert done.copies["assets/cards/a.jpg"].read_bytes() == b"a" * 5000
    assert (tmp_path / ".site-builder-cache/images/card-b.jpg").read_bytes() == b"b" * 7000
