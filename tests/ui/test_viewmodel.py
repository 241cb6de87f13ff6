"""What the window shows, without Tk: texts, labels, threshold re-marking, About."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from plate_gui.core import PlateResult
from plate_gui.ui import viewmodel
from plate_gui.ui.viewmodel import about_lines, apply_correction, build

from .fakes import make_result


def test_a_failure_is_a_question_mark_and_low_in_words():
    model = build(make_result((0.9, 0.3)))
    assert model.text == "A?" and model.level == "warn"
    assert [t.display for t in model.tiles] == ["A", "?"]
    assert [t.label for t in model.tiles] == ["90%", "30% low"]
    assert model.summary.startswith("Check the plate: 1 character could not be read")


@pytest.mark.parametrize(("threshold", "text", "labels"), [
    (0.0, "AB", ["90%", "30%"]),
    (0.3, "AB", ["90%", "30%"]),  # at the threshold is not under it
    (0.31, "A?", ["90%", "30% low"]),
    (0.95, "??", ["90% low", "30% low"]),
])
def test_threshold_re_marks_the_view(threshold, text, labels):
    model = build(make_result((0.9, 0.3)).with_threshold(threshold))
    assert model.text == text and [t.label for t in model.tiles] == labels


def test_all_read_and_nothing_found():
    ok = build(make_result((0.9, 0.8)))
    assert ok.level == "ok" and ok.summary == "All 2 characters read (lowest confidence 80%)."
    empty = build(PlateResult((), 0.5, (10, 10)))
    assert empty.level == "empty" and empty.text == "" and "No characters found" in empty.summary


def test_alternatives_leave_out_the_junk_class():
    tile = build(make_result((0.6, 0.9))).tiles[0]
    assert tile.alternatives == "A 60%  8 20%"
    assert tile.hint == "Character 1: best guesses A 60%  8 20%. Click to correct."


def test_a_correction_is_sure_and_shown_as_fixed():
    fixed = apply_correction(make_result((0.9, 0.3)), 1, "8")
    assert fixed.text == "A8" and fixed.chars[1].alternatives[0] == ("8", 1.0)
    assert not fixed.with_threshold(1.0).chars[1].failed  # stays read at any threshold
    model = build(fixed, corrected={1})
    assert model.tiles[1].label == "fixed" and model.tiles[1].corrected
    assert model.summary == "All 2 characters read (lowest confidence 90%). 1 character corrected by you."


META = SimpleNamespace(arch="resnet50", input_size=32, charset="0123456789ABC#",
                       metrics={"plates_dev_exact": 0.252, "new_metric": 0.5, "quantization": "int8"},
                       training={"stage1": {"epochs": 5, "data": "48000 characters (commit x)"},
                                 "stage2": {"epochs": 1}, "command": "python -m trainer"})


def test_about_names_the_model_and_its_figures():
    lines = about_lines("1.2.3", META, "plate_resnet50.onnx")
    assert lines[0] == "Plate Reader 1.2.3"
    assert "Model: resnet50 (plate_resnet50.onnx), 32x32 gray input, 14 classes" in lines
    assert "  Whole plates read exactly (test photos): 25.2%" in lines
    assert "  New metric: 50.0%" in lines and not any("int8" in x for x in lines)
    assert "  stage1: 5 epochs on 48000 characters" in lines and "  stage2: 1 epoch" in lines


@pytest.mark.parametrize(("error", "line"), [
    ("", "Model: still loading..."),
    ("Model file not found", "Model: not loaded (Model file not found)"),
])
def test_about_without_a_model(error, line):
    assert about_lines("1", None, load_error=error)[-1] == line


@pytest.mark.parametrize("code", ["none", "auto", "hk", "uk", "eu", "us", "br", "zz"])
def test_region_labels_round_trip(code):
    assert viewmodel.region_code(viewmodel.region_label(code)) == code
