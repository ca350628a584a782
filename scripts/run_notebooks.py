"""Executes the notebooks in order, headless, and writes executed copies.

    python scripts/run_notebooks.py [--out build/notebooks] [--timeout 900] [NAMES...]
    python scripts/run_notebooks.py --prose-only --out build/quick/notebooks NAMES...

The committed notebooks stay clean (no outputs); the executed copies under
``--out`` are the ones to read. Beside them ``run.json`` records the run's
provenance for the results page (``scripts/build_index.py``): when it ran,
the commit, the versions of kcolor, TensorFlow and Keras, the machine and
the command (``KCOLOR_RUN_COMMAND``, set by ``scripts/main.sh`` and
``scripts/run_quick.sh``, else this script's own command line). Exit status 1 if any notebook failed; the
others still run. Profile: the ``KCOLOR_PROFILE`` environment variable
(``smoke`` by default), read by each notebook's parameters cell.

``--prose-only`` runs nothing: it copies each named notebook's markdown cells
into its executed copy under ``--out``, for a change to the prose alone (an
hour-long quick run need not be repeated for a sentence). It refuses, and
changes nothing in that copy, when the copy is missing or any code cell
differs from the committed notebook's: then the outputs would no longer be
what the code produces, and the notebook must run again.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook files (default: notebooks/*.ipynb)")
    parser.add_argument("--out", default="build/notebooks")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    parser.add_argument("--prose-only", action="store_true",
                        help="copy the markdown cells into the executed copies; run nothing")
    args = parser.parse_args(argv)
    if args.prose_only:
        if not args.names:
            parser.error("--prose-only needs the notebooks to refresh")
        return refresh_prose([Path(n) for n in args.names], Path(args.out))

    import nbformat
    from nbconvert.preprocessors import CellExecutionError, ExecutePreprocessor

    root = Path(__file__).resolve().parent.parent
    paths = [Path(n) for n in args.names] or sorted((root / "notebooks").glob("[0-9]*.ipynb"))
    if not paths:
        print("no notebooks found in notebooks/")
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KCOLOR_PROFILE", "smoke")
    failed = []
    timings_path = out / "timings.json"
    timings = json.loads(timings_path.read_text()) if timings_path.exists() else {}
    record = provenance(root)  # the commit and versions the run starts from
    for path in paths:
        start = time.time()
        nb = nbformat.read(path, as_version=4)
        runner = ExecutePreprocessor(timeout=args.timeout, kernel_name="python3")
        status = "ok"
        try:
            runner.preprocess(nb, {"metadata": {"path": str(path.parent)}})
        except CellExecutionError as err:
            status = "FAILED"
            failed.append(path.name)
            print(str(err)[-2000:], file=sys.stderr)
        target = out / path.name
        nbformat.write(nb, target)
        seconds = time.time() - start
        timings[path.name] = {"seconds": round(seconds, 1), "status": status,
                              "profile": os.environ["KCOLOR_PROFILE"]}
        timings_path.write_text(json.dumps(timings, indent=1))
        print(f"{status:6s} {path.name}  {seconds:6.1f} s  -> {target}", flush=True)
    write_provenance(out / "run.json", record)
    print(f"{len(paths) - len(failed)} of {len(paths)} notebooks ran ({os.environ['KCOLOR_PROFILE']} profile)")
    return 1 if failed else 0


def _git(root, *args):
    import subprocess

    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def _machine():
    """``"2-core Intel(R) Xeon(R) ... CPU, no GPU"``: what ran the notebooks."""
    import platform
    import shutil
    import subprocess

    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gpus = []
    if shutil.which("nvidia-smi"):
        try:
            out = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                                 capture_output=True, text=True, timeout=30).stdout
            gpus = [line.strip() for line in out.splitlines() if line.strip()]
        except (OSError, subprocess.SubprocessError):
            pass
    gpu = (f"{len(gpus)} x {gpus[0]}" if len(gpus) > 1 else gpus[0]) if gpus else "no GPU"
    return f"{os.cpu_count()}-core {model}, {gpu}"


def provenance(root):
    """From which commit, with which versions, on which machine and by which command."""
    from importlib import metadata

    def version(*names):
        for name in names:
            try:
                return metadata.version(name)
            except metadata.PackageNotFoundError:
                continue
        return None

    commit = _git(root, "rev-parse", "HEAD")
    dirty = bool(_git(root, "status", "--porcelain", "--untracked-files=no"))
    return {
        "commit": commit, "uncommitted_changes": dirty,
        "kcolor": version("kcolor"), "tensorflow": version("tensorflow", "tensorflow-cpu"),
        "keras": version("keras"),
        "python": ".".join(map(str, sys.version_info[:3])),
        "machine": _machine(),
        "command": os.environ.get("KCOLOR_RUN_COMMAND")
        or "python scripts/run_notebooks.py " + " ".join(sys.argv[1:]),
        "profile": os.environ.get("KCOLOR_PROFILE", "smoke"),
        "dev_npz": Path(os.environ["KCOLOR_DEV_NPZ"]).name
        if os.environ.get("KCOLOR_DEV_NPZ") else None,
        "digits": os.environ.get("KCOLOR_06_DATASET"),
    }


def write_provenance(path, record):
    """Writes a ``provenance`` record to ``path`` as JSON, stamped with the time it finished."""
    from datetime import datetime, timezone

    record = {**record, "finished": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    path.write_text(json.dumps(record, indent=1), encoding="utf-8")


def refresh_prose(paths, out):
    """Copies each notebook's markdown cells into ``out/<name>``; 1 if any copy was refused."""
    import nbformat

    refused = 0
    for path in paths:
        target = out / path.name
        problem = None
        if not target.exists():
            problem = f"no executed copy at {target}: run the notebook first"
        else:
            source, executed = nbformat.read(path, as_version=4), nbformat.read(target, as_version=4)
            if [c.cell_type for c in source.cells] != [c.cell_type for c in executed.cells]:
                problem = "its cells differ in number or kind from the executed copy's"
            else:
                for i, (a, b) in enumerate(zip(source.cells, executed.cells)):
                    if a.cell_type == "code" and a.source != b.source:
                        problem = f"code cell {i} changed since the run: run the notebook again"
                        break
        if problem:
            refused += 1
            print(f"REFUSED {path.name}: {problem}", file=sys.stderr)
            continue
        changed = 0
        for a, b in zip(source.cells, executed.cells):
            if a.cell_type == "markdown" and a.source != b.source:
                b.source, changed = a.source, changed + 1
        nbformat.write(executed, target)
        print(f"prose  {path.name}: {changed} markdown cell(s) refreshed -> {target}", flush=True)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
