"""Draw the app icon once and derive every platform's format from it.

    python packaging/make_icons.py   ->  assets/icon.png, icon.ico, icon.icns
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ASSETS = Path(__file__).resolve().parents[1] / "assets"
FONT = "DejaVuSans-Bold.ttf"  # Pillow looks in the system's font folders (fonts-dejavu-core)


def _font(size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:  # no DejaVu (Windows, macOS): Pillow's own scalable font
        return ImageFont.load_default(size)


def draw(size: int = 256) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    s = size / 256
    d.rounded_rectangle([8 * s, 56 * s, 248 * s, 200 * s], radius=22 * s, fill=(250, 204, 21),
                        outline=(30, 30, 30), width=int(8 * s))
    font = _font(int(92 * s))
    d.text((128 * s, 128 * s), "PR", fill=(20, 20, 20), font=font, anchor="mm")
    d.rectangle([36 * s, 172 * s, 220 * s, 182 * s], fill=(26, 127, 55))
    return img


def main() -> None:
    ASSETS.mkdir(exist_ok=True)
    icon = draw()
    icon.save(ASSETS / "icon.png")
    icon.save(ASSETS / "icon.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (128, 128),
                                          (256, 256)])
    draw(1024).save(ASSETS / "icon.icns")  # macOS wants up to 1024 px (512@2x): drawn, not scaled


if __name__ == "__main__":
    main()
