"""The ideas the notebooks write out on screen equal the library's versions.

Notebooks 05 and 07 each write one of kcolor's computations in a few lines
of plain numpy or TensorFlow, to show the idea, and assert in a cell that it
gives the library's numbers. These tests make the same checks on small,
fixed inputs, so that a change to the library that breaks the equality
fails here and not only in a notebook run. Each hand-written version below
is the notebook's, copied so that the test stands alone.
"""

import numpy as np
import pytest

import kcolor
from kcolor.backend import keras, tf
from kcolor.color import AB_SCALE
from kcolor.colorizers.wgan import gradient_penalty
from kcolor.quantize import GamutBins

pytestmark = pytest.mark.tf_only


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
    logs = model.discriminator_loss(L, real, fake, training=False)
    scores = {name: float(tf.reduce_mean(critic(np.concatenate([L, ab], -1), training=False)))
              for name, ab in (("real", real), ("fake", fake))}
    expected = scores["fake"] - scores["real"] + 10.0 * by_hand
    assert np.isclose(float(logs["d_loss"]), expected, rtol=1e-5, atol=1e-6)
    assert np.isclose(float(logs["gradient_penalty"]), by_hand, rtol=1e-5)
