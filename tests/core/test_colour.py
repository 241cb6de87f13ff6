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


def test_a_character_touching_an_emblem_of_another_colour_is_cut_out_in_colour():
    import cv2

    from plate_gui.core.colour import chroma_views
    from plate_gui.core.recognizer import colour_candidates
    from plate_gui.core.segmentation import segment_candidates

    from .plates import draw_plate, iou

    gray, boxes = draw_plate(rows=["AB1234"])
    ink = gray < 128
    bgr = np.full(gray.shape + (3,), 235, np.uint8)
    bgr[ink] = (170, 30, 20)  # blue ink, gray 43
    x, y, w, h = boxes[2]  # the 1, with a green emblem of the same gray on its left
    emblem = np.zeros(gray.shape, np.uint8)
    cv2.ellipse(emblem, (x - 4, y + h // 2), (int(0.45 * w + 6), int(0.55 * h)), 0, 0, 360, 255, -1)
    bgr[(emblem > 0) & ~ink] = (20, 65, 10)
    plain = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)

    def found(cands):
        return max((iou(b.as_tuple(), boxes[2]) for c in cands for b in c.boxes), default=0.0)

    cands = segment_candidates(plain, limit=4)
    assert found(cands) < 0.5  # in gray the 1 and the emblem are one component
    assert len(chroma_views(bgr)) == 2
    assert found(colour_candidates(plain, bgr, cands)) >= 0.7
    # A grey image has no colour to part them by.
    grey = cv2.cvtColor(plain, cv2.COLOR_GRAY2BGR)
    assert chroma_views(grey) == [] and colour_candidates(plain, grey, cands) == []
