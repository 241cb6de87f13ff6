"""EMNIST IDX reading (on tiny files the test writes) and crop folders."""

from __future__ import annotations

import gzip
import struct

import cv2
import numpy as np
import pytest

from plate_gui.core.charset import CHARSET, EMNIST_BALANCED_LABELS
from plate_gui.core.preprocess import PreprocessConfig, preprocess_crop
from trainer.datasets import crop_folder, emnist_balanced

PRE = PreprocessConfig()


def _write_idx(path, arr: np.ndarray, compress: bool = False) -> None:
    header = struct.pack(">HBB", 0, 0x08, arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    data = header + arr.astype(np.uint8).tobytes()
    if compress:
        with gzip.open(str(path) + ".gz", "wb") as f:
            f.write(data)
    else:
        path.write_bytes(data)


def _emnist(tmp_path, labels: list[int], compress: bool = False):
    imgs = np.zeros((len(labels), 28, 28), np.uint8)
    for i in range(len(labels)):
        imgs[i, 5:23, 10 + i % 3:14 + i % 3] = 255  # a bar, stored transposed like EMNIST
    _write_idx(tmp_path / "emnist-balanced-train-images-idx3-ubyte", imgs, compress)
    _write_idx(tmp_path / "emnist-balanced-train-labels-idx1-ubyte",
               np.array(labels, np.uint8), compress)
    return imgs


@pytest.mark.parametrize("compress", [False, True])
def test_emnist_maps_to_plate_charset_and_drops_lower_case(tmp_path, compress):
    labels = [0, 9, 10, 35, 36, 46]  # '0', '9', 'A', 'Z', 'a', 't'
    _emnist(tmp_path, labels, compress)
    x, y = emnist_balanced(tmp_path, "train", PRE)
    assert x.shape == (4, 1, PRE.input_size, PRE.input_size)
    assert [CHARSET[i] for i in y] == [EMNIST_BALANCED_LABELS[i] for i in labels[:4]]


def test_emnist_images_are_transposed(tmp_path):
    imgs = _emnist(tmp_path, [10])
    x, _ = emnist_balanced(tmp_path, "train", PRE)
    rows, cols = np.nonzero(imgs[0].T > 40)
    crop = imgs[0].T[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    np.testing.assert_array_equal(x[0], preprocess_crop(crop, PRE))
    assert crop.shape[1] > crop.shape[0]  # the stored vertical bar is horizontal once transposed


@pytest.mark.parametrize("setup, error, match", [
    (lambda p: None, FileNotFoundError, "EMNIST balanced files not found"),
    (lambda p: (p / "emnist-balanced-train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03"),
     FileNotFoundError, "labels"),
    (lambda p: [(p / "emnist-balanced-train-images-idx3-ubyte").write_bytes(b"junk-junk"),
                (p / "emnist-balanced-train-labels-idx1-ubyte").write_bytes(b"junk-junk")],
     ValueError, "not an unsigned-byte IDX"),
])
def test_emnist_bad_folder(tmp_path, setup, error, match):
    setup(tmp_path)
    with pytest.raises(error, match=match):
        emnist_balanced(tmp_path, "train", PRE)


def test_emnist_missing_folder_is_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        emnist_balanced(tmp_path / "nope", "train", PRE)


def test_crop_folder_reads_labels_and_junk(tmp_path):
    img = np.full((20, 12), 255, np.uint8)
    img[3:17, 4:8] = 0
    for name in ("a.png", "b.png"):
        cv2.imwrite(str(tmp_path / name), img)
    (tmp_path / "labels.csv").write_text("file,char\na.png,1\nb.png,#\n")
    x, y = crop_folder(tmp_path, PRE)
    assert x.shape == (2, 1, 32, 32)
    assert [CHARSET[i] for i in y] == ["1", "#"]


def test_crop_folder_without_labels(tmp_path):
    with pytest.raises(FileNotFoundError, match="labels.csv"):
        crop_folder(tmp_path, PRE)


def test_crop_folder_unknown_label(tmp_path):
    cv2.imwrite(str(tmp_path / "a.png"), np.zeros((10, 10), np.uint8))
    (tmp_path / "labels.csv").write_text("file,char\na.png,@\n")
    with pytest.raises(ValueError, match="not a plate character"):
        crop_folder(tmp_path, PRE)
