"""``python -m plate_gui [IMAGE|FOLDER ...]`` opens the app (the build.spec entry).

``python -m plate_gui --recognize IMAGE...`` runs the command line instead, with no
display needed, so the packaged executable can be scripted and smoke-tested.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--recognize"]:
        from .cli import run

        return run(argv[1:], prog="PlateReader --recognize")
    from .ui.start import launch

    return launch(argv)


if __name__ == "__main__":
    sys.exit(main())
