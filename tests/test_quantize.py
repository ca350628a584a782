"""kcolor.quantize: the Bins interface, uniform bins (paper E) and gamut bins (Zhang et al.)."""

import warnings

from pathlib import Path

import numpy as np
import pytest
from skimage import color as skcolor

import kcolor
from kcolor.backend import keras, tf
from kcolor.quantize import (
    GamutBins,
    UniformBins,
    gamut_bin_centers,
    uniform_bin_index,
)

AB = 110.0


def random_in_gamut_ab(rng, n):
    """Normalised ab of random sRGB colours, converted by scikit-image."""
    rgb = rng.uniform(0, 1, (n, 3))
    return (skcolor.rgb2lab(rgb)[:, 1:] / AB).astype(np.float32)


def nearest_numpy(ab, centers):
    d2 = np.sum((ab[:, None, :] * AB - centers[None]) ** 2, axis=-1)
    return np.argmin(d2, axis=1), d2


# ---------------------------------------------------------------- uniform bins


def test_uniform_bin_index_edges():
    values = np.array([-150.0, -100.0, -80.01, -80.0, 0.0, 99.9, 100.0, 150.0])
    np.testing.assert_array_equal(uniform_bin_index(values, 10), [0, 0, 0, 1, 5, 9, 9, 9])


def test_uniform_round_trip_within_half_a_bin(rng):
    bins = UniformBins(10)
    ab = rng.uniform(-100, 100, (500, 2)).astype(np.float32) / AB
    back = np.asarray(bins.decode_index(bins.encode(ab)))
    assert np.max(np.abs(back - ab)) * AB <= 10.0 + 1e-3
    assert bins.num_classes == 10 and bins.width == 20.0


def test_uniform_fit_means_and_prior_match_numpy(rng):
    ab = np.clip(rng.normal(0, 0.3, (4, 8, 8, 2)), -1, 1).astype(np.float32)
    bins = UniformBins(10).fit(ab)
    lab = ab.reshape(-1, 2).astype(np.float64) * AB
    for c in range(2):
        index = np.clip(np.floor((lab[:, c] + 100) / 20), 0, 9).astype(int)
        for q in range(10):
            inside = lab[index == q, c]
            expected = inside.mean() if len(inside) else -90 + 20 * q
            assert bins.means[c, q] == pytest.approx(expected, abs=1e-3)
            assert bins.prior[c, q] == pytest.approx(len(inside) / len(lab), abs=1e-6)


def test_uniform_decode_from_logits(rng):
    bins = UniformBins(10).fit(rng.uniform(-0.9, 0.9, (200, 2)).astype(np.float32))
    logits = rng.normal(0, 2, (3, 4, 2, 10)).astype(np.float32)
    index = logits.argmax(-1)
    np.testing.assert_allclose(bins.decode(logits, "argmax"), bins.decode_index(index), atol=1e-6)
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    expected = np.sum(p * bins.means[None, None] / AB, axis=-1)
    np.testing.assert_allclose(bins.decode(logits, "mean"), expected, atol=1e-5)
    # (..., 2n) logits are read as a's n logits then b's.
    flat = logits.reshape(3, 4, 20)
    np.testing.assert_allclose(bins.decode(flat, "mean"), expected, atol=1e-5)
    with pytest.raises(ValueError, match=r"\(\.\.\., 2, 10\)"):
        bins.decode(np.zeros((3, 7)), "mean")


def test_uniform_config_round_trip(rng):
    bins = UniformBins(30).fit(rng.uniform(-1, 1, (100, 2)).astype(np.float32))
    again = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(bins))
    assert isinstance(again, UniformBins)
    np.testing.assert_allclose(again.means, bins.means)
    np.testing.assert_allclose(again.prior, bins.prior)


def test_uniform_bad_input():
    with pytest.raises(ValueError, match="n must be an int"):
        UniformBins(1)
    with pytest.raises(ValueError, match="2 channels"):
        UniformBins(10).encode(np.zeros((4, 3), np.float32))


def test_uniform_targets_are_the_one_hot_of_each_channel(rng):
    bins = UniformBins(10)
    ab = rng.uniform(-0.9, 0.9, (3, 5, 2)).astype(np.float32)
    targets, index = bins.encode_targets(ab)
    expected = np.floor((ab * AB + 100) / 20).astype(int)
    np.testing.assert_array_equal(index, expected)
    np.testing.assert_array_equal(targets, np.eye(10)[expected])  # (3, 5, 2, 10)
    np.testing.assert_array_equal(bins.one_hot(ab), targets)
    assert not hasattr(bins, "soft_encode")  # paper E's targets are hard: one_hot


