"""Weights with their metadata: written by the trainer's export, validated at load.

A model is two files side by side: ``NAME.onnx`` and ``NAME.json``. The JSON
holds what is needed to feed and read the model (charset, input size, mean, std,
softmax temperature, class prior), the sha256 of the ONNX file, and how it was made.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .atomic import atomic_write_text
from .charset import CHARSET
from .errors import ModelLoadError
from .preprocess import PreprocessConfig

FORMAT_VERSION = 1


@dataclass(frozen=True)
class WeightsMeta:
    """The metadata stored beside an ONNX model."""

    charset: str
    input_size: int
    mean: float
    std: float
    sha256: str
    arch: str = "resnet50"
    temperature: float = 1.0
    # How often each class occurs on plates, relative to the class-balanced training
    # data (1.0 = as often); None: no correction. See ``PlateRecognizer.probabilities``.
    class_prior: list[float] | None = None
    format_version: int = FORMAT_VERSION
    training: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    # A look-alike model's groups of characters it tells apart (``lookalikes``);
    # None for the character model.
    groups: list[str] | None = None

    def __post_init__(self) -> None:
        if not self.charset or len(set(self.charset)) != len(self.charset):
            raise ValueError("charset must be non-empty with no repeated characters")
        if not set(self.charset) <= set(CHARSET):
            raise ValueError(f"charset has characters the app does not know: {self.charset!r}")
        if self.temperature <= 0:
            raise ValueError("temperature must be positive")
        if self.class_prior is not None and (
                len(self.class_prior) != len(self.charset)
                or not all(isinstance(v, (int, float)) and v > 0 for v in self.class_prior)):
            raise ValueError("class_prior must give one positive number per charset character")
        if self.groups is not None and (
                not self.groups
                or not all(isinstance(g, str) and len(g) >= 2 and set(g) <= set(self.charset)
                           for g in self.groups)
                or len("".join(self.groups)) != len(set("".join(self.groups)))):
            raise ValueError("groups must be two or more charset characters each, "
                             "no character in two groups")
        PreprocessConfig(self.input_size, self.mean, self.std)

    @property
    def preprocess(self) -> PreprocessConfig:
        return PreprocessConfig(self.input_size, self.mean, self.std)


def metadata_path(model_path: Path) -> Path:
    return Path(model_path).with_suffix(".json")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_metadata(model_path: Path, meta: dict) -> WeightsMeta:
    """Write ``NAME.json`` beside ``model_path``, with the model file's sha256 filled in.

    Args:
        model_path: the ONNX file, already written.
        meta: the ``WeightsMeta`` fields except ``sha256``.

    Returns:
        The metadata as written.
    """
    full = WeightsMeta(**{**meta, "sha256": sha256_of(model_path)})
    atomic_write_text(metadata_path(model_path), json.dumps(asdict(full), indent=2) + "\n")
    return full


def read_metadata(model_path: Path) -> WeightsMeta:
    """Read and validate the metadata of ``model_path``, checking the file's sha256.

    Raises:
        ModelLoadError: missing model or metadata, unreadable JSON, bad fields,
            or a model file whose checksum does not match.
    """
    model_path = Path(model_path)
    meta_path = metadata_path(model_path)
    if not model_path.is_file():
        raise ModelLoadError(f"Model file not found: '{model_path}'")
    if not meta_path.is_file():
        raise ModelLoadError(
            f"Model metadata not found: '{meta_path.name}' must sit beside the model")
    try:
        raw = json.loads(meta_path.read_text(encoding="utf-8"))
        if raw.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"format version {raw.get('format_version')!r}, "
                             f"this app reads {FORMAT_VERSION}")
        meta = WeightsMeta(**raw)
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise ModelLoadError(f"Model metadata '{meta_path.name}' is invalid: {exc}") from exc
    actual = sha256_of(model_path)
    if actual != meta.sha256:
        raise ModelLoadError(f"Model file '{model_path.name}' is corrupt or was changed: "
                             "its checksum does not match its metadata")
    return meta
