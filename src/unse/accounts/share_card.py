"""The Open Graph preview image of a share link: a 1200×630 PNG drawn with Pillow (issue 18).

It shows only what the shared page shows: the page's title, its 한눈에 보기 sentences, the site name, and
the pillars only when the owner opted in to birth data (`SharedReading.pillars` is None otherwise). The
card is a pure function of a `ShareCard`; the PNG is cached by a hash of the token and the card's content,
so a changed card never serves a stale image and the cache key carries no secret.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.cache import caches
from PIL import Image, ImageDraw, ImageFont
from redis.exceptions import RedisError

from unse.accounts.redact import summary_section
from unse.accounts.selectors.library import SharedReading
from unse.readings.sanitize import plain_preview

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
SITE_NAME = "사주 명식"
# Bump when the drawing changes: cached images of the old layout are then never served.
VERSION = "1"
CACHE_SECONDS = 7 * 24 * 3600

# The fonts the pages use (docs/web.md, "Static files, font, weight"): Pretendard subset to the 2,350
# KS X 1001 syllables and a Hanja subset of NanumBarunGothic. Pillow reads woff2 through FreeType.
_FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
_SANS = _FONTS / "unse-sans-kr.woff2"
_HANJA = _FONTS / "unse-hanja-700.woff2"
_FALLBACK = Path("/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf")  # Debian fonts-nanum

_INK = (43, 33, 24)
_MUTED = (110, 94, 80)
_PAPER = (250, 246, 238)
_ACCENT = (158, 59, 40)
_CELL = (255, 255, 255)
_PILLAR_ORDER = ("시주", "일주", "월주", "연주")  # the result page's order, right to left 년·월·일·시


@dataclass(frozen=True, slots=True)
class ShareCard:
    title: str
    sentences: str  # plain text, no Markdown
    pillars: tuple[tuple[str, str], ...]  # (("일주", "庚辰(경진)"), …); empty unless the owner opted in


def share_card_of(shared: SharedReading) -> ShareCard:
    """The card's content, taken from what the shared page shows and nothing else."""
    summary = plain_preview("\n\n".join(summary_section(shared.text)), limit=140)
    pillars = shared.pillars or {}
    return ShareCard(
        title=shared.title,
        sentences=summary,
        pillars=tuple((name, pillars[name]) for name in _PILLAR_ORDER if pillars.get(name)),
    )


def share_card_png(*, token: str, card: ShareCard) -> bytes:
    """The PNG of a share's card, from the cache when drawn before (a cache outage only costs a redraw)."""
    digest = hashlib.sha256(f"{VERSION}\0{token}\0{card!r}".encode()).hexdigest()
    key = f"share-card:{digest}"
    try:
        cached = caches["default"].get(key)
    except (RedisError, OSError):
        logger.warning("share card cache unavailable; drawing without it")
        cached = None
    if isinstance(cached, bytes):
        return cached
    png = draw_share_card(card)
    try:
        caches["default"].set(key, png, timeout=CACHE_SECONDS)
    except (RedisError, OSError):
        logger.warning("share card cache unavailable; not stored")
    return png


@cache
def _font(path: Path, size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in (path, _FALLBACK):
        try:
            font = ImageFont.truetype(str(candidate), size)
        except OSError:
            logger.warning("share card font %s could not be loaded", candidate)
            continue
        if bold and candidate == _SANS:
            font.set_variation_by_axes([700])  # the variable font's weight axis
        return font
    return ImageFont.load_default(size)


def _wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int, lines: int) -> list[str]:
    """Lines that fit `width`, broken at spaces (Korean words are short), the last cut with an ellipsis."""
    out: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
        while font.getlength(current) > width:  # one word wider than the line: cut it
            cut = len(current)
            while cut > 1 and font.getlength(current[:cut]) > width:
                cut -= 1
            out.append(current[:cut])
            current = current[cut:]
    if current:
        out.append(current)
    if len(out) > lines:
        last = out[lines - 1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        out = [*out[: lines - 1], last.rstrip() + "…"]
    return out


def draw_share_card(card: ShareCard) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), _PAPER)
    draw = ImageDraw.Draw(image)
    margin = 72
    draw.rectangle((0, 0, 16, HEIGHT), fill=_ACCENT)
    draw.text((margin, 56), SITE_NAME, font=_font(_SANS, 30, bold=True), fill=_ACCENT)
    title_font = _font(_SANS, 60, bold=True)
    y = 118
    for line in _wrap(card.title, title_font, WIDTH - 2 * margin, 2):
        draw.text((margin, y), line, font=title_font, fill=_INK)
        y += 76
    body_font = _font(_SANS, 34)
    y += 18
    for line in _wrap(card.sentences, body_font, WIDTH - 2 * margin, 2 if card.pillars else 5):
        draw.text((margin, y), line, font=body_font, fill=_MUTED)
        y += 50
    if card.pillars:
        _draw_pillars(draw, card.pillars, top=HEIGHT - 72 - 150)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _draw_pillars(draw: ImageDraw.ImageDraw, pillars: tuple[tuple[str, str], ...], *, top: int) -> None:
    label_font = _font(_SANS, 24)
    hanja_font = _font(_HANJA, 56)
    hangul_font = _font(_SANS, 26)
    cell, gap, left = 160, 20, 72
    for index, (name, value) in enumerate(pillars):
        x = left + index * (cell + gap)
        draw.rounded_rectangle((x, top, x + cell, top + 150), radius=14, fill=_CELL, outline=(222, 210, 194))
        hanja, _, rest = value.partition("(")
        draw.text((x + cell / 2, top + 14), name, font=label_font, fill=_MUTED, anchor="mt")
        draw.text((x + cell / 2, top + 46), hanja, font=hanja_font, fill=_INK, anchor="mt")
        draw.text((x + cell / 2, top + 112), rest.rstrip(")"), font=hangul_font, fill=_MUTED, anchor="mt")