# ------------------------------------------------------------------ gamut bins


def test_gamut_bin_count_and_grid():
    centers = gamut_bin_centers(10)
    assert 200 <= len(centers) <= 400
    assert len(centers) == 261  # see gamut_bin_centers' docstring vs Zhang's 313
    np.testing.assert_array_equal(centers % 10, 0)
    assert len(np.unique(centers, axis=0)) == len(centers)


def test_gamut_bins_cover_scikit_image_colors():
    # Independent reference: scikit-image's conversion of a 48^3 RGB grid.
    levels = np.linspace(0, 1, 48)
    rgb = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), -1).reshape(-1, 3)
    cells = np.unique(np.round(skcolor.rgb2lab(rgb)[:, 1:] / 10), axis=0) * 10
    centers = {tuple(c) for c in gamut_bin_centers(10).astype(int)}
    assert {tuple(c) for c in cells.astype(int)} <= centers
    assert len(cells) >= 0.95 * len(centers)


def test_every_gamut_centre_is_near_an_srgb_color():
    # For each centre, some lightness makes a colour that survives the trip
    # Lab -> sRGB (clipped) -> Lab within one grid step.
    centers = gamut_bin_centers(10).astype(np.float64)
    L = np.linspace(1, 99, 50)
    lab = np.concatenate(
        [np.broadcast_to(L[None, :, None], (len(centers), len(L), 1)),
         np.broadcast_to(centers[:, None, :], (len(centers), len(L), 2))], axis=-1)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-image's note on clipped negative Z
        back = skcolor.rgb2lab(np.clip(skcolor.lab2rgb(lab.reshape(-1, 3)), 0, 1))
    error = np.linalg.norm(back[:, 1:] - lab.reshape(-1, 3)[:, 1:], axis=-1)
    assert np.max(error.reshape(len(centers), len(L)).min(axis=1)) <= 10.0


def test_gamut_hard_encode_round_trip(rng):
    bins = GamutBins()
    ab = random_in_gamut_ab(rng, 3000)
    index = np.asarray(bins.encode(ab))
    expected, _ = nearest_numpy(ab, bins.centers)
    np.testing.assert_array_equal(index, expected)
    np.testing.assert_array_equal(bins._encode_numpy(ab), expected)
    np.testing.assert_array_equal(np.asarray(bins.one_hot(ab)).argmax(-1), expected)
    back = np.asarray(bins.decode_index(index))
    assert np.max(np.abs(back - ab)) * AB <= 5.0 + 1e-3


def test_sparse_soft_encoding_is_a_gaussian_over_the_k_nearest(rng):
    # Zhang et al. 2.1: the 5 nearest bins, exp(-d^2 / (2 * 5^2)), normalised.
    bins = GamutBins(k=5, sigma=5.0)
    ab = random_in_gamut_ab(rng, 300)
    index, weights = (np.asarray(x) for x in bins.sparse_soft_encode(ab))
    _, d2 = nearest_numpy(ab, bins.centers)
    order = np.argsort(d2, axis=1)[:, :5]
    np.testing.assert_array_equal(np.sort(index, 1), np.sort(order, 1))
    gaussian = np.exp(-np.take_along_axis(d2, index, 1) / 50.0)
    np.testing.assert_allclose(weights, gaussian / gaussian.sum(1, keepdims=True), atol=1e-5)
    assert np.all(np.diff(weights, axis=1) <= 1e-6)  # nearest first


def test_soft_encoding(rng):
    bins = GamutBins(k=5, sigma=5.0)
    ab = random_in_gamut_ab(rng, 400).reshape(4, 10, 10, 2)
    soft = np.asarray(bins.soft_encode(ab))
    assert soft.shape == (4, 10, 10, bins.num_classes)
    np.testing.assert_allclose(soft.sum(-1), 1.0, atol=1e-5)
    assert np.all((soft > 0).sum(-1) == 5)
    flat = soft.reshape(-1, bins.num_classes)
    nearest, d2 = nearest_numpy(ab.reshape(-1, 2), bins.centers)
    np.testing.assert_array_equal(flat.argmax(-1), nearest)
    # The weights are the normalised Gaussian of the 5 smallest distances.
    order = np.argsort(d2[0])[:5]
    g = np.exp(-d2[0, order] / 50.0)
    np.testing.assert_allclose(flat[0, order], g / g.sum(), atol=1e-5)
    (indices, weights), index = bins.encode_targets(ab)
    assert indices.shape == (4, 10, 10, 5) and weights.shape == (4, 10, 10, 5)
    dense = np.zeros_like(soft)
    np.put_along_axis(dense, np.asarray(indices), np.asarray(weights), axis=-1)
    np.testing.assert_allclose(dense, soft, atol=1e-6)
    np.testing.assert_array_equal(np.asarray(index).ravel(), nearest)


