#!/usr/bin/env bash
# The main job: sets up .venv (scripts/setup.sh), then executes the notebook
# sequence headless on the embedded sample data (smoke profile unless
# KCOLOR_PROFILE says otherwise) and writes executed copies, with all their
# figures and tables, to build/notebooks/. Also runs the quick demo, which
# trains and evaluates a tiny colorizer and saves build/demo/comparison.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=2 KCOLOR_PROFILE=${KCOLOR_PROFILE:-smoke} MPLBACKEND=Agg
.venv/bin/python -m kcolor.demo --out build/demo
.venv/bin/python scripts/run_notebooks.py --out build/notebooks "$@"
