"""kcolor.tables: the paper's numbers beside ours, scored and laid out."""

import numpy as np
import pytest

from kcolor import plot, tables


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
    from kcolor import metrics

    L, ab = _random_l_ab(2, 4)
    half = lambda x: np.full(x.shape[:-1] + (2,), 0.1, "float32")  # noqa: E731
    table = tables.results_table({"half": half}, [(L, ab)], profile="smoke", data="random")
    expected = metrics.evaluate(half, [(L, ab)])
    assert set(expected) <= set(table["half"])
    for key, value in expected.items():
        assert table["half"][key] == pytest.approx(value)


@pytest.mark.parametrize("name", ["results_table", "ResultsTable", "metrics_table", "META_KEYS"])
def test_the_old_plot_names_of_the_tables_warn_and_still_work(name):
    with pytest.warns(DeprecationWarning, match=f"kcolor.tables.{name}"):
        old = getattr(plot, name)
    assert old is getattr(tables, name)
    with pytest.warns(DeprecationWarning):
        from kcolor.plot import metrics_table  # noqa: F401  (the import form warns too)


def test_plot_no_longer_lists_the_tables_and_rejects_unknown_names():
    assert "results_table" not in plot.__all__ and "results_table" in tables.__all__
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        plot.nonexistent  # noqa: B018


def test_claims_table_computes_yes_and_no_and_renders_both_ways():
    acc = {"cGAN": 0.61, "grey": 0.556}
    table = tables.claims_table([
        ("B", "4.3", "the cGAN beats grey at 5%", f"{acc['cGAN']:.3f} vs {acc['grey']:.3f}",
         np.float32(acc["cGAN"]) > acc["grey"]),
        tables.Claim("E", "5", "dropout helps", "0.40 vs 0.41", 0.40 > 0.41),
    ], title="smoke profile, sample photos")
    assert len(table) == 2
    assert table.supported == {"the cGAN beats grey at 5%": True, "dropout helps": False}
    assert isinstance(table.claims[0].supported, bool)
    md = table.markdown.splitlines()
    assert md[0] == "**smoke profile, sample photos**"
    assert md[2].startswith("| paper | section | the paper says | ours | supported here? |")
    assert md[4].endswith("| yes |") and md[5].endswith("| **no** |")
    html = table._repr_html_()
    assert 'class="kcolor-results kcolor-claims"' in html and "<b>no</b>" in html
    with pytest.raises(TypeError, match="Claim or a tuple"):
        tables.claims_table([("B", "4.3", "too short")])
    with pytest.raises(ValueError, match="words"):
        tables.Claim("B", "4.3", "  ", "x", True)


def test_beyond_spread_calls_a_difference_only_beyond_the_seed_spread():
    # means 0.5717 and 0.52, spreads 0.014 and 0.012: 0.0517 apart, beyond both.
    a, b = [0.571, 0.565, 0.579], [0.520, 0.514, 0.526]
    assert tables.beyond_spread(a, b) is True and tables.beyond_spread(b, a) is False
    # means 0.54 and 0.535 (0.005 apart), spreads 0.04 and 0.01: within.
    assert tables.beyond_spread([0.52, 0.56], [0.53, 0.54]) is None
    assert tables.beyond_spread([0.53, 0.54], [0.52, 0.56]) is None
    # 1 apart (means 2 and 1) against a spread of exactly 1: not larger, so within.
    assert tables.beyond_spread([1.5, 2.5], [1.0]) is None
    assert tables.beyond_spread([1.75, 2.25], [1.0]) is True  # 1 apart, spread 0.5
    # The larger spread counts, whichever side has it: means 10 and 13, spreads 4 and 0.
    assert tables.beyond_spread([8.0, 12.0, 10.0], [13.0, 13.0]) is None
    assert tables.beyond_spread([9.0, 11.0, 10.0], [13.0, 13.0]) is False  # spread 2 < 3
    # One seed a side: no spread, a plain comparison (a tie is no finding).
    assert tables.beyond_spread([0.6], [0.5]) is True
    assert tables.beyond_spread([0.5], [0.6]) is False
    assert tables.beyond_spread([0.5], [0.5]) is None
    # Against a reference row without seeds (grey): a single number, NumPy values.
    assert tables.beyond_spread(np.array([0.40, 0.41], "float32"), 0.556) is False
    assert tables.beyond_spread((np.float64(17.1), 16.9, 17.0), np.float32(16.3)) is True
    assert tables.beyond_spread([0.40, 0.41, 0.6], 0.45) is None


@pytest.mark.parametrize("a, error, match", [
    ([], ValueError, "a is empty"),
    (np.array([]), ValueError, "a is empty"),
    ("0.5", TypeError, "sequence of numbers"),
    (None, TypeError, "sequence of numbers"),
    ({"seed0": 0.5}, TypeError, "sequence of numbers"),
    ([0.5, "0.6"], TypeError, "must hold numbers"),
    ([0.5, None], TypeError, "must hold numbers"),
    ([True, False], TypeError, "must hold numbers"),
    ([0.5, float("nan")], ValueError, "nan"),
    ([0.5, float("inf")], ValueError, "inf"),
])
def test_beyond_spread_rejects_what_is_not_numbers_over_seeds(a, error, match):
    with pytest.raises(error, match=match):
        tables.beyond_spread(a, [0.5])
    with pytest.raises(error, match=match.replace("a is", "b is")):
        tables.beyond_spread([0.5], a)


def test_a_claim_within_the_seed_spread_says_so_in_both_renderings():
    acc = {"lsgan": [0.571, 0.565, 0.579], "cgan": [0.55, 0.58, 0.56]}
    table = tables.claims_table([
        ("C", "4", "LSGAN beats the cGAN", "57.2% [56.5, 57.9] vs 56.3% [55.0, 58.0]",
         tables.beyond_spread(acc["lsgan"], acc["cgan"])),
        ("B", "4.3", "the cGAN beats grey", "56.3% vs 55.6%", True),
        ("E", "5", "dropout helps", "0.40 vs 0.41", np.bool_(False)),
    ], title="smoke profile, 3 seeds")
    assert table.supported == {"LSGAN beats the cGAN": None, "the cGAN beats grey": True,
                               "dropout helps": False}
    assert [c.verdict for c in table] == ["within the seed spread", "yes", "no"]
    assert "within the seed spread" in repr(table.claims[0])
    md = table.markdown.splitlines()
    assert md[4].endswith("| within the seed spread |")
    assert md[5].endswith("| yes |") and md[6].endswith("| **no** |")
    html = table._repr_html_()
    assert ('<td style="text-align:left">within the seed spread</td>' in html
            and "<b>within" not in html and "<b>no</b>" in html)
    assert tables.VERDICTS == {True: "yes", False: "no", None: "within the seed spread"}
