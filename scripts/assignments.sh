#!/usr/bin/env bash
# Builds the graded assignments (assignments/<name>/<name>.ipynb, otter-grader
# master notebooks) and checks that they grade as they must.
#
#   bash scripts/assignments.sh build [OUT]   # otter assign: OUT/<name>/student and /autograder
#   bash scripts/assignments.sh check [OUT]   # build, then grade with otter run:
#                                             #   the solution (full marks), the blank student
#                                             #   notebook (zero) and the seeded wrong answer
#                                             #   assignments/<name>/wrong.py (partial, named)
#
# OUT defaults to build/assignments (never the source tree). Offline, no
# Docker: otter run grades each notebook in a local Jupyter kernel, two at a
# time (ASSIGNMENT_WORKERS). Exits non-zero when any assignment grades otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=2 KCOLOR_PROFILE=smoke
unset KCOLOR_DEV_NPZ KCOLOR_MODEL KCOLOR_SEED
exec .venv/bin/python assignments/otter_check.py "${1:-check}" "${@:2}"
