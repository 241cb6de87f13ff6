"""Tk widgets: the photo with character boxes, the strip of crops with confidence bars,
and the dialog that corrects one character. They draw view models; they decide nothing."""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable
from tkinter import ttk

import numpy as np
from PIL import Image, ImageTk

from plate_gui.core import CharPrediction, PlateResult

from .corrections import is_plate_char
from .viewmodel import JUNK, ResultModel, TileModel

OK_COLOR = "#1a7f37"
WARN_COLOR = "#c62828"
FIXED_COLOR = "#1f5fbf"
BAR_BG = "#d8d8d8"
HOVER_COLOR = "#ffd400"


def ui_scale(root: tk.Misc) -> float:
    """Pixel sizes are designed at 96 dpi; a HiDPI screen scales them up (never down)."""
    return max(1.0, root.winfo_fpixels("1i") / 96.0)


def make_fonts(root: tk.Misc, scale: float) -> dict[str, tkfont.Font]:
    """Fonts derived from the platform's named fonts, so they follow its size and DPI."""
    base = tkfont.nametofont("TkDefaultFont", root=root)
    size = int(base.cget("size")) or 10
    if size < 0:  # a size in pixels does not follow tk scaling: scale it ourselves
        size = -round(-size * scale)

    def derived(name: str, factor: float, weight: str = "normal") -> tkfont.Font:
        font = tkfont.nametofont(name, root=root).copy()
        font.configure(size=round(size * factor), weight=weight)
        return font

    return {"plate": derived("TkFixedFont", 3.2, "bold"), "tile": derived("TkDefaultFont", 1.7, "bold"),
            "summary": derived("TkDefaultFont", 1.15), "message": derived("TkDefaultFont", 1.3),
            "small": derived("TkDefaultFont", 0.9), "small_bold": derived("TkDefaultFont", 0.9, "bold")}


def bgr_to_pil(image: np.ndarray) -> Image.Image:
    rgb = image if image.ndim == 2 else image[..., ::-1]
    return Image.fromarray(np.ascontiguousarray(rgb))


def crop_of(image: np.ndarray, c: CharPrediction) -> np.ndarray:
    """The part of ``image`` under a character's box (the whole image if it has none)."""
    if c.box is None:
        return image
    x, y, w, h = c.box.as_tuple()
    return image[max(0, y):y + h, max(0, x):x + w]


def fit(pil: Image.Image, w: int, h: int) -> Image.Image:
    """``pil`` scaled to fit in ``w`` x ``h``, keeping its shape."""
    s = min(w / max(1, pil.width), h / max(1, pil.height))
    size = (max(1, int(pil.width * s)), max(1, int(pil.height * s)))
    return pil.resize(size, Image.LANCZOS if s < 1 else Image.BICUBIC)


def tile_color(t: TileModel) -> str:
    return FIXED_COLOR if t.corrected else WARN_COLOR if t.failed else OK_COLOR


