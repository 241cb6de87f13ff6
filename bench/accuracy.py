"""Accuracy bench: exact-plate and character accuracy per region, segmentation
count, failure rate and calibration, on a folder of labelled plate crops.

    python -m bench.accuracy [LABELS.csv] [--weights W] [--region R]
                             [--chars CHARS.csv] [--check-floors] [--json OUT] [--plot OUT.png]

LABELS.csv has ``file,text,region`` (more columns are ignored), files beside it.
Character accuracy is 1 - edit distance / label length, clipped at 0, averaged
over characters. Calibration uses the plates cut into the label's number of
characters, compared position by position.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from plate_gui.core import PlateError, PlateRecognizer
from plate_gui.core.imageio import load_image, to_gray

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DEFAULT_LABELS = SHARED / "plates-dev" / "labels.csv"
DEFAULT_CHARS = SHARED / "chars-real" / "labels.csv"
FLOORS = Path(__file__).with_name("floors.json")
HK_NEVER = {"I": "1", "O": "0", "Q": "0"}


def levenshtein(a: str, b: str) -> int:
    """Edit distance between two strings."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def calibration(conf: np.ndarray, right: np.ndarray, bins: int = 10) -> dict:
    """Reliability table and expected calibration error of (confidence, correct) pairs."""
    edges = np.linspace(0, 1, bins + 1)
    table, ece = [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf >= lo) & ((conf < hi) if hi < 1 else (conf <= hi))
        if m.any():
            acc, mean = float(right[m].mean()), float(conf[m].mean())
            ece += m.sum() / len(conf) * abs(acc - mean)
            table.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(m.sum()), "confidence": mean,
                          "accuracy": acc})
    high = conf >= 0.9
    return {"ece": float(ece) if len(conf) else 0.0, "table": table,
            "high_conf_share": float(high.mean()) if len(conf) else 0.0,
            "high_conf_accuracy": float(right[high].mean()) if high.any() else 1.0}


# ``--region row``: the preset an operator in that place would choose (Spain: EU).
ROW_PRESETS = {"us": "us", "eu": "eu", "es": "eu", "br": "br", "hk": "hk"}


def _region_for(row: dict, region: str | None) -> str | None:
    if region != "row":
        return region
    return ROW_PRESETS.get(row["region"], "auto")


