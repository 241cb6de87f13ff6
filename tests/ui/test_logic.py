"""The app's logic without Tk: settings, corrections, batch export, worker."""

from __future__ import annotations

import csv
import json
import time
import zipfile

import numpy as np
import pytest

from plate_gui.core import Box, CharPrediction, ImageReadError, PlateResult
from plate_gui.ui.app import expand
from plate_gui.ui.batch import BatchRow, export_rows
from plate_gui.ui.corrections import CorrectionStore
from plate_gui.ui.settings import Settings, SettingsStore
from plate_gui.ui.worker import INTERNAL, Worker


def _result(confs=(0.9, 0.3), threshold=0.5) -> PlateResult:
    chars = tuple(CharPrediction(ch, p, ((ch, p), ("8", 1 - p)), p < threshold, Box(i * 10, 0, 8, 12))
                  for i, (ch, p) in enumerate(zip("AB", confs)))
    return PlateResult(chars, threshold, (40, 20))


def test_settings_round_trip_and_bad_file(tmp_path):
    store = SettingsStore(tmp_path)
    assert store.load() == Settings()
    store.update(threshold=0.7, last_folder="/x", geometry="900x600")
    assert store.load() == Settings("900x600", "/x", 0.7, "auto")
    (tmp_path / "settings.json").write_text("{not json")
    assert store.load() == Settings()


def test_settings_ignore_unknown_keys_and_bad_threshold(tmp_path):
    (tmp_path / "settings.json").write_text(json.dumps({"threshold": 7, "zzz": 1}))
    assert SettingsStore(tmp_path).load().threshold == 0.5


def test_corrections_are_saved_in_the_trainer_format(tmp_path):
    store = CorrectionStore(tmp_path / "c")
    crop = np.zeros((20, 10, 3), np.uint8)
    p1 = store.save(crop, "b", source="car, 1.jpg")
    p2 = store.save(crop[..., 0], "7")
    assert p1.is_file() and p2.is_file() and p1 != p2
    with open(tmp_path / "c" / "labels.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["file"], r["char"]) for r in rows] == [(p1.name, "B"), (p2.name, "7")]
    assert not list((tmp_path / "c").glob("*.tmp"))  # nothing half-written left behind


@pytest.mark.parametrize("bad", ["", "AB", "?", "é"])
def test_corrections_refuse_non_characters(tmp_path, bad):
    with pytest.raises(ValueError, match="not a plate character"):
        CorrectionStore(tmp_path).save(np.zeros((4, 4), np.uint8), bad)


def test_corrections_export_zip_and_folder(tmp_path):
    store = CorrectionStore(tmp_path / "c")
    with pytest.raises(ValueError, match="no corrections"):
        store.export(tmp_path / "x.zip")
    store.save(np.zeros((8, 8), np.uint8), "Z")
    names = zipfile.ZipFile(store.export(tmp_path / "out.zip")).namelist()
    assert "labels.csv" in names and any(n.endswith(".png") for n in names)
    assert (store.export(tmp_path / "folder") / "labels.csv").is_file()


def test_batch_rows_and_export(tmp_path):
    rows = [BatchRow.from_result("a.png", _result()), BatchRow.from_result("b.png", _result((0.9, 0.8))),
            BatchRow.from_error("c.png", "Could not read 'c.png': not an image file"),
            BatchRow.from_result("d.png", PlateResult((), 0.5, (10, 10)))]
    assert [r.status for r in rows][:2] == ["check", "ok"]
    assert rows[0].text == "A?" and rows[0].min_confidence == 0.3
    assert rows[2].status.startswith("error: Could not read") and rows[3].status.startswith("check")
    with open(export_rows(rows, tmp_path / "r.csv"), newline="") as f:
        table = list(csv.DictReader(f))
    assert [t["file"] for t in table] == ["a.png", "b.png", "c.png", "d.png"]
    assert table[1]["text"] == "AB" and table[1]["confidences"] == "0.90 0.80"
    data = json.loads(export_rows(rows, tmp_path / "r.json").read_text())
    assert data[2]["status"].startswith("error") and data[0]["min_confidence"] == 0.3


def test_expand_folders_keeps_files(tmp_path):
    (tmp_path / "b.png").write_bytes(b"x")
    (tmp_path / "a.JPG").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("x")
    single = tmp_path / "single.webp"
    assert expand([tmp_path, single]) == [tmp_path / "a.JPG", tmp_path / "b.png", single]


class FakeRecognizer:
    def __init__(self):
        self.calls = []

    def recognize(self, image, name=None, region=None):
        self.calls.append(name)
        if name == "boom.png":
            raise RuntimeError("unexpected")
        return _result()


def _drain(worker: Worker, kinds: set[str], n: int, timeout: float = 10.0) -> list:
    got, deadline = [], time.monotonic() + timeout
    while len([e for e in got if e.kind in kinds]) < n and time.monotonic() < deadline:
        try:
            got.append(worker.events.get(timeout=0.1))
        except Exception:
            pass
    return got


def test_worker_reports_results_and_errors_and_goes_on(tmp_path):
    import cv2

    good = tmp_path / "good.png"
    cv2.imwrite(str(good), np.full((20, 40, 3), 200, np.uint8))
    boom = tmp_path / "boom.png"
    cv2.imwrite(str(boom), np.full((20, 40, 3), 200, np.uint8))
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    worker = Worker(FakeRecognizer)
    worker.submit([good, bad, boom, good], batch=True)
    events = _drain(worker, {"batch_done"}, 1)
    kinds = [e.kind for e in events if e.kind in ("result", "error")]
    assert kinds == ["result", "error", "error", "result"]
    errors = [e.payload for e in events if e.kind == "error"]
    assert "not an image file" in errors[0] and errors[1] == INTERNAL
    assert [e.payload for e in events if e.kind == "progress"][-1] == (4, 4)
    worker.stop()


def test_worker_reports_a_model_that_will_not_load():
    def load():
        raise ImageReadError("Model file not found: 'x.onnx'")

    worker = Worker(load)
    events = _drain(worker, {"model_error"}, 1)
    assert events[-1].kind == "model_error" and "not found" in events[-1].payload


def test_worker_cancel_stops_a_batch(tmp_path):
    import cv2

    img = tmp_path / "a.png"
    cv2.imwrite(str(img), np.full((20, 40, 3), 200, np.uint8))
    worker = Worker(FakeRecognizer)
    _drain(worker, {"model"}, 1)
    job = worker.submit([img] * 500, batch=True)
    worker.cancel()
    events = _drain(worker, {"batch_done"}, 1)
    done = [e for e in events if e.kind == "batch_done" and e.job == job]
    assert done and done[0].payload is True
    assert len([e for e in events if e.kind == "result"]) < 500
    worker.stop()
