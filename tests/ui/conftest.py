"""GUI fixtures: a real Xvfb display the tests start themselves (tests/conftest.py's
``xvfb``), and a window over a recognizer (the tiny ONNX model, counted) with its
data folder in tmp."""

from __future__ import annotations

import gc
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest


def pump(root, until, timeout: float = 30.0) -> None:
    """Run the Tk event loop until ``until()`` is true (fails after ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise AssertionError("the window did not get there in time")
        root.update()
        time.sleep(0.01)


def settle(root, rounds: int = 10) -> None:
    """Let pending redraws happen (before a screenshot)."""
    for _ in range(rounds):
        root.update()
        time.sleep(0.01)


def _wrapper_id(top) -> str:
    """The X window holding ``top`` and its menu bar (Tk's wrapper; there is no WM here)."""
    if shutil.which("xwininfo") is None:
        return str(top.winfo_id())
    out = subprocess.run(["xwininfo", "-tree", "-id", str(top.winfo_id())], capture_output=True,
                         text=True, timeout=30).stdout
    m = re.search(r"Parent window id: (0x[0-9a-f]+)(.*)", out)
    return m[1] if m and "root window" not in m[2] else str(top.winfo_id())


def screenshot(widget, path: Path) -> Path:
    """Save ``widget``'s window, menu bar included, as PNG with ImageMagick's import."""
    settle(widget)
    exe = shutil.which("import", path="/usr/bin:/usr/local/bin")
    if exe is None:
        pytest.fail("ImageMagick's import is needed for screenshots (apt-get install imagemagick)")
    subprocess.run([exe, "-window", _wrapper_id(widget.winfo_toplevel()), str(path)], check=True,
                   timeout=30)
    return path


class CountingRecognizer:
    """The real recognizer, counting how often the model is run."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.meta = inner.meta
        self.weights_path = inner.weights_path
        self.calls = 0
        self._lock = threading.Lock()

    def recognize(self, *args, **kwargs):
        with self._lock:
            self.calls += 1
        return self.inner.recognize(*args, **kwargs)


def make_window(folder: Path, load, geometry: str = "1100x720+0+0"):
    from plate_gui.ui.app import MainWindow
    from plate_gui.ui.start import make_root

    root, dnd = make_root()
    win = MainWindow(root, load=load, dnd=dnd, folder=folder)
    if geometry:
        root.geometry(geometry)
    return win


def destroy(win) -> None:
    try:
        win.destroy()
    except Exception:
        pass
    gc.collect()  # free Tk variables on this (the Tk) thread, not on a worker's


@pytest.fixture
def data_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("PLATE_READER_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def window(xvfb, tiny_weights, data_folder):
    """A real MainWindow over the tiny model (``window.worker.recognizer.calls`` counts runs)."""
    from plate_gui.core import PlateRecognizer

    win = make_window(data_folder, lambda: CountingRecognizer(PlateRecognizer(tiny_weights)))
    pump(win.root, lambda: win.model_ready)
    yield win
    destroy(win)
