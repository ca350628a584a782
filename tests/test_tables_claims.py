"""kcolor.tables.claims: a paper's claims against our numbers, with their verdicts."""

import numpy as np
import pytest

from kcolor import tables


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
    assert md[2] == "| paper | section | the paper says | ours | criterion | supported here? |"
    assert md[3] == "|---|---|---|---|---|---|"
    assert md[4].count(" | ") == 5  # a 5-tuple: an empty criterion cell
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
    assert tables.VERDICTS == {True: "yes", False: "no", None: "within the seed spread",
                               "steered": "steered", "cannot tell": "cannot tell"}


def test_a_criterion_has_its_own_column_and_the_new_verdicts_render():
    table = tables.claims_table([
        ("A", "5.1", "a validation loss of 0.0073", "0.0061 vs grey 0.0069", True,
         "l2_uv < grey's and <= 0.0073"),
        ("B", "4", "more vibrant colours", "0.84x the truth's", tables.STEERED,
         "colourfulness > the U-Net's"),
        ("D", "3.2", "LSGAN covers more modes", "10 vs 10 classes", tables.CANNOT_TELL),
        tables.Claim("B", "4", "a quote", "x", False, criterion="a < b"),
    ])
    assert [c.verdict for c in table] == ["yes", "steered", "cannot tell", "no"]
    assert [c.criterion for c in table] == ["l2_uv < grey's and <= 0.0073",
                                            "colourfulness > the U-Net's", "", "a < b"]
    assert table.supported["more vibrant colours"] == tables.STEERED == "steered"
    md = table.markdown.splitlines()
    assert md[2].endswith("| l2_uv < grey's and <= 0.0073 | yes |")
    assert md[3].endswith("| colourfulness > the U-Net's | steered |")
    assert md[4].endswith("| 10 vs 10 classes |  | cannot tell |")
    html = table._repr_html_()
    assert "<th style=\"text-align:left\">criterion</th>" in html
    assert "l2_uv &lt; grey&#x27;s and &lt;= 0.0073" in html
    assert ">steered</td>" in html and ">cannot tell</td>" in html and "<b>no</b>" in html


@pytest.mark.parametrize("verdict", [1, 0, 0.5, "yes", "no", "Steered", np.array([True]),
                                     "within the seed spread"])
def test_any_other_verdict_is_a_clear_error(verdict):
    with pytest.raises(ValueError, match="verdict must be True .* got"):
        tables.Claim("B", "4", "the words", "x", verdict)
    with pytest.raises(ValueError, match="B 4 'the words'"):
        tables.claims_table([("B", "4", "the words", "x", verdict, "a > b")])
    with pytest.raises(TypeError, match="criterion must be text"):
        tables.Claim("B", "4", "the words", "x", True, criterion=3)


def _loss_row(scores, references, **kwargs):
    return tables.claim(
        "A", "5.1", "a validation loss of 0.0073",
        lambda s: s["l2_uv"] <= 0.0073 and s["l2_uv"] < s["grey"], scores, references,
        evidence=f"{scores['l2_uv']:.4f}", criterion="l2_uv < grey's and <= 0.0073", **kwargs)


def test_claim_computes_its_verdict_once_the_references_fail():
    grey = {"l2_uv": 0.0069, "grey": 0.0069}
    assert _loss_row({"l2_uv": 0.0061, "grey": 0.0069}, {"grey": grey}).supported is True
    row = _loss_row({"l2_uv": 0.0072, "grey": 0.0069}, {"grey": grey})
    assert row.supported is False and row.criterion == "l2_uv < grey's and <= 0.0073"
    assert row.ours == "0.0072"
    # A test that returns a NumPy bool or a beyond_spread verdict.
    within = tables.claim("C", "4", "LSGAN beats the cGAN",
                          lambda s: tables.beyond_spread(s, [0.55, 0.58]), [0.56, 0.57],
                          {"grey": [0.50]}, evidence="56.5% vs 56.5%", criterion="beyond spread")
    assert within.supported is None and within.verdict == "within the seed spread"
    boolean = tables.claim("B", "4", "x", lambda s: np.float32(s) > np.float32(0.5), 0.6,
                           {"grey": 0.4}, evidence="0.6", criterion="> 0.5")
    assert boolean.supported is True and isinstance(boolean.supported, bool)


def test_claim_refuses_a_test_that_the_grey_predictor_or_a_degenerate_model_passes():
    # Paper A's 0.0073 alone: grey scores 0.0069 and would read "yes".
    with pytest.raises(ValueError, match=r"A 5.1 'a validation loss of 0.0073'.*'grey'"):
        tables.claim("A", "5.1", "a validation loss of 0.0073", lambda s: s <= 0.0073, 0.0061,
                     {"grey": 0.0069}, evidence="0.0061", criterion="l2_uv <= 0.0073")
    # A discriminator check on the fake side only: an all-"fake" D passes it.
    only_fake = lambda d: d["fake_acc"] > 0.9
    with pytest.raises(ValueError, match="'all fake'.*could not fail"):
        tables.claim("A", "5.2", "D too good", only_fake, {"fake_acc": 0.95, "real_acc": 0.9},
                     {"chance": {"fake_acc": 0.5, "real_acc": 0.5},
                      "all fake": {"fake_acc": 1.0, "real_acc": 0.0}},
                     evidence="95% / 90%", criterion="fake accuracy > 90%")
    both = lambda d: min(d["fake_acc"], d["real_acc"]) > 0.9
    row = tables.claim("A", "5.2", "D too good", both, {"fake_acc": 0.95, "real_acc": 0.93},
                       {"all fake": {"fake_acc": 1.0, "real_acc": 0.0}},
                       evidence="95% / 93%", criterion="both accuracies > 90%")
    assert row.supported is True
    with pytest.raises(ValueError, match="at least one reference"):
        _loss_row({"l2_uv": 0.0061, "grey": 0.0069}, {})
    with pytest.raises(ValueError, match="reference 'grey'.*verdict must be"):
        tables.claim("B", "4", "x", lambda s: s, 0.6, {"grey": 0.4}, evidence="", criterion="")


def test_claim_steered_by_a_controller_never_reads_yes():
    row = tables.claim("B", "4", "more vibrant", lambda s: s > 0.5, 0.84, {"grey": 0.0},
                       evidence="0.84x", criterion="colourfulness > 0.5x",
                       steered_by="the colour thermostat")
    assert row.supported == tables.STEERED and row.verdict == "steered"
    assert "held by the colour thermostat" in row.ours
    row = tables.claim("B", "4", "more vibrant", lambda s: s > 0.5, 0.3, {"grey": 0.0},
                       evidence="0.3x", criterion="colourfulness > 0.5x",
                       steered_by="the colour thermostat")
    assert row.supported is False  # a miss is still a "no"
