"""Plate-lettering shapes no packaged font draws, as strokes in the glyph's own box.

On plates-dev, clear and well-cut US and Brazilian characters were read wrong at
0.9 and more: a narrow W whose middle apex stops halfway up (read N or H), an M
whose V stops at mid-height (read H), an 8 of two stacked rounded rectangles (read
B), a 1 with a foot (read J); and in Hong Kong a J with a top bar (read 3). The
fonts the renderer uses draw none of these, so a share of those characters is drawn
here instead, and so are the characters they were taken for (H, N, B, I, J, 3), drawn
the same way, so that the way of drawing tells the model nothing about the character.

A shape fills the ``HxW`` box of the font's own glyph, so height, width and
placement stay the font's; strokes are drawn 4x larger and scaled down (smooth
edges).
"""

from __future__ import annotations

import cv2
import numpy as np

STROKE_CHARS = "8BWMNHIJ13"
STROKE_SHARE = 0.25
_SS = 4  # supersampling
_MAX_STROKE = {"W": 0.15, "M": 0.15, "N": 0.22, "H": 0.22}  # of the box's width


def stroke_glyph(ch: str, shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """``ch`` drawn in plate strokes filling ``shape`` (``HxW uint8``, 255 = ink).

    Raises:
        KeyError: for a character not in ``STROKE_CHARS``.
    """
    h, w = shape
    H, W = h * _SS, max(1, w) * _SS
    # plate strokes are 0.1-0.17 of the cap height; a narrow box keeps its counters
    # open (W and M cross it with four strokes)
    t = max(_SS, round(min(H * rng.uniform(0.10, 0.17), W * _MAX_STROKE.get(ch, 0.28))))
    # the stroke's centre line runs inside the box by half a stroke
    m = t / 2
    canvas = np.zeros((H, W), np.uint8)
    _DRAW[ch](canvas, m, t, rng)
    return cv2.resize(canvas, (max(1, w), h), interpolation=cv2.INTER_AREA)


def _pt(canvas: np.ndarray, m: float, fx: float, fy: float) -> tuple[int, int]:
    """The point at fractions (fx, fy) of the stroke centre's box."""
    H, W = canvas.shape
    return (round(m + fx * max(0.0, W - 1 - 2 * m)), round(m + fy * max(0.0, H - 1 - 2 * m)))


def _lines(canvas: np.ndarray, m: float, t: int, *paths: list[tuple[float, float]]) -> None:
    for path in paths:
        pts = np.array([_pt(canvas, m, x, y) for x, y in path], np.int32)
        cv2.polylines(canvas, [pts], False, 255, t, lineType=cv2.LINE_8)
        for p in pts:  # round joints and ends
            cv2.circle(canvas, tuple(int(v) for v in p), t // 2, 255, -1)


def draw_ring(canvas: np.ndarray, x0: int, y0: int, x1: int, y1: int, r: int, t: int) -> None:
    """A rounded-rectangle ring (x0, y0)-(x1, y1) of stroke ``t`` with outer corners of
    radius ``r``, inked (255) into ``canvas`` (``HxW uint8``)."""
    outer = _rounded_rect(canvas.shape, x0, y0, x1, y1, r)
    inner = _rounded_rect(canvas.shape, x0 + t, y0 + t, x1 - t, y1 - t, max(0, r - t))
    canvas[(outer > 0) & (inner == 0)] = 255


def _rounded_rect(shape: tuple[int, int], x0: int, y0: int, x1: int, y1: int,
                  r: int) -> np.ndarray:
    """A filled rectangle (x0, y0)-(x1, y1) with corners of radius ``r`` (``HxW uint8``)."""
    out = np.zeros(shape, np.uint8)
    if x1 <= x0 or y1 <= y0:
        return out
    r = max(0, min(r, (x1 - x0) // 2, (y1 - y0) // 2))
    cv2.rectangle(out, (x0 + r, y0), (x1 - r, y1), 255, -1)
    cv2.rectangle(out, (x0, y0 + r), (x1, y1 - r), 255, -1)
    for cx, cy in ((x0 + r, y0 + r), (x1 - r, y0 + r), (x0 + r, y1 - r), (x1 - r, y1 - r)):
        cv2.circle(out, (cx, cy), r, 255, -1)
    return out


def _two_bowls(canvas: np.ndarray, t: int, rng: np.random.Generator, square_left: bool) -> None:
    """8 (two stacked rounded rectangles, the top one a little narrower) or, with a
    square left side, B."""
    H, W = canvas.shape
    mid = round(H * rng.uniform(0.44, 0.5))
    inset = 0 if square_left else round(W * rng.uniform(0.0, 0.08))
    r = round(min(W, H / 2) * rng.uniform(0.3, 0.5))
    draw_ring(canvas, inset, 0, W - 1 - inset, mid + t // 2, r, t)
    draw_ring(canvas, 0, mid - t // 2, W - 1, H - 1, r, t)
    if square_left:
        canvas[:, :t] = 255
        canvas[:t, :max(t, r)] = 255
        canvas[H - t:, :max(t, r)] = 255
        canvas[mid - t // 2:mid + t // 2 + 1, :max(t, r)] = 255


def _eight(canvas, m, t, rng):
    _two_bowls(canvas, t, rng, square_left=False)


def _b(canvas, m, t, rng):
    _two_bowls(canvas, t, rng, square_left=True)


def _w(canvas, m, t, rng):
    q, apex = rng.uniform(0.18, 0.3), rng.uniform(0.0, 0.55)
    _lines(canvas, m, t, [(0, 0), (q, 1), (0.5, apex), (1 - q, 1), (1, 0)])


def _m(canvas, m, t, rng):
    slant, v = rng.uniform(0.0, 0.08), rng.uniform(0.45, 1.0)
    _lines(canvas, m, t, [(0, 1), (slant, 0), (0.5, v), (1 - slant, 0), (1, 1)])


def _n(canvas, m, t, rng):
    _lines(canvas, m, t, [(0, 1), (0, 0), (1, 1), (1, 0)])


def _h(canvas, m, t, rng):
    bar = rng.uniform(0.42, 0.55)
    _lines(canvas, m, t, [(0, 0), (0, 1)], [(1, 0), (1, 1)], [(0, bar), (1, bar)])


def _i(canvas, m, t, rng):
    if rng.random() < 0.5:
        _lines(canvas, m, t, [(0.5, 0), (0.5, 1)], [(0.1, 0), (0.9, 0)], [(0.1, 1), (0.9, 1)])
    else:
        _lines(canvas, m, t, [(0.5, 0), (0.5, 1)])


def _one(canvas, m, t, rng):
    stem = rng.uniform(0.5, 0.7)
    paths = [[(rng.uniform(0.0, 0.2), rng.uniform(0.15, 0.3)), (stem, 0), (stem, 1)]]
    if rng.random() < 0.6:
        paths.append([(rng.uniform(0.05, 0.2), 1), (rng.uniform(0.85, 1.0), 1)])
    _lines(canvas, m, t, *paths)


def _j(canvas, m, t, rng):
    hook = rng.uniform(0.6, 0.8)
    paths = [[(0.85, 0), (0.85, hook)]]
    if rng.random() < 0.4:  # a top bar, as wide as the letter on Hong Kong's plates
        paths.append([(rng.uniform(0.0, 0.3), 0), (1, 0)])
    if rng.random() < 0.3:  # the hook's end turned up
        paths.append([(0.1, hook), (0.1, hook - rng.uniform(0.05, 0.25))])
    _lines(canvas, m, t, *paths)
    cx0, cy = _pt(canvas, m, 0.475, hook)
    rx = max(1, _pt(canvas, m, 0.85, 0)[0] - cx0)
    ry = max(1, _pt(canvas, m, 0, 1)[1] - cy)
    cv2.ellipse(canvas, (cx0, cy), (rx, ry), 0, 0, 180, 255, t)


def _three(canvas, m, t, rng):
    """A flat-topped 3 (UK and Hong Kong lettering): a top bar, a diagonal to the
    middle, a bowl below; the J with a top bar was read as it."""
    mid = rng.uniform(0.38, 0.48)
    _lines(canvas, m, t, [(0, 0), (1, 0), (0.4, mid)])
    cx, cy = _pt(canvas, m, 0.45, (1 + mid) / 2)
    rx = max(1, _pt(canvas, m, 1, 0)[0] - cx)
    ry = max(1, _pt(canvas, m, 0, 1)[1] - cy)
    cv2.ellipse(canvas, (cx, cy), (rx, ry), 0, -100, 150, 255, t)


_DRAW = {"8": _eight, "B": _b, "W": _w, "M": _m, "N": _n, "H": _h, "I": _i, "J": _j, "1": _one,
         "3": _three}
