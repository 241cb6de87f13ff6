"""Soak: many recognitions in one process do not grow memory; threads agree."""

from __future__ import annotations

import threading

import pytest

from plate_gui.core import PlateRecognizer

from .plates import draw_plate


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not __import__("os").path.exists("/proc/self/statm"), reason="needs /proc")
def test_2000_recognitions_do_not_grow_memory(tiny_weights):
    rec = PlateRecognizer(tiny_weights)
    plates = [draw_plate(rows=[t])[0] for t in ("GV5679", "AB12", "XY789")]
    for i in range(100):
        rec.recognize(plates[i % 3])
    before = _rss_mb()
    for i in range(2000):
        rec.recognize(plates[i % 3])
    assert _rss_mb() - before < 50


def test_two_threads_of_200_agree_with_one(tiny_weights):
    rec = PlateRecognizer(tiny_weights)
    plates = [draw_plate(rows=[t])[0] for t in ("GV5679", "AB12", "XY789", "K1", "RK026AJ")]
    expected = [rec.recognize(plates[i % 5]).to_dict() for i in range(200)]
    got: dict[int, list] = {}

    def work(k: int) -> None:
        got[k] = [rec.recognize(plates[i % 5]).to_dict() for i in range(200)]

    threads = [threading.Thread(target=work, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got[0] == expected and got[1] == expected
