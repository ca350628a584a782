"""kcolor.metrics against direct numpy (and scikit-image) computations on hand-made cases."""

import math

import numpy as np
import pytest
from skimage import color as skcolor

import kcolor
from kcolor import color, metrics
from kcolor.backend import keras, tf


def _images(rng, n=4, size=16):
    """Random in-gamut photos as normalised (L, ab), float32 numpy."""
    rgb = rng.uniform(size=(n, size, size, 3))
    lab = skcolor.rgb2lab(rgb)
    L = (lab[..., :1] / 50.0 - 1.0).astype(np.float32)
    ab = (lab[..., 1:] / 110.0).astype(np.float32)
    return L, ab


def _shifted(ab, da, db):
    return (ab + np.array([da, db], np.float32) / 110.0).astype(np.float32)


def _lab_units(ab):
    return np.asarray(ab, np.float32) * np.float32(110.0)


# ----------------------------------------------------------------- identical


def test_identical_images_score_perfectly(rng):
    L, ab = _images(rng)
    s = metrics.score(L, ab, ab)
    assert list(s) == list(metrics.SCORE_KEYS)
    assert all(isinstance(v, float) for v in s.values())
    assert s["acc@2%"] == 1.0 and s["acc@5%"] == 1.0
    assert s["mae_ab"] == 0.0 and s["mae_rgb"] == 0.0 and s["euclid_ab"] == 0.0
    assert s["psnr"] == math.inf  # tf.image.psnr of identical images; kept as inf
    assert s["ssim"] == pytest.approx(1.0, abs=1e-5)
    assert s["colorfulness"] == pytest.approx(s["colorfulness_true"])
    assert s["colorfulness"] > 20  # random photos are vivid


# -------------------------------------------------------------- acc@eps


def test_shift_of_3_units_passes_at_2_percent(rng):
    L, ab = _images(rng)
    pred = _shifted(ab, 3, -3)
    assert float(metrics.accuracy_at(pred, ab, epsilon=2)) == 1.0
    assert float(metrics.mae_ab(pred, ab)) == pytest.approx(3.0, abs=1e-3)


def test_shift_of_6_units_fails_at_2_and_passes_at_5_percent(rng):
    L, ab = _images(rng)
    pred = _shifted(ab, 6, 0)
    s = metrics.score(L, pred, ab)
    assert s["acc@2%"] == 0.0
    assert s["acc@5%"] == 1.0
    assert s["mae_ab"] == pytest.approx(3.0, abs=1e-3)  # (6 + 0) / 2 channels


def test_accuracy_matches_numpy_rounding_rule(rng):
    _, ab = _images(rng, n=3)
    noise = rng.normal(scale=8.0, size=ab.shape) / 110.0
    pred = (ab + noise).astype(np.float32)
    delta = np.abs(np.round(_lab_units(pred)) - np.round(_lab_units(ab)))
    for eps in (2, 5):
        expected = np.mean(np.all(delta <= 2.2 * eps, axis=-1))
        assert 0.05 < expected < 0.95  # the case is not trivial
        assert float(metrics.accuracy_at(pred, ab, eps)) == pytest.approx(expected, abs=1e-7)


# -------------------------------------------------------- distances in ab


def test_euclid_ab_of_a_3_4_shift_is_5(rng):
    _, ab = _images(rng)
    assert float(metrics.euclid_ab(_shifted(ab, 3, 4), ab)) == pytest.approx(5.0, abs=1e-3)


def test_mae_and_euclid_match_numpy(rng):
    _, ab = _images(rng, n=2)
    pred = (ab + rng.normal(scale=0.1, size=ab.shape)).astype(np.float32)
    d = _lab_units(pred) - _lab_units(ab)
    assert float(metrics.mae_ab(pred, ab)) == pytest.approx(np.abs(d).mean(), rel=1e-5)
    assert float(metrics.euclid_ab(pred, ab)) == pytest.approx(
        np.sqrt((d**2).sum(-1)).mean(), rel=1e-5
    )


