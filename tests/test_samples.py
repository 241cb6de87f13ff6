"""The sample plates in license_images/: what tools/make_samples.py renders, and fit to ship."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from plate_gui.core import load_image

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "license_images"


@functools.lru_cache(maxsize=1)
def _make_samples():
    """tools/make_samples.py as a module (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "tools" / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_there_are_six_to_eight_samples_named_by_their_text():
    files = sorted(SAMPLES.glob("*"))
    assert 6 <= len(files) <= 8
    assert all(re.fullmatch(r"[A-Z0-9]+\.png", p.name) for p in files), [p.name for p in files]
    assert {p.stem for p in files} == {s.name for s in _make_samples().SAMPLES}


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.png")), ids=lambda p: p.stem)
def test_sample_is_a_small_plate_crop(path):
    img = load_image(path)
    h, w = img.shape[:2]
    assert 60 <= h <= 200 and path.stat().st_size < 60_000
    assert img.std() > 20  # not blank: characters on a plate


def test_the_script_renders_the_committed_files(tmp_path):
    """Rendering again gives the same pictures (a few grey levels apart at most, for
    font-rasteriser differences), so the samples are reproducible from the script."""
    assert _make_samples().main([str(tmp_path)]) == 0
    for path in sorted(SAMPLES.glob("*.png")):
        fresh, kept = load_image(tmp_path / path.name), load_image(path)
        assert fresh.shape == kept.shape, path.name
        assert np.abs(fresh.astype(int) - kept.astype(int)).mean() < 1.0, path.name
