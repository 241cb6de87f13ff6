"""Synthetic plate characters and junk crops (numpy, OpenCV and Pillow only).

Crops imitate what the core's segmentation cuts from a photo: a box tight around
one glyph's ink plus a small margin, with pieces of the neighbours at the edges,
either polarity, blurred, noisy, sometimes low-resolution or binarized.
"""

from __future__ import annotations

from dataclasses import dataclass
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
            axes = (int(rng.integers(2, w // 2 + 3)), int(rng.integers(2, h // 2 + 3)))
            cv2.ellipse(ink, c, axes, float(rng.uniform(0, 180)), 0, 360, 255, -1)
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


# ---------------------------------------------------------------- whole plates

PLATE_STYLES = ("hk_yellow", "hk_white", "hk_two_row", "uk", "eu", "us", "br", "vertical", "dark")
DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
HK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
YELLOW = (20, 200, 245)  # BGR
WHITE = (240, 240, 240)


@dataclass(frozen=True)
class RenderedPlate:
    """A rendered plate: BGR image, per-character ink boxes (x, y, w, h) in reading order."""

    image: np.ndarray
    boxes: list[tuple[int, int, int, int]]
    text: str
    style: str


def _pick(rng: np.random.Generator, alphabet: str, n: int) -> str:
    return "".join(alphabet[int(i)] for i in rng.integers(0, len(alphabet), n))


def random_text(style: str, rng: np.random.Generator) -> list[str]:
    """Rows of characters for a style (spaces mark gaps, not characters)."""
    if style in ("hk_yellow", "hk_white", "hk_two_row"):
        letters = _pick(rng, HK_LETTERS, int(rng.integers(1, 3)) if style != "hk_two_row" else 2)
        digits = _pick(rng, DIGITS, int(rng.integers(1, 5)))
        return [letters, digits] if style == "hk_two_row" else [letters + " " + digits]
    if style == "uk":
        return [_pick(rng, LETTERS, 2) + _pick(rng, DIGITS, 2) + " " + _pick(rng, LETTERS, 3)]
    if style == "eu":
        if rng.random() < 0.5:
            return [_pick(rng, LETTERS, 2) + "-" + _pick(rng, DIGITS, 3) + _pick(rng, LETTERS, 2)]
        return [_pick(rng, DIGITS, 4) + " " + _pick(rng, "BCDFGHJKLMNPRSTVWXYZ", 3)]
    if style == "br":
        return [_pick(rng, LETTERS, 3) + "-" + _pick(rng, DIGITS, 4)]
    if style == "vertical":
        return list(_pick(rng, DIGITS + LETTERS, int(rng.integers(3, 6))))
    n = int(rng.integers(5, 8))
    mix = "".join(_pick(rng, DIGITS if rng.random() < 0.5 else LETTERS, 1) for _ in range(n))
    return [mix[:3] + " " + mix[3:]] if rng.random() < 0.3 else [mix]


def _colors(style: str, rng: np.random.Generator) -> tuple[tuple, tuple]:
    if style == "hk_yellow" or (style in ("uk", "hk_two_row") and rng.random() < 0.5):
        bg = YELLOW
    elif style == "dark":
        bg = tuple(int(v) for v in rng.integers(0, 60, 3))
        return bg, tuple(int(v) for v in rng.integers(190, 256, 3))
    elif style == "us":
        bg = tuple(int(v) for v in rng.integers(170, 256, 3))
        ink = tuple(int(v) for v in rng.integers(0, 120, 3))
        return bg, ink
    elif style == "br":
        bg = tuple([int(rng.integers(170, 225))] * 3)
        return bg, tuple([int(rng.integers(30, 80))] * 3)
    else:
        bg = WHITE
    return bg, tuple(int(v) for v in rng.integers(0, 40, 3))


def _layout(rows: list[str], fnt, style: str, rng: np.random.Generator):
    """Place glyphs; return canvas size, per-char (x, y, glyph) and the row band."""
    size = fnt.size
    gap = int(size * rng.uniform(0.02, 0.2))
    placed, widths = [], []
    y = int(size * (0.5 if style in ("us", "br") else 0.25))
    for row in rows:
        x, items = 0, []
        for ch in row:
            if ch == " ":
                x += int(size * 0.35)
                continue
            bb = fnt.getbbox(ch)
            if ch == "-":
                items.append((x, y, ch, False))
                x += bb[2] + gap
                continue
            items.append((x - bb[0], y - bb[1], ch, True))
            x += (bb[2] - bb[0]) + gap
        widths.append(x - gap)
        placed.append(items)
        y += int(size * 1.15)
    return placed, widths, y


def render_plate(text: str | None, style: str, rng: np.random.Generator,
                 font: Path, height: float | None = None) -> RenderedPlate:
    """Render a plate of ``style`` (see ``PLATE_STYLES``) with known character boxes.

    Args:
        text: the plate's text (rows separated by a newline; spaces and dashes are
            gaps, not characters), or None for a random text fitting the style.
        style: one of ``PLATE_STYLES``.
        rng: the only source of randomness (same seed, same plate).
        font: a font file.
        height: the image's height in pixels (default: random, 20 to 160).

    Returns:
        The plate with the ink box of every character, in reading order.
    """
    if style not in PLATE_STYLES:
        raise ValueError(f"unknown plate style {style!r}")
    if text is None:
        rows = random_text(style, rng)
    else:  # "\n" separates rows; a vertical plate has one character per row
        rows = list(text.replace("\n", "")) if style == "vertical" else text.split("\n")
    fnt = _font(str(font), 96)
    placed, widths, height = _layout(rows, fnt, style, rng)
    margin_x = int(fnt.size * rng.uniform(0.2, 0.6))
    band = int(fnt.size * 0.5) if style == "eu" else 0
    W = max(widths) + 2 * margin_x + band
    H = height + int(fnt.size * (0.35 if style in ("us", "br") else 0.1))
    ink = Image.new("L", (W, H), 0)
    labels = Image.new("L", (W, H), 0)
    draw, ldraw = ImageDraw.Draw(ink), ImageDraw.Draw(labels)
    ldraw.fontmode = "1"  # no anti-aliasing: label values must stay exact
    chars = []
    for items, width in zip(placed, widths):
        offset = band + margin_x + (max(widths) - width) // 2
        for x, y, ch, is_char in items:
            if not is_char:
                cy = y + fnt.size // 2
                draw.rectangle([offset + x, cy, offset + x + fnt.size // 4, cy + fnt.size // 12],
                               fill=255)
                continue
            chars.append(ch)
            draw.text((offset + x, y), ch, fill=255, font=fnt)
            ldraw.text((offset + x, y), ch, fill=len(chars), font=fnt)
    bg, fg = _colors(style, rng)
    img = _compose(np.asarray(ink), bg, fg, style, rng, band, fnt)
    return _finish_plate(img, np.asarray(labels), len(chars), "".join(chars), style, rng, height)


def _compose(ink: np.ndarray, bg: tuple, fg: tuple, style: str, rng: np.random.Generator,
             band: int, fnt) -> np.ndarray:
    h, w = ink.shape
    a = (ink.astype(np.float32) / 255.0)[..., None]
    img = np.array(bg, np.float32) * (1 - a) + np.array(fg, np.float32) * a
    img = np.ascontiguousarray(img.astype(np.uint8))
    if band:
        img[:, :band] = (160, 50, 20)
        small = _font(str(fnt.path), max(8, band // 2))
        pil = Image.fromarray(img)
        ImageDraw.Draw(pil).text((band // 6, int(h * 0.6)), "SK", fill=(255, 255, 255), font=small)
        img = np.asarray(pil).copy()
    if style in ("us", "br"):
        small = _font(str(fnt.path), max(8, int(fnt.size * rng.uniform(0.18, 0.3))))
        pil = Image.fromarray(img)
        words = ("BA-SALVADOR", "CALIFORNIA", "New York", "TEXAS", "visitPA.com", "Illinois")
        color = tuple(int(v) for v in rng.integers(0, 200, 3))
        d = ImageDraw.Draw(pil)
        d.text((w // 3, int(fnt.size * 0.08)), words[int(rng.integers(len(words)))], fill=color,
               font=small)
        if rng.random() < 0.6:
            d.text((w // 4, h - int(fnt.size * 0.32)), "LAND OF LINCOLN", fill=color, font=small)
        img = np.asarray(pil).copy()
    if rng.random() < 0.6:  # frame
        t = int(rng.integers(2, 8))
        cv2.rectangle(img, (t // 2, t // 2), (w - 1 - t // 2, h - 1 - t // 2),
                      tuple(int(v) * 0.4 for v in bg), t)
    if rng.random() < 0.5:  # screws
        r = max(3, h // 20)
        for x in (int(w * 0.2), int(w * 0.8)):
            for y in ((r * 2,) if rng.random() < 0.7 else (r * 2, h - r * 2)):
                cv2.circle(img, (x, y), r, (120, 120, 120), -1)
    return img


def _finish_plate(img: np.ndarray, labels: np.ndarray, n: int, text: str, style: str,
                  rng: np.random.Generator, height: float | None = None) -> RenderedPlate:
    h, w = labels.shape
    pad = [int(v) for v in rng.integers(0, max(2, h // 4), 4)] if rng.random() < 0.5 else [0] * 4
    surround = tuple(int(v) for v in rng.integers(0, 120, 3))
    img = cv2.copyMakeBorder(img, pad[0], pad[1], pad[2], pad[3], cv2.BORDER_CONSTANT,
                             value=surround)
    labels = cv2.copyMakeBorder(labels, pad[0], pad[1], pad[2], pad[3], cv2.BORDER_CONSTANT,
                                value=0)
    h, w = labels.shape
    angle = float(np.clip(rng.normal(0, 5), -15, 15))
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = rng.uniform(-0.04, 0.04, (4, 2)) * [w, h]
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    dst = (np.hstack([src, np.ones((4, 1))]) @ rot.T + jitter).astype(np.float32)
    dst -= dst.min(axis=0)
    out_w, out_h = int(dst[:, 0].max()) + 1, int(dst[:, 1].max()) + 1
    m = cv2.getPerspectiveTransform(src, dst)
    img = cv2.warpPerspective(img, m, (out_w, out_h), borderMode=cv2.BORDER_REPLICATE)
    labels = cv2.warpPerspective(labels, m, (out_w, out_h), flags=cv2.INTER_NEAREST)
    target_h = float(rng.uniform(20, 160)) if height is None else float(height)
    s = target_h / out_h
    boxes = []
    for i in range(1, n + 1):
        ys, xs = np.nonzero(labels == i)
        if ys.size == 0:
            boxes.append((0, 0, 1, 1))
            continue
        x0, y0 = int(np.floor(xs.min() * s)), int(np.floor(ys.min() * s))
        x1, y1 = int(np.ceil((xs.max() + 1) * s)), int(np.ceil((ys.max() + 1) * s))
        boxes.append((x0, y0, max(1, x1 - x0), max(1, y1 - y0)))
    img = cv2.resize(img, (max(8, int(out_w * s)), max(8, int(out_h * s))),
                     interpolation=cv2.INTER_AREA)
    return RenderedPlate(_degrade(img, rng), boxes, text, style)


def _degrade(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    f = img.astype(np.float32)
    f = f * rng.uniform(0.6, 1.2) + rng.uniform(-30, 30)
    h, w = f.shape[:2]
    if rng.random() < 0.5:
        grad = np.linspace(rng.uniform(-40, 0), rng.uniform(0, 40), w)[None, :, None]
        f = f + grad
    if rng.random() < 0.7:
        f = cv2.GaussianBlur(f, (0, 0), rng.uniform(0.3, 1.2) * max(1.0, h / 60))
    f = f + rng.normal(0, rng.uniform(0, 10), f.shape)
    out = np.clip(f, 0, 255).astype(np.uint8)
    if rng.random() < 0.3:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(30, 90))])
        if ok:
            out = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return out
