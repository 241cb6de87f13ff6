"""Settings remembered between runs: window size, last folder, threshold, plate format."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from plate_gui.core import REGION_NAMES

from .start import DEFAULT_GEOMETRY
from .storage import atomic_write_text

log = logging.getLogger(__name__)
SIZE = re.compile(r"^(\d{3,5})x(\d{3,5})")
REGIONS = ("none",) + tuple(REGION_NAMES)  # "none": no plate-format rules


@dataclass(frozen=True)
class Settings:
    """What the app remembers. Out-of-range or mistyped values fall back to defaults,
    so a hand-edited or damaged file can never stop the window from opening."""

    geometry: str = DEFAULT_GEOMETRY  # "WIDTHxHEIGHT"; the position is not kept
    last_folder: str = ""
    threshold: float = 0.5
    region: str = "auto"

    def __post_init__(self) -> None:
        m = SIZE.match(self.geometry) if isinstance(self.geometry, str) else None
        fix = object.__setattr__
        fix(self, "geometry", f"{m[1]}x{m[2]}" if m else DEFAULT_GEOMETRY)
        ok = isinstance(self.threshold, (int, float)) and not isinstance(self.threshold, bool)
        fix(self, "threshold", float(self.threshold) if ok and 0 <= self.threshold <= 1 else 0.5)
        if not isinstance(self.last_folder, str):
            fix(self, "last_folder", "")
        if self.region not in REGIONS:
            fix(self, "region", "auto")


class SettingsStore:
    """Reads and writes ``settings.json`` in the data folder; bad files fall back to defaults."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / "settings.json"

    def load(self) -> Settings:
        try:
            raw: Any = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
            known = {f.name for f in fields(Settings)}
            return Settings(**{k: v for k, v in raw.items() if k in known})
        except FileNotFoundError:
            return Settings()
        except (OSError, ValueError, TypeError) as exc:
            log.warning("settings unreadable, using defaults: %s", exc)
            return Settings()

    def save(self, settings: Settings) -> None:
        """Write atomically; a failure is logged, never raised (settings are a comfort)."""
        try:
            atomic_write_text(self.path, json.dumps(asdict(settings), indent=2) + "\n")
        except OSError as exc:
            log.warning("could not save settings: %s", exc)

    def update(self, **changes: Any) -> Settings:
        new = replace(self.load(), **changes)
        self.save(new)
        return new
