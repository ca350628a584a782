#!/usr/bin/env bash
# Sets up .venv (scripts/setup.sh) and runs every test: the unit tests in
# tests/ and the notebooks in notebooks/ (executed by nbval, smoke profile).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=2 KCOLOR_PROFILE=${KCOLOR_PROFILE:-smoke} MPLBACKEND=Agg
exec .venv/bin/python -m pytest tests/ --nbval-lax notebooks/ "$@"
