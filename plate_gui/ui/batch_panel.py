"""The batch panel: a progress bar with Cancel, and the results table (ttk.Treeview)."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from tkinter import ttk

from plate_gui.core import PlateResult

from .batch import BatchResults, BatchRow
from .widgets import FIXED_COLOR, WARN_COLOR

COLUMNS = (("file", "File", 300), ("text", "Plate", 140), ("lowest", "Lowest confidence", 160),
           ("status", "Status", 330))


class BatchPanel(ttk.Frame):
    """Rows arrive through ``add`` and show on ``flush`` (once per poll, not per image)."""

    def __init__(self, master: tk.Misc, scale: float, on_select: Callable[[str], None],
                 on_cancel: Callable[[], None], on_export: Callable[[], None]) -> None:
        super().__init__(master)
        self.results = BatchResults()
        self._pending: list[BatchRow] = []
        self._on_select = on_select
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(4, 2))
        ttk.Label(bar, text="Several photos:").pack(side="left", padx=(0, 8))
        self.progress = ttk.Progressbar(bar, length=round(180 * scale), mode="determinate")
        self.progress.pack(side="left")
        self.progress_label = ttk.Label(bar, text="")
        self.progress_label.pack(side="left", padx=6)
        self.cancel_button = ttk.Button(bar, text="Cancel", command=on_cancel, state="disabled")
        self.cancel_button.pack(side="left")
        self.export_button = ttk.Button(bar, text="Export results...", command=on_export,
                                        state="disabled")
        self.export_button.pack(side="right")
        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        self.table = ttk.Treeview(body, columns=[c for c, _, _ in COLUMNS], show="headings",
                                  height=6, selectmode="browse")
        for col, title, width in COLUMNS:
            self.table.heading(col, text=title, anchor="w")
            self.table.column(col, width=round(width * scale), anchor="w", stretch=col != "lowest")
        self.table.tag_configure("check", foreground=WARN_COLOR)
        self.table.tag_configure("error", foreground=WARN_COLOR)
        self.table.tag_configure("fixed", foreground=FIXED_COLOR)
        scroll = ttk.Scrollbar(body, orient="vertical", command=self.table.yview)
        self.table.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")
        self.table.pack(side="left", fill="both", expand=True)
        self.table.bind("<<TreeviewSelect>>", self._selected)
        self.progress_label.configure(text="none yet")

    @property
    def running(self) -> bool:
        return self.cancel_button.instate(["!disabled"])

    def start(self, total: int, threshold: float) -> None:
        self.table.delete(*self.table.get_children())
        self.results = BatchResults(threshold)
        self._pending.clear()
        self.progress.configure(maximum=max(1, total), value=0)
        self.progress_label.configure(text=f"0 of {total} read")
        self.cancel_button.configure(state="normal")
        self.export_button.configure(state="disabled")

    def add(self, file: str, item: PlateResult | str) -> None:
        """Record one image's result (or error message); shown at the next ``flush``."""
        self._pending.append(self.results.add(file, item))

    def flush(self, progress: tuple[int, int] | None) -> None:
        for row in self._pending:
            values = (Path(row.file).name, row.text or "-", row.lowest, row.label)
            if self.table.exists(row.file):
                self.table.item(row.file, values=values, tags=(row.status,))
            else:
                self.table.insert("", "end", iid=row.file, values=values, tags=(row.status,))
        self._pending.clear()
        if progress:
            done, total = progress
            self.progress.configure(value=done)
            self.progress_label.configure(text=f"{done} of {total} read")
        if len(self.results):
            self.export_button.configure(state="normal")

    def finish(self, cancelled: bool) -> str:
        """Mark the batch over; returns the sentence for the status bar."""
        self.cancel_button.configure(state="disabled")
        n, checks = len(self.results), self.results.to_check
        head = f"Cancelled after {n} photos" if cancelled else f"Done: {n} photos read"
        tail = f"{checks} to check (marked Check or Error)." if checks else "all read with confidence."
        return f"{head}, {tail}"

    def set_threshold(self, threshold: float) -> None:
        """Re-mark every row against ``threshold`` (no model run)."""
        self._pending.extend(self.results.set_threshold(threshold))
        self.flush(None)

    def corrected(self, file: str, result: PlateResult) -> None:
        """Show an operator's correction in that photo's row."""
        if file in self.results.rows:
            self.add(file, result)
            self.flush(None)
            self.table.item(file, tags=("fixed",))

    def _selected(self, _event: tk.Event) -> None:
        sel = self.table.selection()
        if sel:
            self._on_select(sel[0])
