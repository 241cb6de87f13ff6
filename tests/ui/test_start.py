"""The window shows before the recognition core and the panels are imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_start_module_leaves_the_heavy_imports_for_later():
    code = ("import sys, plate_gui.__main__, plate_gui.ui.start; "
            "print(sorted(m for m in ('numpy', 'cv2', 'PIL', 'onnxruntime', 'plate_gui.core', "
            "'plate_gui.ui.app') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