def test_mae_rgb_matches_skimage_lab2rgb(rng):
    L, ab = _images(rng, n=2)
    pred = (ab + rng.normal(scale=0.05, size=ab.shape)).astype(np.float32)

    def to_rgb255(L, ab):
        lab = np.concatenate([(L + 1.0) * 50.0, ab * 110.0], axis=-1).astype(np.float64)
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # skimage warns about clipped colours
                return skcolor.lab2rgb(lab) * 255.0

    expected = np.abs(to_rgb255(L, pred) - to_rgb255(L, ab)).mean()
    assert expected > 1.0
    assert float(metrics.mae_rgb(L, pred, ab)) == pytest.approx(expected, abs=0.05)


# -------------------------------------------------------------- PSNR, SSIM


def test_psnr_matches_numpy_per_image_mean(rng):
    L, ab = _images(rng, n=3)
    pred = (ab + rng.normal(scale=0.05, size=ab.shape)).astype(np.float32)
    a = color.l_ab_to_rgb(L, pred).numpy().astype(np.float64)
    b = color.l_ab_to_rgb(L, ab).numpy().astype(np.float64)
    mse = ((a - b) ** 2).mean(axis=(1, 2, 3))
    expected = np.mean(10 * np.log10(1.0 / mse))
    assert float(metrics.psnr(L, pred, ab)) == pytest.approx(expected, abs=1e-3)


def test_ssim_falls_with_noise(rng):
    L, ab = _images(rng, n=2, size=24)
    small = (ab + rng.normal(scale=0.02, size=ab.shape)).astype(np.float32)
    large = (ab + rng.normal(scale=0.3, size=ab.shape)).astype(np.float32)
    s_small, s_large = float(metrics.ssim(L, small, ab)), float(metrics.ssim(L, large, ab))
    assert 1.0 > s_small > s_large


@pytest.mark.parametrize("size", [1, 3, 8])
def test_small_images_do_not_crash(rng, size):
    L, ab = _images(rng, n=2, size=size)
    s = metrics.score(L, ab, ab)
    assert s["ssim"] == pytest.approx(1.0, abs=1e-5)
    other = metrics.score(L, np.zeros_like(ab), ab)
    assert np.isfinite(other["ssim"]) and other["ssim"] < 1.0


# ---------------------------------------------------------- colourfulness


def _numpy_colorfulness(rgb255):
    rgb255 = rgb255.astype(np.float64)
    out = []
    for img in rgb255:
        r, g, b = img[..., 0], img[..., 1], img[..., 2]
        rg, yb = r - g, 0.5 * (r + g) - b
        spread = np.sqrt(rg.std() ** 2 + yb.std() ** 2)
        out.append(spread + 0.3 * np.sqrt(rg.mean() ** 2 + yb.mean() ** 2))
    return float(np.mean(out))


def test_colorfulness_matches_numpy(rng):
    rgb255 = rng.uniform(0, 255, size=(3, 16, 16, 3)).astype(np.float32)
    rgb255[1] *= np.array([1.0, 0.3, 0.2], np.float32)  # a reddish one: a large mean term
    expected = _numpy_colorfulness(rgb255)
    assert float(metrics.colorfulness(rgb255)) == pytest.approx(expected, rel=1e-4)
    uint8 = rgb255.astype(np.uint8)
    assert float(metrics.colorfulness(uint8)) == pytest.approx(_numpy_colorfulness(uint8), rel=1e-4)


def test_grey_images_have_no_colorfulness(rng):
    L, ab = _images(rng)
    assert float(metrics.colorfulness_l_ab(L, np.zeros_like(ab))) < 0.05
    grey = np.repeat(rng.uniform(0, 255, size=(2, 8, 8, 1)), 3, axis=-1)
    assert float(metrics.colorfulness(grey)) == pytest.approx(0.0, abs=1e-4)
    s = metrics.score(L, np.zeros_like(ab), ab)
    assert s["colorfulness"] < 0.05 < s["colorfulness_true"]


# ---------------------------------------------------------- bin accuracy


