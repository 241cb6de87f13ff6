"""Build the one-folder bundle with PyInstaller and try it as an operator would.

Slow (a build): marked ``slow``; ``.ci/run`` runs it with the rest. The bundle goes
into a tmp folder; nothing is written into the source tree but test-artifacts/.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_WEIGHTS = ROOT / "assets" / "plate_resnet50.onnx"
REQUIRE_GUI = os.environ.get("PLATE_READER_REQUIRE_GUI") == "1"
TRAINER_ONLY = {"torch", "torchvision", "torchaudio", "triton", "matplotlib", "tqdm", "onnx"}
pytestmark = pytest.mark.slow


# `make build-env` (which `make test` runs): requirements.txt, PyInstaller and OpenCV with
# core and imgproc only, as `make package` builds. Without it the test builds with this
# interpreter, whose PyPI OpenCV makes a bundle twice as large.
BUILD_PYTHON = ROOT / ".venv-build" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
SIZE_LIMIT_MB = 150


def _build_python() -> str:
    if BUILD_PYTHON.is_file() and subprocess.run(
            [str(BUILD_PYTHON), "-c", "import PyInstaller, cv2"], capture_output=True).returncode == 0:
        return str(BUILD_PYTHON)
    pytest.importorskip("PyInstaller")
    return sys.executable


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> tuple[Path, Path]:
    """(the one-folder app, PyInstaller's work folder), built once for this module."""
    python = _build_python()
    work = tmp_path_factory.mktemp("pyinstaller")
    out = subprocess.run([python, "-m", "PyInstaller", "--noconfirm", "--distpath",
                          str(work / "dist"), "--workpath", str(work / "build"),
                          str(ROOT / "build.spec")], cwd=ROOT, capture_output=True, text=True,
                         timeout=1800)
    assert out.returncode == 0, out.stderr[-3000:]
    app = work / "dist" / "PlateReader"
    assert Path(_exe(app)).is_file()
    return app, work / "build"


@pytest.fixture(scope="module")
def bundle(build) -> Path:
    return build[0]


def _exe(app: Path) -> str:
    return str(app / ("PlateReader.exe" if os.name == "nt" else "PlateReader"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _plate_image(path: Path, text: str = "AB12CDE") -> Path:
    """A plain plate drawn with Pillow: dark characters on a white plate with a border."""
    img = Image.new("RGB", (520, 130), (255, 255, 255))
    d = ImageDraw.Draw(img)
    d.rectangle([4, 4, 515, 125], outline=(20, 20, 20), width=6)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 86)
    except OSError:  # no DejaVu on this system: Pillow's own scalable font
        font = ImageFont.load_default(86)
    d.text((260, 66), text, fill=(15, 15, 15), font=font, anchor="mm")
    img.save(path)
    return path


def _weights_args(tiny_weights: Path) -> list[str]:
    """No --weights when the project has trained weights: the bundled copy must be used."""
    return [] if BUNDLED_WEIGHTS.is_file() else ["--weights", str(tiny_weights)]


def _run_frozen(app: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run([_exe(app), *args], capture_output=True, text=True, timeout=180,
                          cwd=cwd, env=env)


def test_bundle_has_no_trainer_packages(bundle, artifacts_dir):
    dirs = {p.name.lower() for p in bundle.rglob("*") if p.is_dir()}
    assert not dirs & TRAINER_ONLY
    assert not [p for p in bundle.rglob("libtorch*")]
    _write_size_report(bundle, artifacts_dir / "bundle-sizes.txt")


def test_bundle_with_the_small_opencv_stays_under_its_size_limit(bundle):
    internal = bundle / "_internal" if (bundle / "_internal").is_dir() else bundle
    if (internal / "opencv_python_headless.libs").is_dir():
        if REQUIRE_GUI:  # CI: `make test` made the build env
            pytest.fail("the bundle has PyPI's OpenCV: run `make build-env`")
        pytest.skip("built with PyPI's OpenCV (no `make build-env`): its 158 MB ship whole")
    cv2_libs = [p.name for p in internal.rglob("*") if p.name.startswith(("libavcodec", "libopenblas"))]
    assert not cv2_libs, cv2_libs
    assert _size(bundle) <= SIZE_LIMIT_MB * 10**6, _size(bundle) / 10**6


def test_bundle_carries_the_data_and_binaries_the_app_needs(build):
    app, work = build
    internal = app / "_internal" if (app / "_internal").is_dir() else app
    assert (internal / "assets" / "icon.png").is_file()
    assert sorted(p.name for p in (internal / "license_images").iterdir()) == sorted(
        p.name for p in (ROOT / "license_images").iterdir() if p.suffix == ".png")
    if BUNDLED_WEIGHTS.is_file():
        for name in ("plate_resnet50.onnx", "plate_resnet50.json", "plate_lookalikes.onnx",
                     "plate_lookalikes.json"):
            assert _sha256(internal / "assets" / name) == _sha256(ROOT / "assets" / name)
    # tkinterdnd2's own hook brings the tkdnd library for this platform (drag and drop).
    libs = [p for p in (internal / "tkinterdnd2" / "tkdnd").rglob("*")
            if p.suffix in (".so", ".dll", ".dylib")]
    assert libs, "tkdnd's binary was not collected"
    # Without PIL._tkinter_finder every ImageTk image fails in the frozen app.
    tocs = " ".join(p.read_text(errors="replace") for p in work.rglob("PYZ-*.toc"))
    assert "PIL._tkinter_finder" in tocs


def test_frozen_recognize_prints_the_cli_lines(bundle, tiny_weights, tmp_path):
    sample = _plate_image(tmp_path / "plaque é 1.png")  # non-ASCII path, as operators have
    out = _run_frozen(bundle, ["--recognize", str(sample), *_weights_args(tiny_weights)], tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == f"{sample}:"
    assert lines[1].startswith("Recognized license plate: ")
    assert lines[2].startswith("Confidence levels: [") and lines[2].endswith("]")


def test_frozen_recognize_reads_the_bundled_samples(bundle, tiny_weights, tmp_path):
    out = _run_frozen(bundle, ["--recognize", "--json", *_weights_args(tiny_weights)], tmp_path)
    assert out.returncode == 0, out.stderr
    files = [Path(json.loads(line)["file"]).name for line in out.stdout.splitlines()]
    assert files == sorted(p.name for p in (ROOT / "license_images").glob("*.png"))


def test_frozen_recognize_reports_a_bad_file(bundle, tiny_weights, tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    out = _run_frozen(bundle, ["--recognize", str(bad), *_weights_args(tiny_weights)], tmp_path)
    assert out.returncode == 1
    assert "Error: Could not read 'notes.png'" in out.stdout


def test_frozen_gui_opens_under_xvfb(bundle, tmp_path, artifacts_dir):
    if not (ROOT / "plate_gui" / "ui" / "app.py").is_file():
        pytest.skip("plate_gui/ui/app.py does not exist yet")
    tools = {name: shutil.which(name, path="/usr/bin:/usr/local/bin:/bin")
             for name in ("Xvfb", "xdotool")}
    if None in tools.values():
        missing = [n for n, p in tools.items() if p is None]
        if REQUIRE_GUI:
            pytest.fail(f"PLATE_READER_REQUIRE_GUI=1 but {missing} not installed")
        pytest.skip(f"{missing} not installed")
    display, xvfb = _start_xvfb(tools["Xvfb"])
    data = tmp_path / "data"
    env = {**os.environ, "DISPLAY": display, "PLATE_READER_DATA_DIR": str(data)}
    sample = _plate_image(tmp_path / "plate.png")
    log = (tmp_path / "app.out").open("w")
    proc = subprocess.Popen([_exe(bundle), str(sample)], env=env, stdout=log, stderr=log)
    try:
        window = _wait_for(lambda: _find_window(tools["xdotool"], display), 60)
        assert window, f"the frozen app's window never appeared: {_tail(tmp_path / 'app.out')}"
        app_log = data / "logs" / "plate-reader.log"
        # The bundled model (or none) is loaded in the background; the sample is then read.
        _wait_for(lambda: app_log.is_file() and "model" in app_log.read_text(), 60)
        time.sleep(2)
        assert proc.poll() is None, _tail(tmp_path / "app.out")
        _screenshot(window, display, artifacts_dir / "frozen_app.png")
        text = app_log.read_text()
        assert "tkdnd unavailable" not in text  # the frozen tkdnd library loaded
        assert "Traceback" not in text, text
        if BUNDLED_WEIGHTS.is_file():
            assert " ERROR " not in text, text
        xprop = shutil.which("xprop")
        if xprop:  # iconphoto(assets/icon.png) reached the window manager hints
            icon = subprocess.run([xprop, "-display", display, "-id", window, "-len", "64",
                                   "-f", "_NET_WM_ICON", "32c", "_NET_WM_ICON"],
                                  capture_output=True, text=True, timeout=30).stdout
            assert "256, 256" in icon
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
        xvfb.terminate()
        xvfb.wait(10)


def _start_xvfb(exe: str) -> tuple[str, subprocess.Popen]:
    """An Xvfb of this test's own on a free display (the window is found by name there)."""
    for n in range(150, 200):
        if Path(f"/tmp/.X11-unix/X{n}").exists() or Path(f"/tmp/.X{n}-lock").exists():
            continue
        proc = subprocess.Popen([exe, f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if _wait_for(lambda n=n, p=proc: Path(f"/tmp/.X11-unix/X{n}").exists() or p.poll() is not None,
                     10) and proc.poll() is None:
            return f":{n}", proc
        proc.kill()
        proc.wait(5)
    pytest.fail("no free X display for Xvfb")


def _find_window(xdotool: str, display: str) -> str:
    out = subprocess.run([xdotool, "search", "--name", "Plate Reader"], capture_output=True,
                         text=True, timeout=30, env={**os.environ, "DISPLAY": display}).stdout
    return out.split()[0] if out.split() else ""


def _wait_for(check, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    return check()


def _screenshot(window: str, display: str, path: Path) -> None:
    exe = shutil.which("import", path="/usr/bin:/usr/local/bin")
    if exe is None:
        if REQUIRE_GUI:
            pytest.fail("ImageMagick's import is needed for the screenshot")
        return
    subprocess.run([exe, "-display", display, "-window", window, str(path)], check=True, timeout=30)


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-2000:] if path.is_file() else ""


def _size(p: Path) -> int:
    """Bytes in a file or folder; symlinks (PyInstaller links wheels' libraries) count 0."""
    if p.is_symlink() or not p.is_dir():
        return p.lstat().st_size if not p.is_symlink() else 0
    return sum(f.lstat().st_size for f in p.rglob("*") if f.is_file() and not f.is_symlink())


def _write_size_report(app: Path, path: Path) -> None:
    """The bundle's size and its largest entries (MB, 10**6 bytes), for a person."""
    internal = app / "_internal" if (app / "_internal").is_dir() else app
    entries = sorted(((_size(p), p.relative_to(app)) for p in internal.iterdir()), reverse=True)
    weights = sum(_size(p) for p in internal.joinpath("assets").glob("plate_*.*"))
    total = _size(app)
    lines = [f"bundle: {total / 1e6:.1f} MB ({(total - weights) / 1e6:.1f} MB without the models)"]
    lines += [f"{n / 1e6:8.1f} MB  {p}" for n, p in entries[:20]]
    path.write_text("\n".join(lines) + "\n")
