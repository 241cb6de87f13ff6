"""Open-licensed fonts close to plate lettering, found on this machine.

The project's set-up installs them from Debian's packages (see the Makefile's
``system`` target); nothing is downloaded at run time.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PIL import ImageFont

log = logging.getLogger(__name__)

FONT_DIRS = (Path("/usr/share/fonts"), Path.home() / ".local/share/fonts")
PACKAGES = ("fonts-opendin fonts-roadgeek fonts-tiresias fonts-routed-gothic "
            "fonts-national-park fonts-ocr-b fonts-bebas-neue fonts-roboto fonts-urw-base35")
# Plate-like families (file-name substrings) and weights to leave out.
ALLOW = ("opendin", "osp-din", "roadgeek", "tiresias", "routed", "nationalpark", "ocrb",
         "bebasneue", "robotocondensed", "roboto-", "nimbussansnarrow", "dejavusanscondensed-bold",
         "dejavusans-bold", "urwgothic-demi")
DENY = ("italic", "oblique", "thin", "light", "outline", "extralight", "hairline")
CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _usable(path: Path) -> bool:
    try:
        font = ImageFont.truetype(str(path), 40)
    except OSError:
        return False
    masks = set()
    for ch in CHARS:
        bbox = font.getbbox(ch)
        if bbox[2] - bbox[0] <= 0 or bbox[3] - bbox[1] <= 0:
            return False
        masks.add(bytes(font.getmask(ch)))
    return len(masks) >= len(CHARS) - 1  # tolerate one identical pair (0/O in some fonts)


def find_plate_fonts(extra_dirs: tuple[Path, ...] = ()) -> list[Path]:
    """Plate-like fonts that render every plate character.

    Raises:
        RuntimeError: none found (says which packages to install).
    """
    found = set()
    for folder in (*FONT_DIRS, *map(Path, extra_dirs)):
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            name = path.name.lower().replace(" ", "")
            if path.suffix.lower() not in (".ttf", ".otf", ".woff2"):
                continue
            if any(a in name for a in ALLOW) and not any(d in name for d in DENY):
                if _usable(path):
                    found.add(path)
    if not found:
        raise RuntimeError(f"No plate fonts found: install them with apt-get install {PACKAGES}")
    return sorted(found)
