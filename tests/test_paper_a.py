"""Paper A's experiments (notebooks 01 and 02) and the YUV support they added."""

import numpy as np
import pytest

import kcolor
from kcolor import experiments
from kcolor.experiments import paper_a

LADDER = [name for name, _, _ in paper_a.LADDER]


def _yuv_data(n=8, size=8, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, size, size, 3), dtype=np.uint8)
    return images, kcolor.data.from_arrays(images, batch_size=4, color_space="yuv")


def test_the_experiments_are_registered_in_yuv_with_the_papers_settings():
    assert "01_koo_baseline" in experiments.NAMES and set(LADDER) <= set(experiments.NAMES)
    full = experiments.config("01_koo_baseline", "full")
    assert full["color_space"] == "yuv" and full["loss"] == "l2"
    assert full["optimizer"] == {"name": "sgd", "learning_rate": 1.0, "momentum": 0.9}
    assert (full["batch_size"], full["epochs"]) == (128, 60)  # paper A, section 5.1
    gan = experiments.config(LADDER[0], "full")
    assert gan["warm_start"] == "01_koo_baseline" and gan["gan"]["margin"] == 0.5
    assert gan["optimizer"]["learning_rate"] == 1e-2  # G; D 1e-3 (section 5.2)
    assert gan["d_optimizer"]["learning_rate"] == 1e-3


def test_the_ladder_changes_one_thing_at_a_time():
    def flat(cfg):
        return {**cfg["gan"], "discriminator": cfg["discriminator"]["builder"]}

    steps = [flat(experiments.config(name, "smoke")) for name in LADDER]
    assert steps[0]["adversarial_form"] == "saturating"
    for before, after in zip(steps, steps[1:]):
        assert sum(before[k] != after[k] for k in before) == 1, (before, after)
    assert steps[-1] == {"adversarial_form": "non_saturating", "margin": 0.5, "margin_on": "fake",
                         "one_sided_label_smoothing": 0.1, "l1_weight": 100.0,
                         "discriminator": "patchgan"}


@pytest.mark.slow
def test_the_baseline_adapts_its_uv_statistics_and_predicts_in_data_units():
    images, train = _yuv_data()
    model = experiments.build("01_koo_baseline", "smoke", image_size=8)
    assert not model.preprocessing.adapted
    model.fit(train, epochs=1, verbose=0)  # fit measures the statistics first
    assert model.preprocessing.adapted
    uv = np.concatenate([np.asarray(b[1]) for b in train])
    np.testing.assert_allclose(np.asarray(model.preprocessing.targets.mean),
                               uv.reshape(-1, 2).mean(0), atol=1e-4)
    Y = next(iter(train))[0]
    assert model.predict_on_batch(Y).shape == (4, 8, 8, 2)


def test_the_gan_starts_from_the_baseline_and_keeps_its_preprocessing():
    baseline = experiments.build("01_koo_baseline", "smoke", image_size=8)
    baseline.preprocessing.targets.mean.assign([0.01, -0.02])
    baseline.preprocessing.targets.std.assign([0.05, 0.1])
    gan = experiments.build(LADDER[0], "smoke", image_size=8, warm_start=baseline)
    core = gan.generator.get_layer("koo_generator")
    for layer in ("conv1", "bn1", "conv5"):
        for ours, theirs in zip(core.get_layer(layer).get_weights(),
                                baseline.network.get_layer(layer).get_weights()):
            np.testing.assert_array_equal(ours, theirs)
    # With the noise plane at zero, G is the baseline: the same UV from the same Y.
    noise = core.get_layer("noise_dense")
    noise.set_weights([np.zeros_like(w) for w in noise.get_weights()])
    _, train = _yuv_data(size=8)
    Y = np.asarray(next(iter(train))[0])
    z = np.random.default_rng(0).standard_normal((4, 100)).astype("float32")
    np.testing.assert_allclose(gan.generator.predict_on_batch([Y, z]),
                               baseline.predict_on_batch(Y), atol=1e-5)
    with pytest.raises(ValueError, match="warm_start"):
        experiments.build(LADDER[0], "smoke", image_size=8)


def test_the_configs_name_the_colorizer_classes():
    cfg = experiments.config("01_koo_baseline", "smoke")
    assert cfg["colorizer"] is kcolor.Colorizer and cfg["preprocessing"] == "koo"
    assert experiments.config(LADDER[0], "smoke")["colorizer"] is kcolor.CGAN


