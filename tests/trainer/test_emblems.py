"""Opt-in plate shapes: large US emblems drawn inside their box and never counted as
characters; off by default, on only where asked (in every worker)."""

from __future__ import annotations

import numpy as np
import pytest

from plate_gui.core.preprocess import PreprocessConfig
from trainer import render
from trainer.datasets import _render_chunk
from trainer.emblems import EMBLEM_KINDS, draw_emblem
from trainer.fonts import find_plate_fonts


@pytest.fixture
def shapes_on(monkeypatch):
    monkeypatch.setattr(render, "_shapes", render.PlateShapes(on=True))
    yield render._shapes


@pytest.mark.parametrize("kind", EMBLEM_KINDS)
@pytest.mark.parametrize("seed", range(4))
def test_emblem_is_drawn_inside_its_box(kind: str, seed: int) -> None:
    img = np.full((120, 160, 3), 255, np.uint8)
    letters = [np.ones((12, 8), np.float32)] * 3
    draw_emblem(img, (40, 20, 50, 70), (20, 40, 160), kind, letters, np.random.default_rng(seed))
    ink = (img != 255).any(axis=2)
    assert ink[20:90, 40:90].mean() > 0.05, "something is drawn"
    ink[20:90, 40:90] = False
    assert not ink.any(), "nothing outside the box"


def test_us_plate_with_emblems_keeps_one_box_per_character(shapes_on) -> None:
    shapes_on.big_emblem_share = 1.0
    font = find_plate_fonts()[0]
    for seed in range(6):
        plate = render.render_plate("*AB*123*", "us", np.random.default_rng(seed), font)
        assert plate.text == "AB123" and len(plate.boxes) == 5


def test_end_emblems_only_when_shapes_are_on(monkeypatch) -> None:
    texts = [render.random_text("us", np.random.default_rng(s)) for s in range(200)]
    assert not any(t[0] == "*" or t[-1] == "*" for t in texts)
    monkeypatch.setattr(render, "_shapes", render.PlateShapes(on=True, end_emblem=1.0))
    texts = [render.random_text("us", np.random.default_rng(s)) for s in range(200)]
    assert all(t[0] == "*" or t[-1] == "*" for t in texts)


def test_render_worker_takes_the_flag_it_is_given() -> None:
    fonts = [str(find_plate_fonts()[0])]
    try:
        off = _render_chunk((40, 5, 0.0, fonts, PreprocessConfig(), False))
        on = _render_chunk((40, 5, 0.0, fonts, PreprocessConfig(), True))
        assert render._shapes.on
        again = _render_chunk((40, 5, 0.0, fonts, PreprocessConfig(), False))
    finally:
        render.use_plate_shapes(False)
    assert not np.array_equal(off[0], on[0])
    assert np.array_equal(off[0], again[0]) and np.array_equal(off[1], again[1])
