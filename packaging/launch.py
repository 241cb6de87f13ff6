"""PyInstaller entry: the package's ``__main__`` uses relative imports, so the
frozen app starts from this absolute-import shim."""

import sys

from plate_gui.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
