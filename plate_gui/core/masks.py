"""Ink masks of a plate: the binarizations segmentation reads, and the plate body.

Pure OpenCV: ``HxW uint8`` gray in, ``HxW uint8`` masks out (ink = 255).
"""

from __future__ import annotations

import cv2
import numpy as np

# A background piece at least this large against the largest is plate body too.
# Measured on plates-dev (bundled model): 518 -> 521 exact plates (HK +3: VX1458,
# JJ9181, KK6880, whose first letter and the digit under it cut the body in two).
BODY_PART = 0.3


def binarizations(work: np.ndarray, flat: bool = False) -> list[tuple[np.ndarray, bool]]:
    """The candidate ink masks of a working-scale plate.

    Args:
        work: ``HxW uint8`` gray.

    Returns:
        ``(mask, light_on_dark)`` pairs; masks are ``HxW uint8`` with ink = 255.
    """
    h, w = work.shape
    block = int(min(h, w) * 0.5) | 1
    block = max(block, 11)
    blur = cv2.GaussianBlur(work, (3, 3), 0)
    out = []
    for light in (False, True):
        img = blur if light else 255 - blur  # ink is bright in ``img``
        _, otsu = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        local = cv2.adaptiveThreshold(img, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                                      cv2.THRESH_BINARY, block, -4)
        for mask in (otsu, local):
            out.append((mask, light))
            clipped = clip_to_plate(mask)
            if clipped is not None:
                out.append((clipped, light))
        # Thin bridges join characters to each other and to the frame: erode them away.
        out.append((cv2.erode(otsu, np.ones((3, 3), np.uint8)), light))
        out.append((cv2.erode(local, np.ones((3, 3), np.uint8)), light))
        if flat:
            out.append((flattened_ink(work, light)[0], light))
    return out


