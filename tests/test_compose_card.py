"""The branded card: size, layout pixels, and proof that Arabic glyphs (not boxes) were drawn.

The golden thumbnail (tests/data/compose/golden/seed_card_thumb.png, 120×68 grayscale) is compared with a
tolerance, so small anti-aliasing differences between FreeType builds pass and a missing font does not.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFont, ImageStat, features

from bot.compose.card import ACCENT, BACKGROUND, CARD_SIZE, find_font, render_card

GOLDEN = Path(__file__).parent / "data/compose/golden/seed_card_thumb.png"
TITLE = "الناتو يبحث تعزيز الدعم العسكري لأوكرانيا وتطوير القدرات الدفاعية خلال اجتماع بروكسل"
SITE = "أخبار هنا العالم"
BAND = (80, 200, 1120, 540)  # where the headline lines are drawn


def card(title: str = TITLE, **kwargs: object) -> Image.Image:
    img = Image.open(io.BytesIO(render_card(title, SITE, "العالم", **kwargs)))  # type: ignore[arg-type]
    img.load()
    return img


def ink(img: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Pixels of the headline colour (near white) in ``box``."""
    gray = img.crop(box).convert("L")
    return sum(gray.point(lambda v: 255 if v > 180 else 0).histogram()[255:])


def close(pixel: object, colour: tuple[int, int, int], tol: int = 12) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tol for a, b in zip(pixel, colour, strict=True))


def test_size_and_format() -> None:
    img = card()
    assert img.format == "JPEG" and img.size == CARD_SIZE == (1200, 675) and img.mode == "RGB"


def test_layout_pixels() -> None:
    img = card()
    assert close(img.getpixel((10, 10)), BACKGROUND)  # background
    assert close(img.getpixel((1195, 400)), ACCENT)  # the red edge on the right (RTL start)
    assert close(img.getpixel((1110, 60)), ACCENT)  # the section tab, top right
    assert close(img.getpixel((600, 590)), (58, 82, 116), tol=25)  # the rule above the site name


def test_headline_is_drawn_right_aligned_in_its_band() -> None:
    img = card()
    gray = img.crop(BAND).convert("L").point(lambda v: 255 if v > 180 else 0)
    _left, _top, right, _bottom = gray.getbbox() or (0, 0, 0, 0)
    assert right >= BAND[2] - BAND[0] - 6  # the lines end at the right margin
    assert 1500 < ink(img, BAND) < 120_000


def test_arabic_glyphs_not_boxes() -> None:
    """A font without Arabic draws every letter as the same .notdef box.  Rendering the headline with
    its letters replaced by one unassigned code point gives exactly that picture; ours must differ a lot."""
    boxes = "".join(ch if ch == " " else "\U000f0000" for ch in TITLE)
    real, fake = card(), card(boxes)
    diff = ImageChops.difference(real.crop(BAND).convert("L"), fake.crop(BAND).convert("L"))
    assert ImageStat.Stat(diff).mean[0] > 8
    font = ImageFont.truetype(find_font() or "", 40)
    notdef = bytes(font.getmask("\U000f0000"))
    assert all(bytes(font.getmask(letter)) != notdef for letter in set(TITLE) - {" "})


def test_golden_thumbnail() -> None:
    thumb = card().convert("L").resize((120, 68), Image.Resampling.BOX)
    if os.environ.get("UPDATE_GOLDENS"):
        thumb.save(GOLDEN)
    golden = Image.open(GOLDEN).convert("L")
    assert ImageStat.Stat(ImageChops.difference(thumb, golden)).mean[0] < 3


@pytest.mark.skipif(not features.check("raqm"), reason="needs libraqm to compare both paths")
def test_fallback_without_raqm_draws_the_same_words() -> None:
    with_raqm, without = card(raqm=True), card(raqm=False)
    diff = ImageChops.difference(with_raqm.convert("L"), without.convert("L"))
    assert ImageStat.Stat(diff).mean[0] < 12  # nearly the same picture (boxes instead differ by ~50)
    assert abs(ink(with_raqm, BAND) - ink(without, BAND)) < 0.15 * ink(with_raqm, BAND)


def test_long_headline_is_cut_with_an_ellipsis_and_latin_renders() -> None:
    img = card("iPhone 17 Pro يصل إلى الأسواق العربية بسعر 999 دولارًا " * 6)
    assert img.size == CARD_SIZE and ink(img, BAND) > 1500


def test_font_resolution_order(tmp_path: Path) -> None:
    bundled = find_font()
    assert bundled is not None and bundled.endswith("IBMPlexSansArabic-Bold.ttf")
    assert find_font(str(tmp_path / "missing.ttf")) == bundled  # a bad CARD_FONT falls through
    custom = tmp_path / "custom.ttf"
    custom.write_bytes(Path(bundled).read_bytes())
    assert find_font(str(custom)) == str(custom)
