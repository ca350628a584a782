#!/usr/bin/env bash
# The course material's checks, which CI runs after the tests:
#
#  1. every worked solution in solutions/ (solutions/NN_*.ipynb), executed in
#     the smoke profile under nbval-lax: a solution's asserts fail the run
#     when it no longer does what its exercise says; no solution notebook yet
#     is not an error;
#  2. the graded assignments: bash scripts/assignments.sh check (each one
#     built with otter assign and graded with otter run: the solution gets
#     full marks, the blank student notebook zero, the seeded wrong answer a
#     partial score with its mistake named).
#
#   bash scripts/course_check.sh                     # both
#   bash scripts/course_check.sh -k "not Cell 12"    # options are passed to pytest
#
# Offline; solutions train in a fresh, empty models folder (KCOLOR_MODELS,
# removed afterwards), two notebooks at a time (KCOLOR_TEST_WORKERS, 0 for
# one process). Exits non-zero when either part fails; both always run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=2 KCOLOR_PROFILE=smoke
unset KCOLOR_DEV_NPZ KCOLOR_MODEL KCOLOR_SEED

status=0
shopt -s nullglob
solutions=(solutions/*.ipynb)
if [ "${#solutions[@]}" = 0 ]; then
  echo "course check: no solution notebook in solutions/ yet; skipped"
else
  KCOLOR_MODELS=$(mktemp -d "${TMPDIR:-/tmp}/kcolor-solutions-models.XXXXXX")
  export KCOLOR_MODELS
  trap 'rm -rf "$KCOLOR_MODELS"' EXIT
  workers=()
  if [ "${KCOLOR_TEST_WORKERS:-2}" != 0 ]; then
    workers=(-n "${KCOLOR_TEST_WORKERS:-2}")
  fi
  start=$SECONDS
  .venv/bin/python -m pytest "${workers[@]}" --nbval-lax -p no:cacheprovider "$@" solutions/ \
    || status=$?
  echo "course check: solutions took $((SECONDS - start)) s (exit status $status)"
fi

start=$SECONDS
bash scripts/assignments.sh check || status=$?
echo "course check: assignments took $((SECONDS - start)) s"
exit $status
