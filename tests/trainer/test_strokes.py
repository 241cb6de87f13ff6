"""Plate-lettering shapes drawn as strokes: they fill the font's box and keep the
features that tell look-alikes apart."""

from __future__ import annotations

import numpy as np
import pytest

from trainer.strokes import STROKE_CHARS, stroke_glyph


def _runs(line: np.ndarray) -> int:
    ink = (line > 127).astype(np.int8)
    return int(ink[0] + np.count_nonzero(np.diff(ink) == 1))


@pytest.mark.parametrize("ch", list(STROKE_CHARS))
@pytest.mark.parametrize("seed", range(5))
def test_shape_fills_the_glyph_box(ch: str, seed: int) -> None:
    g = stroke_glyph(ch, (64, 36), np.random.default_rng(seed))
    assert g.shape == (64, 36) and g.dtype == np.uint8
    ink = g > 127
    assert ink[:4].any() and ink[-4:].any(), "touches the cap line and the baseline"
    if ch not in "I1J":
        assert ink[:, :4].any() and ink[:, -4:].any(), "spans the box's width"
    assert 0.1 < ink.mean() < 0.75


@pytest.mark.parametrize("seed", range(10))
def test_eight_has_round_corners_and_b_a_square_left_side(seed: int) -> None:
    eight = stroke_glyph("8", (64, 40), np.random.default_rng(seed))
    b = stroke_glyph("B", (64, 40), np.random.default_rng(seed))
    for corner in (np.s_[:2, :2], np.s_[-2:, :2]):
        assert eight[corner].max() < 128
        assert b[corner].min() > 127
    assert (b[:, :2] > 127).all(), "B's stem runs the full height"


@pytest.mark.parametrize("seed", range(10))
def test_w_m_n_h_keep_their_stroke_pattern(seed: int) -> None:
    rng = np.random.default_rng(seed)
    w, m, n, h = (stroke_glyph(c, (64, 40), rng) for c in "WMNH")
    assert _runs(w[-1]) == 2, "W stands on two feet"
    assert _runs(m[0]) == 2 and _runs(m[-1]) == 2
    assert _runs(n[0]) == 2 and _runs(n[-1]) == 2
    assert any(_runs(row) == 1 and row[0] > 127 and row[-1] > 127 for row in h[20:40]), \
        "H's bar joins its stems"
    assert _runs(n[32]) == 3, "N's diagonal between its stems"


def test_same_seed_same_shape_and_unknown_character() -> None:
    a = stroke_glyph("W", (50, 30), np.random.default_rng(3))
    assert np.array_equal(a, stroke_glyph("W", (50, 30), np.random.default_rng(3)))
    with pytest.raises(KeyError):
        stroke_glyph("Q", (50, 30), np.random.default_rng(3))
