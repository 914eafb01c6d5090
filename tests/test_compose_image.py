"""prepare_image: formats, limits, conversion, broken data."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.compose.image import MAX_OUTPUT_BYTES, MAX_SIDE, prepare_image


def encode(img: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kwargs)
    return buf.getvalue()


def decoded(data: bytes | None) -> Image.Image:
    assert data is not None
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def test_a_good_jpeg_is_returned_unchanged() -> None:
    data = encode(Image.new("RGB", (800, 450), (10, 120, 200)), "JPEG")
    assert prepare_image(data) == data


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF", "BMP"])
def test_other_formats_become_jpeg(fmt: str) -> None:
    out = decoded(prepare_image(encode(Image.new("RGB", (640, 480), (200, 30, 30)), fmt)))
    assert out.format == "JPEG" and out.size == (640, 480) and out.mode == "RGB"


def test_transparency_is_flattened_on_white() -> None:
    img = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    out = decoded(prepare_image(encode(img, "PNG")))
    assert out.getpixel((150, 150)) == pytest.approx((255, 255, 255), abs=2)


def test_animated_gif_keeps_the_first_frame() -> None:
    frames = [Image.new("RGB", (200, 200), color) for color in ((255, 0, 0), (0, 0, 255))]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    out = decoded(prepare_image(buf.getvalue()))
    red, _green, blue = out.getpixel((100, 100))  # type: ignore[misc]
    assert red > 200 and blue < 60


def test_large_images_are_scaled_down() -> None:
    out = decoded(prepare_image(encode(Image.new("RGB", (5000, 3000), (90, 90, 90)), "PNG")))
    assert max(out.size) == MAX_SIDE and out.size[0] + out.size[1] <= 10000


def test_noisy_large_image_fits_five_megabytes() -> None:
    noisy = Image.effect_noise((2560, 2560), 120).convert("RGB")
    data = prepare_image(encode(noisy, "PNG"))
    assert data is not None and len(data) <= MAX_OUTPUT_BYTES


def test_exif_orientation_is_applied() -> None:
    img = Image.new("RGB", (400, 200), (0, 200, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    out = decoded(prepare_image(encode(img, "JPEG", exif=exif)))
    assert out.size == (200, 400)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html>not an image</html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        encode(Image.new("RGB", (800, 600)), "JPEG")[:300],  # truncated
    ],
)
def test_broken_or_unsupported_is_none(data: bytes) -> None:
    assert prepare_image(data) is None


@pytest.mark.parametrize("size", [(2100, 100), (100, 2100), (50, 50), (1, 1)])
def test_bad_shapes_are_none(size: tuple[int, int]) -> None:
    assert prepare_image(encode(Image.new("RGB", size), "PNG")) is None  # aspect > 20, tiny, tracking pixel


def test_cmyk_jpeg_is_converted() -> None:
    out = decoded(prepare_image(encode(Image.new("CMYK", (300, 300), (0, 255, 255, 0)), "JPEG")))
    assert out.mode == "RGB"
