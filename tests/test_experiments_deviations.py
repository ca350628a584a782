"""kcolor.experiments.deviations: a profile's settings against the paper's recipe."""

import json
import re
from pathlib import Path

import pytest

from kcolor import experiments
from kcolor.experiments import papers_d_c, registry
from kcolor.experiments.paper_a import LADDER
from kcolor.experiments.settings import NOT_STATED, recipe

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _notebook_experiments():
    """Every experiment notebooks 01 to 07 name, with those they train from lists."""
    names = set()
    for path in sorted(NOTEBOOKS.glob("0[1-7]_*.ipynb")):
        source = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                           if c["cell_type"] == "code")
        names |= {n for n in re.findall(r"[\"'](0[1-7]_[a-z0-9_]+)[\"']", source)
                  if n in registry.EXPERIMENTS}
    # The notebooks loop over these lists instead of naming each run.
    names |= {name for name, _, _ in LADDER}
    names |= set(papers_d_c.ZOO_06) | set(papers_d_c.VARIANTS_07)
    names |= {"04_l2", "04_l2_dropout", "04_smooth_l1", "04_ce10", "04_ce30", "04_ce50",
              "05_colorful", "05_colorful_l1", "05_colorful_l2", "05_colorful_cgan",
              "03_unet_l1"}
    return sorted(names)


def test_every_experiment_the_notebooks_train_has_a_recipe():
    names = _notebook_experiments()
    assert "03_cgan" in names and "01_koo_baseline" in names and len(names) >= 25
    missing = [n for n in names if n not in experiments.RECIPES]
    assert not missing, f"no recipe for {missing}"
    for name in names:
        for key, (value, source) in experiments.RECIPES[name].items():
            assert re.match(r"[A-E]\b", source), (name, key, source)  # a paper's letter first


@pytest.mark.parametrize("name", sorted(registry.RECIPES))
def test_a_recipe_covers_every_setting_of_every_profile(name):
    for profile in experiments.PROFILES:
        table = experiments.deviations(name, profile)
        unlisted = [r["key"] for r in table.rows if r["source"] == "not in the paper's recipe"]
        assert not unlisted, f"{name} ({profile}): the recipe does not list {unlisted}"
        assert all(re.match(r"[A-E]\b", r["source"]) for r in table.rows), name
        assert not {r["setting"] for r in table.rows} & set(table.same), name


def test_the_quick_cgan_of_notebook_03_shows_its_levers():
    table = experiments.deviations("03_cgan", "quick")
    l1 = table["L1 weight"]
    assert (l1["paper"], l1["this profile"], l1["status"]) == ("100", "350", "differs")
    assert l1["source"].startswith("B §3.3") and table["gan.l1_weight"] is l1
    thermostat = table["gan.color_target"]
    assert thermostat["paper"] == "off" and float(thermostat["this profile"]) == pytest.approx(
        experiments.config("03_cgan", "quick")["gan"]["color_target"])
    warm = table["warm start"]
    assert warm["this profile"] == "03_unet_l2" and "scratch" in warm["paper"]
    assert table["generator.width"]["this profile"] == "0.25"
    assert table["generator.width"]["paper"] == "1"
    assert table["discriminator"]["this profile"] == "patchgan"
    # As the paper states it: not a row, counted among the same.
    assert "one-sided label smoothing (off the real label)" in table.same
    with pytest.raises(KeyError, match="as the paper states it"):
        table["gan.one_sided_label_smoothing"]
    assert {r["status"] for r in table.rows} == {"differs", "not stated"}
    assert set(table.rows[0]) >= {"setting", "paper", "this profile", "source"}


def test_the_controllers_a_profile_adds_are_named():
    assert experiments.deviations("03_cgan", "quick").controllers == ["the colour thermostat"]
    assert experiments.deviations("03_cgan", "full").controllers == []
    assert experiments.deviations("07_cgan_l1_patch", "quick").controllers == [
        "a wall-time budget"]
    ramped = experiments.deviations("03_cgan", "full",
                                    overrides={"gan": {"adversarial_warmup": 600}})
    assert ramped.controllers == ["the adversarial ramp"]
    assert ramped["gan.adversarial_warmup"]["paper"] == "0"


def test_the_full_profile_deviates_less_than_quick():
    quick = experiments.deviations("03_cgan", "quick")
    full = experiments.deviations("03_cgan", "full")
    assert len(full.differences) < len(quick.differences)
    assert len(full.same) > len(quick.same)
    assert "L1 weight" in full.same and "warm start" in full.same
    # What the full profile still does otherwise: ab out (B's U-Net outputs L*a*b*), and a
    # constant rate where the paper decayed it by hand.
    assert [r["key"] for r in full.differences] == ["generator.output_channels", "schedule"]


def test_a_replaced_network_says_which_settings_it_lacks():
    # Notebook 02's last rung swaps paper A's pooled D for a PatchGAN.
    table = experiments.deviations("02_koo_dcgan_patchgan", "full")
    assert table["discriminator"]["paper"] == "koo_discriminator"
    assert table["discriminator.width"]["source"] == (
        "A: the paper's discriminator (koo_discriminator) has no such setting")
    assert table["discriminator.conv_dropout"]["this profile"] == (
        "— (patchgan has no such setting)")
    # The ladder's first rung is paper A's GAN: only its reading of the margin and the
    # schedule differ in the full profile.
    first = experiments.deviations("02_koo_dcgan_saturating", "full")
    assert [r["key"] for r in first.differences] == ["gan.margin_on", "schedule"]


def test_an_override_shows_as_a_deviation():
    table = experiments.deviations("03_cgan", "full", overrides={"gan": {"l1_weight": 0.0}})
    assert table["L1 weight"]["this profile"] == "0"


def test_renderings_carry_the_class_the_page_looks_for():
    table = experiments.deviations("03_cgan", "quick")
    page = table._repr_html_()
    assert page.startswith('<table class="kcolor-deviations">')
    assert "<caption>03_cgan, quick profile, against paper B&#x27;s recipe" in page
    assert "<td style=\"text-align:left\">L1 weight</td>" in page
    assert "kcolor-results" not in page  # the page would take it for a results table
    text = str(table)
    assert "| L1 weight | 100 | 350 | B §3.3 |" in text
    assert text.startswith("**03_cgan, quick profile") and "As the paper states them:" in text
    assert repr(table) == text


def test_unknown_names_and_experiments_without_a_recipe_get_clear_errors():
    with pytest.raises(ValueError, match="Unknown experiment '03_cgann'"):
        experiments.deviations("03_cgann", "quick")
    with pytest.raises(ValueError, match="Unknown profile 'fast'"):
        experiments.deviations("03_cgan", "fast")
    with pytest.raises(ValueError, match="00_metrics has no recipe"):
        experiments.deviations("00_metrics", "quick")


def test_recipe_flattens_groups_and_keeps_each_source():
    made = recipe(("B §3.3", {"gan": {"l1_weight": 100.0}, "epochs": 200}),
                  ("B does not say", {"augment": NOT_STATED, "epochs": NOT_STATED}))
    assert made == {"gan.l1_weight": (100.0, "B §3.3"), "epochs": (NOT_STATED, "B does not say"),
                    "augment": (NOT_STATED, "B does not say")}
    with pytest.raises(TypeError, match="source text, settings dict"):
        recipe(({"epochs": 1}, "B"))
