#!/usr/bin/env bash
# Sets up .venv (scripts/setup.sh) and runs every test: the unit tests in
# tests/ and the notebooks in notebooks/ (executed by nbval, smoke profile).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# No MPLBACKEND: the notebooks' kernels keep Jupyter's inline backend (the unit
# tests draw with Matplotlib's default, Agg, on a machine without a display).
export TF_CPP_MIN_LOG_LEVEL=2 KCOLOR_PROFILE=${KCOLOR_PROFILE:-smoke}
exec .venv/bin/python -m pytest tests/ --nbval notebooks/ "$@"
