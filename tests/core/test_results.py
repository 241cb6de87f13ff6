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


def test_box_union_holds_both_boxes():
    a, b = Box(30, 12, 8, 38), Box(41, 10, 8, 40)
    assert a.union(b) == b.union(a) == Box(30, 10, 19, 40)
    assert a.union(a) == a


def test_to_dict_has_the_cli_keys_and_round_trips_views():
    r = _result()
    d = r.to_dict()
    assert set(d) == {"text", "raw_text", "confidences", "boxes", "alternatives", "failed", "region"}
    assert d["text"] == r.text and d["raw_text"] == r.raw_text and d["region"] is None
    assert PlateResult(r.chars, 0.5, (20, 10), region="hk").to_dict()["region"] == "hk"


def test_box_free_predictions_and_rounding():
    c = CharPrediction("7", 0.987654, (("7", 0.987654), ("1", 0.0049), ("T", 0.0001)), False)
    d = PlateResult((c,), 0.5, (8, 8)).to_dict()
    assert d["boxes"] == [None] and d["confidences"] == [0.99]
    assert d["alternatives"] == [[["7", 0.988], ["1", 0.005], ["T", 0.0]]]


def test_with_threshold_keeps_everything_but_the_failure_marks():
    r = _result()
    for t, failed in ((0.0, [False, False]), (0.42, [False, False]), (0.43, [False, True]),
                      (0.95, [True, True])):
        again = r.with_threshold(t)
        assert [c.failed for c in again.chars] == failed and again.threshold == t
        assert again.confidences == r.confidences and again.raw_text == r.raw_text
        assert [c.box for c in again.chars] == [c.box for c in r.chars]
        assert [c.row for c in again.chars] == [0, 1]
        assert again.timings_ms == r.timings_ms and again.timings_ms is not r.timings_ms
    assert r.with_threshold(1.0).text == "??"


def test_display_and_junk():
    ok = CharPrediction("B", 0.9, (("B", 0.9),), False)
    assert ok.display == "B" and not ok.is_junk
    assert CharPrediction("B", 0.3, (("B", 0.3),), True).display == "?"
    assert CharPrediction("#", 0.9, (("#", 0.9),), False).is_junk


def test_results_are_frozen():
    import dataclasses

    r = _result()
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.threshold = 0.1
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.chars[0].char = "Z"
