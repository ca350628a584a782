"""The cGAN train step written out: pix2pix's, in plain TensorFlow, one copy for all.

``kcolor.CGAN``'s step is spread over a class and its family (the update
order, the loss weights, several devices, mixed precision). This is the
same step as the TensorFlow pix2pix tutorial writes it, in one function:
the tests check that the library's step moves the weights exactly as this
one does (``tests/test_written_out_steps.py``), and the benchmarks time
the library against it (``benchmarks/peers.py``, ``benchmarks/run.py``).
Notebook 03 keeps its own copy on screen, for the reader.

Its options are ``kcolor.CGAN``'s that change the step's arithmetic:
``one_sided_label_smoothing``, the L1 weight (times a multiplier, such as
the colour thermostat's) and ``update_order``. D returns logits; G takes L
alone (``noise="dropout"``); no margin, no noise input, one D and one G
update per step.

Usage::

    step = reference_step.cgan_step(generator, discriminator, g_opt, d_opt,
                                    l1_weight=100.0, update_order="simultaneous")
    for L, ab in dataset:
        logs = step(L, ab)
"""

from kcolor.backend import keras, tf

UPDATE_ORDERS = ("alternating", "simultaneous")


def bce(logits, label):
    """Sigmoid cross-entropy from logits against a constant label, averaged over every logit."""
    loss = keras.losses.BinaryCrossentropy(from_logits=True)
    return loss(tf.fill(tf.shape(logits), label), logits)


def discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):
    """pix2pix's D loss; ``label_smoothing`` is taken off the real label only (paper B, 3.3)."""
    return bce(real_logits, 1.0 - label_smoothing) + bce(fake_logits, 0.0)


def generator_loss(fake_logits, fake, target, l1_weight):
    """pix2pix's G loss: ``(total, adversarial term, L1)``, non-saturating."""
    adversarial = bce(fake_logits, 1.0)
    l1 = tf.reduce_mean(tf.abs(target - fake))
    return adversarial + l1_weight * l1, adversarial, l1


def cgan_step(generator, discriminator, g_optimizer, d_optimizer, *, l1_weight=100.0,
              l1_scale=None, one_sided_label_smoothing=0.0, update_order="alternating",
              jit_compile=False):
    """One cGAN train step as a ``tf.function`` ``step(L, ab) -> logs``.

    Args:
        generator, discriminator: the networks (D on ``concat(L, ab)``).
        g_optimizer, d_optimizer: built optimisers, one per network.
        l1_weight: lambda of the L1 term (pix2pix: 100).
        l1_scale: ``None``, or a variable whose value multiplies
            ``l1_weight`` at each step (a thermostat's multiplier; it is read,
            not steered, here).
        one_sided_label_smoothing: D's target for real pairs is ``1 - this``.
        update_order: ``"alternating"`` (kcolor's default: D is updated, then
            G runs again against the updated D) or ``"simultaneous"`` (the
            pix2pix tutorial's: one G pass under two tapes, both updates).
        jit_compile: passed to ``tf.function``.

    Returns:
        ``step(L, ab)``, returning ``{"d_loss", "g_loss", "g_adv_loss", "l1"}``.
    """
    if update_order not in UPDATE_ORDERS:
        raise ValueError(f"update_order must be one of {UPDATE_ORDERS}, got {update_order!r}.")
    g_vars, d_vars = generator.trainable_variables, discriminator.trainable_variables

    def d_logits(L, ab):
        return discriminator(tf.concat([L, ab], -1), training=True)

    def weight():
        return l1_weight if l1_scale is None else l1_weight * tf.convert_to_tensor(l1_scale)

    def logs(d_loss, g_losses):
        return {"d_loss": d_loss, "g_loss": g_losses[0], "g_adv_loss": g_losses[1],
                "l1": g_losses[2]}

    @tf.function(jit_compile=jit_compile)
    def alternating(L, ab):
        fake = generator(L, training=True)
        with tf.GradientTape() as tape:
            d_loss = discriminator_loss(d_logits(L, ab), d_logits(L, fake),
                                        one_sided_label_smoothing)
        d_optimizer.apply(tape.gradient(d_loss, d_vars), d_vars)
        with tf.GradientTape() as tape:  # G again, against the updated D
            fake = generator(L, training=True)
            g_losses = generator_loss(d_logits(L, fake), fake, ab, weight())
        g_optimizer.apply(tape.gradient(g_losses[0], g_vars), g_vars)
        return logs(d_loss, g_losses)

    @tf.function(jit_compile=jit_compile)
    def simultaneous(L, ab):
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = generator(L, training=True)
            real_logits, fake_logits = d_logits(L, ab), d_logits(L, fake)
            d_loss = discriminator_loss(real_logits, fake_logits, one_sided_label_smoothing)
            g_losses = generator_loss(fake_logits, fake, ab, weight())
        g_optimizer.apply(g_tape.gradient(g_losses[0], g_vars), g_vars)
        d_optimizer.apply(d_tape.gradient(d_loss, d_vars), d_vars)
        return logs(d_loss, g_losses)

    return alternating if update_order == "alternating" else simultaneous


__all__ = ["cgan_step", "discriminator_loss", "generator_loss", "bce", "UPDATE_ORDERS"]
