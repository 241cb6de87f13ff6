"""Operator corrections, saved as the trainer's stage-2 format: PNG crops + labels.csv."""

from __future__ import annotations

import csv
import io
import shutil
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

from .storage import atomic_write_bytes, atomic_write_text

HEADER = "file,char"


class CorrectionStore:
    """Saves each correction at once and atomically (PNG first, then labels.csv).

    A crash between the two leaves an unlisted PNG, never a listed missing one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()

    @property
    def labels_path(self) -> Path:
        return self.folder / "labels.csv"

    def rows(self) -> list[tuple[str, str]]:
        if not self.labels_path.is_file():
            return []
        with open(self.labels_path, newline="", encoding="utf-8") as f:
            return [(r["file"], r["char"]) for r in csv.DictReader(f)]

    def save(self, crop: np.ndarray, char: str, source: str = "") -> Path:
        """Save a gray or BGR ``uint8`` crop labelled ``char``; returns the PNG path."""
        if len(char) != 1 or not (char.isascii() and (char.isalnum() or char == "#")):
            raise ValueError(f"not a plate character: {char!r}")
        char = char.upper()
        with self._lock:
            stem = Path(source).stem.replace(",", "_")[:40] or "crop"
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{stem}-{len(self.rows()):05d}.png"
            rgb = crop if crop.ndim == 2 else crop[..., ::-1]
            buf = io.BytesIO()
            Image.fromarray(np.ascontiguousarray(rgb)).save(buf, format="PNG")
            atomic_write_bytes(self.folder / name, buf.getvalue())
            lines = [HEADER] + [f"{f},{c}" for f, c in self.rows()] + [f"{name},{char}"]
            atomic_write_text(self.labels_path, "\n".join(lines) + "\n")
        return self.folder / name

    def export(self, target: Path) -> Path:
        """Copy the corrections to ``target`` (a ``.zip`` file or a folder)."""
        target = Path(target)
        if not self.rows():
            raise ValueError("there are no corrections to export yet")
        if target.suffix.lower() == ".zip":
            base = shutil.make_archive(str(target.with_suffix("")), "zip", self.folder)
            return Path(base)
        shutil.copytree(self.folder, target, dirs_exist_ok=True)
        return target
