"""Pure OpenCV steps: from a plate crop to ordered character boxes and crops.

The pipeline (all at a working scale of about 30k pixels):

1. binarize the gray plate several ways (``masks.binarizations``: Otsu and local
   Gaussian threshold, each for dark-on-light and light-on-dark ink);
2. label connected components and keep those shaped like a character;
3. find the best *row*: components of similar height on one line, with the line
   allowed to tilt up to 15 degrees; then a second row above or below it
   (two-row plates), or a column of single characters on a vertical plate;
4. split components too wide for one character at projection minima (touching
   characters); merge pieces of one character that lie above each other;
5. if the row tilts, rotate the plate upright and do it once more, so the crops
   handed to the classifier are upright.

Squarish plates are also read as two rows cut apart at the body's least-inked
line (top and bottom characters often touch); the best two such readings always
reach the classifier, since their half-height characters score low on geometry.
The strip the best one-row reading stands in is read once more on its own (an
end character touching the frame or a sticker is one component with it, too big
for a character, until what lies above and below the row is cut away).

The binarization with the best-scoring reading wins. Boxes come back in the
coordinates of the image given; crops are cut from the upright working image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np

from .errors import SegmentationError
from .masks import binarizations, even_rows, least_inked_row, plate_hull
from .results import Box

WORK_AREA = 32_000
MAX_CHARS = 12
TAN_15 = 0.27
UPRIGHT_BONUS = 1.15
TWO_ROW_HEIGHTS = (0.7, 1.3)  # top row / bottom row character height on a two-row plate
TWO_ROW_SLOTS = 2
PAD = 0.06  # of a character's height, around each character box and crop


@dataclass(frozen=True)
class Blob:
    """A candidate character box at working scale."""

    x: int
    y: int
    w: int
    h: int
    area: int

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def union(self, other: Blob) -> Blob:
        x0, y0 = min(self.x, other.x), min(self.y, other.y)
        x1 = max(self.x + self.w, other.x + other.w)
        y1 = max(self.y + self.h, other.y + other.h)
        return Blob(x0, y0, x1 - x0, y1 - y0, self.area + other.area)


@dataclass(frozen=True)
class Segmentation:
    """What segmentation found.

    Attributes:
        boxes: character boxes in the input image's coordinates, reading order.
        rows: the row (0 = top) of each box.
        crops: ``HxW uint8`` gray crops, upright, one per box.
        angle: degrees the plate was rotated to make its rows level.
        light_on_dark: True when the ink is lighter than the plate.
    """

    boxes: tuple[Box, ...]
    rows: tuple[int, ...]
    crops: tuple[np.ndarray, ...]
    angle: float = 0.0
    light_on_dark: bool = False


@dataclass(frozen=True)
class _Reading:
    rows: tuple[tuple[Blob, ...], ...]
    score: float
    light_on_dark: bool


def segment(gray: np.ndarray) -> Segmentation:
    """Segment a plate crop into characters: the geometrically best reading.

    Args:
        gray: ``HxW uint8`` gray image (``HxWx3`` BGR is converted), H, W >= 8.

    Returns:
        A ``Segmentation``; with no characters found, its tuples are empty.

    Raises:
        SegmentationError: if the array is not a 2-D or 3-channel uint8 image.
    """
    cands = segment_candidates(gray, limit=1)
    return cands[0] if cands else Segmentation((), (), ())


def segment_candidates(gray: np.ndarray, limit: int = 6,
                       ink: np.ndarray | None = None, quick: bool = False) -> list[Segmentation]:
    """Distinct readings of a plate, best geometric score first.

    Each binarization may cut the plate differently; the recognizer lets the
    classifier choose among these (a reading whose crops look like characters
    wins over one whose crops look like junk).

    Args:
        gray: ``HxW uint8`` gray image (``HxWx3`` BGR is converted), H, W >= 8.
        limit: most readings returned by geometric score; the best two-row readings
            (``TWO_ROW_SLOTS``) and row-strip readings (``STRIP_SLOTS``) come on top.
        ink: another ``HxW uint8`` view of the same image to binarize instead of
            ``gray`` (a colour channel, where the characters' ink stands apart from an
            emblem of another colour); boxes and crops still come from ``gray``.
        quick: only the plain readings, one per binarization (no two-row, upright or
            row-strip readings): about a quarter of the time.

    Returns:
        Up to ``limit + TWO_ROW_SLOTS + STRIP_SLOTS`` segmentations with at least one
        box, no two with the same boxes.

    Raises:
        SegmentationError: if the array is not a 2-D or 3-channel uint8 image.
    """
    return PlateCuts(gray, ink).candidates(limit, quick)


class PlateCuts:
    """One plate's segmentation in stages: ``candidates(quick=True)`` first, the full
    ``candidates()`` only if needed, sharing the working image and plain readings.

    Args and errors as ``segment_candidates``.
    """

    def __init__(self, gray: np.ndarray, ink: np.ndarray | None = None) -> None:
        self.gray = _as_gray(gray)
        self.work, self.scale = working_image(self.gray)
        if ink is None:
            self.src = self.work
        else:
            ink = _as_gray(ink)
            if ink.shape != self.gray.shape:
                raise SegmentationError(f"ink view {ink.shape} differs from the image "
                                        f"{self.gray.shape}")
            self.src = working_image(ink)[0]
        self._plain: list[_Reading] | None = None

    def candidates(self, limit: int = 6, quick: bool = False) -> list[Segmentation]:
        """Distinct readings, best geometric score first (see ``segment_candidates``)."""
        if self._plain is None:
            self._plain = _readings(self.src)
        gray, work, scale, src = self.gray, self.work, self.scale, self.src
        readings = [(r, work, None, 0.0) for r in self._plain]
        two_rows = [] if quick else [(r, work, None, 0.0)
                                     for r in _body_two_row_readings(src) + _two_row_readings(src)]
        readings += two_rows
        angle = _row_angle(readings[0][0]) if readings else 0.0
        if abs(angle) > 1.5 and not quick:
            rot, size = _rotation(work.shape, angle)
            upright = _upright(work, rot, size)
            upright_src = upright if src is work else _upright(src, rot, size)
            # Upright crops classify better: the straightened reading wins a near tie.
            readings += [(replace(r, score=r.score * UPRIGHT_BONUS), upright, rot, angle)
                         for r in _readings(upright_src, work.shape)]
        readings.sort(key=lambda t: -t[0].score)
        # Two-row readings score low on geometry (their characters are half the plate's
        # height), so the best of them always reach the classifier.
        reserved = sorted(two_rows, key=lambda t: -t[0].score)[:TWO_ROW_SLOTS]
        # End characters touching the frame, a sticker or an emblem are found again in the
        # strip of the best one-row reading (``_strip_readings``); the best of those
        # readings always reach the classifier too.
        if (STRIP_SLOTS and not quick and readings and readings[0][2] is None
                and len(readings[0][0].rows) == 1):
            strip = sorted(_strip_readings(src, readings[0][0].rows[0]), key=lambda r: -r.score)
            reserved += [(r, work, None, 0.0) for r in strip[:STRIP_SLOTS]]
        readings = readings[:limit] + reserved + readings[limit:]
        limit += len(reserved)
        out: list[Segmentation] = []
        seen: set[tuple] = set()
        for reading, img, rot, ang in readings:
            seg = _finish(gray, img, reading, scale, rot, ang)
            key = seg.boxes
            if seg.boxes and key not in seen:
                seen.add(key)
                out.append(seg)
            if len(out) >= limit:
                break
        return out


def _upright(img: np.ndarray, rot: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``img`` rotated by ``rot`` onto a canvas of ``size``. The new corners take the
    frame's typical value: replicating edge pixels would smear characters that touch
    the edge into tall streaks."""
    frame = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])
    return cv2.warpAffine(img, rot, size, flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=int(np.median(frame)))


