"""The steps and encodings the notebooks write out on screen equal the library's.

Notebooks 03, 05 and 07 each write one of kcolor's computations in a few
lines of plain numpy, Keras or TensorFlow, to show the idea (the cGAN's
train step, Zhang et al.'s soft encoding, WGAN-GP's gradient penalty), and
assert in a cell that it gives the library's numbers. These tests make the
same checks on small, fixed inputs, so that a change to the library that
breaks the equality fails here and not only in a notebook run. The cGAN
step written out is ``benchmarks/reference_step.py``'s, shared with the
benchmarks; the other hand-written versions below are the notebooks',
copied so that the test stands alone.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import kcolor
from kcolor.backend import keras, tf
from kcolor.color import AB_SCALE
from kcolor.colorizers.weights import ColorThermostat
from kcolor.colorizers.wgan import gradient_penalty
from kcolor.quantize import GamutBins

pytestmark = pytest.mark.tf_only


# --- notebook 03: the cGAN step, pix2pix's way -------------------------------------------
# The written-out step is benchmarks/reference_step.py's, the one copy the
# benchmarks time the library against; notebook 03 shows the same on screen.

_CGAN_SIZE = 16
_CGAN_L1_WEIGHT = 100.0


def _load_reference_step():
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "reference_step.py"
    spec = importlib.util.spec_from_file_location("reference_step", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference_step = _load_reference_step()


def _cgan_networks():
    """A half-width-of-a-quarter U-Net and PatchGAN, from one seed (batch norm in both)."""
    return (kcolor.models.unet(_CGAN_SIZE, width=0.125, seed=0),
            kcolor.models.patchgan(_CGAN_SIZE, width=0.125, seed=0))


def _cgan_adam():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)  # kcolor.CGAN's default, pix2pix's


def _cgan_weights(*networks):
    """Every weight, batch-norm statistics included."""
    return [w for network in networks for w in network.get_weights()]


def _cgan_one_step_each(L, ab, **options):
    """(start, library, written out): weights after one step of each, same start.

    ``options`` are ``kcolor.CGAN``'s (``update_order``,
    ``one_sided_label_smoothing``, ``l1_weight``); a ``ColorThermostat`` L1
    weight reaches the written-out step as its weight and its multiplier.
    """
    library_g, library_d = _cgan_networks()
    hand_g, hand_d = _cgan_networks()
    for hand, library in ((hand_g, library_g), (hand_d, library_d)):
        hand.set_weights(library.get_weights())
    start = _cgan_weights(library_g, library_d)

    options = {"l1_weight": _CGAN_L1_WEIGHT, **options}
    gan = kcolor.CGAN(library_g, library_d, **options)
    gan.compile(g_optimizer=_cgan_adam(), d_optimizer=_cgan_adam())
    weight = gan.l1_weight
    if isinstance(weight, ColorThermostat):
        options.update(l1_weight=weight.value, l1_scale=float(weight.scale))
    gan.train_on_batch(L, ab)

    g_opt, d_opt = _cgan_adam(), _cgan_adam()
    g_opt.build(hand_g.trainable_variables)
    d_opt.build(hand_d.trainable_variables)
    reference_step.cgan_step(hand_g, hand_d, g_opt, d_opt, **options)(L, ab)
    return start, _cgan_weights(library_g, library_d), _cgan_weights(hand_g, hand_d)


def _cgan_batch(seed=0):
    images = kcolor.data.sample_images("train", image_size=_CGAN_SIZE, count=8, seed=seed)
    L, ab = kcolor.color.rgb_to_l_ab(images.astype("float32") / 255.0)
    return np.asarray(L), np.asarray(ab)


def _assert_same_step(library, hand, what):
    for i, (a, b) in enumerate(zip(library, hand)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6, err_msg=f"{what}, weight {i}")


def test_cgan_step_written_out_matches_library():
    L, ab = _cgan_batch()
    after = {}
    for order in ("alternating", "simultaneous"):
        start, library, hand = _cgan_one_step_each(L, ab, update_order=order)
        # the step moved the weights (Adam's first step: about the learning rate)
        assert max(np.abs(a - b).max() for a, b in zip(start, library)) > 1e-4
        _assert_same_step(library, hand, order)
        after[order] = library
    # the two orders are different steps: G trains against D before / after its update
    assert any(not np.allclose(a, b, rtol=1e-4, atol=1e-6)
               for a, b in zip(after["alternating"], after["simultaneous"]))


def test_cgan_step_written_out_matches_library_with_its_options():
    """Label smoothing and a steered L1 weight change the step; both sides agree."""
    L, ab = _cgan_batch()
    _, plain, _ = _cgan_one_step_each(L, ab)
    thermostat = ColorThermostat(_CGAN_L1_WEIGHT, target=0.8)
    thermostat.build()
    thermostat.log_scale.assign(np.log(1.5))  # as if it had steered for a while
    for name, options in (("smoothing", {"one_sided_label_smoothing": 0.1}),
                          ("thermostat", {"l1_weight": thermostat,
                                          "update_order": "simultaneous"})):
        _, library, hand = _cgan_one_step_each(L, ab, **options)
        _assert_same_step(library, hand, name)
        assert any(not np.allclose(a, b, rtol=1e-4, atol=1e-6) for a, b in zip(library, plain))


# --- notebook 05: Zhang et al.'s soft encoding -----------------------------------


def soft_encode_by_hand(ab, centers, k=5, sigma=5.0):
    """ab (N, 2) in Lab units -> (N, Q): Gaussian weights on the k nearest centres."""
    d2 = ((ab[:, None, :] - centers[None]) ** 2).sum(-1)  # squared distance to every centre
    nearest = np.argsort(d2, axis=1)[:, :k]  # the k nearest bins
    w = np.exp(-np.take_along_axis(d2, nearest, 1) / (2 * sigma**2))  # a Gaussian of distance
    Z = np.zeros_like(d2)
    np.put_along_axis(Z, nearest, w / w.sum(1, keepdims=True), 1)  # normalised to sum to 1
    return Z


@pytest.mark.parametrize("k, sigma", [(5, 5.0), (10, 5.0), (5, 8.0), (1, 5.0)])
def test_soft_encoding_written_out_matches_library(k, sigma):
    rng = np.random.default_rng(0)
    bins = GamutBins(k=k, sigma=sigma)
    # targets near the class centres (where photos' colours are) and spread
    # over the plane; continuous values, so no two centres tie for k-th place
    near = bins.centers[rng.integers(0, bins.num_classes, 300)] + rng.normal(0, 4, (300, 2))
    spread = rng.uniform(-60, 60, (300, 2))
    ab = (np.concatenate([near, spread]) / AB_SCALE).astype("float32")

    by_hand = soft_encode_by_hand(ab.astype(np.float64) * AB_SCALE,
                                  bins.centers.astype(np.float64), k=k, sigma=sigma)
    library = np.asarray(bins.soft_encode(ab))
    assert library.shape == by_hand.shape == (600, bins.num_classes)
    np.testing.assert_allclose(library, by_hand, atol=1e-5)
    # the check can fail: another width gives other targets (k = 1 is one-hot, width-free)
    if k > 1:
        other = soft_encode_by_hand(ab.astype(np.float64) * AB_SCALE,
                                    bins.centers.astype(np.float64), k=k, sigma=2 * sigma)
        assert not np.allclose(library, other, atol=1e-3)


# --- notebook 07: WGAN-GP's gradient penalty ---------------------------------------


def gradient_penalty_by_hand(critic, L, real, fake, alpha):
    """Gulrajani et al.'s E (||grad_x critic(L, x)||_2 - 1)^2 at x between real and fake."""
    mixed = tf.convert_to_tensor(alpha * real + (1.0 - alpha) * fake)  # on each real-fake line
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        scores = critic(tf.concat([L, mixed], axis=-1), training=False)  # conditioned on L
        scores = tf.reduce_mean(tf.reshape(scores, (len(mixed), -1)), axis=1)  # per image
    grad = tf.reshape(tape.gradient(scores, mixed), (len(mixed), -1))
    return tf.reduce_mean((tf.norm(grad, axis=1) - 1.0) ** 2)