def test_bin_accuracy_matches_numpy_floor_clip_rule(rng):
    # Values beyond +-100 Lab units too, so the clip to the end bins is exercised.
    ab_true = rng.uniform(-1.2, 1.2, size=(3, 8, 8, 2)).astype(np.float32)
    ab_pred = (ab_true + rng.normal(scale=0.1, size=ab_true.shape)).astype(np.float32)

    def bins(ab, n):
        return np.clip(np.floor((_lab_units(ab) + 100.0) / (200.0 / n)), 0, n - 1)

    for n in (10, 30, 50):
        match = bins(ab_pred, n) == bins(ab_true, n)
        acc_a, acc_b = metrics.bin_accuracy(ab_pred, ab_true, n)
        assert float(acc_a) == pytest.approx(match[..., 0].mean(), abs=1e-6)
        assert float(acc_b) == pytest.approx(match[..., 1].mean(), abs=1e-6)
        both = metrics.bin_accuracy(ab_pred, ab_true, n, channel="both")
        assert float(both) == pytest.approx(match.all(-1).mean(), abs=1e-6)
        pooled = metrics.bin_accuracy(ab_pred, ab_true, n, channel="pooled")
        assert float(pooled) == pytest.approx(match.mean(), abs=1e-6)
    s = metrics.score(np.zeros_like(ab_true[..., :1]), ab_pred, ab_true, bins=(10, 50))
    match = bins(ab_pred, 10) == bins(ab_true, 10)
    assert s["bin_acc_a@10"] == pytest.approx(match[..., 0].mean())
    assert s["bin_acc@10"] > s["bin_acc@50"]  # more bins, lower accuracy
    assert {"bin_acc_b@50", "bin_acc_both@50"} <= set(s)


# ------------------------------------------------------------ Keras metrics


def _uneven_batches(rng, sizes=(1, 3, 4)):
    L, ab = _images(rng, n=sum(sizes))
    pred = (ab + rng.normal(scale=0.06, size=ab.shape)).astype(np.float32)
    edges = np.cumsum((0,) + tuple(sizes))
    return L, ab, pred, [slice(a, b) for a, b in zip(edges[:-1], edges[1:])]


@pytest.mark.parametrize(
    "metric, function",
    [
        (lambda: metrics.AccuracyAtEpsilon(2), lambda L, p, t: metrics.accuracy_at(p, t, 2)),
        (lambda: metrics.AccuracyAtEpsilon(5), lambda L, p, t: metrics.accuracy_at(p, t, 5)),
        (metrics.MAEab, lambda L, p, t: metrics.mae_ab(p, t)),
        (metrics.EuclideanAB, lambda L, p, t: metrics.euclid_ab(p, t)),
        (lambda: metrics.BinAccuracy(30, "b"), lambda L, p, t: metrics.bin_accuracy(p, t, 30)[1]),
        (metrics.MAErgb, metrics.mae_rgb),
        (metrics.PSNR, metrics.psnr),
        (metrics.SSIM, metrics.ssim),
        (metrics.Colorfulness, lambda L, p, t: metrics.colorfulness_l_ab(L, p)),
    ],
)
def test_keras_metric_accumulates_like_the_function_on_the_concatenation(rng, metric, function):
    L, ab, pred, parts = _uneven_batches(rng)
    m = metric()
    for part in parts:
        m.update_state(ab[part], pred[part], L=L[part])
    expected = float(function(L, pred, ab))
    assert float(m.result()) == pytest.approx(expected, rel=1e-5, abs=1e-6)
    m.reset_state()
    assert float(m.result()) == 0.0


def test_keras_metric_sample_weight_is_per_image(rng):
    L, ab, pred, _ = _uneven_batches(rng)
    m = metrics.MAEab()
    weight = np.zeros(len(ab), np.float32)
    weight[[1, 4]] = 1.0
    m.update_state(ab, pred, sample_weight=weight)
    expected = float(metrics.mae_ab(pred[[1, 4]], ab[[1, 4]]))
    assert float(m.result()) == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match="one weight per image"):
        m.update_state(ab, pred, sample_weight=np.ones(ab.shape[:3], np.float32))


def test_rgb_metric_without_l_says_what_it_needs(rng):
    _, ab = _images(rng, n=1)
    with pytest.raises(ValueError, match="needs L"):
        metrics.PSNR().update_state(ab, ab)


