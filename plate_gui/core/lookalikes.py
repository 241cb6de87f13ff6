"""A second opinion on look-alike characters: 8/B/P/R, 1/J/I/3, M/H/N/W, 5/S.

The character model (ResNet50, every class) reads clear, well-cut plate characters
wrong within these groups: a US 8 of two stacked rounded rectangles as B, a 1 with a
foot as J, a narrow W or M as H or N, Hong Kong's R as P and its J with a top bar as
3. A small CNN trained by the trainer only on these characters and a few more
(``python -m trainer lookalikes``), with the plate strokes no packaged font draws
(``trainer/strokes.py``), tells them apart better. With the first model (groups 8/B,
1/J/I, M/H/N/W, 5/S), on plates-dev's crops whose truth and reading both fall in a
group (1,268), the character model alone put 131 in the wrong member (71 of them
1/J/I); with the look-alike model's opinion at weight 0.7, 60 of them were right and
8 right ones turned wrong. The model bundled now (2026-12-04) adds P/R and 3 to the
groups: exact plates 616 -> 618 (7 won: ER333's R was read P, two 1s were read I, and
characters at a row's end or in a gap now read surely enough to be added; 5 lost: a W
read Y, a 1 shown as ?, three row ends no longer added), chars-real 97.4% -> 99.1%
(three J with a top bar, read 3 before; one 8 now read B).

It only re-divides a group's probability: where a crop's likeliest character is in
a group, that group's share of the probability stays as the character model gave
it, and within it each member gets ``p_model ** (1 - w) * p_lookalike ** w``
(normalized; ``w`` = ``LOOKALIKE_WEIGHT``). Junk and every other character keep
their probabilities, so segmentation choices and calibration move little.

The model is ``plate_lookalikes.onnx`` beside the character model, with its
metadata (charset, groups, preprocessing, sha256) validated at load like the
weights'. O/0/D/Q is not a group: the plate formats settle O and 0 (``rules``), and
a model of glyph shapes alone read them worse than the character model.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .errors import ModelLoadError
from .resources import LOOKALIKES_NAME
from .weights import WeightsMeta, read_metadata

# Measured on plates-dev (exact plates, 586 without the look-alike model): weight 0.5:
# 604; 0.7: 610 (34 won, 10 lost); 0.85: 607; 1.0 (its opinion alone): 602, Brazil's
# bare-stem 1 read as I. At 0.7 without the 1/J/I group: 609; without 5/S: 607.
# Benched again with today's segmentation and slots (2026-12-05, 644 at 0.7): 0.75:
# 644; 0.8: 645 (8951283 and WTC249 won, 251RGF lost); 0.85: 643. chars-real with
# Hong Kong rules: 98.2% at 0.7 and 0.75, 99.1% from 0.8 (104.png's 8, read B before).
# Plates are flat from 0.7 to 0.85, so 0.8 was chosen for chars-real: one crop in 114.
LOOKALIKE_WEIGHT = 0.8


def lookalikes_path(weights_path: Path) -> Path:
    """Where the look-alike model of ``weights_path`` lives: beside it."""
    return Path(weights_path).with_name(LOOKALIKES_NAME)


class Lookalikes:
    """The look-alike model: loaded once, thread-safe like the recognizer.

    Raises:
        ModelLoadError: the model or its metadata is missing, corrupt or does not
            fit the character model (``charset``, preprocessing).
    """

    def __init__(self, path: Path, charset: str, preprocess, threads: int) -> None:
        from .recognizer import _open_session

        self.path = Path(path)
        self.meta: WeightsMeta = read_metadata(self.path)
        if not self.meta.groups:
            raise ModelLoadError(f"Look-alike model '{self.path.name}' lists no groups")
        if not set(self.meta.charset) <= set(charset):
            raise ModelLoadError(f"Look-alike model '{self.path.name}' reads characters "
                                 "the character model does not")
        if self.meta.preprocess != preprocess:
            raise ModelLoadError(f"Look-alike model '{self.path.name}' takes other input "
                                 f"({self.meta.preprocess}) than the character model "
                                 f"({preprocess})")
        self._session = _open_session(self.path, threads)
        self._input = self._session.get_inputs()[0].name
        probe = self._session.run(None, {self._input: np.zeros(
            (1, 1, preprocess.input_size, preprocess.input_size), np.float32)})[0]
        if probe.shape != (1, len(self.meta.charset)):
            raise ModelLoadError(f"Look-alike model '{self.path.name}' gives {probe.shape[1]} "
                                 f"classes but its metadata lists {len(self.meta.charset)}")
        # Per group: its members' indices in the character model's and in this model's
        # outputs.
        self._groups = [(np.array([charset.index(c) for c in g]),
                         np.array([self.meta.charset.index(c) for c in g]))
                        for g in self.meta.groups]

    def refine(self, probs: np.ndarray, batch: np.ndarray,
               weight: float | None = None) -> np.ndarray:
        """``probs`` (the character model's, ``NxC``, for the preprocessed ``batch``)
        with each group re-divided where the likeliest character is in it, the
        look-alike model's share ``weight`` (default ``LOOKALIKE_WEIGHT``)."""
        weight = LOOKALIKE_WEIGHT if weight is None else weight
        if len(probs) == 0:
            return probs
        top = probs.argmax(axis=1)
        rows = [np.flatnonzero(np.isin(top, main)) for main, _ in self._groups]
        need = np.unique(np.concatenate(rows)) if rows else np.zeros(0, int)
        if need.size == 0:
            return probs
        logits = self._session.run(None, {self._input: batch[need]})[0].astype(np.float64)
        logits /= self.meta.temperature
        logits -= logits.max(axis=1, keepdims=True)
        second = np.exp(logits)
        second /= second.sum(axis=1, keepdims=True)
        at = {int(r): k for k, r in enumerate(need)}
        out = probs.astype(np.float64).copy()
        for (main, own), picked in zip(self._groups, rows):
            for r in picked:
                p = out[r, main]
                mass = p.sum()
                mixed = (np.maximum(p, 1e-12) ** (1 - weight) * np.maximum(
                    second[at[int(r)], own], 1e-12) ** weight)
                out[r, main] = mixed / mixed.sum() * mass
        return out.astype(probs.dtype)


def load_lookalikes(weights_path: Path, charset: str, preprocess, threads: int,
                    required: bool) -> Lookalikes | None:
    """The look-alike model beside ``weights_path``; None where there is none and it
    is not ``required`` (a model of one's own, without one). ``PLATE_READER_LOOKALIKES=0``
    turns it off (to measure the character model alone).

    Raises:
        ModelLoadError: it is required and missing, or present and invalid.
    """
    if os.environ.get("PLATE_READER_LOOKALIKES") == "0":
        return None
    path = lookalikes_path(weights_path)
    if not path.is_file():
        if required:
            raise ModelLoadError(f"Look-alike model not found: '{path.name}' must sit beside "
                                 f"'{Path(weights_path).name}'")
        return None
    return Lookalikes(path, charset, preprocess, threads)
