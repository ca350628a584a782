"""Numbers the prose quotes from the published quick run match the run (scripts/quotes.py).

A quoted number carries ``<!-- quick: NB | ROW | COLUMN -->`` right after it;
``scripts/quotes.py`` reads the value from ``results.json``, which
``scripts/build_index.py`` writes beside the page, and compares it with the
prose at the prose's own number of decimals. The first tests check the
parser and the comparison on small synthetic texts; the last ones check
every marker of the course's notebooks, README.md and docs/course.md against
``docs/quick/results.json``.
"""

import importlib.util
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "docs" / "quick" / "results.json"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


quotes = _load("quotes")

RESULTS = {
    "run": {"commit": "abc123", "finished": "2026-12-07 19:00 UTC"},
    "wall_time_s": 2700.0,
    "notebooks": {
        "03": {
            "notebook": "03_unet_vs_cgan.ipynb", "wall_time_s": 754.0, "errors": 0,
            "tables": [
                {"title": "quick profile, dev test, 32 px",
                 "rows": {"U-Net (L2)": {"acc@5%": 60.72, "colorfulness": 11.3},
                          "cGAN": {"acc@5%": 56.12, "colorfulness": 21.64, "mae_ab": 9.21},
                          "grey": {"acc@5%": 55.56, "colorfulness": 0.0},
                          "truth": {"acc@5%": 100.0, "colorfulness": 25.46}},
                 "paper": {"cGAN": {"acc@5%": 65.5}}},
                {"title": "the saturation slider",
                 "rows": {"cGAN": {"acc@5%": 56.12, "img/s": 1970},
                          "U-Net (L2)": {"acc@5%": 52.2}}},
            ],
            "claims": [{"title": "paper B",
                        "rows": {"the GAN's colors were more vibrant": "steered",
                                 "Accuracy ε = 5%: U-Net 37.2%, GAN 65.5%": "no",
                                 "MAE: U-Net 7.9, GAN 5.1": "no"}}],
        },
    },
}


def _check(text, results=RESULTS):
    """``[(quoted, status, detail)]`` for the markers of one markdown text."""
    return [row[2:] for row in quotes.check_text(text, results)]


# -- the grammar -------------------------------------------------------------

def test_a_marker_parses_into_notebook_table_and_terms():
    parse = quotes.parse_marker
    assert parse(": 03 | cGAN | acc@5%") == {"notebook": "03", "table": None, "kind": "cell",
                                             "terms": [("cGAN", "acc@5%")]}
    ratio = parse(": 03#2 | cGAN | colorfulness / truth | colorfulness ")
    assert ratio["table"] == 2 and ratio["terms"] == [("cGAN", "colorfulness"),
                                                      ("truth", "colorfulness")]
    # A column named with a slash and no spaces stays one name.
    assert parse(": 06 | 06_gan | img/s")["terms"] == [("06_gan", "img/s")]
    assert parse(": 03 | wall time | min") == {"notebook": "03", "table": None,
                                               "kind": "wall time", "unit": "min"}
    assert parse(": all | wall time")["unit"] == "s"
    assert parse(": 02 | verdict | too good")["words"] == "too good"


@pytest.mark.parametrize("body, words", [
    (" 03 | cGAN | acc@5%", "quick: NB"),           # no colon
    (": 3 | cGAN | acc@5%", "no notebook"),
    (": 03#0 | cGAN | acc@5%", "count from 1"),
    (": 03 | cGAN", "ROW | COLUMN"),
    (": 03 | cGAN | acc@5% | extra", "ROW | COLUMN"),
    (": 03 | cGAN | colorfulness / truth", "ROW | COLUMN"),
    (": 03 | wall time | days", "UNIT"),
    (": all | cGAN | acc@5%", "wall time"),
    (": 03 | verdict", "verdict reads"),
])
def test_a_marker_outside_the_grammar_is_an_error(body, words):
    with pytest.raises(quotes.MarkerError, match=words.replace("|", r"\|")):
        quotes.parse_marker(body)


# -- the comparison ----------------------------------------------------------