def working_image(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """``gray`` (``HxW uint8``) resized to about ``WORK_AREA`` pixels, and the scale used."""
    gray = _as_gray(gray)
    scale = float(np.clip(np.sqrt(WORK_AREA / gray.size), 0.2, 6.0))
    work = cv2.resize(gray, None, fx=scale, fy=scale,
                      interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    return work, scale


def _rotation(shape: tuple[int, ...], angle: float) -> tuple[np.ndarray, tuple[int, int]]:
    """Affine matrix rotating an image by ``angle`` degrees about its centre onto a
    canvas large enough to keep the corners, and that canvas's (width, height)."""
    h, w = shape[:2]
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(rot[0, 0]), abs(rot[0, 1])
    nw, nh = int(np.ceil(w * cos + h * sin)), int(np.ceil(w * sin + h * cos))
    rot[0, 2] += nw / 2 - w / 2
    rot[1, 2] += nh / 2 - h / 2
    return rot, (nw, nh)


def _as_gray(img: np.ndarray) -> np.ndarray:
    if not isinstance(img, np.ndarray) or img.dtype != np.uint8:
        raise SegmentationError("segmentation needs a uint8 image array")
    if img.ndim == 3 and img.shape[2] == 3 and min(img.shape[:2]) >= 8:
        return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if img.ndim != 2 or min(img.shape) < 8:
        raise SegmentationError(f"segmentation needs an HxW image of at least 8x8, got {img.shape}")
    return img


def _finish(gray: np.ndarray, work: np.ndarray, reading: _Reading, scale: float,
            rot: np.ndarray | None, angle: float) -> Segmentation:
    inv = cv2.invertAffineTransform(rot) if rot is not None else None
    boxes, rows, crops = [], [], []
    for r, row in enumerate(reading.rows):
        for b in row:
            pad = max(1, int(round(PAD * b.h)))
            x0, y0 = max(0, b.x - pad), max(0, b.y - pad)
            x1 = min(work.shape[1], b.x + b.w + pad)
            y1 = min(work.shape[0], b.y + b.h + pad)
            boxes.append(to_original(x0, y0, x1, y1, inv, scale, gray.shape))
            rows.append(r)
            crops.append(np.ascontiguousarray(work[y0:y1, x0:x1]))
    return Segmentation(tuple(boxes), tuple(rows), tuple(crops), angle, reading.light_on_dark)


def to_original(x0: int, y0: int, x1: int, y1: int, inv: np.ndarray | None, scale: float,
                shape: tuple[int, ...]) -> Box:
    """A working-scale box (rotated back by ``inv`` when given) in the input image's
    coordinates: the bounding box of its corners, clipped to ``shape``, never empty."""
    pts = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], np.float64)
    if inv is not None:
        pts = pts @ inv[:, :2].T + inv[:, 2]
    pts /= scale
    bx0 = int(np.clip(np.floor(pts[:, 0].min()), 0, shape[1] - 1))
    by0 = int(np.clip(np.floor(pts[:, 1].min()), 0, shape[0] - 1))
    bx1 = int(np.clip(np.ceil(pts[:, 0].max()), bx0 + 1, shape[1]))
    by1 = int(np.clip(np.ceil(pts[:, 1].max()), by0 + 1, shape[0]))
    return Box(bx0, by0, bx1 - bx0, by1 - by0)


