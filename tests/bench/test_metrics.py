"""The bench's own arithmetic: edit distance, calibration error, floors."""

from __future__ import annotations

import numpy as np
import pytest

from bench.accuracy import _region_for, calibration, check_floors, levenshtein


@pytest.mark.parametrize("a, b, d", [("", "", 0), ("GV5679", "GV5679", 0), ("GV5679", "GV567", 1),
                                     ("GV5679", "6V5679", 1), ("AB", "BA", 2), ("", "ABC", 3)])
def test_levenshtein(a, b, d):
    assert levenshtein(a, b) == d


def test_calibration_of_a_perfectly_calibrated_set_is_zero():
    conf = np.array([0.95] * 20 + [0.55] * 20)
    right = np.array([True] * 19 + [False] + [True] * 11 + [False] * 9)
    cal = calibration(conf, right)
    assert cal["ece"] == pytest.approx(0.0, abs=1e-9)
    assert cal["high_conf_share"] == 0.5 and cal["high_conf_accuracy"] == 0.95


def test_calibration_of_an_overconfident_set():
    cal = calibration(np.array([0.99] * 10), np.array([True] * 5 + [False] * 5))
    assert cal["ece"] == pytest.approx(0.49)


def test_floors():
    res = {"plates": {"regions": {"all": {"exact": 0.5, "char_acc": 0.9},
                                  "hk": {"exact": 0.2, "char_acc": 0.8}},
                      "calibration": {"ece": 0.05, "high_conf_accuracy": 0.98}},
           "chars": {"hk_rules": 0.97}}
    ok = {"exact": {"all": 0.4}, "char_acc": {"all": 0.85}, "ece_max": 0.06, "chars_real": 0.95,
          "high_conf_accuracy": 0.97}
    assert check_floors(res, ok) == []
    bad = {"exact": {"all": 0.6, "hk": 0.1}, "ece_max": 0.01, "chars_real": 0.99,
           "high_conf_accuracy": 0.99}
    msgs = check_floors(res, bad)
    assert len(msgs) == 4 and any("exact on all" in m for m in msgs)
    assert any("calibration" in m for m in msgs) and any("chars-real" in m for m in msgs)
    assert any(">= 0.9 right" in m for m in msgs)


@pytest.mark.parametrize("plate_region, asked, used", [
    ("hk", "row", "hk"), ("es", "row", "eu"), ("intl", "row", "auto"), ("hk", "auto", "auto"),
    ("us", None, None),
])
def test_region_per_row(plate_region, asked, used):
    assert _region_for({"region": plate_region}, asked) == used
