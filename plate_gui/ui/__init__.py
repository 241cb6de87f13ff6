"""The Tkinter app. Uses only what ``plate_gui.core`` exports."""
