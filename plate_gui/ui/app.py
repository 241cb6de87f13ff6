"""The main window: open or drop plate photos, see what was read and how sure it is."""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from tkinter import filedialog, messagebox, ttk
from typing import Any

from plate_gui import __version__
from plate_gui.core import IMAGE_SUFFIXES, PlateRecognizer, PlateResult, is_image_path

from .batch import BatchRow, export_rows
from .corrections import CorrectionStore
from .paths import data_dir, setup_logging
from .settings import SettingsStore
from .widgets import OK_COLOR, WARN_COLOR, CorrectionDialog, CropStrip, PlateView, crop_of
from .worker import INTERNAL, Event, Worker

log = logging.getLogger(__name__)
TITLE = "Plate Reader"
REGIONS = ("none", "auto", "hk", "uk", "eu", "us", "br")
POLL_MS = 40


def expand(paths: list[Path]) -> list[Path]:
    """Folders become their image files (sorted); files stay as given."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.is_file() and is_image_path(f))
        else:
            out.append(p)
    return out


class MainWindow:
    """The app's window. ``load`` builds the recognizer (on the worker thread)."""

    def __init__(self, root: tk.Tk, load: Callable[[], Any] | None = None,
                 dnd: bool = False, folder: Path | None = None) -> None:
        self.root = root
        self.folder = Path(folder) if folder else data_dir()
        self.settings_store = SettingsStore(self.folder)
        self.settings = self.settings_store.load()
        self.corrections = CorrectionStore(self.folder / "corrections")
        self.image = None
        self.result: PlateResult | None = None
        self.path: Path | None = None
        self.rows: dict[str, BatchRow] = {}
        self.batch_job = 0
        self.model_ready = False
        root.title(TITLE)
        root.geometry(self.settings.geometry)
        root.minsize(760, 520)
        root.report_callback_exception = self._on_tk_error
        self._styles()
        self._menu()
        self._layout()
        self._keys()
        self._set_icon()
        self.dnd = dnd and self._enable_drop()
        self.status("Loading the model..." + ("" if self.dnd else
                    "  (Drag and drop is not available here: use File > Open.)"))
        self.worker = Worker(load or (lambda: PlateRecognizer()))
        self.worker.region = None if self.region.get() == "none" else self.region.get()
        root.protocol("WM_DELETE_WINDOW", self.close)
        root.after(POLL_MS, self.poll)

    # ------------------------------------------------------------------ layout
    def _styles(self) -> None:
        style = ttk.Style(self.root)
        style.configure("Plate.TLabel", font=("TkFixedFont", 34, "bold"))
        style.configure("Hint.TLabel", foreground="#555555")
        style.configure("Status.TLabel", padding=(8, 3))

    def _menu(self) -> None:
        bar = tk.Menu(self.root)
        f = tk.Menu(bar, tearoff=False)
        f.add_command(label="Open image...", accelerator="Ctrl+O", command=self.open_file)
        f.add_command(label="Open folder...", accelerator="Ctrl+Shift+O", command=self.open_folder)
        f.add_separator()
        f.add_command(label="Export results...", command=self.export_results)
        f.add_command(label="Export corrections...", command=self.export_corrections)
        f.add_separator()
        f.add_command(label="Quit", accelerator="Ctrl+Q", command=self.close)
        e = tk.Menu(bar, tearoff=False)
        e.add_command(label="Copy plate text", accelerator="Ctrl+C", command=self.copy_text)
        h = tk.Menu(bar, tearoff=False)
        h.add_command(label="About Plate Reader", command=self.about)
        bar.add_cascade(label="File", menu=f, underline=0)
        bar.add_cascade(label="Edit", menu=e, underline=0)
        bar.add_cascade(label="Help", menu=h, underline=0)
        self.root.configure(menu=bar)
        self.menus = {"file": f, "edit": e, "help": h}

    def _layout(self) -> None:
        top = ttk.Frame(self.root, padding=(8, 6))
        top.pack(fill="x")
        ttk.Button(top, text="Open image...", command=self.open_file).pack(side="left")
        ttk.Button(top, text="Open folder...", command=self.open_folder).pack(side="left", padx=6)
        ttk.Label(top, text="Flag characters under").pack(side="left", padx=(18, 4))
        self.threshold = tk.DoubleVar(value=round(self.settings.threshold * 100))
        self.scale = ttk.Scale(top, from_=0, to=100, variable=self.threshold, length=160,
                               command=lambda _v: self.set_threshold(self.threshold.get() / 100))
        self.scale.pack(side="left")
        self.threshold_label = ttk.Label(top, width=5)
        self.threshold_label.pack(side="left")
        ttk.Label(top, text="Plate format:").pack(side="left", padx=(18, 4))
        self.region = tk.StringVar(value=self.settings.region)
        box = ttk.Combobox(top, textvariable=self.region, values=REGIONS, width=6, state="readonly")
        box.pack(side="left")
        box.bind("<<ComboboxSelected>>", lambda _e: self.rerun())
        body = ttk.Panedwindow(self.root, orient="vertical")
        body.pack(fill="both", expand=True, padx=8)
        upper = ttk.Frame(body)
        # Packed bottom-up so the photo, not the crops, gives way on a small window.
        self.strip = CropStrip(upper, self.pick)
        self.strip.pack(fill="x", side="bottom", pady=4)
        self.summary = ttk.Label(upper, text="", font=("TkDefaultFont", 11))
        self.summary.pack(fill="x", side="bottom")
        self.text = ttk.Label(upper, text="", style="Plate.TLabel", anchor="w")
        self.text.pack(fill="x", side="bottom", pady=(6, 0))
        self.view = PlateView(upper, height=220)
        self.view.pack(fill="both", expand=True)
        body.add(upper, weight=3)
        body.add(self._batch_panel(body), weight=1)
        self.status_label = ttk.Label(self.root, style="Status.TLabel", anchor="w")
        self.status_label.pack(fill="x", side="bottom")
        self._show_threshold()

    def _batch_panel(self, master: tk.Misc) -> ttk.Frame:
        frame = ttk.Frame(master)
        bar = ttk.Frame(frame)
        bar.pack(fill="x")
        self.progress = ttk.Progressbar(bar, length=240, mode="determinate")
        self.progress.pack(side="left", pady=4)
        self.progress_label = ttk.Label(bar, text="")
        self.progress_label.pack(side="left", padx=6)
        self.cancel_button = ttk.Button(bar, text="Cancel", command=self.cancel, state="disabled")
        self.cancel_button.pack(side="left")
        ttk.Button(bar, text="Export results...", command=self.export_results).pack(side="right")
        cols = ("file", "text", "lowest", "status")
        self.table = ttk.Treeview(frame, columns=cols, show="headings", height=6)
        for col, title, width in zip(cols, ("File", "Plate", "Lowest confidence", "Status"),
                                     (320, 140, 130, 260)):
            self.table.heading(col, text=title)
            self.table.column(col, width=width, anchor="w")
        self.table.pack(fill="both", expand=True)
        self.table.bind("<<TreeviewSelect>>", lambda _e: self.show_row())
        return frame

    def _keys(self) -> None:
        r = self.root
        r.bind_all("<Control-o>", lambda _e: self.open_file())
        r.bind_all("<Control-O>", lambda _e: self.open_folder())
        r.bind_all("<Control-Shift-o>", lambda _e: self.open_folder())
        r.bind_all("<Control-c>", lambda _e: self.copy_text())
        r.bind_all("<Control-q>", lambda _e: self.close())

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

    # ----------------------------------------------------------------- actions
    def status(self, text: str, error: bool = False) -> None:
        self.status_label.configure(text=text, foreground=WARN_COLOR if error else "")

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
        first = paths[0] if paths[0].is_dir() else paths[0].parent
        self.settings = self.settings_store.update(last_folder=str(first))
        files = expand(paths)
        if len(paths) == 1 and not paths[0].is_dir():
            self.path = paths[0]
            self.status(f"Reading {paths[0].name}...")
            self.worker.submit(files)
            return
        if not files:
            self.status("No images found there (PNG, JPEG, BMP, TIFF, WebP).", error=True)
            return
        self.table.delete(*self.table.get_children())
        self.rows.clear()
        self.progress.configure(maximum=len(files), value=0)
        self.progress_label.configure(text=f"0 / {len(files)}")
        self.cancel_button.configure(state="normal")
        self.batch_job = self.worker.submit(files, batch=True)
        self.status(f"Reading {len(files)} images...")

    def cancel(self) -> None:
        self.worker.cancel()
        self.status("Cancelling...")

    def rerun(self) -> None:
        self.worker.region = None if self.region.get() == "none" else self.region.get()
        self.settings = self.settings_store.update(region=self.region.get())
        if self.path:
            self.worker.submit([self.path])

    def set_threshold(self, value: float) -> None:
        """Re-mark failures against ``value`` without running the model again."""
        value = round(min(1.0, max(0.0, value)), 2)
        self.threshold.set(value * 100)
        self._show_threshold()
        if self.result is not None:
            self.result = self.result.with_threshold(value)
            self.show_result()

    def _show_threshold(self) -> None:
        self.threshold_label.configure(text=f"{self.threshold.get():.0f}%")

    def copy_text(self) -> None:
        if self.result is not None and self.result.text:
            self.root.clipboard_clear()
            self.root.clipboard_append(self.result.text)
            self.status(f"Copied {self.result.text}")

    def pick(self, index: int) -> None:
        if self.result is None or self.image is None:
            return
        c = self.result.chars[index]
        CorrectionDialog(self.root, index, c, lambda ch: self.correct(index, ch))

    def correct(self, index: int, char: str) -> None:
        """Apply the operator's character and save the crop for training."""
        c = self.result.chars[index]
        try:
            saved = self.corrections.save(crop_of(self.image, c), char,
                                          source=self.path.name if self.path else "")
        except (OSError, ValueError) as exc:
            self.status(f"Could not save the correction: {exc}", error=True)
            return
        fixed = replace(c, char=char, confidence=1.0, failed=False)
        chars = list(self.result.chars)
        chars[index] = fixed
        self.result = replace(self.result, chars=tuple(chars))
        self.show_result()
        self.status(f"Corrected character {index + 1} to '{char}' (saved as {saved.name})")

    def export_results(self) -> None:
        if not self.rows:
            self.status("No batch results to export yet: open a folder first.", error=True)
            return
        name = filedialog.asksaveasfilename(
            parent=self.root, title="Export results", defaultextension=".csv",
            initialdir=self.settings.last_folder,
            filetypes=[("CSV", "*.csv"), ("JSON", "*.json")])
        if name:
            self.write_results(Path(name))

    def write_results(self, path: Path) -> None:
        try:
            export_rows(list(self.rows.values()), path)
            self.status(f"Exported {len(self.rows)} results to {path}")
        except OSError as exc:
            self.status(f"Could not export: {exc}", error=True)

    def export_corrections(self) -> None:
        name = filedialog.asksaveasfilename(
            parent=self.root, title="Export corrections", defaultextension=".zip",
            initialfile="plate-corrections.zip", filetypes=[("Zip archive", "*.zip")])
        if name:
            try:
                out = self.corrections.export(Path(name))
                self.status(f"Exported {len(self.corrections.rows())} corrections to {out}")
            except (OSError, ValueError) as exc:
                self.status(f"Could not export corrections: {exc}", error=True)

    def about(self) -> None:
        messagebox.showinfo("About Plate Reader", self.about_text(), parent=self.root)

    def about_text(self) -> str:
        lines = [f"Plate Reader {__version__}", "Reads car license plates from photos."]
        rec = self.worker.recognizer
        if rec is not None:
            meta = rec.meta
            lines.append(f"Model: {meta.arch}, {meta.input_size}x{meta.input_size} gray, "
                         f"{len(meta.charset)} classes")
            for key, value in sorted(meta.metrics.items()):
                lines.append(f"  {key}: {value}")
        return "\n".join(lines)

    def close(self) -> None:
        self.settings_store.update(geometry=self.root.winfo_geometry(),
                                   threshold=round(self.threshold.get() / 100, 2),
                                   region=self.region.get())
        self.worker.stop()
        self.root.destroy()

    # ------------------------------------------------------------------ events
    def poll(self) -> None:
        """Take what the worker reported (a bounded number per tick: the window stays live)."""
        try:
            for _ in range(200):
                try:
                    event = self.worker.events.get_nowait()
                except Exception:
                    break
                self.handle(event)
        finally:
            if self.root.winfo_exists():
                self.root.after(POLL_MS, self.poll)

    def handle(self, event: Event) -> None:
        kind = event.kind
        if kind == "model":
            self.model_ready = True
            self.status("Ready. Open a plate photo (Ctrl+O), a folder (Ctrl+Shift+O), "
                        "or drag them onto the window.")
        elif kind == "model_error":
            self.status(f"The model could not be loaded: {event.payload}", error=True)
            self.view.show(None, None, f"The model could not be loaded.\n{event.payload}")
        elif kind == "progress":
            done, total = event.payload
            self.progress.configure(value=done)
            self.progress_label.configure(text=f"{done} / {total}")
        elif kind == "batch_done":
            self.cancel_button.configure(state="disabled")
            checks = sum(r.status != "ok" for r in self.rows.values())
            word = "Cancelled" if event.payload else "Done"
            self.status(f"{word}: {len(self.rows)} images read, {checks} to check.")
        elif event.job == self.batch_job and self.batch_job:
            self._batch_event(event)
        else:
            self._single_event(event)

    def _batch_event(self, event: Event) -> None:
        name = event.path
        if event.kind == "result":
            result = event.payload[0].with_threshold(self.threshold.get() / 100)
            row = BatchRow.from_result(name, result)
        else:
            row = BatchRow.from_error(name, event.payload)
        self.rows[name] = row
        lowest = "" if row.min_confidence is None else f"{row.min_confidence:.0%}"
        self.table.insert("", "end", iid=name, values=(Path(name).name, row.text or "-",
                                                       lowest, row.status))

    def _single_event(self, event: Event) -> None:
        self.path = Path(event.path)
        if event.kind == "error":
            self.image, self.result = None, None
            self.text.configure(text="")
            self.summary.configure(text=event.payload, foreground=WARN_COLOR)
            self.view.show(None, None, event.payload)
            self.strip.show(None, None)
            self.status(event.payload, error=True)
            return
        result, image = event.payload
        self.image = image
        self.result = result.with_threshold(self.threshold.get() / 100)
        self.show_result()
        self.status(f"{self.path.name}: read in {result.timings_ms.get('total', 0):.0f} ms")

    def show_row(self) -> None:
        sel = self.table.selection()
        if sel:
            self.path = Path(sel[0])
            self.worker.submit([self.path])

    def show_result(self) -> None:
        r = self.result
        self.view.show(self.image, r)
        self.strip.show(self.image, r)
        if not r.chars:
            self.text.configure(text="", foreground="")
            self.summary.configure(text="No characters found in this image.",
                                   foreground=WARN_COLOR)
            return
        self.text.configure(text=r.text, foreground=WARN_COLOR if r.failed else OK_COLOR)
        n = sum(c.failed for c in r.chars)
        if n:
            self.summary.configure(
                text=f"{n} character{'s' if n > 1 else ''} could not be read with confidence "
                     "(shown as ?): check the plate.", foreground=WARN_COLOR)
        else:
            self.summary.configure(text=f"All {len(r.chars)} characters read "
                                        f"(lowest confidence {r.min_confidence:.0%}).",
                                   foreground=OK_COLOR)

    def _on_tk_error(self, exc: type, value: BaseException, tb: Any) -> None:
        log.error("unexpected error in the window", exc_info=(exc, value, tb))
        self.status(INTERNAL, error=True)


def make_root() -> tuple[tk.Tk, bool]:
    """A Tk root with tkdnd loaded when possible (drag and drop), else a plain one."""
    try:
        from tkinterdnd2 import TkinterDnD

        return TkinterDnD.Tk(), True
    except Exception as exc:  # no tkdnd binary for this platform
        log.warning("tkdnd unavailable: %s", exc)
        return tk.Tk(), False


def launch(argv: list[str] | None = None) -> int:
    """Open the window (optionally with images or folders) and run until it closes."""
    log_path = setup_logging()
    log.info("Plate Reader %s starting; log at %s", __version__, log_path)
    try:
        root, dnd = make_root()
    except tk.TclError as exc:
        print(f"Plate Reader needs a display to open its window: {exc}")
        return 2
    window = MainWindow(root, dnd=dnd)
    paths = [Path(a) for a in (argv or []) if not a.startswith("-")]
    if paths:
        root.after(100, lambda: window.open_paths(paths))
    root.mainloop()
    return 0