def run_plates(rec: PlateRecognizer, labels: Path, region: str | None) -> dict:
    with open(labels, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    per: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    conf, right = [], []
    for row in rows:
        truth = row["text"].upper()
        try:
            res = rec.recognize(labels.parent / row["file"], region=_region_for(row, region))
            raw, text = res.raw_text, res.text
            fails = sum(c.failed for c in res.chars)
            if len(res.chars) == len(truth):
                conf += [c.confidence for c in res.chars]
                right += [c.char == t for c, t in zip(res.chars, truth)]
        except PlateError:
            raw = text = ""
            fails = 0
        char_ok = max(0, len(truth) - levenshtein(raw, truth))
        for key in (row["region"], "all"):
            s = per[key]
            s["plates"] += 1
            s["exact"] += text == truth
            s["chars"] += len(truth)
            s["chars_ok"] += char_ok
            s["count_ok"] += len(raw) == len(truth)
            s["read"] += len(raw)
            s["failed"] += fails
    table = {k: {"plates": int(s["plates"]), "exact": s["exact"] / s["plates"],
                 "char_acc": s["chars_ok"] / s["chars"], "count_ok": s["count_ok"] / s["plates"],
                 "fail_rate": s["failed"] / max(1, s["read"])} for k, s in per.items()}
    return {"regions": table, "calibration": calibration(np.array(conf), np.array(right, bool))}


def run_chars(rec: PlateRecognizer, labels: Path) -> dict:
    """Accuracy on single character crops; Hong Kong crops are read without I, O, Q."""
    with open(labels, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    crops = [to_gray(load_image(labels.parent / r["file"], min_side=1)) for r in rows]
    preds = rec.classify(crops)
    strict = np.mean([p.char == r["char"] for p, r in zip(preds, rows)])
    hk = [next((HK_NEVER.get(a, a) for a, _ in p.alternatives if a != "#"), p.char)
          for p in preds]
    return {"n": len(rows), "strict": float(strict),
            "hk_rules": float(np.mean([h == r["char"] for h, r in zip(hk, rows)]))}


def print_report(res: dict) -> None:
    print("Character accuracy = 1 - edit distance / label length, averaged over characters.")
    print(f"{'region':8} {'plates':>6} {'exact':>7} {'chars':>7} {'count':>7} {'fail':>6}")
    regions = res["plates"]["regions"]
    for k in sorted(regions, key=lambda k: (k == "all", k)):
        r = regions[k]
        print(f"{k:8} {r['plates']:6d} {r['exact']:7.1%} {r['char_acc']:7.1%} "
              f"{r['count_ok']:7.1%} {r['fail_rate']:6.1%}")
    cal = res["plates"]["calibration"]
    print(f"calibration: ECE {cal['ece']:.3f}; confidence >= 0.9 on "
          f"{cal['high_conf_share']:.1%} of characters, {cal['high_conf_accuracy']:.1%} right")
    for b in cal["table"]:
        print(f"  {b['bin']}: n={b['n']:5d} confidence {b['confidence']:.2f} "
              f"accuracy {b['accuracy']:.2f}")
    if "chars" in res:
        c = res["chars"]
        print(f"chars-real: {c['n']} crops, {c['strict']:.1%} strict, "
              f"{c['hk_rules']:.1%} with Hong Kong rules (no I, O, Q)")


def check_floors(res: dict, floors: dict) -> list[str]:
    """Every figure under its floor (or ECE over its cap), as messages."""
    bad = []
    regions = res["plates"]["regions"]
    for metric in ("exact", "char_acc"):
        for region, floor in floors.get(metric, {}).items():
            value = regions.get(region, {}).get(metric)
            if value is not None and value < floor:
                bad.append(f"{metric} on {region}: {value:.3f} < floor {floor:.3f}")
    ece = res["plates"]["calibration"]["ece"]
    if ece > floors.get("ece_max", 1.0):
        bad.append(f"calibration error {ece:.3f} > cap {floors['ece_max']:.3f}")
    sure = res["plates"]["calibration"]["high_conf_accuracy"]
    if sure < floors.get("high_conf_accuracy", 0.0):
        bad.append(f"characters shown at >= 0.9 right {sure:.3f} < floor "
                   f"{floors['high_conf_accuracy']:.3f}")
    chars = res.get("chars", {}).get("hk_rules")
    if chars is not None and chars < floors.get("chars_real", 0.0):
        bad.append(f"chars-real accuracy {chars:.3f} < floor {floors['chars_real']:.3f}")
    return bad


def plot_calibration(cal: dict, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.2))
    xs = [b["confidence"] for b in cal["table"]]
    ax.plot([0, 1], [0, 1], "--", color="gray", label="perfect calibration")
    ax.plot(xs, [b["accuracy"] for b in cal["table"]], "o-", label="Plate Reader")
    for b in cal["table"]:
        ax.annotate(str(b["n"]), (b["confidence"], b["accuracy"]), fontsize=7,
                    textcoords="offset points", xytext=(3, -9))
    ax.set(xlabel="confidence shown", ylabel="share of characters right",
           title=f"Calibration on plates-dev (ECE {cal['ece']:.3f})", xlim=(0, 1), ylim=(0, 1.02))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("labels", nargs="?", type=Path, default=DEFAULT_LABELS)
    p.add_argument("--weights", type=Path, default=None)
    p.add_argument("--region", default="auto",
                   help="plate-format rules: auto (the app's default), none, a region, or row "
                        "(each plate's own region's preset, as an operator there would set it)")
    p.add_argument("--chars", type=Path, default=DEFAULT_CHARS)
    p.add_argument("--check-floors", action="store_true")
    p.add_argument("--json", type=Path, default=None)
    p.add_argument("--plot", type=Path, default=None)
    args = p.parse_args(argv)
    if not args.labels.is_file():
        print(f"{args.labels} not found: nothing to measure")
        return 0
    t = time.perf_counter()
    rec = PlateRecognizer(args.weights)
    region = None if args.region == "none" else args.region
    look = rec.lookalikes_path
    res = {"weights": str(rec.weights_path), "lookalikes": str(look) if look else None,
           "region": region,
           "plates": run_plates(rec, args.labels, region)}
    if args.chars.is_file():
        res["chars"] = run_chars(rec, args.chars)
    print_report(res)
    print(f"({time.perf_counter() - t:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(res, indent=2) + "\n")
    if args.plot:
        plot_calibration(res["plates"]["calibration"], args.plot)
    if args.check_floors:
        bad = check_floors(res, json.loads(FLOORS.read_text()))
        for line in bad:
            print(f"FLOOR BROKEN: {line}")
        if bad:
            return 1
        print("all accuracy floors hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
