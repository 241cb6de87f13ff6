#!/usr/bin/env python3
"""Plate Reader command line: ``python3 main.py [IMAGE|FOLDER ...]``."""

from plate_gui.cli import main

if __name__ == "__main__":
    main()
