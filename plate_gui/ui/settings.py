"""Settings remembered between runs: window size, last folder, threshold, region."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from .storage import atomic_write_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    geometry: str = "1100x720"
    last_folder: str = ""
    threshold: float = 0.5
    region: str = "auto"

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            object.__setattr__(self, "threshold", 0.5)


class SettingsStore:
    """Reads and writes ``settings.json`` in the data folder; bad files fall back to defaults."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / "settings.json"

    def load(self) -> Settings:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            known = {f.name for f in fields(Settings)}
            return Settings(**{k: v for k, v in raw.items() if k in known})
        except FileNotFoundError:
            return Settings()
        except (OSError, ValueError, TypeError) as exc:
            log.warning("settings unreadable, using defaults: %s", exc)
            return Settings()

    def save(self, settings: Settings) -> None:
        try:
            atomic_write_text(self.path, json.dumps(asdict(settings), indent=2) + "\n")
        except OSError as exc:
            log.warning("could not save settings: %s", exc)

    def update(self, **changes) -> Settings:
        new = replace(self.load(), **changes)
        self.save(new)
        return new
