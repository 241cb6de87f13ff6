"""The look-alike model: loading and validation beside the weights, and how it
re-divides a look-alike group's probability."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from plate_gui.core import ModelLoadError, PlateRecognizer
from plate_gui.core.charset import CHARSET
from plate_gui.core.lookalikes import Lookalikes, lookalikes_path
from plate_gui.core.preprocess import PreprocessConfig
from plate_gui.core.resources import LOOKALIKES_NAME
from plate_gui.core.weights import WeightsMeta, write_metadata


def _build(path, charset="8B1JI", groups=("8B", "1JI"), input_size=32, bias=None):
    """A Flatten+Gemm look-alike model; ``bias`` sets its logits (zero weights)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    n = len(charset)
    w = numpy_helper.from_array(np.zeros((input_size * input_size, n), np.float32), "w")
    b = numpy_helper.from_array(np.asarray(bias if bias is not None else np.zeros(n),
                                           np.float32), "b")
    graph = helper.make_graph(
        [helper.make_node("Flatten", ["crops"], ["flat"], axis=1),
         helper.make_node("Gemm", ["flat", "w", "b"], ["logits"])], "look",
        [helper.make_tensor_value_info("crops", TensorProto.FLOAT, ["n", 1, input_size, input_size])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["n", n])],
        initializer=[w, b])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    pre = PreprocessConfig(input_size=input_size)
    write_metadata(path, {"charset": charset, "groups": list(groups), "arch": "lookalike-cnn",
                          "input_size": pre.input_size, "mean": pre.mean, "std": pre.std})
    return path


@pytest.fixture
def weights_dir(tiny_weights, tmp_path):
    """The tiny character model copied into a folder of its own."""
    for suffix in (".onnx", ".json"):
        shutil.copy(tiny_weights.with_suffix(suffix), tmp_path / f"tiny{suffix}")
    return tmp_path / "tiny.onnx"


def test_the_lookalike_model_is_found_beside_the_weights(weights_dir):
    assert lookalikes_path(weights_dir) == weights_dir.parent / LOOKALIKES_NAME
    assert PlateRecognizer(weights_dir).lookalikes_path is None  # one's own model: optional
    _build(lookalikes_path(weights_dir))
    rec = PlateRecognizer(weights_dir)
    assert isinstance(rec._lookalikes, Lookalikes)
    assert rec.lookalikes_path == lookalikes_path(weights_dir)
    assert rec._lookalikes.meta.groups == ["8B", "1JI"]


def test_the_bundled_weights_need_theirs(weights_dir, monkeypatch):
    from plate_gui.core import recognizer

    monkeypatch.setattr(recognizer, "default_weights_path", lambda: weights_dir)
    with pytest.raises(ModelLoadError, match="Look-alike model not found"):
        PlateRecognizer()
    _build(lookalikes_path(weights_dir))
    assert PlateRecognizer()._lookalikes is not None
    monkeypatch.setenv("PLATE_READER_LOOKALIKES", "0")  # measuring the character model alone
    assert PlateRecognizer()._lookalikes is None


@pytest.mark.parametrize("damage, match", [
    (lambda p: p.write_bytes(p.read_bytes()[:-10]), "corrupt or was changed"),
    (lambda p: p.with_suffix(".json").unlink(), "metadata not found"),
    (lambda p: p.with_suffix(".json").write_text("{"), "metadata .* is invalid"),
])
def test_a_damaged_lookalike_model_is_a_clear_error(weights_dir, damage, match):
    damage(_build(lookalikes_path(weights_dir)))
    with pytest.raises(ModelLoadError, match=match):
        PlateRecognizer(weights_dir)


def test_a_lookalike_model_that_does_not_fit_the_weights_is_refused(weights_dir):
    path = lookalikes_path(weights_dir)
    _build(path, input_size=48)
    with pytest.raises(ModelLoadError, match="takes other input"):
        PlateRecognizer(weights_dir)
    _build(path)
    meta = json.loads(path.with_suffix(".json").read_text())
    path.with_suffix(".json").write_text(json.dumps({**meta, "groups": []}))
    with pytest.raises(ModelLoadError, match="invalid"):
        PlateRecognizer(weights_dir)
    meta["groups"], meta["charset"] = ["8B"], "8B1JIAZ"  # more classes than the graph gives
    path.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(ModelLoadError, match="gives 5 classes"):
        PlateRecognizer(weights_dir)


