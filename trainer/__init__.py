"""Trains the bundled ResNet50. Imports the model, charset, preprocessing and
weights format from ``plate_gui.core``; it never copies them."""
