"""Synthetic plates, character and junk crops, and the plate fonts they use."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from plate_gui.core.charset import PLATE_CHARS
from trainer import fonts as fonts_mod
from trainer.fonts import find_plate_fonts
from trainer.render import (
    PLATE_STYLES,
    SEPARATORS,
    RenderedPlate,
    random_text,
    render_char,
    render_junk,
    render_plate,
)

# What a random text of each style must look like (separators and row breaks removed).
TEXT_RULES = {
    "hk_yellow": r"[A-HJ-NPR-Z]{1,2}[1-9]\d{0,3}",
    "hk_white": r"[A-HJ-NPR-Z]{1,2}[1-9]\d{0,3}",
    "hk_two_row": r"[A-HJ-NPR-Z]{1,2}[1-9]\d{0,3}",
    "uk": r"[A-Z]{1,2}\d{2,3}[A-Z]{3}",
    "eu": r"[A-Z0-9]{4,9}",
    "us": r"[A-Z0-9]{5,7}",
    "br": r"[A-Z]{3}\d[A-Z\d]\d{2}",
    "vertical": r"[A-Z0-9]{3,5}",
    "dark": r"[A-Z]{2,3}[1-9][0-9]{0,3}M?",
}


@pytest.fixture(scope="module")
def font() -> Path:
    return find_plate_fonts()[0]


def _centres(boxes: list[tuple[int, int, int, int]]) -> np.ndarray:
    return np.array([(x + w / 2, y + h / 2) for x, y, w, h in boxes])


def _check_plate(plate: RenderedPlate, top_row: int | None = None) -> None:
    """Boxes: one per character, inside the image, in reading order."""
    img_h, img_w = plate.image.shape[:2]
    assert plate.image.dtype == np.uint8 and plate.image.ndim == 3 and plate.image.shape[2] == 3
    assert len(plate.boxes) == len(plate.text) > 0
    assert all(c in PLATE_CHARS for c in plate.text)
    for x, y, w, h in plate.boxes:
        assert w >= 1 and h >= 1 and x >= 0 and y >= 0 and x + w <= img_w and y + h <= img_h
    c = _centres(plate.boxes)
    if plate.style == "vertical":
        assert np.all(np.diff(c[:, 1]) > 0)
    elif top_row is not None:
        top, bottom = c[:top_row], c[top_row:]
        assert top[:, 1].max() < bottom[:, 1].min()
        assert np.all(np.diff(top[:, 0]) > 0) and np.all(np.diff(bottom[:, 0]) > 0)
    else:
        assert np.all(np.diff(c[:, 0]) > 0)


@pytest.mark.parametrize("style", PLATE_STYLES)
def test_every_style_renders_with_one_box_per_character(style: str, font: Path) -> None:
    for seed in range(6):
        rng = np.random.default_rng(seed)
        text = random_text(style, np.random.default_rng(seed))
        plate = render_plate(text, style, rng, font)
        assert plate.style == style
        assert plate.text == "".join(c for c in text if c not in SEPARATORS + "\n")
        rows = text.split("\n")
        _check_plate(plate, len(rows[0].replace(" ", "")) if style == "hk_two_row" else None)


@pytest.mark.parametrize("text, style, expected", [
    ("GV5679", "hk_yellow", "GV5679"),
    ("VL\n5547", "hk_two_row", "VL5547"),
    ("AB12 CDE", "uk", "AB12CDE"),
    ("RK-026AJ", "eu", "RK026AJ"),
    ("1377 LLV", "eu", "1377LLV"),
    ("7XK*T215", "us", "7XKT215"),
    ("OZV.6697", "br", "OZV6697"),
    ("9413", "vertical", "9413"),
    ("BMW M5", "dark", "BMWM5"),
])
def test_given_texts_keep_characters_and_drop_separators(text: str, style: str, expected: str,
                                                         font: Path) -> None:
    plate = render_plate(text, style, np.random.default_rng(3), font)
    assert plate.text == expected
    _check_plate(plate, 2 if style == "hk_two_row" else None)


def test_same_seed_same_plate_and_crops(font: Path) -> None:
    for style in PLATE_STYLES:
        a = render_plate(None, style, np.random.default_rng(42), font)
        b = render_plate(None, style, np.random.default_rng(42), font)
        assert a.text == b.text and a.boxes == b.boxes and np.array_equal(a.image, b.image)
    for make in (lambda r: render_char("K", r, font), lambda r: render_junk(r, font)):
        assert np.array_equal(make(np.random.default_rng(7)), make(np.random.default_rng(7)))


def test_plate_height_and_explicit_height(font: Path) -> None:
    rng = np.random.default_rng(0)
    heights = [render_plate(None, "hk_white", rng, font).image.shape[0] for _ in range(40)]
    assert min(heights) >= 16 and 40 <= np.median(heights) <= 150  # tilt adds to the height
    tall = render_plate("AB123", "hk_yellow", np.random.default_rng(1), font, height=120)
    assert tall.image.shape[0] >= 110


@pytest.mark.parametrize("style", PLATE_STYLES)
def test_random_text_fits_the_style(style: str) -> None:
    rng = np.random.default_rng(11)
    for _ in range(50):
        text = random_text(style, rng)
        chars = "".join(c for c in text if c not in SEPARATORS + "\n")
        assert re.fullmatch(TEXT_RULES[style], chars), (style, text)
        if style.startswith("hk"):
            assert not set(chars) & set("IOQ")


def test_none_text_is_generated_for_the_style(font: Path) -> None:
    rng = np.random.default_rng(5)
    for style in ("hk_yellow", "hk_white", "hk_two_row"):
        for _ in range(10):
            plate = render_plate(None, style, rng, font)
            assert re.fullmatch(TEXT_RULES[style], plate.text) and not set(plate.text) & set("IOQ")


@pytest.mark.parametrize("text, style, match", [
    ("AB123", "moon", "unknown plate style"),
    ("AB_12", "uk", "characters plates do not use"),
    (" - ", "uk", "no characters"),
])
def test_bad_input(text: str, style: str, match: str, font: Path) -> None:
    with pytest.raises(ValueError, match=match):
        render_plate(text, style, np.random.default_rng(0), font)


def test_render_char_is_a_grey_crop(font: Path) -> None:
    rng = np.random.default_rng(0)
    for ch in PLATE_CHARS:
        crop = render_char(ch, rng, font)
        assert crop.ndim == 2 and crop.dtype == np.uint8 and min(crop.shape) >= 2
    with pytest.raises(ValueError, match="not a plate character"):
        render_char("a", rng, font)


def test_render_junk_is_a_grey_crop(font: Path) -> None:
    rng = np.random.default_rng(0)
    for _ in range(60):
        crop = render_junk(rng, font)
        assert crop.ndim == 2 and crop.dtype == np.uint8 and min(crop.shape) >= 2


def test_find_plate_fonts_finds_several() -> None:
    found = find_plate_fonts()
    assert len(found) >= 3
    assert found == sorted(set(found))
    assert not any(re.search("italic|oblique|thin|light", p.name, re.I) for p in found)


def test_find_plate_fonts_without_fonts_names_the_packages(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "OSP-DIN.ttf").write_bytes(b"not a font")
    monkeypatch.setattr(fonts_mod, "FONT_DIRS", (tmp_path / "none",))
    with pytest.raises(RuntimeError, match="apt-get install fonts-opendin"):
        find_plate_fonts([tmp_path])
