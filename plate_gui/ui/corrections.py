"""Operator corrections, saved as the trainer's stage-2 format: PNG crops + labels.csv."""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import shutil
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

from .storage import atomic_write_bytes, atomic_write_text

log = logging.getLogger(__name__)
HEADER = ("file", "char")


def is_plate_char(char: str) -> bool:
    """One ASCII letter or digit (``#`` too: the trainer's "not a character" class)."""
    return len(char) == 1 and char.isascii() and (char.isalnum() or char == "#")


class CorrectionStore:
    """Saves each correction at once and atomically (PNG first, then labels.csv).

    A crash between the two leaves an unlisted PNG, never a listed missing one;
    labels.csv is rewritten whole through a temp file, so it is never half-written.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()

    @property
    def labels_path(self) -> Path:
        return self.folder / "labels.csv"

    def rows(self) -> list[tuple[str, str]]:
        """The saved corrections as (file, char), oldest first."""
        if not self.labels_path.is_file():
            return []
        with open(self.labels_path, newline="", encoding="utf-8") as f:
            return [(r["file"], r["char"]) for r in csv.DictReader(f)]

    def save(self, crop: np.ndarray, char: str, source: str = "") -> Path:
        """Save a gray or BGR ``uint8`` crop labelled ``char``; returns the PNG path.

        Raises:
            ValueError: ``char`` is not a plate character or the crop is empty.
            OSError: the folder cannot be written.
        """
        if not is_plate_char(char):
            raise ValueError(f"not a plate character: {char!r}")
        if crop.size == 0:
            raise ValueError("the character's crop is empty")
        char = char.upper()
        with self._lock:
            rows = self.rows()
            stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(source).stem)[:40] or "crop"
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{stem}-{len(rows):05d}.png"
            rgb = crop if crop.ndim == 2 else crop[..., ::-1]
            buf = io.BytesIO()
            Image.fromarray(np.ascontiguousarray(rgb)).save(buf, format="PNG")
            atomic_write_bytes(self.folder / name, buf.getvalue())
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(HEADER)
            writer.writerows(rows + [(name, char)])
            atomic_write_text(self.labels_path, out.getvalue())
        log.info("correction saved: %s = %s", name, char)
        return self.folder / name

    def export(self, target: Path) -> Path:
        """Copy the corrections to ``target`` (a ``.zip`` file or a folder).

        Raises:
            ValueError: nothing has been corrected yet.
            OSError: the target cannot be written.
        """
        target = Path(target)
        rows = self.rows()
        if not rows:
            raise ValueError("there are no corrections to export yet")
        # Only what labels.csv lists: a PNG left unlisted by a crash is not a correction.
        names = ["labels.csv"] + [f for f, _ in rows if (self.folder / f).is_file()]
        if target.suffix.lower() == ".zip":
            tmp = target.with_name(f".{target.name}.tmp")
            try:
                with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
                    for name in names:
                        z.write(self.folder / name, name)
                os.replace(tmp, target)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            return target
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copy2(self.folder / name, target / name)
        return target
