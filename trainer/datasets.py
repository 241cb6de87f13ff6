"""Datasets: synthetic characters, EMNIST balanced, and folders of labelled crops.

Every sample goes through ``plate_gui.core.preprocess.preprocess_crop``: the very
transform the recognizer applies, so training and inference cannot drift apart.
Rendered sets are built once per run in worker processes and kept as arrays.
"""

from __future__ import annotations

import csv
import gzip
import logging
import struct
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from plate_gui.core.charset import CHARSET, JUNK, PLATE_CHARS, emnist_to_plate, index_of
from plate_gui.core.imageio import load_image, to_gray
from plate_gui.core.preprocess import PreprocessConfig, preprocess_crop

log = logging.getLogger(__name__)


def _render_chunk(args: tuple[int, int, float, list[str], PreprocessConfig, bool]):
    from .render import render_char, render_junk, use_plate_shapes

    n, seed, junk_share, fonts, pre, shapes = args
    use_plate_shapes(shapes)
    rng = np.random.default_rng(seed)
    xs = np.empty((n, 1, pre.input_size, pre.input_size), np.float32)
    ys = np.empty(n, np.int64)
    for i in range(n):
        font = fonts[rng.integers(len(fonts))]
        if rng.random() < junk_share:
            crop, label = render_junk(rng, font), CHARSET.index(JUNK)
        else:
            label = int(rng.integers(len(PLATE_CHARS)))
            crop = render_char(PLATE_CHARS[label], rng, font)
        xs[i], ys[i] = preprocess_crop(crop, pre), label
    return xs, ys


def synthetic_chars(n: int, seed: int, pre: PreprocessConfig, junk_share: float,
                    fonts: list[Path] | None = None,
                    workers: int = 2, shapes: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Render ``n`` character (and junk) crops, preprocessed; ``shapes``: with the
    opt-in plate shapes (``render.PlateShapes``).

    Returns:
        ``(X Nx1xSxS float32, y N int64)``, deterministic for ``seed``.
    """
    from .fonts import find_plate_fonts

    font_names = [str(f) for f in (fonts or find_plate_fonts())]
    chunk = 2000
    jobs = [(min(chunk, n - s), seed * 100_003 + s, junk_share, font_names, pre, shapes)
            for s in range(0, n, chunk)]
    return render_chunks(_render_chunk, jobs, workers)


def render_chunks(render, jobs: list[tuple], workers: int) -> tuple[np.ndarray, np.ndarray]:
    """``render(job) -> (X, y)`` for each job, in ``workers`` processes when there is more
    than one job (``render`` must be a module-level function), concatenated in order."""
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(workers) as pool:
            parts = list(pool.map(render, jobs))
    else:
        parts = [render(j) for j in jobs]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _read_idx(path: Path) -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path.name} is not an IDX file")
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08 or not 1 <= ndim <= 3 or len(data) < 4 + 4 * ndim:
        raise ValueError(f"{path.name} is not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = np.frombuffer(data, np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"{path.name} is truncated: expected {int(np.prod(dims))} bytes of data")
    return body.reshape(dims)


def _find(folder: Path, split: str, kind: str) -> Path:
    for name in (f"emnist-balanced-{split}-{kind}-idx{3 if kind == 'images' else 1}-ubyte",):
        for suffix in ("", ".gz"):
            if (folder / (name + suffix)).is_file():
                return folder / (name + suffix)
    raise FileNotFoundError(
        f"EMNIST balanced files not found in '{folder}': expected "
        f"emnist-balanced-{split}-{kind}-idx*-ubyte[.gz] (the standard EMNIST release; "
        "nothing is downloaded, point --emnist-dir at a folder that holds them)")


def emnist_balanced(folder: Path, split: str, pre: PreprocessConfig,
                    limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Read EMNIST balanced from its standard IDX files, mapped to the plate charset.

    Lower-case classes are dropped. Images are transposed (EMNIST stores them
    column-major) and cropped to their ink before the shared preprocessing.

    Raises:
        FileNotFoundError: the folder or its files are missing (clear message).
        ValueError: a file is not a valid IDX file.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"EMNIST folder '{folder}' does not exist")
    image_file, label_file = _find(folder, split, "images"), _find(folder, split, "labels")
    images, labels = _read_idx(image_file), _read_idx(label_file)
    if len(images) != len(labels):
        raise ValueError("EMNIST images and labels differ in length")
    xs, ys = [], []
    for img, lab in zip(images, labels):
        target = emnist_to_plate(int(lab))
        if target is None:
            continue
        img = img.T
        rows, cols = np.nonzero(img > 40)
        if rows.size == 0:
            continue
        crop = img[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
        xs.append(preprocess_crop(crop, pre))
        ys.append(target)
        if limit and len(xs) >= limit:
            break
    if not xs:
        raise ValueError(f"no usable EMNIST samples in '{folder}'")
    return np.stack(xs), np.array(ys, np.int64)


def crop_folder(folder: Path, pre: PreprocessConfig,
                limit: int | None = None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Read a folder of crops with ``labels.csv`` (``file,char``), preprocessed.

    The format of the GUI's corrections and of the trainer's plate set; ``#``
    labels a crop that is not a character. ``limit`` reads a random subset.

    Raises:
        FileNotFoundError: no labels.csv. ValueError: an unknown label or no rows.
    """
    folder = Path(folder)
    labels = folder / "labels.csv"
    if not labels.is_file():
        raise FileNotFoundError(f"'{folder}' has no labels.csv (columns file,char)")
    with open(labels, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if limit is not None and limit < len(rows):
        keep = np.random.default_rng(seed).choice(len(rows), limit, replace=False)
        rows = [rows[i] for i in sorted(keep)]
    xs, ys = [], []
    for row in rows:
        gray = to_gray(load_image(folder / row["file"], min_side=1))
        xs.append(preprocess_crop(gray, pre))
        ys.append(index_of(row["char"]))
    if not xs:
        raise ValueError(f"'{labels}' lists no crops")
    return np.stack(xs), np.array(ys, np.int64)