def test_a_right_number_passes_and_a_stale_one_fails_with_the_value_to_write():
    assert _check("the cGAN scored 56.1%<!-- quick: 03 | cGAN | acc@5% --> here") == [
        ("56.1%", "OK", "56.1%")]
    assert _check("the cGAN scored 57.3%<!-- quick: 03 | cGAN | acc@5% -->") == [
        ("57.3%", "STALE", "56.1%")]


def test_the_value_is_rounded_to_the_decimals_the_prose_wrote():
    for prose, status in (("56%", "OK"), ("56.1%", "OK"), ("56.12%", "OK"), ("56.120%", "OK"),
                          ("56.2%", "STALE"), ("56.13%", "STALE"), ("57%", "STALE")):
        assert _check(f"{prose}<!-- quick: 03 | cGAN | acc@5% -->")[0][1] == status, prose
    # Half-up on the printed digits, as a reader rounds: 21.64 -> 21.6, 9.21 -> 9; 25.46 -> 25.5.
    assert _check("25.5<!-- quick: 03 | truth | colorfulness -->")[0][1] == "OK"
    assert _check("25.4<!-- quick: 03 | truth | colorfulness -->")[0][2] == "25.5"


def test_units_spaces_and_emphasis_around_the_number_are_allowed():
    for prose in ("**56.1%**", "56.1 %", "*56.1%*", "(56.1%"):
        assert _check(f"x {prose}<!-- quick: 03 | cGAN | acc@5% -->")[0][:2] == (
            prose.strip("*(").rstrip("*"), "OK"), prose
    assert _check("x 9.21 <!-- quick: 03 | cGAN | mae_ab -->")[0][1] == "OK"


def test_no_number_right_before_the_marker_is_an_error():
    for text in ("scored <!-- quick: 03 | cGAN | acc@5% -->",
                 "56.1%\n<!-- quick: 03 | cGAN | acc@5% -->",   # on the line above
                 "acc@5<!-- quick: 03 | cGAN | acc@5% -->"):      # part of a word
        (_, status, detail), = _check(text)
        assert status == "ERROR" and "no number right before" in detail, text


def test_a_ratio_of_two_cells():
    ratio = "<!-- quick: 03 | cGAN | colorfulness / truth | colorfulness -->"  # 21.64 / 25.46
    assert _check(f"0.85×{ratio}")[0][1:] == ("OK", "0.85×")
    assert _check(f"0.8x{ratio}")[0][1] == "OK"
    assert _check(f"0.84×{ratio}")[0][1:] == ("STALE", "0.85×")
    # Written as a percentage, the ratio is compared in percent.
    assert _check(f"85%{ratio}")[0][1] == "OK"
    assert _check(f"0.85%{ratio}")[0][1] == "STALE"
    zero = "<!-- quick: 03 | cGAN | colorfulness / grey | colorfulness -->"
    denominator = "the ratio's denominator grey | colorfulness is 0"
    assert _check(f"1.0{zero}")[0][1:] == ("ERROR", denominator)


def test_a_missing_notebook_row_or_column_is_an_error_that_names_what_there_is():
    (_, status, detail), = _check("56.1%<!-- quick: 04 | cGAN | acc@5% -->")
    assert status == "ERROR" and "no notebook 04" in detail and "03" in detail
    (_, status, detail), = _check("56.1%<!-- quick: 03 | GAN | acc@5% -->")
    assert status == "ERROR" and "no row 'GAN'" in detail and "U-Net (L2), cGAN" in detail
    (_, status, detail), = _check("9.2<!-- quick: 03 | grey | mae_ab -->")
    assert status == "ERROR" and "no number in column 'mae_ab'" in detail
    # The paper's rows are not this run's numbers.
    (_, status, detail), = _check("65.5%<!-- quick: 03 | cGAN | acc@5% -->",
                                  {"notebooks": {"03": {"tables": [
                                      {"rows": {}, "paper": {"cGAN": {"acc@5%": 65.5}}}]}}})
    assert status == "ERROR" and "no row 'cGAN'" in detail
    # Names compare without regard to case or repeated spaces.
    assert _check("60.7%<!-- quick: 03#1 | u-net  (l2) | ACC@5% -->")[0][1] == "OK"


