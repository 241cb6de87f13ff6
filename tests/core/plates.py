"""Clean plates drawn for the tests, with the exact ink box of every character."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
DIN = "/usr/share/fonts/truetype/opendin/OSP-DIN.ttf"
CONDENSED = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"


def draw_plate(rows: list[str], size: int = 60, invert: bool = False, border: bool = False,
               screws: bool = False, angle: float = 0.0, vertical: bool = False,
               gap: int = 10, font: str = FONT,
               weight: int = 0,
               leading: float = 1.25) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A gray plate image and the (x, y, w, h) ink box of each character, reading order.

    Each character is drawn with its own label value, so its box is the bounding
    box of exactly its ink; with ``angle`` the image is rotated and each upright box
    becomes the bounding box of its rotated corners.
    A negative ``gap`` makes neighbouring characters overlap (touching characters);
    ``weight`` thickens the strokes by that many pixels (bold plate lettering);
    ``leading`` is the rows' pitch in ``size`` (under about 1.0 the rows touch).
    """
    font = ImageFont.truetype(font, size)
    if vertical:
        rows = [ch for row in rows for ch in row]

    def bbox(ch: str) -> tuple[int, int, int, int]:
        return font.getbbox(ch, stroke_width=weight)

    width = max(sum(bbox(c)[2] - bbox(c)[0] + gap for c in r) for r in rows) + 60
    height = int((len(rows) - 1) * size * leading + size * 1.25 + 40)
    lab = np.zeros((height, width), np.uint8)
    n = 0
    for r, row in enumerate(rows):
        x = 30
        for ch in row:
            n += 1
            bb = bbox(ch)
            glyph = Image.new("L", (width, height), 0)  # one layer per character: its own ink
            ImageDraw.Draw(glyph).text((x - bb[0], 20 + r * size * leading - bb[1]), ch, fill=255,
                                       font=font, stroke_width=weight, stroke_fill=255)
            lab[np.asarray(glyph) >= 128] = n
            x += bb[2] - bb[0] + gap
    plate = np.where(lab > 0, 20, 235).astype(np.uint8)
    if border:
        cv2.rectangle(plate, (3, 3), (width - 4, height - 4), 20, 4)
    if screws:
        for x in (width // 4, 3 * width // 4):
            cv2.circle(plate, (x, 10), 5, 90, -1)
    boxes = []
    for i in range(1, n + 1):
        ys, xs = np.nonzero(lab == i)
        boxes.append((int(xs.min()), int(ys.min()), int(xs.max() + 1), int(ys.max() + 1)))
    if angle:
        m = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        plate = cv2.warpAffine(plate, m, (width, height), borderValue=235)
        boxes = [_rotate_box(b, m, width, height) for b in boxes]
    if invert:
        plate = 255 - plate
    plate = cv2.GaussianBlur(plate, (3, 3), 0)
    return plate, [(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes]


def _rotate_box(box: tuple[int, int, int, int], m: np.ndarray, width: int,
                height: int) -> tuple[int, int, int, int]:
    """The upright (x0, y0, x1, y1) box's corners sent through ``m``: their bounding box."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], np.float64) @ m[:, :2].T + m[:, 2]
    lo = np.clip(np.floor(pts.min(axis=0)), 0, None).astype(int)
    hi = np.minimum(np.ceil(pts.max(axis=0)), [width, height]).astype(int)
    return int(lo[0]), int(lo[1]), int(hi[0]), int(hi[1])


def iou(a, b) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)
