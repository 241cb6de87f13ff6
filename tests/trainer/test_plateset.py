"""The stage-2 plate set's helpers: box labelling and the plate character prior."""

from __future__ import annotations

import pytest

from plate_gui.core.charset import CHARSET, JUNK
from trainer.plateset import coverage, iou, label_segments, plate_char_prior


def test_iou_of_identical_disjoint_and_half_overlapping_boxes():
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (20, 0, 10, 10)) == 0.0
    assert iou((0, 0, 10, 10), (5, 0, 10, 10)) == pytest.approx(50 / 150)


def test_found_boxes_take_the_overlapping_character_or_junk():
    truth = [(0, 0, 10, 20), (12, 0, 10, 20)]
    assert label_segments([(1, 0, 10, 20), (40, 0, 5, 5), (12, 1, 10, 19)], truth, "AB") == \
        ["A", JUNK, "B"]


def test_half_a_character_is_junk_but_a_loose_box_is_the_character():
    """Half a W (IoU 0.5) looks like a V: it must not be taught as a W. A thin 1 in
    a box twice its width (IoU 0.5 too) is still a 1."""
    truth = [(0, 0, 20, 30), (30, 0, 5, 30)]
    assert coverage((0, 0, 10, 30), truth[0]) == 0.5
    assert label_segments([(0, 0, 10, 30), (10, 0, 10, 30), (27, 0, 10, 30)], truth, "W1") == \
        [JUNK, JUNK, "1"]


def test_plate_char_prior_follows_plate_formats():
    prior = dict(zip(CHARSET, plate_char_prior(samples=4000)))
    assert set(prior) == set(CHARSET) and all(v > 0 for v in prior.values())
    assert prior[JUNK] == 1.0
    # Plates hold more digits than any one letter; Hong Kong, UK and Spanish plates
    # never use Q, I (or O), so those are rarer than an ordinary letter like K.
    assert min(prior[d] for d in "0123456789") > max(prior[c] for c in "ABCKXZ")
    assert prior["Q"] < 0.7 * prior["K"] and prior["I"] < 0.7 * prior["K"]


def test_plate_char_prior_is_deterministic():
    assert plate_char_prior(samples=500, seed=3) == plate_char_prior(samples=500, seed=3)