def test_keras_metrics_in_compile_fit_and_save_load(tmp_path, rng):
    L, ab = _images(rng, n=6, size=8)
    ds = tf.data.Dataset.from_tensor_slices((L, ab)).batch(4)
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, padding="same")])
    model.compile(
        optimizer="adam",
        loss="mse",
        metrics=[metrics.AccuracyAtEpsilon(2), metrics.MAEab(), metrics.EuclideanAB(),
                 metrics.BinAccuracy(10, "a")],
        jit_compile=False,
    )
    history = model.fit(ds, epochs=1, verbose=0, shuffle=False)
    assert {"acc@2%", "mae_ab", "euclid_ab", "bin_acc_a@10"} <= set(history.history)
    logs = model.evaluate(ds, return_dict=True, verbose=0)
    ours = metrics.evaluate(model, ds, keys=("acc@2%", "mae_ab", "euclid_ab", "bin_acc_a@10"))
    for key in ("acc@2%", "mae_ab", "euclid_ab", "bin_acc_a@10"):
        assert logs[key] == pytest.approx(ours[key], rel=1e-4, abs=1e-6)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    again = loaded.evaluate(ds, return_dict=True, verbose=0)
    assert again["mae_ab"] == pytest.approx(logs["mae_ab"], rel=1e-5)


@pytest.mark.parametrize(
    "metric",
    [metrics.AccuracyAtEpsilon(5), metrics.BinAccuracy(50, "both"), metrics.Colorfulness("true"),
     metrics.MAEab(name="mae")],
)
def test_keras_metric_config_round_trip(metric):
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(metric))
    assert type(restored) is type(metric)
    assert restored.get_config() == metric.get_config()
    assert restored.name == metric.name


# ---------------------------------------------------------------- evaluate


class _Lookup:
    """A 'model' that returns the truth: it finds each L in the data set."""

    def __init__(self, L, ab):
        self.table = {Li.tobytes(): abi for Li, abi in zip(L, ab)}

    def predict_on_batch(self, L):
        return np.stack([self.table[Li.tobytes()] for Li in np.asarray(L)])


def test_evaluate_grey_and_perfect_predictors(rng):
    L, ab = _images(rng, n=7, size=8)
    ds = tf.data.Dataset.from_tensor_slices((L, ab)).batch(3)  # batches of 3, 3, 1

    grey = metrics.evaluate(metrics.grey_predictor, ds, bins=10)
    expected = metrics.score(L, np.zeros_like(ab), ab, bins=10)
    assert grey["images"] == 7
    for key, value in expected.items():
        assert grey[key] == pytest.approx(value, rel=1e-5, abs=1e-6), key
    # Exact over the data set, not a mean of per-batch means (which differs here).
    batch_means = [metrics.score(L[s], np.zeros_like(ab[s]), ab[s])["mae_ab"]
                   for s in (slice(0, 3), slice(3, 6), slice(6, 7))]
    assert abs(np.mean(batch_means) - expected["mae_ab"]) > 1e-3
    assert metrics.evaluate("grey", ds)["mae_ab"] == pytest.approx(grey["mae_ab"])

    for perfect in (_Lookup(L, ab), "truth"):
        s = metrics.evaluate(perfect, ds)
        assert s["acc@2%"] == 1.0 and s["mae_ab"] == 0.0 and s["psnr"] == math.inf
        assert s["colorfulness"] == pytest.approx(s["colorfulness_true"], rel=1e-5)

    rows = metrics.reference_rows(ds, max_batches=2)
    assert rows["grey"]["images"] == 6 and rows["truth"]["acc@5%"] == 1.0


def test_evaluate_accepts_plain_callables_and_keras_models(rng):
    L, ab = _images(rng, n=4, size=8)
    ds = tf.data.Dataset.from_tensor_slices((L, ab)).batch(2)
    s = metrics.evaluate(lambda L: tf.zeros_like(tf.concat([L, L], -1)), ds, verbose=True)
    assert s["mae_ab"] == pytest.approx(metrics.evaluate("grey", ds)["mae_ab"])
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 1)])
    out = model.predict_on_batch(L)
    assert metrics.evaluate(model, ds)["mae_ab"] == pytest.approx(
        float(metrics.mae_ab(out, ab)), rel=1e-5
    )


