"""Measure a built bundle: size, largest entries, launch-to-window and first-result times.

    python packaging/measure.py [dist/PlateReader] [--runs 5] [--image license_images/GV5679.png]

The window is timed under an Xvfb of its own (Linux): from starting the executable
until ``xdotool search --name "Plate Reader"`` finds the window. ``--recognize`` is
timed from start until its ``Confidence levels`` line. Figures only: nothing is
asserted (tests/test_packaging.py checks behaviour, never timings).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tree_size(path: Path) -> int:
    """Bytes of regular files under ``path`` (PyInstaller's symlinks count 0)."""
    if path.is_symlink():
        return 0
    if not path.is_dir():
        return path.stat().st_size
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def sizes(app: Path, top: int = 10) -> list[str]:
    internal = app / "_internal" if (app / "_internal").is_dir() else app
    model = sum(tree_size(p) for p in (internal / "assets").glob("plate_*.*"))
    total = tree_size(app)
    lines = [f"bundle {total / 1e6:.1f} MB, {(total - model) / 1e6:.1f} MB without the models "
             f"({model / 1e6:.1f} MB)"]
    entries = sorted(((tree_size(p), p.name) for p in internal.iterdir()), reverse=True)
    lines += [f"  {n / 1e6:7.1f} MB  {name}" for n, name in entries[:top]]
    return lines


def first_result(exe: str, image: Path, runs: int) -> list[float]:
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen([exe, "--recognize", str(image)], stdout=subprocess.PIPE,
                                text=True, env=env)
        for line in proc.stdout:
            if line.startswith("Confidence levels:"):
                times.append(time.perf_counter() - t0)
        proc.wait(60)
    return times


def launch_to_window(exe: str, runs: int) -> list[float]:
    xvfb, xdotool = shutil.which("Xvfb"), shutil.which("xdotool")
    if not (xvfb and xdotool):
        print("Xvfb or xdotool missing: window time not measured", file=sys.stderr)
        return []
    n = next(n for n in range(200, 260) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    server = subprocess.Popen([xvfb, f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    try:
        while not Path(f"/tmp/.X11-unix/X{n}").exists():
            time.sleep(0.05)
        with tempfile.TemporaryDirectory() as data:
            env = {**os.environ, "DISPLAY": f":{n}", "PLATE_READER_DATA_DIR": data}
            for _ in range(runs):
                t0 = time.perf_counter()
                app = subprocess.Popen([exe], env=env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
                while not subprocess.run([xdotool, "search", "--name", "Plate Reader"], env=env,
                                         capture_output=True).stdout.strip():
                    if app.poll() is not None or time.perf_counter() - t0 > 60:
                        raise RuntimeError("the window did not appear")
                    time.sleep(0.02)
                times.append(time.perf_counter() - t0)
                app.terminate()
                app.wait(10)
    finally:
        server.terminate()
        server.wait(10)
    return times


def _fmt(name: str, times: list[float]) -> str:
    if not times:
        return f"{name}: not measured"
    return (f"{name}: first {times[0]:.2f} s, median {statistics.median(times):.2f} s, "
            f"min {min(times):.2f} s over {len(times)} runs")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("app", nargs="?", type=Path, default=ROOT / "dist" / "PlateReader")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--image", type=Path, default=ROOT / "license_images" / "GV5679.png")
    args = p.parse_args()
    exe = args.app / ("PlateReader.exe" if os.name == "nt" else "PlateReader")
    if args.app.is_file():  # a one-file build
        exe = args.app
    print("\n".join(sizes(args.app)) if args.app.is_dir() else
          f"one-file executable {args.app.stat().st_size / 1e6:.1f} MB")
    print(_fmt("--recognize, start to result", first_result(str(exe), args.image, args.runs)))
    print(_fmt("GUI, start to window", launch_to_window(str(exe), args.runs)))


if __name__ == "__main__":
    main()
