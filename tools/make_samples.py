"""Render the project's own sample plates into license_images/ (named by their text).

    python tools/make_samples.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from trainer.render import render_plate  # noqa: E402

FONTS = {"din": "/usr/share/fonts/truetype/opendin/OSP-DIN.ttf",
         "tiresias": "/usr/share/fonts/truetype/tiresias/tiresias_lpfont_bold.ttf",
         "roboto": "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf"}
# (text, style, font, seed): one-row yellow and white, two-row, UK, EU band, US,
# light-on-dark, and a vertical plate.
SAMPLES = [("GV5679", "hk_yellow", "din", 3), ("AM66", "hk_white", "din", 5),
           ("VL\n5547", "hk_two_row", "din", 11), ("AB12 CDE", "uk", "tiresias", 2),
           ("RK-026AJ", "eu", "din", 4), ("7XKT215", "us", "roboto", 6),
           ("BMW M5", "dark", "din", 8), ("9413", "vertical", "din", 9)]


def main() -> int:
    out = ROOT / "license_images"
    out.mkdir(exist_ok=True)
    for text, style, font, seed in SAMPLES:
        path = Path(FONTS[font])
        if not path.is_file():
            path = Path(FONTS["din"])
        height = 260 if style == "vertical" else 120
        plate = render_plate(text, style, np.random.default_rng(seed), path, height=height)
        name = "".join(ch for ch in text if ch.isalnum()) + ".png"
        cv2.imwrite(str(out / name), plate.image)
        print(out / name, plate.image.shape)
    return 0


if __name__ == "__main__":
    sys.exit(main())
