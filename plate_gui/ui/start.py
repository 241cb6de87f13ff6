"""Opening the window: a light module, so the window shows before the heavy imports.

Importing the recognition core (numpy, OpenCV, Pillow, ONNX Runtime's wrapper) and the
window's panels takes about 0.4 s. ``launch`` makes the Tk root first, with the app's
title and a "Starting" line, lets it paint, and only then imports the rest (``app``).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import tkinter as tk
from pathlib import Path
from tkinter import messagebox, ttk

from plate_gui import __version__

from .paths import setup_logging

log = logging.getLogger(__name__)
TITLE = "Plate Reader"
# The window's class (Tk shows it as "Platereader"): the .desktop file's StartupWMClass
# names it, so docks group the window with its launcher.
WM_CLASS = "PlateReader"
INTERNAL = "Internal error, see log"  # what the window says of anything unexpected
DEFAULT_GEOMETRY = "1100x720"  # the window's size until the settings say otherwise


def make_root() -> tuple[tk.Tk, bool]:
    """A Tk root with tkdnd loaded when possible (drag and drop), else a plain one."""
    if sys.platform == "win32":  # sharp text on HiDPI Windows instead of a blurred bitmap
        try:
            import ctypes

            ctypes.windll.shcore.SetProcessDpiAwareness(1)
        except Exception:  # older Windows: stays DPI-unaware, still usable
            pass
    try:
        from tkinterdnd2 import TkinterDnD

        return TkinterDnD.Tk(className=WM_CLASS), True
    except Exception as exc:  # no tkdnd binary for this platform
        log.warning("tkdnd unavailable: %s", exc)
        return tk.Tk(className=WM_CLASS), False


def _log_thread_error(args: threading.ExceptHookArgs) -> None:
    name = args.thread.name if args.thread else "?"
    log.error("unexpected error in thread %s", name,
              exc_info=(args.exc_type, args.exc_value, args.exc_traceback))


def launch(argv: list[str] | None = None) -> int:
    """Open the window (optionally with images or folders) and run until it closes."""
    t0 = time.perf_counter()
    log_path = setup_logging()
    log.info("Plate Reader %s starting; log at %s", __version__, log_path)
    try:
        root, dnd = make_root()
    except tk.TclError as exc:
        print(f"Plate Reader needs a display to open its window: {exc}", file=sys.stderr)
        return 2
    threading.excepthook = _log_thread_error
    root.title(TITLE)
    w, h = (int(v) for v in DEFAULT_GEOMETRY.split("x"))
    root.geometry(f"{min(w, root.winfo_screenwidth())}x{min(h, root.winfo_screenheight())}")
    starting = ttk.Label(root, text="Starting Plate Reader...", anchor="center")
    starting.pack(expand=True, fill="both")
    root.update()
    log.info("window shown %.0f ms after launch()", (time.perf_counter() - t0) * 1e3)
    try:
        from .app import MainWindow

        starting.destroy()
        window = MainWindow(root, dnd=dnd)
    except Exception:
        log.exception("the window could not be built")
        messagebox.showerror(TITLE, f"{INTERNAL}:\n{log_path}")
        return 1
    root.after_idle(lambda: log.info("window built %.0f ms after launch()",
                                     (time.perf_counter() - t0) * 1e3))
    paths = [Path(a) for a in (argv or []) if not a.startswith("-")]
    if paths:
        root.after_idle(lambda: window.open_paths(paths))
    root.mainloop()
    return 0