def test_yuv_scores_equal_the_lab_scores_of_the_same_photos():
    images, yuv = _yuv_data()
    lab = kcolor.data.from_arrays(images, batch_size=4)
    keys = ["mae_ab", "acc@5%", "colorfulness"]
    for row in ("grey", "truth"):
        ours = kcolor.metrics.evaluate(row, yuv, keys=keys, color_space="yuv", verbose=False)
        theirs = kcolor.metrics.evaluate(row, lab, keys=keys, verbose=False)
        for key in keys:
            assert ours[key] == pytest.approx(theirs[key], abs=0.02), (row, key)
    with pytest.raises(ValueError, match="color_space"):
        kcolor.metrics.evaluate("grey", yuv, color_space="rgb", verbose=False)


def test_y_uv_to_l_ab_inverts_the_pipeline():
    images, _ = _yuv_data()
    Y, UV = kcolor.color.rgb_to_y_uv(images / 255.0)
    L, ab = kcolor.color.rgb_to_l_ab(images / 255.0)
    L2, ab2 = kcolor.color.y_uv_to_l_ab(Y, UV)
    np.testing.assert_allclose(L2, L, atol=1e-3)
    np.testing.assert_allclose(ab2, ab, atol=1e-3)


def test_yuv_figures_draw_the_photos_themselves():
    images, yuv = _yuv_data(n=4)
    Y, UV = next(iter(yuv))
    fig = kcolor.plot.compare(Y, UV, model={"truth again": lambda y: UV}, n=2,
                              color_space="yuv")
    truth = fig.axes[-1].get_images()[0].get_array()  # the last row's truth: photo 2
    np.testing.assert_allclose(truth, images[1] / 255.0, atol=2e-3)
    rows = kcolor.callbacks.grid_rows(Y, UV, UV, color_space="yuv")
    assert [title for title, _ in rows] == ["grey", "ours", "truth"]
    np.testing.assert_allclose(rows[2][1], images[:4] / 255.0, atol=2e-3)
    assert np.ptp(rows[0][1], axis=-1).max() < 1e-6  # grey: R = G = B


def test_gradient_norms_draws_one_labelled_line_per_run():
    fig = kcolor.plot.gradient_norms({"saturating": [1e-3, 1e-6, 0.0], "fixed": [1.0, 2.0]})
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["saturating", "fixed"] and "paper A" in labels[2]
    assert ax.get_yscale() == "log"
    assert ax.get_lines()[0].get_ydata()[-1] == 1e-12  # zero, floored for the log axis
    with pytest.raises(ValueError):
        kcolor.plot.gradient_norms({})


@pytest.mark.slow
def test_the_saturating_gradient_vanishes_when_d_has_won():
    """Notebook 02's claim in miniature: a D sure that every colouring is fake."""
    from kcolor.backend import keras

    keras.utils.set_random_seed(0)
    _, train = _yuv_data(n=8, size=8)
    baseline = experiments.build("01_koo_baseline", "smoke", image_size=8)
    norms = {}
    for loss in ("saturating", "non_saturating"):
        image = keras.Input((8, 8, 3))
        logit = keras.layers.Dense(1, kernel_initializer=keras.initializers.RandomNormal(
            stddev=0.01, seed=1), bias_initializer=keras.initializers.Constant(-12.0))(
            keras.layers.Flatten()(image))
        won = keras.Model(image, logit)  # D(x) = sigmoid(-12 + ...): "fake", for sure
        gan = kcolor.CGAN(experiments.build(LADDER[0], "smoke", image_size=8,
                                            warm_start=baseline).generator,
                          won, adversarial_form=loss, margin=0.5)
        gan.compile(g_optimizer=keras.optimizers.SGD(0.0),
                    d_optimizer=keras.optimizers.SGD(0.0))
        logger = kcolor.callbacks.GradientNormLogger()
        gan.fit(train, epochs=1, verbose=0, callbacks=[logger])
        norms[loss] = max(logger.norms)
    assert norms["saturating"] < 1e-4 < norms["non_saturating"], norms
    assert norms["saturating"] * 1e3 < norms["non_saturating"], norms
