"""The photo on show: the picture with boxes, the plate text, the crops, and corrections."""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable
from pathlib import Path
from tkinter import ttk
from typing import Any

from plate_gui.core import PlateResult

from . import viewmodel
from .corrections import CorrectionStore
from .widgets import OK_COLOR, WARN_COLOR, CorrectionDialog, CropStrip, PlateView, crop_of


class PhotoPanel(ttk.Frame):
    """Shows one photo's reading; a click on a character corrects it and saves the crop.

    Args:
        corrections: where corrected crops are saved.
        on_status: ``(text, error)`` for the status bar.
        on_corrected: ``(photo path, corrected result)`` after a correction is saved.
    """

    def __init__(self, master: tk.Misc, fonts: dict[str, tkfont.Font], scale: float,
                 corrections: CorrectionStore, on_status: Callable[[str, bool], None],
                 on_corrected: Callable[[str, PlateResult], None]) -> None:
        super().__init__(master)
        self.fonts = fonts
        self.corrections = corrections
        self._status, self._on_corrected = on_status, on_corrected
        self.image: Any = None
        self.result: PlateResult | None = None
        self.model: viewmodel.ResultModel | None = None
        self.path: Path | None = None
        self.fixed: dict[str, set[int]] = {}  # photo -> indexes the operator corrected
        self.dialog: CorrectionDialog | None = None
        self.shown = 0  # bumped for every photo shown: a dialog left open is for an older one
        self.view = PlateView(self, fonts, height=round(200 * scale))
        self.view.pack(fill="both", expand=True, pady=(round(6 * scale), 0))
        self.strip = CropStrip(self, fonts, scale, self.pick, lambda i: self.view.highlight(i))
        self.summary = ttk.Label(self, text="", style="Summary.TLabel")
        self.text = ttk.Label(self, text="", style="Plate.TLabel", anchor="w")
        self._pads = {self.strip: round(4 * scale), self.summary: 0,
                      self.text: (round(4 * scale), 0)}

    def _details(self, *shown: tk.Widget) -> None:
        """Show only ``shown`` of the text, summary and strip under the photo (no empty gaps)."""
        for w in self._pads:
            w.pack_forget()
        # Packed bottom-up before the photo, so the photo, not these, gives way on a small window.
        for w in (self.strip, self.summary, self.text):
            if w in shown:
                w.pack(fill="x", side="bottom", before=self.view, pady=self._pads[w])

    def message(self, text: str) -> None:
        """No photo: a message in the photo's place (welcome, or why the model is missing)."""
        self.view.show(None, message=text)
        if self.result is None:
            self._details()

    def forget(self, path: str) -> None:
        """``path`` is being read afresh: its earlier corrections no longer apply."""
        self.fixed.pop(path, None)

    def show(self, path: Path, result: PlateResult, image: Any, threshold: float) -> None:
        self._new_photo(path)
        self.image = image
        self.result = result.with_threshold(threshold)
        self.redraw()

    def show_error(self, path: Path, message: str) -> None:
        """A photo that could not be read: its one-line reason, in place."""
        self._new_photo(path)
        self.image, self.result, self.model = None, None, None
        self.text.configure(text="")
        self.summary.configure(text=message, foreground=WARN_COLOR)
        self.view.show(None, message=message)
        self.strip.show(None, None, None)
        self._details(self.summary)

    def _new_photo(self, path: Path) -> None:
        self.path = path
        self.shown += 1
        if self.dialog is not None and self.dialog.winfo_exists():
            self.dialog.destroy()

    def set_threshold(self, value: float) -> None:
        """Re-mark failures against ``value`` without running the model again."""
        if self.result is not None:
            self.result = self.result.with_threshold(value)
            self.redraw()

    def redraw(self) -> None:
        r = self.result
        self.model = viewmodel.build(r, self.fixed.get(str(self.path), ()))
        self.view.show(self.image, r, self.model)
        self.strip.show(self.image, r, self.model)
        color = OK_COLOR if self.model.level == "ok" else WARN_COLOR
        self.text.configure(text=self.model.text, foreground=color)
        self.summary.configure(text=self.model.summary, foreground=color)
        self._details(self.text, self.summary, self.strip)

    def pick_first(self) -> None:
        """Correct the first unsure character (or the first one)."""
        if self.model and self.model.tiles:
            failed = [t.index for t in self.model.tiles if t.failed]
            self.pick(failed[0] if failed else 0)

    def pick(self, index: int) -> None:
        """Open the correction dialog for character ``index``."""
        if self.result is None or self.image is None:
            return
        if self.dialog is not None and self.dialog.winfo_exists():
            self.dialog.destroy()
        c, shown = self.result.chars[index], self.shown
        self.dialog = CorrectionDialog(self.winfo_toplevel(), index, c, crop_of(self.image, c),
                                       lambda ch: self.correct(index, ch, shown), self.fonts)

    def correct(self, index: int, char: str, shown: int | None = None) -> None:
        """Apply the operator's character and save the crop for training."""
        if self.result is None or (shown is not None and shown != self.shown):
            return  # another photo is on show now: this correction is not for it
        c = self.result.chars[index]
        try:
            saved = self.corrections.save(crop_of(self.image, c), char,
                                          source=self.path.name if self.path else "")
        except (OSError, ValueError) as exc:
            self._status(f"Could not save the correction: {exc}", True)
            return
        self.result = viewmodel.apply_correction(self.result, index, char)
        key = str(self.path)
        self.fixed.setdefault(key, set()).add(index)
        self.redraw()
        self._on_corrected(key, self.result)
        self._status(f"Character {index + 1} corrected to '{char}' and saved for training "
                     f"({saved.name}).", False)
