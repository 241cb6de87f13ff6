"""PlateRecognizer: load the model once, then image -> PlateResult.

The model runs with ONNX Runtime; torch is never imported here. One
``InferenceSession`` serves every call: ``run`` is thread-safe and the
recognizer keeps no per-call state, so two threads may share one recognizer.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from .bands import Band, read_band, two_row_bands
from .charset import JUNK
from .colour import chroma_views, same_ink
from .errors import ModelLoadError, SegmentationError
from .imageio import ImageSource, load_image, to_gray
from .lookalikes import load_lookalikes
from .preprocess import ink_up, mean_over_views, preprocess_batch, with_shifts
from .resources import default_weights_path
from .results import Box, CharPrediction, PlateResult
from .rules import apply_region, hk_two_row_layout
from .segmentation import PAD, PlateCuts, Segmentation, crop_box, segment_candidates
from .weights import WeightsMeta, read_metadata

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.5
# Most inputs given the model in one run. ONNX Runtime's arena grows to the largest
# batch it has seen, and with the shifted views a plate's batch is five times its
# crops. Benched (150 plates, 2 threads): one run for all, classify median 60.0 ms,
# peak memory 313 MB; runs of 256, 58.3 ms and 218 MB; one run per view, 76.8 ms.
RUN_BATCH = 256
TOP_K = 3
# Segmentation readings the classifier chooses among. Measured on plates-dev (exact
# plates): 3: 38.3%, 4: 39.3%, 6: 38.9%, 10: 37.4%; fewer readings are also faster.
CANDIDATES = 4


def _default_threads() -> int:
    # More threads than cores made ONNX Runtime 4-5x slower here (oversubscription).
    return max(1, min(2, os.cpu_count() or 1))


class PlateRecognizer:
    """Reads plates with the bundled (or a given) model.

    Args:
        weights: path of an ONNX model with its ``.json`` metadata beside it;
            None for the bundled model.
        threshold: confidence under which a character is a recognition failure.
        threads: ONNX Runtime intra-op threads (default: min(2, cores)).
        region: plate-format rules to apply ("auto", "hk", "uk", ...) or None.

    Raises:
        ModelLoadError: the model or its metadata is missing, corrupt or mismatched.
        ValueError: threshold outside 0..1.
    """

    def __init__(self, weights: str | os.PathLike | None = None,
                 threshold: float = DEFAULT_THRESHOLD, threads: int | None = None,
                 region: str | None = None) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be within 0..1, got {threshold}")
        self.weights_path = Path(weights) if weights is not None else default_weights_path()
        self.threshold = threshold
        self.region = region
        self.meta: WeightsMeta = read_metadata(self.weights_path)
        prior = self.meta.class_prior
        self._prior = None if prior is None else np.asarray(prior, np.float64)
        self._session = _open_session(self.weights_path, threads or _default_threads())
        self._input = self._session.get_inputs()[0].name
        self._junk = self.meta.charset.index(JUNK) if JUNK in self.meta.charset else -1
        self._check_shapes()
        self._lookalikes = load_lookalikes(
            self.weights_path, self.meta.charset, self.meta.preprocess,
            threads or _default_threads(), required=weights is None)

    @property
    def lookalikes_path(self) -> Path | None:
        """The look-alike model in use (``lookalikes``), or None."""
        return self._lookalikes.path if self._lookalikes is not None else None

    def _check_shapes(self) -> None:
        shape = self._session.get_inputs()[0].shape
        s = self.meta.input_size
        if len(shape) != 4 or list(shape[1:]) != [1, s, s]:
            raise ModelLoadError(f"Model input {shape} does not match its metadata "
                                 f"(N x 1 x {s} x {s})")
        probe = self._session.run(None, {self._input: np.zeros((1, 1, s, s), np.float32)})[0]
        if probe.shape != (1, len(self.meta.charset)):
            raise ModelLoadError(f"Model gives {probe.shape[1]} classes but its metadata "
                                 f"lists {len(self.meta.charset)}")

    def probabilities(self, crops: list[np.ndarray]) -> np.ndarray:
        """Calibrated class probabilities, ``NxC float32``, for character crops.

        The model is trained on class-balanced data, so its softmax assumes every
        character is equally likely; on plates 0 is far more common than Q. The
        weights' ``class_prior`` (character frequencies of the plate formats the
        trainer renders) restores that: p(c | crop) is proportional to
        softmax(c) * prior(c) (Bayes' rule with the training prior uniform). Each crop's
        logits are averaged over it and its one-pixel shifts (``preprocess.SHIFTS``). Where
        the likeliest character is a look-alike (8/B/P/R, 1/J/I/3, M/H/N/W, 5/S), the
        look-alike model re-divides its group's probability (``lookalikes``).
        """
        batch = preprocess_batch(list(crops), self.meta.preprocess)
        if len(batch) == 0:
            return np.zeros((0, len(self.meta.charset)), np.float32)
        views = with_shifts(batch, self.meta.preprocess)
        logits = mean_over_views(np.concatenate([
            self._session.run(None, {self._input: views[i:i + RUN_BATCH]})[0]
            for i in range(0, len(views), RUN_BATCH)]).astype(np.float64), len(batch))
        logits /= self.meta.temperature
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        if self._prior is not None:
            e *= self._prior
        probs = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
        if self._lookalikes is not None:
            probs = self._lookalikes.refine(probs, batch)
        return probs

    def classify(self, crops: list[np.ndarray]) -> list[CharPrediction]:
        """Classify already-cut character crops (``HxW uint8`` gray or BGR), one batch."""
        return [self._prediction(p) for p in self.probabilities(crops)]

    def _prediction(self, probs: np.ndarray, box=None, row: int = 0) -> CharPrediction:
        order = np.argsort(-probs)
        charset = self.meta.charset
        alts = tuple((charset[i], float(probs[i])) for i in order[:TOP_K])
        best, conf = alts[0]
        return CharPrediction(best, conf, alts, conf < self.threshold, box, row,
                              tuple(zip(charset, probs.tolist())))

    def _char_prediction(self, probs: np.ndarray, box=None, row: int = 0) -> CharPrediction:
        """The prediction of the likeliest character other than junk, with its own
        probability (not renormalized): for a box kept although it may be junk."""
        chars_only = probs.copy()
        if self._junk >= 0:
            chars_only[self._junk] = 0.0
        return self._prediction(chars_only, box, row)

    def _readings(self, cands: list[Segmentation], layouts: list[tuple[Band, ...]] = (),
                  bgr: np.ndarray | None = None,
                  known: dict | None = None) -> list[list[CharPrediction]]:
        """Classify every distinct crop of every candidate (segmentation readings and
        band pieces) in one batch; return each candidate's reading, junk left out.

        With the colour image (``bgr``), a doubtful character whose ink colour is
        far from the others' (an emblem) is dropped from its reading. ``known`` maps
        crops already classified (by box and angle) to their probabilities; it is
        read and filled, so a later stage classifies only new crops."""
        known = {} if known is None else known
        index: dict[tuple, int] = {}
        crops = []
        for seg in cands:
            for box, crop in zip(seg.boxes, seg.crops):
                key = (box.as_tuple(), seg.angle)
                if key not in known and key not in index:
                    index[key] = len(crops)
                    crops.append(crop)
        first = len(crops)
        for bands in layouts:
            for band in bands:
                crops.extend(crop for _, crop in band.pieces)
        probs = self.probabilities(crops)
        for key, i in index.items():
            known[key] = probs[i]
        readings = []
        for seg in cands:
            seg_probs = [known[(box.as_tuple(), seg.angle)] for box in seg.boxes]
            preds = [self._prediction(p, box, row)
                     for p, box, row in zip(seg_probs, seg.boxes, seg.rows)]
            readings.append(self._without_junk(preds, seg_probs))
        at = first
        for bands in layouts:
            chars: list[CharPrediction] = []
            for band in bands:
                band_probs = probs[at:at + len(band.pieces)]
                at += len(band.pieces)
                chars += [self._prediction(band_probs[k], band.pieces[k][0], band.row)
                          for k in read_band(band, band_probs, self._junk)]
            readings.append([c for c in chars if c.char != JUNK])
        if bgr is not None:
            chroma: dict = {}
            readings = [same_ink(chars, bgr, chroma) for chars in readings]
        return readings

    def _without_junk(self, preds: list[CharPrediction],
                      probs: list[np.ndarray]) -> list[CharPrediction]:
        """A segmentation's reading with the boxes read as junk left out, except those
        standing where the row's rhythm has a character missing (``in_char_gap``): those
        are read as their likeliest character, a failure when under the threshold, so
        a character the model doubts is shown as ``?``, not silently dropped."""
        out = []
        for i, (c, p) in enumerate(zip(preds, probs)):
            if not c.is_junk:
                out.append(c)
            elif p[self._junk] < GAP_JUNK_MAX and in_char_gap(preds, i):
                out.append(self._char_prediction(p, c.box, c.row))
        return out

    def _choose(self, readings: list[list[CharPrediction]], region: str | None,
                stacked: frozenset = frozenset(), exact: bool = True
                ) -> tuple[list[CharPrediction], str | None, list[CharPrediction]]:
        """The reading that scores best as it would be shown: each is scored after the
        region's rules (a look-alike the rules settle no longer counts as doubtful), and
        also without the bars at its rows' ends that may be a frame's rim
        (``frame_rims``) and without the ends that do not fit their row
        (``end_misfits``; ``stacked``: the boxes of row ends holding two marks one
        above the other). Its contested characters (``contested``) are shown less sure.

        Readings are scored with the rules conditioning on each character's top
        alternatives only (``_bounded``): formats fit short readings easily, and
        conditioned on every class their characters grew surer than a longer reading's
        (OZL231 beat OZL2318; and settled the plate early, before the stage that cuts
        its 8). ``exact`` shows the picked reading conditioned on every class.

        Returns:
            The characters to show, the region applied (or None), and the picked
            reading as the classifier read it (before the rules and the discount)."""
        best: list[CharPrediction] = []
        shown: list[CharPrediction] = []
        used = None
        best_score = -np.inf
        readings = list(readings) + [
            [c for i, c in enumerate(chars) if i not in rims]
            for chars in readings if (rims := frame_rims(chars))]
        readings += [[c for i, c in enumerate(chars) if i not in ends]
                     for chars in readings if (ends := end_misfits(chars, stacked))]
        for chars in readings:
            ruled, applied = apply_region(_bounded(chars), region, self.threshold)
            score = reading_score(ruled, stacked)
            if score > best_score:
                best, shown, used, best_score = chars, ruled, applied, score
        if exact:
            shown, used = apply_region(best, region, self.threshold)
        doubt = contested(best, readings)
        return ([_discounted(c, self.threshold) if d else c for c, d in zip(shown, doubt)],
                used, best)

    def _slot_readings(self, chars: list[CharPrediction],
                       gray: np.ndarray) -> list[list[CharPrediction]]:
        """``chars`` (a one-row reading, or each row of a two-row one) with the
        characters found in its rows' empty slots (``row_slots``) added: one reading
        per slot found, and one with all.

        A slot is found when one of its crops reads as a character with at least the
        slot's confidence, and as junk with under ``SLOT_JUNK_MAX``."""
        rows = {r: [c for c in chars if c.row == r] for r in sorted({c.row for c in chars})}
        slots = []
        for r, row in rows.items() if len(rows) <= 2 else ():
            other = [c for c in chars if c.row != r]
            pitch = None
            if (len(row) == 1 and row[0].box and len(other) >= 2
                    and all(c.box for c in other)):  # a lone character: the other's pitch
                pitch = max(row_pitch(sorted((c.box for c in other), key=lambda b: b.x)),
                            LONE_PITCH * row[0].box.w)
            slots += [(b, n, r) for b, n in row_slots(
                row, gray.shape, SLOT_MIN_TWO_ROW if other else 0, pitch)]
        crops = [crop_box(gray, box) for boxes, _, _ in slots for box in boxes]
        if not crops:
            return []
        probs = iter(self.probabilities(crops))
        found = []
        for boxes, need, row in slots:
            best = None
            for box in boxes:
                pred = self._sure_character(next(probs), box, row, need)
                if pred is not None and (best is None or pred.confidence > best.confidence):
                    best = pred
            if best is not None:
                found.append(best)
        out = [[*chars, f] for f in found] + ([[*chars, *found]] if len(found) > 1 else [])
        return [sorted(r, key=lambda c: (c.row, c.box.x)) for r in out]

    def _merged_readings(self, chars: list[CharPrediction],
                         gray: np.ndarray) -> list[list[CharPrediction]]:
        """``chars`` with a pair of neighbours that may be one character cut in two
        (``merge_pairs``) read as one: a reading per pair whose joined box reads as a
        character at ``MERGE_MIN`` or more, and as junk under ``SLOT_JUNK_MAX``."""
        pairs = merge_pairs(chars)
        if not pairs:
            return []
        probs = self.probabilities([crop_box(gray, box) for _, _, box in pairs])
        out = []
        for (a, b, box), p in zip(pairs, probs):
            joined = self._sure_character(p, box, chars[a].row, MERGE_MIN)
            if joined is not None:
                out.append(sorted([c for i, c in enumerate(chars) if i not in (a, b)] + [joined],
                                  key=lambda c: (c.row, c.box.x)))
        return out

    def _sure_character(self, probs: np.ndarray, box: Box, row: int,
                        need: float) -> CharPrediction | None:
        """A crop cut to look for a character (a slot, two pieces joined): its likeliest
        character where that has at least ``need`` and junk under ``SLOT_JUNK_MAX``."""
        if self._junk >= 0 and probs[self._junk] >= SLOT_JUNK_MAX:
            return None
        pred = self._char_prediction(probs, box, row)
        return pred if pred.confidence >= need else None

    def _more_readings(self, chars: list[CharPrediction],
                       gray: np.ndarray) -> list[list[CharPrediction]]:
        """The picked reading with a character added in a slot of its rows
        (``_slot_readings``), or with two pieces of one character joined
        (``_merged_readings``)."""
        return self._slot_readings(chars, gray) + self._merged_readings(chars, gray)

    def recognize(self, image: ImageSource, name: str | None = None,
                  region: str | None = None) -> PlateResult:
        """Read one plate image.

        Args:
            image: path, encoded bytes or array (see ``imageio.load_image``).
            name: what to call the image in error messages.
            region: overrides the recognizer's region rules for this call.

        Returns:
            A ``PlateResult`` (with no characters when none were found).

        Raises:
            ImageReadError: the image could not be read.
        """
        region = region if region is not None else self.region
        t0 = time.perf_counter()
        bgr = load_image(image, name)
        t1 = time.perf_counter()
        gray = to_gray(bgr)
        cuts = PlateCuts(gray)
        known: dict = {}  # crops classified so far: later stages classify only new ones
        spent = {"segment": 0.0, "classify": 0.0}

        def timed(step: str, fn, *args):
            t = time.perf_counter()
            out = fn(*args)
            spent[step] += time.perf_counter() - t
            return out

        looked: dict[tuple, bool] = {}  # row ends' boxes: whether two marks are stacked

        def pick(readings, exact=False):
            for chars in readings:
                if len({c.row for c in chars}) != 1:
                    continue
                for i in row_ends(chars):
                    key = chars[i].box.as_tuple()
                    if key not in looked:
                        try:
                            looked[key] = stacked_marks(crop_box(gray, chars[i].box))
                        except SegmentationError:  # a box off the image: nothing to see
                            looked[key] = False
            return self._choose(readings, region,
                                frozenset(k for k, v in looked.items() if v), exact)

        def read(new: list[Segmentation], layouts=(), previous=()):
            readings = list(previous) + self._readings(new, layouts, bgr, known)
            return (readings, *pick(readings))

        # Stages, each only for plates the one before leaves unsettled: the plain
        # readings of the gray image (the geometrically best QUICK_FIRST of them
        # first); all its readings (in place of the plain ones); then its colour
        # channels' and band readings as well.
        cands = timed("segment", cuts.candidates, CANDIDATES, True)
        readings, chars, used, raw = timed("classify", read, cands[:QUICK_FIRST])
        if not settled(chars) and len(cands) > QUICK_FIRST:
            readings, chars, used, raw = timed("classify", read, cands[QUICK_FIRST:], (),
                                               readings)
        if not settled(chars):
            cands = timed("segment", cuts.candidates, CANDIDATES)
            readings, chars, used, raw = timed("classify", read, cands)
        if not settled(chars):
            more = timed("segment", colour_candidates, gray, bgr, cands)
            layouts = timed("segment", two_row_bands, gray)
            readings, chars, used, raw = timed("classify", read, more, layouts, readings)
            for _ in range(SLOT_ROUNDS):  # a slot found may leave room for another
                slotted = timed("classify", self._more_readings, raw, gray)
                if not slotted:
                    break
                readings += slotted
                before = chars
                chars, used, raw = pick(readings)
                if [c.box for c in chars] == [c.box for c in before]:
                    break
        else:
            # A settled plate may still lack a character in a gap of its row (beside an
            # emblem: Texas' BC5X489 read BC5489) or at an end (see SLOT_GAP).
            readings += timed("classify", self._slot_readings, raw, gray)
        chars, used, _ = pick(readings, exact=True)
        timings = {"decode": (t1 - t0) * 1e3, "segment": spent["segment"] * 1e3,
                   "classify": spent["classify"] * 1e3,
                   "total": (time.perf_counter() - t0) * 1e3}
        return PlateResult(tuple(chars), self.threshold, (bgr.shape[1], bgr.shape[0]),
                           timings, used)


# A plate whose picked reading is one row of SETTLED_LENGTH characters, each shown at
# SETTLED_CONFIDENCE or more, is settled: the slower stages are skipped (see
# ``PlateRecognizer.recognize``). Benched on plates-dev (bundled weights): 39% of the
# plates settle on the plain gray readings and 2% more on all gray readings; exact
# plates 550 -> 554 (8 won, mostly an extra end character only later readings cut; 4
# US plates lost, a character missing or added that later readings got right); 99.2%
# of characters shown at >= 0.9 right (99.4% before); median time a plate halved.
# Replayed: settling readings of 4 or 5 characters at 0.9 lost 5. Settling at 0.8
# instead of 0.9 (2026-12-03, with short characters scored as doubtful): 52% of the
# plates settle on the plain readings instead of 39%; exact plates 558 -> 560 (4 won,
# 2 lost; 557 instead of 559 in the bundle's environment), 99.2% of characters at
# >= 0.9 right, median 98.5 -> 71.8 ms a plate (2 threads). Replayed: 0.85 558,
# 0.75 557, 0.7 555, 0.6 550; 5 characters at 0.8 550.
SETTLED_CONFIDENCE = 0.8
SETTLED_LENGTH = (6, 8)
# The plain readings are classified in two steps: the geometrically best QUICK_FIRST,
# then, if those leave the plate unsettled, the rest. Replayed on plates-dev: 367
# plates settle on the best two (418 on all four), and no plate reads differently;
# benched with 1 and 2 threads, plate by plate in turns: median 89.3 -> 71.9 ms and
# 66.4 -> 61.9 ms a plate (best three: 67.6 ms with 2 threads).
QUICK_FIRST = 2


def settled(chars: list[CharPrediction]) -> bool:
    """Whether a picked reading is sure enough to skip the slower reading stages."""
    return (SETTLED_LENGTH[0] <= len(chars) <= SETTLED_LENGTH[1]
            and len({c.row for c in chars}) == 1
            and min(c.confidence for c in chars) >= SETTLED_CONFIDENCE)


# Readings from each colour channel (``chroma_views``): a character touching an
# emblem of another colour (Oregon's tree, Utah's arch) is one component with it in
# gray, but not in colour. Measured on plates-dev (candidate readings replayed):
# 534 -> 546 exact plates with 2 readings a channel and a height check of 0.7 (US +12,
# no region worse); 3 readings: 548; 3 and 0.6: 551 (US +16, intl +1); 0.5 as 0.6.
# Without the check a state's name, in colour as plain as the characters, wins (it
# took four plates, ALASKA twice).
COLOUR_CANDIDATES = 3
COLOUR_MIN_HEIGHT = 0.6  # of the best gray reading's median character height


def colour_candidates(gray: np.ndarray, bgr: np.ndarray,
                      cands: list[Segmentation]) -> list[Segmentation]:
    """Segmentations of the colour channels' ink (crops cut from ``gray``) that are
    not among ``cands`` and whose characters are not much smaller than those of the
    best gray reading ``cands[0]``."""
    if bgr.ndim != 3:
        return []
    ref = 0.0
    if cands and len(cands[0].boxes) >= 3:
        ref = float(np.median([b.h for b in cands[0].boxes]))
    seen = {c.boxes for c in cands}
    out = []
    for view in chroma_views(bgr):
        for seg in segment_candidates(gray, limit=COLOUR_CANDIDATES, ink=view):
            if seg.boxes in seen:
                continue
            if ref and float(np.median([b.h for b in seg.boxes])) < COLOUR_MIN_HEIGHT * ref:
                continue
            seen.add(seg.boxes)
            out.append(seg)
    return out


# A box read as junk, unless the model is sure of it, where its row's rhythm has a
# character missing (between two characters about two pitches apart, at their middle,
# of the row's height) is a character the model doubts, not a leftover: it is shown,
# as "?" when under the threshold. Measured on plates-dev (bench): 560 -> 561 exact
# plates (2470410 read whole), 3 more plates read with the right number of
# characters (5415791 shown as 5?15791, not 515791), none lost; the same for junk
# probabilities of 0.5 to 0.9 and pitch tolerances of 0.3 to 0.5. Reading every such
# gap (a crop cut there) instead lost 29 plates: spaced groups, dashes and emblems.
GAP_JUNK_MAX = 0.7
GAP_PITCHES = (1.7, 2.3)  # centre distance of the gap's neighbours, in row pitches
GAP_CENTRE = 0.25  # in pitches, from the middle between the neighbours
GAP_HEIGHT = 0.85  # of the row's median character height, either way
GAP_WIDTH = 1.3  # of the row's median character width, at most
GAP_MIN_ROW = 3


def in_char_gap(preds: list[CharPrediction], i: int) -> bool:
    """Whether ``preds[i]`` (read as junk) stands where its row's characters (the
    other non-junk predictions of its row) leave room for exactly one character."""
    j = preds[i]
    row = sorted((c for c in preds if c.row == j.row and not c.is_junk and c.box is not None),
                 key=lambda c: c.box.x)
    if j.box is None or len(row) < GAP_MIN_ROW:
        return False
    b = j.box
    med_h = float(np.median([c.box.h for c in row]))
    med_w = float(np.median([c.box.w for c in row]))
    if not (GAP_HEIGHT * med_h <= b.h <= med_h / GAP_HEIGHT and b.w <= GAP_WIDTH * med_w):
        return False
    left = [c for c in row if c.box.x + c.box.w <= b.x + 0.15 * b.w]
    right = [c for c in row if c.box.x >= b.x + 0.85 * b.w]
    if not left or not right or len(left) + len(right) != len(row):
        return False  # at an end, or overlapping a character
    centres = np.array([c.box.x + c.box.w / 2 for c in row])
    steps = np.diff(centres)
    gap = steps[len(left) - 1]
    others = steps[steps < 0.9 * gap]
    if others.size == 0:
        return False
    pitch = float(np.median(others))
    middle = (centres[len(left) - 1] + centres[len(left)]) / 2
    return (GAP_PITCHES[0] * pitch <= gap <= GAP_PITCHES[1] * pitch
            and abs(b.x + b.w / 2 - middle) <= GAP_CENTRE * pitch)


# A plate frame's rim left of or right of the characters, cut as a thin bar, is read
# as I, L or J at the end of a row (Hong Kong's two-row plates: LS9771 read LSI9771).
# A character at a row's end, thinner than RIM_THIN of the row's median height and
# further than RIM_GAP of its median width from its neighbour, may be one: each
# reading with such characters is also scored without them. Measured on plates-dev
# (bench): 566 -> 568 exact plates (LS9771, UR3997), none lost; the same for gaps
# of 0.8 to 1.2 widths, no change at 1.5. Counting such characters as doubtful in
# the score (like short ones) changed nothing: no other reading lacks them.
# Thinner than 0.4 heights instead of 0.3 (2026-12-04): 639 -> 640 (SA716: the rim
# left of its 7 is 0.33 heights wide), none lost; 0.45 the same. Rims taller than the
# row (1.08 heights) counted too: no change; rims scored as doubtful: no change.
RIM_THIN = 0.4
RIM_GAP = 1.0


def frame_rims(chars: list[CharPrediction]) -> set[int]:
    """Indices of row-end characters that may be a frame's rim (see ``RIM_THIN``)."""
    out: set[int] = set()
    for row in {c.row for c in chars}:
        idx = sorted((i for i, c in enumerate(chars) if c.row == row and c.box is not None),
                     key=lambda i: chars[i].box.x)
        if len(idx) < 2:
            continue
        med_w = float(np.median([chars[i].box.w for i in idx]))
        med_h = float(np.median([chars[i].box.h for i in idx]))
        first, second, last, before = (chars[i].box for i in (idx[0], idx[1], idx[-1], idx[-2]))
        if first.w < RIM_THIN * med_h and second.x - (first.x + first.w) > RIM_GAP * med_w:
            out.add(idx[0])
        if last.w < RIM_THIN * med_h and last.x - (before.x + before.w) > RIM_GAP * med_w:
            out.add(idx[-1])
    return out


# A character touching an emblem, a sticker or the frame (Oregon's tree, Rhode Island's
# lighthouse, Tennessee's month sticker) is one component with it, and missing from
# every reading. Where a one-row reading's rhythm leaves room for one (``row_slots``):
# a pitch beyond either end, or a pitch on from a character beside a gap of more than
# SLOT_GAP pitches, a crop of the row's character size is cut there (and SLOT_SHIFT of
# a pitch either side) and classified. The character it reads as, if sure enough, is
# added to the reading, and the result scored with the others: for plates the plain
# readings leave unsettled. Measured on plates-dev (bench): 568 -> 577 exact plates
# (941EXW, SKT517, GB634, 345KHC, VJT338, MCH1256, 0LDGRL, PWC0633, PM8157), none
# lost. Within a row, spaced groups, dashes and emblems read as characters: sure
# enough at 0.8 in a gap, 5 plates were lost (CVS20E read CVSF20E); at 0.95 one
# fewer won. At the ends, 0.7 lost 2 (4280 read 94280); 0.9 won 3 fewer. A gap of
# 1.4 pitches lost 2; 1.8 the same as 1.6. Looking again beside what the slots
# added, while the picked reading changes (SLOT_ROUNDS): 581 -> 582 (5FEE732, read
# FEE73 with both ends touching the frame), none lost. A gap's two sides make one
# slot (their crops together), and no crop may reach far into a character: a gap
# under two pitches had given two slots, and a character could be added twice or on
# another (AVP2403 read AWWP2403, 2422 read 24222): 582 -> 583, none lost.
# Slots are cut around the picked reading as the classifier read it: cut around the
# shown one (after the rules, contested characters discounted), a slotted reading
# was scored against its own reading's undiscounted self and lost (2026-12-04:
# 611 -> 614, 481ABQ, BC5X489, MX2045; none lost). Settled plates have their gaps'
# slots looked at too, not their ends (6 characters at 0.8 and more are mostly
# whole; ends, tried 2026-12-03, lost 3 plates to frames and stickers read as
# characters): 614 -> 616 (6UNP953, JIY4434), none lost. With the crops of the row's
# box size (below), their ends too: 637 -> 639 (8BL8976, 4233784, WXF7388: a last or
# first character touching a sticker or the frame), VACVAN lost (its frame read L).
#
# Slot crops were cut of the row's median box size and 0.06 of the row's height more
# on each side, and the row's boxes already have their padding (segmentation's PAD):
# a character found there was small in its crop and read less surely than when cut by
# segmentation (RZ8601's 6: 0.68 in the padded crop, 0.97 in one of the row's box
# size). Each slot is now also cut at the row's box size (SLOT_PADS), which finds
# characters in gaps (CG2H2U, GJE176, BM5T299, 887ZFB) and at ends (057SMF); the
# padded crops still find ends the tighter ones miss (PWC0633, VJT338, G0945 lost
# without them). A wide gap also gets a crop centred in its free space (at least
# SLOT_MIDDLE_FREE of a width free), in the slot of the gap's nearest place: a narrow
# neighbour (a 1) makes the row's pitch too short, and places a pitch from the gap's
# sides miss the character between. Two-row readings get their rows' slots too
# (rows of SLOT_MIN_TWO_ROW characters or more; a row of one character, Hong Kong's
# NN133 read N133, with the other row's pitch, at least LONE_PITCH of its width: the
# other row's narrow 1 shortens its pitch: 640 -> 641, none lost). Measured on
# plates-dev (bench, 2026-12-04): 632 -> 637 exact plates (the above and RZ8601), one
# lost (602013: Virginia's seal in the gap read 4 at 0.91 in the tighter crop).
# Without the padded crops the final code reads 638 instead of 641 (PWC0633, VJT338,
# G0945, PM8157 lost); with SLOT_END_MIN 0.75 / 0.85 637 / 639, SLOT_GAP_MIN 0.95 636.
SLOT_GAP = 1.6
SLOT_MIN_TWO_ROW = 2
LONE_PITCH = 1.1
SLOT_MIDDLE_FREE = 0.8
SLOT_PADS = (0.06, 0.0)
SLOT_SHIFT = 0.12
SLOT_END_MIN = 0.8
SLOT_GAP_MIN = 0.9
SLOT_JUNK_MAX = 0.5
SLOT_MIN_ROW = 3
SLOT_ROUNDS = 3
SLOT_OVERLAP = 0.3  # of a slot's width, at most, on a character of the row


def row_pitch(row: list[Box]) -> float:
    """The distance between neighbouring characters' centres in a row of boxes sorted by
    x (two or more): the median of the steps near the shortest, not across gaps."""
    width = float(np.median([b.w for b in row]))
    steps = np.diff([b.x + b.w / 2 for b in row])
    base = max(float(steps.min()), 0.6 * width)
    return float(np.median(steps[steps < 1.4 * base])) if (steps < 1.4 * base).any() else base


def row_slots(chars: list[CharPrediction], shape: tuple[int, ...],
              min_row: int = 0, pitch: float | None = None) -> list[tuple[list[Box], float]]:
    """Where a one-row reading's rhythm leaves room for a character it lacks.

    Args:
        chars: the reading (``SLOT_MIN_ROW`` or more characters, one row, with boxes).
        shape: the image's shape; crops reaching outside it are left out.
        min_row: the fewest characters a row needs (0: ``SLOT_MIN_ROW``).
        pitch: the row's pitch, where known from elsewhere (then one character will do);
            else ``row_pitch``.

    Returns:
        ``(boxes, confidence needed)`` per slot: crops of the row's median character
        size, and of that size padded (``SLOT_PADS``), at the slot (and a wide gap's
        middle) and shifted ``SLOT_SHIFT`` of a pitch either way.
    """
    fewest = 1 if pitch else (min_row or SLOT_MIN_ROW)
    if (len(chars) < fewest or len({c.row for c in chars}) != 1
            or any(c.box is None for c in chars)):
        return []
    row = sorted((c.box for c in chars), key=lambda b: b.x)
    width = float(np.median([b.w for b in row]))
    top = float(np.median([b.y for b in row]))
    bottom = float(np.median([b.y + b.h for b in row]))
    centres = np.array([b.x + b.w / 2 for b in row])
    steps = np.diff(centres)
    if pitch is None:
        pitch = row_pitch(row)
    wanted: dict[float, float] = {}
    middles: list[float] = []  # of wide gaps' free space
    for i, cx in enumerate(centres):
        if i == 0 or steps[i - 1] > SLOT_GAP * pitch:
            wanted[cx - pitch] = SLOT_END_MIN if i == 0 else SLOT_GAP_MIN
        if i == len(row) - 1:
            wanted[cx + pitch] = SLOT_END_MIN
        elif steps[i] > SLOT_GAP * pitch:
            wanted[cx + pitch] = SLOT_GAP_MIN
            free = row[i + 1].x - (row[i].x + row[i].w)
            if free >= SLOT_MIDDLE_FREE * width:
                middles.append((row[i].x + row[i].w + row[i + 1].x) / 2)
    # A gap's two sides give about one place: one slot (all their crops), so that
    # one character is added there, not two.
    merged: list[tuple[list[float], float]] = []
    for cx, need in sorted(wanted.items()):
        if merged and cx - merged[-1][0][-1] < 0.5 * pitch:
            merged[-1] = (merged[-1][0] + [cx], max(merged[-1][1], need))
        else:
            merged.append(([cx], need))
    for cx in middles:  # a crop more for the slot of the gap's nearest place
        far, places = min(((min(abs(cx - p) for p in m[0]), m[0]) for m in merged),
                          default=(np.inf, None), key=lambda t: t[0])
        if far >= pitch:
            merged.append(([cx], SLOT_GAP_MIN))
        elif far > 0.1 * pitch:  # not there already
            places.append(cx)
    out = []
    for places, need in merged:
        boxes = []
        for share, cx, shift in ((share, cx, shift) for share in SLOT_PADS for cx in places
                                 for shift in (-SLOT_SHIFT, 0.0, SLOT_SHIFT)):
            pad = share * (bottom - top)
            y0, y1 = int(round(top - pad)), int(round(bottom + pad))
            left = cx + shift * pitch - width / 2
            x0, x1 = int(round(left - pad)), int(round(left + width + pad))
            overlap = max((min(left + width, b.x + b.w) - max(left, b.x) for b in row), default=0)
            if (x0 >= 0 and y0 >= 0 and x1 <= shape[1] and y1 <= shape[0]
                    and overlap <= SLOT_OVERLAP * width):
                boxes.append(Box(x0, y0, x1 - x0, y1 - y0))
        if boxes:
            out.append((boxes, need))
    return out


# A character whose middle is faint or broken is cut as two pieces, each read as a
# character: a blurred M or H as two bars with a V between (PK2V6M read PK2V6NI), an 8
# as a 3 and a sliver (Hong Kong's SE588 read SE5638). Neighbours in a row, one of
# them narrow (under MERGE_THIN of its height), that together are no wider than
# MERGE_WIDTH of the row's median height with at most MERGE_GAP of it between them,
# are also cut as one box; where that reads as a character at MERGE_MIN or more, the
# reading with the pair joined is scored with the others (with the slots' readings of
# plates the plain readings leave unsettled). Measured on plates-dev (bench,
# 2026-12-05): 645 -> 647 exact plates, none lost (646 -> 648 after the rules' I among
# digits); the same 647 for a narrow piece under 0.7, a joined width up to 1.3, a gap up
# to 0.5, MERGE_MIN 0.5; a narrow piece under 0.4, a gap under 0.25 and MERGE_MIN 0.8
# 646. Settled plates too: the same 648, and the median time a plate 90 -> 102 ms (2
# threads; a model run more for half the plates).
# Hong Kong's blurred U (UU5070, UZ910), cut as two bars, is not won: joined, the
# classifier reads it as junk.
MERGE_THIN = 0.55
MERGE_WIDTH = 1.1
MERGE_GAP = 0.35
MERGE_MIN = 0.6


def merge_pairs(chars: list[CharPrediction]) -> list[tuple[int, int, Box]]:
    """Neighbours in a row of ``chars`` that may be one character cut in two: their
    indices (left, right) and the box around both (see ``MERGE_THIN``)."""
    out = []
    for r in sorted({c.row for c in chars}):
        idx = sorted((i for i, c in enumerate(chars) if c.row == r and c.box is not None),
                     key=lambda i: chars[i].box.x)
        if len(idx) < 2:
            continue
        height = float(np.median([chars[i].box.h for i in idx]))
        for a, b in zip(idx, idx[1:]):
            left, right = chars[a].box, chars[b].box
            if not any(o.w < MERGE_THIN * o.h for o in (left, right)):
                continue
            both = left.union(right)
            if (both.w <= MERGE_WIDTH * height
                    and right.x - (left.x + left.w) <= MERGE_GAP * height):
                out.append((a, b, both))
    return out


# A row's first or last "character" much wider than the others (an emblem cut as
# one: Iowa's J0518 read 6J0518) or standing off the line through the others'
# centres (a sticker, a bolt: 5VCF203 read 5VCF2037) is mostly not one: in the
# reading's score it counts as doubtful (like a short one), and each reading with
# such ends is also scored without them. Measured on plates-dev (bench): 577 -> 581
# exact plates (5VCF203, SZA679, GT679A, J0518), none lost; wider than 1.8 to 2.0
# widths and off by 0.15 to 0.2 heights the same; 1.6 widths lost 0MYSTRZ (a wide
# first 0). Scoring alone, without the readings less such ends, won one. Rows of
# mostly thin characters (I, 1) have no width to go by.
MISFIT_WIDE = 1.8  # of the other characters' median width
# A row end not quite so wide, but doubted by the classifier, is mostly an emblem too
# (Delaware's wheelchair read 4 at 0.52, North Dakota's Navy seal read O at 0.32, both
# 1.6 widths). Measured on plates-dev (bench, 2026-12-05): 641 -> 644 exact plates
# (HP7562, BB63, 6WAW786), none lost; 1.3 widths 644 (73011 won, AA974 lost); under
# 0.7 confidence 644, under 0.5 643.
MISFIT_WIDE_DOUBTFUL = 1.5
MISFIT_DOUBTFUL = 0.6
MISFIT_OFF = 0.15  # of their median height, off the line through their centres
MISFIT_MIN_ROW = 4
MISFIT_THIN_ROW = 0.35  # the others' median width under this of their height: thin


def end_misfits(chars: list[CharPrediction], stacked: frozenset = frozenset()) -> set[int]:
    """Indices of a one-row reading's end characters that do not fit the rest of
    the row (see ``MISFIT_WIDE``, ``MISFIT_WIDE_DOUBTFUL``), or whose box is in
    ``stacked`` (see ``stacked_marks``)."""
    out: set[int] = set()
    if (len(chars) < STACKED_MIN_ROW or len({c.row for c in chars}) != 1
            or any(c.box is None for c in chars)):
        return out
    out.update(i for i in row_ends(chars) if chars[i].box.as_tuple() in stacked)
    if len(chars) < MISFIT_MIN_ROW:
        return out
    idx = sorted(range(len(chars)), key=lambda i: chars[i].box.x)
    for end, inner in ((idx[0], idx[1:]), (idx[-1], idx[:-1])):
        b = chars[end].box
        boxes = [chars[i].box for i in inner]
        med_w = float(np.median([o.w for o in boxes]))
        med_h = float(np.median([o.h for o in boxes]))
        if med_w < MISFIT_THIN_ROW * med_h:
            continue
        xs = np.array([o.x + o.w / 2 for o in boxes])
        ys = np.array([o.y + o.h / 2 for o in boxes])
        slope, icpt = np.polyfit(xs, ys, 1) if np.ptp(xs) > 0 else (0.0, float(ys.mean()))
        off = abs(b.y + b.h / 2 - (icpt + slope * (b.x + b.w / 2)))
        wide = b.w > MISFIT_WIDE * med_w or (b.w > MISFIT_WIDE_DOUBTFUL * med_w
                                             and chars[end].confidence < MISFIT_DOUBTFUL)
        if wide or off > MISFIT_OFF * med_h:
            out.add(end)
    return out


# Letters stacked two in a column at a row's end (North Carolina's ES, Wyoming's AC,
# New Jersey's RM: a plate's type or county, not part of its number) are cut as one
# box of the row's height and read as one character (5, 8, R). No plate character
# has an empty line across its middle, so a row end whose ink has one, between
# STACKED_BAND of its height, counts as a misfit (``end_misfits``; one-row readings).
# On plates-dev's shown readings it held for 9 row ends, none on a plate read right;
# anywhere in a row, 3 more on right plates (a 5, 8 and Z broken by glare): ends only.
# Measured on plates-dev (bench): 583 -> 586 exact plates (2250, 4779, SAMP), none
# lost; for two-row readings too, one lost (0026 read 40026: Maryland's stacked MSC).
STACKED_BAND = (0.2, 0.8)
STACKED_MIN_ROW = 3
STACKED_MIN_INK = 0.03  # of the box's area, above the empty line and below it


def row_ends(chars: list[CharPrediction]) -> set[int]:
    """Indices of the first and last characters (by x) of each row of ``STACKED_MIN_ROW``
    or more characters with boxes."""
    out: set[int] = set()
    for row in {c.row for c in chars}:
        idx = [i for i, c in enumerate(chars) if c.row == row and c.box is not None]
        if len(idx) >= STACKED_MIN_ROW:
            out.add(min(idx, key=lambda i: chars[i].box.x))
            out.add(max(idx, key=lambda i: chars[i].box.x))
    return out


def stacked_marks(crop: np.ndarray) -> bool:
    """Whether a character crop (cut with ``_finish``'s padding) holds two marks one
    above the other: a row of no ink within ``STACKED_BAND`` of its height, with ink
    above and below it."""
    up = ink_up(crop)
    h, w = up.shape[:2]
    pad = int(round(PAD * h / (1 + 2 * PAD)))  # _finish pads by PAD of the height
    up = up[pad:h - pad, pad:w - pad]
    if up.shape[0] < 8 or up.shape[1] < 2:
        return False
    _, ink = cv2.threshold(up, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    profile = (ink > 0).mean(axis=1)
    n = len(profile)
    lo, hi = int(STACKED_BAND[0] * n), int(STACKED_BAND[1] * n)
    i = lo + int(np.argmin(profile[lo:hi]))
    return (profile[i] == 0.0 and profile[:i].sum() > STACKED_MIN_INK * n
            and profile[i:].sum() > STACKED_MIN_INK * n)


TYPICAL_MAX_CHARS = 7
# Two rows that are not Hong Kong's layout (one or two letters over up to four
# characters) come mostly from one row cut into pieces (a U read as L and J over the
# digits) or small print read as a row. Measured on plates-dev (candidate readings
# replayed): 63.0% -> 63.7% exact plates (HK +4, intl +2, none worse), the same for
# any factor from 0.5 to 0.8.
ODD_TWO_ROWS = 0.7
# A plate's characters share one height. A "character" much shorter than the others
# in its row is mostly an emblem or small print read as one (Arkansas' diamond, New
# Jersey's firefighter badge, Maryland's stacked MSC): in the reading's score it
# counts at SHORT_FACTOR of its confidence. Measured on plates-dev (candidate
# readings replayed): 554 -> 558 exact plates (US +3, intl +1, none lost) for under
# 0.85 of the row's median height; 0.8: +3; 0.9: +4 but 2 lost; factors 0 to 0.3 the
# same, 0.6 +2. Dropping such characters as a reading of its own lost 2 plates.
SHORT_HEIGHT = 0.85
SHORT_FACTOR = 0.3
SHORT_MIN_ROW = 4  # shorter rows have no reliable median


def _bounded(chars: list[CharPrediction]) -> list[CharPrediction]:
    """``chars`` without their whole distributions: the rules then condition on the top
    alternatives only, a lower bound (``rules._best_allowed``)."""
    return [replace(c, distribution=()) for c in chars]


def reading_score(chars: list[CharPrediction], stacked: frozenset = frozenset()) -> float:
    """How much a reading looks like a plate.

    Confident characters count (mean confidence, cubed, so one doubtful cut weighs
    heavily), and more characters count up to a typical plate's length: over-cut
    readings gain nothing by their extra boxes. Measured on plates-dev against
    the sum of confidences (which rewards over-cutting): 34% exact plates vs 20%.
    Two rows in other than Hong Kong's layout count ``ODD_TWO_ROWS`` as much; a
    character much shorter than the others in its row, or a row end that does not
    fit it (``end_misfits``), counts ``SHORT_FACTOR`` of its confidence.
    """
    if not chars:
        return 0.0
    doubtful = _short(chars) | end_misfits(chars, stacked)
    mean = sum(c.confidence * (SHORT_FACTOR if i in doubtful else 1.0)
               for i, c in enumerate(chars)) / len(chars)
    score = mean ** 3 * min(len(chars), TYPICAL_MAX_CHARS)
    if len({c.row for c in chars}) > 1 and not hk_two_row_layout(chars):
        score *= ODD_TWO_ROWS
    return score


def _short(chars: list[CharPrediction]) -> set[int]:
    """Indices of characters under ``SHORT_HEIGHT`` of their row's median height (rows
    of ``SHORT_MIN_ROW`` characters or more, all with boxes)."""
    out: set[int] = set()
    for row in {c.row for c in chars}:
        idx = [i for i, c in enumerate(chars) if c.row == row]
        if len(idx) < SHORT_MIN_ROW or any(chars[i].box is None for i in idx):
            continue
        med = float(np.median([chars[i].box.h for i in idx]))
        out.update(i for i in idx if chars[i].box.h < SHORT_HEIGHT * med)
    return out


# A character that most of the plate's candidate readings do not read as the same
# character in about the same place (boxes overlapping by IoU >= SAME_PLACE) depends
# on one way of cutting the plate: its confidence is multiplied by CONTESTED_FACTOR.
# Measured on plates-dev (bundled weights, candidate readings replayed): characters
# shown at >= 0.9 were 98.9% right, contested ones among them about 94%. Factor 0.95:
# 98.95%; 0.93: 99.1%; 0.92: 99.2% (99.1% with the bundle's OpenCV), 86% of
# characters still shown at >= 0.9 (89% without), calibration error 0.012 -> 0.018;
# 0.88 to 0.90 no better. Chosen on plates-dev, so the margin over 99% is thin.
SAME_PLACE = 0.5
CONTESTED_SHARE = 0.5
CONTESTED_FACTOR = 0.92


def contested(best: list[CharPrediction], readings: list[list[CharPrediction]]) -> list[bool]:
    """For each character of ``best``, whether fewer than ``CONTESTED_SHARE`` of
    ``readings`` (``best`` among them) hold the same character at its place."""
    if not readings:
        return [False] * len(best)
    out = []
    for c in best:
        same = sum(any(o.char == c.char and _iou(o.box, c.box) >= SAME_PLACE for o in chars)
                   for chars in readings)
        out.append(same < CONTESTED_SHARE * len(readings))
    return out


def _iou(a: Box | None, b: Box | None) -> float:
    if a is None or b is None:
        return 0.0
    w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (a.w * a.h + b.w * b.h - inter)


def _discounted(c: CharPrediction, threshold: float) -> CharPrediction:
    conf = c.confidence * CONTESTED_FACTOR
    return replace(c, confidence=conf, failed=conf < threshold)


def _open_session(path: Path, threads: int):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    # Idle ORT threads spin for work by default, taking a core from segmentation,
    # which runs between model calls (segmentation median 17 ms -> 13 ms, 2 threads).
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.log_severity_level = 3
    try:
        return ort.InferenceSession(str(path), sess_options=opts,
                                    providers=["CPUExecutionProvider"])
    except Exception as exc:  # ORT raises its own Fail/InvalidGraph/... types
        raise ModelLoadError(f"Model file '{path.name}' could not be loaded: "
                             f"{str(exc).splitlines()[0][:200]}") from exc
