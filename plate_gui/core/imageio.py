"""The only place images are read: from a path, from bytes or from an array.

Every reader returns an ``HxWx3`` ``uint8`` BGR array (OpenCV's order) or raises
``ImageReadError`` with a one-line reason. Decoding goes through Pillow rather
than ``cv2.imdecode`` because Pillow reports truncated files and exposes the EXIF
orientation, both of which ``imdecode`` silently ignores. Files are read with
``np.fromfile`` so non-ASCII paths work everywhere (opencv issue 18305).
"""

from __future__ import annotations

import io
import logging
import os
import warnings
from pathlib import Path
from typing import Union

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ImageReadError

log = logging.getLogger(__name__)

MAX_PIXELS = 40_000_000
MIN_SIDE = 8
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")

ImageSource = Union[str, os.PathLike, bytes, bytearray, memoryview, np.ndarray]


def is_image_path(path: Path) -> bool:
    """True when ``path`` has one of the image suffixes the reader accepts."""
    return path.suffix.lower() in IMAGE_SUFFIXES


def load_image(source: ImageSource, name: str | None = None,
               min_side: int = MIN_SIDE) -> np.ndarray:
    """Read an image into an ``HxWx3 uint8`` BGR array.

    Args:
        source: a file path, the encoded bytes of a file, or a decoded array
            (``HxW``, ``HxWx1``, ``HxWx3`` RGB order is NOT assumed: arrays are taken
            as BGR like OpenCV's, ``HxWx4`` as BGRA).
        name: what to call the image in error messages (defaults to the path).
        min_side: smallest width and height accepted (character crops may be smaller
            than a plate photo).

    Returns:
        The image as a contiguous ``HxWx3 uint8`` BGR array.

    Raises:
        ImageReadError: missing, empty, truncated or non-image file; unsupported
            array; image over ``MAX_PIXELS`` or under ``MIN_SIDE`` on a side.
    """
    if isinstance(source, np.ndarray):
        return array_to_bgr(source, name or "array", min_side)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _decode(bytes(source), name or "image data", min_side)
    path = Path(source)
    label = name or path.name
    return _decode(_read_file(path, label), label, min_side)


def _read_file(path: Path, label: str) -> bytes:
    if not path.exists():
        raise ImageReadError(f"Could not read '{label}': the file does not exist")
    if path.is_dir():
        raise ImageReadError(f"Could not read '{label}': it is a folder, not an image file")
    try:
        data = np.fromfile(str(path), dtype=np.uint8).tobytes()
    except OSError as exc:
        raise ImageReadError(f"Could not read '{label}': {exc.strerror or exc}") from exc
    if not data:
        raise ImageReadError(f"Could not read '{label}': the file is empty (0 bytes)")
    return data


def _decode(data: bytes, label: str, min_side: int = MIN_SIDE) -> np.ndarray:
    if not data:
        raise ImageReadError(f"Could not read '{label}': the file is empty (0 bytes)")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
        except (UnidentifiedImageError, Image.DecompressionBombError,
                Image.DecompressionBombWarning) as exc:
            if isinstance(exc, UnidentifiedImageError):
                raise ImageReadError(f"Could not read '{label}': not an image file") from exc
            raise ImageReadError(f"Could not read '{label}': the image is too large") from exc
        except Exception as exc:  # Pillow plugins raise assorted errors on garbage
            raise ImageReadError(f"Could not read '{label}': not an image file ({exc})") from exc
    _check_size(img.width, img.height, label, min_side)  # from the header, before decoding
    try:
        img.load()
        img = ImageOps.exif_transpose(img)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageReadError(f"Could not read '{label}': the file is truncated or damaged") from exc
    return _pil_to_bgr(img, label, min_side)


def _check_size(width: int, height: int, label: str, min_side: int = MIN_SIDE) -> None:
    if width * height > MAX_PIXELS:
        raise ImageReadError(
            f"Could not read '{label}': the image is too large ({width}x{height}, "
            f"over {MAX_PIXELS // 1_000_000} megapixels)")
    if width < min_side or height < min_side:
        raise ImageReadError(
            f"Could not read '{label}': the image is too small ({width}x{height}, "
            f"needs at least {min_side}x{min_side})")


def _pil_to_bgr(img: Image.Image, label: str, min_side: int = MIN_SIDE) -> np.ndarray:
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return array_to_bgr(np.asarray(img), label, min_side)
    if mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif mode in ("LA", "PA"):
        img = img.convert("RGBA")
    elif mode not in ("L", "RGB", "RGBA"):
        img = img.convert("RGB")  # CMYK, YCbCr, 1-bit, LAB ...
    arr = np.asarray(img)
    if arr.ndim == 3:
        arr = arr[..., [2, 1, 0, 3]] if arr.shape[2] == 4 else arr[..., ::-1]
    return array_to_bgr(arr, label, min_side)


def array_to_bgr(arr: np.ndarray, label: str = "array",
                 min_side: int = MIN_SIDE) -> np.ndarray:
    """Normalize a decoded array to ``HxWx3 uint8`` BGR.

    Args:
        arr: ``HxW``, ``HxWx1``, ``HxWx3`` (BGR) or ``HxWx4`` (BGRA); any integer,
            float (0..1 or 0..255) or bool dtype. Alpha is composited on white.
        label: name used in error messages.
        min_side: smallest width and height accepted.

    Returns:
        ``HxWx3 uint8`` array.

    Raises:
        ImageReadError: unsupported shape or dtype, non-finite values, bad size.
    """
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (3, 4)):
        raise ImageReadError(f"Could not read '{label}': unsupported image shape {arr.shape}")
    _check_size(arr.shape[1], arr.shape[0], label, min_side)
    img = _to_float01(arr, label)
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    elif img.shape[2] == 4:
        alpha = img[..., 3:4]
        img = img[..., :3] * alpha + (1.0 - alpha)
    return np.ascontiguousarray(np.clip(img * 255.0 + 0.5, 0, 255).astype(np.uint8))


def _to_float01(arr: np.ndarray, label: str) -> np.ndarray:
    if arr.dtype == np.uint8:
        return arr.astype(np.float32) / 255.0
    if arr.dtype == bool:
        return arr.astype(np.float32)
    if np.issubdtype(arr.dtype, np.integer):
        hi = float(arr.max()) if arr.size else 0.0
        # 16-bit files often carry 10-14 bit data: scale by the bit depth actually used.
        scale = 255.0 if hi <= 255 else float(2 ** int(np.ceil(np.log2(hi + 1))) - 1)
        return np.clip(arr.astype(np.float32) / scale, 0.0, 1.0)
    if np.issubdtype(arr.dtype, np.floating):
        if not np.all(np.isfinite(arr)):
            raise ImageReadError(f"Could not read '{label}': the image has NaN or infinite values")
        hi = float(arr.max()) if arr.size else 0.0
        out = arr.astype(np.float32) / (255.0 if hi > 1.0 else 1.0)
        return np.clip(out, 0.0, 1.0)
    raise ImageReadError(f"Could not read '{label}': unsupported pixel type {arr.dtype}")


def to_gray(bgr: np.ndarray) -> np.ndarray:
    """``HxWx3 uint8`` BGR -> ``HxW uint8`` gray (a copy when already gray)."""
    import cv2

    if bgr.ndim == 2:
        return bgr.copy()
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
