"""The training loop: Adam, cosine schedule, tqdm progress, per-epoch metrics in
JSON, loss and accuracy curves as PNG, checkpoints every epoch, resume."""

from __future__ import annotations

import json
import logging
import math
import time
from pathlib import Path

import numpy as np

from plate_gui.core.charset import CHARSET, JUNK
from plate_gui.core.model import build_model

from .checkpoint import load_checkpoint, save_checkpoint
from .config import StageConfig, numeric_environment

log = logging.getLogger(__name__)


def seed_everything(seed: int) -> None:
    import random

    import torch

    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def augment_batch(x, gen):
    """Cheap tensor augmentation on preprocessed crops: shift by up to 2 px, a
    random occluding bar at low probability (partial neighbours, frame edges)."""
    import torch

    n = x.shape[0]
    dx, dy = torch.randint(-2, 3, (2,), generator=gen).tolist()
    x = torch.roll(x, shifts=(dy, dx), dims=(2, 3))
    mask = torch.rand(n, generator=gen) < 0.1
    if mask.any():
        s = x.shape[-1]
        w = int(torch.randint(1, max(2, s // 6), (1,), generator=gen))
        side = int(torch.randint(0, 2, (1,), generator=gen))
        cols = slice(0, w) if side == 0 else slice(s - w, s)
        x[mask, :, :, cols] = x[mask].amax(dim=(1, 2, 3), keepdim=True)[..., :1]
    return x


def evaluate(model, x: np.ndarray, y: np.ndarray,
             batch: int = 256) -> tuple[float, float, np.ndarray]:
    """Loss, accuracy and logits of ``model`` on arrays."""
    import torch

    model.eval()
    logits = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            logits.append(model(torch.from_numpy(x[i:i + batch])))
    out = torch.cat(logits) if logits else torch.zeros(0, len(CHARSET))
    target = torch.from_numpy(y)
    loss = float(torch.nn.functional.cross_entropy(out, target)) if len(y) else 0.0
    acc = float((out.argmax(1) == target).float().mean()) if len(y) else 0.0
    return loss, acc, out.numpy()


def train_stage(cfg: StageConfig, train: tuple[np.ndarray, np.ndarray],
                val: tuple[np.ndarray, np.ndarray], run_dir: Path,
                init: Path | None = None, weighted: bool = False,
                provenance: dict | None = None) -> Path:
    """Train one stage; return the path of its best checkpoint (``best.pt``).

    Args:
        cfg: the stage's settings.
        train, val: ``(X Nx1xSxS float32, y N int64)``.
        run_dir: folder for config.json, metrics.json, curves.png, last.pt, best.pt.
        init: checkpoint to start from (stage 2 starts from stage 1's best).
        weighted: sample with a WeightedRandomSampler (1/class frequency).
        provenance: extra facts written into config.json (data, command).
    """
    import torch
    from torch.utils.data import DataLoader, RandomSampler, TensorDataset, WeightedRandomSampler
    from tqdm import tqdm

    torch.set_num_threads(cfg.threads)
    seed_everything(cfg.seed)
    run_dir = Path(run_dir)
    environment = numeric_environment()
    cfg.write(run_dir, {**(provenance or {}), "environment": environment})
    model = load_checkpoint(init)[0] if init else build_model()
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    history, start, best_acc = _resume(run_dir, model, opt)
    x, y = train
    ds = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    gen = torch.Generator().manual_seed(cfg.seed)
    sampler = (WeightedRandomSampler(_class_weights(y, cfg.sampler_junk_share), len(y),
                                     generator=gen) if weighted
               else RandomSampler(ds, generator=gen))
    loader = DataLoader(ds, batch_size=cfg.batch_size, sampler=sampler, drop_last=True)
    total = cfg.epochs * len(loader)
    for epoch in range(start, cfg.epochs):
        t0 = time.time()
        model.train()
        losses, correct, seen = [], 0, 0
        bar = tqdm(loader, desc=f"{cfg.name} epoch {epoch + 1}/{cfg.epochs}", unit="batch",
                   dynamic_ncols=True, mininterval=5)
        for step, (xb, yb) in enumerate(bar):
            _set_lr(opt, cfg.lr, epoch * len(loader) + step, total)
            out = model(augment_batch(xb.clone(), gen))
            loss = torch.nn.functional.cross_entropy(out, yb, label_smoothing=0.05)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            correct += int((out.argmax(1) == yb).sum())
            seen += len(yb)
            if step % 20 == 0:
                bar.set_postfix(loss=f"{np.mean(losses[-50:]):.3f}", acc=f"{correct / seen:.3f}")
        val_loss, val_acc, val_logits = evaluate(model, *val)
        history.append({"epoch": epoch + 1, "train_loss": float(np.mean(losses)),
                        "train_acc": correct / max(seen, 1), "val_loss": val_loss,
                        "val_acc": val_acc, **junk_metrics(val_logits, val[1]),
                        "seconds": round(time.time() - t0, 1),
                        "images_per_s": round(seen / (time.time() - t0), 1)})
        log.info("%s epoch %d: %s", cfg.name, epoch + 1, history[-1])
        save_checkpoint(run_dir / "last.pt", model, opt, epoch + 1, cfg.preprocess,
                        {"history": history, "best_acc": max(best_acc, val_acc),
                         "environment": environment})
        if val_acc >= best_acc:
            best_acc = val_acc
            save_checkpoint(run_dir / "best.pt", model, None, epoch + 1, cfg.preprocess,
                            {"history": history, "best_acc": best_acc,
                             "environment": environment})
        _write_metrics(run_dir, history)
    return run_dir / "best.pt"


def _set_lr(opt, base: float, step: int, total: int) -> None:
    warm = max(1, total // 50)
    lr = base * (step + 1) / warm if step < warm else \
        base * 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))
    for group in opt.param_groups:
        group["lr"] = lr


def _class_weights(y: np.ndarray, junk_share: float | None = None):
    """Sampling weights: every class drawn equally often, or, with ``junk_share``, junk
    crops drawn that share of the time and the characters equally in the rest."""
    import torch

    counts = np.bincount(y, minlength=len(CHARSET)).astype(np.float64)
    per_class = np.where(counts > 0, 1.0, 0.0)
    junk = CHARSET.index(JUNK)
    if junk_share is not None and counts[junk] > 0 and per_class.sum() > 1:
        per_class *= (1 - junk_share) / (per_class.sum() - 1)
        per_class[junk] = junk_share
    w = per_class / np.maximum(counts, 1)
    return torch.from_numpy(w[y])


def junk_metrics(logits: np.ndarray, y: np.ndarray) -> dict[str, float | None]:
    """Accuracy on the character crops and recall on the junk crops (``#``), apart:
    junk is a third of the plate set's crops, so the overall accuracy hides either."""
    pred = logits.argmax(1)
    junk = y == CHARSET.index(JUNK)

    def share(mask):
        return round(float((pred[mask] == y[mask]).mean()), 4) if mask.any() else None
    return {"val_char_acc": share(~junk), "val_junk_recall": share(junk)}


def _resume(run_dir: Path, model, opt) -> tuple[list[dict], int, float]:
    last = run_dir / "last.pt"
    if not last.is_file():
        return [], 0, -1.0
    import torch

    ckpt = torch.load(last, map_location="cpu", weights_only=False)
    model.load_state_dict(ckpt["model"])
    if ckpt.get("optimizer"):
        opt.load_state_dict(ckpt["optimizer"])
    log.info("resuming %s after epoch %d", run_dir, ckpt["epoch"])
    return list(ckpt.get("history", [])), int(ckpt["epoch"]), float(ckpt.get("best_acc", -1))


def _write_metrics(run_dir: Path, history: list[dict]) -> None:
    (run_dir / "metrics.json").write_text(json.dumps(history, indent=2) + "\n")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [h["epoch"] for h in history]
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.5))
    a.plot(epochs, [h["train_loss"] for h in history], "o-", label="train")
    a.plot(epochs, [h["val_loss"] for h in history], "o-", label="validation")
    a.set(title="loss", xlabel="epoch")
    b.plot(epochs, [h["train_acc"] for h in history], "o-", label="train")
    b.plot(epochs, [h["val_acc"] for h in history], "o-", label="validation")
    b.set(title="accuracy", xlabel="epoch")
    for ax in (a, b):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(run_dir / "curves.png", dpi=90)
    plt.close(fig)
