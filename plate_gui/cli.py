"""Command line: ``python3 main.py [IMAGE|FOLDER ...]`` (also ``PlateReader --recognize``).

Prints, per image, the seed project's two lines::

    Recognized license plate: GV5679
    Confidence levels: [0.94, 0.97, ...]

or with ``--json`` one JSON object a line. A bad file is reported and the run
goes on; the exit code is 1 if any image could not be read, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

from .core import (
    DEFAULT_THRESHOLD,
    REGION_NAMES,
    PlateError,
    PlateRecognizer,
    is_image_path,
    samples_dir,
)

log = logging.getLogger(__name__)


def build_parser(prog: str = "main.py") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Read car license plates from images.")
    p.add_argument("paths", nargs="*", metavar="IMAGE|FOLDER",
                   help="images or folders of images (default: the sample plates)")
    p.add_argument("--json", action="store_true", help="print one JSON object per image")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                   help="confidence under which a character is a failure (default 0.5)")
    p.add_argument("--region", choices=REGION_NAMES + ("none",), default="auto",
                   help="plate formats that settle look-alike characters (default: auto)")
    p.add_argument("--weights", type=Path, default=None, help="another ONNX model file")
    return p


def iter_images(paths: list[Path]) -> Iterator[Path]:
    """Expand folders (sorted, non-recursive) into their image files; keep files as given."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.is_file() and is_image_path(p))
        else:
            yield path


def run(argv: list[str] | None = None, prog: str = "main.py") -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if not 0.0 <= args.threshold <= 1.0:
        parser.error("--threshold must be within 0..1")
    try:
        region = None if args.region == "none" else args.region
        recognizer = PlateRecognizer(args.weights, threshold=args.threshold, region=region)
    except PlateError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    paths = [Path(p) for p in args.paths] or [samples_dir()]
    failures = 0
    for image in iter_images(paths):
        failures += not _one(recognizer, image, args.json)
    return 1 if failures else 0


def _one(recognizer: PlateRecognizer, image: Path, as_json: bool) -> bool:
    try:
        result = recognizer.recognize(image)
    except PlateError as exc:
        _print_error(image, str(exc), as_json)
        return False
    except Exception as exc:  # a batch never dies on one file
        log.exception("unexpected error on %s", image)
        _print_error(image, f"Internal error on '{image.name}': {exc}", as_json)
        return False
    if as_json:
        print(json.dumps({"file": str(image), **result.to_dict(), "error": None}), flush=True)
    else:
        print(f"{image}:")
        print(f"Recognized license plate: {result.text or '(no characters found)'}")
        print(f"Confidence levels: {result.confidences}", flush=True)
    return True


def _print_error(image: Path, message: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"file": str(image), "text": None, "confidences": [], "boxes": [],
                          "alternatives": [], "failed": [], "error": message}), flush=True)
    else:
        print(f"{image}:")
        print(f"Error: {message}", flush=True)


def main() -> None:
    try:
        code = run()
    except BrokenPipeError:  # output piped into `head` and the like
        code = 0
        sys.stderr.close()
    sys.exit(code)
