#!/usr/bin/env bash
# Sets up .venv (scripts/setup.sh) and runs the tests under pytest, in the
# smoke profile, offline.
#
#   bash scripts/test.sh                                  # everything: tests/ and every notebook
#   bash scripts/test.sh -m "not slow"                    # everything, options passed to pytest
#   bash scripts/test.sh tests/test_color.py              # one test file (or file::test)
#   bash scripts/test.sh notebooks/03_unet_vs_cgan.ipynb  # one notebook, under nbval
#
# A positional argument that names an existing file or folder narrows the run
# to the paths given; options (and their values) alone (CI passes -p no:cacheprovider) run everything:
# the unit tests in tests/ and the notebooks in notebooks/ under nbval.
# Every run trains in a fresh, empty models folder (KCOLOR_MODELS, removed
# afterwards), so no notebook reuses an earlier run's models or checkpoints.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# No MPLBACKEND: the notebooks' kernels keep Jupyter's inline backend (the unit
# tests draw with Matplotlib's default, Agg, on a machine without a display).
# The smoke profile, always: it never touches the network. The notebooks'
# other environment knobs are cleared so they run as committed.
export TF_CPP_MIN_LOG_LEVEL=2 KCOLOR_PROFILE=smoke
unset KCOLOR_DEV_NPZ KCOLOR_MODEL KCOLOR_SEED
KCOLOR_MODELS=$(mktemp -d "${TMPDIR:-/tmp}/kcolor-test-models.XXXXXX")
export KCOLOR_MODELS
trap 'rm -rf "$KCOLOR_MODELS"' EXIT

# Only a positional argument narrows the run: the value of an option that
# takes one (-k data, -m "not slow", -p no:cacheprovider) is no path, even
# where a file or folder of that name exists (the repository has data/).
paths=0
nbval=0
value=0
for arg in "$@"; do
  if [ "$value" = 1 ]; then value=0; continue; fi
  case "$arg" in
    --nbval*) nbval=1 ;;
    -k|-m|-p|-o|-c|-n|-W|-r|--deselect|--ignore|--ignore-glob|--rootdir|--basetemp|\
    --maxfail|--durations|--tb|--junitxml|--junit-xml|--confcutdir|--override-ini|\
    --log-level|--dist|--numprocesses|--maxprocesses|--import-mode|--cov|--cov-report) value=1 ;;
    -*) ;;
    *) if [ -e "${arg%%::*}" ]; then paths=1; fi ;;
  esac
done
# The whole run goes to two workers (pytest-xdist; KCOLOR_TEST_WORKERS sets how
# many, 0 for none): CI has two cores, and much of a test's time is one core's
# work (tracing, a kernel starting, plotting). conftest.py at the root says how
# they share it: a test file or a notebook is one unit, longest first. A
# narrowed run stays in this process.
if [ "$paths" = 0 ]; then
  set -- tests/ --nbval notebooks/ "$@"
  if [ "${KCOLOR_TEST_WORKERS:-2}" != 0 ]; then
    set -- -n "${KCOLOR_TEST_WORKERS:-2}" "$@"
  fi
elif [ "$nbval" = 0 ]; then
  set -- --nbval "$@"  # collects the .ipynb paths among them; .py tests run as usual
fi
status=0
.venv/bin/python -m pytest "$@" || status=$?
exit $status