def test_a_row_in_two_tables_needs_the_table_where_its_values_differ():
    assert _check("56.1%<!-- quick: 03 | cGAN | acc@5% -->")[0][1] == "OK"  # same in both
    (_, status, detail), = _check("60.7%<!-- quick: 03 | U-Net (L2) | acc@5% -->")
    assert status == "ERROR" and "differs between tables 1, 2" in detail and "03#1" in detail
    assert _check("60.7%<!-- quick: 03#1 | U-Net (L2) | acc@5% -->")[0][1] == "OK"
    assert _check("52.2%<!-- quick: 03#2 | U-Net (L2) | acc@5% -->")[0][1] == "OK"
    assert _check("60.7%<!-- quick: 03#2 | U-Net (L2) | acc@5% -->")[0][1:] == ("STALE",
                                                                                 "52.2%")
    (_, status, detail), = _check("1<!-- quick: 03#3 | cGAN | acc@5% -->")
    assert status == "ERROR" and "2 results table(s), no #3" in detail


def test_wall_times_of_a_notebook_and_of_the_whole_run():
    assert _check("754 s<!-- quick: 03 | wall time -->")[0][1] == "OK"
    assert _check("12.6 min<!-- quick: 03 | wall time | min -->")[0][1] == "OK"  # 12.57
    assert _check("13 min<!-- quick: 03 | wall time | min -->")[0][1] == "OK"
    assert _check("12 min<!-- quick: 03 | wall time | min -->")[0][1:] == ("STALE", "13 min")
    assert _check("0.75 h<!-- quick: all | wall time | h -->")[0][1] == "OK"
    # As the results page writes a time: minutes and two-digit seconds.
    assert _check("it took 12 min 34 s<!-- quick: 03 | wall time -->")[0][:2] == (
        "12 min 34 s", "OK")
    assert _check("12 min 35 s<!-- quick: 03 | wall time -->")[0][1:] == ("STALE", "12 min 34 s")
    (_, status, detail), = _check("12.6 min<!-- quick: 03 | wall time -->")
    assert status == "ERROR" and "| wall time | min" in detail


def test_a_quoted_verdict():
    assert _check('the MAE row reads **"no"**<!-- quick: 03 | verdict | MAE: -->')[0][:2] == (
        "no", "OK")
    assert _check("reads yes<!-- quick: 03 | verdict | mae -->")[0][1:] == ("STALE", "no")
    assert _check("reads steered<!-- quick: 03 | verdict | more vibrant -->")[0][1] == "OK"
    (_, status, detail), = _check("reads no<!-- quick: 03 | verdict | light hue -->")
    assert status == "ERROR" and "no claims row quotes 'light hue'" in detail
    (_, status, detail), = _check("reads no<!-- quick: 03 | verdict | U-Net -->")
    assert status == "OK"  # two rows, one verdict
    (_, status, detail), = _check("reads no<!-- quick: 03 | verdict | GAN -->")
    assert status == "ERROR" and "different verdicts" in detail
    (_, status, detail), = _check("reads nope<!-- quick: 03 | verdict | MAE -->")
    assert status == "ERROR" and "no verdict" in detail


# -- the script --------------------------------------------------------------

def _notebook_with(tmp_path, *markdown):
    path = tmp_path / "03_unet_vs_cgan.ipynb"
    nbformat.write(new_notebook(cells=[
        new_code_cell("x = 1  # 99.9%<!-- quick: 03 | cGAN | acc@5% -->"),  # code: not prose
        *[new_markdown_cell(m) for m in markdown]]), path)
    return path


