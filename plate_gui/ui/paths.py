"""Where the app keeps its settings, corrections and log (never inside the bundle)."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

APP = "PlateReader"
ENV = "PLATE_READER_DATA_DIR"


def data_dir() -> Path:
    """The user's data folder (``PLATE_READER_DATA_DIR`` overrides it, e.g. in tests)."""
    override = os.environ.get(ENV)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP, appauthor=False))


def log_dir() -> Path:
    override = os.environ.get(ENV)
    if override:
        return Path(override) / "logs"
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP, appauthor=False))


def setup_logging() -> Path:
    """Log to a rotating file in the user's log folder; returns the file's path."""
    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "plate-reader.log"
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for old in [h for h in root.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]:
        if Path(old.baseFilename) == path.resolve():
            return path
        root.removeHandler(old)  # the log folder moved (PLATE_READER_DATA_DIR changed)
        old.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return path
