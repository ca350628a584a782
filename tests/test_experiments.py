"""kcolor.experiments: every configuration is complete, and every full one trains a step."""

import time

import numpy as np
import pytest

import kcolor
from kcolor import experiments

REQUIRED = ("dataset", "image_size", "batch_size", "epochs", "steps_per_epoch", "cite")
TRAINED = [n for n in experiments.NAMES if experiments.config(n, "smoke")["model"]]
# Colourisation experiments: (L, ab) or (Y, UV) from colour photos. Experiments
# with a data source of their own (unconditional generation) test their full
# profile in their own test file.
COLOURISERS = [n for n in TRAINED if experiments.config(n, "full")["dataset"]
               not in experiments._SOURCES]
# Notebook 07 registers 20 combinations of 5 GAN families x 2 reconstruction
# terms x 2 discriminators on one U-Net. An L2 term changes no network, so the
# step test covers every family and every network once (seven of the twenty;
# a full-width WGAN-GP step alone takes tens of seconds on 2 cores).
_07_STEP_TESTED = {f"07_{family}_l1_patch" for family in
                   ("cgan", "lsgan", "ebgan", "wgan_clip", "wgan_gp")}
_07_STEP_TESTED |= {"07_cgan_l1_global", "07_ebgan_l1_global"}
COLOURISERS = [n for n in COLOURISERS if not n.startswith("07_") or n in _07_STEP_TESTED]


@pytest.mark.parametrize("profile", experiments.PROFILES)
@pytest.mark.parametrize("name", experiments.NAMES)
def test_every_config_has_the_design_keys(name, profile):
    cfg = experiments.config(name, profile)
    assert all(key in cfg for key in REQUIRED), sorted(set(REQUIRED) - set(cfg))
    assert cfg["name"] == name and cfg["profile"] == profile
    if cfg["model"]:
        assert cfg["epochs"] >= 1 and cfg["optimizer"]["learning_rate"] > 0
    if profile == "smoke":
        # CI and the smoke profile never need a download ("digits": kcolor.data.font_digits).
        assert cfg["dataset"] in ("sample", "digits")


def test_config_is_a_copy():
    cfg = experiments.config("03_cgan", "quick")
    cfg["generator"]["width"] = 99
    assert experiments.config("03_cgan", "quick")["generator"]["width"] != 99


def test_profiles_differ_only_in_configuration():
    smoke, full = experiments.config("03_cgan", "smoke"), experiments.config("03_cgan", "full")
    assert smoke["model"] == full["model"] and smoke["gan"] == full["gan"]
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
    with pytest.raises(ValueError, match="trains no model"):
        experiments.build("00_metrics")


def _network_size(model):
    network = model.generator if hasattr(model, "generator") else model.network
    return network.count_params()


def _build_tiny(name, profile, image_size=32):
    """The experiment's model at ``image_size``, with an untrained warm start where it needs one."""
    start_from = experiments.config(name, profile)["warm_start"]
    warm = _build_tiny(start_from, profile, image_size) if start_from else None
    return experiments.build(name, profile, image_size=image_size, warm_start=warm)


def _build_smallest(name):
    """The full and the smoke model at the smallest of 8, 16 and 32 px both accept."""
    for size in (8, 16, 32):
        try:
            return _build_tiny(name, "full", size), _build_tiny(name, "smoke", size), size
        except ValueError as error:  # e.g. "patchgan: image_size must be at least 16"
            if size == 32 or "image_size" not in str(error):
                raise


@pytest.mark.parametrize("name", COLOURISERS)
def test_every_full_configuration_builds_and_trains_one_step(name):
    """The full profile cannot rot: paper-scale networks, one step on tiny input."""
    cfg = experiments.config(name, "full")
    model, smoke, size = _build_smallest(name)
    # The paper's width, never a smoke network's (paper A's baseline has one width).
    assert _network_size(model) >= _network_size(smoke)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(2, size, size, 3), dtype=np.uint8)
    train = kcolor.data.from_arrays(images, batch_size=2, color_space=cfg["color_space"])
    if isinstance(model, kcolor.ClassColorizer):  # class prior and bin means, as notebooks do
        model.bins.fit(train)
    before = [w.copy() for w in model.get_weights()]
    logs = model.fit(train, epochs=1, verbose=0).history  # one step: 2 images, batch 2
    assert all(np.isfinite(v[-1]) for v in logs.values())
    changed = [not np.array_equal(a, b) for a, b in zip(before, model.get_weights())]
    assert any(changed), f"{name} ({cfg['profile']}): one step changed no weight"


def test_quick_data_fails_fast_offline(tmp_path):
    start = time.perf_counter()
    with pytest.raises(kcolor.data.DatasetNotPreparedError):
        experiments.datasets("03_cgan", "quick", data_dir=str(tmp_path))
    assert time.perf_counter() - start < 10


def test_npz_data_and_a_short_run_lower_the_loss(tmp_path):
    """The path benchmarks/quality.py takes: arrays from an npz, the profile's steps."""
    rng = np.random.default_rng(1)
    red = np.array([200, 60, 60]) + rng.integers(-10, 11, size=(64, 8, 8, 3))
    x = red.astype(np.uint8)  # a learnable colour: red everywhere, with a little noise
    np.savez(tmp_path / "tiny.npz", x_train=x, x_test=x[:16])
    train, test = experiments.datasets("03_unet_l2", "smoke", npz=tmp_path / "tiny.npz",
                                       image_size=8)
    L, ab = next(iter(train))
    assert L.shape[1:] == (8, 8, 1) and ab.shape[1:] == (8, 8, 2)
    model = experiments.build("03_unet_l2", "smoke", image_size=8)
    first = model.evaluate(test, verbose=0, return_dict=True)["loss"]
    history = experiments.fit(model, train, "03_unet_l2", "smoke", verbose=0)
    assert history.wall_time > 0
    assert model.evaluate(test, verbose=0, return_dict=True)["loss"] < 0.5 * first


