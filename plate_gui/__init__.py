"""Plate Reader: reads car license plates from photos.

Importing this package pulls in neither tkinter nor torch.
"""

__version__ = "0.1.0"
