"""Build the one-folder bundle with PyInstaller and try it as an operator would.

Slow (a few minutes): marked ``slow``; ``.ci/run`` runs it with the rest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    pytest.importorskip("PyInstaller")
    work = tmp_path_factory.mktemp("pyinstaller")
    out = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath",
                          str(work / "dist"), "--workpath", str(work / "build"),
                          str(ROOT / "build.spec")], cwd=ROOT, capture_output=True, text=True,
                         timeout=1800)
    assert out.returncode == 0, out.stderr[-3000:]
    app = work / "dist" / "PlateReader"
    assert (app / ("PlateReader.exe" if os.name == "nt" else "PlateReader")).is_file()
    return app


def _exe(app: Path) -> str:
    return str(app / ("PlateReader.exe" if os.name == "nt" else "PlateReader"))


def test_bundle_has_no_torch_and_carries_the_weights(bundle):
    names = {p.name.lower() for p in bundle.rglob("*")}
    assert not names & {"torch", "torchvision", "triton"}
    assert any(p.name == "plate_resnet50.onnx" for p in bundle.rglob("*.onnx"))
    assert any(p.parent.name == "license_images" for p in bundle.rglob("*.png"))


def test_frozen_recognize_prints_the_cli_lines(bundle, tmp_path):
    sample = ROOT / "license_images" / "GV5679.png"
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    out = subprocess.run([_exe(bundle), "--recognize", str(sample)], capture_output=True,
                         text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert "Recognized license plate: " in out.stdout
    assert "Confidence levels: [" in out.stdout


def test_frozen_gui_opens_under_xvfb(bundle, xvfb, artifacts_dir, tmp_path):
    if not shutil.which("xdotool"):
        pytest.skip("xdotool not installed")
    env = {**os.environ, "PLATE_READER_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen([_exe(bundle), str(ROOT / "license_images" / "GV5679.png")], env=env)
    try:
        deadline = time.monotonic() + 60
        found = b""
        while time.monotonic() < deadline and not found.strip():
            found = subprocess.run(["xdotool", "search", "--name", "Plate Reader"],
                                   capture_output=True).stdout
            time.sleep(0.2)
        assert found.strip(), "the frozen app's window never appeared"
        assert proc.poll() is None
        time.sleep(3)  # let it read the sample plate before the screenshot
        subprocess.run(["import", "-window", "root", str(artifacts_dir / "frozen_app.png")],
                       check=True, timeout=30)
    finally:
        proc.terminate()
        proc.wait(10)
