"""Tk widgets: the photo with character boxes, and the strip of crops with confidence bars."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import ttk

import numpy as np
from PIL import Image, ImageTk

from plate_gui.core import CharPrediction, PlateResult

OK_COLOR = "#1a7f37"
WARN_COLOR = "#c62828"
BAR_BG = "#e0e0e0"


def bgr_to_pil(image: np.ndarray) -> Image.Image:
    return Image.fromarray(np.ascontiguousarray(image[..., ::-1]))


def crop_of(image: np.ndarray, c: CharPrediction) -> np.ndarray:
    """The part of ``image`` under a character's box (the whole image if it has none)."""
    if c.box is None:
        return image
    x, y, w, h = c.box.as_tuple()
    return image[max(0, y):y + h, max(0, x):x + w]


class PlateView(tk.Canvas):
    """The photo, scaled to fit, with each character's box drawn (red and dashed if failed)."""

    def __init__(self, master: tk.Misc, **kw) -> None:
        super().__init__(master, background="#2b2b2b", highlightthickness=0, **kw)
        self._photo: ImageTk.PhotoImage | None = None
        self._image: np.ndarray | None = None
        self._result: PlateResult | None = None
        self._message = "Open a plate photo (Ctrl+O) or drag one here."
        self.bind("<Configure>", lambda _e: self.redraw())

    def show(self, image: np.ndarray | None, result: PlateResult | None,
             message: str = "") -> None:
        self._image, self._result, self._message = image, result, message
        self.redraw()

    def redraw(self) -> None:
        self.delete("all")
        w, h = max(self.winfo_width(), 50), max(self.winfo_height(), 50)
        if self._image is None:
            self.create_text(w // 2, h // 2, text=self._message, fill="white", width=w - 40,
                             font=("TkDefaultFont", 13), justify="center")
            return
        ih, iw = self._image.shape[:2]
        scale = min((w - 20) / iw, (h - 20) / ih)
        pil = bgr_to_pil(self._image).resize((max(1, int(iw * scale)), max(1, int(ih * scale))),
                                              Image.LANCZOS if scale < 1 else Image.BICUBIC)
        self._photo = ImageTk.PhotoImage(pil)
        x0, y0 = (w - pil.width) // 2, (h - pil.height) // 2
        self.create_image(x0, y0, image=self._photo, anchor="nw")
        for i, c in enumerate(self._result.chars if self._result else ()):
            if c.box is None:
                continue
            bx, by, bw, bh = c.box.as_tuple()
            color = WARN_COLOR if c.failed else "#2ecc71"
            self.create_rectangle(x0 + bx * scale, y0 + by * scale, x0 + (bx + bw) * scale,
                                  y0 + (by + bh) * scale, outline=color, width=2,
                                  dash=(4, 2) if c.failed else (), tags=(f"box{i}",))


class CropStrip(ttk.Frame):
    """One tile per character: the enlarged crop, its character, a bar and the percentage."""

    TILE = 64

    def __init__(self, master: tk.Misc, on_pick: Callable[[int], None]) -> None:
        super().__init__(master)
        self._on_pick = on_pick
        self._photos: list[ImageTk.PhotoImage] = []
        self.tiles: list[tk.Canvas] = []
        self.hint = ttk.Label(self, text="", style="Hint.TLabel")

    def show(self, image: np.ndarray | None, result: PlateResult | None) -> None:
        for child in self.winfo_children():
            if child is not self.hint:
                child.destroy()
        self._photos.clear()
        self.tiles.clear()
        if image is None or result is None:
            return
        for i, c in enumerate(result.chars):
            self.tiles.append(self._tile(i, crop_of(image, c), c))
        self.hint.configure(text="Click a character to correct it; hover to see alternatives."
                            if result.chars else "")
        self.hint.grid(row=1, column=0, columnspan=max(1, len(result.chars)), sticky="w")

    def _tile(self, i: int, crop: np.ndarray, c: CharPrediction) -> tk.Canvas:
        t = self.TILE
        cv = tk.Canvas(self, width=t, height=t + 58, highlightthickness=2, cursor="hand2",
                       highlightbackground=WARN_COLOR if c.failed else "#cccccc",
                       background="white", takefocus=1)
        pil = bgr_to_pil(crop) if crop.size else Image.new("RGB", (1, 1))
        s = min(t / max(1, pil.width), t / max(1, pil.height))
        pil = pil.resize((max(1, int(pil.width * s)), max(1, int(pil.height * s))))
        photo = ImageTk.PhotoImage(pil)
        self._photos.append(photo)
        cv.create_image(t // 2 + 2, t // 2 + 2, image=photo)
        color = WARN_COLOR if c.failed else OK_COLOR
        cv.create_text(t // 2 + 2, t + 14, text=c.display, fill=color,
                       font=("TkDefaultFont", 16, "bold"))
        cv.create_rectangle(6, t + 30, t - 2, t + 38, fill=BAR_BG, outline="")
        cv.create_rectangle(6, t + 30, 6 + (t - 8) * c.confidence, t + 38, fill=color, outline="")
        label = f"{c.confidence:.0%}" + (" low" if c.failed else "")
        cv.create_text(t // 2 + 2, t + 50, text=label, fill=color, font=("TkDefaultFont", 9))
        cv.grid(row=0, column=i, padx=3, pady=3)
        alts = "  ".join(f"{a} {p:.0%}" for a, p in c.alternatives if a != "#")
        cv.bind("<Enter>", lambda _e: self.hint.configure(text=f"Character {i + 1}: {alts}"))
        cv.bind("<Button-1>", lambda _e: self._on_pick(i))
        cv.bind("<Return>", lambda _e: self._on_pick(i))
        cv.bind("<space>", lambda _e: self._on_pick(i))
        return cv


class CorrectionDialog(tk.Toplevel):
    """Pick one of a character's alternatives or type the right one."""

    def __init__(self, master: tk.Misc, index: int, c: CharPrediction,
                 on_done: Callable[[str], None]) -> None:
        super().__init__(master)
        self.title(f"Correct character {index + 1}")
        self.transient(master)
        self.resizable(False, False)
        self._on_done = on_done
        ttk.Label(self, text=f"Read as '{c.char}' ({c.confidence:.0%}). Choose the right one:"
                  ).grid(row=0, column=0, columnspan=4, padx=10, pady=(10, 4), sticky="w")
        self.buttons = []
        for j, (a, p) in enumerate([(a, p) for a, p in c.alternatives if a != "#"]):
            b = ttk.Button(self, text=f"{a}  ({p:.0%})", command=lambda a=a: self._done(a))
            b.grid(row=1, column=j, padx=4, pady=4)
            self.buttons.append(b)
        ttk.Label(self, text="or type it:").grid(row=2, column=0, padx=10, sticky="w")
        self.entry = ttk.Entry(self, width=4, font=("TkDefaultFont", 14))
        self.entry.grid(row=2, column=1, pady=8, sticky="w")
        self.entry.bind("<Return>", lambda _e: self._done(self.entry.get()))
        self.error = ttk.Label(self, text="", foreground=WARN_COLOR)
        self.error.grid(row=3, column=0, columnspan=4, padx=10, sticky="w")
        self.bind("<Escape>", lambda _e: self.destroy())
        self.entry.focus_set()

    def _done(self, text: str) -> None:
        text = text.strip().upper()
        if len(text) != 1 or not (text.isascii() and text.isalnum()):
            self.error.configure(text="Type one letter or digit.")
            return
        self.destroy()
        self._on_done(text)