@pytest.mark.parametrize("k", [1, 5, 10])
def test_centre_lookup_equals_brute_force(rng, k):
    # The look-up table of candidates must give the exact k nearest classes,
    # also for points just off the lattice and outside the gamut.
    bins = GamutBins(k=k)
    on_lattice = np.round(rng.uniform(-100, 100, (3000, 2)) / 10) * 10
    ab = np.concatenate([
        rng.uniform(-1.2, 1.2, (5000, 2)),
        (on_lattice + rng.uniform(-1.5, 1.5, on_lattice.shape)) / AB,
    ]).astype(np.float32)
    index, d2 = (np.asarray(x) for x in bins._k_nearest(ab))
    nearest, full = nearest_numpy(ab, bins.centers)
    # The numpy path (a cell look-up, exhaustive search off the gamut) too.
    np.testing.assert_array_equal(bins._encode_numpy(ab), nearest)
    np.testing.assert_allclose(d2, np.sort(full, axis=1)[:, :k], atol=0.05)
    np.testing.assert_allclose(np.take_along_axis(full, index, axis=1), d2, atol=0.05)


def test_soft_encoding_k10_mass_beyond_five_is_small(rng):
    soft = np.asarray(GamutBins(k=10).soft_encode(random_in_gamut_ab(rng, 2000)))
    ranked = -np.sort(-soft, axis=-1)
    assert 0.0 < ranked[:, 5:10].sum(-1).mean() < 0.1


def test_prior_matches_numpy_counts(rng):
    bins = GamutBins()
    ab = random_in_gamut_ab(rng, 2000).reshape(20, 10, 10, 2)
    prior = bins.prior_from(ab)
    nearest, _ = nearest_numpy(ab.reshape(-1, 2), bins.centers)
    np.testing.assert_allclose(prior, np.bincount(nearest, minlength=bins.num_classes) / 2000,
                               atol=1e-6)
    soft = bins.prior_from(ab, soft=True)
    assert soft.sum() == pytest.approx(1.0, abs=1e-5)
    # Also from a dataset of (L, ab) batches.
    ds = tf.data.Dataset.from_tensor_slices((np.zeros((20, 10, 10, 1), np.float32), ab)).batch(7)
    np.testing.assert_allclose(bins.prior_from(ds), prior, atol=1e-6)


def test_rebalancing_weights(rng):
    bins = GamutBins()
    # A skewed prior: mostly grey, some rare vivid colours.
    ab = np.concatenate([rng.normal(0, 0.03, (5000, 2)), random_in_gamut_ab(rng, 500)])
    bins.fit(ab.astype(np.float32))
    w = bins.rebalance_weights()
    p = bins.smoothed_prior
    assert np.sum(p * w) == pytest.approx(1.0, abs=1e-5)
    assert np.all(w > 0)
    # Rarer (smoothed) classes get larger weights.
    order = np.argsort(p)
    assert np.all(np.diff(w[order]) <= 1e-6)
    # Smoothing spreads mass to neighbours but keeps it a distribution.
    assert p.sum() == pytest.approx(1.0, abs=1e-5)
    assert (p > 0).sum() > (bins.prior > 0).sum()
    # lam = 1 (all uniform) gives weight 1 everywhere; lam = 0 gives w ∝ 1/p.
    np.testing.assert_allclose(bins.rebalance_weights(lam=1.0), 1.0, atol=1e-5)
    w0 = bins.rebalance_weights(lam=0.0)
    np.testing.assert_allclose(w0 * p, w0[0] * p[0], rtol=1e-4)
    # No prior: all ones.
    np.testing.assert_allclose(GamutBins().rebalance_weights(), 1.0)


def test_annealed_mean(rng):
    bins = GamutBins()
    logits = rng.normal(0, 3, (2, 5, bins.num_classes)).astype(np.float32)
    top = logits.argmax(-1)
    np.put_along_axis(logits, top[..., None], logits.max(-1, keepdims=True) + 1.0, axis=-1)
    mean = np.asarray(bins.decode(logits, "mean"))
    np.testing.assert_allclose(bins.decode(logits, "annealed_mean", T=1.0), mean, atol=1e-6)
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    np.testing.assert_allclose(mean, p @ (bins.centers / AB), atol=1e-5)
    mode = np.asarray(bins.decode(logits, "argmax"))
    np.testing.assert_allclose(mode, bins.centers[logits.argmax(-1)] / AB, atol=1e-6)
    cold = np.asarray(bins.decode(logits, "annealed_mean", T=0.01))
    np.testing.assert_allclose(cold, mode, atol=1e-3)
    # T = 0.38 lies between the mean and the mode in saturation here.
    warm = np.asarray(bins.decode(logits, "annealed_mean", T=0.38))
    assert np.abs(mean).mean() < np.abs(warm).mean() < np.abs(mode).mean() + 1e-6
    with pytest.raises(ValueError, match="decode method"):
        bins.decode(logits, "median")
    with pytest.raises(ValueError, match="T must be > 0"):
        bins.decode(logits, "annealed_mean", T=0.0)


