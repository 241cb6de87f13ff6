"""Ink colour: the characters of a plate share one ink; its emblems mostly do not.

Segmentation works on gray, where a state's emblem between the character groups
(Oregon's green tree, Utah's orange arch, New Mexico's red Zia, Illinois' blue
Lincoln) has a character's size and darkness, and the model reads it as a 6, G or
4, or touches a character and hides it in one component with it. In colour it
stands out: its ink's chroma is far from the characters' (``off_colour``), and a
colour channel parts it from them (``chroma_views``).

Pure numpy and OpenCV: ``HxWx3 uint8`` BGR in.
"""

from __future__ import annotations

import cv2
import numpy as np

from .results import Box, CharPrediction

# Measured on plates-dev (candidate readings replayed, the bundled model): exact
# plates 508 -> 519 of 797 (US +9, HK +2, no region worse); 515 to 519 for any
# distance from 8 to 10 and any confidence cut from 0.9 to 0.95.
MIN_DISTANCE = 8.0  # a, b units of CIE Lab (a grey ink is 0, 0)
SPREAD = 3.0  # ... and this many times the median character's distance
MAX_CONFIDENCE = 0.95  # a character read more surely than this always stays
MIN_CHARS = 4


def ink_chroma(bgr: np.ndarray, box: Box) -> tuple[float, float] | None:
    """The mean (a, b) chroma of the ink inside ``box``, or None for an empty box.

    Ink is the minority side of the box's Otsu threshold (a character covers less
    of its box than the plate around it does).
    """
    x0, y0 = max(0, box.x), max(0, box.y)
    x1, y1 = min(bgr.shape[1], box.x + box.w), min(bgr.shape[0], box.y + box.h)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    patch = np.ascontiguousarray(bgr[y0:y1, x0:x1])
    gray = cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY)
    t, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    dark = gray <= t
    ink = dark if dark.mean() < 0.5 else ~dark
    if not ink.any():
        return None
    lab = cv2.cvtColor(patch, cv2.COLOR_BGR2Lab)  # 8-bit: a and b offset by 128
    a, b = lab[..., 1][ink].mean() - 128.0, lab[..., 2][ink].mean() - 128.0
    return float(a), float(b)


def off_colour(chroma: list[tuple[float, float] | None],
               confidences: list[float]) -> list[bool]:
    """Which characters' ink is far from the others' (and not read for sure).

    Args:
        chroma: each character's ink chroma (``ink_chroma``), None when unknown.
        confidences: each character's confidence.

    Returns:
        One flag per character; all False for fewer than ``MIN_CHARS`` characters.
    """
    n = len(chroma)
    if n < MIN_CHARS or n != len(confidences):
        return [False] * n
    known = np.array([c for c in chroma if c is not None], np.float64)
    if len(known) < MIN_CHARS:
        return [False] * n
    centre = np.median(known, axis=0)
    dist = [None if c is None else float(np.hypot(c[0] - centre[0], c[1] - centre[1]))
            for c in chroma]
    cut = max(MIN_DISTANCE, SPREAD * float(np.median([d for d in dist if d is not None])))
    return [d is not None and d > cut and conf < MAX_CONFIDENCE
            for d, conf in zip(dist, confidences)]


def same_ink(chars: list[CharPrediction], bgr: np.ndarray,
             cache: dict) -> list[CharPrediction]:
    """``chars`` less the doubtful ones inked in another colour (``off_colour``).

    Args:
        chars: one reading's characters, each with its box in ``bgr``.
        bgr: the plate image, ``HxWx3 uint8``.
        cache: box tuple -> ink chroma, shared across the readings of one image.
    """
    chroma = []
    for c in chars:
        key = c.box.as_tuple()
        if key not in cache:
            cache[key] = ink_chroma(bgr, c.box)
        chroma.append(cache[key])
    drop = off_colour(chroma, [c.confidence for c in chars])
    return [c for c, d in zip(chars, drop) if not d]


# Measured on plates-dev (candidate readings replayed): a channel whose spread is
# under 3 to 6 units holds no emblem worth reading apart (3: same figures as 6).
MIN_CHROMA_SPREAD = 6.0


def chroma_views(bgr: np.ndarray) -> list[np.ndarray]:
    """The image's CIE a (green-red) and b (blue-yellow) channels, each stretched to
    ``HxW uint8``, for segmentation to binarize besides gray: blue characters and a
    green tree of one darkness differ in both. Channels spread less than
    ``MIN_CHROMA_SPREAD`` (grey images, plain plates) are left out."""
    if bgr.ndim != 3 or bgr.shape[2] != 3:
        return []
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2Lab)
    out = []
    for ch in (1, 2):
        c = np.ascontiguousarray(lab[..., ch])
        if float(c.std()) >= MIN_CHROMA_SPREAD:
            out.append(cv2.normalize(c, None, 0, 255, cv2.NORM_MINMAX))
    return out
