"""Render the project's own sample plates into license_images/ (named by their text).

    python tools/make_samples.py [OUT_DIR]

Each sample is a fixed design (colours, font, layout) drawn at 4x and shrunk,
then "photographed": a slight perspective tilt, uneven light, a little sensor
noise and lens blur, cropped tight around the plate. Every random choice comes
from the sample's own seed, so the files are the same on every run. The
trainer's randomised renderer is not used on purpose: the samples must not move
when training data generation changes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
FONTS = Path("/usr/share/fonts/truetype")
DIN = FONTS / "opendin" / "OSP-DIN.ttf"
DEJAVU_BOLD = FONTS / "dejavu" / "DejaVuSans-Bold.ttf"
DEJAVU_COND = FONTS / "dejavu" / "DejaVuSansCondensed-Bold.ttf"
SS = 4  # supersampling factor: glyph edges come out anti-aliased like a photo's

YELLOW = (250, 206, 20)
WHITE = (243, 243, 238)
BLACK = (22, 22, 24)
EU_BLUE = (20, 55, 160)
NAVY = (25, 30, 95)


@dataclass(frozen=True)
class Sample:
    """One sample plate.

    rows: the plate's text rows ("-" and " " are drawn as a dash and a gap, and
    are not part of the file name). size: final (width, height) of the plate in
    px, before the tight crop adds a few px of surround. cap: cap height as a
    share of the plate height (per row). bold: extra stroke width in final px.
    """

    rows: tuple[str, ...]
    size: tuple[int, int]
    bg: tuple[int, int, int]
    fg: tuple[int, int, int]
    font: Path
    cap: float
    seed: int
    bold: float = 0.0
    track: float = 0.12  # space between characters, share of the cap height
    band: str = ""  # EU-style blue band on the left with this country code
    small_print: tuple[tuple[str, float, tuple[int, int, int]], ...] = field(default=())
    frame: float = 0.035  # border line inset, share of the plate height

    @property
    def name(self) -> str:
        return "".join(ch for row in self.rows for ch in row if ch.isalnum())


SAMPLES = (
    # Hong Kong rear: black on yellow; front: black on white.
    Sample(("GV5679",), (380, 84), YELLOW, BLACK, DIN, 0.62, seed=3, bold=1.2),
    Sample(("AM66",), (360, 80), WHITE, BLACK, DIN, 0.62, seed=5, bold=1.2, track=0.3),
    # Hong Kong two-row: the top row is read first.
    Sample(("VL", "5547"), (200, 132), YELLOW, BLACK, DIN, 0.34, seed=11, bold=1.0),
    # UK-like rear plate: narrow bold letters, a gap between the groups.
    Sample(("AB12 CDE",), (420, 92), YELLOW, BLACK, DEJAVU_COND, 0.64, seed=2, track=0.06),
    # EU: blue band with the stars and the country code.
    Sample(("RK-026AJ",), (420, 90), WHITE, BLACK, DIN, 0.62, seed=4, bold=1.0, band="SK"),
    # US-like: dark blue on white with the state above and small print below.
    Sample(("7XKT215",), (260, 130), WHITE, NAVY, DEJAVU_COND, 0.42, seed=6, track=0.05,
           small_print=(("California", 0.13, (170, 30, 35)), ("dmv.ca.gov", 0.87, NAVY))),
    # Light on dark: silver characters on a black plate.
    Sample(("BMW M5",), (330, 80), (28, 28, 30), (225, 225, 218), DEJAVU_BOLD, 0.6, seed=8,
           track=0.1),
    # Vertical: one character per row, read top to bottom.
    Sample(("9", "4", "1", "3"), (64, 180), WHITE, BLACK, DIN, 0.18, seed=9, bold=0.8),
)


def _font(path: Path, cap_px: float) -> ImageFont.FreeTypeFont:
    """The font at the size whose capital H is ``cap_px`` tall."""
    probe = ImageFont.truetype(str(path), 200)
    left, top, right, bottom = probe.getbbox("H", anchor="ls")
    return ImageFont.truetype(str(path), max(4, round(200 * cap_px / (bottom - top))))


def _row_width(row: str, font: ImageFont.FreeTypeFont, track: float, stroke: int) -> float:
    widths = [font.getlength(ch) + 2 * stroke for ch in row]
    return sum(widths) + track * (len(row) - 1)


def _draw_row(draw: ImageDraw.ImageDraw, row: str, font: ImageFont.FreeTypeFont, x: float,
              base: float, track: float, cap: float, s: Sample, stroke: int) -> None:
    for ch in row:
        if ch == "-":  # a short dash at mid height, like an EU separator
            w = font.getlength(ch)
            draw.rectangle((x + 0.2 * w, base - 0.55 * cap, x + 0.8 * w, base - 0.42 * cap), fill=s.fg)
        elif ch != " ":
            draw.text((x + stroke, base), ch, font=font, fill=s.fg, anchor="ls",
                      stroke_width=stroke, stroke_fill=s.fg)
        x += font.getlength(ch) + 2 * stroke + track


def _eu_band(draw: ImageDraw.ImageDraw, s: Sample, w: int, h: int) -> int:
    """Draw the blue band; return its width (the text is centred right of it)."""
    bw = int(0.11 * w)
    draw.rectangle((0, 0, bw, h), fill=EU_BLUE)
    cx, cy, r = bw / 2, 0.36 * h, 0.2 * h
    for k in range(12):
        a = 2 * np.pi * k / 12
        px, py = cx + r * np.cos(a), cy + r * np.sin(a)
        draw.regular_polygon((px, py, 0.035 * h), 5, fill=(250, 210, 0))
    code = _font(DEJAVU_BOLD, 0.2 * h)
    draw.text((cx, 0.86 * h), s.band, font=code, fill=(245, 245, 245), anchor="ms")
    return bw


def paint(s: Sample) -> np.ndarray:
    """The flat, undistorted plate at its final size: ``HxWx3 uint8`` RGB."""
    w, h = s.size[0] * SS, s.size[1] * SS
    img = Image.new("RGB", (w, h), s.bg)
    draw = ImageDraw.Draw(img)
    left = _eu_band(draw, s, w, h) if s.band else 0
    inset = max(2, round(s.frame * h))
    line = max(2, round(0.018 * s.size[1]) * SS)
    draw.rounded_rectangle((inset, inset, w - 1 - inset, h - 1 - inset), radius=2 * inset,
                           outline=s.fg, width=line)
    stroke = round(s.bold * SS / 2)
    cap = s.cap * h
    room = 0.88 * (w - left - 2 * inset)
    widest = max(_row_width(row, _font(s.font, cap), s.track * cap, stroke) for row in s.rows)
    cap *= min(1.0, room / widest)  # a long text gets smaller characters, as on real plates
    font = _font(s.font, cap)
    track = s.track * cap
    n = len(s.rows)
    pitch = (h - 2 * inset) / n  # rows share the height inside the frame
    for r, row in enumerate(s.rows):
        base = inset + pitch * (r + 0.5) + cap / 2
        x = left + (w - left - _row_width(row, font, track, stroke)) / 2
        _draw_row(draw, row, font, x, base, track, cap, s, stroke)
    for text, y, color in s.small_print:
        small = _font(DEJAVU_BOLD, 0.09 * h)
        draw.text((w / 2, y * h), text, font=small, fill=color, anchor="mm")
    return cv2.resize(np.asarray(img), s.size, interpolation=cv2.INTER_AREA)


def photograph(plate: np.ndarray, rng: np.random.Generator, margin: int = 3) -> np.ndarray:
    """Tilt, light, noise and blur a flat plate; crop tight with ``margin`` px of surround."""
    h, w = plate.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = rng.uniform(-1, 1, (4, 2)) * np.float32([0.012 * w, 0.03 * h])
    dst = src + jitter.astype(np.float32)
    dst -= dst.min(axis=0) - margin
    out_w, out_h = (np.ceil(dst.max(axis=0)) + margin).astype(int)
    surround = tuple(int(v) for v in rng.integers(35, 75, 3))
    m = cv2.getPerspectiveTransform(src, dst)
    img = cv2.warpPerspective(plate, m, (int(out_w), int(out_h)), flags=cv2.INTER_CUBIC,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=surround)
    img = img.astype(np.float32)
    yy, xx = np.mgrid[0:img.shape[0], 0:img.shape[1]].astype(np.float32)
    gx, gy = rng.uniform(-0.12, 0.12, 2)
    light = 1.0 + gx * (xx / img.shape[1] - 0.5) + gy * (yy / img.shape[0] - 0.5)
    img *= light[..., None] * rng.uniform(0.9, 1.0)
    img += rng.normal(0, 3.0, img.shape[:2])[..., None] + rng.normal(0, 1.0, img.shape)
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.6, 0.8))
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


def render(s: Sample) -> np.ndarray:
    """The finished sample: ``HxWx3 uint8`` BGR."""
    rgb = photograph(paint(s), np.random.default_rng(s.seed))
    return np.ascontiguousarray(rgb[..., ::-1])


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "license_images"
    out.mkdir(parents=True, exist_ok=True)
    for s in SAMPLES:
        path = out / f"{s.name}.png"
        if not cv2.imwrite(str(path), render(s), [cv2.IMWRITE_PNG_COMPRESSION, 9]):
            raise OSError(f"could not write {path}")
        h, w = cv2.imread(str(path)).shape[:2]
        print(f"{path.name}: {w}x{h}, {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
