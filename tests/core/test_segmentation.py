"""Segmentation on drawn plates whose character boxes are known."""

from __future__ import annotations

import numpy as np
import pytest

from plate_gui.core.segmentation import segment, segment_candidates

from .plates import draw_plate, iou

CASES = {
    "one_row": dict(rows=["GV5679"]),
    "inverted": dict(rows=["KV8888"], invert=True),
    "border_and_screws": dict(rows=["AB123"], border=True, screws=True),
    "two_rows": dict(rows=["VL", "5547"]),
    "vertical": dict(rows=["9413"], vertical=True),
    "skewed_10_degrees": dict(rows=["RK026AJ"], angle=10),
    "skewed_minus_8": dict(rows=["XY4729"], angle=-8),
}


@pytest.mark.parametrize("case", CASES)
def test_boxes_match_the_drawn_characters(case):
    kw = CASES[case]
    plate, truth = draw_plate(**kw)
    seg = segment(plate)
    assert len(seg.boxes) == len(truth), f"{case}: found {len(seg.boxes)} of {len(truth)}"
    for found, true in zip(seg.boxes, truth):
        assert iou(found.as_tuple(), true) >= 0.5, f"{case}: {found} vs {true}"
    rows = kw["rows"]
    if kw.get("vertical"):
        assert list(seg.rows) == list(range(len(truth)))
    else:
        assert list(seg.rows) == [r for r, row in enumerate(rows) for _ in row]
    assert seg.light_on_dark == bool(kw.get("invert"))
    for crop in seg.crops:
        assert crop.ndim == 2 and crop.dtype == np.uint8 and crop.size > 0


def test_skewed_plate_is_straightened():
    plate, _ = draw_plate(rows=["RK026AJ"], angle=10)
    assert -13 < segment(plate).angle < -7  # turned back clockwise


def test_touching_characters_are_split():
    plate, truth = draw_plate(rows=["HM0088"], gap=-3)
    assert len(segment(plate).boxes) == len(truth)


@pytest.mark.parametrize("value", [0, 128, 255])
def test_blank_images_give_no_boxes(value):
    seg = segment(np.full((60, 200), value, np.uint8))
    assert seg.boxes == () and seg.crops == ()


def test_noise_does_not_crash_and_candidates_are_distinct():
    rng = np.random.default_rng(0)
    cands = segment_candidates(rng.integers(0, 256, (80, 240), dtype=np.uint8))
    keys = [c.boxes for c in cands]
    assert len(keys) == len(set(keys))


def test_bgr_input_is_accepted():
    plate, truth = draw_plate(rows=["AB12"])
    assert len(segment(np.dstack([plate] * 3)).boxes) == len(truth)
