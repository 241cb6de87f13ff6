"""Settings: round trip, and damaged files that must never stop the window opening."""

from __future__ import annotations

import json

import pytest

from plate_gui.ui.settings import Settings, SettingsStore


def test_settings_round_trip(tmp_path):
    store = SettingsStore(tmp_path)
    assert store.load() == Settings()
    store.update(threshold=0.7, last_folder="/x", geometry="900x600", region="hk")
    store.update(threshold=0.6)  # an update keeps the other values
    assert store.load() == Settings("900x600", "/x", 0.6, "hk")
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", Settings()),
    ("[1, 2]", Settings()),
    ('{"threshold": 7}', Settings()),
    ('{"threshold": "0.7"}', Settings()),
    ('{"threshold": true}', Settings()),
    ('{"geometry": "huge"}', Settings()),
    ('{"geometry": "900x600+4000+-20"}', Settings(geometry="900x600")),  # position not kept
    ('{"region": "mars"}', Settings()),
    ('{"last_folder": 3, "threshold": 0.25}', Settings(threshold=0.25)),
    ('{"zzz": 1, "region": "none"}', Settings(region="none")),
])
def test_damaged_settings_fall_back_to_defaults(tmp_path, content, expected):
    (tmp_path / "settings.json").write_text(content)
    assert SettingsStore(tmp_path).load() == expected


def test_settings_that_cannot_be_written_are_not_fatal(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = SettingsStore(blocker)
    store.save(Settings(threshold=0.3))  # logged, not raised
    assert "could not save settings" in caplog.text
    assert store.load() == Settings()


def test_saved_file_is_plain_json(tmp_path):
    SettingsStore(tmp_path).update(threshold=0.4)
    assert json.loads((tmp_path / "settings.json").read_text())["threshold"] == 0.4
