#!/usr/bin/env bash
# Creates .venv (if needed) and installs kcolor with everything the notebooks
# and tests need, from this repository's own files.
#
# TensorFlow flavour: KCOLOR_TF=cuda installs tensorflow[and-cuda] exactly as
# requirements.txt says (what a GPU box wants); KCOLOR_TF=cpu installs the
# much smaller tensorflow-cpu wheel with every other pin unchanged (what CI
# and laptops want). The default is cuda when nvidia-smi finds a GPU, else cpu.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
flavour=${KCOLOR_TF:-}
if [ -z "$flavour" ]; then
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
    flavour=cuda
  else
    flavour=cpu
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi

stamp=.venv/.kcolor-installed
want="$flavour $(cat requirements.txt pyproject.toml | sha256sum | cut -c1-16)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

echo "kcolor setup: installing dependencies into .venv (TensorFlow: $flavour)"
.venv/bin/python -m pip install -q --upgrade pip
if [ "$flavour" = cuda ]; then
  .venv/bin/python -m pip install -q -r requirements.txt
else
  tf_pin=$(sed -n 's/^tensorflow\[and-cuda\]\(~=[0-9.]*\).*/\1/p' requirements.txt)
  grep -Ev '^tensorflow(\[|~=)' requirements.txt > .venv/requirements-cpu.txt
  .venv/bin/python -m pip install -q "tensorflow-cpu${tf_pin}" -r .venv/requirements-cpu.txt
fi
.venv/bin/python -m pip install -q --no-deps -e .
echo "$want" > "$stamp"
