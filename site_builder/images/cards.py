"""Social cards: the 1200x630 picture a link to a page shows where it is shared.

Drawn at build time with Pillow in the theme's light colours, with the bundled DejaVu Serif
Bold (fonts/, its licence beside it): the site's name, what the page is ("Episode 12",
"Essay", "Concept"), its title (smaller as it gets longer, wrapped, and cut with an ellipsis
rather than ever drawn past the card), a concept's definition, and for an episode the show's
cover (or its own image). Cards are named and cached by the hash of everything drawn.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .jpeg import Rows, joined, rows_of, spliced

CARD_FORMAT = "3"  # bump when the drawing changes
WIDTH, HEIGHT = 1200, 630
FONT = Path(__file__).parent.parent / "fonts" / "DejaVuSerif-Bold.ttf"
PAPER, RULE, INK, INK_2, ACCENT = "#fbf8f1", "#d9d1bf", "#1f1d1a", "#4c4740", "#8c2f25"
MARGIN, COVER = 72, 380
TITLE_SIZES = (68, 60, 52, 46, 40, 36)  # the largest at which the title fits wins
FOOTER_TOP = HEIGHT - MARGIN - 30  # the footer's 30 px line
_KINDS = 16  # kinds of card whose top a painter keeps (2.3 MB each)


@dataclass(frozen=True, slots=True)
class Card:
    """What a card shows."""

    site: str
    kicker: str  # what the page is: "Essay", "Episode 12", "Concept"
    title: str
    detail: str = ""  # a concept's definition, the site's description
    footer: str = ""  # the site's address
    cover: bytes = b""  # an image to show beside the text (an episode's cover), or none

    def key(self) -> str:
        digest = hashlib.sha256(CARD_FORMAT.encode())
        for part in (self.site, self.kicker, self.title, self.detail, self.footer):
            chunk = part.encode()
            digest.update(len(chunk).to_bytes(8, "big") + chunk)
        digest.update(hashlib.sha256(self.cover).digest())
        return digest.hexdigest()[:32]


def draw_card(card: Card, painter: Painter | None = None) -> bytes:
    """The card as a JPEG (smaller than PNG once a cover photo is on it; no metadata)."""
    return (painter or Painter()).draw(card)


class Painter:
    """Draws cards, keeping between them what most cards share: the fonts, and all but the
    title and detail (paper, bar, cover, site name, kicker, footer), drawn and encoded once
    per kind (from its second card on); a card of that kind then encodes only the rows of
    blocks its title and detail are drawn on, and takes the others from its top's JPEG
    (jpeg.py).

    Each card is then the same operations in the same order as drawing it whole, so its
    bytes do not depend on which cards were drawn before it."""

    def __init__(self) -> None:
        self._fonts: dict[int, Any] = {}
        self._pages: dict[tuple[str, bytes], tuple[Any, int]] = {}  # by site and cover
        # by site, kicker, footer and cover: the top, where the title goes, its right edge,
        # and the top encoded
        self._tops: dict[tuple[str, str, str, bytes], tuple[Any, int, int, Rows | None]] = {}
        self._seen: set[tuple[str, str, str, bytes]] = set()

    def font(self, size: int) -> Any:
        if size not in self._fonts:
            from PIL import ImageFont

            self._fonts[size] = ImageFont.truetype(str(FONT), size)
        return self._fonts[size]

    def draw(self, card: Card) -> bytes:
        img, (top, bottom), whole = self._picture(card)
        if whole is None:  # a top of its own (each episode's kicker is): encoded whole
            return _jpeg(img)
        # only the rows of blocks the title and detail were drawn on are encoded: the rest
        # are the top's (see jpeg.py), the same bytes as encoding the whole card
        first, end = top // whole.row_height, -(-bottom // whole.row_height)
        if end <= first:
            return joined(whole.head, whole.rows)
        box = (0, first * whole.row_height, WIDTH, min(end * whole.row_height, HEIGHT))
        band = rows_of(_jpeg(img.crop(box)))
        return (band and spliced(whole, band, first)) or _jpeg(img)

    def picture(self, card: Card) -> Any:
        """The card as a Pillow image, before it is encoded."""
        return self._picture(card)[0]

    def _picture(self, card: Card) -> tuple[Any, tuple[int, int], Rows | None]:
        """The card's image, the rows (top, bottom) its title and detail have ink on, and
        its top's JPEG when the painter keeps it."""
        from PIL import ImageDraw

        kind = (card.site, card.kicker, card.footer, card.cover)
        known = self._tops.get(kind)
        if known is None:
            known = (*self._top(*kind), None)
            # kept from a kind's second card on (essays', concepts', pages'): each episode's
            # kicker is its own, and its top is drawn with it
            if kind in self._seen and len(self._tops) < _KINDS:
                known = self._tops[kind] = (*known[:3], rows_of(_jpeg(known[0])))
            self._seen.add(kind)
        base, y, right, whole = known
        img = base.copy()
        draw = ImageDraw.Draw(img)
        width = right - MARGIN
        detail_font = self.font(28)
        detail = _wrap(card.detail, detail_font, width, 3) if card.detail else []
        room = FOOTER_TOP - y - 24 - len(detail) * 38
        font, lines = _title_layout(card.title, width, room, self.font)
        ink = [HEIGHT, 0]

        def write(line: str, font: Any, fill: str, y: int) -> None:
            draw.text((MARGIN, y), line, font=font, fill=fill)
            _, over, _, under = font.getbbox(line)  # as drawn: the same layout
            ink[:] = min(ink[0], y + over), max(ink[1], y + under)

        for line in lines:
            write(line, font, INK, y)
            y += round(font.size * 1.18)
        y += 12
        for line in detail:
            write(line, detail_font, INK_2, y)
            y += 38
        return img, (max(ink[0], 0), min(ink[1], HEIGHT)), whole

    def _top(self, site: str, kicker: str, footer: str, cover: bytes) -> tuple[Any, int, int]:
        """The card but its title and detail: the image, where the title goes, its right edge.

        The footer is drawn before the title, not after it as the card reads: the title and
        detail end above the footer's rule (`room`), so no pixel is drawn twice and the
        bytes are those of drawing it last."""
        from PIL import ImageDraw

        if (site, cover) not in self._pages:
            self._pages[site, cover] = self._page(site, cover)
        page, right = self._pages[site, cover]
        img = page.copy()
        draw = ImageDraw.Draw(img)
        y = MARGIN - 8 + (44 if site else 0)
        if kicker:
            line = _fit_line(kicker, self.font(30), right - MARGIN)
            draw.text((MARGIN, y), line, font=self.font(30), fill=INK_2)
            y += 44
        if footer:
            draw.line((MARGIN, FOOTER_TOP - 16, right, FOOTER_TOP - 16), fill=RULE, width=2)
            line = _fit_line(footer, self.font(30), right - MARGIN)
            draw.text((MARGIN, FOOTER_TOP), line, font=self.font(30), fill=INK_2)
        return img, y + 16, right

    def _page(self, site: str, cover: bytes) -> tuple[Any, int]:
        """The paper, the bar, the cover and the site's name; and the text's right edge."""
        from PIL import Image, ImageDraw

        img = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
        draw = ImageDraw.Draw(img)
        draw.rectangle((0, 0, 18, HEIGHT), fill=ACCENT)
        right = WIDTH - MARGIN
        if cover:
            with Image.open(io.BytesIO(cover)) as opened:
                square = _square(opened.convert("RGB"), COVER, Image)
            img.paste(square, (WIDTH - MARGIN - COVER, (HEIGHT - COVER) // 2))
            right = WIDTH - MARGIN - COVER - 48
        if site:
            line = _fit_line(site, self.font(30), right - MARGIN)
            draw.text((MARGIN, MARGIN - 8), line, font=self.font(30), fill=ACCENT)
        return img, right


def _jpeg(img: Any) -> bytes:
    buf = io.BytesIO()
    # a marker after each row of blocks, so that rows can be reused (jpeg.py); optimize=True:
    # 20% smaller, three times the time
    img.save(buf, "JPEG", quality=88, restart_marker_rows=1)
    return buf.getvalue()


def _title_layout(title: str, width: int, room: int, font_of: Callable[[int], Any]) -> tuple:
    """The largest title size whose wrapped lines fit in `room` pixels of height; at the
    smallest, as many lines as fit, the last cut with an ellipsis."""
    for size in TITLE_SIZES:
        font = font_of(size)
        most = max(1, room // round(size * 1.18))
        lines = _wrap(title, font, width, most + 1)
        if len(lines) <= most:
            return font, lines
    return font, _wrap(title, font, width, most)


def _wrap(text: str, font, width: int, most: int) -> list[str]:
    """`text` in lines no wider than `width`, at most `most` of them (the last ending in an
    ellipsis when the text goes on); a word too long for a line is broken inside."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) <= width:  # so the word alone is no wider either
            line = candidate
            continue
        if line:
            lines.append(line)
        while font.getlength(word) > width:  # a word wider than the card: break it
            cut = _longest_prefix(word, font, width)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = _fit_line(lines[-1] + " …", font, width)
    return lines


def _fit_line(text: str, font, width: int) -> str:
    """`text`, cut and ended with an ellipsis if it is wider than `width`."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text.rstrip() + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _longest_prefix(word: str, font, width: int) -> int:
    cut = len(word)
    while cut > 1 and font.getlength(word[:cut]) > width:
        cut -= 1
    return cut


def _square(img, size: int, image_module):
    """The centre square of `img`, at `size` pixels."""
    side = min(img.size)
    left, top = (img.width - side) // 2, (img.height - side) // 2
    box = (left, top, left + side, top + side)
    return img.resize((size, size), image_module.Resampling.LANCZOS, box=box, reducing_gap=2.0)
