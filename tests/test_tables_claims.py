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
