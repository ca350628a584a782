"""kcolor.experiments.registry: every experiment's settings are complete and plain."""

import ast
import inspect
from types import SimpleNamespace

import pytest

import kcolor
from kcolor import experiments
from kcolor.colorizers import AdversarialColorizer, ClassColorizer, Colorizer
from kcolor.experiments import paper_a, paper_b, papers_d_c, papers_e_c, registry

REQUIRED = ("dataset", "image_size", "batch_size", "epochs", "steps_per_epoch", "cite",
            "colorizer", "color_space", "warm_start")
PAPER_MODULES = (paper_a, paper_b, papers_d_c, papers_e_c)


@pytest.mark.parametrize("profile", experiments.PROFILES)
@pytest.mark.parametrize("name", experiments.NAMES)
def test_every_config_has_the_design_keys(name, profile):
    cfg = experiments.config(name, profile)
    assert all(key in cfg for key in REQUIRED), sorted(set(REQUIRED) - set(cfg))
    assert cfg["name"] == name and cfg["profile"] == profile
    if cfg["colorizer"]:
        assert cfg["epochs"] >= 1 and cfg["optimizer"]["learning_rate"] > 0
    if profile == "smoke":
        # CI and the smoke profile never need a download ("digits": kcolor.data.font_digits).
        assert cfg["dataset"] in ("sample", "digits")


def test_config_is_a_copy():
    cfg = experiments.config("03_cgan", "quick")
    cfg["generator"]["width"] = 99
    assert experiments.config("03_cgan", "quick")["generator"]["width"] != 99
    assert cfg["colorizer"] is kcolor.CGAN  # a class is copied as itself


def test_profiles_differ_only_in_configuration():
    smoke, full = experiments.config("03_cgan", "smoke"), experiments.config("03_cgan", "full")
    assert smoke["colorizer"] is full["colorizer"] and smoke["gan"] == full["gan"]
    assert full["epochs"] == 200 and full["batch_size"] == 128  # paper B, Table 1
    assert full["optimizer"] == {"name": "adam", "learning_rate": 2e-4, "beta_1": 0.5}
    places = experiments.config("03_cgan_places365", "full")
    assert (places["dataset"], places["image_size"], places["epochs"]) == (
        "places365_small", 256, 20)


def test_unknown_names_and_profiles_list_the_valid_ones():
    with pytest.raises(ValueError, match="03_cgan"):
        experiments.config("03_gan", "smoke")
    with pytest.raises(ValueError, match="smoke.*quick.*full"):
        experiments.config("03_cgan", "fast")


def test_describe_names_the_profile_and_the_paper():
    text = experiments.describe("03_cgan", "quick")
    assert "quick" in text and "paper B" in text and "cifar10" in text


def test_overrides_change_the_run_and_reject_unknown_settings():
    cfg = experiments.config("03_cgan", "quick", {"gan": {"l1_weight": 0.0}, "epochs": 1})
    assert cfg["gan"]["l1_weight"] == 0.0 and cfg["epochs"] == 1
    assert cfg["gan"]["one_sided_label_smoothing"] == 0.1  # merged, not replaced
    with pytest.raises(ValueError, match="Unknown settings"):
        experiments.config("03_cgan", "quick", {"learning_rate": 1.0})


def test_a_name_registered_twice_is_an_error():
    first = SimpleNamespace(__name__="first", EXPERIMENTS={"x": {}})
    again = SimpleNamespace(__name__="again", EXPERIMENTS={"x": {}, "y": {}})
    with pytest.raises(ValueError, match=r"again.EXPERIMENTS repeats \['x'\]"):
        registry.collect([first, again])
    assert list(registry.collect([first, SimpleNamespace(__name__="none")])) == ["x"]
    assert registry.NAMES == tuple(registry.collect(registry.MODULES))


@pytest.mark.parametrize("name", experiments.NAMES)
def test_every_config_names_its_colorizer_class_and_the_networks_it_needs(name):
    """A reader follows ``cfg["colorizer"]`` to the class in one hop; the keys say what they hold."""
    cfg = experiments.config(name, "full")
    colorizer = cfg["colorizer"]
    if colorizer is None:
        assert not {"network", "generator", "discriminator"} & set(cfg)
        return
    assert inspect.isclass(colorizer) and colorizer.__module__.startswith("kcolor.colorizers")
    assert getattr(kcolor, colorizer.__name__) is colorizer
    if issubclass(colorizer, AdversarialColorizer):
        assert {"generator", "discriminator", "gan", "d_optimizer"} <= set(cfg)
        assert "network" not in cfg
        # The GAN's settings are flat plain values, for options.from_settings.
        assert all(isinstance(v, (int, float, str, bool, type(None)))
                   for v in cfg["gan"].values()), cfg["gan"]
    else:
        assert issubclass(colorizer, (Colorizer, ClassColorizer))
        assert "network" in cfg and not {"generator", "discriminator", "gan"} & set(cfg)
    for key in ("network", "generator", "discriminator"):
        if key in cfg:
            assert cfg[key]["builder"] in kcolor.models.BUILDERS, (name, key)


def test_notebook_03s_cgan_is_the_cgan_class():
    assert experiments.config("03_cgan", "quick")["colorizer"] is kcolor.CGAN
    assert experiments.config("03_unet_l2", "quick")["colorizer"] is kcolor.Colorizer


def test_the_paper_modules_hold_settings_and_import_no_code_of_the_experiments():
    """Dictionaries only: no module of the paper's settings imports the factory or the runner."""
    allowed = ("kcolor.colorizers", "kcolor.experiments.settings", "kcolor.metrics",
               "kcolor.quantize")
    for module in PAPER_MODULES:
        tree = ast.parse(inspect.getsource(module))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                raise AssertionError(f"{module.__name__} imports {node.names[0].name}")
            if isinstance(node, ast.ImportFrom):
                assert node.module in allowed, (module.__name__, node.module)
        public = [node.name for node in tree.body
                  if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                  and not node.name.startswith("_")]
        assert public in ([], ["name_07"]), (module.__name__, public)  # names, not code
        assert isinstance(module.EXPERIMENTS, dict)
