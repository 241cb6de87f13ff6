"""Batch results: one row per image, exported as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from plate_gui.core import PlateResult

from .storage import atomic_write_text


@dataclass(frozen=True)
class BatchRow:
    file: str
    text: str
    min_confidence: float | None
    status: str  # "ok", "check" (a character under the threshold), "error: ..."
    confidences: tuple[float, ...] = ()

    @classmethod
    def from_result(cls, file: str, result: PlateResult) -> BatchRow:
        if not result.chars:
            return cls(file, "", None, "check: no characters found")
        status = "check" if result.failed else "ok"
        return cls(file, result.text, round(result.min_confidence, 3), status,
                   tuple(result.confidences))

    @classmethod
    def from_error(cls, file: str, message: str) -> BatchRow:
        return cls(file, "", None, f"error: {message}")


def export_rows(rows: list[BatchRow], path: Path) -> Path:
    """Write ``rows`` to ``path``: JSON for ``.json``, CSV otherwise (atomically)."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        atomic_write_text(path, json.dumps([asdict(r) for r in rows], indent=2) + "\n")
        return path
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["file", "text", "min_confidence", "status", "confidences"])
    for r in rows:
        w.writerow([r.file, r.text, "" if r.min_confidence is None else r.min_confidence,
                    r.status, " ".join(f"{c:.2f}" for c in r.confidences)])
    atomic_write_text(path, buf.getvalue())
    return path
