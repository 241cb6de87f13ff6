"""Torch checkpoints that carry what is needed to rebuild and feed the model."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from plate_gui.core.charset import CHARSET
from plate_gui.core.model import ModelConfig, build_model
from plate_gui.core.preprocess import PreprocessConfig


def save_checkpoint(path: Path, model, optimizer, epoch: int, pre: PreprocessConfig,
                    extra: dict | None = None) -> None:
    """Save model + optimiser state atomically (a kill mid-write keeps the old file)."""
    import torch

    path = Path(path)
    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(),
                "optimizer": optimizer.state_dict() if optimizer else None,
                "epoch": epoch, "model_config": asdict(ModelConfig()),
                "preprocess": asdict(pre), "charset": CHARSET, **(extra or {})}, tmp)
    tmp.replace(path)


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