def test_evaluate_rejects_empty_and_wrong_predictions(rng):
    L, ab = _images(rng, n=2, size=8)
    ds = tf.data.Dataset.from_tensor_slices((L, ab)).batch(2)
    with pytest.raises(ValueError, match="empty"):
        metrics.evaluate("grey", ds.take(0))
    with pytest.raises(ValueError, match="channels"):
        metrics.evaluate(lambda L: tf.concat([L, L, L], -1), ds)


# -------------------------------------------------------------- bad input


def test_bad_input_gets_a_clear_error(rng):
    L, ab = _images(rng, n=2, size=8)
    with pytest.raises(ValueError, match="disagree"):
        metrics.mae_ab(ab[:1], ab)
    with pytest.raises(ValueError, match="disagree"):
        metrics.score(L, ab[:, :4], ab)
    with pytest.raises(ValueError, match="2 channels"):
        metrics.accuracy_at(np.concatenate([L, ab], -1), ab)
    with pytest.raises(ValueError, match="L and ab_true disagree"):
        metrics.score(L[:1], ab, ab)
    with pytest.raises(ValueError, match="1 channel"):
        metrics.score(np.concatenate([L, L], -1), ab, ab)
    with pytest.raises(TypeError, match="float"):
        metrics.mae_ab(ab.astype(np.int32), ab)
    with pytest.raises(ValueError, match="Unknown metric key"):
        metrics.score(L, ab, ab, keys=("accuracy",))
    with pytest.raises(ValueError, match="channel"):
        metrics.BinAccuracy(10, "c")


# ------------------------------------------------------ the package's names


# Every public name of kcolor.metrics before it became a package.
PUBLIC_NAMES = (
    "SCORE_KEYS accuracy_at mae_ab mae_rgb euclid_ab bin_accuracy bin_keys psnr ssim "
    "colorfulness colorfulness_l_ab score evaluate reference_rows GreyPredictor grey_predictor "
    "predictor AccuracyAtEpsilon MAEab EuclideanAB BinAccuracy MAErgb PSNR SSIM Colorfulness "
    "uv_l2 SLIDER_GAINS saturation_slider on_slider above_slider relative_color"
).split()


def test_every_public_name_still_imports_from_kcolor_metrics():
    assert sorted(metrics.__all__) == sorted(PUBLIC_NAMES)
    for name in PUBLIC_NAMES:
        assert getattr(metrics, name) is not None
    for name in ("AccuracyAtEpsilon", "MAEab", "EuclideanAB", "BinAccuracy", "MAErgb", "PSNR",
                 "SSIM", "Colorfulness"):
        assert keras.saving.get_registered_name(getattr(metrics, name)) == f"kcolor>{name}"


def test_a_metric_saved_from_the_old_module_loads():
    config = keras.saving.serialize_keras_object(metrics.BinAccuracy(30, "b"))
    config["module"] = "kcolor.metrics"  # what files saved before the split hold
    restored = keras.saving.deserialize_keras_object(config)
    assert type(restored) is metrics.BinAccuracy
    assert (restored.n_bins, restored.channel) == (30, "b")


def test_last_value_lives_with_the_colorizers_not_the_metrics():
    from kcolor.colorizers.trackers import LastValue

    assert not hasattr(metrics, "LastValue")
    assert keras.saving.get_registered_name(LastValue) == "kcolor>LastValue"
    tracker = LastValue(name="g_grad_norm")
    tracker.update_state(3.0)
    tracker.update_state(float("inf"))  # an overflowed mixed_float16 step: kept out
    assert float(tracker.result()) == 3.0
    tracker.update_state(2.0)
    assert float(tracker.result()) == 2.0


def test_uv_l2_is_eq_1_summed_over_u_and_v():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(8, 8, 8, 3), dtype=np.uint8)
    data = kcolor.data.from_arrays(images, batch_size=4, color_space="yuv")
    uv = np.concatenate([np.asarray(b[1]) for b in data])
    assert metrics.uv_l2("truth", data) == 0.0
    np.testing.assert_allclose(metrics.uv_l2("grey", data),
                               np.square(uv).sum(-1).mean(), rtol=1e-5)
    half = metrics.uv_l2(lambda Y: np.zeros(Y.shape[:-1] + (2,)) + 0.5, data)
    np.testing.assert_allclose(half, np.square(uv - 0.5).sum(-1).mean(), rtol=1e-5)
