"""The real window under Xvfb, driven through its own code paths, with screenshots."""

from __future__ import annotations

import csv
import json
import logging
import threading
import zipfile
from pathlib import Path

import pytest

from plate_gui.core import ModelLoadError
from plate_gui.ui import app as app_module

from .conftest import destroy, make_window, pump, screenshot

pytestmark = pytest.mark.gui
SAMPLES = Path(__file__).resolve().parents[2] / "license_images"


def _invoke(window, menu: str, label: str) -> None:
    m = window.menus[menu]
    m.invoke(m.index(label))


def _open_through_menu(window, monkeypatch, paths) -> None:
    """Pick File > Open image... with the file dialog answering ``paths``."""
    monkeypatch.setattr(app_module.filedialog, "askopenfilenames",
                        lambda **kw: tuple(str(p) for p in paths))
    _invoke(window, "file", "Open image...")


def _open_sample(window, monkeypatch, name: str = "GV5679.png"):
    _open_through_menu(window, monkeypatch, [SAMPLES / name])
    pump(window.root, lambda: window.result is not None and window.photo.path.name == name)
    return window.result


def _canvas_texts(canvas) -> str:
    return " ".join(canvas.itemcget(i, "text") for i in canvas.find_all()
                    if canvas.type(i) == "text")


def _dialog(window):
    pump(window.root, lambda: window.photo.dialog is not None and window.photo.dialog.winfo_viewable())
    return window.photo.dialog


def test_window_paints_while_the_model_is_still_loading(xvfb, tiny_weights, data_folder):
    from plate_gui.core import PlateRecognizer

    release = threading.Event()

    def slow_load():
        release.wait(30)
        return PlateRecognizer(tiny_weights)

    win = make_window(data_folder, slow_load)
    try:
        pump(win.root, lambda: win.root.winfo_viewable())
        assert not win.model_ready and win.worker.state == "loading"
        assert win.status_label.cget("text").startswith("Loading the model")
        win.open_paths([SAMPLES / "AM66.png"])  # asked for before the model is there: waits
        assert "waiting for the model" in win.status_label.cget("text")
        release.set()
        pump(win.root, lambda: win.result is not None)
        assert win.photo.path.name == "AM66.png"
    finally:
        release.set()
        destroy(win)


def test_window_class_matches_the_desktop_file(window):
    """Docks group the window under the launcher only if WM_CLASS is StartupWMClass."""
    desktop = (Path(__file__).resolve().parents[2] / "packaging" / "plate-reader.desktop").read_text()
    # Tk capitalizes the class it is given: "PlateReader" becomes "Platereader".
    assert window.root.winfo_class() == "Platereader"
    assert f"StartupWMClass={window.root.winfo_class()}" in desktop.splitlines()


def test_a_model_that_will_not_load_is_explained_in_place(xvfb, data_folder, artifacts_dir,
                                                           monkeypatch):
    def broken():
        raise ModelLoadError("Model file not found: 'plate_resnet50.onnx'")

    win = make_window(data_folder, broken)
    try:
        pump(win.root, lambda: win.worker.state == "failed")
        pump(win.root, lambda: "could not be loaded" in win.status_label.cget("text"))
        assert "Model file not found" in _canvas_texts(win.photo.view)
        assert "Model: not loaded (Model file not found" in win.about_text()
        screenshot(win.root, artifacts_dir / "window_model_missing.png")
        _open_through_menu(win, monkeypatch, [SAMPLES / "AM66.png"])  # still usable, says why
        assert win.status_label.cget("text").startswith("Cannot read plates")
    finally:
        destroy(win)


def test_open_through_the_menu_shows_the_plate(window, monkeypatch, artifacts_dir):
    result = _open_sample(window, monkeypatch)
    assert window.photo.text.cget("text") == result.text
    assert len(window.photo.strip.tiles) == len(result.chars) > 0
    assert window.photo.view.find_withtag("box0")  # boxes drawn on the photo
    assert window.status_label.cget("text").startswith("GV5679.png: read in")
    screenshot(window.root, artifacts_dir / "window_open.png")


