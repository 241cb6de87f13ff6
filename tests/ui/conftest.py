"""GUI fixtures: a real Xvfb display the tests start themselves, and a window over a
recognizer (the tiny ONNX model, or a fake) with its data folder in tmp."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest


def pump(root, until, timeout: float = 20.0) -> None:
    """Run the Tk event loop until ``until()`` is true (fails after ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise AssertionError("the window did not get there in time")
        root.update()
        time.sleep(0.01)


def screenshot(root, path: Path) -> Path:
    """Save the whole virtual screen (the window on it) as PNG with ImageMagick's import."""
    root.update()
    exe = shutil.which("import", path="/usr/bin:/usr/local/bin")
    if exe is None:
        pytest.fail("ImageMagick's import is needed for screenshots (apt-get install imagemagick)")
    subprocess.run([exe, "-window", "root", str(path)], check=True, timeout=30)
    return path


@pytest.fixture
def window(xvfb, tiny_weights, tmp_path, monkeypatch):
    """A real MainWindow over the tiny model; destroyed after the test."""
    from plate_gui.core import PlateRecognizer
    from plate_gui.ui.app import MainWindow, make_root

    monkeypatch.setenv("PLATE_READER_DATA_DIR", str(tmp_path / "data"))
    root, dnd = make_root()
    root.geometry("1100x720+0+0")
    win = MainWindow(root, load=lambda: PlateRecognizer(tiny_weights), dnd=dnd,
                     folder=tmp_path / "data")
    pump(root, lambda: win.model_ready)
    yield win
    import gc

    try:
        win.worker.stop()
        root.destroy()
    except Exception:
        pass
    gc.collect()  # free Tk variables on this (the Tk) thread, not on a worker's
