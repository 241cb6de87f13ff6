"""Synthetic plate characters and junk crops (numpy, OpenCV and Pillow only).

Crops imitate what the core's segmentation cuts from a photo: a box tight around
one glyph's ink plus a small margin, with pieces of the neighbours at the edges,
either polarity, blurred, noisy, sometimes low-resolution or binarized.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from plate_gui.core.charset import PLATE_CHARS


@lru_cache(maxsize=256)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _glyph_line(text: str, font: ImageFont.FreeTypeFont, spacing: int,
                target: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Draw ``text`` (ink = 255 on 0); return the image and the ink bbox of ``text[target]``."""
    size = font.size
    img = Image.new("L", (size * 5, size * 2), 0)
    draw = ImageDraw.Draw(img)
    x = size // 2
    box = (0, 0, 1, 1)
    for i, ch in enumerate(text):
        bb = draw.textbbox((x, size // 3), ch, font=font)
        draw.text((x, size // 3), ch, fill=255, font=font)
        if i == target:
            box = bb
        x = bb[2] + spacing
    arr = np.asarray(img).copy()
    return arr, box


def _ink_bbox(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    ys, xs = np.nonzero(mask > 96)
    if ys.size == 0:
        return None
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


def _photometric(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Ink mask (0..255) -> a gray crop with plate-like contrast, blur, noise, polarity."""
    bg = rng.uniform(120, 255)
    fg = rng.uniform(0, max(10, bg - 70))
    if rng.random() < 0.25:
        bg, fg = fg, bg  # light characters on a dark plate
    a = ink.astype(np.float32) / 255.0
    img = bg + (fg - bg) * a
    h, w = img.shape
    if rng.random() < 0.5:  # uneven light
        gx = np.linspace(-1, 1, w)[None, :] * rng.uniform(-25, 25)
        gy = np.linspace(-1, 1, h)[:, None] * rng.uniform(-25, 25)
        img = img + gx + gy
    if rng.random() < 0.7:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 1.6) * max(h, 20) / 40)
    if rng.random() < 0.5:  # low resolution, then back up (like an upscaled small plate)
        target = int(rng.integers(9, 24))
        s = target / h
        small = cv2.resize(img, (max(2, int(w * s)), target), interpolation=cv2.INTER_AREA)
        img = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    img = img + rng.normal(0, rng.uniform(0, 12), img.shape)
    out = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.15:
        _, out = cv2.threshold(out, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return out


def _weight(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    r = rng.random()
    k = np.ones((2, 2), np.uint8) if ink.shape[0] < 70 else np.ones((3, 3), np.uint8)
    if r < 0.2:
        return cv2.erode(ink, k)
    if r < 0.4:
        return cv2.dilate(ink, k)
    return ink


def _rotate(img: np.ndarray, deg: float) -> np.ndarray:
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR)


def render_char(ch: str, rng: np.random.Generator, font: Path, size: int = 64) -> np.ndarray:
    """One character crop, as segmentation would cut it (``HxW uint8`` gray)."""
    fnt = _font(str(font), int(rng.integers(int(size * 0.6), int(size * 1.4))))
    left = PLATE_CHARS[int(rng.integers(len(PLATE_CHARS)))]
    right = PLATE_CHARS[int(rng.integers(len(PLATE_CHARS)))]
    spacing = int(fnt.size * rng.uniform(-0.02, 0.25))
    line, _ = _glyph_line(left + ch + right, fnt, spacing, 1)
    only = _only_target(left, ch, right, fnt, spacing)  # the target's own ink, same place
    deg = rng.normal(0, 3)
    line, only = _rotate(_weight(line, rng), deg), _rotate(only, deg)
    bb = _ink_bbox(only)
    if bb is None:
        return _photometric(np.zeros((size, size // 2), np.uint8), rng)
    x0, y0, x1, y1 = bb
    h = y1 - y0
    pad = [int(h * rng.uniform(0.0, 0.13)) for _ in range(4)]
    x0, y0 = max(0, x0 - pad[0]), max(0, y0 - pad[1])
    x1, y1 = min(line.shape[1], x1 + pad[2]), min(line.shape[0], y1 + pad[3])
    crop = line[y0:y1, x0:x1]
    if rng.random() < 0.1:  # a frame edge or screw at the border of the cut
        crop = crop.copy()
        t = max(1, crop.shape[0] // 12)
        if rng.random() < 0.5:
            crop[:t] = 255
        else:
            crop[-t:] = 255
    return _photometric(crop, rng)


def _only_target(left: str, ch: str, right: str, fnt, spacing: int) -> np.ndarray:
    size = fnt.size
    img = Image.new("L", (size * 5, size * 2), 0)
    draw = ImageDraw.Draw(img)
    x = size // 2
    for i, c in enumerate(left + ch + right):
        bb = draw.textbbox((x, size // 3), c, font=fnt)
        if i == 1:
            draw.text((x, size // 3), c, fill=255, font=fnt)
        x = bb[2] + spacing
    return np.asarray(img).copy()


def render_junk(rng: np.random.Generator, font: Path) -> np.ndarray:
    """A crop of something on a plate that is not a character."""
    h = int(rng.integers(30, 90))
    w = int(h * rng.uniform(0.15, 1.1))
    ink = np.zeros((h, w), np.uint8)
    kind = int(rng.integers(7))
    if kind == 0:  # screw
        r = min(h, w) // 2 - 1
        cv2.circle(ink, (w // 2, h // 2), max(2, r), 255, -1)
        cv2.line(ink, (w // 2 - r // 2, h // 2), (w // 2 + r // 2, h // 2), 0, max(1, r // 4))
    elif kind == 1:  # frame bar
        t = max(2, w // 3)
        ink[:, :t] = 255
    elif kind == 2:  # blob / logo
        for _ in range(int(rng.integers(1, 4))):
            c = (int(rng.integers(w)), int(rng.integers(h)))
            cv2.ellipse(ink, c, (int(rng.integers(2, w // 2 + 3)), int(rng.integers(2, h // 2 + 3))),
                        float(rng.uniform(0, 180)), 0, 360, 255, -1)
    elif kind == 3:  # small print
        fnt = _font(str(font), max(8, h // 4))
        txt = "".join(PLATE_CHARS[int(i)] for i in rng.integers(10, 36, 4))
        img = Image.new("L", (w, h), 0)
        ImageDraw.Draw(img).text((0, int(h * rng.uniform(0.2, 0.6))), txt, fill=255, font=fnt)
        ink = np.asarray(img).copy()
    elif kind == 4:  # dash or dot separator
        cy = h // 2
        cv2.rectangle(ink, (w // 5, cy - h // 12), (4 * w // 5, cy + h // 12), 255, -1)
    elif kind == 5:  # half a character
        fnt = _font(str(font), h)
        img = Image.new("L", (max(w, h), h * 2), 0)
        ch = PLATE_CHARS[int(rng.integers(len(PLATE_CHARS)))]
        ImageDraw.Draw(img).text((0, 0), ch, fill=255, font=fnt)
        full = np.asarray(img)
        bb = _ink_bbox(full)
        if bb:
            x0, y0, x1, y1 = bb
            mid = (y0 + y1) // 2
            ink = (full[y0:mid, x0:x1] if rng.random() < 0.5 else full[mid:y1, x0:x1]).copy()
    # kind 6: plain background
    if ink.size == 0 or min(ink.shape) < 2:
        ink = np.zeros((h, max(2, w)), np.uint8)
    return _photometric(ink, rng)
