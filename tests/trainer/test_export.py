"""Drift: the trainer and the recognizer feed the model identical tensors, and
weights exported by the trainer load in the core and give torch's answers."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from plate_gui.core import ModelLoadError, PlateRecognizer  # noqa: E402
from plate_gui.core.charset import CHARSET  # noqa: E402
from plate_gui.core.model import build_model  # noqa: E402
from plate_gui.core.preprocess import SHIFTS, PreprocessConfig, preprocess_batch, with_shifts  # noqa: E402
from trainer.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
from trainer.datasets import crop_folder  # noqa: E402
from trainer.export import export_onnx  # noqa: E402
from trainer.stages import fit_temperature, temperature_warning  # noqa: E402
from trainer.train import _class_weights, junk_metrics  # noqa: E402


def _crops(n: int = 5) -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    out = []
    for i in range(n):
        img = np.full((30 + i * 3, 14 + i * 2), 200, np.uint8)
        cv2.putText(img, "A8"[i % 2], (1, img.shape[0] - 4), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 20, 2)
        out.append(np.clip(img + rng.normal(0, 8, img.shape), 0, 255).astype(np.uint8))
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    torch.manual_seed(0)
    model = build_model().eval()
    path = tmp_path_factory.mktemp("export") / "m.onnx"
    pre = PreprocessConfig(input_size=32, mean=0.25, std=0.35)
    export_onnx(model, path, pre, temperature=1.5, training={"command": "test"})
    return model, path, pre


def test_trainer_and_recognizer_transforms_are_identical(tmp_path, exported):
    _, path, pre = exported
    crops = _crops()
    for i, c in enumerate(crops):
        cv2.imwrite(str(tmp_path / f"{i}.png"), c)
    (tmp_path / "labels.csv").write_text("file,char\n" + "".join(
        f"{i}.png,{'A8'[i % 2]}\n" for i in range(len(crops))))
    x_train, _ = crop_folder(tmp_path, pre)
    recognizer = PlateRecognizer(path)
    x_infer = preprocess_batch(crops, recognizer.meta.preprocess)
    np.testing.assert_array_equal(x_train, x_infer)


def test_exported_weights_load_in_core_and_match_torch(exported):
    model, path, pre = exported
    recognizer = PlateRecognizer(path)
    assert recognizer.meta.preprocess == pre
    assert recognizer.meta.temperature == 1.5
    crops = _crops()
    batch = preprocess_batch(crops, pre)
    with torch.no_grad():  # the core reads each crop and its shifted views (SHIFTS)
        views = model(torch.from_numpy(with_shifts(batch, pre))).numpy()
    logits = views.reshape(1 + len(SHIFTS), len(crops), -1).mean(axis=0) / 1.5
    expected = np.exp(logits - logits.max(1, keepdims=True))
    expected /= expected.sum(1, keepdims=True)
    np.testing.assert_allclose(recognizer.probabilities(crops), expected, atol=1e-4)


def test_tampered_export_is_refused(tmp_path, exported):
    _, path, _ = exported
    bad = tmp_path / "m.onnx"
    bad.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    (tmp_path / "m.json").write_text(path.with_suffix(".json").read_text())
    with pytest.raises(ModelLoadError, match="checksum"):
        PlateRecognizer(bad)
    assert json.loads((tmp_path / "m.json").read_text())["training"]["command"] == "test"


def test_checkpoint_round_trip(tmp_path):
    torch.manual_seed(1)
    model = build_model()
    pre = PreprocessConfig()
    save_checkpoint(tmp_path / "c.pt", model, None, 3, pre)
    again, ckpt, pre2 = load_checkpoint(tmp_path / "c.pt")
    assert ckpt["epoch"] == 3 and pre2 == pre
    for a, b in zip(model.state_dict().values(), again.state_dict().values()):
        assert torch.equal(a, b)


def test_fit_temperature_softens_overconfident_logits():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 5, 2000)
    logits = rng.normal(0, 1, (2000, 5))
    right = rng.random(2000) < 0.7
    logits[np.arange(2000), np.where(right, y, (y + 1) % 5)] += 8.0  # 70% right, very sure
    assert fit_temperature(logits, y) > 1.5


def test_junk_metrics_count_characters_and_junk_apart():
    junk = len(CHARSET) - 1
    y = np.array([0, 1, 2, junk, junk, junk, junk])
    pred = np.array([0, 1, 5, junk, 7, 8, 9])  # 2 of 3 characters, 1 of 4 junk crops
    logits = np.eye(len(CHARSET))[pred]
    assert junk_metrics(logits, y) == {"val_char_acc": 0.6667, "val_junk_recall": 0.25}
    assert junk_metrics(logits[:3], y[:3])["val_junk_recall"] is None


@pytest.mark.parametrize(("t", "warned"), [(0.85, False), (1.0, False), (1.8, True), (0.5, True)])
def test_a_temperature_far_from_one_is_flagged(t, warned):
    assert (temperature_warning(t) is not None) is warned


def test_sampler_weights_balance_classes_or_give_junk_its_share():
    junk = len(CHARSET) - 1
    y = np.array([0] * 10 + [1] * 30 + [junk] * 60)
    w = _class_weights(y).numpy()
    # class-balanced (the default): each present class draws a third
    for cls in (0, 1, junk):
        assert w[y == cls].sum() / w.sum() == pytest.approx(1 / 3)
    w = _class_weights(y, junk_share=0.4).numpy()
    assert w[y == junk].sum() / w.sum() == pytest.approx(0.4)
    assert w[y == 0].sum() / w.sum() == pytest.approx(0.3)
    assert w[y == 1].sum() / w.sum() == pytest.approx(0.3)