def test_groups_are_checked_in_the_metadata():
    base = {"charset": "8B1JI", "input_size": 32, "mean": 0.2, "std": 0.3, "sha256": "x"}
    assert WeightsMeta(**base, groups=["8B", "1JI"]).groups == ["8B", "1JI"]
    for bad in (["8"], ["8B", "B1"], ["8Z"], []):
        with pytest.raises(ValueError, match="groups"):
            WeightsMeta(**base, groups=bad)


def test_a_group_s_probability_is_re_divided_where_its_member_leads(weights_dir):
    # The look-alike model is sure of B (logit 4 against 0) and of 1 over J and I.
    _build(lookalikes_path(weights_dir), bias=[0.0, 4.0, 3.0, 0.0, 0.0])
    look = PlateRecognizer(weights_dir)._lookalikes
    c = {ch: CHARSET.index(ch) for ch in "8B1JIA#"}
    probs = np.full((3, len(CHARSET)), 0.001, np.float32)
    probs[0, [c["8"], c["B"], c["#"]]] = 0.6, 0.2, 0.1  # 8 leads: its group is asked
    probs[1, [c["A"], c["B"], c["J"]]] = 0.6, 0.2, 0.1  # A leads: nothing changes
    probs[2, [c["J"], c["1"], c["I"]]] = 0.5, 0.3, 0.1
    probs /= probs.sum(axis=1, keepdims=True)
    batch = np.zeros((3, 1, 32, 32), np.float32)
    out = look.refine(probs, batch, weight=0.5)

    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(out[1], probs[1], atol=1e-7)
    others = [i for i in range(len(CHARSET)) if i not in (c["8"], c["B"])]
    np.testing.assert_allclose(out[0, others], probs[0, others], atol=1e-7)  # junk kept
    assert out[0, c["8"]] + out[0, c["B"]] == pytest.approx(probs[0, c["8"]] + probs[0, c["B"]])
    # within the group: p_model ** 0.5 * p_lookalike ** 0.5, B now ahead of 8
    spec = np.exp([0.0, 4.0]) / np.exp([0.0, 4.0]).sum()
    mixed = np.sqrt(probs[0, [c["8"], c["B"]]] * spec)
    expected = mixed / mixed.sum() * (probs[0, c["8"]] + probs[0, c["B"]])
    np.testing.assert_allclose(out[0, [c["8"], c["B"]]], expected, rtol=1e-5)
    assert out[0, c["B"]] > out[0, c["8"]]
    assert out[2, c["1"]] > out[2, c["J"]]
    # weight 0: the character model's probabilities as they were
    np.testing.assert_allclose(look.refine(probs, batch, weight=0.0), probs, atol=1e-6)


def test_the_recognizer_s_probabilities_go_through_the_lookalike_model(weights_dir):
    plain = PlateRecognizer(weights_dir)
    rng = np.random.default_rng(0)
    crops = [rng.integers(0, 255, (rng.integers(20, 60), rng.integers(8, 40)), np.uint8)
             for _ in range(60)]
    before = plain.probabilities(crops)
    leading = [CHARSET[i] for i in before.argmax(axis=1)]
    first = leading[0]
    other = next(ch for ch in CHARSET[:-1] if ch != first)
    assert any(ch != first for ch in leading)
    # A group of the first crop's leader and another character, which it favours.
    _build(lookalikes_path(weights_dir), charset=first + other, groups=(first + other,),
           bias=[0.0, 4.0])
    after = PlateRecognizer(weights_dir).probabilities(crops)
    led = np.array([ch == first for ch in leading])
    np.testing.assert_allclose(after[~led], before[~led], atol=1e-7)
    i, j = CHARSET.index(first), CHARSET.index(other)
    assert (after[led, j] > before[led, j]).all() and (after[led, i] < before[led, i]).all()
