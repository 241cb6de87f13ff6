"""Reading images: formats, modes, EXIF, paths, bytes, arrays, and tables of bad input."""

from __future__ import annotations

import io
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image, ImageFile

from plate_gui.core import ImageReadError, load_image
from plate_gui.core.imageio import MAX_PIXELS, array_to_bgr, is_image_path

YELLOW_RGB = (255, 220, 0)
YELLOW_BGR = (0, 220, 255)


def _encode(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _plate(mode: str = "RGB") -> Image.Image:
    """40x20 yellow with a black square at (5..15, 5..15)."""
    img = Image.new("RGB", (40, 20), YELLOW_RGB)
    img.paste((0, 0, 0), (5, 5, 15, 15))
    return img.convert(mode)


# ------------------------------------------------------------------ formats and modes

@pytest.mark.parametrize("fmt, suffix", [("PNG", ".png"), ("JPEG", ".jpg"), ("JPEG", ".jpeg"),
                                         ("BMP", ".bmp"), ("TIFF", ".tif"), ("TIFF", ".tiff"),
                                         ("WEBP", ".webp")])
def test_formats(tmp_path, fmt, suffix):
    path = tmp_path / f"plate{suffix}"
    _plate().save(path, format=fmt)
    out = load_image(path)
    assert out.shape == (20, 40, 3) and out.dtype == np.uint8 and out.flags.c_contiguous
    assert out[10, 10].max() < 60  # the black square
    assert np.abs(out[2, 30].astype(int) - YELLOW_BGR).max() < 25  # yellow, in BGR order
    assert is_image_path(path) and is_image_path(path.with_suffix(suffix.upper()))


def test_lossless_rgb_is_exact_and_bgr(tmp_path):
    _plate().save(tmp_path / "p.png")
    out = load_image(tmp_path / "p.png")
    assert tuple(out[2, 30]) == YELLOW_BGR and tuple(out[10, 10]) == (0, 0, 0)


def test_grayscale(tmp_path):
    Image.new("L", (16, 12), 37).save(tmp_path / "g.png")
    out = load_image(tmp_path / "g.png")
    assert out.shape == (12, 16, 3) and (out == 37).all()


@pytest.mark.parametrize("mode", ["L", "RGB", "P", "LA", "CMYK", "1", "I", "F"])
def test_modes(tmp_path, mode):
    path = tmp_path / ("m.jpg" if mode == "CMYK" else "m.tif" if mode in ("I", "F") else "m.png")
    _plate(mode).save(path)
    out = load_image(path)
    assert out.shape == (20, 40, 3) and out[10, 10].max() < 80


def test_palette_without_transparency_keeps_colours(tmp_path):
    _plate().convert("P", palette=Image.Palette.ADAPTIVE).save(tmp_path / "p.png")
    out = load_image(tmp_path / "p.png")
    assert tuple(out[2, 30]) == YELLOW_BGR and tuple(out[10, 10]) == (0, 0, 0)


def test_palette_with_transparency(tmp_path):
    img = Image.new("P", (16, 16), 0)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img.paste(1, (8, 0, 16, 16))
    img.save(tmp_path / "p.png", transparency=0)
    out = load_image(tmp_path / "p.png")
    assert out[4, 2].min() == 255 and tuple(out[4, 12]) == (0, 0, 255)  # clear -> white; red


@pytest.mark.parametrize("alpha, expected", [(0, 255), (255, 0), (128, 127)])
def test_rgba_is_composited_on_white(tmp_path, alpha, expected):
    img = Image.new("RGBA", (20, 20), (0, 0, 0, alpha))
    img.save(tmp_path / "a.png")
    out = load_image(tmp_path / "a.png")
    assert np.abs(out.astype(int) - expected).max() <= 1


def test_gray_with_alpha_is_composited_on_white(tmp_path):
    Image.new("LA", (12, 12), (0, 0)).save(tmp_path / "la.png")
    assert (load_image(tmp_path / "la.png") == 255).all()


@pytest.mark.parametrize("suffix", [".png", ".tif"])
@pytest.mark.parametrize("hi", [65535, 4095])  # full 16-bit, and 12-bit data in a 16-bit file
def test_16_bit_gray(tmp_path, suffix, hi):
    arr = np.zeros((12, 12), np.uint16)
    arr[:, 6:] = hi
    arr[:, 3:6] = (hi + 1) // 2
    Image.fromarray(arr).save(tmp_path / f"d{suffix}")
    out = load_image(tmp_path / f"d{suffix}")
    assert out.shape == (12, 12, 3)
    assert out[0, 0].max() == 0 and out[0, 10].min() == 255 and abs(int(out[0, 4, 0]) - 128) <= 1


def test_16_bit_colour_png(tmp_path):
    bgr = np.zeros((10, 10, 3), np.uint16)
    bgr[..., 2] = 65535  # red
    assert cv2.imwrite(str(tmp_path / "c16.png"), bgr)
    out = load_image(tmp_path / "c16.png")
    assert (out[..., 2] == 255).all() and (out[..., :2] == 0).all()


# ------------------------------------------------------------------ EXIF orientation

@pytest.mark.parametrize("orientation, shape, dark_at", [
    (1, (20, 40), (10, 3)),   # as stored: black band on the left
    (3, (20, 40), (10, 36)),  # rotated 180: band on the right
    (6, (40, 20), (3, 10)),   # rotate 90 clockwise to display: band on top
    (8, (40, 20), (36, 10)),  # rotate 90 counter-clockwise: band at the bottom
])
def test_exif_orientation_is_applied(tmp_path, orientation, shape, dark_at):
    img = Image.new("RGB", (40, 20), (255, 255, 255))
    img.paste((0, 0, 0), (0, 0, 10, 20))
    exif = Image.Exif()
    exif[0x0112] = orientation
    img.save(tmp_path / "e.jpg", exif=exif.tobytes(), quality=95)
    out = load_image(tmp_path / "e.jpg")
    assert out.shape[:2] == shape
    assert out[dark_at].max() < 60
    assert (out < 60).all(axis=2).sum() == pytest.approx(200, abs=30)  # the band, nothing more


# ------------------------------------------------------------------ paths, bytes, arrays

def test_non_ascii_path(tmp_path):
    folder = tmp_path / "plaques_é_車牌"
    folder.mkdir()
    _plate().save(folder / "車牌.png")
    assert load_image(folder / "車牌.png").shape == (20, 40, 3)
    assert load_image(str(folder / "車牌.png")).shape == (20, 40, 3)
    with pytest.raises(ImageReadError, match="'無.png': the file does not exist"):
        load_image(folder / "無.png")


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview])
def test_bytes(wrap):
    out = load_image(wrap(_encode(_plate())))
    assert out.shape == (20, 40, 3) and tuple(out[2, 30]) == YELLOW_BGR


