"""Batch rows, re-marking on a new threshold, and export to CSV or JSON."""

from __future__ import annotations

import csv
import json

import pytest

from plate_gui.core import PlateResult
from plate_gui.ui.batch import BatchResults, BatchRow, export_rows

from .fakes import make_result


@pytest.mark.parametrize(("row", "status", "label", "text", "lowest"), [
    (BatchRow.from_result("a.png", make_result((0.9, 0.3))), "check", "Check: 1 character unsure",
     "A?", "30%"),
    (BatchRow.from_result("b.png", make_result((0.9, 0.8))), "ok", "OK", "AB", "80%"),
    (BatchRow.from_result("c.png", make_result((0.1, 0.2))), "check", "Check: 2 characters unsure",
     "??", "10%"),
    (BatchRow.from_result("d.png", PlateResult((), 0.5, (10, 10))), "check",
     "Check: no characters found", "", ""),
    (BatchRow.from_error("e.png", "Could not read 'e.png': not an image file"), "error",
     "Error: Could not read 'e.png': not an image file", "", ""),
])
def test_batch_rows(row, status, label, text, lowest):
    assert (row.status, row.label, row.text, row.lowest) == (status, label, text, lowest)


def test_batch_results_re_mark_on_a_new_threshold():
    results = BatchResults(0.5)
    results.add("a.png", make_result((0.9, 0.3)))
    results.add("b.png", make_result((0.9, 0.8)))
    results.add("c.png", "Could not read 'c.png': the file is empty")
    assert results.to_check == 2
    changed = results.set_threshold(0.2)
    assert [r.file for r in changed] == ["a.png"] and results.rows["a.png"].text == "AB"
    assert results.to_check == 1
    assert [r.file for r in results.set_threshold(0.85)] == ["a.png", "b.png"]
    assert results.rows["b.png"].status == "check" and results.result("c.png") is None


def _rows() -> list[BatchRow]:
    return [BatchRow.from_result("a.png", make_result()),
            BatchRow.from_result("b,1.png", make_result((0.9, 0.8))),
            BatchRow.from_error("c.png", "Could not read 'c.png': not an image file")]


def test_export_csv(tmp_path):
    with open(export_rows(_rows(), tmp_path / "r.csv"), newline="") as f:
        table = list(csv.DictReader(f))
    assert [t["file"] for t in table] == ["a.png", "b,1.png", "c.png"]
    assert table[1]["text"] == "AB" and table[1]["confidences"] == "0.90 0.80"
    assert table[2]["status"] == "error" and table[2]["detail"].startswith("Could not read")
    assert table[2]["min_confidence"] == ""


@pytest.mark.parametrize("name", ["r.json", "R.JSON"])
def test_export_json_by_extension(tmp_path, name):
    data = json.loads(export_rows(_rows(), tmp_path / name).read_text())
    assert [d["file"] for d in data] == ["a.png", "b,1.png", "c.png"]
    assert data[0]["min_confidence"] == 0.3 and data[0]["confidences"] == [0.9, 0.3]
    assert data[2]["min_confidence"] is None
