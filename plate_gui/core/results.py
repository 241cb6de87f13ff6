"""The typed results of recognition: frozen dataclasses, no behaviour beyond views."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .charset import JUNK

FAILED_CHAR = "?"


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in original-image pixel coordinates."""

    x: int
    y: int
    w: int
    h: int

    def __post_init__(self) -> None:
        if self.w <= 0 or self.h <= 0:
            raise ValueError(f"box must have a positive size, got {self.w}x{self.h}")

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)

    def union(self, other: Box) -> Box:
        """The smallest box holding both."""
        x0, y0 = min(self.x, other.x), min(self.y, other.y)
        x1 = max(self.x + self.w, other.x + other.w)
        y1 = max(self.y + self.h, other.y + other.h)
        return Box(x0, y0, x1 - x0, y1 - y0)


@dataclass(frozen=True)
class CharPrediction:
    """One character's reading.

    Attributes:
        char: the best class ("?" never appears here; see ``display``).
        confidence: calibrated probability of ``char``, 0..1.
        alternatives: up to three (char, probability) pairs, best first; the first is ``char``.
        failed: True when ``confidence`` is under the recognizer's threshold.
        box: where the crop came from, or None for a crop given directly.
        row: 0 for the top row, 1 for the second row of a two-row plate.
        distribution: every class's probability as (char, probability) pairs, or
            empty where not known; the plate-format rules condition on it.
    """

    char: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]
    failed: bool
    box: Box | None = None
    row: int = 0
    distribution: tuple[tuple[str, float], ...] = field(default=(), repr=False, compare=False)

    @property
    def display(self) -> str:
        """What to show: the character, or "?" for a recognition failure."""
        return FAILED_CHAR if self.failed else self.char

    @property
    def is_junk(self) -> bool:
        return self.char == JUNK

    def with_threshold(self, threshold: float) -> CharPrediction:
        """The same prediction re-marked against another threshold (no model run)."""
        return replace(self, failed=self.confidence < threshold)


@dataclass(frozen=True)
class PlateResult:
    """The reading of one plate image.

    Attributes:
        chars: per-character predictions in reading order (top row first).
        threshold: the confidence under which a character counts as failed.
        image_size: (width, height) of the image read.
        timings_ms: time spent per step ("decode", "segment", "classify", "total").
        region: the plate-format rule set applied, or None.
    """

    chars: tuple[CharPrediction, ...]
    threshold: float
    image_size: tuple[int, int]
    timings_ms: dict[str, float] = field(default_factory=dict)
    region: str | None = None

    @property
    def text(self) -> str:
        """The plate text, with "?" for each failed character."""
        return "".join(c.display for c in self.chars)

    @property
    def raw_text(self) -> str:
        """The best guess for every character, failures included."""
        return "".join(c.char for c in self.chars)

    @property
    def confidences(self) -> list[float]:
        return [round(c.confidence, 2) for c in self.chars]

    @property
    def failed(self) -> bool:
        """True when no character was found or any character failed."""
        return not self.chars or any(c.failed for c in self.chars)

    @property
    def min_confidence(self) -> float:
        return min((c.confidence for c in self.chars), default=0.0)

    @property
    def boxes(self) -> list[tuple[int, int, int, int] | None]:
        return [c.box.as_tuple() if c.box else None for c in self.chars]

    def with_threshold(self, threshold: float) -> PlateResult:
        """Re-mark failures against ``threshold`` without running the model again."""
        return PlateResult(tuple(c.with_threshold(threshold) for c in self.chars),
                           threshold, self.image_size, dict(self.timings_ms), self.region)

    def to_dict(self) -> dict:
        """A JSON-ready view (the CLI's ``--json`` line, the GUI's export)."""
        return {
            "text": self.text,
            "raw_text": self.raw_text,
            "confidences": self.confidences,
            "boxes": self.boxes,
            "alternatives": [[[a, round(p, 3)] for a, p in c.alternatives] for c in self.chars],
            "failed": [c.failed for c in self.chars],
            "region": self.region,
        }
