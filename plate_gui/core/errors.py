"""Errors the core raises, each with a message an operator can act on."""

from __future__ import annotations


class PlateError(Exception):
    """Base class of every error the core raises on purpose.

    The message is one line, fit to show in the window as it is.
    """


class ImageReadError(PlateError):
    """An image could not be read: missing, empty, truncated, not an image, too big or too small."""


class ModelLoadError(PlateError):
    """The model weights or their metadata are missing, corrupt or do not match."""


class SegmentationError(PlateError):
    """The image could not be segmented (for example an array of an unusable shape)."""
