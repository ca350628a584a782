#!/usr/bin/env bash
# The main job: sets up .venv (scripts/setup.sh), then executes the notebook
# sequence headless on the embedded sample data (smoke profile unless
# KCOLOR_PROFILE says otherwise) and writes executed copies, with all their
# figures and tables, to build/notebooks/. Also runs the quick demo, which
# trains and evaluates a tiny colorizer and saves build/demo/comparison.png.
# Last, build/index.html: every notebook's claim, results tables and figures on
# one page, with links to the executed copies.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# No MPLBACKEND here: the notebooks' kernels must keep Jupyter's inline backend,
# or their figures are never drawn into the executed copies.
export TF_CPP_MIN_LOG_LEVEL=2 KCOLOR_PROFILE=${KCOLOR_PROFILE:-smoke}
status=0
MPLBACKEND=Agg .venv/bin/python -m kcolor.demo --out build/demo
.venv/bin/python scripts/run_notebooks.py --out build/notebooks "$@" || status=$?
.venv/bin/python scripts/build_index.py --notebooks build/notebooks --out build/index.html
echo "open build/index.html for the course's results"
exit $status
