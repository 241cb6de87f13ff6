"""The label set shared by the recognizer and the trainer.

Classes are the 36 plate characters followed by one "not a character" class
(``JUNK``) that segmentation leftovers (screws, bands, logos, small print) are
trained into, so the recognizer can drop such boxes instead of guessing.
"""

from __future__ import annotations

PLATE_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
JUNK = "#"
CHARSET = PLATE_CHARS + JUNK
NUM_CLASSES = len(CHARSET)

# EMNIST "balanced" has 47 classes: 0-9, A-Z, then these lower-case letters whose
# upper-case shapes differ. Plates are upper case, so the lower-case classes are
# dropped (mapped to None) rather than folded into look-alike upper-case letters.
EMNIST_BALANCED_LABELS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabdefghnqrt"


def emnist_to_plate(label: int) -> int | None:
    """Map an EMNIST balanced label to a class index of ``CHARSET``.

    Args:
        label: EMNIST balanced class (0..46).

    Returns:
        The plate class index, or None for a class plates never use.

    Raises:
        ValueError: if the label is outside EMNIST balanced.
    """
    if not 0 <= label < len(EMNIST_BALANCED_LABELS):
        raise ValueError(f"EMNIST balanced label out of range: {label}")
    ch = EMNIST_BALANCED_LABELS[label]
    return CHARSET.index(ch) if ch in PLATE_CHARS else None


def index_of(ch: str) -> int:
    """Class index of a character (upper-cased); raises ValueError if unknown."""
    ch = ch.upper()
    if len(ch) != 1 or ch not in CHARSET:
        raise ValueError(f"not a plate character: {ch!r}")
    return CHARSET.index(ch)
