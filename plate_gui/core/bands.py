"""Row bands and candidate cuts: the OpenCV half of recognition-driven segmentation.

Connected components fail where characters touch each other, the frame or the
other row (Hong Kong two-row plates, worn US plates). Here a plate is instead
described as one or two horizontal *bands* of text; inside each band the ink's
column profile gives candidate cut positions, and every stretch between two cuts
that is about a character wide is a candidate piece. The recognizer classifies
the pieces and picks, by dynamic programming, the cuts whose pieces read best
(``read_band``). Nothing here runs the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .masks import even_rows, flattened_ink
from .results import Box
from .segmentation import TWO_ROW_HEIGHTS, to_original, working_image

MIN_PIECE_W = 0.12  # piece width limits, in band heights
MAX_PIECE_W = 1.05
MAX_CUTS = 24


@dataclass(frozen=True)
class Band:
    """One row of text and its candidate pieces.

    Attributes:
        row: 0 for the top row.
        cuts: candidate cut columns, increasing (working-scale pixels).
        pieces: ``(box, crop)``: distinct candidate pieces, their box in the input
            image and ``HxW uint8`` gray crop.
        spans: ``(i, j, k)``: the piece between ``cuts[i]`` and ``cuts[j]`` is ``pieces[k]``.
        skip_cost: for each gap ``cuts[k]..cuts[k+1]``, how much ink skipping it
            leaves unread (0 for blank columns, about 1 for a character's worth).
    """

    row: int
    cuts: tuple[int, ...]
    pieces: tuple[tuple[Box, np.ndarray], ...]
    spans: tuple[tuple[int, int, int], ...]
    skip_cost: tuple[float, ...]


def two_row_bands(gray: np.ndarray) -> list[tuple[Band, ...]]:
    """The two text rows of a squarish plate as bands, when it has two rows of about
    the same height (not a US state name over the characters).

    Args:
        gray: ``HxW uint8`` plate image (boxes are given in its coordinates).

    Returns:
        ``[(top band, bottom band)]``, or ``[]`` when the plate shows no two rows.
    """
    work, scale = working_image(gray)
    h, w = work.shape
    if not 1.0 <= w / h <= 2.8:
        return []
    mask, hull = _ink_mask(work)
    rows = _two_rows(mask, hull)
    if rows is None:
        return []
    bands = tuple(_band(gray, work, mask, hull, scale, r, y0, y1) for r, (y0, y1) in enumerate(rows))
    return [bands] if all(b.pieces for b in bands) else []


def _ink_mask(work: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The flattened ink mask of the polarity whose plate body stands out (dark ink
    first: most plates), and the body's hull (None when neither has one)."""
    first = None
    for light in (False, True):
        mask, hull = flattened_ink(work, light)
        if hull is not None:
            return mask, hull
        first = first if first is not None else mask
    return first, None


def _two_rows(mask: np.ndarray, hull: np.ndarray | None) -> tuple[tuple[int, int], ...] | None:
    """The two text rows' extents (``masks.even_rows`` within the body), or None.

    Benched on plates-dev: the first valley of the three least inked that left rows of
    about one height: 561 exact plates (bundle's environment 558); the valley that
    leaves the most equal heights: 563 (561; UZ8086 and NE3331 read whole, none lost).
    """
    h, w = mask.shape
    if hull is not None:
        ys = np.nonzero(hull.any(axis=1))[0]
        y0, y1 = int(ys[0]), int(ys[-1]) + 1
    else:
        y0, y1 = 0, h
    found = even_rows(mask, y0, y1, w // 8, w - w // 8, TWO_ROW_HEIGHTS)
    return None if found is None else found[1]


def _band(gray: np.ndarray, work: np.ndarray, mask: np.ndarray, hull: np.ndarray | None,
          scale: float, row: int, y0: int, y1: int) -> Band:
    """Candidate cuts and pieces of the text row ``y0..y1`` (working scale).

    Ink cut off by the body's left or right edge is the frame's corner or rim (read
    as L, I or J on plates-dev), never a character: no piece may touch it."""
    bh = max(1, y1 - y0)
    inside = np.nonzero(hull[y0:y1].any(axis=0))[0] if hull is not None else np.arange(mask.shape[1])
    left, right = (int(inside[0]), int(inside[-1]) + 1) if inside.size else (0, mask.shape[1])
    strip = mask[y0:y1] > 0
    profile = strip.sum(axis=0).astype(np.float64)
    # Columns crossed by only a sliver of ink (a rim's remains, a screw's edge) count
    # as blank: characters' thinnest parts still cross a fair share of the band.
    profile[profile < max(1.0, 0.07 * bh)] = 0
    strip = strip & (profile > 0)[None, :]
    cuts = _cuts(profile, max(2, round(0.08 * bh)))
    pieces, spans = [], []
    seen: dict[tuple[int, int, int, int], int] = {}
    for i, a in enumerate(cuts):
        for j in range(i + 1, len(cuts)):
            b = cuts[j]
            if b - a > MAX_PIECE_W * bh:
                break
            if b - a < MIN_PIECE_W * bh:
                continue
            piece = _piece(strip, a, b, bh)
            if piece is None or piece[0] <= left + 1 or piece[2] >= right - 1:
                continue
            if piece in seen:
                spans.append((i, j, seen[piece]))
                continue
            seen[piece] = len(pieces)
            spans.append((i, j, len(pieces)))
            px0, py0, px1, py1 = piece
            pad = max(1, round(0.06 * bh))
            cx0, cy0 = max(0, px0 - pad), max(0, y0 + py0 - pad)
            cx1, cy1 = min(work.shape[1], px1 + pad), min(work.shape[0], y0 + py1 + pad)
            box = to_original(cx0, cy0, cx1, cy1, None, scale, gray.shape)
            pieces.append((box, np.ascontiguousarray(work[cy0:cy1, cx0:cx1])))
    ink_per_char = 0.25 * bh * bh
    skip = tuple(float(profile[a:b].sum() / ink_per_char) for a, b in zip(cuts, cuts[1:]))
    return Band(row, tuple(cuts), tuple(pieces), tuple(spans), skip)


def _cuts(profile: np.ndarray, near: int) -> list[int]:
    """Cut columns: both ends, the edges of blank runs and the profile's low minima."""
    n = len(profile)
    if n < 3:
        return [0, n]
    top = float(profile.max())
    if top <= 0:
        return [0, n]
    blank = profile == 0
    cand: dict[int, float] = {0: 0.0, n: 0.0}
    for x in range(1, n):
        if blank[x] != blank[x - 1]:
            cand[x] = 0.0  # an ink run starts or ends here
    smooth = np.convolve(profile, np.ones(3) / 3, mode="same")
    for x in range(1, n - 1):
        if (not blank[x] and smooth[x] <= smooth[x - 1] and smooth[x] <= smooth[x + 1]
                and smooth[x] < 0.45 * top):
            cand.setdefault(x, float(smooth[x]))
    # One cut per valley: the lowest point wins, others within ``near`` go.
    kept = [0, n]
    for x in sorted(cand, key=lambda x: (cand[x], x)):
        if all(abs(x - k) >= near for k in kept):
            kept.append(x)
        if len(kept) >= MAX_CUTS:
            break
    return sorted(kept)


def _piece(strip: np.ndarray, a: int, b: int, bh: int) -> tuple[int, int, int, int] | None:
    """The ink's tight box between columns a and b of the band, or None when the ink
    there is too short to be a character."""
    part = strip[:, a:b]
    cols = np.nonzero(part.any(axis=0))[0]
    if cols.size == 0:
        return None
    rows = np.nonzero(part.any(axis=1))[0]
    if rows[-1] + 1 - rows[0] < 0.45 * bh:
        return None
    return a + int(cols[0]), int(rows[0]), a + int(cols[-1]) + 1, int(rows[-1]) + 1


# Measured on plates-dev's Hong Kong two-row plates (exact plates): bonus 0 / 0.5 / 1
# with penalty 1: 37 / 37 / 36 of 106; penalty 2 changed one plate at most.
PIECE_BONUS = 0.5  # log-probability a piece must beat to be read as a character
SKIP_PENALTY = 1.0  # per character's worth of ink left unread


def read_band(band: Band, probs: np.ndarray, junk: int) -> list[int]:
    """The pieces that read a band best: indices into ``band.pieces``, left to right.

    Dynamic programming over the band's cuts: from each cut, either read the piece
    to a later cut (scoring log p(best character) + ``PIECE_BONUS``, so a piece that
    looks like junk or like half a character is not worth reading) or skip to the
    next cut (costing ``SKIP_PENALTY`` per character's worth of ink skipped).
    """
    n = len(band.cuts)
    char_p = (np.delete(probs, junk, axis=1) if junk >= 0 else probs).max(axis=1, initial=0.0)
    gain = np.log(np.maximum(char_p, 1e-9)) + PIECE_BONUS
    best = np.full(n, -np.inf)
    best[0] = 0.0
    back: list[tuple[int, int] | None] = [None] * n  # (previous cut, piece or -1)
    by_start: dict[int, list[tuple[int, int]]] = {}
    for i, j, k in band.spans:
        by_start.setdefault(i, []).append((j, k))
    for i in range(n - 1):
        if best[i] == -np.inf:
            continue
        skip = best[i] - SKIP_PENALTY * band.skip_cost[i]
        if skip > best[i + 1]:
            best[i + 1], back[i + 1] = skip, (i, -1)
        for j, k in by_start.get(i, ()):
            v = best[i] + gain[k]
            if v > best[j]:
                best[j], back[j] = v, (i, k)
    picked = []
    at = n - 1
    while at > 0 and back[at] is not None:
        at, k = back[at]
        if k >= 0:
            picked.append(k)
    return picked[::-1]
