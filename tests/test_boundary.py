"""Who may import whom: the core and the trainer never import tkinter; the core
never imports torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CORE = """
import sys
import plate_gui
assert "tkinter" not in sys.modules and "torch" not in sys.modules, "plate_gui/__init__ imports too much"
import plate_gui.core, plate_gui.core.recognizer, plate_gui.core.segmentation
import plate_gui.core.weights, plate_gui.core.rules, plate_gui.core.imageio
import plate_gui.cli
bad = sorted(m for m in ("tkinter", "_tkinter", "torch", "torchvision", "plate_gui.ui", "trainer")
             if m in sys.modules)
print(" ".join(bad) or "ok")
"""

TRAINER = """
import importlib, pkgutil, sys
import plate_gui.core, plate_gui.cli, trainer
names = [m.name for m in pkgutil.iter_modules(trainer.__path__)]
for name in names:  # whatever the trainer holds today, __main__ included
    importlib.import_module("trainer." + name)
assert "tkinter" not in sys.modules and "_tkinter" not in sys.modules, "the trainer imported tkinter"
assert not [m for m in sys.modules if m.startswith("plate_gui.ui")], "the trainer imported the ui"
print("ok", len(names))
"""


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_core_and_cli_import_neither_tkinter_nor_torch():
    out = _run(CORE)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_trainer_modules_never_import_tkinter():
    out = _run(TRAINER)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok")


def test_ui_uses_only_the_core_public_api():
    import re

    for path in (ROOT / "plate_gui" / "ui").glob("*.py"):
        imports = re.findall(r"^\s*(?:from|import)\s+(\S+)", path.read_text(), re.M)
        assert not [m for m in imports if m.startswith("plate_gui.core.")], path.name
        assert not [m for m in imports if m.split(".")[0] == "trainer"], path.name
