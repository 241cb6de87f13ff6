"""The stages behind ``python -m trainer``: data, training and export, wired together."""

from __future__ import annotations

import logging
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from plate_gui.core.preprocess import SHIFTS, mean_over_views, with_shifts

from .config import StageConfig
from .datasets import crop_folder, emnist_balanced, synthetic_chars
from .plateset import build_plate_set, plate_char_prior
from .train import evaluate, junk_metrics, train_stage

log = logging.getLogger(__name__)


def stage1(cfg: StageConfig, run_dir: Path, emnist_dir: Path | None = None) -> Path:
    """Synthetic plate-font characters (+ EMNIST balanced when given)."""
    t = time.time()
    train = synthetic_chars(cfg.train_size, cfg.seed, cfg.preprocess, cfg.junk_share,
                            shapes=cfg.plate_shapes)
    val = synthetic_chars(cfg.val_size, cfg.seed + 7919, cfg.preprocess, cfg.junk_share,
                          shapes=cfg.plate_shapes)
    data = {"synthetic_train": cfg.train_size, "synthetic_val": cfg.val_size}
    if emnist_dir is not None:
        ex, ey = emnist_balanced(emnist_dir, "train", cfg.preprocess)
        train = (np.concatenate([train[0], ex]), np.concatenate([train[1], ey]))
        data["emnist_balanced_train"] = int(len(ey))
    log.info("stage1 data ready in %.0f s: %s", time.time() - t, data)
    return train_stage(cfg, train, val, run_dir, provenance={"data": data})


