"""Where the app writes: the data folder and the log, both overridable for tests."""

from __future__ import annotations

import logging

from plate_gui.ui import paths


def test_env_var_moves_the_data_and_the_log(tmp_path, monkeypatch):
    monkeypatch.setenv("PLATE_READER_DATA_DIR", str(tmp_path / "a"))
    assert paths.data_dir() == tmp_path / "a"
    first = paths.setup_logging()
    logging.getLogger("plate_gui.test").warning("into a")
    monkeypatch.setenv("PLATE_READER_DATA_DIR", str(tmp_path / "b"))
    second = paths.setup_logging()
    logging.getLogger("plate_gui.test").warning("into b")
    for h in logging.getLogger().handlers:
        h.flush()
    assert first.parent == tmp_path / "a" / "logs" and second.parent == tmp_path / "b" / "logs"
    assert "into a" in first.read_text() and "into b" not in first.read_text()
    assert "into b" in second.read_text()


def test_without_the_env_var_the_platform_folders_are_used(monkeypatch):
    monkeypatch.delenv("PLATE_READER_DATA_DIR", raising=False)
    assert paths.data_dir().name == "PlateReader"
    assert "PlateReader" in str(paths.log_dir())