def _row_angle(reading: _Reading) -> float:
    """Tilt of the longest row in degrees (positive: rises to the right)."""
    row = max(reading.rows, key=len, default=())
    if len(row) < 3:
        return 0.0
    xs = np.array([b.cx for b in row])
    ys = np.array([b.y + b.h for b in row])
    if np.ptp(xs) < 1:
        return 0.0
    slope = np.polyfit(xs, ys, 1)[0]
    return float(np.degrees(np.arctan(slope)))


def _two_row_readings(work: np.ndarray, per_row: int = 2) -> list[_Reading]:
    """Readings of a squarish plate cut into two rows at its ink's horizontal gap.

    On two-row plates (Hong Kong, UK squares) big characters touch the frame and
    each other across rows; each half is padded with its background and read as a
    one-row plate, then the best readings of the halves are paired.
    """
    h, w = work.shape
    if not 1.0 <= w / h <= 2.8:
        return []
    split = _row_gap(work)
    halves = []
    for part, y0 in ((work[:split], 0), (work[split:], split)):
        if part.shape[0] < 8:
            return []
        fill = int(np.median(np.concatenate([part[:, 0], part[:, -1]])))
        halves.append([row for row, _ in _strip_rows(work, y0, y0 + part.shape[0], fill)]
                      [:per_row])
    out = []
    for top in halves[0]:
        for bottom in halves[1]:
            rows = (_clip_rows(top, 0, split), _clip_rows(bottom, split, h))
            if _two_row_shaped(*rows):
                out.append(_Reading(rows, _score(rows, work.shape), False))
    return out


