"""``python -m trainer``: produce the bundled weights.

Stages:
  stage1       train ResNet50 on synthetic plate-font characters (+ EMNIST balanced)
  make-plates  render plates and cut them with the core's segmentation (stage-2 data)
  stage2       fine-tune on a folder of labelled crops with a WeightedRandomSampler
  export       ONNX + metadata (+ int8) into assets/
  blend        average two checkpoints weight by weight (a "model soup")
  lookalikes   train the look-alike model (8/B/P/R, 1/J/I/3, M/H/N/W, 5/S) and export it
  all          stage1, make-plates, stage2, export and lookalikes, in order
               (tools/rebuild_weights.sh runs the bundled weights' exact recipe: the
               same file only on a CPU and libraries like theirs; see README)
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from plate_gui.core.resources import LOOKALIKES_NAME, WEIGHTS_NAME

from .config import STAGE1_DEFAULTS, STAGE2_DEFAULTS, StageConfig
from .lookalikes import DEFAULTS as LOOKALIKE_DEFAULTS

log = logging.getLogger("trainer")
ROOT = Path(__file__).resolve().parents[1]


def _common(p: argparse.ArgumentParser, defaults: dict) -> None:
    p.add_argument("--runs", type=Path, default=ROOT / "runs", help="folder for run outputs")
    p.add_argument("--epochs", type=int, default=defaults.get("epochs"))
    p.add_argument("--lr", type=float, default=defaults.get("lr"))
    p.add_argument("--batch-size", type=int, default=defaults.get("batch_size"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m trainer", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="STAGE")
    s1 = sub.add_parser("stage1", help="synthetic characters (+ EMNIST balanced)")
    _common(s1, STAGE1_DEFAULTS)
    s1.add_argument("--train-size", type=int, default=STAGE1_DEFAULTS["train_size"])
    s1.add_argument("--emnist-dir", type=Path, default=None,
                    help="folder with the EMNIST balanced IDX files (never downloaded)")
    _shapes_flag(s1)
    mp = sub.add_parser("make-plates", help="render plates, cut them with the core")
    mp.add_argument("--out", type=Path, default=ROOT / "runs" / "plates")
    mp.add_argument("--plates", type=int, default=4000)
    _shapes_flag(mp)
    s2 = sub.add_parser("stage2", help="fine-tune on labelled crops (labels.csv: file,char)")
    _common(s2, STAGE2_DEFAULTS)
    s2.add_argument("--data", type=Path, action="append", default=None,
                    help="crop folder(s); default: RUNS/plates (repeat to add corrections)")
    s2.add_argument("--init", type=Path, default=None, help="default: runs/stage1/best.pt")
    s2.add_argument("--sampler-junk-share", type=float, default=None,
                    help="share of junk crops drawn (default: class-balanced, 1 of 37)")
    ex = sub.add_parser("export", help="ONNX + metadata into assets/")
    ex.add_argument("--checkpoint", type=Path, default=ROOT / "runs" / "stage2" / "best.pt")
    _out_flag(ex)
    ex.add_argument("--no-int8", action="store_true", help="ship fp32 even if int8 holds")
    ex.add_argument("--val", type=Path, default=None,
                    help="validation crops (file,char) for the temperature and the int8 check "
                         "(default: the plates-val set beside the checkpoint's runs folder)")
    bl = sub.add_parser("blend", help="average two checkpoints weight by weight")
    bl.add_argument("first", type=Path, help="checkpoint (e.g. RUNS/stage2/best.pt)")
    bl.add_argument("second", type=Path, help="checkpoint of the same model")
    bl.add_argument("--weight", type=float, default=0.5, help="FIRST's share (default 0.5)")
    bl.add_argument("--out", type=Path, required=True, help="the blended checkpoint")
    lk = sub.add_parser("lookalikes", help="the look-alike model (8/B/P/R, 1/J/I/3, M/H/N/W, 5/S)")
    lk.add_argument("--runs", type=Path, default=ROOT / "runs",
                    help="runs folder; the run goes into RUNS/lookalikes (default: runs)")
    lk.add_argument("--out", type=Path, default=ROOT / "assets" / LOOKALIKES_NAME,
                    help=f"the .onnx to write (default: assets/{LOOKALIKES_NAME})")
    for key, value in LOOKALIKE_DEFAULTS.items():
        lk.add_argument("--" + key.replace("_", "-"), type=type(value), default=value,
                        help=f"(default: {value})")
    lk.add_argument("--threads", type=int, default=2)
    al = sub.add_parser("all", help="stage1, make-plates, stage2, export, lookalikes")
    _common(al, {})
    al.add_argument("--emnist-dir", type=Path, default=None)
    al.add_argument("--plates", type=int, default=4000)
    _out_flag(al)
    _shapes_flag(al)
    return p


def _out_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=onnx_path, default=ROOT / "assets" / WEIGHTS_NAME,
                   help=f"the .onnx to write (its .json beside it), or a folder to write "
                        f"{WEIGHTS_NAME} into (default: assets/{WEIGHTS_NAME})")


def onnx_path(text: str) -> Path:
    """``--out`` as the model file: a path not ending in .onnx is a folder for it."""
    path = Path(text)
    return path if path.suffix.lower() == ".onnx" else path / WEIGHTS_NAME


def _shapes_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--plate-shapes", action="store_true",
                   help="also draw plate strokes (narrow W, M, boxy 8, footed 1) and large "
                        "US emblems; off for the bundled weights (see README)")


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    from . import stages

    try:
        if args.command == "stage1":
            cfg = StageConfig(**{**STAGE1_DEFAULTS, **_overrides(args),
                                 "train_size": args.train_size,
                                 "plate_shapes": args.plate_shapes})
            stages.stage1(cfg, args.runs / "stage1", args.emnist_dir)
        elif args.command == "make-plates":
            stages.make_plates(args.out, args.plates, args.plate_shapes)
        elif args.command == "stage2":
            cfg = StageConfig(**{**STAGE2_DEFAULTS, **_overrides(args),
                                 "sampler_junk_share": args.sampler_junk_share})
            data = args.data or [args.runs / "plates"]
            stages.stage2(cfg, args.runs / "stage2", data,
                          args.init or args.runs / "stage1" / "best.pt")
        elif args.command == "export":
            stages.export(args.checkpoint, args.out, int8=not args.no_int8,
                          command=" ".join(sys.argv), val_dir=args.val)
        elif args.command == "lookalikes":
            from .lookalikes import train_lookalikes

            train_lookalikes(args.runs / "lookalikes", args.out, args.per_class, args.epochs,
                             args.lr, args.batch_size, args.seed, args.threads)
        elif args.command == "blend":
            from .checkpoint import blend_checkpoints

            blend_checkpoints(args.first, args.second, args.weight, args.out)
        else:
            stages.run_all(args, STAGE1_DEFAULTS, STAGE2_DEFAULTS)
    except (FileNotFoundError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    return 0


def _overrides(args: argparse.Namespace) -> dict:
    out = {"seed": args.seed, "threads": args.threads}
    for key in ("epochs", "lr", "batch_size"):
        if getattr(args, key, None) is not None:
            out[key] = getattr(args, key)
    return out


if __name__ == "__main__":
    sys.exit(main())
