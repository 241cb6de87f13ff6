"""Weights are validated at load: missing, corrupt or mismatched files give ModelLoadError."""

from __future__ import annotations

import json
import shutil

import pytest

from plate_gui.core import ModelLoadError, PlateRecognizer
from plate_gui.core.weights import sha256_of

from ..conftest import build_tiny_onnx


def _copy(tiny_weights, tmp_path):
    model = tmp_path / "m.onnx"
    shutil.copy(tiny_weights, model)
    shutil.copy(tiny_weights.with_suffix(".json"), model.with_suffix(".json"))
    return model


def _edit_meta(model, **changes):
    meta = model.with_suffix(".json")
    data = json.loads(meta.read_text())
    data.update(changes)
    meta.write_text(json.dumps(data))


def _missing_model(m):
    m.unlink()


def _missing_meta(m):
    m.with_suffix(".json").unlink()


def _corrupt_json(m):
    m.with_suffix(".json").write_text("{oops")


def _tampered(m):
    m.write_bytes(m.read_bytes()[:-4] + b"XXXX")


def _truncated(m):
    m.write_bytes(m.read_bytes()[:100])


def _not_onnx_but_matching_checksum(m):
    m.write_bytes(b"this is not an onnx model")
    _edit_meta(m, sha256=sha256_of(m))


def _charset_mismatch(m):
    _edit_meta(m, charset="0123456789")


def _input_size_mismatch(m):
    _edit_meta(m, input_size=48)


def _bad_version(m):
    _edit_meta(m, format_version=99)


def _unknown_charset(m):
    _edit_meta(m, charset="abc")


def _json_not_an_object(m):
    m.with_suffix(".json").write_text("[1, 2]")


def _json_not_utf8(m):
    m.with_suffix(".json").write_bytes(b'{"charset": "\xff\xfe"}')


def _unknown_field(m):
    _edit_meta(m, colour="blue")


def _missing_field(m):
    meta = m.with_suffix(".json")
    data = json.loads(meta.read_text())
    del data["input_size"]
    meta.write_text(json.dumps(data))


def _bad_temperature(m):
    _edit_meta(m, temperature=0)


def _prior_wrong_length(m):
    _edit_meta(m, class_prior=[1.0] * 5)


def _prior_not_positive(m):
    _edit_meta(m, class_prior=[1.0] * 36 + [0.0])


def _bad_std(m):
    _edit_meta(m, std=0)


def _model_is_a_folder(m):
    m.unlink()
    m.mkdir()


@pytest.mark.parametrize("damage, match", [
    (_missing_model, "Model file not found"),
    (_missing_meta, "metadata not found"),
    (_corrupt_json, "metadata 'm.json' is invalid"),
    (_tampered, "corrupt or was changed"),
    (_truncated, "corrupt or was changed"),
    (_not_onnx_but_matching_checksum, "could not be loaded"),
    (_charset_mismatch, "metadata lists 10"),
    (_input_size_mismatch, "does not match its metadata"),
    (_bad_version, "format version"),
    (_unknown_charset, "characters the app does not know"),
    (_json_not_an_object, "metadata 'm.json' is invalid"),
    (_json_not_utf8, "metadata 'm.json' is invalid"),
    (_unknown_field, "invalid: .*colour"),
    (_missing_field, "invalid: .*input_size"),
    (_bad_temperature, "temperature must be positive"),
    (_bad_std, "std must be positive"),
    (_prior_wrong_length, "class_prior must give one positive number per charset character"),
    (_prior_not_positive, "class_prior must give one positive number"),
    (_model_is_a_folder, "Model file not found"),
])
def test_bad_weights(tiny_weights, tmp_path, damage, match):
    model = _copy(tiny_weights, tmp_path)
    damage(model)
    with pytest.raises(ModelLoadError, match=match) as exc:
        PlateRecognizer(model)
    assert "\n" not in str(exc.value)


def test_input_size_mismatch_from_the_graph(tmp_path):
    """A model built for 24x24 whose metadata (checksum valid) claims 32x32."""
    model = build_tiny_onnx(tmp_path / "w.onnx", input_size=24)
    _edit_meta(model, input_size=32)
    with pytest.raises(ModelLoadError, match=r"Model input \['n', 1, 24, 24\] does not match"):
        PlateRecognizer(model)


def test_good_weights_load_with_their_metadata(tmp_path):
    model = build_tiny_onnx(tmp_path / "w.onnx", input_size=24)
    rec = PlateRecognizer(model)
    assert rec.meta.input_size == 24 and rec.meta.training["note"] == "test fixture"
