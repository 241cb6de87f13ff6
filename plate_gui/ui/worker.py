"""Recognition off the Tk thread: jobs in, events out through a queue.

The Tk side polls ``events`` with ``after()`` and is the only side that touches
widgets. The model loads on this thread first, so the window paints at once.
A photo the operator asked to see goes ahead of the rest of a running batch, so
clicking a row during a thousand-image batch answers at once.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plate_gui.core import PlateError, load_image

from .start import INTERNAL

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """What the worker reports.

    ``kind`` is one of: "model" (loaded), "model_error" (payload: message),
    "result" (payload: (PlateResult, BGR image or None)), "error" (payload: a
    one-line message), "batch_done" (payload: True if cancelled). Batch items
    carry ``progress`` = (done, total).
    """

    kind: str
    job: int = 0
    path: str = ""
    payload: Any = None
    progress: tuple[int, int] | None = None


class Worker:
    """One background thread that loads the recognizer, then runs jobs.

    Args:
        load: builds the recognizer (runs on the worker thread).
    """

    def __init__(self, load: Callable[[], Any]) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self.recognizer: Any = None
        self.load_error = ""
        self.region: str | None = None  # set from the Tk thread; read once per image
        self._load = load
        self._cv = threading.Condition()
        self._single: tuple[int, Path, Any] | None = None
        self._batch: tuple[int, list[Path]] | None = None
        self._pos = 0
        self._cancel = False
        self._stopped = False
        self._next = 0
        self._thread = threading.Thread(target=self._run, name="recognizer", daemon=True)
        self._thread.start()

    @property
    def state(self) -> str:
        """"loading", "ready" or "failed"."""
        return "failed" if self.load_error else "ready" if self.recognizer else "loading"

    def show(self, path: Path, result: Any = None) -> int:
        """Read one image for display (its result too, unless ``result`` is given).

        A request not yet started is replaced: only the latest one matters.
        """
        with self._cv:
            self._next += 1
            self._single = (self._next, Path(path), result)
            self._cv.notify()
            return self._next

    def start_batch(self, paths: list[Path]) -> int:
        """Read ``paths`` in order, replacing any batch still running."""
        with self._cv:
            self._next += 1
            self._batch, self._pos, self._cancel = (self._next, list(paths)), 0, False
            self._cv.notify()
            return self._next

    def submit(self, paths: list[Path], batch: bool = False) -> int:
        """``start_batch(paths)`` or ``show(paths[0])``."""
        return self.start_batch(paths) if batch else self.show(paths[0])

    def cancel(self) -> None:
        """Stop the running batch after the image in hand (its done event says cancelled)."""
        with self._cv:
            self._cancel = self._batch is not None
            self._cv.notify()

    def stop(self) -> None:
        with self._cv:
            self._stopped = True
            self._cv.notify()

    def _run(self) -> None:
        t0 = time.perf_counter()
        try:
            self.recognizer = self._load()
        except PlateError as exc:
            self.load_error = str(exc) or type(exc).__name__
        except Exception:
            log.exception("model load failed")
            self.load_error = INTERNAL
        if self.load_error:
            self.events.put(Event("model_error", payload=self.load_error))
            return
        log.info("model loaded in %.0f ms", (time.perf_counter() - t0) * 1e3)
        self.events.put(Event("model", payload=self.recognizer))
        while (task := self._next_task()) is not None:
            task()

    def _next_task(self) -> Callable[[], None] | None:
        with self._cv:
            while True:
                if self._stopped:
                    return None
                if self._single is not None:
                    job, path, result = self._single
                    self._single = None
                    return lambda: self._do_single(job, path, result)
                if self._batch is not None:
                    job, paths = self._batch
                    if self._cancel or self._pos >= len(paths):
                        self.events.put(Event("batch_done", job, payload=self._cancel))
                        self._batch, self._cancel = None, False
                        continue
                    i = self._pos
                    self._pos += 1
                    return lambda: self._do_batch_item(job, paths, i)
                self._cv.wait()

    def _do_single(self, job: int, path: Path, result: Any) -> None:
        def read() -> tuple[Any, Any]:
            image = load_image(path)
            if result is not None:
                return result, image
            return self.recognizer.recognize(image, name=path.name, region=self.region), image

        self._report(job, path, read)

    def _do_batch_item(self, job: int, paths: list[Path], i: int) -> None:
        path = paths[i]

        def read() -> tuple[Any, None]:
            image = load_image(path)
            return self.recognizer.recognize(image, name=path.name, region=self.region), None

        self._report(job, path, read, (i + 1, len(paths)))

    def _report(self, job: int, path: Path, read: Callable[[], Any],
                progress: tuple[int, int] | None = None) -> None:
        """Run ``read`` and put its result, or why it failed, on the queue (never raises)."""
        try:
            self.events.put(Event("result", job, str(path), read(), progress))
        except PlateError as exc:
            self.events.put(Event("error", job, str(path), str(exc), progress))
        except Exception:
            log.exception("recognition failed on %s", path)
            self.events.put(Event("error", job, str(path), INTERNAL, progress))