def test_encode_decode_in_graph():
    bins = GamutBins()

    @tf.function(input_signature=[tf.TensorSpec((None, None, None, 2), tf.float32)])
    def round_trip(ab):
        targets = bins.soft_encode(ab)
        return bins.decode(tf.math.log(targets + 1e-8), "annealed_mean"), bins.encode(ab)

    ab = tf.constant([[[[0.2, -0.3], [0.0, 0.0]]]])
    decoded, index = round_trip(ab)
    assert decoded.shape == (1, 1, 2, 2) and index.shape == (1, 1, 2)
    assert np.max(np.abs(decoded.numpy() - ab.numpy())) * AB < 5.0


def test_gamut_config_round_trip(rng):
    bins = GamutBins(k=10).fit(random_in_gamut_ab(rng, 500))
    again = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(bins))
    assert isinstance(again, GamutBins) and again.k == 10
    np.testing.assert_array_equal(again.centers, bins.centers)
    np.testing.assert_allclose(again.prior, bins.prior, atol=1e-7)
    np.testing.assert_allclose(again.rebalance_weights(), bins.rebalance_weights(), rtol=1e-5)


def test_gamut_bad_input():
    bins = GamutBins()
    with pytest.raises(ValueError, match="2 channels"):
        bins.encode(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="num_classes=261"):
        bins.decode(np.zeros((2, 313), np.float32))
    with pytest.raises(ValueError, match="prior must be"):
        GamutBins(prior=np.ones(5))
    with pytest.raises(ValueError, match="k must be"):
        GamutBins(k=0)


# ------------------------------------------------------------ stored data files


def test_stored_files_equal_a_fresh_computation():
    from kcolor.data import sample_prior

    stored_bins = np.load(sample_prior.gamut_bins_path(10))
    np.testing.assert_array_equal(stored_bins, gamut_bin_centers(10))
    bins = GamutBins()
    fresh = sample_prior.compute_sample_prior(bins)
    with np.load(sample_prior.sample_prior_path()) as stored:
        np.testing.assert_array_equal(stored["centers"], bins.centers)
        np.testing.assert_allclose(stored["prior"], fresh, atol=1e-7)
        bins.set_prior(fresh)
        np.testing.assert_allclose(stored["weights"], bins.rebalance_weights(), rtol=1e-5)
    np.testing.assert_allclose(
        GamutBins(prior=sample_prior.sample_prior).prior, fresh, atol=1e-7
    )


def test_regenerate_data_files_writes_both(tmp_path):
    from kcolor.data import sample_prior

    paths = sample_prior.regenerate_data_files(tmp_path)
    assert [p.name for p in paths] == ["gamut_bins_10.npy", "prior_sample.npz"]
    with np.load(paths[1]) as stored:
        assert stored["prior"].sum() == pytest.approx(1.0, abs=1e-5)
        assert stored["prior"].shape == (kcolor.quantize.GamutBins().num_classes,)


# ------------------------------------------------------------ one direction, one interface


def test_quantize_imports_only_color():
    """Quantisation knows nothing of data sets: kcolor.quantize imports kcolor.color only."""
    import ast

    from kcolor import quantize

    imported = set()
    for path in Path(quantize.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):  # function-level imports too
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module)
    kcolor_modules = {name for name in imported if name.split(".")[0] == "kcolor"}
    kcolor_modules -= {name for name in kcolor_modules if name.startswith("kcolor.quantize")}
    assert kcolor_modules <= {"kcolor.color", "kcolor.backend"}, kcolor_modules
    assert "kcolor.color" in kcolor_modules
    assert not {"tensorflow", "kcolor.data"} & imported