def test_bytes_errors_use_the_given_name():
    with pytest.raises(ImageReadError, match="'camera 2.jpg': not an image file"):
        load_image(b"not an image", name="camera 2.jpg")
    with pytest.raises(ImageReadError, match="'image data'"):
        load_image(b"not an image")


def test_bgr_arrays_pass_through():
    rng = np.random.default_rng(0)
    bgr = rng.integers(0, 256, (20, 24, 3), dtype=np.uint8)
    out = load_image(bgr)
    assert np.array_equal(out, bgr) and out is not bgr
    view = np.dstack([bgr] * 2)[::2, ::2, 3:]  # a non-contiguous view
    strided = load_image(view)
    assert strided.flags.c_contiguous and np.array_equal(strided, view)


@pytest.mark.parametrize("arr, value", [
    (np.full((10, 12), 77, np.uint8), 77),
    (np.full((10, 12, 1), 77, np.uint8), 77),
    (np.full((10, 12), 65535, np.uint16), 255),
    (np.full((10, 12), 1023, np.uint16), 255),        # 10-bit data: scaled by the bits used
    (np.full((10, 12), 200, np.uint16), 200),         # fits 8 bits: taken as 8-bit
    (np.full((10, 12), 200, np.int32), 200),
    (np.full((10, 12, 3), 0.5, np.float32), 128),     # floats 0..1
    (np.full((10, 12, 3), 1.0, np.float64), 255),
    (np.full((10, 12), 200.0, np.float64), 200),      # floats 0..255
    (np.ones((10, 12, 1), bool), 255),
    (np.zeros((10, 12), bool), 0),
    (np.zeros((10, 12, 4), np.uint8), 255),           # fully transparent BGRA -> white
    (np.dstack([np.full((10, 12, 3), 9, np.uint8), np.full((10, 12), 255, np.uint8)]), 9),
    (np.dstack([np.zeros((10, 12, 3)), np.full((10, 12), 0.5)]), 128),  # float BGRA
])
def test_arrays(arr, value):
    out = load_image(arr)
    assert out.shape == (10, 12, 3) and out.dtype == np.uint8
    assert np.abs(out.astype(int) - value).max() <= 1