class PlateView(tk.Canvas):
    """The photo, scaled to fit, with each character's box (failed: red and dashed)."""

    def __init__(self, master: tk.Misc, fonts: dict[str, tkfont.Font], **kw) -> None:
        super().__init__(master, background="#2b2b2b", highlightthickness=0, **kw)
        self._fonts = fonts
        self._photo: ImageTk.PhotoImage | None = None
        self._image: np.ndarray | None = None
        self._result: PlateResult | None = None
        self._model: ResultModel | None = None
        self._message = ""
        self.bind("<Configure>", lambda _e: self.redraw())

    def show(self, image: np.ndarray | None, result: PlateResult | None = None,
             model: ResultModel | None = None, message: str = "") -> None:
        self._image, self._result, self._model, self._message = image, result, model, message
        self.redraw()

    def redraw(self) -> None:
        self.delete("all")
        w, h = max(self.winfo_width(), 50), max(self.winfo_height(), 50)
        if self._image is None:
            self.create_text(w // 2, h // 2, text=self._message, fill="white", width=w - 40,
                             font=self._fonts["message"], justify="center", tags=("message",))
            return
        ih, iw = self._image.shape[:2]
        pil = fit(bgr_to_pil(self._image), w - 20, h - 20)
        scale = pil.width / iw
        self._photo = ImageTk.PhotoImage(pil)
        x0, y0 = (w - pil.width) // 2, (h - pil.height) // 2
        self.create_image(x0, y0, image=self._photo, anchor="nw")
        tiles = self._model.tiles if self._model else ()
        for t, c in zip(tiles, self._result.chars if self._result else ()):
            if c.box is None:
                continue
            bx, by, bw, bh = c.box.as_tuple()
            self.create_rectangle(x0 + bx * scale - 1, y0 + by * scale - 1,
                                  x0 + (bx + bw) * scale + 1, y0 + (by + bh) * scale + 1,
                                  outline=tile_color(t), width=2, dash=(5, 3) if t.failed else (),
                                  tags=(f"box{t.index}", "box"))

    def highlight(self, index: int | None) -> None:
        """Thicken one character's box (the crop under the pointer), or none."""
        for item in self.find_withtag("box"):
            self.itemconfigure(item, width=2)
        if index is not None:
            self.itemconfigure(f"box{index}", width=4)


