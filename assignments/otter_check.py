"""Builds the graded assignments with otter-grader and checks that they grade as they must.

Run through ``scripts/assignments.sh`` (which picks the repository's Python):

    bash scripts/assignments.sh build [OUT]   # otter assign every master into OUT
    bash scripts/assignments.sh check [OUT]   # build, then grade three submissions each

Each assignment is a folder ``assignments/<name>/`` holding the master
notebook ``<name>.ipynb`` (otter's format: solutions and tests) and
``wrong.py``, a seeded wrong answer. ``build`` runs ``otter assign`` on a copy
of each master (the source tree is never written to) into
``OUT/<name>/student`` (the notebook to hand out, with its public tests) and
``OUT/<name>/autograder`` (the solution notebook, every test, and the
autograder zip that ``otter run`` grades with). ``check`` then grades, with
``otter run`` and that zip:

* the solution notebook: it must get full marks;
* the blank student notebook: it must get zero;
* the solution with ``wrong.py``'s definitions appended to the cells that
  define the same functions: it must get a score strictly between zero and
  full marks, and the failing tests' output must contain ``wrong.py``'s
  ``EXPECT`` (the name of the mistake).

It also runs ``mistakes.py``: every typical mistake it lists must be named by
a failing test (in one process, without otter's kernels).

It prints one line per assignment and a summary, and exits 1 when any
assignment grades otherwise. OUT defaults to ``build/assignments``.
"""

import argparse
import ast
import concurrent.futures
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent
BIN = pathlib.Path(sys.executable).parent  # otter is installed beside this Python


def assignments():
    """The assignment folders: each holds ``<name>.ipynb``."""
    found = sorted(p.parent for p in ROOT.glob("*/*.ipynb") if p.stem == p.parent.name)
    if not found:
        raise SystemExit(f"no assignment found under {ROOT} (expected <name>/<name>.ipynb).")
    return found


def otter(*args, cwd=None):
    """Runs the ``otter`` command; returns (exit status, its output)."""
    run = subprocess.run([str(BIN / "otter"), *map(str, args)], cwd=cwd, capture_output=True,
                         text=True)
    return run.returncode, run.stdout + run.stderr


def build(folder, out):
    """``otter assign`` on a copy of ``folder``'s master into ``out/<name>``; returns that path."""
    name = folder.name
    target = out / name
    if target.exists():
        shutil.rmtree(target)
    with tempfile.TemporaryDirectory(prefix=f"assign-{name}-") as tmp:
        master = pathlib.Path(tmp) / f"{name}.ipynb"
        shutil.copy(folder / f"{name}.ipynb", master)
        status, output = otter("assign", master.name, target.resolve(), cwd=tmp)
    if status != 0:
        raise RuntimeError(f"otter assign failed for {name}:\n{output[-3000:]}")
    return target


def autograder_zip(built):
    zips = sorted((built / "autograder").glob("*.zip"))
    if len(zips) != 1:
        raise RuntimeError(f"expected one autograder zip in {built / 'autograder'}, got {zips}.")
    return zips[0]


def wrong_submission(folder, built):
    """The solution notebook with ``wrong.py``'s functions appended; returns (path, EXPECT)."""
    source = (folder / "wrong.py").read_text()
    tree = ast.parse(source)
    expect = None
    functions = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == ["EXPECT"]:
            expect = ast.literal_eval(node.value)
        elif isinstance(node, ast.FunctionDef):
            functions[node.name] = ast.get_source_segment(source, node)
    if expect is None or not functions:
        raise RuntimeError(f"{folder / 'wrong.py'} must define EXPECT and at least one function.")
    nb = nbformat.read(built / "autograder" / f"{folder.name}.ipynb", as_version=4)
    for name, code in functions.items():
        cells = [c for c in nb.cells if c.cell_type == "code" and f"def {name}(" in c.source]
        if not cells:
            raise RuntimeError(f"wrong.py defines {name}, which no cell of the solution defines.")
        cells[-1].source += f"\n\n\n# Seeded wrong answer (wrong.py):\n{code}\n"
    path = built / "wrong" / f"{folder.name}.ipynb"
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    return path, expect


