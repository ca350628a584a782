"""kcolor.tables.results: the paper's numbers beside ours, scored and laid out."""

import numpy as np
import pytest

from kcolor import metrics, plot, tables


def _random_l_ab(seed, n):
    """``n`` random 8 px ``(L, ab)`` images with mild colours."""
    rng = np.random.default_rng(seed)
    L = rng.uniform(-1, 1, size=(n, 8, 8, 1)).astype("float32")
    ab = rng.uniform(-0.3, 0.3, size=(n, 8, 8, 2)).astype("float32")
    return L, ab


def test_metrics_table_puts_the_paper_beside_ours():
    ours = {
        "grey": {"acc@2%": 0.2412, "mae_ab": 10.5, "profile": "smoke", "data": "sample 32 px",
                 "images": 64},
        "cGAN": {"acc@2%": 0.3, "acc@5%": 0.612, "mae_ab": 7.25, "psnr": float("inf"),
                 "profile": "smoke"},
    }
    paper = {"cGAN": {"acc@2%": 24.1, "acc@5%": 65.5, "data": "CIFAR-10, 200 epochs"}}
    table = tables.metrics_table(ours, paper=paper)
    lines = table.splitlines()
    assert lines[0].split("|")[1:-1] == [
        " model ", " source ", " profile ", " data ", " images ",
        " mae_ab ", " acc@2% ", " acc@5% ", " psnr ",
    ]
    assert len(lines) == 2 + 3
    grey, paper_row, ours_row = lines[2:]
    assert "grey" in grey and "24.12%" in grey and "10.50" in grey and "sample 32 px" in grey
    assert "| cGAN | paper |" in paper_row and "24.10" in paper_row and "65.50" in paper_row
    assert "CIFAR-10, 200 epochs" in paper_row
    assert "| cGAN | ours | smoke |" in ours_row and "30.00%" in ours_row and "61.20%" in ours_row
    assert "inf" in ours_row and "7.25" in ours_row
    only = tables.metrics_table(ours, columns=["acc@5%"], digits=1)
    assert only.splitlines()[0].endswith("| acc@5% |") and "61.2%" in only
    with pytest.raises(TypeError, match="dict"):
        tables.metrics_table({"cGAN": 0.3})


def test_results_table_adds_reference_rows_and_labels_ours():
    L, ab = _random_l_ab(0, 6)
    test = [(L[:3], ab[:3]), (L[3:], ab[3:])]
    vivid = lambda x: np.full(x.shape[:-1] + (2,), 0.6, "float32")  # noqa: E731
    table = tables.results_table(
        {"vivid": vivid, "given": {"mae_ab": 1.5, "acc@5%": 0.25}}, test,
        profile="smoke", data="random 8 px", paper={"vivid": {"acc@5%": 65.5, "mae": 5.1}},
        columns=["mae", "mae_ab", "acc@5%", "colorfulness"])
    assert list(table.rows) == ["vivid", "given", "grey", "truth"]
    assert table["truth"]["mae_ab"] == 0 and table["grey"]["colorfulness"] < 0.1
    assert table["vivid"]["colorfulness"] > table["truth"]["colorfulness"] > 0
    assert table["vivid"]["mae_ab"] > table["grey"]["mae_ab"]  # far from a mild truth
    assert all(row["profile"] == "smoke" and row["data"] == "random 8 px"
               for row in table.rows.values())
    md = table.markdown
    assert "| vivid | paper |" in md and "65.50%" in md and "| 5.10 |" in md
    assert "| given | ours | smoke | random 8 px |" in md and "25.00%" in md
    page = table._repr_html_()
    assert page.startswith('<table class="kcolor-results">') and "random 8 px" in page
    assert page.count("<tr") == 1 + 5  # header, paper row, four of ours


def test_results_table_drops_the_columns_its_title_states():
    """07's table, 14 columns wide, wrapped its data column; the caption says it once."""
    rows = {name: {"acc@5%": acc, "profile": "quick", "data": "dev test, 32 px", "images": 2000}
            for name, acc in (("cGAN", 0.49), ("grey", 0.56))}
    stated = tables.ResultsTable(rows, title="quick profile, dev test, 32 px: mean over seeds")
    header = stated.markdown.splitlines()[2]
    assert header == "| model | source | images | acc@5% |"
    assert "| cGAN | ours | 2000 | 49.00% |" in stated.markdown
    assert "<th" in stated._repr_html_() and ">dev test, 32 px<" not in stated._repr_html_()
    # A title that does not state them, or rows that differ, keep the columns.
    assert "| profile | data |" in tables.ResultsTable(rows, title="ours").markdown
    rows["grey"]["data"] = "other"
    kept = tables.ResultsTable(rows, title="quick profile, dev test, 32 px").markdown
    assert "| model | source | data | images |" in kept


def test_results_table_rejects_rows_that_are_not_dicts():
    with pytest.raises(TypeError, match="dict"):
        tables.ResultsTable({"a": 1.0})


def test_results_table_scores_models_with_evaluate():
    """The docstring's promise: the table runs kcolor.metrics.evaluate itself."""
    L, ab = _random_l_ab(2, 4)
    half = lambda x: np.full(x.shape[:-1] + (2,), 0.1, "float32")  # noqa: E731
    table = tables.results_table({"half": half}, [(L, ab)], profile="smoke", data="random")
    expected = metrics.evaluate(half, [(L, ab)])
    assert set(expected) <= set(table["half"])
    for key, value in expected.items():
        assert table["half"][key] == pytest.approx(value)


def test_the_tables_live_in_kcolor_tables_not_in_plot():
    assert "results_table" not in plot.__all__ and "results_table" in tables.__all__
    for name in ("results_table", "ResultsTable", "metrics_table", "META_KEYS"):
        assert not hasattr(plot, name), name
    assert tables.results_table is tables.results.results_table
