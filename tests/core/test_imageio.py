"""Reading images: formats, modes, EXIF, paths, arrays, and a table of bad input."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from plate_gui.core import ImageReadError, load_image


def _png_bytes(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", **kw)
    return buf.getvalue()


def _plate(mode: str = "RGB") -> Image.Image:
    img = Image.new("RGB", (40, 20), (255, 220, 0))
    img.paste((0, 0, 0), (5, 5, 15, 15))
    return img.convert(mode)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "TIFF", "WEBP"])
def test_formats(tmp_path, fmt):
    path = tmp_path / f"plate.{fmt.lower()}"
    _plate().save(path, format=fmt)
    out = load_image(path)
    assert out.shape == (20, 40, 3) and out.dtype == np.uint8
    assert out[10, 10].max() < 60 and out[2, 30, 2] > 200  # black square; BGR red of yellow


@pytest.mark.parametrize("mode", ["L", "RGB", "P", "LA", "CMYK", "1"])
def test_modes(tmp_path, mode):
    path = tmp_path / "m.png" if mode != "CMYK" else tmp_path / "m.jpg"
    _plate(mode).save(path)
    out = load_image(path)
    assert out.shape == (20, 40, 3) and out[10, 10].max() < 80


def test_rgba_is_composited_on_white(tmp_path):
    img = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    img.paste((0, 0, 0, 255), (0, 0, 10, 20))
    img.save(tmp_path / "a.png")
    out = load_image(tmp_path / "a.png")
    assert out[5, 2].max() == 0 and out[5, 15].min() == 255


def test_palette_with_transparency(tmp_path):
    img = Image.new("P", (16, 16), 0)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img.paste(1, (8, 0, 16, 16))
    img.save(tmp_path / "p.png", transparency=0)
    out = load_image(tmp_path / "p.png")
    assert out[4, 2].min() == 255 and tuple(out[4, 12]) == (0, 0, 255)


@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_16_bit_gray(tmp_path, suffix):
    arr = np.zeros((12, 12), np.uint16)
    arr[:, 6:] = 65535
    Image.fromarray(arr).save(tmp_path / f"d{suffix}")
    out = load_image(tmp_path / f"d{suffix}")
    assert out[0, 0].max() == 0 and out[0, 10].min() == 255


def test_exif_orientation_is_applied(tmp_path):
    img = Image.new("RGB", (40, 20), (255, 255, 255))
    img.paste((0, 0, 0), (0, 0, 10, 20))  # black on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    img.save(tmp_path / "e.jpg", exif=exif.tobytes(), quality=95)
    out = load_image(tmp_path / "e.jpg")
    assert out.shape[:2] == (40, 20)  # portrait once rotated
    assert out[2, 10].max() < 60 and out[38, 10].min() > 200  # the black band is now on top


def test_non_ascii_path(tmp_path):
    folder = tmp_path / "plaques_é_車牌"
    folder.mkdir()
    _plate().save(folder / "車牌.png")
    assert load_image(folder / "車牌.png").shape == (20, 40, 3)


def test_bytes_and_arrays():
    assert load_image(_png_bytes(_plate())).shape == (20, 40, 3)
    assert load_image(np.zeros((10, 12), np.uint16)).shape == (10, 12, 3)
    assert load_image(np.ones((10, 12, 1), bool))[0, 0, 0] == 255
    assert load_image(np.full((10, 12, 3), 0.5, np.float32))[0, 0, 0] == 128
    bgra = np.zeros((10, 12, 4), np.uint8)
    assert load_image(bgra)[0, 0, 0] == 255  # fully transparent -> white


def _huge_png_header(w: int, h: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", b"garbage") + chunk(b"IEND", b""))


def _write(tmp_path, name: str, data: bytes):
    (tmp_path / name).write_bytes(data)
    return tmp_path / name


BAD_FILES = [
    ("missing.png", None, "does not exist"),
    ("empty.png", b"", r"empty \(0 bytes\)"),
    ("text.png", b"hello, this is text", "not an image file"),
    ("random.jpg", bytes(range(256)) * 4, "not an image file"),
    ("trunc.png", "TRUNC_PNG", "truncated or damaged"),
    ("trunc.jpg", "TRUNC_JPG", "truncated or damaged"),
    ("huge.png", "HUGE", r"too large \(8000x6000"),
    ("tiny.png", "TINY", r"too small \(4x30"),
]


@pytest.mark.parametrize("name, data, match", BAD_FILES)
def test_bad_files(tmp_path, name, data, match):
    if data == "TRUNC_PNG":
        data = _png_bytes(Image.effect_noise((200, 200), 60).convert("RGB"))[:3000]
    elif data == "TRUNC_JPG":
        buf = io.BytesIO()
        Image.effect_noise((200, 200), 60).convert("RGB").save(buf, format="JPEG")
        data = buf.getvalue()[:2000]
    elif data == "HUGE":
        data = _huge_png_header(8000, 6000)  # refused from the header: no data to decode
    elif data == "TINY":
        data = _png_bytes(Image.new("RGB", (4, 30)))
    path = tmp_path / name if data is None else _write(tmp_path, name, data)
    with pytest.raises(ImageReadError, match=match) as exc:
        load_image(path)
    assert "\n" not in str(exc.value) and f"'{name}'" in str(exc.value)


def test_folder_is_not_an_image(tmp_path):
    with pytest.raises(ImageReadError, match="is a folder"):
        load_image(tmp_path)


@pytest.mark.parametrize("arr, match", [
    (np.zeros((10,), np.uint8), "unsupported image shape"),
    (np.zeros((10, 10, 2), np.uint8), "unsupported image shape"),
    (np.zeros((10, 10), np.complex64), "unsupported pixel type"),
    (np.full((10, 10), np.nan, np.float32), "NaN"),
    (np.zeros((5, 50), np.uint8), "too small"),
])
def test_bad_arrays(arr, match):
    with pytest.raises(ImageReadError, match=match):
        load_image(arr)