def make_plates(out: Path, plates: int, shapes: bool = False) -> Path:
    """The stage-2 set in ``out`` and a disjoint validation set in ``out``-val (1/8 the
    size); ``shapes``: with the opt-in plate shapes (``render.PlateShapes``)."""
    t = time.time()
    path = build_plate_set(out, plates, seed=0, shapes=shapes)
    build_plate_set(val_dir_for(out), max(50, plates // 8), seed=1, shapes=shapes)
    log.info("plate sets ready in %.0f s", time.time() - t)
    return path


def val_dir_for(plates: Path) -> Path:
    """Where the validation plate set of a plate set lives."""
    return Path(plates).with_name(Path(plates).name + "-val")


def stage2(cfg: StageConfig, run_dir: Path, folders: list[Path], init: Path) -> Path:
    """Fine-tune on crop folders with a WeightedRandomSampler (rare characters seen)."""
    if not Path(init).is_file():
        raise FileNotFoundError(f"stage-1 checkpoint '{init}' not found: run stage1 first")
    parts = [crop_folder(f, cfg.preprocess) for f in folders]
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    rng = np.random.default_rng(cfg.seed)
    order = rng.permutation(len(y))
    n_val = min(cfg.val_size, len(y) // 5)
    val, train = order[:n_val], order[n_val:]
    data = {"folders": [str(f) for f in folders], "crops": int(len(y)), "val": int(n_val)}
    return train_stage(cfg, (x[train], y[train]), (x[val], y[val]), run_dir, init=init,
                       weighted=True, provenance={"data": data})


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The softmax temperature minimising validation NLL (grid search, 0.5..4)."""
    best_t, best_nll = 1.0, np.inf
    for t in np.linspace(0.5, 4.0, 71):
        z = logits / t
        z = z - z.max(1, keepdims=True)
        nll = float(np.mean(np.log(np.exp(z).sum(1)) - z[np.arange(len(y)), y]))
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


# A temperature outside this range flattens (or sharpens) every character's confidence:
# a sign the model is wrong with certainty on part of the validation crops. The bundled
# weights fitted 0.85; a rejected model of 2026-12-02 (junk read as 7, I or M) 1.80.
TEMPERATURE_RANGE = (0.67, 1.5)


def temperature_warning(temperature: float) -> str | None:
    """Why a fitted temperature outside ``TEMPERATURE_RANGE`` needs a look, else None."""
    if TEMPERATURE_RANGE[0] <= temperature <= TEMPERATURE_RANGE[1]:
        return None
    return (f"fitted softmax temperature {temperature:.2f} is far from 1: the model is sure "
            "of wrong answers on the validation plates (often junk crops read as "
            "characters); check the plate figures (bench.accuracy) before shipping it")


def export(checkpoint: Path, out: Path, int8: bool = True, command: str = "",
           val_dir: Path | None = None) -> Path:
    """Export ``checkpoint`` to ONNX with metadata; ship int8 when its accuracy holds."""
    from .checkpoint import load_checkpoint
    from .export import export_onnx

    model, ckpt, pre = load_checkpoint(checkpoint)
    val_dir = val_dir or val_dir_for(Path(checkpoint).parents[1] / "plates")
    x, y = crop_folder(val_dir, pre, limit=3000, seed=1)
    # The core averages each crop's logits over its shifted views (preprocess.SHIFTS):
    # the temperature is fitted to what it will divide. The first view is the crop as
    # cut, whose logits give the accuracy and junk figures.
    _, _, views = evaluate(model, with_shifts(x, pre), np.tile(y, 1 + len(SHIFTS)))
    logits = views[:len(y)]
    acc = float((logits.argmax(1) == y).mean()) if len(y) else 0.0
    temperature = fit_temperature(mean_over_views(views, len(y)), y)
    training = {"command": command or " ".join(shlex.quote(a) for a in sys.argv),
                "history": ckpt.get("history", []), "checkpoint": str(checkpoint),
                **({"blend": ckpt["blend"]} if "blend" in ckpt else {}),
                **({"environment": ckpt["environment"]} if "environment" in ckpt else {})}
    metrics = {"val_acc_fp32": round(acc, 4), "val_set": str(val_dir),
               **junk_metrics(logits, y)}
    log.info("validation: characters %s right, junk crops %s recognised as junk",
             metrics["val_char_acc"], metrics["val_junk_recall"])
    warning = temperature_warning(temperature)
    if warning:
        log.warning(warning)
        metrics["warning"] = warning
    prior = plate_char_prior()
    export_onnx(model, out, pre, temperature, training, metrics, prior)
    log.info("exported fp32 %s (val acc %.4f, T=%.2f)", out, acc, temperature)
    if int8:
        _try_int8(out, x, y, acc, pre, temperature, training, metrics, prior)
    return Path(out)


INT8_RECIPE = ("static QDQ per-channel: uint8 activations, int8 weights; "
               "first convolution and classifier in float")


def _try_int8(out: Path, x, y, fp32_acc, pre, temperature, training, metrics, prior) -> None:
    import onnxruntime as ort

    from plate_gui.core.weights import write_metadata

    from .export import quantize_int8

    q = Path(out).with_suffix(".int8.onnx")
    quantize_int8(out, q, x[:512])
    sess = ort.InferenceSession(str(q), providers=["CPUExecutionProvider"])
    pred = np.concatenate([sess.run(None, {"crops": x[i:i + 256]})[0].argmax(1)
                           for i in range(0, len(x), 256)])
    acc8 = float((pred == y).mean())
    log.info("int8 val acc %.4f vs fp32 %.4f", acc8, fp32_acc)
    if acc8 >= fp32_acc - 0.003:
        q.replace(out)
        write_metadata(out, {"charset": _charset(), "input_size": pre.input_size,
                             "mean": pre.mean, "std": pre.std, "temperature": temperature,
                             "class_prior": prior, "training": training,
                             "metrics": {**metrics, "val_acc_int8": round(acc8, 4),
                                         "quantization": INT8_RECIPE}})
    else:
        q.unlink(missing_ok=True)


def _charset() -> str:
    from plate_gui.core.charset import CHARSET

    return CHARSET


def run_all(args, s1_defaults: dict, s2_defaults: dict) -> None:
    """stage1 -> make-plates -> stage2 -> export -> lookalikes, as the bundled weights
    were made."""
    t = time.time()
    common = {"seed": args.seed, "threads": args.threads}
    s1 = StageConfig(**{**s1_defaults, **common, "plate_shapes": args.plate_shapes})
    s2 = StageConfig(**{**s2_defaults, **common})
    best1 = stage1(s1, args.runs / "stage1", args.emnist_dir)
    plates = make_plates(args.runs / "plates", args.plates, args.plate_shapes)
    best2 = stage2(s2, args.runs / "stage2", [plates], best1)
    export(best2, args.out)
    from plate_gui.core.resources import LOOKALIKES_NAME

    from .lookalikes import train_lookalikes

    train_lookalikes(args.runs / "lookalikes", Path(args.out).with_name(LOOKALIKES_NAME),
                     seed=args.seed, threads=args.threads)
    log.info("all stages done in %.1f min", (time.time() - t) / 60)
