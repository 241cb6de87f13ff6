#!/usr/bin/env bash
# Rebuild the bundled weights (assets/plate_resnet50.onnx) from nothing: their exact recipe.
#
#   tools/rebuild_weights.sh [RUNS] [OUT]    (default: runs/ and runs/export/plate_resnet50.onnx)
#
# The stages of `python -m trainer all` with one difference: the stage-2 plate set is cut
# by the core of commit 8f1dc27, which made the bundled weights (today's core cuts the
# same rendered plates into other crops; see README). Training is deterministic on one
# machine, so there the exported ONNX file has the bundled one's sha256; another CPU's
# kernels or other library versions round differently and make another model (README,
# "Bit for bit only on a machine like that one"). The script says which it made.
# A step whose output is there is skipped, so a killed run picks up where it was (stage 1
# and 2 also resume from their last epoch). Needs the git history and the plate fonts.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$(realpath -s "${PY:-$ROOT/.venv/bin/python}")"
RUNS="$(realpath -m "${1:-$ROOT/runs}")"
OUT="$(realpath -m "${2:-$RUNS/export/plate_resnet50.onnx}")"
PLATES_COMMIT=8f1dc27085974668091db5fb705d6d6c1d76f386
cd "$ROOT"
mkdir -p "$RUNS"
start=$SECONDS

if [ ! -f "$RUNS/stage1/done" ]; then
  "$PY" -m trainer stage1 --runs "$RUNS" --epochs 2
  touch "$RUNS/stage1/done"
fi
if [ ! -f "$RUNS/plates/done" ]; then
  tmp="$(mktemp -d)"
  wt="$tmp/plate-reader-8f1dc27"
  trap 'git worktree remove --force "$wt" 2>/dev/null || true; rm -rf "$tmp"' EXIT
  git worktree add --detach "$wt" "$PLATES_COMMIT" >/dev/null
  (cd "$wt" && "$PY" -m trainer make-plates --out "$RUNS/plates" --plates 4000)
  touch "$RUNS/plates/done"
fi
if [ ! -f "$RUNS/stage2/done" ]; then
  "$PY" -m trainer stage2 --runs "$RUNS" --init "$RUNS/stage1/best.pt"
  touch "$RUNS/stage2/done"
fi
"$PY" -m trainer export --checkpoint "$RUNS/stage2/best.pt" --out "$OUT"
echo "done in $(( (SECONDS - start) / 60 )) min: $OUT"
want="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["sha256"])' \
  "$ROOT/assets/plate_resnet50.json")"
got="$(sha256sum "$OUT" | cut -d' ' -f1)"
if [ "$got" = "$want" ]; then
  echo "sha256 $got: identical to the bundled weights"
else
  echo "sha256 $got differs from the bundled weights' $want: another CPU or other" \
    "library versions than the bundled weights' round differently (see README and the" \
    "environment recorded in $RUNS/stage1/config.json); bench it before using it" >&2
  exit 1
fi