def test_min_side_can_be_lowered_for_character_crops():
    assert load_image(np.zeros((5, 3), np.uint8), min_side=1).shape == (5, 3, 3)
    assert array_to_bgr(np.zeros((8, 8), np.uint8)).shape == (8, 8, 3)  # exactly the minimum


# ------------------------------------------------------------------ bad files

def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_header_only(w: int, h: int) -> bytes:
    """A PNG whose header says ``w`` x ``h`` but whose pixel data is garbage."""
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + _png_chunk(b"IDAT", b"garbage") + _png_chunk(b"IEND", b""))


def _truncated(fmt: str) -> bytes:
    return _encode(Image.effect_noise((200, 200), 60).convert("RGB"), fmt)[:2000]


HUGE = (7000, 6000)  # 42 megapixels, a few KB on disk
assert HUGE[0] * HUGE[1] > MAX_PIXELS

BAD_FILES = {
    "missing": ("missing.png", None, "does not exist"),
    "folder": ("shots.png", "DIR", "is a folder, not an image file"),
    "empty": ("empty.png", lambda: b"", r"empty \(0 bytes\)"),
    "text_named_png": ("text.png", lambda: b"hello, this is text\n", "not an image file"),
    "random_bytes": ("random.jpg", lambda: np.random.default_rng(1).bytes(4096), "not an image file"),
    "truncated_png": ("trunc.png", lambda: _truncated("PNG"), "truncated or damaged"),
    "truncated_jpeg": ("trunc.jpg", lambda: _truncated("JPEG"), "truncated or damaged"),
    "huge_1_bit": ("huge1.png", lambda: _encode(Image.new("1", HUGE, 1)), r"too large \(7000x6000"),
    "huge_palette": ("hugep.png", lambda: _encode(Image.new("P", HUGE, 0)), r"too large \(7000x6000"),
    # The same header over garbage data: "too large", not "damaged", so nothing was decoded.
    "huge_header_only": ("hugeh.png", lambda: _png_header_only(*HUGE), r"too large \(7000x6000"),
    "tiny": ("tiny.png", lambda: _encode(Image.new("RGB", (4, 30))), r"too small \(4x30"),
    "seven_by_eight": ("small.bmp", lambda: _encode(Image.new("L", (7, 8)), "BMP"), r"too small \(7x8"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files(tmp_path, monkeypatch, case):
    name, make, match = BAD_FILES[case]
    path = tmp_path / name
    if make == "DIR":
        path.mkdir()
    elif make is not None:
        path.write_bytes(make())
    if case.startswith("huge"):
        def no_decoding(self):
            raise AssertionError("an image over the pixel limit was decoded")
        monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(ImageReadError, match=match) as exc:
        load_image(path)
    message = str(exc.value)
    assert "\n" not in message and message.startswith(f"Could not read '{name}'")


# ------------------------------------------------------------------ bad arrays

BAD_ARRAYS = {
    "1-D": (np.zeros(100, np.uint8), r"unsupported image shape \(100,\)"),
    "4-D": (np.zeros((10, 10, 3, 1), np.uint8), "unsupported image shape"),
    "2 channels": (np.zeros((10, 10, 2), np.uint8), "unsupported image shape"),
    "5 channels": (np.zeros((10, 10, 5), np.uint8), "unsupported image shape"),
    "complex": (np.zeros((10, 10), np.complex64), "unsupported pixel type complex64"),
    "object": (np.full((10, 10), None, object), "unsupported pixel type object"),
    "strings": (np.full((10, 10), "a"), "unsupported pixel type"),
    "NaN": (np.full((10, 10), np.nan, np.float32), "NaN or infinite"),
    "one NaN": (np.where(np.eye(10, dtype=bool), np.nan, 0.5), "NaN or infinite"),
    "inf": (np.full((10, 10, 3), np.inf), "NaN or infinite"),
    "-inf": (np.full((10, 10), -np.inf, np.float16), "NaN or infinite"),
    "too small": (np.zeros((5, 50), np.uint8), r"too small \(50x5"),
    "empty": (np.zeros((0, 0), np.uint8), r"too small \(0x0"),
    "too large": (np.broadcast_to(np.uint8(0), (6000, 7000)), "too large"),
}


@pytest.mark.parametrize("case", BAD_ARRAYS)
def test_bad_arrays(case):
    arr, match = BAD_ARRAYS[case]
    with pytest.raises(ImageReadError, match=match) as exc:
        load_image(arr, name="frame 7")
    assert "\n" not in str(exc.value) and str(exc.value).startswith("Could not read 'frame 7'")
    with pytest.raises(ImageReadError, match="'array'"):  # the default name
        load_image(arr)
