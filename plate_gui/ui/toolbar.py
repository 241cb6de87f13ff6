"""The bar above the photo: open buttons, the confidence threshold, the plate format."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import ttk

from .settings import REGIONS
from .viewmodel import region_code, region_label


class Toolbar(ttk.Frame):
    """``on_threshold(value 0..1)`` fires as the slider moves or a number is typed;
    ``on_region()`` when another plate format is chosen."""

    def __init__(self, master: tk.Misc, scale: float, threshold: float, region: str,
                 on_open: Callable[[], None], on_folder: Callable[[], None],
                 on_threshold: Callable[[float], None], on_region: Callable[[], None]) -> None:
        super().__init__(master)
        self._on_threshold = on_threshold
        ttk.Button(self, text="Open image...", command=on_open).pack(side="left")
        ttk.Button(self, text="Open folder...", command=on_folder).pack(side="left", padx=6)
        ttk.Label(self, text="Unsure (?) below").pack(side="left", padx=(14, 4))
        self._percent = round(threshold * 100)
        self.scale = ttk.Scale(self, from_=0, to=100, length=round(120 * scale), value=self._percent,
                               command=self._slid)
        self.scale.pack(side="left")
        self.spin = ttk.Spinbox(self, from_=0, to=100, increment=1, width=4, command=self._typed)
        self.spin.set(str(self._percent))
        self.spin.pack(side="left", padx=(6, 0))
        for seq in ("<Return>", "<KP_Enter>", "<FocusOut>"):
            self.spin.bind(seq, lambda _e: self._typed())
        ttk.Label(self, text="% sure").pack(side="left", padx=(2, 0))
        ttk.Label(self, text="Plate format:").pack(side="left", padx=(14, 4))
        self._region = tk.StringVar(value=region_label(region))
        self.region_box = ttk.Combobox(self, textvariable=self._region, state="readonly", width=15,
                                       values=[region_label(r) for r in REGIONS])
        self.region_box.pack(side="left")
        self.region_box.bind("<<ComboboxSelected>>", lambda _e: on_region())

    def threshold(self) -> float:
        """The threshold as 0..1."""
        return self._percent / 100

    def region(self) -> str:
        """The chosen plate format's code ("none", "auto", "hk", ...)."""
        return region_code(self._region.get())

    def set_threshold(self, value: float) -> None:
        """Move the controls to ``value`` (0..1) and re-mark, as the operator would."""
        self._apply(round(min(1.0, max(0.0, value)) * 100))

    def _slid(self, value: str) -> None:
        self._apply(round(float(value)))

    def _typed(self) -> None:
        try:
            value = int(float(self.spin.get()))
        except ValueError:
            value = self._percent  # not a number: keep the last good value
        self._apply(max(0, min(100, value)))

    def _apply(self, percent: int) -> None:
        if self.spin.get() != str(percent):
            self.spin.set(str(percent))
        if percent == self._percent:
            return
        self._percent = percent
        if round(float(self.scale.get())) != percent:
            self.scale.set(percent)  # fires _slid, which then finds nothing to change
        self._on_threshold(percent / 100)
