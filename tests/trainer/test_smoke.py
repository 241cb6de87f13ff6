"""Trainer smoke test: a few steps of every stage on tiny data, then the exported
weights load in the core and read a plate."""

from __future__ import annotations

import json
import shutil
from importlib import metadata

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
    for stage in ("stage1", "make-plates", "stage2", "export", "blend", "lookalikes", "all"):
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
    # ... and what its numbers depend on besides code, seed and data (README: a rebuild
    # on another CPU or library version makes another model).
    environment = config["environment"]
    assert environment["packages"]["torch"] == metadata.version("torch")
    assert environment["packages"]["numpy"] == metadata.version("numpy")
    assert environment["torch_cpu_capability"] and environment["cpu"]

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
    assert recognizer.meta.training["environment"]["packages"]["torch"] == metadata.version("torch")
    assert 0.5 <= recognizer.meta.temperature <= 4.0
    assert len(recognizer.meta.class_prior) == len(recognizer.meta.charset)
    plate = render_plate("AB123", PLATE_STYLES[0], np.random.default_rng(0), find_plate_fonts()[0])
    result = recognizer.recognize(plate.image)
    assert all(0.0 <= c.confidence <= 1.0 for c in result.chars)

    # A checkpoint outside a runs folder (a fine-tune's, say) has no plates-val beside
    # it: export says so, and takes the validation set from --val.
    moved = tmp_path / "ft" / "stage2" / "best.pt"
    moved.parent.mkdir(parents=True)
    shutil.copy(runs / "stage2" / "best.pt", moved)
    export = ["export", "--checkpoint", str(moved), "--out", str(tmp_path / "ft-assets"),
              "--no-int8"]
    assert trainer_main(export) == 2
    assert trainer_main([*export, "--val", str(runs / "plates-val")]) == 0
    meta = PlateRecognizer(tmp_path / "ft-assets" / WEIGHTS_NAME).meta
    assert meta.metrics["val_set"] == str(runs / "plates-val")


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


def test_blend_averages_two_checkpoints_weight_by_weight(tmp_path, capsys):
    import torch

    from plate_gui.core.model import build_model
    from plate_gui.core.preprocess import PreprocessConfig
    from trainer.checkpoint import load_checkpoint, save_checkpoint

    torch.manual_seed(0)
    first, second = build_model(), build_model()
    first.layer1[0].bn1.num_batches_tracked.fill_(7)
    first.layer1[0].bn1.running_var.fill_(2.0)
    save_checkpoint(tmp_path / "a.pt", first, None, 2, PreprocessConfig())
    save_checkpoint(tmp_path / "b.pt", second, None, 1, PreprocessConfig(),
                    extra={"history": [{"epoch": 1}]})
    out = tmp_path / "soup" / "best.pt"
    assert trainer_main(["blend", str(tmp_path / "a.pt"), str(tmp_path / "b.pt"),
                         "--weight", "0.25", "--out", str(out)]) == 0

    soup, ckpt, _ = load_checkpoint(out)
    a, b, s = first.state_dict(), second.state_dict(), soup.state_dict()
    for name in ("conv1.weight", "fc.weight", "layer1.0.bn1.running_var"):
        assert not torch.equal(a[name], b[name])
        assert torch.allclose(s[name], 0.25 * a[name] + 0.75 * b[name], atol=1e-6)
    assert s["layer1.0.bn1.num_batches_tracked"].item() == 7, "counters come from FIRST"
    assert ckpt["blend"]["weight"] == 0.25 and ckpt["history"] == [{"epoch": 1}]

    assert trainer_main(["blend", str(tmp_path / "a.pt"), str(tmp_path / "b.pt"),
                         "--weight", "1.5", "--out", str(out)]) == 2
    assert "between 0 and 1" in capsys.readouterr().err
    save_checkpoint(tmp_path / "c.pt", second, None, 1, PreprocessConfig(input_size=48))
    assert trainer_main(["blend", str(tmp_path / "a.pt"), str(tmp_path / "c.pt"),
                         "--out", str(out)]) == 2
    assert "differ in preprocess" in capsys.readouterr().err


def test_the_lookalike_stage_trains_resumes_and_exports_a_model_the_core_loads(tmp_path):
    import shutil

    from plate_gui.core.lookalikes import Lookalikes
    from plate_gui.core.resources import LOOKALIKES_NAME, default_weights_path
    from trainer.lookalikes import CLASSES, GROUPS

    out = tmp_path / "assets" / LOOKALIKES_NAME
    common = ["lookalikes", "--runs", str(tmp_path / "runs"), "--out", str(out),
              "--per-class", "2", "--batch-size", "8", "--threads", "1"]
    assert trainer_main([*common, "--epochs", "1"]) == 0
    assert trainer_main([*common, "--epochs", "2"]) == 0  # resumes after epoch 1
    run = tmp_path / "runs" / "lookalikes"
    history = json.loads((run / "metrics.json").read_text())
    assert [h["epoch"] for h in history] == [1, 2] and "val_acc" in history[0]
    assert (run / "curves.png").stat().st_size > 0
    config = json.loads((run / "config.json").read_text())
    assert config["per_class"] == 2
    assert config["environment"]["packages"]["torch"] == metadata.version("torch")

    weights = default_weights_path()  # the character model it is used with
    shutil.copy(weights, out.with_name(weights.name))
    shutil.copy(weights.with_suffix(".json"), out.with_name(weights.with_suffix(".json").name))
    recognizer = PlateRecognizer(out.with_name(weights.name))
    assert isinstance(recognizer._lookalikes, Lookalikes)
    meta = recognizer._lookalikes.meta
    assert meta.charset == CLASSES and tuple(meta.groups) == GROUPS
    assert meta.training["history"] == history
    assert meta.training["config"]["environment"] == config["environment"]