# Measured on plates-dev (candidate readings replayed, bundled model): 1 slot: no
# change; 3 slots: 528 -> 534 exact plates (US +10, BR -1, intl -2, EU -1; 14 won,
# mostly a first or last character touching the frame or a sticker, 8 lost to a
# frame piece or band read as a character at an end), classification about 10 ms
# slower (more crops).
STRIP_SLOTS = 3


def _strip_readings(work: np.ndarray, row: tuple[Blob, ...]) -> list[_Reading]:
    """Readings of the strip a one-row reading's characters stand in, read alone.

    An end character touching the frame, a sticker or an emblem is one component
    with it, too large for a character; in the strip cut to the row's height
    (padded with its background) only the part within the row is left.
    """
    if len(row) < 3:
        return []
    h = work.shape[0]
    top = int(np.median([b.y for b in row]))
    bottom = int(np.median([b.y + b.h for b in row]))
    grow = max(1, round(0.06 * (bottom - top)))
    y0, y1 = max(0, top - grow), min(h, bottom + grow)
    if y1 - y0 < 8:
        return []
    fill = int(np.median(np.concatenate([work[y0], work[y1 - 1]])))
    out = []
    for blobs, light in _strip_rows(work, y0, y1, fill):
        rows = (blobs,)
        out.append(_Reading(rows, _score(rows, work.shape), light))
    return out


