"""Notebooks 06 and 07: the font digits, the MLP GAN, the time budget, the registry.

Notebook 06's experiments are unconditional generators of grey digits, so
``tests/test_experiments_factory.py`` leaves their full profile to this
file: every full configuration builds and trains one step on tiny input
here.
"""

import numpy as np
import pytest

import kcolor
from kcolor import experiments
from kcolor.backend import keras
from kcolor.experiments import papers_d_c as dc


# ------------------------------------------------------------------ font digits


def test_font_digits_are_mnist_like_labelled_and_deterministic():
    images, labels = kcolor.data.font_digits(200, seed=3)
    assert images.shape == (200, 28, 28, 1) and images.dtype == np.uint8
    assert labels.shape == (200,) and set(labels) == set(range(10))
    assert np.bincount(labels, minlength=10).min() == 20  # balanced
    # White strokes on a black background, like MNIST.
    assert images.max(axis=(1, 2, 3)).min() > 128
    assert np.median(images) == 0 and images[:, 0, :, :].mean() < 5
    again, again_labels = kcolor.data.font_digits(200, seed=3)
    np.testing.assert_array_equal(images, again)
    np.testing.assert_array_equal(labels, again_labels)
    other, _ = kcolor.data.font_digits(200, seed=4)
    assert not np.array_equal(images, other)


def test_font_digits_jitter_moves_each_copy_of_a_digit():
    images, labels = kcolor.data.font_digits(100, seed=0)
    ones = images[labels == 1].astype(float)
    assert len(ones) == 10
    differences = [np.abs(ones[0] - ones[i]).mean() for i in range(1, len(ones))]
    assert min(differences) > 1.0  # no two copies are the same picture


def test_digit_datasets_give_grey_batches_in_minus_one_one():
    train, test = kcolor.data.digit_datasets(image_size=32, batch_size=16, n_train=64,
                                             n_test=32)
    batch = next(iter(train)).numpy()
    assert batch.shape == (16, 32, 32, 1)
    assert batch.min() >= -1.0 and batch.max() <= 1.0 and batch.min() < -0.99
    assert sum(len(b) for b in test) == 32


def test_digits_source_backs_the_smoke_profile_of_every_06_experiment():
    for name in dc.ZOO_06:
        assert experiments.config(name, "smoke")["dataset"] == "digits"
        assert experiments.config(name, "quick")["dataset"] == "mnist"
    train, test = experiments.datasets("06_gan", "smoke")
    assert next(iter(train)).shape == (64, 32, 32, 1)


# ------------------------------------------------------------------ the MLP GAN


def test_mlp_networks_are_fully_connected_and_fit_together():
    g = kcolor.models.mlp_generator(28, width=0.25)
    d = kcolor.models.mlp_discriminator(28, width=0.25)
    assert g.output_shape == (None, 28, 28, 1) and d.output_shape == (None, 1)
    kinds = {type(layer).__name__ for layer in g.layers + d.layers}
    assert "Dense" in kinds and not any("Conv" in k for k in kinds)
    assert kcolor.models.mlp_generator(28).count_params() == 1_486_352
    assert kcolor.models.mlp_discriminator(28).count_params() == 1_460_225
    with pytest.raises(ValueError, match="hidden"):
        kcolor.models.mlp_generator(28, hidden=())


# ------------------------------------------------------------------ notebook 06


@pytest.mark.slow
@pytest.mark.parametrize("name", dc.ZOO_06)
def test_every_full_06_configuration_builds_and_trains_one_step(name):
    """The full profile cannot rot: the papers' networks, one step on tiny input."""
    import tensorflow as tf

    cfg = experiments.config(name, "full")
    assert cfg["dataset"] == "mnist" and cfg["gan"]["conditional"] is False
    for size in (8, 16, 32):  # the smallest input the networks accept
        try:
            model = experiments.build(name, "full", image_size=size)
            break
        except ValueError as error:
            if size == 32 or "image_size" not in str(error):
                raise
    smoke = experiments.build(name, "smoke", image_size=size)
    assert model.generator.count_params() > smoke.generator.count_params()
    images = np.random.default_rng(0).uniform(-1, 1, size=(2, size, size, 1)).astype("float32")
    train = tf.data.Dataset.from_tensor_slices(images).batch(2)  # one step
    before = [w.copy() for w in model.generator.get_weights()]
    logs = model.fit(train, epochs=1, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in logs.values())
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.generator.get_weights()))
    samples = model.generate(3, seed=0)
    assert samples.shape == (3, size, size, 1) and np.all(np.abs(samples) <= 1.0)


def test_sample_snapshots_keep_the_same_noise_before_and_after_each_epoch():
    import tensorflow as tf

    model = experiments.build("06_gan", "smoke", image_size=32)
    snap = kcolor.callbacks.SampleSnapshots(n=5, seed=1)
    images = np.random.default_rng(0).uniform(-1, 1, size=(8, 32, 32, 1)).astype("float32")
    model.fit(tf.data.Dataset.from_tensor_slices(images).batch(4), epochs=2, verbose=0,
              callbacks=[snap])
    assert len(snap.snapshots) == 3 and snap.snapshots[0].shape == (5, 32, 32, 1)
    assert not np.array_equal(snap.snapshots[0], snap.snapshots[-1])
    z = np.random.default_rng(1).standard_normal((5,) + tuple(model.noise_shape))
    np.testing.assert_allclose(snap.snapshots[-1], model.generator(z.astype("float32")),
                               atol=1e-5)  # the last epoch's samples of the fixed noise
    fig = kcolor.plot.snapshots({"06_gan": snap.snapshots})
    assert len(fig.axes) == 3


