"""Batch results without Tk: one row per image, re-marked on a threshold change,
exported as CSV or JSON."""

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
    """One image of a batch.

    ``status`` is "ok", "check" (a character under the threshold, or none found)
    or "error"; ``detail`` says why in a few words.
    """

    file: str
    text: str
    min_confidence: float | None
    status: str
    detail: str = ""
    confidences: tuple[float, ...] = ()

    @classmethod
    def from_result(cls, file: str, result: PlateResult) -> BatchRow:
        if not result.chars:
            return cls(file, "", None, "check", "no characters found")
        unsure = sum(c.failed for c in result.chars)
        detail = f"{unsure} character{'s' if unsure > 1 else ''} unsure" if unsure else ""
        return cls(file, result.text, round(result.min_confidence, 3),
                   "check" if unsure else "ok", detail, tuple(result.confidences))

    @classmethod
    def from_error(cls, file: str, message: str) -> BatchRow:
        return cls(file, "", None, "error", message)

    @property
    def label(self) -> str:
        """The status as the table shows it: a word first, then why."""
        word = {"ok": "OK", "check": "Check", "error": "Error"}.get(self.status, self.status)
        return f"{word}: {self.detail}" if self.detail else word

    @property
    def lowest(self) -> str:
        return "" if self.min_confidence is None else f"{self.min_confidence:.0%}"


class BatchResults:
    """The results of the current batch by file, in arrival order.

    Keeps each image's ``PlateResult`` (or error message) so a new threshold
    re-marks every row without running the model again.
    """

    def __init__(self, threshold: float = 0.5) -> None:
        self.threshold = threshold
        self._items: dict[str, PlateResult | str] = {}
        self.rows: dict[str, BatchRow] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def clear(self) -> None:
        self._items.clear()
        self.rows.clear()

    def add(self, file: str, item: PlateResult | str) -> BatchRow:
        """Record a result (or an error message) for ``file``; returns its row."""
        self._items[file] = item
        row = self._row(file, item)
        self.rows[file] = row
        return row

    def result(self, file: str) -> PlateResult | None:
        item = self._items.get(file)
        return item if isinstance(item, PlateResult) else None

    def _row(self, file: str, item: PlateResult | str) -> BatchRow:
        if isinstance(item, str):
            return BatchRow.from_error(file, item)
        return BatchRow.from_result(file, item.with_threshold(self.threshold))

    def set_threshold(self, threshold: float) -> list[BatchRow]:
        """Re-mark every row; returns the rows that changed."""
        self.threshold = threshold
        changed = []
        for file, item in self._items.items():
            row = self._row(file, item)
            if row != self.rows[file]:
                self.rows[file] = row
                changed.append(row)
        return changed

    @property
    def to_check(self) -> int:
        return sum(r.status != "ok" for r in self.rows.values())


def export_rows(rows: list[BatchRow], path: Path) -> Path:
    """Write ``rows`` to ``path``: JSON for ``.json``, CSV otherwise (atomically)."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        atomic_write_text(path, json.dumps([asdict(r) for r in rows], indent=2) + "\n")
        return path
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["file", "text", "min_confidence", "status", "detail", "confidences"])
    for r in rows:
        w.writerow([r.file, r.text, "" if r.min_confidence is None else r.min_confidence,
                    r.status, r.detail, " ".join(f"{c:.2f}" for c in r.confidences)])
    atomic_write_text(path, buf.getvalue())
    return path
