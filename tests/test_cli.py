"""The command line: the seed's output lines, --json, errors that do not stop a run."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from .core.plates import draw_plate

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "license_images"
KEYS = {"file", "text", "confidences", "boxes", "alternatives", "failed", "error"}
CONFIDENCES = re.compile(r"^Confidence levels: \[((\d\.\d+)(, \d\.\d+)*)?\]$")


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def _blocks(stdout: str) -> list[list[str]]:
    """Plain output cut into one block per image: the '<path>:' line and what follows."""
    blocks: list[list[str]] = []
    for line in stdout.splitlines():
        if line.endswith(":") and not line.startswith(("Recognized", "Confidence", "Error")):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


@pytest.fixture
def images(tmp_path):
    for name, text in (("a.png", "GV5679"), ("b.png", "AM66")):
        cv2.imwrite(str(tmp_path / name), draw_plate(rows=[text])[0])
    (tmp_path / "bad.png").write_text("not an image")
    return tmp_path


def test_plain_output_has_the_seed_lines(images, tiny_weights):
    out = run("--weights", str(tiny_weights), str(images / "a.png"), str(images / "b.png"))
    assert out.returncode == 0, out.stderr
    blocks = _blocks(out.stdout)
    assert [Path(b[0][:-1]).name for b in blocks] == ["a.png", "b.png"]
    for block in blocks:
        assert len(block) == 3
        assert block[1].startswith("Recognized license plate: ")
        assert CONFIDENCES.match(block[2]), block[2]
        text = block[1].removeprefix("Recognized license plate: ")
        assert text.count(",") == 0 and block[2].count(",") + 1 == len(text)


def test_plain_output_reports_a_bad_file_and_goes_on(images, tiny_weights):
    out = run("--weights", str(tiny_weights), str(images / "bad.png"), str(images / "a.png"),
              str(images / "missing.png"))
    assert out.returncode == 1
    blocks = _blocks(out.stdout)
    assert [Path(b[0][:-1]).name for b in blocks] == ["bad.png", "a.png", "missing.png"]
    assert blocks[0][1] == "Error: Could not read 'bad.png': not an image file"
    assert blocks[1][1].startswith("Recognized license plate: ")
    assert blocks[2][1] == "Error: Could not read 'missing.png': the file does not exist"
    assert "Traceback" not in out.stderr


def test_json_lines_and_a_bad_file_in_the_middle(images, tiny_weights):
    out = run("--weights", str(tiny_weights), "--json", str(images / "a.png"),
              str(images / "bad.png"), str(images / "b.png"))
    assert out.returncode == 1
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [Path(r["file"]).name for r in rows] == ["a.png", "bad.png", "b.png"]
    assert all(KEYS <= set(r) for r in rows)
    assert rows[1]["error"].startswith("Could not read 'bad.png'") and rows[1]["text"] is None
    assert rows[1]["confidences"] == rows[1]["boxes"] == rows[1]["failed"] == []
    for r in (rows[0], rows[2]):
        n = len(r["text"])
        assert r["error"] is None and n > 0
        assert len(r["confidences"]) == len(r["boxes"]) == len(r["alternatives"]) == len(r["failed"]) == n
        assert all(isinstance(c, float) and 0 <= c <= 1 for c in r["confidences"])
        assert all(len(b) == 4 and all(isinstance(v, int) for v in b) for b in r["boxes"])
        assert all(len(a) == 3 and a[0][1] >= a[1][1] >= a[2][1] for a in r["alternatives"])
        assert [ch == "?" for ch in r["text"]] == r["failed"]
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("threshold, all_failed", [("0", False), ("1", True)])
def test_threshold_option(images, tiny_weights, threshold, all_failed):
    out = run("--weights", str(tiny_weights), "--json", "--threshold", threshold, str(images / "a.png"))
    row = json.loads(out.stdout)
    assert out.returncode == 0 and row["failed"] and all(f == all_failed for f in row["failed"])


def test_folder_argument_expands_to_its_images(images, tiny_weights):
    (images / "notes.txt").write_text("not an image, not read")
    (images / "sub.png").mkdir()  # a folder inside is not read (not recursive)
    cv2.imwrite(str(images / "sub.png" / "c.png"), draw_plate(rows=["K1"])[0])
    out = run("--weights", str(tiny_weights), "--json", str(images))
    files = [Path(json.loads(line)["file"]).name for line in out.stdout.splitlines()]
    assert files == ["a.png", "b.png", "bad.png"]  # sorted
    assert out.returncode == 1  # bad.png


def test_no_argument_reads_the_samples(tiny_weights, tmp_path):
    samples = sorted(SAMPLES.glob("*.png"))
    if not samples:
        pytest.skip("license_images/ holds no samples yet")
    out = run("--weights", str(tiny_weights), cwd=tmp_path)  # found from any working folder
    assert out.returncode == 0, out.stderr
    blocks = _blocks(out.stdout)
    assert [Path(b[0][:-1]).name for b in blocks] == [p.name for p in samples]
    assert all(b[1].startswith("Recognized license plate: ") and CONFIDENCES.match(b[2])
               for b in blocks)


@pytest.mark.parametrize("args", [["--threshold", "3"], ["--threshold", "-0.5"],
                                  ["--threshold", "high"], ["--nope"], ["--region", "mars"]])
def test_usage_errors_exit_2(args, tiny_weights):
    out = run("--weights", str(tiny_weights), *args)
    assert out.returncode == 2 and "usage" in out.stderr.lower()
    assert out.stdout == "" and "Traceback" not in out.stderr


def test_region_option_is_accepted(images, tiny_weights):
    out = run("--weights", str(tiny_weights), "--json", "--region", "hk", str(images / "a.png"))
    assert out.returncode == 0 and KEYS <= set(json.loads(out.stdout))


def test_missing_weights_is_a_clear_error(tmp_path):
    out = run("--weights", str(tmp_path / "none.onnx"), "x.png")
    assert out.returncode == 2 and "Model file not found" in out.stderr
    assert "Traceback" not in out.stderr


def test_help_exits_0():
    out = run("--help")
    assert out.returncode == 0 and "--json" in out.stdout and "--threshold" in out.stdout
