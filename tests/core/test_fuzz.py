"""Property tests: whatever comes in, only PlateError subclasses come out, and a
PlateResult is always well formed."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from plate_gui.core import PlateError, PlateRecognizer, load_image
from plate_gui.core.segmentation import segment

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

shapes = st.tuples(st.integers(1, 300), st.integers(1, 300))
dtypes = st.sampled_from([np.uint8, np.uint16, np.float32, np.float64, bool, np.int32, np.int64])


@st.composite
def arrays(draw):
    h, w = draw(shapes)
    channels = draw(st.sampled_from([None, 1, 3, 4, 2]))
    dtype = draw(dtypes)
    shape = (h, w) if channels is None else (h, w, channels)
    kind = draw(st.sampled_from(["noise", "black", "white", "stripes"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if kind == "noise":
        arr = rng.random(shape) * draw(st.sampled_from([1.0, 255.0, 65535.0, 1e9]))
    elif kind == "black":
        arr = np.zeros(shape)
    elif kind == "white":
        arr = np.full(shape, 255.0)
    else:
        arr = np.zeros(shape)
        arr[:, ::3] = 255
    return arr.astype(dtype)


@SETTINGS
@given(arrays())
def test_load_image_only_raises_plate_errors(arr):
    try:
        out = load_image(arr)
    except PlateError as exc:
        assert "\n" not in str(exc)
        return
    assert out.dtype == np.uint8 and out.ndim == 3 and out.shape[2] == 3


@SETTINGS
@given(st.binary(max_size=2000), st.integers(0, 2000))
def test_random_and_truncated_bytes(data, cut):
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(len(data)).integers(0, 255, (40, 60, 3), np.uint8)).save(
        buf, format="PNG")
    for blob in (data, buf.getvalue()[:cut]):
        try:
            load_image(blob)
        except PlateError:
            pass


@SETTINGS
@given(arrays())
def test_segment_and_recognize_are_well_formed(tiny_weights, arr):
    try:
        img = load_image(arr)
    except PlateError:
        return
    seg = segment(img)
    assert len(seg.boxes) == len(seg.rows) == len(seg.crops)
    result = _recognizer(tiny_weights).recognize(img)
    h, w = img.shape[:2]
    assert len(result.text) == len(result.chars)
    for c in result.chars:
        assert 0.0 <= c.confidence <= 1.0 and c.failed == (c.confidence < result.threshold)
        probs = [p for _, p in c.alternatives]
        assert probs == sorted(probs, reverse=True)
        x, y, bw, bh = c.box.as_tuple()
        assert 0 <= x and 0 <= y and x + bw <= w and y + bh <= h


_CACHE: dict = {}


def _recognizer(path):
    if path not in _CACHE:
        _CACHE[path] = PlateRecognizer(path)
    return _CACHE[path]


@pytest.mark.parametrize("shape", [(8, 4000), (4000, 8), (8, 8), (3000, 3000)])
def test_extreme_aspect_ratios_and_sizes(tiny_weights, shape):
    img = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    result = _recognizer(tiny_weights).recognize(img)
    assert len(result.text) == len(result.chars)
