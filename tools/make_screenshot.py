"""Take docs/screenshot.png: the app reading a sample plate (needs a display, e.g. Xvfb).

    DISPLAY=:99 python tools/make_screenshot.py [IMAGE]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plate_gui.ui.app import MainWindow  # noqa: E402
from plate_gui.ui.start import make_root  # noqa: E402


def main() -> int:
    image = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "license_images" / "GV5679.png"
    root, dnd = make_root()
    root.geometry("1000x640+0+0")
    window = MainWindow(root, dnd=dnd, folder=Path(tempfile.mkdtemp()))
    deadline = time.monotonic() + 60
    while not window.model_ready and time.monotonic() < deadline:
        root.update()
        time.sleep(0.02)
    window.open_paths([image])
    while window.result is None and time.monotonic() < deadline:
        root.update()
        time.sleep(0.02)
    for _ in range(20):
        root.update()
        time.sleep(0.02)
    out = ROOT / "docs" / "screenshot.png"
    geometry = f"{root.winfo_width()}x{root.winfo_height()}+{root.winfo_rootx()}+{root.winfo_rooty()}"
    subprocess.run(["import", "-window", "root", "-crop", geometry, str(out)], check=True)
    print(out, window.result.text if window.result else None)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
