"""The menu bar and its keyboard shortcuts, from one table so the two cannot disagree."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

# menu -> entries: (label, underlined letter, accelerator shown, key sequences, action name)
MENUS: dict[str, list[tuple[str, int, str, tuple[str, ...], str] | None]] = {
    "File": [
        ("Open image...", 0, "Ctrl+O", ("<Control-o>",), "open_file"),
        ("Open folder...", 5, "Ctrl+Shift+O", ("<Control-O>", "<Control-Shift-o>"), "open_folder"),
        None,
        ("Export results...", 0, "Ctrl+E", ("<Control-e>",), "export_results"),
        ("Export corrections...", 7, "", (), "export_corrections"),
        None,
        ("Quit", 0, "Ctrl+Q", ("<Control-q>",), "close"),
    ],
    "Edit": [
        ("Copy plate text", 0, "Ctrl+C", ("<Control-c>",), "copy_text"),
        ("Correct a character...", 1, "F2", ("<F2>",), "correct"),
        ("Cancel the batch", 7, "Esc", ("<Escape>",), "cancel"),
    ],
    "Help": [
        ("About Plate Reader", 0, "F1", ("<F1>",), "about"),
    ],
}


def build_menus(root: tk.Tk, actions: dict[str, Callable[[], None]]) -> dict[str, tk.Menu]:
    """Install the menu bar on ``root`` and bind its shortcuts there; returns the menus by
    lower-case name. Shortcuts are bound on the main window only, so a dialog keeps its keys."""
    bar = tk.Menu(root)
    menus = {}
    for title, entries in MENUS.items():
        menu = tk.Menu(bar, tearoff=False)
        for entry in entries:
            if entry is None:
                menu.add_separator()
                continue
            label, underline, accel, keys, name = entry
            action = actions[name]
            menu.add_command(label=label, underline=underline, accelerator=accel,
                             command=action)
            for seq in keys:
                root.bind(seq, lambda _e, a=action: a())
        bar.add_cascade(label=title, menu=menu, underline=0)
        menus[title.lower()] = menu
    root.configure(menu=bar)
    return menus
