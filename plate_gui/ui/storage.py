"""Atomic file writes for the app's settings, corrections and exports (from the core)."""

from plate_gui.core import atomic_write_bytes, atomic_write_text

__all__ = ["atomic_write_bytes", "atomic_write_text"]
