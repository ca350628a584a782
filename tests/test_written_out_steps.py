"""The steps the notebooks write out on screen give the library's weights.

Each notebook that writes a paper's key step in plain Keras / TensorFlow
asserts that it matches the library; these tests check the same thing
without running the notebook.
"""

import numpy as np
import pytest

import kcolor
from kcolor.backend import keras, tf

pytestmark = pytest.mark.tf_only

# --- notebook 03: the cGAN step, pix2pix's way -------------------------------------------

_CGAN_SIZE = 16
_CGAN_L1_WEIGHT = 100.0


def _cgan_bce(logits, label):
    """Sigmoid cross-entropy from logits, averaged over every logit (as pix2pix)."""
    loss = keras.losses.BinaryCrossentropy(from_logits=True)
    return loss(tf.fill(tf.shape(logits), label), logits)


def _cgan_discriminator_loss(real_logits, fake_logits):
    return _cgan_bce(real_logits, 1.0) + _cgan_bce(fake_logits, 0.0)


def _cgan_generator_loss(fake_logits, fake, target):
    adversarial = _cgan_bce(fake_logits, 1.0)
    l1 = tf.reduce_mean(tf.abs(target - fake))
    return adversarial + _CGAN_L1_WEIGHT * l1, adversarial, l1


def _cgan_written_out_step(generator, discriminator, g_opt, d_opt, order):
    """pix2pix's two-tape step, in the library step's update order."""
    g_vars, d_vars = generator.trainable_variables, discriminator.trainable_variables

    def d_logits(L, ab):
        return discriminator(tf.concat([L, ab], -1), training=True)

    @tf.function(jit_compile=False)
    def alternating(L, ab):
        fake = generator(L, training=True)
        with tf.GradientTape() as tape:
            d_loss = _cgan_discriminator_loss(d_logits(L, ab), d_logits(L, fake))
        d_opt.apply(tape.gradient(d_loss, d_vars), d_vars)
        with tf.GradientTape() as tape:  # G again, against the updated D
            fake = generator(L, training=True)
            g_loss = _cgan_generator_loss(d_logits(L, fake), fake, ab)[0]
        g_opt.apply(tape.gradient(g_loss, g_vars), g_vars)

    @tf.function(jit_compile=False)
    def simultaneous(L, ab):
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = generator(L, training=True)
            real_logits, fake_logits = d_logits(L, ab), d_logits(L, fake)
            d_loss = _cgan_discriminator_loss(real_logits, fake_logits)
            g_loss = _cgan_generator_loss(fake_logits, fake, ab)[0]
        g_opt.apply(g_tape.gradient(g_loss, g_vars), g_vars)
        d_opt.apply(d_tape.gradient(d_loss, d_vars), d_vars)

    return alternating if order == "alternating" else simultaneous


def _cgan_networks():
    """A half-width-of-a-quarter U-Net and PatchGAN, from one seed (batch norm in both)."""
    return (kcolor.models.unet(_CGAN_SIZE, width=0.125, seed=0),
            kcolor.models.patchgan(_CGAN_SIZE, width=0.125, seed=0))


def _cgan_adam():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)  # kcolor.CGAN's default, pix2pix's


def _cgan_weights(*networks):
    """Every weight, batch-norm statistics included."""
    return [w for network in networks for w in network.get_weights()]


def _cgan_one_step_each(order, L, ab):
    """(start, library, written out): weights after one step of each, same start."""
    library_g, library_d = _cgan_networks()
    hand_g, hand_d = _cgan_networks()
    for hand, library in ((hand_g, library_g), (hand_d, library_d)):
        hand.set_weights(library.get_weights())
    start = _cgan_weights(library_g, library_d)

    gan = kcolor.CGAN(library_g, library_d, l1_weight=_CGAN_L1_WEIGHT, update_order=order)
    gan.compile(g_optimizer=_cgan_adam(), d_optimizer=_cgan_adam())
    gan.train_on_batch(L, ab)

    g_opt, d_opt = _cgan_adam(), _cgan_adam()
    g_opt.build(hand_g.trainable_variables)
    d_opt.build(hand_d.trainable_variables)
    _cgan_written_out_step(hand_g, hand_d, g_opt, d_opt, order)(L, ab)
    return start, _cgan_weights(library_g, library_d), _cgan_weights(hand_g, hand_d)


def _cgan_batch(seed=0):
    images = kcolor.data.sample_images("train", image_size=_CGAN_SIZE, count=8, seed=seed)
    L, ab = kcolor.color.rgb_to_l_ab(images.astype("float32") / 255.0)
    return np.asarray(L), np.asarray(ab)


def test_cgan_step_written_out_matches_library():
    L, ab = _cgan_batch()
    after = {}
    for order in ("alternating", "simultaneous"):
        start, library, hand = _cgan_one_step_each(order, L, ab)
        # the step moved the weights (Adam's first step: about the learning rate)
        assert max(np.abs(a - b).max() for a, b in zip(start, library)) > 1e-4
        for i, (a, b) in enumerate(zip(library, hand)):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6, err_msg=f"{order}, weight {i}")
        after[order] = library
    # the two orders are different steps: G trains against D before / after its update
    assert any(not np.allclose(a, b, rtol=1e-4, atol=1e-6)
               for a, b in zip(after["alternating"], after["simultaneous"]))
