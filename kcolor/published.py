"""What the published quick run measured, for messages that quote it.

``scripts/run_quick.sh`` runs the whole course in the quick profile on two
CPU cores and publishes ``docs/quick/`` (its page and ``results.json``). It
also writes each notebook's wall time, with the run's commit and finish
time, to ``kcolor/resources/quick_run.json``, which ships with the package.
A notebook on a Colab runtime without a GPU quotes its time from there
(``quick_time``), so the message changes with the run, not by hand.

Example:

>>> kcolor.published.quick_time("03")
'8 min 18 s'
"""

import json
from importlib import resources

RUN_FILE = "quick_run.json"


def duration(seconds):
    """``61`` -> ``"61 s"``, ``754`` -> ``"12 min 34 s"`` (minutes from two minutes on)."""
    seconds = round(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 120 else f"{seconds} s"


def quick_run():
    """The published quick run's record: ``{"run": {...}, "wall_time_s": {"03": 498.2, ...}}``.

    Raises:
        FileNotFoundError: the package has no record (a checkout before the
            first published run).
    """
    path = resources.files("kcolor") / "resources" / RUN_FILE
    if not path.is_file():
        raise FileNotFoundError(f"no {RUN_FILE} in kcolor/resources: run "
                                "scripts/run_quick.sh to publish a quick run")
    return json.loads(path.read_text())


def quick_time(notebook):
    """Notebook ``notebook``'s (``"00"`` to ``"08"``) wall time in the published quick run.

    Returns a string such as ``"8 min 18 s"``, or ``"(not timed)"`` when the
    run has no time for it.
    """
    seconds = quick_run()["wall_time_s"].get(str(notebook))
    return "(not timed)" if seconds is None else duration(seconds)


def record_from_results(results):
    """The package's record, from ``docs/quick/results.json``'s parsed content."""
    return {"run": {key: results.get("run", {}).get(key) for key in ("commit", "finished")},
            "total_s": results.get("wall_time_s"),
            "wall_time_s": {nb: entry.get("wall_time_s")
                            for nb, entry in results.get("notebooks", {}).items()}}


def main(argv=None):
    """``python -m kcolor.published RESULTS_JSON``: writes the package's record from it."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("results", help="docs/quick/results.json")
    args = parser.parse_args(argv)
    with open(args.results) as file:
        record = record_from_results(json.load(file))
    target = resources.files("kcolor") / "resources" / RUN_FILE
    with open(target, "w") as file:
        json.dump(record, file, indent=1, sort_keys=True)
        file.write("\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