def test_the_script_lists_every_marker_and_fails_on_a_stale_one(tmp_path, capsys):
    results = tmp_path / "results.json"
    results.write_text(json.dumps(RESULTS))
    good = _notebook_with(tmp_path, "# 03", "The cGAN: 56.1%<!-- quick: 03 | cGAN | acc@5% -->.")
    assert quotes.main(["--results", str(results), str(good)]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "cell 2: '56.1%'" in out and "commit abc123" in out
    assert "1 quoted number(s) in 1 file(s), 0 stale" in out

    guide = tmp_path / "course.md"
    guide.write_text("Intro.\n\nThe grey row: 55%<!-- quick: 03 | grey | acc@5% -->.\n")
    bad = _notebook_with(tmp_path, "# 03", "Was 57.3%<!-- quick: 03 | cGAN | acc@5% -->.")
    assert quotes.main(["--results", str(results), str(bad), str(guide)]) == 1
    out = capsys.readouterr().out
    assert "STALE" in out and "'57.3%'" in out and "write 56.1%" in out
    assert "course.md line 3: '55%'" in out and "write 56%" in out


def test_the_script_says_where_results_json_comes_from_when_it_is_missing(tmp_path, capsys):
    assert quotes.main(["--results", str(tmp_path / "results.json"), str(tmp_path)]) == 2
    assert "scripts/build_index.py" in capsys.readouterr().out


def test_numbers_quoted_from_a_page_that_build_index_wrote(tmp_path):
    """The whole path: an executed notebook -> build_index's results.json -> the check."""
    from kcolor import tables

    folder = tmp_path / "run"
    folder.mkdir()
    table = tables.ResultsTable(
        {"cGAN": {"acc@5%": 0.56124, "colorfulness": 21.64, "profile": "quick"},
         "truth": {"acc@5%": 1.0, "colorfulness": 25.46, "profile": "quick"}},
        {"cGAN": {"acc@5%": 65.5}}, title="quick profile, dev test")
    nbformat.write(new_notebook(cells=[
        new_markdown_cell("# 03"),
        new_code_cell("table", outputs=[new_output(
            "execute_result", data={"text/html": table._repr_html_()}, execution_count=1)]),
    ]), folder / "03_unet_vs_cgan.ipynb")
    (folder / "timings.json").write_text(json.dumps(
        {"03_unet_vs_cgan.ipynb": {"seconds": 754.0, "profile": "quick"}}))
    site = tmp_path / "site"
    assert _load("build_index").main(["--notebooks", str(folder), "--out",
                                      str(site / "index.html"), "--figures",
                                      str(site / "figures"), "--no-notebook-links"]) == 0
    results = json.loads((site / "results.json").read_text())
    text = ("56.1%<!-- quick: 03 | cGAN | acc@5% -->, 0.85×<!-- quick: 03 | cGAN | "
            "colorfulness / truth | colorfulness -->, 12.6 min<!-- quick: 03 | wall time | min"
            " --> and 65.5%<!-- quick: 03 | cGAN | acc@5% -->")
    assert [status for _, status, _ in _check(text, results)] == ["OK", "OK", "OK", "STALE"]


# -- the course's own prose ----------------------------------------------------

def _course_markers():
    """``[(file, where, marker body, prose before it)]`` of every marker in the course."""
    found = []
    for path in quotes.default_files():
        for where, text in quotes._cells(path):
            for match in quotes.MARKER.finditer(text):
                before = text[:match.start()].rsplit("\n", 1)[-1].rsplit("-->", 1)[-1]
                found.append((path.relative_to(ROOT), where, match.group(1), before))
    return found


def test_every_marker_in_the_course_parses_and_follows_a_number():
    problems = []
    for path, where, body, before in _course_markers():
        try:
            marker = quotes.parse_marker(body)
            quotes.compare(before, marker, "yes" if marker["kind"] == "verdict" else 0.0)
        except quotes.MarkerError as error:
            problems.append(f"{path} {where}: <!-- quick{body}-->: {error}")
    assert not problems, "\n".join(problems)


def test_every_number_the_course_quotes_matches_the_published_quick_run():
    if not PUBLISHED.exists():
        pytest.skip("docs/quick/results.json does not exist yet: it is written by "
                    "scripts/build_index.py when bash scripts/run_quick.sh publishes a run")
    results = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    rows = quotes.check_files(quotes.default_files(), results)
    wrong = [f"{path.relative_to(ROOT)} {where}: {quoted!r} <!-- {label} -->: {status} "
             f"{detail}" for path, where, label, quoted, status, detail in rows
             if status != "OK"]
    assert not wrong, ("quoted numbers that differ from docs/quick/results.json (run "
                       "python scripts/quotes.py):\n" + "\n".join(wrong))