def test_describe_names_the_profile_and_the_paper():
    text = experiments.describe("03_cgan", "quick")
    assert "quick" in text and "paper B" in text and "cifar10" in text


def test_warm_start_copies_the_trained_network_and_is_required_where_configured():
    unet = experiments.build("03_unet_l2", "quick")
    with pytest.raises(ValueError, match="warm_start"):
        experiments.build("03_cgan", "quick")  # the quick profile starts from the U-Net
    gan = experiments.build("03_cgan", "quick", warm_start=unet)
    for ours, theirs in zip(gan.generator.get_weights(), unet.network.get_weights()):
        np.testing.assert_array_equal(ours, theirs)
    cold = experiments.build("03_cgan", "smoke")
    assert experiments.config("03_cgan", "smoke")["warm_start"] is None
    assert cold.generator.count_params() == gan.generator.count_params()


def test_overrides_change_the_run_and_reject_unknown_settings():
    cfg = experiments.config("03_cgan", "quick", {"gan": {"l1_weight": 0.0}, "epochs": 1})
    assert cfg["gan"]["l1_weight"] == 0.0 and cfg["epochs"] == 1
    assert cfg["gan"]["one_sided_label_smoothing"] == 0.1  # merged, not replaced
    with pytest.raises(ValueError, match="Unknown settings"):
        experiments.config("03_cgan", "quick", {"learning_rate": 1.0})


def test_a_name_registered_twice_is_an_error():
    from types import SimpleNamespace

    first = SimpleNamespace(__name__="first", EXPERIMENTS={"x": {}}, SOURCES={"d": print})
    again = SimpleNamespace(__name__="again", EXPERIMENTS={"x": {}, "y": {}})
    with pytest.raises(ValueError, match=r"again.EXPERIMENTS repeats \['x'\]"):
        experiments._collect([first, again])
    loader = SimpleNamespace(__name__="loader", EXPERIMENTS={"z": {}}, SOURCES={"d": len})
    with pytest.raises(ValueError, match=r"loader.SOURCES repeats \['d'\]"):
        experiments._collect([first, loader])
    builder = SimpleNamespace(__name__="builder", EXPERIMENTS={}, MODELS={"M": len})
    with pytest.raises(ValueError, match=r"builder.MODELS repeats \['M'\]"):
        experiments._collect([builder, builder])
    names, models, sources = experiments._collect([first, builder])
    assert list(names) == ["x"] and models == {"M": len} and sources == {"d": print}


def test_every_configs_model_has_a_builder():
    from kcolor.colorizers import CGAN, EBGAN, LSGAN, WGAN

    generic = {"Colorizer"} | {gan.__name__ for gan in (CGAN, LSGAN, WGAN, EBGAN)}
    for name in TRAINED:
        model = experiments.config(name, "full")["model"]
        assert model in experiments._MODELS or model in generic, (name, model)


def test_network_names_its_builder_and_rejects_an_unknown_one():
    net = experiments.network({"builder": "patchgan", "width": 0.25}, 32, seed=0)
    assert net.name == "patchgan"
    with pytest.raises(ValueError, match="Unknown network builder 'resnet'.*unet"):
        experiments.network({"builder": "resnet"}, 32, seed=0)


def test_the_optimizer_follows_the_configs_schedule():
    cosine = experiments.config("03_unet_l2", "smoke")
    opt = experiments.optimizer(cosine)
    steps = experiments.total_steps(cosine)
    assert float(opt.learning_rate) == pytest.approx(2e-3)  # before the first step
    opt.iterations.assign(steps // 2)
    assert float(opt.learning_rate) == pytest.approx(1e-3, rel=1e-3)  # half-way: half
    opt.iterations.assign(steps)
    assert float(opt.learning_rate) == pytest.approx(0.0, abs=1e-9)  # decayed to zero
    constant = experiments.optimizer(experiments.config("03_cgan", "full"), "d_optimizer")
    assert float(constant.learning_rate) == pytest.approx(2e-4)
    assert float(constant.beta_1) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="cosine schedule needs steps_per_epoch"):
        experiments.optimizer(experiments.config("03_unet_l2", "full", {"schedule": "cosine"}))


def test_paper_modules_do_not_import_the_registry_back():
    """They build from kcolor.experiments.builders; the registry imports them."""
    import ast
    import inspect

    from kcolor.experiments import paper_a, paper_b, papers_d_c, papers_e_c

    for module in (paper_a, paper_b, papers_d_c, papers_e_c):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.ImportFrom) and node.module == "kcolor":
                assert "experiments" not in [a.name for a in node.names], module.__name__
            if isinstance(node, ast.Import):
                assert "kcolor.experiments" not in [a.name for a in node.names]


def test_the_old_family_builder_tables_warn_and_name_the_new_ones():
    from kcolor.experiments import paper_a, papers_e_c

    with pytest.warns(DeprecationWarning, match="paper_a.MODELS"):
        assert paper_a.FAMILIES is paper_a.MODELS
    with pytest.warns(DeprecationWarning, match="papers_e_c.MODELS"):
        assert papers_e_c.FAMILIES is papers_e_c.MODELS
    with pytest.warns(DeprecationWarning, match="kcolor.experiments.fit_bins"):
        assert papers_e_c.fit_bins is experiments.fit_bins
