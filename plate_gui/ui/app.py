"""The main window: open or drop plate photos, see what was read and how sure it is."""

from __future__ import annotations

import logging
import time
import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog, messagebox, ttk
from typing import Any

from plate_gui import __version__
from plate_gui.core import IMAGE_SUFFIXES, PlateRecognizer, PlateResult, is_image_path

from . import viewmodel
from .batch import export_rows
from .batch_panel import BatchPanel
from .corrections import CorrectionStore
from .menus import build_menus
from .paths import data_dir, log_dir
from .photo_panel import PhotoPanel
from .settings import REGIONS, SettingsStore
from .start import TITLE
from .toolbar import Toolbar
from .widgets import WARN_COLOR, make_fonts, ui_scale
from .worker import INTERNAL, Event, Worker

log = logging.getLogger(__name__)
POLL_MS = 40
POLL_BUDGET_S = 0.03  # at most this long handling events per tick: the window stays live


def expand(paths: list[Path]) -> list[Path]:
    """Folders become their image files (sorted); files stay as given; no path twice."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.is_file() and is_image_path(f))
        else:
            out.append(p)
    return list(dict.fromkeys(out))


class MainWindow:
    """The app's window. ``load`` builds the recognizer (on the worker thread)."""

    def __init__(self, root: tk.Tk, load: Callable[[], Any] | None = None,
                 dnd: bool = False, folder: Path | None = None) -> None:
        self.root = root
        self.folder = Path(folder) if folder else data_dir()
        self.settings_store = SettingsStore(self.folder)
        self.settings = self.settings_store.load()
        self.corrections = CorrectionStore(self.folder / "corrections")
        self.single_job = self.batch_job = 0
        self.model_ready = False
        self._closed = False
        self.scale = ui_scale(root)
        self.fonts = make_fonts(root, self.scale)
        root.title(TITLE)
        root.report_callback_exception = self._on_tk_error
        self._geometry()
        self._styles()
        self._layout()
        self.menus = build_menus(root, {
            "open_file": self.open_file, "open_folder": self.open_folder,
            "export_results": self.export_results, "export_corrections": self.export_corrections,
            "close": self.close, "copy_text": self.copy_text, "correct": self.photo.pick_first,
            "cancel": self.cancel, "about": self.about})
        self._set_icon()
        self.dnd = dnd and self._enable_drop()
        self.photo.message(self._welcome())
        self.status("Loading the model..." + ("" if self.dnd else "  Drag and drop is not "
                    "available on this computer: use File > Open image... instead."))
        self.worker = Worker(load or (lambda: PlateRecognizer()))
        self.worker.region = self.region_code()
        root.protocol("WM_DELETE_WINDOW", self.close)
        self._poll_id = root.after(POLL_MS, self.poll)

    @property
    def result(self) -> PlateResult | None:
        """The reading of the photo on show (at the current threshold), if any."""
        return self.photo.result

    # ------------------------------------------------------------------ layout
    def px(self, n: float) -> int:
        return round(n * self.scale)

    def _geometry(self) -> None:
        w, h = (int(v) for v in self.settings.geometry.split("x"))
        sw, sh = self.root.winfo_screenwidth(), self.root.winfo_screenheight()
        self.root.geometry(f"{min(w, sw)}x{min(h, sh - self.px(40))}")
        self.root.minsize(min(self.px(800), sw), min(self.px(560), sh))

    def _styles(self) -> None:
        style = ttk.Style(self.root)
        if style.theme_use() == "default" and "clam" in style.theme_names():
            style.theme_use("clam")  # X11's default theme looks dated; Windows/macOS keep theirs
        style.configure("Plate.TLabel", font=self.fonts["plate"])
        style.configure("Summary.TLabel", font=self.fonts["summary"])
        style.configure("Hint.TLabel", foreground="#444444")
        style.configure("Status.TLabel", padding=(self.px(8), self.px(3)))
        row = self.fonts["summary"].metrics("linespace")
        style.configure("Treeview", rowheight=row + self.px(6))

    def _layout(self) -> None:
        pad = self.px(8)
        self.toolbar = Toolbar(self.root, self.scale, self.settings.threshold, self.settings.region,
                               self.open_file, self.open_folder, self.set_threshold, self.rerun)
        self.toolbar.pack(fill="x", padx=pad, pady=(self.px(6), 0))
        self.status_label = ttk.Label(self.root, style="Status.TLabel", anchor="w")
        self.status_label.pack(fill="x", side="bottom")
        ttk.Separator(self.root).pack(fill="x", side="bottom")
        self.body = body = ttk.Panedwindow(self.root, orient="vertical")
        body.pack(fill="both", expand=True, padx=pad)
        self.photo = PhotoPanel(body, self.fonts, self.scale, self.corrections, self.status,
                                lambda file, result: self.batch.corrected(file, result))
        body.add(self.photo, weight=3)
        self.batch = BatchPanel(body, self.scale, self.show_row, self.cancel, self.export_results)
        body.add(self.batch, weight=1)

    def _set_icon(self) -> None:
        from plate_gui.core import resource_path

        icon = resource_path("assets", "icon.png")
        if icon.is_file():
            try:
                self._icon = tk.PhotoImage(file=str(icon))
                self.root.iconphoto(True, self._icon)
            except tk.TclError:
                log.warning("icon could not be loaded")

    def _enable_drop(self) -> bool:
        try:
            from tkinterdnd2 import DND_FILES

            self.root.drop_target_register(DND_FILES)
            self.root.dnd_bind("<<Drop>>", self.on_drop)
            return True
        except Exception as exc:  # tkdnd missing for this platform, or not a TkinterDnD root
            log.warning("drag and drop unavailable: %s", exc)
            return False

    def _welcome(self) -> str:
        drop = " or drag one onto this window" if self.dnd else ""
        return f"Open a plate photo (Ctrl+O){drop}.\nOpen a folder (Ctrl+Shift+O) to read many at once."

    # ----------------------------------------------------------------- actions
    def status(self, text: str, error: bool = False) -> None:
        self.status_label.configure(text=text, foreground=WARN_COLOR if error else "")

    def region_code(self) -> str | None:
        code = self.toolbar.region()
        return None if code == "none" else code

    def open_file(self) -> None:
        patterns = " ".join(f"*{s} *{s.upper()}" for s in IMAGE_SUFFIXES)
        names = filedialog.askopenfilenames(
            parent=self.root, title="Open plate photos", initialdir=self.settings.last_folder,
            filetypes=[("Images", patterns), ("All files", "*")])
        if names:
            self.open_paths([Path(n) for n in names])

    def open_folder(self) -> None:
        name = filedialog.askdirectory(parent=self.root, title="Open a folder of plate photos",
                                       initialdir=self.settings.last_folder, mustexist=True)
        if name:
            self.open_paths([Path(name)])

    def on_drop(self, event: Any) -> str:
        self.open_paths([Path(p) for p in self.root.tk.splitlist(event.data)])
        return getattr(event, "action", "copy")

    def open_paths(self, paths: list[Path]) -> None:
        """One image is shown in full; a folder or several images go to the batch table."""
        if not paths:
            return
        if self.worker.state == "failed":
            self.status(f"Cannot read plates: the model could not be loaded "
                        f"({self.worker.load_error}).", error=True)
            return
        first = paths[0] if paths[0].is_dir() else paths[0].parent
        self.settings = self.settings_store.update(last_folder=str(first))
        wait = "" if self.model_ready else " (waiting for the model to load)"
        files = expand(paths)
        if len(paths) == 1 and not paths[0].is_dir():
            self.photo.forget(str(paths[0]))
            self.single_job = self.worker.show(paths[0])
            self.status(f"Reading {paths[0].name}...{wait}")
            return
        if not files:
            exts = ", ".join(s.lstrip(".").upper() for s in IMAGE_SUFFIXES)
            self.status(f"No photos found there (looked for {exts} files).", error=True)
            return
        self.batch.start(len(files), self.toolbar.threshold())
        if self.result is None:
            self.photo.message(f"Reading {len(files)} photos: their results fill the table below.\n"
                               "Click a row to see that photo in full here.")
        self.batch_job = self.worker.start_batch(files)
        self.status(f"Reading {len(files)} photos... (Esc or Cancel stops){wait}")

    def cancel(self) -> None:
        if self.batch.running:
            self.worker.cancel()
            self.status("Cancelling...")

    def rerun(self) -> None:
        """The plate format changed: read the photo on show again under the new rules."""
        code = self.toolbar.region()
        self.worker.region = self.region_code()
        self.settings = self.settings_store.update(region=code if code in REGIONS else "auto")
        path = self.photo.path
        if path and self.model_ready:
            self.photo.forget(str(path))
            self.single_job = self.worker.show(path)

    def set_threshold(self, value: float) -> None:
        """Re-mark failures against ``value`` without running the model again."""
        self.photo.set_threshold(value)
        self.batch.set_threshold(value)

    def copy_text(self) -> None:
        focus = self.root.focus_get()
        if isinstance(focus, (tk.Entry, ttk.Entry)) and focus.selection_present():
            return  # Ctrl+C in a text field copies that field's selection
        if self.result is not None and self.result.text:
            self.root.clipboard_clear()
            self.root.clipboard_append(self.result.text)
            self.status(f"Copied {self.result.text} to the clipboard.")

    def export_results(self) -> None:
        if not len(self.batch.results):
            self.status("No results to export yet: open a folder or several photos first.",
                        error=True)
            return
        name = filedialog.asksaveasfilename(
            parent=self.root, title="Export results", defaultextension=".csv",
            initialdir=self.settings.last_folder, initialfile="plate-results.csv",
            filetypes=[("CSV (spreadsheet)", "*.csv"), ("JSON", "*.json")])
        if name:
            self.write_results(Path(name))

    def write_results(self, path: Path) -> None:
        rows = list(self.batch.results.rows.values())
        try:
            export_rows(rows, path)
            self.status(f"Exported {len(rows)} results to {path}")
        except OSError as exc:
            self.status(f"Could not export the results: {exc}", error=True)

    def export_corrections(self) -> None:
        n = len(self.corrections.rows())
        if not n:
            self.status("No corrections to export yet: click a character to correct it.", error=True)
            return
        name = filedialog.asksaveasfilename(
            parent=self.root, title="Export corrections", defaultextension=".zip",
            initialdir=self.settings.last_folder, initialfile="plate-corrections.zip",
            filetypes=[("Zip archive", "*.zip"), ("Folder (no extension)", "*")])
        if name:
            try:
                out = self.corrections.export(Path(name))
                self.status(f"Exported {n} corrections to {out}")
            except (OSError, ValueError) as exc:
                self.status(f"Could not export the corrections: {exc}", error=True)

    def about(self) -> None:
        messagebox.showinfo("About Plate Reader", self.about_text(), parent=self.root)

    def about_text(self) -> str:
        rec = self.worker.recognizer
        lines = viewmodel.about_lines(__version__, rec.meta if rec is not None else None,
                                      Path(getattr(rec, "weights_path", "")).name,
                                      self.worker.load_error)
        lines += ["", f"Corrections and settings: {self.folder}", f"Log: {log_dir()}"]
        return "\n".join(lines)

    def close(self) -> None:
        """Quit: remember the window size, threshold and plate format, then go."""
        if not self._closed:
            self.settings_store.update(
                geometry=f"{self.root.winfo_width()}x{self.root.winfo_height()}",
                threshold=self.toolbar.threshold(), region=self.toolbar.region())
        self.destroy()

    def destroy(self) -> None:
        """Stop the worker and the polling, and destroy the window (saves nothing)."""
        if self._closed:
            return
        self._closed = True
        self.worker.stop()
        self.root.after_cancel(self._poll_id)
        self.root.destroy()

    # ------------------------------------------------------------------ events
    def poll(self) -> None:
        """Take what the worker reported; table rows are inserted once per tick."""
        if self._closed:
            return
        progress = None
        deadline = time.monotonic() + POLL_BUDGET_S
        try:
            while time.monotonic() < deadline and not self.worker.events.empty():
                event = self.worker.events.get_nowait()
                progress = self.handle(event) or progress
        finally:
            self.batch.flush(progress)
            if not self._closed:
                self._poll_id = self.root.after(POLL_MS, self.poll)

    def handle(self, event: Event) -> tuple[int, int] | None:
        """Apply one worker event; returns batch progress when it carries some."""
        if event.kind == "model":
            self.model_ready = True
            drop = ", or drag photos onto the window" if self.dnd else ""
            self.status(f"Ready. Open a plate photo (Ctrl+O) or a folder (Ctrl+Shift+O){drop}.")
        elif event.kind == "model_error":
            self.status(f"The model could not be loaded: {event.payload}", error=True)
            self.photo.message("The plate-reading model could not be loaded:\n"
                               f"{event.payload}\n\nReinstall Plate Reader, or send this message "
                               "to whoever gave it to you.")
        elif event.job == self.batch_job and event.kind == "batch_done":
            self.status(self.batch.finish(bool(event.payload)))
        elif event.job == self.batch_job:
            self.batch.add(event.path, event.payload[0] if event.kind == "result" else event.payload)
            return event.progress
        elif event.job == self.single_job:
            self._single_event(event)
        return None  # an event for a job since replaced

    def _single_event(self, event: Event) -> None:
        path = Path(event.path)
        if event.kind == "error":
            self.photo.show_error(path, event.payload)
            self.status(event.payload, error=True)
            return
        result, image = event.payload
        self.photo.show(path, result, image, self.toolbar.threshold())
        self._fit_photo()
        took = result.timings_ms.get("total")
        self.status(f"{path.name}: read in {took:.0f} ms." if took else path.name)

    def _fit_photo(self) -> None:
        """Give the photo, its text and crops the height they need; the table (it scrolls)
        gives way, down to its bar and a few rows. A sash the operator lowered stays."""
        self.root.update_idletasks()
        want, room = self.photo.winfo_reqheight(), self.body.winfo_height() - self.px(130)
        if self.body.sashpos(0) < want and room > 0:
            self.body.sashpos(0, min(want, room))

    def show_row(self, file: str) -> None:
        """A table row was chosen: show that photo in full (its result is not recomputed)."""
        self.single_job = self.worker.show(Path(file), self.batch.results.result(file))

    def _on_tk_error(self, exc: type, value: BaseException, tb: Any) -> None:
        log.error("unexpected error in the window", exc_info=(exc, value, tb))
        if hasattr(self, "status_label"):
            self.status(INTERNAL, error=True)
