"""Pictures that stand in a US plate's line of characters and are not characters.

On plates-dev the chosen reading kept such a picture as a character at 0.77-0.98:
New Mexico's zia (read 4 or 6), Minnesota's state outline (1), the wheelchair
symbol of Iowa and Minnesota plates (6, E), Maryland's and North Carolina's letters
stacked in a column beside the number (MSC read 49, ES read 5). The renderer's own
emblems were small ovals and diamonds. These are drawn as large as a character so
that the segmentation cuts them like one and the plate set labels them junk.
"""

from __future__ import annotations

import cv2
import numpy as np

EMBLEM_KINDS = ("sun", "wheelchair", "outline", "stack")


def draw_emblem(img: np.ndarray, box: tuple[int, int, int, int], color: tuple, kind: str,
                letters: list[np.ndarray], rng: np.random.Generator) -> None:
    """Draw one emblem of ``kind`` into ``box`` (x, y, w, h) of ``img`` (BGR, in place).

    ``letters``: small glyph alphas (float 0..1) for the ``stack`` kind.
    """
    x0, y0, w, h = box
    # drawn on a copy of the box, so nothing strays outside it
    canvas = img[y0:y0 + h, x0:x0 + w].copy()
    _draw(canvas, color, kind, letters, rng)
    img[y0:y0 + h, x0:x0 + w] = canvas


def _draw(img: np.ndarray, color: tuple, kind: str, letters: list[np.ndarray],
          rng: np.random.Generator) -> None:
    h, w = img.shape[:2]
    x = y = 0
    cx, cy = w // 2, h // 2
    t = max(1, round(h * rng.uniform(0.06, 0.12)))
    if kind == "sun":  # a disc with bundles of rays, New Mexico's zia
        r = max(2, round(min(w, h) * rng.uniform(0.14, 0.22)))
        cv2.circle(img, (cx, cy), r, color, -1)
        inner = tuple(float(v) for v in rng.uniform(0, 255, 3))
        if rng.random() < 0.6:
            cv2.circle(img, (cx, cy), max(1, r * 2 // 3), inner, -1)
        n = int(rng.integers(3, 5))
        for ax, ay in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            for k in range(n):
                off = round((k - (n - 1) / 2) * t * 1.8)
                px, py = (0, off) if ax else (off, 0)
                reach = (w // 2 if ax else h // 2) - 1
                p0 = (cx + ax * (r + t) + px, cy + ay * (r + t) + py)
                p1 = (cx + ax * reach + px, cy + ay * reach + py)
                cv2.line(img, p0, p1, color, t)
    elif kind == "wheelchair":  # head, back and seat, wheel
        s = min(w, h)
        cv2.circle(img, (x + round(s * 0.35), y + round(s * 0.12)), max(1, round(s * 0.09)), color, -1)
        pts = np.array([[0.35, 0.25], [0.35, 0.6], [0.7, 0.6], [0.85, 0.95]]) * s + (x, y)
        cv2.polylines(img, [pts.round().astype(np.int32)], False, color, t)
        cv2.ellipse(img, (x + round(s * 0.4), y + round(s * 0.68)), (round(s * 0.28),) * 2,
                    0, 60, 330, color, t)
    elif kind == "outline":  # a state's silhouette: a filled irregular polygon
        n = int(rng.integers(6, 12))
        ang = np.sort(rng.uniform(0, 2 * np.pi, n))
        rad = rng.uniform(0.6, 1.0, n)
        pts = np.stack([cx + np.cos(ang) * rad * w / 2, cy + np.sin(ang) * rad * h / 2], 1)
        cv2.fillPoly(img, [pts.round().astype(np.int32)], color)
    else:  # stack: small letters in a column
        at = y
        for alpha in letters:
            ah, aw = alpha.shape
            if at + ah > img.shape[0] or x + aw > img.shape[1]:
                break
            region = img[at:at + ah, x:x + aw].astype(np.float32)
            a = alpha[..., None]
            img[at:at + ah, x:x + aw] = (region * (1 - a) + np.float32(color) * a).astype(np.uint8)
            at += ah + max(1, ah // 5)
