#!/usr/bin/env bash
# Runs the course as a student would, and publishes what it produced:
# every notebook in the quick profile, one at a time, each in its own kernel,
# from an empty models folder (so 02 and 08 find only what 01 and 03 saved in
# this run), then docs/quick/: one HTML page with every notebook's claim,
# tables, figures (PNG files beside it) and wall time, without the executed
# notebooks. Hours on a 2-core CPU; do not run it inside CI.
#
#   bash scripts/run_quick.sh [NOTEBOOKS...]        # default: every notebook
#   KCOLOR_DEV_NPZ=../shared/data/cifar10_dev.npz bash scripts/run_quick.sh
#   QUICK_RERUN=1 bash scripts/run_quick.sh notebooks/03_unet_vs_cgan.ipynb notebooks/08_*.ipynb
#
# QUICK_RERUN=1 runs only the notebooks named again, after a change to them:
# the other notebooks' executed copies and the models folder stay, so 02 and
# 08 still find 01's and 03's models, and each named notebook's own models and
# checkpoints (the experiments named after its number, e.g. 03_*) are deleted
# first, so it trains afresh with the current settings. The page is rebuilt
# from all the executed copies. Keep the data (KCOLOR_DEV_NPZ) and label the
# same as the full run's.
#
# QUICK_PROSE=1 runs nothing: after an edit to the prose alone, it copies the
# named notebooks' markdown cells into their executed copies (refusing any
# whose code changed since its run) and rebuilds the page.
#
# KCOLOR_DEV_NPZ (optional): a CIFAR-10 .npz (uint8 x_train / x_test) used
# instead of tensorflow-datasets, offline. Notebook 06 then trains on the
# offline font digits (KCOLOR_06_DATASET=digits), since MNIST has no offline
# copy. QUICK_LABEL overrides the page's label; QUICK_OUT (default
# build/quick) holds the executed notebooks and the models. docs/quick/ is
# written afresh. QUICK_CELL_TIMEOUT (default 3600 s): the longest one cell may
# run; a quick training cell takes about ten minutes on a free 2-core CPU and
# much longer on a busy or slower one.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=2 KCOLOR_PROFILE=quick
export KCOLOR_RUN_COMMAND="bash scripts/run_quick.sh${*:+ $*}"
out=${QUICK_OUT:-build/quick}
if [ "${QUICK_RERUN:-0}" = 1 ] || [ "${QUICK_PROSE:-0}" = 1 ]; then
  if [ $# = 0 ]; then
    echo "QUICK_RERUN=1 and QUICK_PROSE=1: name the notebooks to run again or refresh" >&2
    exit 2
  fi
  # A rerun trains the named notebooks afresh; a prose refresh keeps every model.
  if [ "${QUICK_PROSE:-0}" != 1 ]; then
    for nb in "$@"; do
      number=$(basename "$nb" | cut -c1-2)
      case "$number" in
        [0-9][0-9]) rm -rf "$out/models/${number}_"* "$out/models/checkpoints/${number}_"* ;;
        *) echo "QUICK_RERUN=1: $nb is not a numbered notebook" >&2; exit 2 ;;
      esac
    done
  fi
  rm -rf docs/quick
else
  rm -rf "$out" docs/quick
fi
mkdir -p "$out/models"
export KCOLOR_MODELS=$PWD/$out/models
cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo "?")
if [ -n "${KCOLOR_DEV_NPZ:-}" ]; then
  export KCOLOR_DEV_NPZ=$(cd "$(dirname "$KCOLOR_DEV_NPZ")" && pwd)/$(basename "$KCOLOR_DEV_NPZ")
  export KCOLOR_06_DATASET=${KCOLOR_06_DATASET:-digits}
  data="CIFAR-10 development subset ($(.venv/bin/python -c "
import numpy as np, sys
with np.load(sys.argv[1]) as a:
    print(f'{len(a[\"x_train\"]):,} train / {len(a[\"x_test\"]):,} test')" "$KCOLOR_DEV_NPZ"))"
else
  data="CIFAR-10 through tensorflow-datasets"
fi
label="quick profile, $data, ${cores}-core CPU"
if [ -n "${KCOLOR_06_DATASET:-}" ]; then
  label="$label; notebook 06 on the offline font digits in the quick configuration (MNIST has no offline copy)"
fi
label=${QUICK_LABEL:-$label}
status=0
# One run_notebooks.py call per notebook: a fresh kernel and process each, as
# Colab gives each notebook its own runtime.
notebooks=("$@")
if [ ${#notebooks[@]} = 0 ]; then
  notebooks=(notebooks/[0-9][0-9]_*.ipynb)
fi
if [ "${QUICK_PROSE:-0}" = 1 ]; then
  .venv/bin/python scripts/run_notebooks.py --prose-only --out "$out/notebooks" \
    "${notebooks[@]}" || status=1
else
  for nb in "${notebooks[@]}"; do
    .venv/bin/python scripts/run_notebooks.py --out "$out/notebooks" \
      --timeout "${QUICK_CELL_TIMEOUT:-3600}" "$nb" || status=1
  done
fi
.venv/bin/python scripts/build_index.py --notebooks "$out/notebooks" --out docs/quick/index.html \
  --figures docs/quick/figures --label "$label" --no-notebook-links
# Each notebook's time, for the Colab message of a runtime without a GPU (kcolor.published).
.venv/bin/python -m kcolor.published docs/quick/results.json
[ -d docs/quick ] && du -sh docs/quick
exit $status