def flattened_ink(work: np.ndarray, light: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """An ink mask made robust to shade, frame and rims.

    The uneven light is divided out first (shade across a plate hides whole
    characters from a global threshold): the background is the image with its
    strokes opened away (a top-hat). The Otsu mask of what is left is clipped to
    the plate body, kept clear of its edge, and loses its long straight lines.

    Args:
        work: ``HxW uint8`` gray.
        light: True for light ink on a dark plate.

    Returns:
        ``(mask, hull)``: ``HxW uint8`` masks (255 = ink; inside the body); hull is
        None when no plate body stands out (the mask is then not clipped).
    """
    blur = cv2.GaussianBlur(work, (3, 3), 0)
    ink = blur if light else 255 - blur
    k = max(5, round(0.2 * min(work.shape))) | 1
    bg = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    flat = cv2.normalize(cv2.subtract(ink, bg), None, 0, 255, cv2.NORM_MINMAX)
    _, mask = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    # The body is found on the plain threshold: flattening takes the dark surround
    # away with the shade, and with it the body's outline.
    _, plain = cv2.threshold(ink, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    hull = plate_hull(plain)
    if hull is not None:
        # Away from the body's edge: the frame's inner rim is not a character.
        e = max(3, round(0.035 * min(work.shape)))
        hull = cv2.erode(hull, np.ones((e, e), np.uint8))
        mask = cv2.bitwise_and(mask, hull)
    return _without_rims(mask), hull


def _without_rims(mask: np.ndarray) -> np.ndarray:
    """The mask less its long straight lines: a run of ink a third of the plate wide,
    or nearly its full height, is a frame rim or a bar, never a character's stroke."""
    h, w = mask.shape
    # Thickened up and down first, so that a rim tilted by perspective still holds
    # a straight horizontal run.
    thick = cv2.dilate(mask, np.ones((5, 1), np.uint8))
    flat = cv2.morphologyEx(thick, cv2.MORPH_OPEN, np.ones((1, max(3, w // 3)), np.uint8))
    tall = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((max(3, int(0.92 * h)), 1), np.uint8))
    return cv2.subtract(mask, cv2.bitwise_or(flat, tall))


def clip_to_plate(mask: np.ndarray) -> np.ndarray | None:
    """Keep only the ink inside the plate's body, cutting characters off the frame.

    The plate body is the largest non-ink component; its convex hull (which takes
    in characters that notch its edge) bounds the characters. Characters touching
    the plate's edge are otherwise one component with the dark surround.

    Args:
        mask: ``HxW uint8`` ink mask (255 = ink).

    Returns:
        The clipped mask, or None when no plate body stands out (nothing to clip).
    """
    hull = plate_hull(mask)
    return None if hull is None else cv2.bitwise_and(mask, hull)


def plate_hull(mask: np.ndarray) -> np.ndarray | None:
    """The plate body's convex hull (``HxW uint8``, 255 inside), slightly eroded, or
    None when no body stands out (see ``clip_to_plate``)."""
    h, w = mask.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(255 - mask, connectivity=4)
    if n < 2:
        return None
    big = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[big, cv2.CC_STAT_AREA] < 0.25 * h * w:
        return None
    # A character touching the frame above and one touching it below can cut the
    # body in two (Hong Kong's two-row plates): large pieces all belong to it.
    areas = stats[:, cv2.CC_STAT_AREA]
    parts = [i for i in range(1, n) if areas[i] >= BODY_PART * areas[big]]
    body = np.isin(labels, parts).astype(np.uint8)
    # The hull of the body's outline is the hull of the body, from far fewer points.
    contours, _ = cv2.findContours(body, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = np.zeros_like(mask)
    cv2.fillConvexPoly(hull, cv2.convexHull(np.concatenate(contours)), 255)
    hull = cv2.erode(hull, np.ones((3, 3), np.uint8))
    if cv2.countNonZero(hull) > 0.97 * h * w:
        return None
    return hull


def least_inked_row(mask: np.ndarray, y0: int, y1: int, x0: int, x1: int) -> int | None:
    """The row between 30% and 70% of ``y0..y1`` crossed by the least ink within
    columns ``x0..x1``: where a two-row plate's rows part. None when too short."""
    lo, hi = int(0.3 * (y1 - y0)), int(0.7 * (y1 - y0))
    if hi - lo < 2:
        return None
    profile = (mask[y0:y1, x0:x1] > 0).sum(axis=1)
    return y0 + lo + int(np.argmin(profile[lo:hi]))


def row_splits(mask: np.ndarray, y0: int, y1: int, x0: int, x1: int) -> list[int]:
    """Rows between 30% and 75% of ``y0..y1`` where a two-row plate's rows may part:
    the valleys of the ink crossing each row (columns ``x0..x1``), least ink first.

    The least-inked row alone (``least_inked_row``) misleads where the top row has
    fewer characters than the bottom one (Hong Kong: two letters over four digits): a
    line through the letters' middles crosses less ink than the gap where they touch
    the digits.

    Args:
        mask: ``HxW uint8`` ink mask (255 = ink).

    Returns:
        Candidate rows (absolute), one per valley; empty when ``y0..y1`` is too short.
    """
    lo, hi = int(0.3 * (y1 - y0)), int(0.75 * (y1 - y0))
    if hi - lo < 2:
        return []
    profile = (mask[y0:y1, x0:x1] > 0).sum(axis=1).astype(np.float64)
    smooth = np.convolve(profile, np.ones(3) / 3, mode="same")
    valleys: dict[int, float] = {}
    y = lo
    while y < hi:
        # A plateau of equal values is one valley, at its middle.
        end = y
        while end + 1 < hi and smooth[end + 1] == smooth[y]:
            end += 1
        before = smooth[y - 1] if y > 0 else np.inf
        after = smooth[end + 1] if end + 1 < len(smooth) else np.inf
        if smooth[y] <= before and smooth[y] <= after:
            valleys[y0 + (y + end) // 2] = float(smooth[y])
        y = end + 1
    return sorted(valleys, key=lambda r: (valleys[r], r))


def even_rows(mask: np.ndarray, y0: int, y1: int, x0: int, x1: int,
              heights: tuple[float, float]) -> tuple[int, tuple[tuple[int, int], ...]] | None:
    """Where a two-row plate's rows part, and their extents: of the valleys of
    ``row_splits`` that leave two rows whose height ratio (top / bottom) lies within
    ``heights``, the one that leaves the most equal heights.

    A Hong Kong plate's two rows are of one height. The least-inked valley often runs
    through the letters' middles (a U or an N has only its stems there) and, where it
    still leaves rows of about one height, the letters' bottoms go to the bottom row:
    an E read as F, a B as R.

    Returns:
        ``(split, ((top, bottom) of row 1, (top, bottom) of row 2))``, absolute rows,
        or None when no valley leaves two such rows.
    """
    best, best_skew = None, np.inf
    for split in row_splits(mask, y0, y1, x0, x1):
        rows = []
        for a, b in ((y0, split), (split, y1)):
            extent = row_extent(mask[a:b])
            if extent is None or extent[1] - extent[0] < 0.15 * (y1 - y0):
                break
            rows.append((a + extent[0], a + extent[1]))
        if len(rows) < 2:
            continue
        ratio = (rows[0][1] - rows[0][0]) / max(1, rows[1][1] - rows[1][0])
        skew = abs(np.log(ratio))
        if heights[0] <= ratio <= heights[1] and skew < best_skew:
            best, best_skew = (split, tuple(rows)), skew
    return best


def row_extent(part: np.ndarray) -> tuple[int, int] | None:
    """Top and bottom of the characters in one row's strip: the median extent of its
    character-sized components (a rim, screws or the surround reach further)."""
    h, w = part.shape
    n, _, stats, _ = cv2.connectedComponentsWithStats(part, connectivity=8)
    tops, bottoms = [], []
    for x, y, bw, bh, _ in stats[1:n]:
        if bh >= 0.3 * h and bw <= 3 * bh and x > 0 and x + bw < w:
            tops.append(y)
            bottoms.append(y + bh)
    if not tops:
        return None
    top, bottom = float(np.median(tops)), float(np.median(bottoms))
    grow = 0.06 * (bottom - top)
    return max(0, int(top - grow)), min(h, int(np.ceil(bottom + grow)))
