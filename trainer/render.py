"""Synthetic plates, character crops and junk crops (numpy, OpenCV and Pillow only).

Glyph bitmaps are drawn once per (font, cap height, character) and cached; a
plate is composed from them with numpy, so each character's own ink is known.
Its box is the bounding box of that ink (as the convex hull of its pixels) sent
through the same homography as the image, so boxes stay tight under rotation,
skew and perspective. Every random choice comes from the ``rng`` argument.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from plate_gui.core.charset import PLATE_CHARS

from .emblems import EMBLEM_KINDS, draw_emblem
from .strokes import STROKE_CHARS, draw_ring, stroke_glyph

log = logging.getLogger(__name__)

PLATE_STYLES = ("hk_yellow", "hk_white", "hk_two_row", "uk", "eu", "us", "br", "vertical", "dark")
SEPARATORS = " -.*"  # gap, dash, middle dot, emblem: drawn (or left) between characters
DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
HK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # Hong Kong plates use no I, O or Q
UK_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"
ES_LETTERS = "BCDFGHJKLMNPRSTVWXYZ"
STATES = ("CALIFORNIA", "New York", "TEXAS", "Illinois", "Florida", "Kentucky", "Arkansas",
          "Maryland", "NEVADA", "Virginia", "Louisiana", "IDAHO", "MAINE", "Arizona", "OHIO",
          "WISCONSIN", "NEW JERSEY", "Oklahoma", "Missouri", "UTAH", "Iowa", "HAWAII", "Indiana")
SLOGANS = ("LAND OF LINCOLN", "EMPIRE STATE", "The Natural State", "Garden State",
           "FAMOUS POTATOES", "Vacationland", "Sunshine State", "ALOHA STATE", "visitPA.com",
           "America's Dairyland", "Great Lakes", "The Silver State", "First in Flight")
BR_CITIES = ("BA-SALVADOR", "SP-SAO PAULO", "ES-VILA VELHA", "MG-BELO HORIZONTE",
             "BA-CAMACARI", "PR-CURITIBA", "RJ-NITEROI", "BA-DIAS D'AVILA")


@dataclass
class PlateShapes:
    """Opt-in drawing the bundled weights were not trained with (``--plate-shapes``).

    on: draw a share of 8 B W M N H I J 1 in plate strokes (``strokes``) and, on US
    plates, emblems as large as a character, also before or after the characters
    (``emblems``). A full run with the strokes (2026-12-03) read chars-real 100% with
    Hong Kong rules (bundled 93.0%) but plates-dev fell from 69.0% to 64.4% exact, and
    with the emblems too 65.0%, so they stay off until a run reads plates better too
    (README, Training). Off, the renderer draws exactly what made the bundled weights.
    """

    on: bool = False
    stroke_share: float = 0.25
    big_emblem_share: float = 0.6  # of US emblems
    end_emblem: float = 0.25  # of US plates


_shapes = PlateShapes()


def use_plate_shapes(on: bool) -> None:
    """Turn the plate shapes (``PlateShapes``) on or off for this process."""
    _shapes.on = bool(on)


@dataclass(frozen=True)
class RenderedPlate:
    """A rendered plate.

    image: HxWx3 uint8 BGR. boxes: (x, y, w, h) of each character's ink, in image
    coordinates and reading order (top row first, left to right). text: the
    characters only (no separators, no row breaks), one per box. style: its style.
    """

    image: np.ndarray
    boxes: list[tuple[int, int, int, int]]
    text: str
    style: str


# ---------------------------------------------------------------- fonts and glyphs

@lru_cache(maxsize=256)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=64)
def _cap_ratio(path: str) -> float:
    """Cap height of the font per pixel of font size."""
    return max(1, -_font(path, 100).getbbox("H", anchor="ls")[1]) / 100.0


@lru_cache(maxsize=8192)
def _glyph(path: str, cap: int, ch: str) -> tuple[np.ndarray, int]:
    """A character's tight ink (uint8, 255 = ink, read-only) at cap height ``cap``
    px, and the row of its top relative to the cap line."""
    font = _font(path, max(4, round(cap / _cap_ratio(path))))
    left, top, right, bottom = font.getbbox(ch, anchor="ls")
    img = Image.new("L", (max(1, right - left + 4), max(1, bottom - top + 4)), 0)
    ImageDraw.Draw(img).text((2 - left, 2 - top), ch, fill=255, font=font, anchor="ls")
    arr = np.array(img)
    rows, cols = np.nonzero(arr.max(1))[0], np.nonzero(arr.max(0))[0]
    if rows.size == 0:
        arr, rows, cols = np.zeros((cap, cap // 2), np.uint8), np.array([2]), np.array([0])
    arr = arr[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1].copy()
    arr.flags.writeable = False
    cap_line = font.getbbox("H", anchor="ls")[1]
    return arr, int(top + rows[0] - 2 - cap_line)


def _shape(ch: str, path: str, cap: int, sx: float, weight: int, broken: float,
           rng: np.random.Generator) -> tuple[np.ndarray, int, int]:
    """A glyph stretched by ``sx``, thickened (+) or thinned (-) by ``weight`` px and,
    with probability ``broken``, with a small gap cut into a stroke.

    Returns:
        (alpha HxW float32 0..1, x offset, y offset from the cap line).
    """
    base, top = _glyph(path, cap, ch)
    if ch in ROUNDED_RING_CHARS and rng.random() < ROUNDED_RING_SHARE:
        base = _rounded_ring(base.shape, rng)
    elif _shapes.on and ch in STROKE_CHARS and rng.random() < _shapes.stroke_share:
        base = stroke_glyph(ch, base.shape, rng)
    h, w = base.shape
    g = cv2.resize(base, (max(1, round(w * sx)), h), interpolation=cv2.INTER_LINEAR)
    pad = max(0, weight)
    if weight:
        g = cv2.copyMakeBorder(g, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
        kernel = np.ones((abs(weight) + 1, abs(weight) + 1), np.uint8)
        g = cv2.dilate(g, kernel) if weight > 0 else cv2.erode(g, kernel)
    if rng.random() < broken:
        ys, xs = np.nonzero(g > 128)
        if ys.size:
            i, t, r = int(rng.integers(ys.size)), max(1, cap // 28), max(2, cap // 7)
            vertical = rng.random() < 0.5
            y0, x0 = ys[i] - (r if vertical else t), xs[i] - (t if vertical else r)
            g[max(0, y0):y0 + 2 * (r if vertical else t), max(0, x0):x0 + 2 * (t if vertical else r)] = 0
    return g.astype(np.float32) / 255.0, -pad, top - pad


# Brazilian (Mandatory font) and many US plates draw O and 0 as rounded rectangles with
# straight sides; no packaged font does, and plates-dev's BR O was read as Q or D.
ROUNDED_RING_CHARS = "O0"
ROUNDED_RING_SHARE = 0.3


def _rounded_ring(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A rounded-rectangle ring (``HxW uint8``, 255 = ink) filling ``shape``: the font's
    own O or 0 keeps its height and width (0 narrower than O), only the outline changes."""
    h, w = shape
    ring = np.zeros((h, w), np.uint8)
    stroke = max(1, round(min(h, w) * rng.uniform(0.14, 0.26)))
    radius = max(1, round(min(h, w) * rng.uniform(0.15, 0.5)))
    draw_ring(ring, 0, 0, w - 1, h - 1, radius, stroke)
    return ring


