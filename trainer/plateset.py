"""The default stage-2 set: crops cut by the core's own segmentation from rendered plates.

Each rendered plate knows where its characters are. The core segments it exactly
as it segments a photo, every candidate reading included (the recognizer's
classifier chooses among them, so it must learn what a bad cut looks like). A
found box that overlaps a true character box (IoU >= 0.4) and covers most of it
(70%) is labelled with that character; any other box is labelled ``#`` (not a
character: screws, bands, logos, small print, and pieces of a character cut in
two: half a W looks like a V and must not be taught as a W). So fine-tuning sees
exactly the crops inference sees, junk included.
"""

from __future__ import annotations

import csv
import logging
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np

from plate_gui.core.atomic import atomic_write_text
from plate_gui.core.charset import JUNK, PLATE_CHARS
from plate_gui.core.imageio import to_gray
from plate_gui.core.segmentation import segment_candidates

log = logging.getLogger(__name__)
MATCH_IOU = 0.4
MATCH_COVER = 0.7  # share of the true character a found box must cover


def _intersection(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> int:
    """Area shared by two (x, y, w, h) boxes."""
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return ix * iy


def iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    inter = _intersection(a, b)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union else 0.0


def coverage(box: tuple[int, int, int, int], truth: tuple[int, int, int, int]) -> float:
    """Share of ``truth``'s area inside ``box`` (both x, y, w, h)."""
    return _intersection(box, truth) / max(1, truth[2] * truth[3])


def label_segments(found: list[tuple[int, int, int, int]], truth: list[tuple[int, int, int, int]],
                   text: str) -> list[str]:
    """The label of each found box: the best-overlapping true character when the box
    covers most of it, else ``#``."""
    out = []
    for box in found:
        scores = [iou(box, t) for t in truth]
        best = int(np.argmax(scores)) if scores else -1
        ok = (best >= 0 and scores[best] >= MATCH_IOU
              and coverage(box, truth[best]) >= MATCH_COVER)
        out.append(text[best] if ok else JUNK)
    return out


def _plate_chunk(args: tuple[Path, int, int, list[str], int, bool]) -> list[tuple[str, str]]:
    from .render import PLATE_STYLES, render_plate, use_plate_shapes

    out_dir, start, n, fonts, seed, shapes = args
    use_plate_shapes(shapes)
    rng = np.random.default_rng([seed, start])
    rows = []
    for i in range(start, start + n):
        style = PLATE_STYLES[int(rng.integers(len(PLATE_STYLES)))]
        font = fonts[int(rng.integers(len(fonts)))]
        plate = render_plate(None, style, rng, Path(font))
        text = "".join(ch for ch in plate.text.upper() if ch in PLATE_CHARS)
        kept: list[tuple[int, int, int, int]] = []
        j = 0
        for seg in segment_candidates(to_gray(plate.image)):
            boxes = [b.as_tuple() for b in seg.boxes]
            labels = label_segments(boxes, plate.boxes, text)
            for box, crop, label in zip(boxes, seg.crops, labels):
                if any(iou(box, k) > 0.85 for k in kept):
                    continue  # the same cut from another candidate
                kept.append(box)
                name = f"p{i:06d}_{j:02d}.png"
                j += 1
                ok, buf = cv2.imencode(".png", crop)
                if ok:
                    buf.tofile(str(out_dir / name))
                    rows.append((name, label))
    return rows


def build_plate_set(out_dir: Path, n_plates: int, fonts: list[Path] | None = None,
                    workers: int = 2, seed: int = 0, shapes: bool = False) -> Path:
    """Render ``n_plates`` plates, segment them with the core, save labelled crops
    (``shapes``: with the opt-in plate shapes, ``render.PlateShapes``).

    Different seeds give disjoint plates (the validation set uses another seed).

    Returns:
        The folder, holding PNG crops and ``labels.csv`` (``file,char``).
    """
    from .fonts import find_plate_fonts

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [str(f) for f in (fonts or find_plate_fonts())]
    chunk = 250
    jobs = [(out_dir, s, min(chunk, n_plates - s), names, seed, shapes)
            for s in range(0, n_plates, chunk)]
    rows: list[tuple[str, str]] = []
    with ProcessPoolExecutor(workers) as pool:
        for part in pool.map(_plate_chunk, jobs):
            rows.extend(part)
    lines = ["file,char"] + [f"{f},{c}" for f, c in rows]
    atomic_write_text(out_dir / "labels.csv", "\n".join(lines) + "\n")
    junk = sum(c == JUNK for _, c in rows)
    log.info("plate set: %d crops (%d junk) from %d plates in %s",
             len(rows), junk, n_plates, out_dir)
    return out_dir


def read_labels(folder: Path) -> list[tuple[str, str]]:
    with open(Path(folder) / "labels.csv", newline="", encoding="utf-8") as f:
        return [(r["file"], r["char"]) for r in csv.DictReader(f)]


def plate_char_prior(samples: int = 40_000, seed: int = 0) -> list[float]:
    """How often each ``CHARSET`` class occurs in the plate texts the renderer draws.

    Training balances the classes (``WeightedRandomSampler``), so the model's softmax
    treats Q as likely as 0; the recognizer multiplies by this prior to undo that.
    Frequencies are relative to the mean over plate characters (1.0 = average);
    the not-a-character class keeps 1.0 (its share is already what segmentation cuts).

    Returns:
        One positive number per ``CHARSET`` character, in order.
    """
    from .render import PLATE_STYLES, random_text

    rng = np.random.default_rng(seed)
    counts = dict.fromkeys(PLATE_CHARS, 0)
    for _ in range(samples):
        style = PLATE_STYLES[int(rng.integers(len(PLATE_STYLES)))]
        for ch in random_text(style, rng).upper():
            if ch in counts:
                counts[ch] += 1
    freq = np.array([max(counts[c], 1) for c in PLATE_CHARS], np.float64)
    freq /= freq.mean()
    return [round(float(v), 4) for v in freq] + [1.0]  # CHARSET is PLATE_CHARS + JUNK
