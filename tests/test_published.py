"""kcolor.published: the published quick run's times, as the notebooks quote them."""

import json
import re
from pathlib import Path

import pytest

from kcolor import published

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "quick" / "results.json"


def test_duration_reads_as_the_results_page_writes_it():
    assert published.duration(14.2) == "14 s"
    assert published.duration(119.6) == "2 min 00 s"
    assert published.duration(498) == "8 min 18 s"
    assert published.duration(772.4) == "12 min 52 s"


def test_every_notebook_has_a_time_and_its_message_asks_for_its_own():
    record = published.quick_run()
    for path in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        number = path.name[:2]
        assert record["wall_time_s"].get(number), f"no published time for notebook {number}"
        source = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
        asked = re.findall(r"published\.quick_time\('(\d\d)'\)", source)
        assert asked == [number], (path.name, asked)
        assert not re.search(r"ran this notebook in \d", source), f"{path.name} types a time"


def test_the_package_record_is_the_published_runs():
    if not RESULTS.exists():
        pytest.skip("docs/quick/results.json is written by scripts/run_quick.sh")
    expected = published.record_from_results(json.loads(RESULTS.read_text()))
    record = published.quick_run()
    assert record["wall_time_s"] == expected["wall_time_s"], (
        "kcolor/resources/quick_run.json is not the published run's: run "
        "python -m kcolor.published docs/quick/results.json")
    assert record["run"] == expected["run"]


def test_record_from_results_keeps_the_times_and_provenance():
    results = {"run": {"commit": "abc", "finished": "2026-12-07", "command": "x"},
               "wall_time_s": 100.0,
               "notebooks": {"03": {"wall_time_s": 60.5}, "04": {"wall_time_s": None}}}
    record = published.record_from_results(results)
    assert record == {"run": {"commit": "abc", "finished": "2026-12-07"}, "total_s": 100.0,
                      "wall_time_s": {"03": 60.5, "04": None}}
