"""PlateRecognizer over the tiny model: result shape, threshold, classify, threads."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from plate_gui.core import ImageReadError, PlateRecognizer, PlateResult

from .plates import draw_plate


@pytest.fixture(scope="module")
def plate():
    img, boxes = draw_plate(rows=["GV5679"])
    return img, boxes


def test_recognize_returns_a_well_formed_result(tiny_weights, plate):
    result = PlateRecognizer(tiny_weights).recognize(plate[0])
    assert isinstance(result, PlateResult) and result.image_size == (plate[0].shape[1], plate[0].shape[0])
    assert len(result.text) == len(result.chars) == len(result.confidences)
    for c in result.chars:
        assert 0.0 <= c.confidence <= 1.0 and c.box is not None and c.char != "#"
        assert [p for _, p in c.alternatives] == sorted((p for _, p in c.alternatives), reverse=True)
        assert c.failed == (c.confidence < result.threshold)
    assert {"decode", "segment", "classify", "total"} <= set(result.timings_ms)


@pytest.mark.parametrize("threshold, all_failed", [(0.0, False), (1.0, True)])
def test_threshold_marks_failures(tiny_weights, plate, threshold, all_failed):
    result = PlateRecognizer(tiny_weights, threshold=threshold).recognize(plate[0])
    assert result.chars
    assert all(c.failed == all_failed for c in result.chars)
    assert (set(result.text) == {"?"}) == all_failed


def test_with_threshold_re_marks_without_changing_confidences(tiny_weights, plate):
    result = PlateRecognizer(tiny_weights).recognize(plate[0])
    strict = result.with_threshold(1.0)
    assert strict.confidences == result.confidences and strict.failed
    assert strict.raw_text == result.raw_text


def test_classify_gives_one_prediction_per_crop(tiny_weights):
    crops = [np.full((30, 15), 200, np.uint8), np.zeros((12, 40, 3), np.uint8)]
    preds = PlateRecognizer(tiny_weights).classify(crops)
    assert len(preds) == 2
    for p in preds:
        assert len(p.alternatives) == 3 and p.alternatives[0] == (p.char, p.confidence)
    assert PlateRecognizer(tiny_weights).classify([]) == []


def test_blank_image_reads_nothing(tiny_weights):
    result = PlateRecognizer(tiny_weights).recognize(np.full((60, 200), 255, np.uint8))
    assert result.chars == () and result.text == "" and result.failed


def test_bad_image_raises_image_read_error(tiny_weights, tmp_path):
    (tmp_path / "x.png").write_text("nope")
    with pytest.raises(ImageReadError, match="not an image"):
        PlateRecognizer(tiny_weights).recognize(tmp_path / "x.png")


def test_bad_threshold(tiny_weights):
    with pytest.raises(ValueError, match="threshold"):
        PlateRecognizer(tiny_weights, threshold=1.5)


def test_two_threads_share_one_recognizer(tiny_weights):
    rec = PlateRecognizer(tiny_weights)
    plates = [draw_plate(rows=[t])[0] for t in ("AB12", "XY789", "K1")]
    expected = [rec.recognize(p).to_dict() for p in plates]
    got: dict[int, list] = {0: [], 1: []}

    def work(i: int) -> None:
        for _ in range(10):
            got[i].append([rec.recognize(p).to_dict() for p in plates])

    threads = [threading.Thread(target=work, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(run == expected for i in got for run in got[i])
