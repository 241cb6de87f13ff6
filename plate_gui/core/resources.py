"""Where read-only assets live, from the source tree or inside a PyInstaller bundle.

Nothing is ever written here: a frozen bundle's ``sys._MEIPASS`` is read-only.
"""

from __future__ import annotations

import sys
from pathlib import Path

WEIGHTS_NAME = "plate_resnet50.onnx"
LOOKALIKES_NAME = "plate_lookalikes.onnx"  # beside the weights (``core.lookalikes``)


def resource_root() -> Path:
    """The folder holding ``assets/`` and ``license_images/``."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parents[2]


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource_path("assets", "icon.png")``."""
    return resource_root().joinpath(*parts)


def default_weights_path() -> Path:
    """The bundled ONNX model (its metadata sits beside it as ``.json``)."""
    return resource_path("assets", WEIGHTS_NAME)


def samples_dir() -> Path:
    """The sample plates shipped with the app."""
    return resource_path("license_images")
