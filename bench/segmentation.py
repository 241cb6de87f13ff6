"""Segmentation bench: share of plates cut into the label's number of characters.

    python -m bench.segmentation [LABELS.csv]   (default ../shared/data/plates-dev)
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

from plate_gui.core.imageio import load_image, to_gray
from plate_gui.core.segmentation import segment

DEFAULT_LABELS = Path(__file__).resolve().parents[1].parent / "shared/data/plates-dev/labels.csv"


def count_match(labels: Path) -> dict[str, tuple[int, int]]:
    """Region -> (plates whose box count equals the label length, plates)."""
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with open(labels, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        seg = segment(to_gray(load_image(labels.parent / row["file"])))
        ok = len(seg.boxes) == len(row["text"])
        for key in (row["region"], "all"):
            stats[key][0] += ok
            stats[key][1] += 1
    return {k: (v[0], v[1]) for k, v in stats.items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("labels", nargs="?", type=Path, default=DEFAULT_LABELS)
    args = p.parse_args(argv)
    if not args.labels.is_file():
        print(f"no labels at {args.labels}", file=sys.stderr)
        return 2
    t = time.perf_counter()
    stats = count_match(args.labels)
    print(f"{'region':8} {'count ok':>9} {'plates':>7} {'share':>7}")
    for region, (ok, n) in sorted(stats.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        print(f"{region:8} {ok:9d} {n:7d} {ok / n:7.1%}")
    print(f"({time.perf_counter() - t:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
