"""The crop -> input transform's test-time views (``with_shifts``)."""

from __future__ import annotations

import numpy as np
import pytest

from plate_gui.core.preprocess import (
    SHIFTS,
    PreprocessConfig,
    mean_over_views,
    preprocess_batch,
    with_shifts,
)


def _batch(n: int = 2, size: int = 8) -> np.ndarray:
    return np.arange(n * size * size, dtype=np.float32).reshape(n, 1, size, size)


def test_views_follow_the_batch_one_shift_after_another():
    batch = _batch()
    views = with_shifts(batch)
    assert views.shape == ((1 + len(SHIFTS)) * 2, 1, 8, 8) and views.dtype == batch.dtype
    assert np.array_equal(views[:2], batch)


@pytest.mark.parametrize("dy,dx", [(0, 1), (0, -1), (1, 0), (-1, 0), (2, -1)])
def test_a_shift_moves_the_character_and_fills_the_edge_with_background(dy, dx):
    config = PreprocessConfig()
    batch = _batch(1)
    view = with_shifts(batch, config, ((dy, dx),))[1, 0]
    background = (0.0 - config.mean) / config.std
    for y in range(8):
        for x in range(8):
            sy, sx = y - dy, x - dx
            want = batch[0, 0, sy, sx] if 0 <= sy < 8 and 0 <= sx < 8 else background
            assert view[y, x] == pytest.approx(want)


def test_a_blank_crop_s_views_are_all_blank():
    blank = preprocess_batch([np.zeros((20, 12), np.uint8)])
    assert np.allclose(with_shifts(blank), blank[0])


def test_outputs_of_the_views_average_back_to_one_row_per_crop():
    n, k = 3, len(SHIFTS)
    outputs = np.concatenate([np.full((n, 4), float(v)) for v in range(1 + k)])
    outputs[:n] += np.arange(n)[:, None]
    mean = mean_over_views(outputs, n)
    assert mean.shape == (n, 4)
    assert np.allclose(mean, (np.arange(1 + k).sum() + np.arange(n)[:, None]) / (1 + k))