def grade(zip_path, submission, out_dir):
    """``otter run`` on one submission; returns (score, max score, the tests' output)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    status, output = otter("run", "--no-logo", "-a", zip_path.resolve(), "-o", out_dir.resolve(),
                           submission.resolve())
    results = out_dir / "results.json"
    if status != 0 or not results.exists():
        raise RuntimeError(f"otter run failed on {submission}:\n{output[-3000:]}")
    tests = [t for t in json.loads(results.read_text())["tests"] if "max_score" in t]
    score = sum(float(t.get("score") or 0) for t in tests)
    total = sum(float(t["max_score"]) for t in tests)
    return score, total, "\n".join(t.get("output", "") for t in tests)


def check(folders, out, workers):
    """Builds and grades every assignment; prints a line each; returns the number that failed."""
    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        # otter assign runs no notebook (run_tests: false): the solution is graded below.
        builds = {folder.name: pool.submit(build, folder, out) for folder in folders}
        built = {name: job.result() for name, job in builds.items()}
        # Every catalogued typical mistake, in one process (assignments/mistakes.py).
        catalogue = pool.submit(subprocess.run, [sys.executable, str(ROOT / "mistakes.py"), str(out)],
                                capture_output=True, text=True)
        for folder in folders:
            name, target = folder.name, built[folder.name]
            zip_path = autograder_zip(target)
            wrong, expect = wrong_submission(folder, target)
            submissions = {
                "solution": target / "autograder" / f"{name}.ipynb",
                "blank": target / "student" / f"{name}.ipynb",
                "wrong": wrong,
            }
            for kind, path in submissions.items():
                jobs[name, kind] = pool.submit(grade, zip_path, path, target / "results" / kind)
            jobs[name, "expect"] = expect
        failed = 0
        for folder in folders:
            name = folder.name
            try:
                sol, total, _ = jobs[name, "solution"].result()
                blank, _, _ = jobs[name, "blank"].result()
                wrong, _, wrong_output = jobs[name, "wrong"].result()
            except RuntimeError as error:
                print(f"{name:18s} FAIL  {error}")
                failed += 1
                continue
            expect = jobs[name, "expect"]
            problems = []
            if total <= 0:
                problems.append("no points")
            if sol != total:
                problems.append("solution short of full marks")
            if blank != 0:
                problems.append("blank notebook scores above zero")
            if not 0 < wrong < total:
                problems.append("wrong answer not partial")
            named = expect.lower() in wrong_output.lower()
            if not named:
                problems.append(f"no failing test names the mistake {expect!r}")
            verdict = "ok  " if not problems else "FAIL"
            print(f"{name:18s} {verdict}  solution {sol:g}/{total:g}  blank {blank:g}/{total:g}  "
                  f"wrong {wrong:g}/{total:g} ({'named' if named else 'not named'}: {expect!r})"
                  + (f"  <- {'; '.join(problems)}" if problems else ""), flush=True)
            failed += bool(problems)
        catalogue = catalogue.result()
    print(catalogue.stdout, end="")
    if catalogue.returncode != 0:
        print(f"typical mistakes: FAIL (assignments/mistakes.py exit status {catalogue.returncode})"
              f"\n{catalogue.stderr[-3000:]}")
        failed += 1
    return failed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "check"])
    parser.add_argument("out", nargs="?", default="build/assignments",
                        help="where the built assignments go (default: build/assignments)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("ASSIGNMENT_WORKERS", 2)),
                        help="submissions graded at once (default 2, ASSIGNMENT_WORKERS)")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    if out.resolve() == ROOT or ROOT in out.resolve().parents:
        raise SystemExit("build the assignments outside assignments/ (the source tree).")
    out.mkdir(parents=True, exist_ok=True)
    folders = assignments()
    start = time.monotonic()
    if args.command == "build":
        for folder in folders:
            target = build(folder, out)
            print(f"{folder.name:18s} student: {target / 'student'}  "
                  f"autograder: {autograder_zip(target)}")
        return 0
    failed = check(folders, out, args.workers)
    seconds = time.monotonic() - start
    print(f"{'all passed' if not failed else f'{failed} failed'}: {len(folders)} assignments "
          f"(solution full marks, blank zero, seeded wrong answer partial and named; every "
          f"catalogued typical mistake named) in {seconds:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
