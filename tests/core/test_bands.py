"""Row bands and recognition-driven cuts (plate_gui.core.bands)."""

from __future__ import annotations

import numpy as np
import pytest

from plate_gui.core.bands import Band, read_band, two_row_bands
from plate_gui.core.results import Box

from .plates import DIN, draw_plate

JUNK = 2  # the junk class of the three-class probabilities below


def _holds(outer, inner) -> bool:
    return (outer[0] <= inner[0] and outer[1] <= inner[1] and outer[0] + outer[2] >= inner[0] + inner[2]
            and outer[1] + outer[3] >= inner[1] + inner[3])


def _band(spans, skip) -> Band:
    n = 1 + max(j for _, j, _ in spans)
    pieces = tuple((Box(10 * k, 0, 10, 20), np.zeros((20, 10), np.uint8))
                   for k in range(1 + max(k for _, _, k in spans)))
    return Band(0, tuple(range(0, 10 * n, 10)), pieces, tuple(spans), tuple(skip))


def test_read_band_prefers_two_sure_characters_over_one_doubtful_merge():
    # cuts 0..2: pieces 0 (0-1) and 1 (1-2) each sure; piece 2 (0-2, both merged) unsure
    band = _band([(0, 1, 0), (1, 2, 1), (0, 2, 2)], [1.0, 1.0])
    probs = np.array([[0.95, 0.03, 0.02], [0.03, 0.95, 0.02], [0.4, 0.3, 0.3]])
    assert read_band(band, probs, JUNK) == [0, 1]


def test_read_band_skips_junk_and_blank_but_not_ink_for_free():
    # piece 0 is junk, piece 1 a character; the gap before piece 1 is blank
    band = _band([(0, 1, 0), (1, 2, 1)], [1.0, 0.0])
    probs = np.array([[0.02, 0.02, 0.96], [0.97, 0.02, 0.01]])
    assert read_band(band, probs, JUNK) == [1]
    # with nothing readable, the band reads as nothing
    probs = np.array([[0.02, 0.02, 0.96], [0.01, 0.01, 0.98]])
    assert read_band(band, probs, JUNK) == []


def test_read_band_merges_halves_when_the_whole_reads_better():
    band = _band([(0, 1, 0), (1, 2, 1), (0, 2, 2)], [1.0, 1.0])
    halves = np.array([[0.3, 0.2, 0.5], [0.3, 0.2, 0.5], [0.97, 0.02, 0.01]])
    assert read_band(band, halves, JUNK) == [2]


@pytest.mark.parametrize("rows, leading", [
    (["VL", "5547"], 1.25),
    (["NE", "3331"], 0.72),  # the rows touch: E's and B's bottom bars on the digits' tops
    (["BE", "6753"], 0.72),
])
def test_two_row_plate_gives_one_band_per_row_covering_its_characters(rows, leading):
    plate, boxes = draw_plate(rows, size=60, gap=24, border=True, font=DIN, leading=leading)
    assert 1.0 <= plate.shape[1] / plate.shape[0] <= 2.8  # shaped like a two-row plate
    layouts = two_row_bands(plate)
    assert len(layouts) == 1
    top, bottom = layouts[0]
    assert (top.row, bottom.row) == (0, 1)
    for band, truth in ((top, boxes[:2]), (bottom, boxes[2:])):
        found = [box.as_tuple() for box, _ in band.pieces]
        for t in truth:  # every character is one of the band's candidate pieces
            assert any(_holds(f, t) and f[2] * f[3] <= 2.2 * t[2] * t[3] for f in found), (t, found)
        assert all(crop.ndim == 2 and crop.size for _, crop in band.pieces)
        assert len(band.skip_cost) == len(band.cuts) - 1


@pytest.mark.parametrize("rows, why", [
    (["AB12345"], "one long row"),
])
def test_no_bands_without_two_rows(rows, why):
    plate, _ = draw_plate(rows, size=60)
    assert two_row_bands(plate) == [], why


def test_small_text_over_large_characters_is_not_two_rows():
    big, _ = draw_plate(["7XKT215"], size=90)
    small, _ = draw_plate(["CALIFORNIA"], size=30)
    pad = np.full((small.shape[0], big.shape[1]), 235, np.uint8)
    pad[:, :min(small.shape[1], big.shape[1])] = small[:, :big.shape[1]]
    plate = np.vstack([pad, big])[:, : int(plate_width := big.shape[1])]
    assert plate.shape[1] == plate_width
    assert two_row_bands(plate) == []


@pytest.mark.parametrize("shape, value", [((120, 200), 0), ((120, 200), 255), ((8, 8), 128)])
def test_blank_plates_give_no_bands(shape, value):
    assert two_row_bands(np.full(shape, value, np.uint8)) == []
