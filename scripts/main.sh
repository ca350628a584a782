#!/usr/bin/env bash
# The main job: sets up .venv (scripts/setup.sh), then executes the notebook
# sequence headless on the embedded sample data (smoke profile unless
# KCOLOR_PROFILE says otherwise) and writes executed copies, with all their
# figures and tables, to build/notebooks/. Also runs the quick demo, which
# trains and evaluates a tiny colorizer and saves build/demo/comparison.png.
# Last, build/index.html: every notebook's claim, results tables and figures on
# one page, with links to the executed copies.
#
#   bash scripts/main.sh [NOTEBOOKS...]    # default: every notebook, in order
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# No MPLBACKEND here: the notebooks' kernels must keep Jupyter's inline backend,
# or their figures are never drawn into the executed copies.
export TF_CPP_MIN_LOG_LEVEL=2 KCOLOR_PROFILE=${KCOLOR_PROFILE:-smoke}
export KCOLOR_RUN_COMMAND="KCOLOR_PROFILE=$KCOLOR_PROFILE bash scripts/main.sh${*:+ $*}"
# Trained models and checkpoints: KCOLOR_MODELS when you set it (a run there
# reuses and resumes what it finds), else build/models, emptied first so that
# every notebook trains afresh.
if [ -z "${KCOLOR_MODELS:-}" ]; then
  rm -rf build/models
  export KCOLOR_MODELS=$PWD/build/models
fi
status=0
MPLBACKEND=Agg .venv/bin/python -m kcolor.demo --out build/demo
.venv/bin/python scripts/run_notebooks.py --out build/notebooks "$@" || status=$?
.venv/bin/python scripts/build_index.py --notebooks build/notebooks --out build/index.html
echo "open build/index.html for the course's results"
exit $status
