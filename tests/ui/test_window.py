"""The real window under Xvfb, driven through its own code paths, with screenshots."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest

from plate_gui.ui import app as app_module

from .conftest import pump, screenshot

pytestmark = pytest.mark.gui
SAMPLES = Path(__file__).resolve().parents[2] / "license_images"


def _open_through_menu(window, monkeypatch, paths):
    """Pick File > Open image... with the file dialog answering ``paths``."""
    monkeypatch.setattr(app_module.filedialog, "askopenfilenames",
                        lambda **kw: tuple(str(p) for p in paths))
    menu = window.menus["file"]
    menu.invoke(menu.index("Open image..."))


def test_open_through_the_menu_shows_the_plate(window, monkeypatch, artifacts_dir):
    window.result = None
    _open_through_menu(window, monkeypatch, [SAMPLES / "GV5679.png"])
    pump(window.root, lambda: window.result is not None)
    result = window.result
    assert window.text.cget("text") == result.text
    assert len(window.strip.tiles) == len(result.chars) > 0
    assert window.view.find_withtag("box0")  # boxes drawn on the photo
    screenshot(window.root, artifacts_dir / "window_open.png")


def test_drop_through_tkdnd_dispatch_starts_a_batch(window, tmp_path):
    if not window.dnd:
        pytest.skip("tkdnd not available on this platform")
    files = [SAMPLES / "GV5679.png", SAMPLES / "AM66.png"]
    r, w = window.root, window.root._w
    x, y = r.winfo_rootx() + 200, r.winfo_rooty() + 200
    r.tk.call("tkdnd::generic::SetDroppedData", tuple(str(f) for f in files))
    r.tk.call("tkdnd::generic::HandleEnter", w, w, ("text/uri-list",), ("text/uri-list",),
              ("copy",), ())
    r.tk.call("tkdnd::generic::HandlePosition", w, w, (), x, y, "copy")
    assert r.tk.call("tkdnd::generic::HandleDrop", w, w, (), x, y, 0) == "copy"
    pump(r, lambda: len(window.rows) == 2 and window.cancel_button.instate(["disabled"]))
    assert set(window.rows) == {str(f) for f in files}


def test_bad_file_shows_a_one_line_reason(window, monkeypatch, tmp_path, artifacts_dir):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 10)
    _open_through_menu(window, monkeypatch, [bad])
    pump(window.root, lambda: window.summary.cget("text") != "")
    message = window.summary.cget("text")
    assert message.startswith("Could not read 'broken.png'") and "\n" not in message
    assert window.result is None
    screenshot(window.root, artifacts_dir / "window_bad_file.png")


def test_threshold_re_marks_without_running_the_model(window, monkeypatch):
    _open_through_menu(window, monkeypatch, [SAMPLES / "GV5679.png"])
    pump(window.root, lambda: window.result is not None)
    calls = window.worker.events.qsize()
    window.set_threshold(1.0)
    assert window.result.threshold == 1.0 and all(c.failed for c in window.result.chars)
    assert set(window.text.cget("text")) == {"?"}
    window.set_threshold(0.0)
    assert not any(c.failed for c in window.result.chars)
    assert window.threshold_label.cget("text") == "0%"
    assert window.worker.events.qsize() == calls  # nothing was recognized again


def test_correction_is_saved_and_exported(window, monkeypatch, tmp_path):
    _open_through_menu(window, monkeypatch, [SAMPLES / "GV5679.png"])
    pump(window.root, lambda: window.result is not None)
    window.pick(0)
    dialog = [w for w in window.root.winfo_children() if w.winfo_class() == "Toplevel"][-1]
    pump(window.root, lambda: dialog.winfo_viewable())
    dialog.entry.focus_force()
    dialog.entry.insert(0, "g")
    dialog.entry.event_generate("<Return>", when="tail")
    pump(window.root, lambda: not dialog.winfo_exists())
    assert window.result.chars[0].char == "G" and not window.result.chars[0].failed
    assert window.text.cget("text")[0] == "G"
    labels = window.corrections.labels_path
    with open(labels, newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[-1]["char"] == "G" and (labels.parent / rows[-1]["file"]).is_file()
    monkeypatch.setattr(app_module.filedialog, "asksaveasfilename",
                        lambda **kw: str(tmp_path / "corr.zip"))
    window.menus["file"].invoke(window.menus["file"].index("Export corrections..."))
    assert "labels.csv" in zipfile.ZipFile(tmp_path / "corr.zip").namelist()


def test_folder_batch_with_a_bad_file_and_export(window, monkeypatch, tmp_path, artifacts_dir):
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("GV5679.png", "AM66.png", "VL5547.png"):
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    (folder / "zero.png").write_bytes(b"")
    monkeypatch.setattr(app_module.filedialog, "askdirectory", lambda **kw: str(folder))
    window.menus["file"].invoke(window.menus["file"].index("Open folder..."))
    pump(window.root, lambda: len(window.rows) == 4 and window.cancel_button.instate(["disabled"]))
    assert len(window.table.get_children()) == 4
    assert window.rows[str(folder / "zero.png")].status.startswith("error: Could not read")
    assert window.progress.cget("value") == 4
    screenshot(window.root, artifacts_dir / "window_batch.png")
    monkeypatch.setattr(app_module.filedialog, "asksaveasfilename",
                        lambda **kw: str(tmp_path / "results.json"))
    window.export_results()
    data = json.loads((tmp_path / "results.json").read_text())
    assert len(data) == 4 and {d["file"] for d in data} == set(window.rows)


def test_internal_errors_are_logged_and_shown_short(window):
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        window.root.report_callback_exception(type(exc), exc, exc.__traceback__)
    assert window.status_label.cget("text") == "Internal error, see log"


def test_settings_are_remembered(window):
    window.set_threshold(0.7)
    folder = window.folder
    window.close()
    saved = json.loads((folder / "settings.json").read_text())
    assert saved["threshold"] == 0.7


def test_about_names_the_model(window):
    text = window.about_text()
    assert "Plate Reader" in text and "Model:" in text
