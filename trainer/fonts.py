"""Open-licensed fonts close to plate lettering, found on this machine.

The project's set-up installs them from Debian's packages (see the Makefile's
``system`` target); nothing is downloaded at run time. A font is used only if
its file name is on a curated allow-list of plate-like families and it draws all
36 plate characters as distinct glyphs (no missing-glyph boxes, ``0`` != ``O``).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from PIL import ImageFont

log = logging.getLogger(__name__)

FONT_DIRS = (Path("/usr/share/fonts"), Path.home() / ".local/share/fonts")
FONT_SUFFIXES = (".ttf", ".otf", ".woff2")
PACKAGES = ("fonts-opendin fonts-roadgeek fonts-tiresias fonts-routed-gothic "
            "fonts-national-park fonts-ocr-b fonts-bebas-neue fonts-roboto fonts-urw-base35")
# Plate-like families, as lower-case substrings of the file name (without suffix).
ALLOW = (
    "osp-din",                                    # fonts-opendin: German DIN 1451
    "rg2014",                                     # fonts-roadgeek: FHWA series B..F
    "tiresias_lpfont", "tiresias_signfont", "tiresias_infofont",  # fonts-tiresias
    "routed-gothic",                              # fonts-routed-gothic
    "nationalpark",                               # fonts-national-park
    "ocrb",                                       # fonts-ocr-b
    "bebasneue",                                  # fonts-bebas-neue
    "robotocondensed-regular", "robotocondensed-medium", "robotocondensed-bold",
    "roboto-regular", "roboto-medium", "roboto-bold",  # fonts-roboto
    "nimbussansnarrow-regular", "nimbussansnarrow-bold",  # fonts-urw-base35
    "dejavusanscondensed-bold",                   # fonts-dejavu-core
)
# Slanted, hairline, outlined, boxed (OCR-B E/X), slashed-zero (Tiresias "z") and
# extra-wide variants look like no plate.
DENY = ("italic", "oblique", "thin", "light", "outline", "hairline", "fontz", "wide",
        "ocrbe", "ocrbf", "ocrbl", "ocrbx", "ocrbs")
CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PROBE_SIZE = 40
_MISSING = "\ue000"  # a private-use code point: fonts draw their missing-glyph box


def _allowed(path: Path) -> bool:
    """Whether the file name is a plate-like family and weight."""
    stem = path.stem.lower().replace(" ", "")
    return any(a in stem for a in ALLOW) and not any(d in stem for d in DENY)


def _glyph_key(font: ImageFont.FreeTypeFont, ch: str) -> bytes | None:
    """The glyph's bitmap as bytes (size included), or None if it has no ink."""
    left, top, right, bottom = font.getbbox(ch)
    if right - left <= 0 or bottom - top <= 0:
        return None
    mask = font.getmask(ch)
    return repr(mask.size).encode() + bytes(mask)


def renders_plate_chars(path: Path) -> bool:
    """Whether a font draws every plate character as its own, distinct glyph.

    Args:
        path: a font file.

    Returns:
        False if the file cannot be loaded, a glyph is empty or is the font's
        missing-glyph box, or two characters (``0`` and ``O`` say) look the same.
    """
    try:  # from bytes: given a bad file, Pillow would load a same-named system font
        font = ImageFont.truetype(io.BytesIO(path.read_bytes()), _PROBE_SIZE)
    except OSError:
        return False
    missing = _glyph_key(font, _MISSING)
    keys = [_glyph_key(font, ch) for ch in CHARS]
    if any(k is None or k == missing for k in keys):
        return False
    return len(set(keys)) == len(CHARS)


def _candidates(folders: Iterable[Path]) -> Iterable[Path]:
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.suffix.lower() in FONT_SUFFIXES and path.is_file() and _allowed(path):
                    yield path


def find_plate_fonts(extra_dirs: Sequence[Path] = ()) -> list[Path]:
    """Plate-like fonts that render every plate character distinctly.

    Args:
        extra_dirs: more folders to scan (recursively) besides the system and
            user font folders.

    Returns:
        The font files, sorted; one path per font file name (the first found).

    Raises:
        RuntimeError: if none is found; the message names the packages to install.
    """
    by_name: dict[str, Path] = {}
    for path in _candidates((*FONT_DIRS, *map(Path, extra_dirs))):
        key = path.name.lower()
        if key in by_name:
            continue
        if renders_plate_chars(path):
            by_name[key] = path.resolve()
        else:
            log.debug("font %s lacks distinct plate glyphs, skipped", path)
    if not by_name:
        raise RuntimeError("No plate fonts found. Install them with: "
                           f"sudo apt-get install {PACKAGES}")
    found = sorted(set(by_name.values()))
    log.info("%d plate fonts found", len(found))
    return found