def test_failures_show_a_question_mark_and_low_as_text(window, monkeypatch):
    _open_sample(window, monkeypatch)
    window.toolbar.scale.set(100)  # everything under 100% is now a failure
    tile = window.photo.strip.tiles[0]
    texts = {tile.itemcget(i, "text") for i in tile.find_withtag("char") + tile.find_withtag("label")}
    assert "?" in texts and any(t.endswith(" low") for t in texts)
    assert set(window.photo.text.cget("text")) == {"?"}
    assert window.photo.summary.cget("text").startswith("Check the plate")


def test_threshold_controls_re_mark_without_running_the_model(window, monkeypatch):
    _open_sample(window, monkeypatch)
    calls = window.worker.recognizer.calls
    window.toolbar.scale.set(100)  # the slider
    assert window.result.threshold == 1.0 and all(c.failed for c in window.result.chars)
    spin = window.toolbar.spin  # the number box, typed into
    spin.focus_force()
    spin.delete(0, "end")
    spin.insert(0, "0")
    spin.event_generate("<Return>")
    assert window.result.threshold == 0.0 and not any(c.failed for c in window.result.chars)
    assert round(float(window.toolbar.scale.get())) == 0
    assert window.photo.text.cget("text") == window.result.raw_text
    assert window.worker.recognizer.calls == calls  # nothing was recognized again


def test_hovering_a_crop_shows_its_alternatives(window, monkeypatch):
    result = _open_sample(window, monkeypatch)
    tile = window.photo.strip.tiles[0]
    tile.event_generate("<Enter>", x=5, y=5)
    best = result.chars[0].alternatives[0][0]
    assert window.photo.strip.hint.cget("text").startswith(f"Character 1: best guesses {best}")
    assert float(window.photo.view.itemcget("box0", "width")) > 2  # its box stands out


def test_ctrl_c_copies_the_plate_text(window, monkeypatch):
    result = _open_sample(window, monkeypatch)
    window.root.focus_force()
    pump(window.root, lambda: window.root.focus_get() is not None)
    window.root.event_generate("<Control-c>")
    assert window.root.clipboard_get() == result.text


def test_drop_through_tkdnd_dispatch_starts_a_batch(window):
    if not window.dnd:
        pytest.skip("tkdnd not available on this platform")
    files = [SAMPLES / "GV5679.png", SAMPLES / "AM66.png"]
    r, w = window.root, window.root._w
    x, y = r.winfo_rootx() + 200, r.winfo_rooty() + 200
    # What tkdnd's XDND code does when a file manager drops onto the window.
    r.tk.call("tkdnd::generic::SetDroppedData", tuple(str(f) for f in files))
    r.tk.call("tkdnd::generic::HandleEnter", w, w, ("text/uri-list",), ("text/uri-list",),
              ("copy",), ())
    r.tk.call("tkdnd::generic::HandlePosition", w, w, (), x, y, "copy")
    assert r.tk.call("tkdnd::generic::HandleDrop", w, w, (), x, y, 0) == "copy"
    pump(r, lambda: len(window.batch.results) == 2 and not window.batch.running)
    assert set(window.batch.results.rows) == {str(f) for f in files}


def test_drop_of_one_file_with_a_space_shows_it(window, tmp_path):
    if not window.dnd:
        pytest.skip("tkdnd not available on this platform")
    target = tmp_path / "my plate.png"
    target.write_bytes((SAMPLES / "AM66.png").read_bytes())
    r, w = window.root, window.root._w
    r.tk.call("tkdnd::generic::SetDroppedData", (str(target),))
    r.tk.call("tkdnd::generic::HandleEnter", w, w, ("text/uri-list",), ("text/uri-list",),
              ("copy",), ())
    r.tk.call("tkdnd::generic::HandlePosition", w, w, (), r.winfo_rootx() + 300,
              r.winfo_rooty() + 300, "copy")
    r.tk.call("tkdnd::generic::HandleDrop", w, w, (), r.winfo_rootx() + 300,
              r.winfo_rooty() + 300, 0)
    pump(r, lambda: window.result is not None)
    assert window.photo.path == target


