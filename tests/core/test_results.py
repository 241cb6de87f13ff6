"""PlateResult views."""

from __future__ import annotations

import json

import pytest

from plate_gui.core import Box, CharPrediction, PlateResult


def _result():
    chars = (CharPrediction("A", 0.91, (("A", 0.91), ("4", 0.05)), False, Box(1, 2, 3, 4)),
             CharPrediction("8", 0.42, (("8", 0.42), ("B", 0.40)), True, Box(5, 2, 3, 4), row=1))
    return PlateResult(chars, 0.5, (20, 10), {"total": 3.0})


def test_text_shows_failures_raw_text_does_not():
    r = _result()
    assert r.text == "A?" and r.raw_text == "A8" and r.failed and r.min_confidence == 0.42


def test_to_dict_is_json_ready():
    d = json.loads(json.dumps(_result().to_dict()))
    assert d["text"] == "A?" and d["confidences"] == [0.91, 0.42]
    assert d["boxes"] == [[1, 2, 3, 4], [5, 2, 3, 4]] and d["failed"] == [False, True]
    assert d["alternatives"][1] == [["8", 0.42], ["B", 0.4]]


def test_empty_result_is_a_failure():
    r = PlateResult((), 0.5, (10, 10))
    assert r.text == "" and r.failed and r.min_confidence == 0.0


def test_box_must_have_a_size():
    with pytest.raises(ValueError, match="positive size"):
        Box(0, 0, 0, 5)