class CropStrip(ttk.Frame):
    """One tile per character: the enlarged crop, its character, a bar and the percentage.

    Tiles take keyboard focus (Tab); Enter or Space opens the correction, as a click does.
    """

    def __init__(self, master: tk.Misc, fonts: dict[str, tkfont.Font], scale: float,
                 on_pick: Callable[[int], None], on_hover: Callable[[int | None], None]) -> None:
        super().__init__(master)
        self._fonts, self._size = fonts, round(72 * scale)
        self._on_pick, self._on_hover = on_pick, on_hover
        self._photos: list[ImageTk.PhotoImage] = []
        self.tiles: list[tk.Canvas] = []
        self.row = ttk.Frame(self)
        self.row.pack(side="top", anchor="w")
        self.hint = ttk.Label(self, text="", style="Hint.TLabel")
        self.hint.pack(side="top", anchor="w")
        self._default_hint = ""

    def show(self, image: np.ndarray | None, result: PlateResult | None,
             model: ResultModel | None) -> None:
        for tile in self.tiles:
            tile.destroy()
        self._photos.clear()
        self.tiles.clear()
        if image is None or result is None or model is None:
            self._default_hint = ""
        else:
            for t, c in zip(model.tiles, result.chars):
                self.tiles.append(self._tile(t, crop_of(image, c)))
            self._default_hint = ("Click a character (or Tab to it and press Enter) to correct it; "
                                  "point at it to see the other likely characters."
                                  if model.tiles else "")
        self.hint.configure(text=self._default_hint)

    def _tile(self, t: TileModel, crop: np.ndarray) -> tk.Canvas:
        s = self._size
        color = tile_color(t)
        line = self._fonts["tile"].metrics("linespace")
        small = self._fonts["small"].metrics("linespace")
        height = s + line + small + 20
        cv = tk.Canvas(self.row, width=s + 8, height=height, highlightthickness=3,
                       highlightbackground=color if (t.failed or t.corrected) else "#c8c8c8",
                       highlightcolor="#202020", background="white", cursor="hand2", takefocus=1)
        photo = ImageTk.PhotoImage(fit(bgr_to_pil(crop), s, s) if crop.size else
                                   Image.new("RGB", (1, 1), "white"))
        self._photos.append(photo)
        cx = (s + 8) // 2
        cv.create_image(cx, 4 + s // 2, image=photo)
        y = s + 6 + line // 2
        cv.create_text(cx, y, text=t.display, fill=color, font=self._fonts["tile"], tags=("char",))
        y += line // 2 + 4
        cv.create_rectangle(6, y, s + 2, y + 8, fill=BAR_BG, outline="")
        cv.create_rectangle(6, y, 6 + (s - 4) * t.fraction, y + 8, fill=color, outline="")
        font = self._fonts["small_bold" if t.failed or t.corrected else "small"]
        cv.create_text(cx, y + 10 + small // 2, text=t.label, fill=color, font=font, tags=("label",))
        cv.pack(side="left", padx=3, pady=3)
        for seq in ("<Enter>", "<FocusIn>"):
            cv.bind(seq, lambda _e, t=t: self._hover(t))
        for seq in ("<Leave>", "<FocusOut>"):
            cv.bind(seq, lambda _e: self._hover(None))
        for seq in ("<Button-1>", "<Return>", "<KP_Enter>", "<space>"):
            cv.bind(seq, lambda _e, i=t.index: self._on_pick(i))
        return cv

    def _hover(self, t: TileModel | None) -> None:
        self.hint.configure(text=t.hint if t else self._default_hint)
        self._on_hover(t.index if t else None)


class CorrectionDialog(tk.Toplevel):
    """Pick one of a character's likely alternatives, or type the right one."""

    def __init__(self, master: tk.Misc, index: int, c: CharPrediction, crop: np.ndarray,
                 on_done: Callable[[str], None], fonts: dict[str, tkfont.Font]) -> None:
        super().__init__(master)
        self.title(f"Correct character {index + 1}")
        self.transient(master)
        self.resizable(False, False)
        self._on_done = on_done
        frame = ttk.Frame(self, padding=12)
        frame.pack(fill="both", expand=True)
        self._photo = ImageTk.PhotoImage(fit(bgr_to_pil(crop), 96, 96)) if crop.size else None
        ttk.Label(frame, image=self._photo).grid(row=0, column=0, rowspan=3, padx=(0, 12))
        read = (f"Not sure what this is (best guess '{c.char}', {c.confidence:.0%})." if c.failed
                else f"Read as '{c.char}' ({c.confidence:.0%} sure).")
        ttk.Label(frame, text=f"{read} Which character is it?"
                  ).grid(row=0, column=1, columnspan=4, sticky="w")
        self.buttons: list[ttk.Button] = []
        for j, (a, p) in enumerate([(a, p) for a, p in c.alternatives if a != JUNK]):
            b = ttk.Button(frame, text=f"{a}   ({p:.0%})", command=lambda a=a: self._done(a))
            b.bind("<Return>", lambda _e, b=b: b.invoke())
            b.grid(row=1, column=1 + j, padx=3, pady=6, sticky="w")
            self.buttons.append(b)
        ttk.Label(frame, text="Or type it:").grid(row=2, column=1, sticky="w")
        self.entry = ttk.Entry(frame, width=3, font=fonts["tile"], justify="center")
        self.entry.grid(row=2, column=2, pady=6, sticky="w")
        self.entry.bind("<Return>", lambda _e: self._done(self.entry.get()))
        self.entry.bind("<KP_Enter>", lambda _e: self._done(self.entry.get()))
        ttk.Button(frame, text="Save", command=lambda: self._done(self.entry.get())
                   ).grid(row=2, column=3, padx=3, sticky="w")
        ttk.Button(frame, text="Cancel", command=self.destroy).grid(row=2, column=4, sticky="w")
        self.error = ttk.Label(frame, text="", foreground=WARN_COLOR)
        self.error.grid(row=3, column=1, columnspan=4, sticky="w")
        self.bind("<Escape>", lambda _e: self.destroy())
        self.entry.focus_set()

    def _done(self, text: str) -> None:
        text = text.strip().upper()
        if not is_plate_char(text) or text == JUNK:
            self.error.configure(text="Type one letter (A-Z) or digit (0-9).")
            return
        self.destroy()
        self._on_done(text)
