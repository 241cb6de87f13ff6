"""Corrections: the trainer's stage-2 format, written so a kill never loses a saved one."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from plate_gui.core import atomic as storage  # the app writes through the core's atomic helpers
from plate_gui.ui.corrections import CorrectionStore

ROOT = Path(__file__).resolve().parents[2]


def _labels(folder: Path) -> list[dict]:
    with open(folder / "labels.csv", newline="") as f:
        return list(csv.DictReader(f))


def test_corrections_are_saved_in_the_trainer_format(tmp_path):
    store = CorrectionStore(tmp_path / "c")
    crop = np.zeros((20, 10, 3), np.uint8)
    crop[..., 2] = 255  # red in BGR
    p1 = store.save(crop, "b", source='car, "1".jpg')
    p2 = store.save(crop[..., 0], "7")
    assert p1.is_file() and p2.is_file() and p1 != p2
    assert (tmp_path / "c" / "labels.csv").read_text().splitlines()[0] == "file,char"
    assert [(r["file"], r["char"]) for r in _labels(tmp_path / "c")] == [(p1.name, "B"), (p2.name, "7")]
    from PIL import Image

    assert Image.open(p1).getpixel((0, 0)) == (255, 0, 0)  # saved as RGB, the right way round
    assert not list((tmp_path / "c").glob(".*.tmp"))  # nothing half-written left behind


@pytest.mark.parametrize(("char", "crop", "match"), [
    ("", (4, 4), "not a plate character"),
    ("AB", (4, 4), "not a plate character"),
    ("?", (4, 4), "not a plate character"),
    ("é", (4, 4), "not a plate character"),
    ("A", (0, 4), "crop is empty"),
])
def test_corrections_refuse_bad_input(tmp_path, char, crop, match):
    with pytest.raises(ValueError, match=match):
        CorrectionStore(tmp_path).save(np.zeros(crop, np.uint8), char)


def test_a_failed_write_keeps_the_saved_corrections(tmp_path, monkeypatch):
    store = CorrectionStore(tmp_path)
    store.save(np.zeros((8, 8), np.uint8), "A")
    before = (tmp_path / "labels.csv").read_bytes()

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        store.save(np.zeros((8, 8), np.uint8), "B")
    assert (tmp_path / "labels.csv").read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


WRITER = """
import sys, numpy as np
from plate_gui.ui.corrections import CorrectionStore
store = CorrectionStore(sys.argv[1])
while True:
    store.save(np.random.randint(0, 255, (40, 30, 3), np.uint8), "K", source="kill test")
"""


def test_killed_mid_save_loses_nothing_already_saved(tmp_path):
    folder = tmp_path / "c"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(folder)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while not (folder / "labels.csv").exists() or len(_labels(folder)) < 15:
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.02)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    rows = _labels(folder)
    assert len(rows) >= 15 and all((folder / r["file"]).is_file() for r in rows)
    assert all(r["char"] == "K" for r in rows)


def test_corrections_export_zip_and_folder(tmp_path):
    store = CorrectionStore(tmp_path / "c")
    with pytest.raises(ValueError, match="no corrections"):
        store.export(tmp_path / "x.zip")
    saved = store.save(np.zeros((8, 8), np.uint8), "Z")
    (tmp_path / "c" / "stray.png").write_bytes(b"unlisted: a crash left it")
    names = zipfile.ZipFile(store.export(tmp_path / "out.zip")).namelist()
    assert sorted(names) == sorted(["labels.csv", saved.name])
    out = store.export(tmp_path / "folder")
    assert sorted(p.name for p in out.iterdir()) == sorted(["labels.csv", saved.name])
