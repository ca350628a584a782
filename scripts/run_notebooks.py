"""Executes the notebooks in order, headless, and writes executed copies.

    python scripts/run_notebooks.py [--out build/notebooks] [--timeout 900] [NAMES...]

The committed notebooks stay clean (no outputs); the executed copies under
``--out`` are the ones to read. Exit status 1 if any notebook failed; the
others still run. Profile: the ``KCOLOR_PROFILE`` environment variable
(``smoke`` by default), read by each notebook's parameters cell.
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
    args = parser.parse_args(argv)

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
    print(f"{len(paths) - len(failed)} of {len(paths)} notebooks ran ({os.environ['KCOLOR_PROFILE']} profile)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
