"""Who may import whom: the core and the trainer never import tkinter; the core
never imports torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
import importlib, pkgutil, sys
import plate_gui, plate_gui.core, plate_gui.cli
assert "tkinter" not in sys.modules, "plate_gui.core imported tkinter"
assert "torch" not in sys.modules, "plate_gui.core imported torch"
import trainer
for m in pkgutil.iter_modules(trainer.__path__):
    if m.name != "__main__":
        importlib.import_module("trainer." + m.name)
import trainer.__main__
assert "tkinter" not in sys.modules, "the trainer imported tkinter"
print("ok")
"""


def test_core_and_trainer_never_import_tkinter():
    out = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_ui_uses_only_the_core_public_api():
    import re

    for path in (ROOT / "plate_gui" / "ui").glob("*.py"):
        imports = re.findall(r"^\s*(?:from|import)\s+(\S+)", path.read_text(), re.M)
        assert not [m for m in imports if m.startswith("plate_gui.core.")], path.name
        assert not [m for m in imports if m.split(".")[0] == "trainer"], path.name
