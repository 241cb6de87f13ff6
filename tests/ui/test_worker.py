"""The worker thread: results and errors come back as events; the batch goes on."""

from __future__ import annotations

import queue
import time

import cv2
import numpy as np
import pytest

from plate_gui.core import ModelLoadError
from plate_gui.ui.worker import INTERNAL, Worker

from .fakes import FakeRecognizer


def _drain(worker: Worker, until, timeout: float = 20.0) -> list:
    """Events until ``until(events)`` is true (fails after ``timeout`` s)."""
    got, deadline = [], time.monotonic() + timeout
    while not until(got):
        assert time.monotonic() < deadline, f"worker did not get there: {got}"
        try:
            got.append(worker.events.get(timeout=0.1))
        except queue.Empty:
            pass
    return got


def _done(job):
    return lambda events: any(e.kind == "batch_done" and e.job == job for e in events)


@pytest.fixture
def images(tmp_path):
    paths = {}
    for name in ("good.png", "boom.png"):
        paths[name] = tmp_path / name
        cv2.imwrite(str(paths[name]), np.full((20, 40, 3), 200, np.uint8))
    paths["bad.png"] = tmp_path / "bad.png"
    paths["bad.png"].write_text("not an image")
    return paths


@pytest.fixture
def fake():
    rec = FakeRecognizer()
    yield rec
    rec.gate.set()


def test_worker_reports_results_and_errors_and_goes_on(images, fake, caplog):
    worker = Worker(lambda: fake)
    job = worker.start_batch([images["good.png"], images["bad.png"], images["boom.png"], images["good.png"]])
    events = _drain(worker, _done(job))
    items = [e for e in events if e.kind in ("result", "error")]
    assert [e.kind for e in items] == ["result", "error", "error", "result"]
    assert "not an image file" in items[1].payload and items[2].payload == INTERNAL
    assert "recognition failed on" in caplog.text  # the unexpected one is logged with its traceback
    assert [e.progress for e in items] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert items[0].payload[1] is None  # a batch does not carry images back
    worker.stop()


def test_a_shown_photo_comes_with_its_image(images, fake):
    worker = Worker(lambda: fake)
    worker.region = "hk"
    job = worker.show(images["good.png"])
    event = _drain(worker, lambda ev: any(e.job == job for e in ev))[-1]
    result, image = event.payload
    assert event.kind == "result" and image.shape == (20, 40, 3) and image.dtype == np.uint8
    assert fake.regions == ["hk"]
    worker.stop()


def test_a_given_result_is_shown_without_running_the_model(images, fake):
    worker = Worker(lambda: fake)
    job = worker.show(images["good.png"], result="kept")
    event = _drain(worker, lambda ev: any(e.job == job for e in ev))[-1]
    assert event.payload[0] == "kept" and fake.calls == []
    worker.stop()


@pytest.mark.parametrize(("error", "message"), [
    (ModelLoadError("Model file not found: 'x.onnx'"), "Model file not found: 'x.onnx'"),
    (RuntimeError("no"), INTERNAL),
])
def test_a_model_that_will_not_load_is_reported(error, message):
    def load():
        raise error

    worker = Worker(load)
    event = _drain(worker, lambda ev: bool(ev))[-1]
    assert (event.kind, event.payload) == ("model_error", message)
    assert worker.state == "failed" and worker.load_error == message


def test_a_shown_photo_goes_ahead_of_a_running_batch(images, fake):
    worker = Worker(lambda: fake)
    _drain(worker, lambda ev: any(e.kind == "model" for e in ev))
    fake.gate.clear()  # hold the worker on the batch's first image
    batch = worker.start_batch([images["good.png"]] * 50)
    single = worker.show(images["boom.png"])
    fake.gate.set()
    events = _drain(worker, _done(batch))
    order = [e.job for e in events if e.kind in ("result", "error")]
    assert order.index(single) <= 1  # right after the image in hand, not after 50
    worker.stop()


def test_cancel_and_a_new_batch_replace_the_running_one(images, fake):
    worker = Worker(lambda: fake)
    _drain(worker, lambda ev: any(e.kind == "model" for e in ev))
    fake.gate.clear()
    first = worker.start_batch([images["good.png"]] * 500)
    second = worker.start_batch([images["good.png"]] * 2)
    fake.gate.set()
    events = _drain(worker, _done(second))
    assert len([e for e in events if e.job == first and e.kind == "result"]) <= 1
    fake.gate.clear()
    third = worker.start_batch([images["good.png"]] * 500)
    worker.cancel()
    fake.gate.set()
    events = _drain(worker, _done(third))
    done = [e for e in events if e.kind == "batch_done" and e.job == third]
    assert done[0].payload is True
    assert len([e for e in events if e.kind == "result" and e.job == third]) <= 1
    worker.stop()
