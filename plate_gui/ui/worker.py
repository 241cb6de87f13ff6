"""Recognition off the Tk thread: jobs in, events out through a queue.

The Tk side polls ``events`` with ``after()`` and is the only side that touches
widgets. The model loads on this thread first, so the window paints at once.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plate_gui.core import PlateError, load_image

log = logging.getLogger(__name__)
INTERNAL = "Internal error, see log"


@dataclass(frozen=True)
class Event:
    """What the worker reports. ``kind`` is one of: model, model_error, result,
    error, progress, batch_done."""

    kind: str
    job: int = 0
    path: str = ""
    payload: Any = None


class Worker:
    """One background thread that loads the recognizer, then runs jobs in order."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self._jobs: queue.Queue[tuple[int, str, list[Path]] | None] = queue.Queue()
        self._cancel = threading.Event()
        self._load = load
        self._next = 0
        self.recognizer: Any = None
        self.region: str | None = None  # set from the Tk thread; read once per image
        self._thread = threading.Thread(target=self._run, name="recognizer", daemon=True)
        self._thread.start()

    def submit(self, paths: list[Path], batch: bool = False) -> int:
        """Queue images; a single job also returns the decoded image for display."""
        self._next += 1
        self._cancel.clear()
        self._jobs.put((self._next, "batch" if batch else "single", list(paths)))
        return self._next

    def cancel(self) -> None:
        self._cancel.set()

    def stop(self) -> None:
        self._cancel.set()
        self._jobs.put(None)

    def _run(self) -> None:
        try:
            self.recognizer = self._load()
            self.events.put(Event("model", payload=self.recognizer))
        except PlateError as exc:
            self.events.put(Event("model_error", payload=str(exc)))
            return
        except Exception:
            log.exception("model load failed")
            self.events.put(Event("model_error", payload=INTERNAL))
            return
        while (job := self._jobs.get()) is not None:
            job_id, kind, paths = job
            for i, path in enumerate(paths):
                if kind == "batch" and self._cancel.is_set():
                    break
                self._one(job_id, kind, path)
                if kind == "batch":
                    self.events.put(Event("progress", job_id, payload=(i + 1, len(paths))))
            if kind == "batch":
                self.events.put(Event("batch_done", job_id, payload=self._cancel.is_set()))

    def _one(self, job_id: int, kind: str, path: Path) -> None:
        try:
            image = load_image(path)
            result = self.recognizer.recognize(image, name=path.name, region=self.region)
            payload = (result, image if kind == "single" else None)
            self.events.put(Event("result", job_id, str(path), payload))
        except PlateError as exc:
            self.events.put(Event("error", job_id, str(path), str(exc)))
        except Exception:
            log.exception("recognition failed on %s", path)
            self.events.put(Event("error", job_id, str(path), INTERNAL))
