#!/usr/bin/env bash
# A Colab-like check of the notebooks' install cell, run on this machine.
#
#   bash scripts/colab_check.sh [NOTEBOOKS...]   # default: notebooks 00 and 03
#
# 1. Makes a fresh virtual environment holding only what a Colab runtime
#    preinstalls that matters here (scripts/colab_versions.txt: TensorFlow,
#    Keras, tensorflow-datasets, matplotlib and numpy at Colab's versions)
#    and the Jupyter kernel that runs a notebook.
# 2. Stubs google.colab: a fake package, imported at start-up as in Colab's
#    kernel, whose drive.mount(path) links `path` (/content/drive) to a
#    temporary folder holding MyDrive.
# 3. Clones this repository (its committed HEAD: what a student would get)
#    and rewrites each notebook's install line to install that clone through
#    git+file://CLONE@SHA instead of git+https://github.com/OWNER/NAME@REF.
# 4. Runs each notebook in the smoke profile from a folder standing in for
#    Colab's /content, outside the repository, with every cell as committed:
#    the install cell really installs kcolor and mounts the fake Drive.
# 5. Fails when the install changed a preinstalled package's version (an
#    upgrade or downgrade of TensorFlow or Keras), when a cell fails (a missing
#    dependency, a path Colab lacks), or when the models did not reach Drive.
#
# Several minutes: installing TensorFlow alone takes a few (pip's cache helps
# the second time). Not part of CI (see docs/DEVELOPING.md). Creates
# /content/drive (a link) when /content/drive does not exist, and removes it.
# COLAB_CHECK_DIR keeps the work folder (default: a new temporary folder,
# removed at the end); COLAB_PYTHON picks the interpreter (default python3.12,
# on PATH or under pyenv, as Colab runs 3.12; else python3).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start=$(date +%s)
notebooks=("$@")
if [ ${#notebooks[@]} = 0 ]; then
  notebooks=(notebooks/00_colour_data_metrics.ipynb notebooks/03_unet_vs_cgan.ipynb)
fi
if [ -n "${COLAB_CHECK_DIR:-}" ]; then
  work=$COLAB_CHECK_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/kcolor-colab-check.XXXXXX")
fi
made_link=0
cleanup() {
  if [ "$made_link" = 1 ]; then rm -f /content/drive; rmdir /content 2>/dev/null || true; fi
  if [ -z "${COLAB_CHECK_DIR:-}" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
step() { echo "[colab_check $(( $(date +%s) - start )) s] $*"; }

# Colab runs Python 3.12: the first of COLAB_PYTHON, python3.12 (on PATH or
# under pyenv) and python3 that runs.
python=
for candidate in "${COLAB_PYTHON:-}" python3.12 \
    $(ls -d "$(pyenv root 2>/dev/null || echo /nonexistent)"/versions/3.12*/bin/python3.12 \
      2>/dev/null) python3; do
  if [ -n "$candidate" ] && "$candidate" --version >/dev/null 2>&1; then
    python=$candidate
    break
  fi
done
step "1. a fresh venv ($("$python" --version)) with Colab's packages (scripts/colab_versions.txt)"
rm -rf "$work/venv"
"$python" -m venv "$work/venv"
pip=("$work/venv/bin/python" -m pip)
"${pip[@]}" install -q --upgrade pip
"${pip[@]}" install -q -r scripts/colab_versions.txt ipykernel nbclient nbformat
site=$("$work/venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
"${pip[@]}" freeze > "$work/before.txt"

step "2. a fake google.colab whose drive.mount links /content/drive to $work/drive"
# No google/__init__.py: "google" stays the namespace package that protobuf shares.
mkdir -p "$site/google/colab"
cat > "$site/google/colab/__init__.py" <<'EOF'
"""A stand-in for Colab's google.colab (scripts/colab_check.sh): only drive.mount."""
EOF
cat > "$site/google/colab/drive.py" <<EOF
"""drive.mount(path): links path to a temporary folder holding MyDrive, as Colab mounts Drive."""
import os

FAKE = "$work/drive"


def mount(mountpoint, force_remount=False, timeout_ms=120000, readonly=False):
    os.makedirs(os.path.join(FAKE, "MyDrive"), exist_ok=True)
    if os.path.realpath(mountpoint) != os.path.realpath(FAKE):
        os.symlink(FAKE, mountpoint)
    print(f"Mounted at {mountpoint}")
EOF
# Colab's kernel has google.colab imported before the first cell runs.
echo "import google.colab" > "$site/zz_fake_google_colab.pth"
if [ -e /content/drive ] || [ -L /content/drive ]; then
  echo "colab_check: /content/drive exists on this machine; remove it or run elsewhere" >&2
  exit 2
fi
mkdir -p /content
made_link=1  # drive.mount makes the link; cleanup removes it

step "3. a clone of this repository's HEAD, installed through git+file://"
rm -rf "$work/clone" "$work/content"
git clone -q "$root" "$work/clone"
sha=$(git -C "$work/clone" rev-parse HEAD)
mkdir -p "$work/content"
for nb in "${notebooks[@]}"; do
  name=$(basename "$nb")
  "$work/venv/bin/python" - "$work/clone/notebooks/$name" "$work/content/$name" \
    "git+file://$work/clone@$sha" <<'EOF'
import re, sys
source, target, url = sys.argv[1:]
text = open(source, encoding="utf-8").read()
pattern = re.compile(r"git\+https://github\.com/[\w.-]+/[\w.-]+?(?:@[\w.-]+)?(?=\\n|\")")
found = pattern.findall(text)
if len(found) != 1:
    sys.exit(f"{source}: expected one install line (git+https://github.com/...), found {found}")
open(target, "w", encoding="utf-8").write(pattern.sub(url, text))
print(f"  {source.rsplit('/', 1)[-1]}: installs {url} instead of {found[0]}")
EOF
done

step "4. the notebooks in the smoke profile, from $work/content (Colab's /content)"
status=0
for nb in "${notebooks[@]}"; do
  name=$(basename "$nb")
  t0=$(date +%s)
  # A clean environment: no KCOLOR_* settings, no PYTHONPATH into the repository.
  if env -i PATH="$work/venv/bin:/usr/bin:/bin" HOME="$HOME" LANG=C.UTF-8 \
      KCOLOR_PROFILE=smoke TF_CPP_MIN_LOG_LEVEL=2 COLAB_RELEASE_TAG=colab-check \
      KCOLOR_CACHE="$work/cache" \
      "$work/venv/bin/python" - "$work/content/$name" <<'EOF'
import sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
try:
    NotebookClient(nb, timeout=1800, kernel_name="python3",
                   resources={"metadata": {"path": path.rsplit("/", 1)[0]}}).execute()
except CellExecutionError as err:
    print(str(err)[-3000:], file=sys.stderr)
    sys.exit(1)
finally:
    nbformat.write(nb, path.replace(".ipynb", ".executed.ipynb"))
EOF
  then
    step "  ok     $name ($(( $(date +%s) - t0 )) s)"
  else
    step "  FAILED $name ($(( $(date +%s) - t0 )) s)"
    status=1
  fi
done

step "5. what the install cell changed"
"${pip[@]}" freeze > "$work/after.txt"
"$work/venv/bin/python" - "$work/before.txt" "$work/after.txt" scripts/colab_versions.txt \
  "$sha" <<'EOF' || status=1
import re, sys
def versions(path):
    out = {}
    for line in open(path):
        m = re.match(r"^([A-Za-z0-9_.-]+)\s*(?:==\s*(\S+)|@\s*(\S+))", line.strip())
        if m:
            out[m.group(1).lower().replace("_", "-")] = m.group(2) or m.group(3)
    return out
before, after, colab = (versions(p) for p in sys.argv[1:4])
sha, bad = sys.argv[4], []
for name, version in colab.items():
    if after.get(name) != before.get(name):
        bad.append(f"{name} {before.get(name)} -> {after.get(name)}")
for name in ("tensorflow", "tensorflow-cpu", "keras", "tf-keras"):
    if name not in colab and after.get(name) != before.get(name):
        bad.append(f"{name} {before.get(name)} -> {after.get(name)} (Colab has its own)")
added = sorted(set(after) - set(before))
print("  installed by the notebooks' install cell:", ", ".join(
    f"{n} {after[n]}" for n in added) or "nothing")
if sha not in (after.get("kcolor") or ""):
    bad.append(f"kcolor is {after.get('kcolor')}, not the clone at {sha}")
for line in bad:
    print("  CHANGED:", line)
sys.exit(1 if bad else 0)
EOF
models=$(find "$work/drive/MyDrive/kcolor" -name "*.keras" 2>/dev/null | wc -l)
if [ "$models" -gt 0 ]; then
  step "  $models model file(s) saved under the fake Drive's MyDrive/kcolor"
elif [[ " ${notebooks[*]} " == *03_* ]]; then
  step "  FAILED: notebook 03 saved no model under MyDrive/kcolor (Drive not used)"
  status=1
fi
step "$([ $status = 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - start )) s"
exit $status
