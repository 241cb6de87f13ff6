"""Speed bench: per-plate latency (decode, segment, classify), cold start, peak memory.

    python -m bench.speed [FOLDER] [--weights W] [--limit N] [--json OUT]

Timings are printed, never asserted. ONNX Runtime's thread count is pinned.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = ROOT.parent / "shared" / "data" / "plates-dev"

# Cold start: the first result's wall-clock time, from before the process was spawned
# (interpreter start included); then 50 more reads so peak memory is a working figure.
COLD = """
import resource, time
from plate_gui.core import PlateRecognizer
rec = PlateRecognizer({weights!r}, threads=1)
rec.recognize({image!r})
first = time.time()
for _ in range(50):
    rec.recognize({image!r})
print(first, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def latencies(folder: Path, weights: Path | None, threads: int, limit: int) -> dict:
    from plate_gui.core import PlateRecognizer
    from plate_gui.core.imageio import is_image_path

    rec = PlateRecognizer(weights, threads=threads)
    files = sorted(p for p in folder.iterdir() if is_image_path(p))
    # Evenly spread over the sorted names (they start with their source, so the first
    # ``limit`` would all be one source's plates).
    picks = np.unique(np.linspace(0, len(files) - 1, min(limit, len(files))).round().astype(int))
    files = [files[i] for i in picks]
    rec.recognize(files[0])  # warm up
    steps: dict[str, list[float]] = {"decode": [], "segment": [], "classify": [], "total": []}
    for f in files:
        t = rec.recognize(f).timings_ms
        for k in steps:
            steps[k].append(t[k])
    return {k: {"median": float(np.median(v)), "p90": float(np.percentile(v, 90))}
            for k, v in steps.items()} | {"plates": len(files)}


def cold_start(weights: Path | None, image: Path) -> tuple[float, float]:
    code = COLD.format(weights=str(weights) if weights else None, image=str(image))
    spawned = time.time()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    first, rss = (float(v) for v in out.stdout.split())
    return first - spawned, rss


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    p.add_argument("--weights", type=Path, default=None)
    p.add_argument("--limit", type=int, default=300)
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)
    if not args.folder.is_dir():
        print(f"{args.folder} not found: nothing to measure")
        return 0
    res = {f"threads_{n}": latencies(args.folder, args.weights, n, args.limit) for n in (1, 2)}
    sample = ROOT / "license_images" / "GV5679.png"
    wall, rss = cold_start(args.weights, sample)
    res["cold_start_s"], res["peak_rss_mb"] = wall, rss
    print(f"{'threads':8} {'step':9} {'median ms':>10} {'p90 ms':>8}")
    for n in (1, 2):
        r = res[f"threads_{n}"]
        for step in ("decode", "segment", "classify", "total"):
            print(f"{n:<8} {step:9} {r[step]['median']:10.2f} {r[step]['p90']:8.2f}")
    print(f"({res['threads_1']['plates']} plates)")
    print(f"cold start (new process to first result): {wall:.2f} s; peak memory {rss:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
