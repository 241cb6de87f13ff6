"""Shared fixtures: a tiny ONNX model built without torch, and plate images."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from plate_gui.core.charset import CHARSET
from plate_gui.core.preprocess import PreprocessConfig
from plate_gui.core.weights import write_metadata

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


def build_tiny_onnx(path: Path, input_size: int = 32, seed: int = 0) -> Path:
    """A Flatten+Gemm ONNX model with the bundled model's interface, and its metadata."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    n_in, n_out = input_size * input_size, len(CHARSET)
    w = numpy_helper.from_array(rng.normal(0, 0.05, (n_in, n_out)).astype(np.float32), "w")
    b = numpy_helper.from_array(np.zeros(n_out, np.float32), "b")
    graph = helper.make_graph(
        [helper.make_node("Flatten", ["crops"], ["flat"], axis=1),
         helper.make_node("Gemm", ["flat", "w", "b"], ["logits"])],
        "tiny",
        [helper.make_tensor_value_info("crops", TensorProto.FLOAT, ["n", 1, input_size, input_size])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["n", n_out])],
        initializer=[w, b])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    pre = PreprocessConfig(input_size=input_size)
    write_metadata(path, {"charset": CHARSET, "input_size": pre.input_size, "mean": pre.mean,
                          "std": pre.std, "training": {"note": "test fixture"}})
    return path


@pytest.fixture(scope="session")
def tiny_weights(tmp_path_factory) -> Path:
    """Path of a tiny random ONNX model (with ``.json`` metadata beside it)."""
    return build_tiny_onnx(tmp_path_factory.mktemp("weights") / "tiny.onnx")


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests leave files for a person to look at (screenshots)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


REQUIRE = os.environ.get("PLATE_READER_REQUIRE_GUI") == "1"


def _free_display() -> int:
    for n in range(90, 140):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number")


@pytest.fixture(scope="session")
def xvfb():
    """DISPLAY of an Xvfb server started for the session (skips without Xvfb)."""
    exe = shutil.which("Xvfb")
    if exe is None:
        if REQUIRE:
            pytest.fail("Xvfb is required (PLATE_READER_REQUIRE_GUI=1) but not installed")
        pytest.skip("Xvfb not installed: GUI tests skipped (apt-get install xvfb)")
    n = _free_display()
    proc = subprocess.Popen([exe, f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{n}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"Xvfb did not start on :{n}")
        time.sleep(0.05)
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = f":{n}"
    yield f":{n}"
    proc.terminate()
    proc.wait(5)
    if old is None:
        os.environ.pop("DISPLAY", None)
    else:
        os.environ["DISPLAY"] = old
