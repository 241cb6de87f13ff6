"""THE crop -> tensor transform, shared by the recognizer and the trainer.

A character crop of any size and polarity becomes a ``1xSxS float32`` array:
light ink on a dark background, contrast-stretched, centred in a square with the
aspect ratio kept, then normalized with the model's mean and std. The weights'
metadata carries ``input_size``, ``mean`` and ``std``; both sides build a
``PreprocessConfig`` from it, so training and inference cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

DEFAULT_INPUT_SIZE = 32
DEFAULT_MEAN = 0.2
DEFAULT_STD = 0.3
MARGIN = 0.08  # share of the square left empty around the character


@dataclass(frozen=True)
class PreprocessConfig:
    """How crops are fed to the model (stored in the weights' metadata)."""

    input_size: int = DEFAULT_INPUT_SIZE
    mean: float = DEFAULT_MEAN
    std: float = DEFAULT_STD

    def __post_init__(self) -> None:
        if not 8 <= self.input_size <= 512:
            raise ValueError(f"input_size must be 8..512, got {self.input_size}")
        if self.std <= 0:
            raise ValueError(f"std must be positive, got {self.std}")


def ink_up(crop: np.ndarray) -> np.ndarray:
    """Return the crop with light ink on a dark background, stretched to 0..255.

    Polarity is decided by Otsu's threshold: the class that covers most of the
    crop's outer frame is background.

    Args:
        crop: ``HxW uint8`` gray (``HxWx3`` BGR is converted).

    Returns:
        ``HxW uint8``.
    """
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    crop = np.ascontiguousarray(crop, dtype=np.uint8)
    lo, hi = np.percentile(crop, (2, 98)) if crop.size else (0, 0)
    if hi - lo < 1:
        return np.zeros_like(crop)
    stretched = np.clip((crop.astype(np.float32) - lo) * (255.0 / (hi - lo)), 0, 255)
    stretched = stretched.astype(np.uint8)
    _, binary = cv2.threshold(stretched, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    frame = np.concatenate([binary[0], binary[-1], binary[:, 0], binary[:, -1]])
    if frame.mean() > 127:  # background is light: dark ink, invert it
        stretched = 255 - stretched
    return stretched


def to_square(crop: np.ndarray, size: int) -> np.ndarray:
    """Fit an ink-up crop in a ``size x size`` square, aspect kept, centred.

    Args:
        crop: ``HxW uint8``, light ink on dark.
        size: side of the output.

    Returns:
        ``size x size uint8``.
    """
    h, w = crop.shape[:2]
    inner = max(1, int(round(size * (1 - 2 * MARGIN))))
    scale = inner / max(h, w)
    nh, nw = max(1, int(round(h * scale))), max(1, int(round(w * scale)))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(crop, (nw, nh), interpolation=interp)
    out = np.zeros((size, size), np.uint8)
    y0, x0 = (size - nh) // 2, (size - nw) // 2
    out[y0:y0 + nh, x0:x0 + nw] = small
    return out


def preprocess_crop(crop: np.ndarray, config: PreprocessConfig = PreprocessConfig()) -> np.ndarray:
    """One character crop -> the model's input.

    Args:
        crop: ``HxW uint8`` gray or ``HxWx3 uint8`` BGR, any polarity, H, W >= 1.
        config: input size and normalization.

    Returns:
        ``1xSxS float32`` array (S = ``config.input_size``).
    """
    if crop.size == 0:
        raise ValueError("empty crop")
    square = to_square(ink_up(crop), config.input_size)
    x = square.astype(np.float32) / 255.0
    return ((x - config.mean) / config.std)[None]


# Test-time views: each crop is also read shifted by one pixel of the model's input
# left, right, up and down, and the logits averaged. A crop's exact placement in the
# square depends on where segmentation cut it; averaging over small shifts takes
# that chance out of the reading. Measured on plates-dev (bench, bundled models,
# 2026-12-04): exact plates 618 -> 627 (18 won, 9 lost; the bundle's environment
# 617 -> 624), segmented right 87.1% -> 88.5%, ECE 0.031 either way; left/right
# only: 622; diagonals: 624; eight neighbours: 620; two pixels: 615. The look-alike
# model's crops shifted as well: 624; probabilities averaged, not logits: 621.
# Classification takes 2.2x (2 threads) to 2.9x (1 thread) as long: median a plate
# 39 -> 68 ms with 2 threads.
SHIFTS = ((0, 1), (0, -1), (1, 0), (-1, 0))


def with_shifts(batch: np.ndarray, config: PreprocessConfig = PreprocessConfig(),
                shifts: tuple[tuple[int, int], ...] = SHIFTS) -> np.ndarray:
    """``batch`` (``Nx1xSxS``, from ``preprocess_batch``) followed by each of its
    shifted views: ``(1 + len(shifts)) * N`` inputs, view by view. A shift of
    ``(dy, dx)`` pixels moves the character down and right; the uncovered edge is
    background (ink value 0, normalized)."""
    background = (0.0 - config.mean) / config.std
    views = [batch]
    for dy, dx in shifts:
        view = np.full_like(batch, background)
        h, w = batch.shape[2:]
        view[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
            batch[..., max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
        views.append(view)
    return np.concatenate(views)


def mean_over_views(outputs: np.ndarray, n: int) -> np.ndarray:
    """The model's outputs for ``with_shifts``' inputs (``(1 + k) * n`` rows) averaged
    back to one row per crop."""
    return outputs.reshape(-1, n, *outputs.shape[1:]).mean(axis=0)


def preprocess_batch(crops: list[np.ndarray],
                     config: PreprocessConfig = PreprocessConfig()) -> np.ndarray:
    """Many crops -> ``Nx1xSxS float32`` (N may be 0)."""
    s = config.input_size
    if not crops:
        return np.zeros((0, 1, s, s), np.float32)
    return np.stack([preprocess_crop(c, config) for c in crops])
