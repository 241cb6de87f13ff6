"""GUI-free recognition core: pixels in, ``PlateResult`` out.

Never imports tkinter or torch. The GUI and CLI use only what is exported here.
"""

from .atomic import atomic_write_bytes, atomic_write_text
from .errors import ImageReadError, ModelLoadError, PlateError, SegmentationError
from .imageio import IMAGE_SUFFIXES, is_image_path, load_image
from .recognizer import DEFAULT_THRESHOLD, PlateRecognizer
from .resources import default_weights_path, resource_path, samples_dir
from .results import Box, CharPrediction, PlateResult
from .rules import REGION_NAMES

__all__ = [
    "Box", "CharPrediction", "DEFAULT_THRESHOLD", "IMAGE_SUFFIXES", "ImageReadError",
    "ModelLoadError", "PlateError", "PlateRecognizer", "PlateResult", "REGION_NAMES",
    "SegmentationError", "default_weights_path", "is_image_path", "load_image",
    "resource_path", "samples_dir", "atomic_write_bytes", "atomic_write_text",
]