def _hull(alpha: np.ndarray, x: float, y: float) -> np.ndarray:
    """Convex hull of a glyph's ink pixels (their corners, Nx2 float32, pixel-centre
    coordinates) placed at (x, y): a homography maps it onto the warped ink's hull."""
    pts = cv2.findNonZero((alpha > 0.5).astype(np.uint8))
    if pts is None:
        pts = np.array([[[0, 0]]], np.int32)
    hull = cv2.convexHull(pts).reshape(-1, 1, 2).astype(np.float32)
    corners = np.array([[-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5], [0.5, 0.5]], np.float32)[None]
    return (hull + corners).reshape(-1, 2) + np.float32([x, y])


# ---------------------------------------------------------------- plate texts

def _fill(pattern: str, rng: np.random.Generator, letters: str = LETTERS) -> str:
    """``L`` -> a letter from ``letters``, ``D`` -> a digit, ``N`` -> a digit but 0;
    anything else (separators, row breaks) is kept."""
    pools = {"L": letters, "D": DIGITS, "N": DIGITS[1:]}
    return "".join(pools[c][int(rng.integers(len(pools[c])))] if c in pools else c for c in pattern)


def _choose(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def random_text(style: str, rng: np.random.Generator) -> str:
    """A random plate text that fits ``style``: rows split by newlines, separators
    from ``SEPARATORS`` between character groups (``*`` marks an emblem)."""
    digits = "N" + "D" * int(rng.integers(0, 4))
    if style in ("hk_yellow", "hk_white", "hk_two_row"):
        letters = "LL" if rng.random() < 0.85 else "L"
        return _fill(letters + ("\n" if style == "hk_two_row" else " ") + digits, rng, HK_LETTERS)
    if style == "uk":
        return _fill(_choose(rng, ("LLDD LLL", "LLDD LLL", "LDDD LLL")), rng, UK_LETTERS)
    if style == "eu":  # Slovak RK-026AJ, Spanish 1377 LLV, Czech 4B0 4979, German B-MW 1234
        pattern = _choose(rng, ("LL-DDDLL", "LL*DDDLL", "LL DDDLL", "DDDD LLL", "NLD DDDD",
                                _choose(rng, ("L", "LL", "LLL")) + "-LL " + digits))
        return _fill(pattern, rng, ES_LETTERS if pattern == "DDDD LLL" else LETTERS)
    if style == "br":
        return _fill(_choose(rng, ("LLL.DDDD", "LLL.DDDD", "LLL-DDDD", "LLLDDDD", "LLLDLDD")), rng)
    if style == "vertical":
        rows = [_choose(rng, ("D", "D", "D", "L")) for _ in range(int(rng.integers(3, 6)))]
        return _fill("\n".join(rows), rng)
    if style == "dark":
        return _fill("L" * int(rng.integers(2, 4)) + " " + digits, rng, LETTERS) + _choose(rng, ("", "M"))
    chars = _fill("".join(_choose(rng, ("D", "L")) for _ in range(int(rng.integers(5, 8)))), rng)
    cut = int(rng.integers(2, len(chars) - 1))
    text = chars[:cut] + _choose(rng, ("", " ", " ", "-", ".", "*")) + chars[cut:]
    if not _shapes.on:
        return text
    end = rng.random()  # a picture or stacked letters at one end (see ``emblems``)
    if end < _shapes.end_emblem / 2:
        return "*" + text
    return text + "*" if end < _shapes.end_emblem else text


def _rows(text: str, style: str) -> list[str]:
    """Rows of a given text; a vertical plate has one character per row."""
    text = text.upper()
    bad = sorted({c for c in text if c not in PLATE_CHARS + SEPARATORS + "\n"})
    if bad:
        raise ValueError(f"plate text {text!r} has characters plates do not use: {bad}")
    if style == "vertical":
        return [c for c in text if c in PLATE_CHARS]
    return [row for row in text.split("\n") if row.strip(SEPARATORS)]


# ---------------------------------------------------------------- plate layout and paint

@dataclass
class _Layout:
    """Glyphs (char, x, y, alpha) and separators (kind, x, cap line y, width) on a
    ``width`` x ``height`` plate; ``top``/``bottom``/``side`` margins and EU ``band``."""

    glyphs: list[tuple[str, int, int, np.ndarray]]
    seps: list[tuple[str, int, int, int]]
    width: int
    height: int
    cap: int
    top: float
    bottom: float
    side: float
    band: int


_Item = tuple[str, float, float, "np.ndarray | None"]  # char or separator, x, y or width, alpha


@dataclass(frozen=True)
class _Look:
    """How one plate's lettering is set: gap between glyphs, width of a space, glyph
    stretch, stroke weight change (px), fixed pitch."""

    gap: float
    space: float
    sx: float
    weight: int
    fixed: bool


def _place_row(row: str, path: str, cap: int, look: _Look,
               rng: np.random.Generator) -> tuple[list[_Item], float]:
    """Glyphs and separators of one row from x = 0, glyph y relative to the cap line.

    Returns:
        (items: (char, x, y, alpha) or (separator, x, width, None); the row's width).
    """
    cap_f, gap = float(cap), look.gap
    shaped = [(c, None if c in SEPARATORS else _shape(c, path, cap, look.sx, look.weight, 0.05, rng))
              for c in row]
    widths = [s[0].shape[1] for _, s in shaped if s is not None]
    pitch = max(widths, default=0) if look.fixed else 0
    items: list[_Item] = []
    x = 0.0
    for c, s in shaped:
        if s is None:
            emblem = cap_f * rng.uniform(0.6, 1.0) if c == "*" and _shapes.on else 0.6 * cap_f
            w = {" ": look.space, "-": 0.45 * cap_f, ".": 0.22 * cap_f, "*": emblem}[c]
            items.append((c, x, w, None))
            x += w + (gap if c != " " else 0.0)
            continue
        alpha, dx, dy = s
        cell = max(pitch, alpha.shape[1])
        items.append((c, x + (cell - alpha.shape[1]) / 2 + dx, dy, alpha))
        x += cell + gap
    return items, x - gap


def _layout(rows: list[str], path: str, cap: int, style: str, rng: np.random.Generator) -> _Layout:
    """Place every row's glyphs on the plate, rows centred, with style-like margins."""
    touching = rng.random() < 0.08
    look = _Look(gap=cap * (rng.uniform(-0.06, 0.0) if touching else rng.uniform(0.05, 0.25)),
                 space=cap * rng.uniform(0.3, 0.8),
                 # Down to 0.45: US plate fonts are condensed (narrow W and M were read
                 # as H and N on plates-dev when the plates drawn stopped at 0.8, and
                 # still were at 0.65: California's W is a third as wide as it is high).
                 sx=_squeeze(rng, 0.45 if style in ("us", "br") else 0.65, 1.15)
                 * (1.15 if style == "hk_two_row" else 1.0),
                 weight=int(rng.choice([-1, 0, 1], p=[0.15, 0.7, 0.15])) * (1 if cap < 50 else 2),
                 fixed=bool(rng.random() < 0.4))
    top, bottom = cap * rng.uniform(0.08, 0.3), cap * rng.uniform(0.08, 0.3)
    if style in ("us", "br"):
        top, bottom = cap * rng.uniform(0.45, 0.7), cap * rng.uniform(0.2, 0.55)
    side = cap * rng.uniform(0.12, 0.5)
    band = int(cap * rng.uniform(0.5, 0.7)) if style == "eu" or (style == "uk" and rng.random() < 0.3) else 0
    row_gap = cap * rng.uniform(0.12, 0.35)
    placed = [_place_row(row, path, cap, look, rng) for row in rows]
    content = max(w for _, w in placed)
    lay = _Layout([], [], int(band + 2 * side + content), 0, cap, top, bottom, side, band)
    y, ink_bottom = top, 0.0
    for items, row_w in placed:
        x0 = band + side + (content - row_w) / 2
        for c, x, v, alpha in items:
            if alpha is None:
                lay.seps.append((c, round(x0 + x), round(y), round(v)))
            else:
                lay.glyphs.append((c, round(x0 + x), max(0, round(y + v)), alpha))
                ink_bottom = max(ink_bottom, lay.glyphs[-1][2] + alpha.shape[0])
        y += cap + row_gap
    lay.height = int(max(y - row_gap, ink_bottom) + bottom)  # tails (Q, J) stay on the plate
    return lay


def _blend(img: np.ndarray, alpha: np.ndarray, color: tuple, x: int, y: int) -> None:
    """Paint ``color`` through ``alpha`` (HxW float 0..1) onto float BGR ``img`` at (x, y)."""
    h, w = alpha.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(img.shape[1], x + w), min(img.shape[0], y + h)
    if x1 > x0 and y1 > y0:
        a = alpha[y0 - y:y1 - y, x0 - x:x1 - x, None]
        region = img[y0:y1, x0:x1]
        region *= 1.0 - a
        region += a * np.float32(color)


@lru_cache(maxsize=2048)
def _text_alpha(text: str, path: str, px: int) -> np.ndarray:
    """Small print (float32 0..1, read-only) with cap height about ``px``."""
    font = _font(path, max(6, round(px / _cap_ratio(path))))
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(img).text((-left, -top), text, fill=255, font=font)
    arr = np.asarray(img, np.float32) / 255.0
    arr.flags.writeable = False
    return arr


def _color(rng: np.random.Generator, lo: tuple, hi: tuple) -> tuple[float, float, float]:
    return tuple(float(rng.uniform(a, b)) for a, b in zip(lo, hi))


def _pastel(rng: np.random.Generator, strength: float) -> tuple[float, float, float]:
    """A random colour mixed with white; ``strength`` 0 is white, 1 the full colour."""
    return tuple(255.0 - strength * float(v) for v in rng.uniform(0, 255, 3))


def _gray(rng: np.random.Generator, lo: float, hi: float, tint: float = 6.0) -> tuple[float, float, float]:
    """A near-neutral grey between ``lo`` and ``hi`` with a slight tint per channel."""
    v = rng.uniform(lo, hi)
    return tuple(float(np.clip(v + rng.uniform(-tint, tint), 0, 255)) for _ in range(3))


def _colors(style: str, rng: np.random.Generator) -> tuple[tuple, tuple]:
    """Plate and character colours (BGR) for a style."""
    yellow = style == "hk_yellow" or (style in ("uk", "hk_two_row") and rng.random() < 0.5)
    bg = _color(rng, (10, 190, 228), (90, 232, 255)) if yellow else _gray(rng, 215, 252)
    fg = _gray(rng, 5, 50)
    if style == "dark":
        bg, fg = _gray(rng, 5, 55, 10), _gray(rng, 165, 245, 10)
    elif style == "br":
        bg, fg = _gray(rng, 160, 225), _gray(rng, 25, 85)
    elif style == "us":
        palette = ((110, 30, 15), (30, 20, 140), (20, 20, 20), (40, 90, 20), (35, 35, 190), (90, 40, 40))
        fg = tuple(float(v) + rng.uniform(-15, 15) for v in palette[int(rng.integers(len(palette)))])
    return bg, fg


def _background(style: str, h: int, w: int, bg: tuple, rng: np.random.Generator) -> np.ndarray:
    """The plate's face (HxWx3 float32): flat, or for US plates a scenic gradient with shapes."""
    img = np.empty((h, w, 3), np.float32)
    img[:] = bg
    if style != "us":
        return img
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    img = img * (1 - t) + np.float32(_pastel(rng, 0.25)) * t
    for _ in range(int(rng.integers(0, 4))):  # hills, a sun, a logo behind the text
        color = _pastel(rng, rng.uniform(0.2, 0.5))
        if rng.random() < 0.5:
            xs = np.linspace(0, w, int(rng.integers(3, 7)))
            ys = h - rng.uniform(0.1, 0.6, xs.size) * h
            pts = np.vstack([np.c_[xs, ys], [[w, h], [0, h]]]).astype(np.int32)
            cv2.fillPoly(img, [pts], color)
        else:
            c = (int(rng.integers(w)), int(rng.integers(h)))
            cv2.circle(img, c, int(h * rng.uniform(0.1, 0.4)), color, -1)
    if rng.random() < 0.3:  # a coloured stripe along the top or bottom
        y = 0 if rng.random() < 0.5 else int(h * 0.85)
        img[y:y + int(h * 0.15)] = _pastel(rng, rng.uniform(0.3, 0.9))
    return img


def _eu_band(img: np.ndarray, band: int, code: str, path: str, rng: np.random.Generator) -> None:
    """The blue band at the plate's left: a ring of 12 stars over a country code."""
    h = img.shape[0]
    img[:, :band] = _color(rng, (140, 50, 0), (200, 100, 40))
    cx, cy, r = band / 2, h * rng.uniform(0.25, 0.4), band * 0.28
    star = _color(rng, (0, 190, 220), (40, 230, 255))
    for k in range(12):
        a = k * np.pi / 6
        cv2.circle(img, (round(cx + r * np.cos(a)), round(cy + r * np.sin(a))), max(1, band // 22), star, -1)
    small = _text_alpha(code, path, max(5, int(band * rng.uniform(0.3, 0.45))))
    _blend(img, small[:, :band], (245, 245, 245), round(cx - min(band, small.shape[1]) / 2),
           round(h * 0.62))


def _small_print(img: np.ndarray, lay: _Layout, style: str, fg: tuple, path: str,
                 rng: np.random.Generator) -> None:
    """State name and slogan (US) or city (BR) in the top and bottom margins; stickers."""
    w, cap = img.shape[1], lay.cap
    color = fg if rng.random() < 0.5 else _color(rng, (0,) * 3, (160,) * 3)
    if style == "br":
        top_text, px = BR_CITIES[int(rng.integers(len(BR_CITIES)))], cap * rng.uniform(0.16, 0.26)
    else:
        top_text, px = STATES[int(rng.integers(len(STATES)))], cap * rng.uniform(0.25, 0.42)
    alpha = _text_alpha(top_text, path, int(px))
    alpha = alpha[:, : w - 2]
    _blend(img, alpha, color, (w - alpha.shape[1]) // 2, int((lay.top - alpha.shape[0]) * 0.5))
    if style == "us" and rng.random() < 0.7:
        alpha = _text_alpha(SLOGANS[int(rng.integers(len(SLOGANS)))], path, int(cap * rng.uniform(0.12, 0.2)))
        alpha = alpha[:, : w - 2]
        y = lay.height - lay.bottom + (lay.bottom - alpha.shape[0]) * rng.uniform(0.3, 0.7)
        _blend(img, alpha, color, (w - alpha.shape[1]) // 2, int(y))
    if style == "us" and rng.random() < 0.5:  # registration stickers in the top corners
        sw, sh = int(cap * rng.uniform(0.3, 0.5)), int(lay.top * rng.uniform(0.4, 0.7))
        for x in [int(cap * 0.1), w - sw - int(cap * 0.1)][: int(rng.integers(1, 3))]:
            cv2.rectangle(img, (x, int(lay.top * 0.15)), (x + sw, int(lay.top * 0.15) + sh),
                          _color(rng, (0,) * 3, (255,) * 3), -1)


def _separators(img: np.ndarray, lay: _Layout, fg: tuple, style: str, path: str,
                rng: np.random.Generator) -> None:
    """Dashes, dots and emblems between character groups (never characters); on US
    plates with ``plate shapes`` on, often an emblem as large as a character."""
    cap = lay.cap
    for kind, x, y, w in lay.seps:
        cy = y + cap // 2
        if kind == "-":
            t = max(2, int(cap * rng.uniform(0.08, 0.14)))
            cv2.rectangle(img, (x + w // 6, cy - t // 2), (x + w - w // 6, cy + t // 2), fg, -1)
        elif kind == ".":
            cv2.circle(img, (x + w // 2, cy), max(2, int(cap * 0.06)), fg, -1)
        elif kind == "*" and style == "us" and _shapes.on and rng.random() < _shapes.big_emblem_share:
            color = fg if rng.random() < 0.5 else _color(rng, (0,) * 3, (255,) * 3)
            h = round(cap * rng.uniform(0.8, 1.1))
            emblem = _choose(rng, EMBLEM_KINDS)
            letters = [_glyph(path, max(5, round(cap * rng.uniform(0.22, 0.32))), c)[0] / 255.0
                       for c in _fill("L" * int(rng.integers(2, 4)), rng)] if emblem == "stack" else []
            draw_emblem(img, (x, max(0, y + (cap - h) // 2), w, h), color, emblem, letters, rng)
        elif kind == "*":  # a shield, flower or tiny logo
            color = _color(rng, (0,) * 3, (255,) * 3)
            r = max(3, int(min(w, round(0.6 * cap)) * rng.uniform(0.3, 0.45)))
            if rng.random() < 0.5:
                cv2.ellipse(img, (x + w // 2, cy), (r, int(r * 1.3)), 0, 0, 360, color, -1)
            else:
                pts = np.array([[x + w // 2, cy - r], [x + w // 2 + r, cy], [x + w // 2, cy + r],
                                [x + w // 2 - r, cy]], np.int32)
                cv2.fillPoly(img, [pts], color)
            cv2.circle(img, (x + w // 2, cy), max(1, r // 3), _color(rng, (0,) * 3, (255,) * 3), -1)


def _frame_and_screws(img: np.ndarray, lay: _Layout, bg: tuple, fg: tuple,
                      rng: np.random.Generator) -> None:
    """Sometimes a border line or a plate-holder frame; sometimes 1-4 screws in the margins."""
    h, w = img.shape[:2]
    room = min(lay.top, lay.bottom, lay.side)  # a frame must not cover characters
    r = rng.random()
    if r < 0.3:  # printed border line
        t, inset = max(1, int(lay.cap * rng.uniform(0.02, 0.05))), int(room * rng.uniform(0.1, 0.4))
        cv2.rectangle(img, (inset, inset), (w - 1 - inset, h - 1 - inset), fg, t)
    elif r < 0.55:  # holder frame over the plate's edge
        t = max(1, int(room * rng.uniform(0.2, 0.7)))
        color = _gray(rng, 10, 60) if rng.random() < 0.6 else _gray(rng, 140, 215)
        cv2.rectangle(img, (t // 2, t // 2), (w - 1 - t // 2, h - 1 - t // 2), color, t)
    if rng.random() < 0.35:
        rad = int(np.clip(min(lay.top, lay.bottom) * 0.35, 2, lay.cap * 0.1))
        metal = _gray(rng, 110, 210) if rng.random() < 0.6 else tuple(0.8 * v for v in bg)
        spots = [(fx, fy) for fx in (0.25, 0.75) for fy in (0, 1)]
        for k in rng.permutation(4)[: int(rng.integers(1, 5))]:
            fx, fy = spots[int(k)]
            y = lay.top / 2 if fy == 0 else h - lay.bottom / 2
            c = (int(w * (fx + rng.uniform(-0.06, 0.06))), int(y))
            cv2.circle(img, c, rad, metal, -1)
            cv2.circle(img, c, rad, tuple(0.5 * v for v in metal), max(1, rad // 4))
            if rad > 3:
                cv2.line(img, (c[0] - rad // 2, c[1]), (c[0] + rad // 2, c[1]), tuple(0.4 * v for v in metal),
                         max(1, rad // 4))


def _paint(lay: _Layout, style: str, path: str, rng: np.random.Generator) -> np.ndarray:
    """The flat plate (HxWx3 uint8 BGR) with its characters and everything around them."""
    bg, fg = _colors(style, rng)
    img = _background(style, lay.height, lay.width, bg, rng)
    if lay.band:
        code = ("SK", "E", "D", "CZ", "F", "I", "NL", "GB")[int(rng.integers(8))] if style == "eu" else "GB"
        _eu_band(img, lay.band, code, path, rng)
    if style in ("us", "br"):
        _small_print(img, lay, style, fg, path, rng)
    _separators(img, lay, fg, style, path, rng)
    for _, x, y, alpha in lay.glyphs:
        _blend(img, alpha, fg, x, y)
    _frame_and_screws(img, lay, bg, fg, rng)
    return np.clip(img, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- camera

def _surround(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """Car body around the plate (HxWx3 uint8): a paint colour with shading and seams."""
    paints = ((20, 20, 20), (235, 235, 235), (170, 170, 170), (40, 40, 170), (140, 70, 20), (90, 90, 90))
    base = np.float32(paints[int(rng.integers(len(paints)))]) + rng.uniform(-20, 20, 3).astype(np.float32)
    shade = np.linspace(rng.uniform(0.5, 1.2), rng.uniform(0.5, 1.2), h, dtype=np.float32)
    img = np.clip(shade[:, None, None] * base, 0, 255) * np.ones((1, w, 1), np.float32)
    for _ in range(int(rng.integers(0, 3))):
        y = int(rng.integers(h))
        img[y:y + max(1, h // 30)] *= rng.uniform(0.3, 0.7)
    return np.clip(img, 0, 255).astype(np.uint8)


def _homography(h: int, w: int, target_h: float, rng: np.random.Generator) -> tuple[np.ndarray, int, int]:
    """Plate -> image: rotation and skew (each within +-15 degrees), mild perspective,
    scale to a plate height of ``target_h``, and a margin of car around (or a tight cut).

    Returns:
        (3x3 homography, output width, output height).
    """
    s = target_h / h
    rot = np.radians(np.clip(rng.normal(0, 4.5), -15, 15))
    skew = np.tan(np.radians(np.clip(rng.normal(0, 4), -15, 15)))
    a = np.array([[np.cos(rot), -np.sin(rot)], [np.sin(rot), np.cos(rot)]]) @ np.array([[1, skew], [0, 1]])
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = (src - [w / 2, h / 2]) @ a.T * s
    dst += rng.uniform(-0.04, 0.04, (4, 2)) * [w * s, h * s] * (rng.random() < 0.6)
    unit = target_h
    if rng.random() < 0.35:  # some car around the plate
        top, bottom, left, right = rng.uniform(0.0, 0.3, 4) * unit
    else:  # a tight cut, sometimes clipping the plate's edge
        top, bottom, left, right = rng.uniform(-0.04, 0.04, 4) * unit
    lo, hi = dst.min(0), dst.max(0)
    dst = dst - lo + [left, top]
    out_w, out_h = int(np.ceil(hi[0] - lo[0] + left + right)), int(np.ceil(hi[1] - lo[1] + top + bottom))
    return cv2.getPerspectiveTransform(src, dst.astype(np.float32)), max(4, out_w), max(4, out_h)


def _box(points: np.ndarray, w: int, h: int) -> tuple[int, int, int, int]:
    """Axis-aligned box (x, y, w, h) of pixel-centre points, clipped to a w x h image."""
    x0, y0 = np.floor(points.min(0) + 0.5).astype(int)
    x1, y1 = np.ceil(points.max(0) - 0.5).astype(int) + 1
    x0, y0 = min(max(0, x0), w - 1), min(max(0, y0), h - 1)
    x1, y1 = min(max(x0 + 1, x1), w), min(max(y0 + 1, y1), h)
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


def _warp(plate: np.ndarray, hulls: list[np.ndarray], target_h: float,
          rng: np.random.Generator) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Put the plate into a photo-like crop; map each character's ink hull with it."""
    h, w = plate.shape[:2]
    m, out_w, out_h = _homography(h, w, target_h, rng)
    src, m_src = plate, m
    if target_h < 0.8 * h:  # shrink first (area filter) so the warp does not alias
        sw, sh = max(1, round(w * target_h / h)), max(1, round(target_h))
        src = cv2.resize(plate, (sw, sh), interpolation=cv2.INTER_AREA)
        m_src = m @ np.diag([w / sw, h / sh, 1.0])
    out = _surround(out_h, out_w, rng)
    out = cv2.warpPerspective(src, m_src, (out_w, out_h), dst=out, flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_TRANSPARENT)
    boxes = [_box(cv2.perspectiveTransform(p[None], m)[0], out_w, out_h) for p in hulls]
    return out, boxes


def _light(f: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Uneven light: a gain ramp in a random direction, sometimes a soft-edged shadow."""
    h, w = f.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = rng.uniform(0, 2 * np.pi)
    d = (np.cos(a) * (xx - w / 2) + np.sin(a) * (yy - h / 2)) / max(h, w)
    if rng.random() < 0.5:
        f = f * (1.0 + d * rng.uniform(-0.8, 0.8))[..., None]
    if rng.random() < 0.15:
        edge = 1.0 / (1.0 + np.exp(-(d - rng.uniform(-0.3, 0.3)) * rng.uniform(10, 60)))
        f = f * (1.0 - rng.uniform(0.3, 0.6) * edge)[..., None]
    return f


def _photometric(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Camera effects on a BGR uint8 image: grey, light, contrast, gamma, blur, noise, JPEG."""
    if rng.random() < 0.25:
        img = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    f = _light(img.astype(np.float32) * rng.uniform(0.9, 1.1, 3).astype(np.float32), rng)
    f = (f - 128.0) * rng.uniform(0.55, 1.25) + 128.0 + rng.uniform(-40, 35)
    f = 255.0 * (np.clip(f, 0, 255) / 255.0) ** rng.uniform(0.7, 1.35)
    h = f.shape[0]
    if rng.random() < 0.7:
        f = cv2.GaussianBlur(f, (0, 0), rng.uniform(0.3, 1.1) * float(np.clip(h / 50, 0.6, 2.0)))
    if rng.random() < 0.12:  # motion blur
        k = int(rng.integers(3, max(4, h // 10) + 1))
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2] = 1.0 / k
        kernel = cv2.warpAffine(kernel, cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5),
                                                                rng.uniform(0, 180), 1.0), (k, k))
        f = cv2.filter2D(f, -1, kernel / max(kernel.sum(), 1e-6))
    if rng.random() < 0.8:
        f = f + rng.normal(0, rng.uniform(1, 9), f.shape).astype(np.float32)
    out = np.clip(f, 0, 255).astype(np.uint8)
    if rng.random() < 0.3:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(25, 90))])
        if ok:
            out = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return out


def render_plate(text: str | None, style: str, rng: np.random.Generator, font: Path | str,
                 height: float | None = None) -> RenderedPlate:
    """Render a plate of ``style`` with the ink box of every character.

    Args:
        text: rows split by newlines; ``SEPARATORS`` between groups are drawn (or left
            blank) but are no characters; None: a random text fitting the style.
        style: one of ``PLATE_STYLES``.
        rng: the only source of randomness (same seed, same plate).
        font: a font file (see ``trainer.fonts.find_plate_fonts``).
        height: the plate's height in the image in pixels; default random, 20 to
            160 (80 to 320 for a vertical plate).

    Returns:
        The plate; ``boxes[i]`` is the ink box of ``text[i]``, in reading order.

    Raises:
        ValueError: unknown style, or a text without characters or with others.
    """
    if style not in PLATE_STYLES:
        raise ValueError(f"unknown plate style {style!r}; expected one of {PLATE_STYLES}")
    rows = _rows(random_text(style, rng) if text is None else text, style)
    if not rows:
        raise ValueError(f"plate text {text!r} has no characters")
    turned = style == "vertical" and rng.random() < 0.4  # a row turned 90 degrees clockwise
    lo, hi = (80, 320) if style == "vertical" else (20, 160)
    target_h = float(height) if height else float(rng.uniform(lo, hi))
    per_row = target_h / (len(rows) if style == "vertical" and not turned else 1)
    cap = 72 if per_row >= 75 else 40
    path = str(font)
    lay = _layout(["".join(rows)] if turned else rows, path, cap, style, rng)
    plate = _paint(lay, style, path, rng)
    hulls = [_hull(alpha, x, y) for _, x, y, alpha in lay.glyphs]
    if turned:
        plate = np.ascontiguousarray(np.rot90(plate, -1))
        hulls = [np.c_[lay.height - 1 - p[:, 1], p[:, 0]].astype(np.float32) for p in hulls]
    image, boxes = _warp(plate, hulls, target_h, rng)
    text_out = "".join(c for c, *_ in lay.glyphs)
    return RenderedPlate(_photometric(image, rng), boxes, text_out, style)


# ---------------------------------------------------------------- stage-1 crops

def _gray_finish(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Ink (HxW float 0..1) -> a grey uint8 crop: either polarity, light, blur, low
    resolution, noise, sometimes binarized (Otsu) like the core's binarized crops."""
    bg = rng.uniform(110, 250)
    fg = rng.uniform(0, bg - 60)
    if rng.random() < 0.3:
        bg, fg = fg, bg
    img = bg + (fg - bg) * ink.astype(np.float32)
    h, w = img.shape
    if rng.random() < 0.4:
        img = img + (np.linspace(-1, 1, w, dtype=np.float32)[None] * rng.uniform(-25, 25)
                     + np.linspace(-1, 1, h, dtype=np.float32)[:, None] * rng.uniform(-25, 25))
    if rng.random() < 0.6:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 1.4) * max(h, 16) / 48)
    if rng.random() < 0.4:  # low resolution, then back up (like a small plate upscaled)
        s = rng.uniform(8, 24) / h
        small = cv2.resize(img, (max(2, round(w * s)), max(2, round(h * s))), interpolation=cv2.INTER_AREA)
        img = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    img = img + rng.normal(0, rng.uniform(0, 12), img.shape).astype(np.float32)
    out = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.15:
        _, out = cv2.threshold(out, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return out


def _cut(canvas: np.ndarray, box: tuple[float, float, float, float], rng: np.random.Generator,
         most: float = 0.15) -> np.ndarray:
    """``canvas`` cut around ``box`` (x0, y0, x1, y1) plus a random 0..``most`` margin per side."""
    x0, y0, x1, y1 = box
    m = rng.uniform(0, most, 4) * (y1 - y0)
    h, w = canvas.shape
    x0, y0 = int(np.clip(np.floor(x0 - m[0]), 0, w - 1)), int(np.clip(np.floor(y0 - m[1]), 0, h - 1))
    x1, y1 = int(np.clip(np.ceil(x1 + m[2]), x0 + 1, w)), int(np.clip(np.ceil(y1 + m[3]), y0 + 1, h))
    return canvas[y0:y1, x0:x1]


def _squeeze(rng: np.random.Generator, lo: float, hi: float) -> float:
    """Horizontal scale of a glyph: a third of the time condensed into lo..0.75."""
    if lo < 0.75 and rng.random() < 1 / 3:
        return float(rng.uniform(lo, 0.75))
    return float(rng.uniform(0.75, hi))


def _char_line(trio: list[str | None], path: str, size: int,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A character between two optional neighbours (None: none there), set like a plate.

    Returns:
        (ink canvas HxW float32 0..1, the middle glyph's ink hull Nx2).
    """
    sx = _squeeze(rng, 0.45, 1.2)
    weight = int(rng.choice([-1, 0, 1], p=[0.2, 0.6, 0.2])) * max(1, size // 32)
    gap = size * (rng.uniform(-0.06, 0.02) if rng.random() < 0.15 else rng.uniform(0.03, 0.3))
    shaped = [None if c is None else _shape(c, path, size, sx, weight, 0.04, rng) for c in trio]
    x, spots = size / 2, []
    for s in shaped:
        spots.append(round(x))
        x += size * 0.6 if s is None else s[0].shape[1] + gap
    canvas = np.zeros((int(size * 1.8), int(x + size / 2) + 2), np.float32)
    hull = np.zeros((1, 2), np.float32)
    for i, (s, px) in enumerate(zip(shaped, spots)):
        if s is not None:
            alpha, dx, dy = s
            px, py = max(0, px + dx), round(size * 0.4 + dy)
            h, w = alpha.shape
            np.maximum(canvas[py:py + h, px:px + w], alpha, out=canvas[py:py + h, px:px + w])
            if i == 1:
                hull = _hull(alpha, px, py)
    return canvas, hull


def render_char(ch: str, rng: np.random.Generator, font: Path | str, size: int = 64) -> np.ndarray:
    """One character crop as segmentation cuts it, for stage-1 classification.

    Args:
        ch: a plate character (``PLATE_CHARS``).
        rng: the only source of randomness.
        font: a font file.
        size: the glyph's cap height in pixels before any degradation.

    Returns:
        HxW uint8 grey crop, tight around the glyph with a 0-15% margin; parts of
        neighbouring glyphs may show at its left and right edges.

    Raises:
        ValueError: if ``ch`` is not a plate character.
    """
    if len(ch) != 1 or ch not in PLATE_CHARS:
        raise ValueError(f"not a plate character: {ch!r}")
    left, right = (_fill("L", rng, PLATE_CHARS) if rng.random() < 0.8 else None for _ in range(2))
    canvas, hull = _char_line([left, ch, right], str(font), size, rng)
    deg = float(np.clip(rng.normal(0, 3), -8, 8))
    rot = cv2.getRotationMatrix2D((canvas.shape[1] / 2, canvas.shape[0] / 2), deg, 1.0)
    canvas = cv2.warpAffine(canvas, rot, canvas.shape[::-1], flags=cv2.INTER_LINEAR)
    pts = hull @ rot[:, :2].T + rot[:, 2]
    target = (*pts.min(0), *pts.max(0))
    crop = _cut(canvas, target, rng).copy()
    if rng.random() < 0.06:  # a frame edge caught at the top or bottom of the cut
        t = max(1, crop.shape[0] // int(rng.integers(8, 16)))
        crop[slice(0, t) if rng.random() < 0.5 else slice(-t, None)] = 1.0
    return _gray_finish(crop, rng)


def _junk_screw(h: int, rng: np.random.Generator) -> np.ndarray:
    ink = np.zeros((h, h), np.float32)
    r = h // 2 - int(h * rng.uniform(0.0, 0.15)) - 1
    cv2.circle(ink, (h // 2, h // 2), max(2, r), 1.0, -1)
    if rng.random() < 0.7:  # the slot or cross
        cv2.line(ink, (h // 2 - r // 2, h // 2), (h // 2 + r // 2, h // 2), 0.3, max(1, r // 4))
    return ink


def _junk_band(h: int, path: str, rng: np.random.Generator) -> np.ndarray:
    """A slice of an EU band: dark, with light stars in a ring and a country code."""
    w = int(h * rng.uniform(0.35, 0.7))
    ink = np.ones((h, w), np.float32)
    r, cy = w * 0.3, h * rng.uniform(0.2, 0.4)
    for k in range(12):
        a = k * np.pi / 6
        cv2.circle(ink, (round(w / 2 + r * np.cos(a)), round(cy + r * np.sin(a))), max(1, w // 16), 0.0, -1)
    code = _text_alpha(("SK", "D", "E", "CZ", "GB")[int(rng.integers(5))], path, max(5, w // 3))
    ch, cw = min(code.shape[0], h - int(h * 0.6)), min(code.shape[1], w)
    ink[int(h * 0.6):int(h * 0.6) + ch, :cw] -= code[:ch, :cw]
    return ink


def _junk_blob(h: int, rng: np.random.Generator) -> np.ndarray:
    w = int(h * rng.uniform(0.4, 1.3))
    ink = np.zeros((h, w), np.float32)
    for _ in range(int(rng.integers(1, 4))):
        c = (int(rng.integers(w)), int(rng.integers(h)))
        axes = (int(rng.integers(2, w // 2 + 3)), int(rng.integers(2, h // 2 + 3)))
        cv2.ellipse(ink, c, axes, float(rng.uniform(0, 180)), 0, 360, float(rng.uniform(0.5, 1)), -1)
    return ink


def _junk_mark(h: int, rng: np.random.Generator) -> np.ndarray:
    """A separator: a dash or a dot, cut as tightly as a character would be."""
    w = int(h * rng.uniform(0.5, 1.0))
    ink = np.zeros((h, w), np.float32)
    if rng.random() < 0.5:
        t = max(2, int(h * rng.uniform(0.08, 0.2)))
        cv2.rectangle(ink, (w // 6, h // 2 - t // 2), (w - w // 6, h // 2 + t // 2), 1.0, -1)
    else:
        cv2.circle(ink, (w // 2, h // 2), max(2, int(h * rng.uniform(0.1, 0.2))), 1.0, -1)
    return ink


def _junk_glyphs(h: int, path: str, rng: np.random.Generator) -> np.ndarray:
    """Small print (2-4 tiny letters together) or half of a character sliced across."""
    if rng.random() < 0.5:
        word = _fill("L" * int(rng.integers(2, 5)), rng, PLATE_CHARS)
        ink = np.array(_text_alpha(word, path, max(6, int(h * rng.uniform(0.2, 0.45)))))
    else:
        alpha, _, _ = _shape(PLATE_CHARS[int(rng.integers(len(PLATE_CHARS)))], path, h, 1.0, 0, 0.0, rng)
        cut = int(alpha.shape[0] * rng.uniform(0.4, 0.6))
        ink = alpha[:cut] if rng.random() < 0.5 else alpha[cut:]
    return cv2.copyMakeBorder(ink, 4, 4, 4, 4, cv2.BORDER_CONSTANT, value=0)


def render_junk(rng: np.random.Generator, font: Path | str) -> np.ndarray:
    """A crop of something on a plate that is not a character (the ``#`` class).

    A screw, a piece of frame edge, a slice of the EU band with its ring of stars, a
    blob or logo, a dash or dot, a few letters of small print, half a character,
    noise, or a plain patch: cut and degraded like ``render_char``'s crops.

    Args:
        rng: the only source of randomness.
        font: a font file (for small print and sliced characters).

    Returns:
        HxW uint8 grey crop.
    """
    path, h = str(font), int(rng.integers(24, 90))
    kind = int(rng.integers(9))
    if kind == 0:
        ink = _junk_screw(h, rng)
    elif kind == 1:  # frame edge: a thin bar along one side of a wide cut, often a corner
        ink = np.zeros((h, int(h * rng.uniform(0.5, 1.2))), np.float32)
        t = max(2, int(ink.shape[1] * rng.uniform(0.06, 0.2)))
        ink[:, :t] = 1.0
        if rng.random() < 0.6:
            ink[:t] = 1.0
        ink = ink[::-1, ::-1] if rng.random() < 0.5 else ink
    elif kind == 2:
        ink = _junk_band(h, path, rng)
    elif kind == 3:
        ink = _junk_blob(h, rng)
    elif kind == 4:
        ink = _junk_mark(h, rng)
    elif kind == 5:
        ink = _junk_glyphs(h, path, rng)
    elif kind == 6:  # noise
        ink = cv2.resize(rng.random((4, 3)).astype(np.float32), (int(h * rng.uniform(0.3, 1)), h))
        ink = (ink > rng.uniform(0.4, 0.7)).astype(np.float32) * ink
    else:  # a plain patch of plate
        ink = np.zeros((h, int(h * rng.uniform(0.2, 1.0))), np.float32)
    if kind in (0, 3, 4, 5):  # tight cut, like a segmented blob
        ys, xs = np.nonzero(ink > 0.5)
        if ys.size:
            ink = _cut(ink, (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1), rng)
    return _gray_finish(ink, rng)
