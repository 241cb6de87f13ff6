"""The command line: the seed's output lines, --json, errors that do not stop a run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from .core.plates import draw_plate

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def images(tmp_path):
    for name, text in (("a.png", "GV5679"), ("b.png", "AM66")):
        cv2.imwrite(str(tmp_path / name), draw_plate(rows=[text])[0])
    (tmp_path / "bad.png").write_text("not an image")
    return tmp_path


def test_plain_output_has_the_seed_lines(images, tiny_weights):
    out = run("--weights", str(tiny_weights), str(images / "a.png"), str(images / "b.png"))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert sum(line.startswith("Recognized license plate: ") for line in lines) == 2
    conf = [line for line in lines if line.startswith("Confidence levels: [")]
    assert len(conf) == 2 and all(line.endswith("]") for line in conf)


def test_json_lines_and_a_bad_file_in_the_middle(images, tiny_weights):
    out = run("--weights", str(tiny_weights), "--json", str(images / "a.png"),
              str(images / "bad.png"), str(images / "b.png"))
    assert out.returncode == 1
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [Path(r["file"]).name for r in rows] == ["a.png", "bad.png", "b.png"]
    keys = {"file", "text", "confidences", "boxes", "alternatives", "failed", "error"}
    assert all(keys <= set(r) for r in rows)
    assert rows[1]["error"].startswith("Could not read 'bad.png'") and rows[0]["error"] is None
    assert "Traceback" not in out.stderr


def test_folder_argument_expands_to_its_images(images, tiny_weights):
    out = run("--weights", str(tiny_weights), "--json", str(images))
    files = sorted(Path(json.loads(line)["file"]).name for line in out.stdout.splitlines())
    assert files == ["a.png", "b.png", "bad.png"]


def test_no_argument_reads_the_samples(tiny_weights):
    out = run("--weights", str(tiny_weights))
    samples = sorted((ROOT / "license_images").glob("*.png"))
    assert samples and out.stdout.count("Recognized license plate: ") == len(samples)


@pytest.mark.parametrize("args", [["--threshold", "3"], ["--nope"], ["--region", "mars"]])
def test_usage_errors_exit_2(args, tiny_weights):
    out = run("--weights", str(tiny_weights), *args)
    assert out.returncode == 2 and "usage" in out.stderr.lower()


def test_missing_weights_is_a_clear_error(tmp_path):
    out = run("--weights", str(tmp_path / "none.onnx"), "x.png")
    assert out.returncode == 2 and "Model file not found" in out.stderr
    assert "Traceback" not in out.stderr
