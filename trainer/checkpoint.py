"""Torch checkpoints that carry what is needed to rebuild and feed the model."""

from __future__ import annotations

import io
from dataclasses import asdict
from pathlib import Path

from plate_gui.core.atomic import atomic_write_bytes
from plate_gui.core.charset import CHARSET
from plate_gui.core.model import ModelConfig, build_model
from plate_gui.core.preprocess import PreprocessConfig


def save_checkpoint(path: Path, model, optimizer, epoch: int, pre: PreprocessConfig,
                    extra: dict | None = None) -> None:
    """Save model + optimiser state atomically (a kill mid-write keeps the old file)."""
    _save_atomic({"model": model.state_dict(),
                  "optimizer": optimizer.state_dict() if optimizer else None,
                  "epoch": epoch, "model_config": asdict(ModelConfig()),
                  "preprocess": asdict(pre), "charset": CHARSET, **(extra or {})}, path)


def _save_atomic(checkpoint: dict, path: Path) -> None:
    """``torch.save`` through the project's atomic write (a kill keeps the old file)."""
    import torch

    buf = io.BytesIO()
    torch.save(checkpoint, buf)
    atomic_write_bytes(Path(path), buf.getvalue())


def load_checkpoint(path: Path):
    """Rebuild the model from a checkpoint.

    Returns:
        ``(model, checkpoint dict, PreprocessConfig)``.

    Raises:
        ValueError: the checkpoint's charset differs from the core's.
    """
    import torch

    ckpt = torch.load(Path(path), map_location="cpu", weights_only=False)
    if ckpt.get("charset") != CHARSET:
        raise ValueError(f"checkpoint '{path}' was trained on another charset")
    model = build_model(ModelConfig(**ckpt["model_config"]))
    model.load_state_dict(ckpt["model"])
    return model, ckpt, PreprocessConfig(**ckpt["preprocess"])


def blend_checkpoints(first: Path, second: Path, weight: float, out: Path) -> Path:
    """Average two checkpoints of the same model weight by weight ("model soup").

    ``weight`` is the first checkpoint's share (0..1). Floating-point tensors (weights and
    batch-norm statistics) are averaged; counters are taken from the first. The result
    keeps the second's history and records what was blended; no optimiser state.

    Raises:
        ValueError: a weight outside 0..1, or checkpoints of different models, inputs or
            charsets.
    """
    import torch

    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"--weight must be between 0 and 1, not {weight}")
    a = torch.load(Path(first), map_location="cpu", weights_only=False)
    b = torch.load(Path(second), map_location="cpu", weights_only=False)
    for key in ("charset", "model_config", "preprocess"):
        if a.get(key) != b.get(key):
            raise ValueError(f"'{first}' and '{second}' differ in {key}: they cannot be blended")
    if a["model"].keys() != b["model"].keys():
        raise ValueError(f"'{first}' and '{second}' hold different layers")
    state = {}
    for name, ta in a["model"].items():
        tb = b["model"][name]
        state[name] = (ta * weight + tb * (1.0 - weight)).to(ta.dtype) \
            if ta.is_floating_point() else ta.clone()
    out = Path(out)
    _save_atomic({**{k: v for k, v in b.items() if k not in ("model", "optimizer")},
                  "model": state, "optimizer": None,
                  "blend": {"checkpoints": [str(first), str(second)], "weight": weight}}, out)
    return out