class SignBins(kcolor.quantize.Bins):
    """A user's own bins: four classes, the signs of a and b (targets: Bins' one-hot)."""

    logits_shape, num_classes = (4,), 4
    VALUES = np.array([[-0.3, -0.3], [-0.3, 0.3], [0.3, -0.3], [0.3, 0.3]], "float32")

    def encode(self, ab):
        ops = keras.ops
        return 2 * ops.cast(ab[..., 0] > 0, "int32") + ops.cast(ab[..., 1] > 0, "int32")

    def decode_index(self, index):
        return keras.ops.take(self.VALUES, index, axis=0)

    def expectation(self, probs):
        return keras.ops.matmul(probs, self.VALUES)

    def get_config(self):
        return {}


def test_a_user_defined_bins_class_trains_in_a_class_colorizer():
    bins = SignBins()
    with pytest.raises(ValueError, match="method"):
        bins.decode(np.zeros((1, 4), "float32"), "median")
    # decode is the base class's: argmax picks the class value, mean averages them
    logits = np.array([[0.0, 0.0, 0.0, 9.0], [0.0, 0.0, 0.0, 0.0]], "float32")
    np.testing.assert_allclose(bins.decode(logits, "argmax")[0], [0.3, 0.3])
    np.testing.assert_allclose(bins.decode(logits, "mean")[1], [0.0, 0.0], atol=1e-7)
    size = 8
    L_in = keras.Input((size, size, 1))
    network = keras.Model(L_in, keras.layers.Conv2D(4, 1)(L_in))
    model = kcolor.ClassColorizer(network, bins, rebalance=False, decode="argmax")
    model.compile(optimizer=keras.optimizers.Adam(0.05))
    rng = np.random.default_rng(0)
    L = rng.uniform(-1, 1, (16, size, size, 1)).astype("float32")
    ab = np.concatenate([L, -L], axis=-1) * 0.3  # the class follows the sign of L
    history = model.fit(L, ab, batch_size=8, epochs=5, verbose=0)
    assert history.history["bin_accuracy"][-1] > 0.9, history.history
    predicted = model.predict(L, verbose=0)
    assert predicted.shape == ab.shape
    np.testing.assert_allclose(np.abs(predicted), 0.3, rtol=1e-6)  # decoded by SignBins
    with pytest.raises(TypeError, match="kcolor.quantize.Bins"):
        kcolor.ClassColorizer(network, object())


def test_the_logits_shape_check_is_the_bins(rng):
    uniform, gamut = UniformBins(10), GamutBins()
    assert uniform.check_logits_shape((None, 8, 8, 2, 10)) is False
    assert uniform.check_logits_shape((None, 8, 8, 20)) is True  # flat: a's 10, then b's
    assert gamut.check_logits_shape((None, 8, 8, 261)) is False
    for bins, shape in [(uniform, (None, 8, 8, 10)), (gamut, (None, 8, 8, 313))]:
        with pytest.raises(ValueError, match=f"num_classes={bins.num_classes}"):
            bins.check_logits_shape(shape)
    # ClassColorizer asks the bins (one check, not two).
    L_in = keras.Input((8, 8, 1))
    with pytest.raises(ValueError, match="num_classes=261"):
        kcolor.ClassColorizer(keras.Model(L_in, keras.layers.Conv2D(313, 1)(L_in)), gamut)


def test_the_old_encoder_names_are_gone():
    bins = GamutBins()
    for old in ("nearest_classes", "encode_numpy", "hard_index"):
        assert not hasattr(bins, old), old
    assert not hasattr(UniformBins(), "hard_index")


def test_make_bins_builds_the_bins_a_setting_names():
    assert isinstance(kcolor.quantize.make_bins({"kind": "uniform", "n": 30}), UniformBins)
    assert kcolor.quantize.make_bins({"kind": "uniform", "n": 30}).n == 30
    assert isinstance(kcolor.quantize.make_bins({"kind": "gamut", "fit_batches": 5}), GamutBins)
    with pytest.raises(ValueError, match="bins kind must be one of"):
        kcolor.quantize.make_bins({"kind": "hexagonal"})


def test_decoder_orders_the_decodings_by_temperature():
    model = kcolor.experiments.build("05_colorful", "smoke")
    L = np.random.default_rng(1).uniform(-1, 1, (2, 32, 32, 1)).astype(np.float32)
    mean = np.asarray(kcolor.quantize.decoder(model, "mean")(L))
    t1 = np.asarray(kcolor.quantize.decoder(model, "annealed_mean", 1.0)(L))
    np.testing.assert_allclose(t1, mean, atol=1e-5)  # T = 1 is the mean
    argmax = np.asarray(kcolor.quantize.decoder(model, "argmax")(L))
    cold = np.asarray(kcolor.quantize.decoder(model, "annealed_mean", 0.01)(L))
    assert np.mean(np.abs(cold - argmax)) < np.mean(np.abs(mean - argmax))  # T -> 0: the mode