def _strip_rows(work: np.ndarray, y0: int, y1: int,
                fill: int) -> list[tuple[tuple[Blob, ...], bool]]:
    """The one-row readings of ``work[y0:y1]`` read as a plate of its own (padded
    above and below with ``fill``, its background), best geometric score first:
    ``(blobs in work's coordinates, light_on_dark)``."""
    part = work[y0:y1]
    pad = max(2, part.shape[0] // 6)
    padded = cv2.copyMakeBorder(part, pad, pad, 0, 0, cv2.BORDER_CONSTANT, value=fill)
    return [(tuple(Blob(b.x, b.y - pad + y0, b.w, b.h, b.area) for b in r.rows[0]),
             r.light_on_dark)
            for r in _readings(padded, work.shape) if len(r.rows) == 1]


def _body_two_row_readings(work: np.ndarray) -> list[_Reading]:
    """Readings of a squarish plate's body cut into two rows by its ink profile.

    Each ink mask is clipped to the plate body (so the dark surround and frame go),
    cut along the body's least-inked line between 30% and 70% of its height (top
    and bottom characters often touch), and each half is read as one row. Where the
    valley leaving the rows of most nearly one height (``masks.even_rows``) is another,
    the body is cut there too, kept if it gives Hong Kong's layout (one or two
    characters over up to four). That valley is looked for once a plate (in its first
    body mask): per mask it cost about 25 ms more a plate on average for the same
    readings. Benched on plates-dev: 563 -> 566 exact plates (HK: SF706, UD5382 and
    RE354, whose least-inked line ran through the letters), none lost.
    """
    h, w = work.shape
    if not 1.0 <= w / h <= 2.8:
        return []
    out = []
    even, looked = None, False
    for mask, light in binarizations(work, flat=True):
        hull = plate_hull(mask)
        if hull is None:
            body, (y0, y1, x0, x1) = mask, (0, h, -w, 2 * w)  # no body: keep all, no edges
        else:
            body = cv2.bitwise_and(mask, hull)
            ys, xs = np.nonzero(hull.any(axis=1))[0], np.nonzero(hull.any(axis=0))[0]
            if ys.size < 16:
                continue
            y0, y1, x0, x1 = int(ys[0]), int(ys[-1]) + 1, int(xs[0]), int(xs[-1]) + 1
        inner = (max(0, x0) + w // 10, min(w, x1) - w // 10)
        split = least_inked_row(body, y0, y1, *inner)
        if split is None:
            continue
        rows = _body_rows(body, split, (y0, y1, x0, x1))
        if _two_row_shaped(*rows) and len(rows[0]) + len(rows[1]) <= MAX_CHARS:
            out.append(_Reading(rows, _score(rows, work.shape), light))
        if not looked:
            even, looked = even_rows(body, y0, y1, *inner, TWO_ROW_HEIGHTS), True
        if even is not None and even[0] != split:
            rows = _body_rows(body, even[0], (y0, y1, x0, x1))
            if _two_row_shaped(*rows) and len(rows[0]) <= 2 and len(rows[1]) <= 4:
                out.append(_Reading(rows, _score(rows, work.shape), light))
    return sorted(out, key=lambda r: -r.score)


def _body_rows(body: np.ndarray, split: int,
               extent: tuple[int, int, int, int]) -> tuple[tuple[Blob, ...], tuple[Blob, ...]]:
    """The best row of ``body``'s components above ``split`` and the best below it:
    whole characters of each half, not touching the body's left or right edge
    (``extent`` = body's y0, y1, x0, x1)."""
    y0, y1, x0, x1 = extent
    edge = max(2, (min(x1, body.shape[1]) - max(x0, 0)) // 50)
    cut = body.copy()
    cut[split - 1:split + 1] = 0
    blobs = components(cut)
    rows = []
    for top, bottom in ((y0, split), (split, y1)):
        half = bottom - top
        inside = [b for b in blobs if b.y >= top - 1 and b.y + b.h <= bottom + 1
                  and 0.4 * half <= b.h and b.x > x0 + edge and b.x + b.w < x1 - edge]
        row = _best_line(inside)
        rows.append(tuple(split_wide(row, cut)) if row else tuple(row))
    return rows[0], rows[1]


def _two_row_shaped(top: tuple[Blob, ...], bottom: tuple[Blob, ...]) -> bool:
    """Two rows of one plate's characters: both there, of about the same height.

    A US plate's state name over its characters is not a two-row plate (its letters
    are half as high): read as one, it took exact US plates from 63% to 54%.
    """
    if not top or not bottom:
        return False
    ratio = float(np.median([b.h for b in top])) / float(np.median([b.h for b in bottom]))
    return TWO_ROW_HEIGHTS[0] <= ratio <= TWO_ROW_HEIGHTS[1]


def _clip_rows(row: tuple[Blob, ...], y0: int, y1: int) -> tuple[Blob, ...]:
    out = []
    for b in row:
        top, bottom = max(b.y, y0), min(b.y + b.h, y1)
        if bottom - top >= 4:
            out.append(Blob(b.x, top, b.w, bottom - top, b.area))
    return tuple(out)


def _row_gap(work: np.ndarray) -> int:
    """The row between 35% and 65% of the height crossed by the least dark ink."""
    h = work.shape[0]
    _, ink = cv2.threshold(work, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    w = work.shape[1]
    profile = (ink[:, int(0.1 * w):int(0.9 * w)] > 0).mean(axis=1)
    lo, hi = int(0.35 * h), max(int(0.35 * h) + 1, int(0.65 * h))
    return lo + int(np.argmin(profile[lo:hi]))


def _readings(work: np.ndarray, ref: tuple[int, int] | None = None) -> list[_Reading]:
    """One reading per binarization, best geometric score first (empty ones dropped).

    ``ref`` is the shape scores are relative to (the unrotated image's)."""
    out = []
    for mask, light in binarizations(work):
        rows = find_rows(components(mask), work.shape)
        rows = tuple(split_wide(row, mask) for row in rows)
        score = _score(rows, ref or work.shape)
        if score > 0:
            out.append(_Reading(rows, score, light))
    return sorted(out, key=lambda r: -r.score)


def components(mask: np.ndarray) -> list[Blob]:
    """Connected components of an ink mask that could be (part of) a character.

    Args:
        mask: ``HxW uint8``, ink = 255.

    Returns:
        Blobs, with pieces lying above each other (broken strokes) also merged.
    """
    h, w = mask.shape
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    small = min(h, w)
    blobs = []
    for x, y, bw, bh, area in stats[1:n]:
        if bh < max(5, 0.1 * small) or bh > 0.97 * h or bw > 0.9 * w:
            continue
        if area < 0.08 * bw * bh or bw > 4 * bh:
            continue
        if bw < 0.3 * bh and (x <= 0.03 * w or x + bw >= 0.97 * w):
            continue  # a sliver of frame on the crop's edge, not a character
        blobs.append(Blob(int(x), int(y), int(bw), int(bh), int(area)))
    return blobs + _stacked_pairs(blobs)


def _stacked_pairs(blobs: list[Blob]) -> list[Blob]:
    """Unions of two blobs lying above each other with a small gap (broken strokes)."""
    out = []
    for i, a in enumerate(blobs):
        for b in blobs[i + 1:]:
            overlap = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
            if overlap < 0.6 * min(a.w, b.w):
                continue
            gap = max(a.y, b.y) - min(a.y + a.h, b.y + b.h)
            u = a.union(b)
            if 0 <= gap <= 0.15 * u.h and u.w <= 1.2 * u.h:
                out.append(u)
    return out


def find_rows(blobs: list[Blob], shape: tuple[int, int]) -> tuple[tuple[Blob, ...], ...]:
    """The most character-like rows of blobs, top row first.

    Args:
        blobs: candidate blobs.
        shape: (H, W) of the working image.

    Returns:
        Rows of blobs, each row left to right; empty when nothing fits.
    """
    h, w = shape
    if h > 1.5 * w:
        col = _best_column(blobs)
        return tuple((b,) for b in col)
    first = _best_line(blobs)
    if len(first) < 2:
        return (first,) if first else ()
    med_h = float(np.median([b.h for b in first]))
    rest = [b for b in blobs if not _overlaps_any(b, first)]
    second = _best_line([b for b in rest if 0.55 * med_h <= b.h <= 1.6 * med_h
                         and _beside_row(b, first, med_h)])
    if len(second) < 2 or len(first) + len(second) > MAX_CHARS:
        return (first,)
    rows = sorted([first, second], key=lambda r: np.mean([b.cy for b in r]))
    return tuple(rows)


def _beside_row(b: Blob, row: tuple[Blob, ...], med_h: float) -> bool:
    x0 = min(r.x for r in row) - med_h
    x1 = max(r.x + r.w for r in row) + med_h
    cy = float(np.mean([r.cy for r in row]))
    return x0 <= b.cx <= x1 and abs(b.cy - cy) >= 0.7 * med_h


def _overlaps_any(b: Blob, group: tuple[Blob, ...]) -> bool:
    for g in group:
        ox = min(b.x + b.w, g.x + g.w) - max(b.x, g.x)
        oy = min(b.y + b.h, g.y + g.h) - max(b.y, g.y)
        if ox > 0 and oy > 0:
            return True
    return False


def _char_shaped(b: Blob) -> bool:
    return 0.08 <= b.w / b.h <= 1.15


def _best_line(blobs: list[Blob]) -> tuple[Blob, ...]:
    """Largest set of similar-height character-shaped blobs on one straight line."""
    cands = [b for b in blobs if 0.08 * b.h <= b.w <= 4.5 * b.h]  # wide: touching chars
    centres = [(b.cx, b.cy) for b in cands]
    best: tuple[Blob, ...] = ()
    best_score = 0.0
    seen: set[tuple] = set()  # many anchors of one row find the same members
    for anchor in (b for b in cands if _char_shaped(b)):
        ax, ay, tol = anchor.cx, anchor.cy, 0.3 * anchor.h
        similar = [i for i, b in enumerate(cands) if 0.78 * anchor.h <= b.h <= 1.28 * anchor.h]
        for slope in (-TAN_15, -0.13, 0.0, 0.13, TAN_15):
            members = tuple(i for i in similar
                            if abs(centres[i][1] - ay - slope * (centres[i][0] - ax)) <= tol)
            key = (anchor.h, members)
            if key in seen:
                continue
            seen.add(key)
            row = _dedupe([cands[i] for i in members], anchor.h)
            score = _line_score(row)
            if score > best_score:
                best, best_score = row, score
    return best


def _dedupe(members: list[Blob], ref_h: float) -> tuple[Blob, ...]:
    """Left-to-right row with x-overlapping blobs resolved (closest to ref height wins)."""
    members = sorted(members, key=lambda b: (abs(b.h - ref_h), -b.area))
    kept: list[Blob] = []
    for b in members:
        if all(min(b.x + b.w, k.x + k.w) - max(b.x, k.x) < 0.3 * min(b.w, k.w) for k in kept):
            kept.append(b)
    kept.sort(key=lambda b: b.x)
    return tuple(kept[:MAX_CHARS])


def _line_score(row: tuple[Blob, ...]) -> float:
    # Plain Python: called for every anchor and slope, on a handful of blobs, where
    # numpy's per-call overhead was a third of segmentation's time.
    if len(row) < 2 and not (row and row[0].w > 1.2 * row[0].h):
        return 0.0
    hs = [b.h for b in row]
    mean_h = _mean(hs)
    spread = _std(hs) / mean_h
    gaps = [b.cx - a.cx for a, b in zip(row, row[1:])]
    regular = 1.0 if len(gaps) < 2 else 1.0 / (1.0 + _std(gaps) / (_mean(gaps) + 1e-6))
    return len(row) * math.sqrt(mean_h) * (1.0 - spread) * (0.5 + 0.5 * regular)


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def _std(xs: list[float]) -> float:
    """Population standard deviation (numpy's default)."""
    m = _mean(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))


def _best_column(blobs: list[Blob]) -> tuple[Blob, ...]:
    """Vertical plates: similar blobs stacked in one column, top to bottom."""
    cands = [b for b in blobs if 0.2 <= b.w / b.h <= 1.6]
    best: tuple[Blob, ...] = ()
    for anchor in cands:
        col = [b for b in cands if abs(b.cx - anchor.cx) <= 0.35 * anchor.w
               and 0.6 * anchor.h <= b.h <= 1.6 * anchor.h]
        col.sort(key=lambda b: (abs(b.h - anchor.h), -b.area))
        kept: list[Blob] = []
        for b in col:
            if all(min(b.y + b.h, k.y + k.h) - max(b.y, k.y) <= 0 for k in kept):
                kept.append(b)
        if len(kept) > len(best):
            best = tuple(sorted(kept, key=lambda b: b.y)[:MAX_CHARS])
    return best


def split_wide(row: tuple[Blob, ...], mask: np.ndarray) -> tuple[Blob, ...]:
    """Split blobs too wide for one character at column-projection minima."""
    if len(row) < 1:
        return row
    med_h = float(np.median([b.h for b in row]))
    narrow = [b.w for b in row if b.w <= 0.8 * b.h]
    med_w = float(np.median(narrow)) if narrow else 0.55 * med_h
    out: list[Blob] = []
    for b in row:
        if b.w > max(1.0 * med_h, 1.6 * med_w):
            k = max(2, int(round(b.w / (med_w * 1.15))))
            out.extend(_split(b, k, mask))
        else:
            out.append(b)
    return tuple(out)


def _split(b: Blob, k: int, mask: np.ndarray) -> list[Blob]:
    cols = (mask[b.y:b.y + b.h, b.x:b.x + b.w] > 0).sum(axis=0).astype(np.float64)
    cuts = [0]
    for i in range(1, k):
        centre = int(b.w * i / k)
        lo, hi = max(cuts[-1] + 1, centre - b.w // (3 * k)), min(b.w - 1, centre + b.w // (3 * k))
        cuts.append(lo + int(np.argmin(cols[lo:hi + 1])) if hi > lo else centre)
    cuts.append(b.w)
    pieces = []
    for a, c in zip(cuts, cuts[1:]):
        if c - a >= 2:
            pieces.append(Blob(b.x + a, b.y, c - a, b.h, int(cols[a:c].sum())))
    return pieces


def _score(rows: tuple[tuple[Blob, ...], ...], shape: tuple[int, int]) -> float:
    n = sum(len(r) for r in rows)
    if n == 0:
        return 0.0
    ref = min(shape)
    hs = np.array([b.h for r in rows for b in r], np.float64)
    fill = np.array([b.area / (b.w * b.h) for r in rows for b in r])
    fill_ok = float(np.mean((fill > 0.15) & (fill < 0.9)))
    size = float(np.median(hs)) / ref
    count = min(n, 9) - 0.5 * max(0, n - 9)
    return max(0.0, count) * np.sqrt(size) * (1.0 - hs.std() / hs.mean()) * (0.5 + 0.5 * fill_ok)


def crop_box(gray: np.ndarray, box: Box) -> np.ndarray:
    """Cut ``box`` out of ``gray`` (``HxW uint8``), clipped to the image."""
    h, w = gray.shape[:2]
    x0, y0 = max(0, box.x), max(0, box.y)
    x1, y1 = min(w, box.x + box.w), min(h, box.y + box.h)
    if x1 <= x0 or y1 <= y0:
        raise SegmentationError(f"box {box} lies outside the {w}x{h} image")
    return np.ascontiguousarray(gray[y0:y1, x0:x1])
