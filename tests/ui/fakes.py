"""Results and a recognizer made by hand, for the logic tests (no model, no Tk)."""

from __future__ import annotations

import threading

from plate_gui.core import Box, CharPrediction, PlateResult


def make_result(confs=(0.9, 0.3), chars="AB", threshold=0.5) -> PlateResult:
    """A result whose characters have the given confidences (alternatives: itself, "8", "#")."""
    preds = tuple(CharPrediction(ch, p, ((ch, p), ("#", (1 - p) / 2), ("8", (1 - p) / 2)),
                                 p < threshold, Box(i * 10, 0, 8, 12))
                  for i, (ch, p) in enumerate(zip(chars, confs)))
    return PlateResult(preds, threshold, (40, 20))


class FakeRecognizer:
    """Answers ``make_result()``; "boom.png" raises an unexpected error; can be held."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.regions: list[str | None] = []
        self.gate = threading.Event()
        self.gate.set()

    def recognize(self, image, name=None, region=None):
        self.gate.wait(10)
        self.calls.append(name)
        self.regions.append(region)
        if name == "boom.png":
            raise RuntimeError("unexpected")
        return make_result()
