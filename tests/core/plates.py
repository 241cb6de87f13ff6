"""Clean plates drawn for the tests, with the exact ink box of every character."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def draw_plate(rows: list[str], size: int = 60, invert: bool = False, border: bool = False,
               screws: bool = False, angle: float = 0.0, vertical: bool = False,
               gap: int = 10) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A gray plate image and the (x, y, w, h) ink box of each character, reading order."""
    font = ImageFont.truetype(FONT, size)
    if vertical:
        rows = [ch for row in rows for ch in row]
    width = max(sum(font.getbbox(c)[2] - font.getbbox(c)[0] + gap for c in r) for r in rows) + 60
    height = int(len(rows) * size * 1.25 + 40)
    labels = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(labels)
    draw.fontmode = "1"
    n = 0
    for r, row in enumerate(rows):
        x = 30
        for ch in row:
            n += 1
            bb = font.getbbox(ch)
            draw.text((x - bb[0], 20 + r * size * 1.25 - bb[1]), ch, fill=n, font=font)
            x += bb[2] - bb[0] + gap
    lab = np.asarray(labels)
    plate = np.where(lab > 0, 20, 235).astype(np.uint8)
    if border:
        cv2.rectangle(plate, (3, 3), (width - 4, height - 4), 20, 4)
    if screws:
        for x in (width // 4, 3 * width // 4):
            cv2.circle(plate, (x, 10), 5, 90, -1)
    if angle:
        m = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        plate = cv2.warpAffine(plate, m, (width, height), borderValue=235)
        lab = cv2.warpAffine(lab, m, (width, height), flags=cv2.INTER_NEAREST)
    if invert:
        plate = 255 - plate
    plate = cv2.GaussianBlur(plate, (3, 3), 0)
    boxes = []
    for i in range(1, n + 1):
        ys, xs = np.nonzero(lab == i)
        boxes.append((int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
                      int(ys.max() - ys.min() + 1)))
    return plate, boxes


def iou(a, b) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)
