"""The branded image card used when an article has no usable image: 1200×675 JPEG, the headline in
Arabic, shaped and right-to-left, word-wrapped (up to four lines, the size shrinking to fit), the section in
a red tab and the site name under a rule.

Text shaping: Pillow with libraqm (``ImageFont.Layout.RAQM``, ``direction="rtl"``, ``language="ar"``).
Without raqm, each line is shaped with arabic-reshaper and reordered with python-bidi, then drawn with
the basic layout — same card, slightly rougher ligatures.

Font, first found wins:

1. ``font_path`` (the CARD_FONT setting: any TTF/OTF with Arabic glyphs);
2. the bundled IBM Plex Sans Arabic (PyPI package ``fontpkg-ibm-plex-sans-arabic``, OFL-1.1; it has Latin
   and digits too, so «iPhone 17» in a headline renders);
3. system fonts: Noto Sans/Naskh Arabic, Amiri, DejaVu Sans (Debian fonts-noto-core, fonts-hosny-amiri,
   fonts-dejavu-core);
4. Pillow's built-in font, with a logged warning: Arabic letters then render as boxes.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import arabic_reshaper
from bidi.algorithm import get_display
from PIL import Image, ImageDraw, ImageFont, features

from bot.compose.fit import clean_text, truncate_words

log = logging.getLogger(__name__)

CARD_SIZE = (1200, 675)
BACKGROUND = (12, 31, 58)
ACCENT = (200, 16, 46)
HEADLINE = (255, 255, 255)
MUTED = (196, 208, 224)
MARGIN = 80
HEADLINE_BAND = (150, 560)  # top and bottom of the headline area
HEADLINE_SIZES = (72, 64, 58, 52, 46)
MAX_LINES = 4
BUNDLED = ("fontpkg_ibm_plex_sans_arabic", "files")
SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf",
    "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Bold.ttf",
    "/usr/share/fonts/truetype/fonts-hosny-amiri/Amiri-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)
FontT = ImageFont.FreeTypeFont | ImageFont.ImageFont


def find_font(font_path: str | None = None, *, weight: str = "Bold") -> str | None:
    """The font file :func:`render_card` will use (see the module docstring), or None for Pillow's."""
    if font_path and Path(font_path).is_file():
        return font_path
    try:
        bundled = resources.files(BUNDLED[0]).joinpath(BUNDLED[1], f"IBMPlexSansArabic-{weight}.ttf")
        if bundled.is_file():
            return str(bundled)
    except ModuleNotFoundError:
        pass
    return next((path for path in SYSTEM_FONTS if Path(path).is_file()), None)


def render_card(
    title: str,
    site_name: str,
    section_name: str | None = None,
    *,
    font_path: str | None = None,
    raqm: bool | None = None,
) -> bytes:
    """The card as JPEG bytes.  ``raqm=False`` forces the reshaper/bidi fallback (None: use raqm if present)."""
    use_raqm = features.check("raqm") if raqm is None else raqm and features.check("raqm")
    layout = ImageFont.Layout.RAQM if use_raqm else ImageFont.Layout.BASIC
    bold = find_font(font_path)
    regular = find_font(font_path, weight="Medium") or bold
    if bold is None:
        log.warning("no Arabic font found for the image card (install fontpkg-ibm-plex-sans-arabic); using Pillow's")

    def font(path: str | None, size: int) -> FontT:
        if path is None:
            return ImageFont.load_default(size)
        return ImageFont.truetype(path, size, layout_engine=layout)

    def text_for(line: str) -> str:
        return line if use_raqm else _visual(line)

    def width(f: FontT, line: str) -> float:
        return f.getlength(text_for(line), direction="rtl") if use_raqm else f.getlength(text_for(line))

    def draw_rtl(
        draw: ImageDraw.ImageDraw,
        xy: tuple[float, float],
        line: str,
        f: FontT,
        fill: tuple[int, ...],
        anchor: str = "ra",
    ) -> None:
        kwargs = {"direction": "rtl", "language": "ar"} if use_raqm else {}
        draw.text(xy, text_for(line), font=f, fill=fill, anchor=anchor, **kwargs)  # type: ignore[arg-type]

    img = Image.new("RGB", CARD_SIZE, BACKGROUND)
    draw = ImageDraw.Draw(img)
    w, h = CARD_SIZE
    draw.rectangle((w - 16, 0, w, h), fill=ACCENT)

    section = clean_text(section_name or "")
    if section:
        f = font(bold, 34)
        tab = width(f, section)
        draw.rectangle((w - MARGIN - tab - 48, 56, w - MARGIN, 116), fill=ACCENT)
        draw_rtl(draw, (w - MARGIN - 24, 86), section, f, HEADLINE, anchor="rm")

    headline = clean_text(title)
    max_width = w - 2 * MARGIN
    for size in HEADLINE_SIZES:
        f = font(bold, size)

        def measure(line: str, f: FontT = f) -> float:
            return width(f, line)

        lines = _wrap(headline, measure, max_width)
        if len(lines) <= MAX_LINES:
            break
    if len(lines) > MAX_LINES:
        rest = " ".join(lines[MAX_LINES - 1 :])
        lines = [*lines[: MAX_LINES - 1], truncate_words(rest, max_width, measure=measure)]
    line_height = int(size * 1.45)
    top = HEADLINE_BAND[0] + (HEADLINE_BAND[1] - HEADLINE_BAND[0] - line_height * len(lines)) // 2
    for i, line in enumerate(lines):
        draw_rtl(draw, (w - MARGIN, top + i * line_height), line, f, HEADLINE)

    draw.line((MARGIN, 590, w - MARGIN, 590), fill=(58, 82, 116), width=2)
    site_font = font(regular, 36)
    draw.rectangle((w - MARGIN - 14, 617, w - MARGIN, 631), fill=ACCENT)
    draw_rtl(draw, (w - MARGIN - 28, 624), clean_text(site_name), site_font, MUTED, anchor="rm")

    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88)
    return buf.getvalue()


def _wrap(text: str, measure: Callable[[str], float], max_width: float) -> list[str]:
    """Greedy word wrap in logical order (each line is shaped on its own, right-aligned)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and measure(candidate) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _visual(line: str) -> str:
    """Shaped presentation forms in visual order, for Pillow's basic layout (no raqm)."""
    return str(get_display(arabic_reshaper.reshape(line), base_dir="R"))
