"""kcolor.experiments.factory: every configuration builds, and trains one step."""

import time

import numpy as np
import pytest

import kcolor
from kcolor import experiments

TRAINED = [n for n in experiments.NAMES if experiments.config(n, "smoke")["colorizer"]]
# Colourisation experiments: (L, ab) or (Y, UV) from colour photos. Notebook 06's
# unconditional generators of grey digits test their full profile in their own
# test file (tests/test_papers_d_c.py).
COLOURISERS = [n for n in TRAINED if experiments.config(n, "full")["color_space"] != "gray"]
# Notebook 07 registers 20 combinations of 5 GAN families x 2 reconstruction
# terms x 2 discriminators on one U-Net. An L2 term changes no network, so the
# step test covers every family and every network once (seven of the twenty;
# a full-width WGAN-GP step alone takes tens of seconds on 2 cores).
_07_STEP_TESTED = {f"07_{family}_l1_patch" for family in
                   ("cgan", "lsgan", "ebgan", "wgan_clip", "wgan_gp")}
_07_STEP_TESTED |= {"07_cgan_l1_global", "07_ebgan_l1_global"}
COLOURISERS = [n for n in COLOURISERS if not n.startswith("07_") or n in _07_STEP_TESTED]


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


# One experiment for each kind of model the factory builds (each colorizer
# class, with and without paper A's preprocessing).
_KINDS = {}
for _name in TRAINED:
    _cfg = experiments.config(_name, "smoke")
    _KINDS.setdefault((_cfg["colorizer"], _cfg.get("preprocessing")), _name)


@pytest.mark.parametrize("name", sorted(_KINDS.values()))
def test_build_makes_the_configs_colorizer_class(name):
    cfg = experiments.config(name, "smoke")
    warm = None
    if cfg["warm_start"]:
        warm = experiments.build(cfg["warm_start"], "smoke", image_size=16)
    model = experiments.build(name, "smoke", image_size=16, warm_start=warm)
    assert type(model) is cfg["colorizer"]


def test_build_refuses_an_experiment_without_a_model_and_a_class_it_cannot_build():
    with pytest.raises(ValueError, match="trains no model"):
        experiments.build("00_metrics")
    with pytest.raises(ValueError, match="cannot build a Sequential"):
        experiments.build("03_unet_l2", overrides={"colorizer": kcolor.backend.keras.Sequential})


def test_the_gan_settings_reach_the_constructor():
    gan = experiments.build("03_cgan", "smoke", image_size=16,
                            overrides={"gan": {"l1_weight": 7.0}})
    assert gan.get_config()["l1_weight"] == 7.0


def test_datasets_give_the_configs_color_space_and_image_size():
    train, test = experiments.datasets("01_koo_baseline", "smoke", image_size=16)
    Y, UV = next(iter(test))
    assert Y.shape[1:] == (16, 16, 1) and UV.shape[1:] == (16, 16, 2)
    assert train.cardinality() == kcolor.backend.tf.data.INFINITE_CARDINALITY  # steps counted
    digits, _ = experiments.datasets("06_dcgan", "smoke")
    assert next(iter(digits)).shape[1:] == (32, 32, 1)