def _patch_critic(size=8):
    """A tiny conditional PatchGAN critic: concat(L, ab) -> a 4 x 4 map of scores."""
    x = keras.Input((size, size, 3))
    # large first weights: tanh saturates, so the gradient depends on where it is taken
    big = keras.initializers.RandomNormal(stddev=1.0, seed=3)
    h = keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="tanh",
                            kernel_initializer=big)(x)
    return keras.Model(x, keras.layers.Conv2D(1, 3, padding="same")(h))


def _generator(size=8):
    L = keras.Input((size, size, 1))
    return keras.Model(L, keras.layers.Conv2D(2, 3, padding="same", activation="tanh")(L))


def test_wgan_gp_penalty_written_out_matches_library():
    rng = np.random.default_rng(2)
    L = rng.uniform(-1, 1, (6, 8, 8, 1)).astype("float32")
    real, fake = (rng.uniform(-1, 1, (6, 8, 8, 2)).astype("float32") for _ in range(2))
    alpha = rng.uniform(size=(6, 1, 1, 1)).astype("float32")
    critic = _patch_critic()

    by_hand = float(gradient_penalty_by_hand(critic, L, real, fake, alpha))
    library = float(gradient_penalty(critic, real, fake, alpha, condition=L, training=False))
    assert by_hand > 1e-3  # a real critic's gradients are not of unit norm
    assert np.isclose(by_hand, library, rtol=1e-5), (by_hand, library)
    # the check can fail: other interpolation weights give another penalty
    other = float(gradient_penalty(critic, real, fake, 1.0 - alpha, condition=L, training=False))
    assert not np.isclose(by_hand, other, rtol=1e-3)

    # and kcolor.WGAN's critic loss is the Earth Mover term plus lambda times it
    model = kcolor.WGAN(_generator(), critic, gradient_penalty=10.0)
    model.interpolation_factors = lambda _real: tf.constant(alpha)  # the same alpha
    outputs = {name: model.discriminate(L, ab, training=False)
               for name, ab in (("real", real), ("fake", fake))}
    logs = model.add_penalty(model.discriminator_loss(outputs["real"], outputs["fake"]),
                             L, real, fake, training=False)
    scores = {name: float(tf.reduce_mean(critic(np.concatenate([L, ab], -1), training=False)))
              for name, ab in (("real", real), ("fake", fake))}
    expected = scores["fake"] - scores["real"] + 10.0 * by_hand
    assert np.isclose(float(logs["d_loss"]), expected, rtol=1e-5, atol=1e-6)
    assert np.isclose(float(logs["gradient_penalty"]), by_hand, rtol=1e-5)
