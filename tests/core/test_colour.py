"""Ink colour: an emblem inked in another colour than the characters is dropped."""

from __future__ import annotations

import numpy as np
import pytest

from plate_gui.core.colour import ink_chroma, off_colour, same_ink
from plate_gui.core.results import Box, CharPrediction

NAVY = (110, 40, 20)  # BGR
GREEN = (40, 150, 30)


def _plate(inks: list[tuple[int, int, int]]) -> tuple[np.ndarray, list[Box]]:
    """A white plate with one 'character' (a ring) per ink colour, and their boxes."""
    img = np.full((60, 30 * len(inks) + 10, 3), 235, np.uint8)
    boxes = []
    for i, ink in enumerate(inks):
        x = 8 + 30 * i
        img[10:50, x:x + 20] = ink
        img[16:44, x + 5:x + 15] = 235
        boxes.append(Box(x - 2, 8, 24, 44))
    return img, boxes


def _char(ch: str, conf: float, box: Box) -> CharPrediction:
    return CharPrediction(ch, conf, ((ch, conf),), conf < 0.5, box)


def test_ink_chroma_reads_the_ink_not_the_plate():
    img, boxes = _plate([NAVY, GREEN])
    a_navy, b_navy = ink_chroma(img, boxes[0])
    a_green, b_green = ink_chroma(img, boxes[1])
    assert b_navy < -20  # blue: negative b
    assert a_green < -20  # green: negative a
    assert ink_chroma(img, Box(500, 500, 4, 4)) is None  # outside the image


def test_a_doubtful_emblem_in_another_ink_is_dropped():
    img, boxes = _plate([NAVY, NAVY, NAVY, GREEN, NAVY, NAVY])
    chars = [_char(ch, 0.99, b) for ch, b in zip("ABC6DE", boxes)]
    chars[3] = _char("6", 0.8, boxes[3])
    out = same_ink(chars, img, {})
    assert "".join(c.char for c in out) == "ABCDE"


def test_a_sure_character_stays_whatever_its_ink():
    img, boxes = _plate([NAVY, NAVY, NAVY, GREEN, NAVY, NAVY])
    chars = [_char(ch, 0.99, b) for ch, b in zip("ABC6DE", boxes)]
    assert same_ink(chars, img, {}) == chars


def test_grey_plates_and_short_readings_lose_nothing():
    grey = (60, 60, 60)
    img, boxes = _plate([grey, grey, (150, 150, 150), grey, grey])
    chars = [_char(ch, 0.6, b) for ch, b in zip("ABCDE", boxes)]
    assert same_ink(chars, img, {}) == chars  # no chroma: nothing stands out
    img, boxes = _plate([NAVY, GREEN, NAVY])
    chars = [_char(ch, 0.6, b) for ch, b in zip("A6B", boxes)]
    assert same_ink(chars, img, {}) == chars  # too few characters to tell


@pytest.mark.parametrize("chroma, conf, expected", [
    ([(0, -30)] * 4 + [(-40, 20)], [0.9] * 5, [False] * 4 + [True]),
    ([(0, -30)] * 4 + [(-40, 20)], [0.9] * 4 + [0.97], [False] * 5),
    ([(0, -30)] * 4 + [None], [0.9] * 5, [False] * 5),
    # characters that differ among themselves (a gradient ink) are not outliers
    ([(0, -30), (0, -20), (0, -10), (0, 0), (0, 10)], [0.9] * 5, [False] * 5),
])
def test_off_colour(chroma, conf, expected):
    assert off_colour(chroma, conf) == expected
