"""Trainer smoke test: a few steps of every stage on tiny data, then the exported
weights load in the core and read a plate."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("torch")

from plate_gui.core import PlateRecognizer  # noqa: E402
from plate_gui.core.resources import WEIGHTS_NAME  # noqa: E402
from trainer.__main__ import build_parser  # noqa: E402
from trainer.__main__ import main as trainer_main  # noqa: E402
from trainer.fonts import find_plate_fonts  # noqa: E402
from trainer.render import PLATE_STYLES, render_plate  # noqa: E402


def test_help_lists_the_stages(capsys):
    with pytest.raises(SystemExit) as exc:
        trainer_main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for stage in ("stage1", "make-plates", "stage2", "export", "all"):
        assert stage in out


@pytest.mark.parametrize("stage", ["export", "all"])
def test_out_is_the_model_file_or_a_folder_for_it(tmp_path, stage):
    def out(*args):
        return build_parser().parse_args([stage, *args]).out

    assert out("--out", str(tmp_path / "m.onnx")) == tmp_path / "m.onnx"
    assert out("--out", str(tmp_path / "M.ONNX")) == tmp_path / "M.ONNX"
    assert out("--out", str(tmp_path / "export")) == tmp_path / "export" / WEIGHTS_NAME
    assert out().name == WEIGHTS_NAME and out().parent.name == "assets"


def test_every_stage_runs_and_the_export_loads(tmp_path):
    runs = tmp_path / "runs"
    common = ["--runs", str(runs), "--epochs", "1", "--batch-size", "8", "--threads", "1"]
    assert trainer_main(["stage1", *common, "--train-size", "48", "--plate-shapes"]) == 0
    assert (runs / "stage1" / "best.pt").is_file()
    history = json.loads((runs / "stage1" / "metrics.json").read_text())
    assert history[0]["epoch"] == 1 and "val_acc" in history[0]
    assert (runs / "stage1" / "curves.png").stat().st_size > 0
    config = json.loads((runs / "stage1" / "config.json").read_text())
    assert config["lr"] == 1e-3 and config["data"]["synthetic_train"] == 48
    assert config["plate_shapes"] is True, "the run records what it drew"

    assert trainer_main(["make-plates", "--out", str(runs / "plates"), "--plates", "12",
                         "--plate-shapes"]) == 0
    labels = (runs / "plates" / "labels.csv").read_text().splitlines()
    assert labels[0] == "file,char" and len(labels) > 12

    assert trainer_main(["stage2", *common]) == 0
    out = tmp_path / "assets"  # a folder: the model is written into it
    assert trainer_main(["export", "--checkpoint", str(runs / "stage2" / "best.pt"),
                         "--out", str(out), "--no-int8"]) == 0
    recognizer = PlateRecognizer(out / WEIGHTS_NAME)
    assert recognizer.meta.training["command"]
    assert 0.5 <= recognizer.meta.temperature <= 4.0
    assert len(recognizer.meta.class_prior) == len(recognizer.meta.charset)
    plate = render_plate("AB123", PLATE_STYLES[0], np.random.default_rng(0), find_plate_fonts()[0])
    result = recognizer.recognize(plate.image)
    assert all(0.0 <= c.confidence <= 1.0 for c in result.chars)


def test_stage2_without_stage1_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "plates").mkdir()
    code = trainer_main(["stage2", "--runs", str(tmp_path), "--data", str(tmp_path / "plates")])
    assert code == 2
    assert "run stage1 first" in capsys.readouterr().err


def test_resume_continues_after_the_last_epoch(tmp_path):
    common = ["--runs", str(tmp_path), "--batch-size", "8", "--threads", "1",
              "--train-size", "24"]
    assert trainer_main(["stage1", *common, "--epochs", "1"]) == 0
    assert trainer_main(["stage1", *common, "--epochs", "2"]) == 0
    history = json.loads((tmp_path / "stage1" / "metrics.json").read_text())
    assert [h["epoch"] for h in history] == [1, 2]