@pytest.mark.slow
def test_sample_quality_tells_real_digits_from_a_collapsed_generator():
    scores = kcolor.digit_scores
    x, y = scores.labelled_digits("digits", "train", 3000, image_size=32, seed=0)
    x_test, y_test = scores.labelled_digits("digits", "test", 500, image_size=32, seed=0)
    judge = scores.train_digit_classifier(x, y, epochs=3, seed=0)  # as notebook 06
    real = scores.sample_quality(judge, x_test)
    assert real["classes"] == 10 and real["confidence"] > 0.7 and real["top_share"] < 0.2
    collapsed = scores.sample_quality(judge, np.repeat(x_test[:1], 200, axis=0))
    assert collapsed["classes"] == 1 and collapsed["top_share"] == 1.0
    flat = scores.sample_quality(judge, np.zeros((200, 32, 32, 1), np.float32))
    assert flat["classes"] == 1
    curve = scores.confidence_over_training(judge, [x_test, x_test[:50]])
    assert curve[0] == pytest.approx(real["confidence"]) and len(curve) == 2


def test_labelled_digits_are_the_gans_digits_with_their_labels():
    images, labels = kcolor.digit_scores.labelled_digits("digits", "test", 40, image_size=32,
                                                         seed=3)
    assert images.shape == (40, 32, 32, 1) and images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    _, font_labels = kcolor.data.font_digits(40, seed=4)  # the test split's seed + 1
    np.testing.assert_array_equal(labels, font_labels)
    _, test = kcolor.data.digit_datasets(image_size=32, batch_size=40, n_train=10, n_test=40,
                                         seed=3)
    np.testing.assert_allclose(images, next(iter(test)), atol=1e-6)
    with pytest.raises(ValueError, match="'digits' or 'mnist'"):
        kcolor.digit_scores.labelled_digits("fashion", "test", 4)


def test_digit_classifier_gives_ten_logits_and_checks_its_size():
    model = kcolor.models.digit_classifier(32, seed=0)
    assert model.output_shape == (None, 10) and model.count_params() == 136_586
    assert kcolor.models.digit_classifier(28, width=8).output_shape == (None, 10)
    with pytest.raises(ValueError, match="at least 4"):
        kcolor.models.digit_classifier(2)


# ------------------------------------------------------------------ notebook 07


def test_07_names_cover_every_family_reconstruction_and_discriminator():
    names = [n for n in experiments.NAMES if n.startswith("07_")]
    assert len(names) == 20
    for name in names:
        cfg = experiments.config(name, "full")
        family, recon, disc = name[3:].rsplit("_", 2)
        assert dc.name_07(family, recon, disc) == name
        assert cfg["generator"]["builder"] == "unet" and cfg["dataset"] == "cifar10"
        weights = {k: v for k, v in cfg["gan"].items() if k.endswith("_weight")}
        assert weights == {f"{recon}_weight": 100.0}
        builder = cfg["discriminator"]["builder"]
        if family == "ebgan":
            assert builder == "ebgan_discriminator"
            assert ("code_dim" in cfg["discriminator"]) == (disc == "global")
        else:
            assert builder == {"patch": "patchgan", "global": "dcgan_discriminator"}[disc]
    # Notebook 07: every family in pix2pix's setting (L1, PatchGAN), over several seeds.
    assert dc.VARIANTS_07 == tuple(f"07_{family}_l1_patch" for family in dc.GAN_LOSSES_07)
    assert len(dc.VARIANTS_07) == 5 and dc.SEEDS_07 == 3
    quick = [experiments.config(n, "quick") for n in dc.VARIANTS_07]
    assert {c["time_budget_s"] for c in quick} == {38}  # equal time; 15 runs fit 15 minutes


def test_time_budget_stops_training_and_counts_steps():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    budget = kcolor.callbacks.TimeBudget(1e-6)
    history = model.fit(np.zeros((8, 2)), np.zeros((8, 1)), batch_size=2, epochs=50,
                        verbose=0, callbacks=[budget])
    # The clock starts after the first step (its tracing is not counted).
    assert budget.stopped and budget.steps == 2 and len(history.epoch) == 1
    with pytest.raises(ValueError, match="positive"):
        kcolor.callbacks.TimeBudget(0)


@pytest.mark.slow
def test_fit_honours_the_configs_time_budget_and_reports_steps():
    name = "07_lsgan_l1_patch"
    images = np.random.default_rng(0).integers(0, 256, size=(8, 16, 16, 3), dtype=np.uint8)
    train = kcolor.data.from_arrays(images, batch_size=4).repeat()
    overrides = {"time_budget_s": 1e-6, "epochs": 3, "steps_per_epoch": 2}
    model = experiments.build(name, "quick", image_size=16, overrides=overrides)
    history = experiments.fit(model, train, name, "quick", verbose=0, overrides=overrides)
    assert history.steps == 2 and len(history.epoch) == 1
    smoke = experiments.build(name, "smoke", image_size=16)
    history = experiments.fit(smoke, train, name, "smoke", verbose=0)
    assert history.steps == experiments.total_steps(experiments.config(name, "smoke"))
