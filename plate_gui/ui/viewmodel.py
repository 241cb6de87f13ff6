"""What the window shows, computed without Tk: texts, labels and levels from a PlateResult.

The widgets only draw these models, so every wording and every "is this a
failure" decision is tested here without a display. Colour is never the only
signal: each failure also has a "?" or a "low" label in the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from plate_gui.core import CharPrediction, PlateResult

JUNK = "#"  # the model's "not a character" class: never offered as an alternative
REGION_LABELS = {"none": "Any (no rules)", "auto": "Automatic", "hk": "Hong Kong",
                 "uk": "United Kingdom", "eu": "European", "us": "United States", "br": "Brazil"}


@dataclass(frozen=True)
class TileModel:
    """One character of the crop strip."""

    index: int
    display: str  # the character, or "?" when it failed
    fraction: float  # how full the confidence bar is, 0..1
    label: str  # under the bar: "97%", "31% low" or "fixed"
    failed: bool
    corrected: bool
    alternatives: str  # "G 97%  C 2%  6 1%"

    @property
    def hint(self) -> str:
        """The line shown while the pointer is over this character."""
        if self.corrected:
            return f"Character {self.index + 1}: corrected by you to '{self.display}'."
        return f"Character {self.index + 1}: best guesses {self.alternatives}. Click to correct."


@dataclass(frozen=True)
class ResultModel:
    """The plate text, the sentence under it, and the tiles."""

    text: str
    level: str  # "ok", "warn" (something to check) or "empty"
    summary: str
    tiles: tuple[TileModel, ...]


def alternatives_text(c: CharPrediction) -> str:
    """The top alternatives of one character, best first, junk left out."""
    return "  ".join(f"{a} {p:.0%}" for a, p in c.alternatives if a != JUNK) or "none"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def build(result: PlateResult, corrected: Iterable[int] = ()) -> ResultModel:
    """The view of ``result``; ``corrected`` are the indexes the operator fixed."""
    fixed = frozenset(corrected)
    tiles = tuple(_tile(i, c, i in fixed) for i, c in enumerate(result.chars))
    if not tiles:
        return ResultModel("", "empty", "No characters found in this image. "
                           "Try a tighter photo of the plate.", ())
    failed = sum(t.failed for t in tiles)
    note = f" {plural(len(fixed), 'character')} corrected by you." if fixed else ""
    if failed:
        summary = (f"Check the plate: {plural(failed, 'character')} could not be read "
                   f"with confidence (shown as ?).{note}")
        return ResultModel(result.text, "warn", summary, tiles)
    unsure = [c.confidence for i, c in enumerate(result.chars) if i not in fixed]
    lowest = f" (lowest confidence {min(unsure):.0%})" if unsure else ""
    summary = f"All {len(tiles)} characters read{lowest}.{note}"
    return ResultModel(result.text, "ok", summary, tiles)


def _tile(i: int, c: CharPrediction, corrected: bool) -> TileModel:
    if corrected:
        return TileModel(i, c.char, 1.0, "fixed", False, True, alternatives_text(c))
    label = f"{c.confidence:.0%}" + (" low" if c.failed else "")
    return TileModel(i, c.display, max(0.0, min(1.0, c.confidence)), label, c.failed, False,
                     alternatives_text(c))


def apply_correction(result: PlateResult, index: int, char: str) -> PlateResult:
    """``result`` with character ``index`` set by the operator (sure, so never failed)."""
    old = result.chars[index]
    alts = ((char, 1.0),) + tuple((a, p) for a, p in old.alternatives if a != char)[:2]
    chars = list(result.chars)
    chars[index] = replace(old, char=char, confidence=1.0, alternatives=alts, failed=False)
    return replace(result, chars=tuple(chars))


def percent(value: Any) -> str:
    """0.924 -> "92.4%"; anything that is not a 0..1 number as it is."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
        return f"{value:.1%}"
    return str(value)


METRIC_LABELS = {
    "plates_dev_exact": "Whole plates read exactly (test photos)",
    "plates_dev_char_acc": "Characters read correctly (test photos)",
    "val_acc_fp32": "Characters read correctly (validation set)",
    "val_acc_int8": "Characters read correctly (validation set, compressed model)",
    "chars_real_hk_rules": "Characters read correctly (real plates, Hong Kong rules)",
}


def about_lines(version: str, meta: Any | None, weights_name: str = "",
                load_error: str = "") -> list[str]:
    """The About box: the version, the model and its accuracy figures.

    ``meta`` is the recognizer's ``WeightsMeta`` (arch, input_size, charset,
    metrics, training), or None while the model is loading or failed to load.
    """
    lines = [f"Plate Reader {version}", "Reads car license plates from photos.", ""]
    if meta is None:
        lines.append(f"Model: not loaded ({load_error})" if load_error
                     else "Model: still loading...")
        return lines
    name = f" ({weights_name})" if weights_name else ""
    lines.append(f"Model: {meta.arch}{name}, {meta.input_size}x{meta.input_size} gray "
                 f"input, {len(meta.charset)} classes")
    metrics: Mapping[str, Any] = meta.metrics or {}
    figures = [(METRIC_LABELS.get(k, k.replace("_", " ").capitalize()), percent(v))
               for k, v in metrics.items() if isinstance(v, (int, float))]
    if figures:
        lines.append("Accuracy:")
        lines += [f"  {label}: {value}" for label, value in figures]
    lines += _training_lines(meta.training or {})
    return lines


def _training_lines(training: Mapping[str, Any]) -> list[str]:
    stages = [(k, v) for k, v in training.items() if isinstance(v, Mapping) and "epochs" in v]
    if not stages:
        note = training.get("note")
        return [f"Training: {note}"] if isinstance(note, str) else []
    out = ["Training:"]
    for name, stage in stages:
        # Only the head of the data note: the rest is for developers (commits, paths).
        data = f" on {str(stage['data']).split(' (')[0]}" if stage.get("data") else ""
        out.append(f"  {name}: {plural(int(stage['epochs']), 'epoch')}{data}")
    return out


def region_label(code: str) -> str:
    return REGION_LABELS.get(code, code.upper())


def region_code(label: str) -> str:
    """Inverse of ``region_label`` (an unknown label is taken as a code)."""
    for code, text in REGION_LABELS.items():
        if text == label:
            return code
    return label.lower()
