"""The app module's pure parts (the window itself: test_window.py)."""

from __future__ import annotations

from plate_gui.ui.app import expand


def test_expand_folders_keeps_files_and_drops_repeats(tmp_path):
    (tmp_path / "b.png").write_bytes(b"x")
    (tmp_path / "a.JPG").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    single = tmp_path / "single.webp"
    assert expand([tmp_path, single, tmp_path / "b.png"]) == [tmp_path / "a.JPG", tmp_path / "b.png",
                                                              single]
