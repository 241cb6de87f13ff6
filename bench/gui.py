"""GUI bench: time to the first paint and to a loaded model, and how live the window
stays while a thousand-image batch runs.

    python -m bench.gui [--runs N] [--batch N] [--weights W]

Needs a display; without DISPLAY it starts its own Xvfb. Timings are printed,
never asserted (the machine may be busy: run it a few times).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "license_images"


def ensure_display() -> subprocess.Popen | None:
    """Start an Xvfb when there is no display; returns it (to stop) or None."""
    if os.environ.get("DISPLAY"):
        return None
    for n in range(140, 190):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            break
    proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not Path(f"/tmp/.X11-unix/X{n}").exists():
        time.sleep(0.02)
    os.environ["DISPLAY"] = f":{n}"
    return proc


def _wait_log(log: Path, pattern: str, timeout: float = 120) -> float | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and (m := re.search(pattern, log.read_text(errors="replace"))):
            return float(m[1])
        time.sleep(0.05)
    return None


def startup_once() -> dict:
    """One cold start of ``python -m plate_gui`` as an operator's double-click runs it."""
    data = Path(tempfile.mkdtemp(prefix="plate-bench-"))
    env = dict(os.environ, PLATE_READER_DATA_DIR=str(data))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "plate_gui"], cwd=ROOT, env=env)
    visible = None
    try:
        while visible is None and time.perf_counter() - t0 < 60:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^Plate Reader$"],
                                   capture_output=True, text=True)
            if found.stdout.strip():
                visible = (time.perf_counter() - t0) * 1e3
        log = data / "logs" / "plate-reader.log"
        paint = _wait_log(log, r"first paint (\d+) ms after launch")
        model = _wait_log(log, r"model loaded in (\d+) ms")
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(data, ignore_errors=True)
    return {"spawn_to_visible_ms": visible, "launch_to_first_paint_ms": paint,
            "model_load_ms": model}


def batch_liveness(n: int, weights: str | None) -> dict:
    """Read ``n`` photos in the real window, measuring how late a 20 ms timer fires meanwhile."""
    from plate_gui.core import PlateRecognizer
    from plate_gui.ui.app import MainWindow, make_root

    folder = Path(tempfile.mkdtemp(prefix="plate-batch-"))
    samples = sorted(SAMPLES.glob("*.png"))
    for i in range(n):
        (folder / f"{i:05d}.png").symlink_to(samples[i % len(samples)])
    root, dnd = make_root()
    win = MainWindow(root, load=lambda: PlateRecognizer(weights), dnd=dnd,
                     folder=Path(tempfile.mkdtemp(prefix="plate-bench-")))
    root.geometry("1100x720+0+0")
    while not win.model_ready:
        root.update()
        time.sleep(0.01)
    lags: list[float] = []
    state = {"due": 0.0}

    def tick() -> None:
        now = time.perf_counter()
        lags.append(max(0.0, now - state["due"]) * 1e3)
        state["due"] = now + 0.02
        if win.batch.running or len(win.batch.results) < n:
            root.after(20, tick)
        else:
            root.quit()

    t0 = time.perf_counter()
    win.open_paths([folder])
    state["due"] = time.perf_counter() + 0.02
    root.after(20, tick)
    root.mainloop()
    took = time.perf_counter() - t0
    rows = len(win.batch.table.get_children())
    win.destroy()
    shutil.rmtree(folder, ignore_errors=True)
    lags.sort()
    return {"images": n, "rows": rows, "seconds": round(took, 1), "images_per_s": round(n / took, 1),
            "timer_lag_ms_p50": round(lags[len(lags) // 2], 1),
            "timer_lag_ms_p99": round(lags[int(len(lags) * 0.99)], 1), "timer_lag_ms_max": round(lags[-1], 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="cold starts to time")
    ap.add_argument("--batch", type=int, default=1000, help="photos in the liveness batch (0: skip)")
    ap.add_argument("--weights", default=None, help="ONNX model (default: the bundled one)")
    args = ap.parse_args(argv)
    xvfb = ensure_display()
    try:
        runs = [startup_once() for _ in range(args.runs)]
        for key in runs[0]:
            values = [r[key] for r in runs if r[key] is not None]
            if values:
                print(f"{key}: median {statistics.median(values):.0f}  "
                      f"(min {min(values):.0f}, max {max(values):.0f}, {len(values)} runs)")
            else:
                print(f"{key}: not measured")
        if args.batch:
            for key, value in batch_liveness(args.batch, args.weights).items():
                print(f"batch {key}: {value}")
    finally:
        if xvfb:
            xvfb.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