def test_bad_file_shows_a_one_line_reason(window, monkeypatch, tmp_path, artifacts_dir):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 10)
    _open_through_menu(window, monkeypatch, [bad])
    pump(window.root, lambda: window.photo.summary.cget("text") != "")
    message = window.photo.summary.cget("text")
    assert message.startswith("Could not read 'broken.png'") and "\n" not in message
    assert message in _canvas_texts(window.photo.view)
    assert window.result is None
    screenshot(window.root, artifacts_dir / "window_bad_file.png")


def test_correction_typed_is_saved_and_exported(window, monkeypatch, tmp_path, artifacts_dir):
    _open_sample(window, monkeypatch)
    window.photo.strip.tiles[0].event_generate("<Button-1>", x=5, y=5)
    dialog = _dialog(window)
    screenshot(dialog, artifacts_dir / "correction_dialog.png")
    dialog.entry.focus_force()
    dialog.entry.insert(0, "q")
    dialog.entry.event_generate("<Return>")
    pump(window.root, lambda: not dialog.winfo_exists())
    assert window.result.chars[0].char == "Q" and not window.result.chars[0].failed
    assert window.photo.text.cget("text")[0] == "Q"
    assert window.photo.model.tiles[0].label == "fixed"
    labels = window.photo.corrections.labels_path
    with open(labels, newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["file", "char"] and rows[-1]["char"] == "Q"
    assert (labels.parent / rows[-1]["file"]).is_file()
    monkeypatch.setattr(app_module.filedialog, "asksaveasfilename",
                        lambda **kw: str(tmp_path / "corr.zip"))
    _invoke(window, "file", "Export corrections...")
    names = zipfile.ZipFile(tmp_path / "corr.zip").namelist()
    assert "labels.csv" in names and rows[-1]["file"] in names


def test_correction_by_picking_an_alternative(window, monkeypatch):
    result = _open_sample(window, monkeypatch)
    window.photo.strip.tiles[1].focus_force()
    window.photo.strip.tiles[1].event_generate("<Return>")  # the keyboard way in
    dialog = _dialog(window)
    second = [a for a, _ in result.chars[1].alternatives if a != "#"][1]
    button = next(b for b in dialog.buttons if b.cget("text").startswith(second))
    button.invoke()
    assert window.result.chars[1].char == second
    assert window.photo.corrections.rows()[-1][1] == second


def test_a_dialog_left_open_cannot_correct_the_next_photo(window, monkeypatch):
    _open_sample(window, monkeypatch)
    window.photo.pick(0)
    dialog = _dialog(window)
    _open_sample(window, monkeypatch, "AM66.png")
    assert not dialog.winfo_exists()  # closed when the other photo came in
    window.photo.correct(0, "Z", shown=window.photo.shown - 1)  # what a late click would do
    assert window.photo.corrections.rows() == []


def test_folder_batch_with_a_bad_file_and_export(window, monkeypatch, tmp_path, artifacts_dir):
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("GV5679.png", "AM66.png", "VL5547.png"):
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    (folder / "zero.png").write_bytes(b"")
    monkeypatch.setattr(app_module.filedialog, "askdirectory", lambda **kw: str(folder))
    window.root.event_generate("<Control-O>")  # Ctrl+Shift+O
    pump(window.root, lambda: len(window.batch.results) == 4 and not window.batch.running)
    table = window.batch.table
    assert len(table.get_children()) == 4
    zero = table.item(str(folder / "zero.png"), "values")
    assert zero[3].startswith("Error: Could not read 'zero.png'")
    assert window.batch.progress.cget("value") == 4
    assert window.status_label.cget("text").startswith("Done: 4 photos read")
    screenshot(window.root, artifacts_dir / "window_batch.png")
    for name in ("results.json", "results.csv"):
        monkeypatch.setattr(app_module.filedialog, "asksaveasfilename",
                            lambda name=name, **kw: str(tmp_path / name))
        window.root.event_generate("<Control-e>")
    data = json.loads((tmp_path / "results.json").read_text())
    assert len(data) == 4 and {d["file"] for d in data} == {str(folder / n) for n in
                                                            ("GV5679.png", "AM66.png", "VL5547.png",
                                                             "zero.png")}
    with open(tmp_path / "results.csv", newline="") as f:
        assert [r["status"] for r in csv.DictReader(f)].count("error") == 1


def test_batch_rows_re_mark_and_a_row_shows_the_photo(window, monkeypatch, tmp_path):
    monkeypatch.setattr(app_module.filedialog, "askopenfilenames",
                        lambda **kw: (str(SAMPLES / "AM66.png"), str(SAMPLES / "9413.png")))
    _invoke(window, "file", "Open image...")  # several photos: the table
    pump(window.root, lambda: len(window.batch.results) == 2 and not window.batch.running)
    calls = window.worker.recognizer.calls
    window.toolbar.set_threshold(1.0)
    statuses = [window.batch.table.item(i, "values")[3] for i in window.batch.table.get_children()]
    assert all(s.startswith("Check") for s in statuses)
    window.batch.table.selection_set(str(SAMPLES / "9413.png"))
    pump(window.root, lambda: window.result is not None)
    assert window.photo.path.name == "9413.png"
    assert window.worker.recognizer.calls == calls  # the row's result, not a new run


def test_internal_errors_are_logged_and_shown_short(window, data_folder):
    from plate_gui.ui.paths import setup_logging

    log_file = setup_logging()
    try:
        raise RuntimeError("boom in a callback")
    except RuntimeError as exc:
        window.root.report_callback_exception(type(exc), exc, exc.__traceback__)
    assert window.status_label.cget("text") == "Internal error, see log"
    for h in logging.getLogger().handlers:
        h.flush()
    assert log_file.is_relative_to(data_folder) and "boom in a callback" in log_file.read_text()


def test_settings_are_remembered(xvfb, window, data_folder, tiny_weights, tmp_path):
    from plate_gui.core import PlateRecognizer

    window.toolbar.set_threshold(0.7)
    window.settings_store.update(last_folder=str(tmp_path))
    window.root.geometry("900x600")
    pump(window.root, lambda: window.root.winfo_width() == 900)
    window.close()
    again = make_window(data_folder, lambda: PlateRecognizer(tiny_weights), geometry="")
    try:
        pump(again.root, lambda: again.root.winfo_viewable())
        assert again.toolbar.threshold() == 0.7 and again.toolbar.spin.get() == "70"
        assert (again.root.winfo_width(), again.root.winfo_height()) == (900, 600)
        assert again.settings.last_folder == str(tmp_path)
    finally:
        destroy(again)


def test_keyboard_reaches_the_actions(window, monkeypatch):
    opened = []
    monkeypatch.setattr(app_module.filedialog, "askopenfilenames",
                        lambda **kw: opened.append(kw) or ())
    window.root.event_generate("<Control-o>")
    assert opened and "Images" in opened[0]["filetypes"][0][0]
    assert all(window.menus["file"].entrycget(i, "accelerator")
               for i in (0, 1, 3))  # Open image, Open folder, Export results
    window.root.event_generate("<F2>")  # nothing on show: no dialog, no error
    assert window.photo.dialog is None


def test_about_names_the_model(window, monkeypatch):
    monkeypatch.setattr(app_module.messagebox, "showinfo", lambda *a, **kw: None)
    _invoke(window, "help", "About Plate Reader")
    text = window.about_text()
    assert text.startswith("Plate Reader ") and "Model: resnet50 (tiny.onnx)" in text
