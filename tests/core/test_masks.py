"""Ink masks and row splits (plate_gui.core.masks)."""

from __future__ import annotations

import numpy as np

from plate_gui.core.masks import even_rows, least_inked_row, plate_hull, row_splits

TOUCH = 52  # the row where the top letters' feet touch the digits' heads


def _two_letters_over_four_digits() -> np.ndarray:
    """A Hong Kong-like two-row ink mask (255 = ink): two E-like letters (thin stems,
    bars at top, middle and foot; rows 12..52) over four heavy digits (rows 53..96),
    the first letter's foot resting on a digit's head along a short run at ``TOUCH``."""
    mask = np.zeros((100, 200), np.uint8)
    for x in (60, 110):  # letters: two 2-px stems and three bars each
        mask[12:TOUCH, x:x + 2] = 255
        mask[12:TOUCH, x + 24:x + 26] = 255
        for y in (12, 30, TOUCH - 4):
            mask[y:y + 3, x:x + 26] = 255
    for x in (20, 65, 110, 155):  # digits: solid blocks with a hole
        mask[TOUCH + 1:96, x:x + 28] = 255
        mask[TOUCH + 12:86, x + 8:x + 20] = 0
    mask[TOUCH, 70:80] = 255  # the first letter's foot rests on a digit's head
    return mask


def test_row_splits_find_where_touching_rows_part():
    mask = _two_letters_over_four_digits()
    splits = row_splits(mask, 0, 100, 0, 200)
    # The least-inked row runs through the letters' stems, above the real parting...
    assert least_inked_row(mask, 0, 100, 0, 200) < TOUCH - 10
    # ...which is still one of the candidate valleys.
    assert any(abs(s - TOUCH) <= 1 for s in splits), splits
    profile = (mask > 0).sum(axis=1)
    assert [profile[s] for s in splits] == sorted(profile[s] for s in splits)  # least ink first


def test_even_rows_part_where_the_rows_have_one_height():
    mask = _two_letters_over_four_digits()
    split, (top, bottom) = even_rows(mask, 0, 100, 0, 200, (0.7, 1.3))
    assert abs(split - TOUCH) <= 1
    assert top[0] <= 12 and TOUCH - 2 <= top[1] <= TOUCH + 4  # the letters' feet kept
    assert TOUCH - 2 <= bottom[0] <= TOUCH + 2 and bottom[1] >= 96
    # Letters 40 high over digits 43 high: no split if the rows must be nearer one height.
    assert even_rows(mask, 0, 100, 0, 200, (0.95, 1.05)) is None


def test_row_splits_of_a_short_or_blank_range():
    mask = np.zeros((40, 40), np.uint8)
    assert row_splits(mask, 0, 2, 0, 40) == []
    assert len(row_splits(mask, 0, 40, 0, 40)) == 1  # one flat valley, at its middle


def test_plate_hull_spans_a_body_cut_in_two_by_characters():
    """A letter touching the frame above and a digit under it touching the frame
    below cut the plate body in two: the hull still holds both halves."""
    mask = np.full((130, 245), 255, np.uint8)  # dark surround and frame are ink
    mask[8:122, 12:233] = 0  # the light body
    mask[8:60, 60:70] = 255  # a letter's stem from the top frame ...
    mask[60:122, 62:72] = 255  # ... resting on a digit that reaches the bottom frame
    hull = plate_hull(mask)
    assert hull is not None
    assert hull[65, 30] == 255 and hull[65, 150] == 255  # left and right of the chain
    assert hull[3, 120] == 0 and hull[65, 240] == 0  # the frame stays outside
