"""The peers: each kcolor colorizer's training step as a plain ``tf.GradientTape`` loop.

``benchmarks/run.py`` times every kcolor colorizer's ``fit`` against these
hand-written steps. Each peer

* trains a fresh copy of the same network(s) (same builder, width and seed),
* with the same optimiser class and hyper-parameters (a separate instance),
* computes the same losses (the cGAN's is ``reference_step.cgan_step``, the
  one written-out cGAN step the tests check the library against; the other
  GANs' are written out here; ``kcolor.losses`` and the bins' encoders for
  the others), in the same order of
  updates (``d_steps`` discriminator updates on fresh fakes, then one
  generator update, as ``AdversarialColorizer.train_step`` does),
* inside one ``tf.function`` per step, with the same ``jit_compile`` choice,

and skips what a minimal loop does not need: Keras's metric trackers and
logs, the generator's gradient norm and the accuracies kcolor logs, and the
options the benchmark does not use (noise inputs, margins, loss scaling).
The outer loop is the usual ``for L, ab in dataset: step(L, ab)``.

Usage::

    step = peers.make_step("cgan", networks, optimizers, jit_compile=False)
    for L, ab in dataset.take(100):
        logs = step(L, ab)
"""

import reference_step
from kcolor import losses as regression_losses
from kcolor.backend import keras, tf
from kcolor.colorizers.wgan import gradient_penalty

ops = keras.ops

GAN_FAMILIES = ("cgan", "lsgan", "wgan-clip", "wgan-gp", "ebgan")

# The options every kcolor GAN in the benchmark is built with (pix2pix / paper B).
L1_WEIGHT = 100.0
WGAN_CLIP = 0.01
WGAN_GP_WEIGHT = 10.0
EBGAN_MARGIN = 1.0


def regression_step(network, optimizer, loss="l2", jit_compile=False):
    """``Colorizer``'s step: ``loss(ab, network(L))``, one optimiser update."""
    loss_fn = regression_losses.get(loss)
    variables = network.trainable_variables

    @tf.function(jit_compile=jit_compile)
    def step(L, ab):
        with tf.GradientTape() as tape:
            value = loss_fn(ab, network(L, training=True))
        optimizer.apply(tape.gradient(value, variables), variables)
        return value

    return step


def classification_step(network, bins, optimizer, rebalance=True, jit_compile=False):
    """``ClassColorizer``'s step: rebalanced cross-entropy on soft-encoded ab."""
    table = ops.convert_to_tensor(bins.rebalance_weights()) if rebalance else None
    variables = network.trainable_variables

    @tf.function(jit_compile=jit_compile)
    def step(L, ab):
        with tf.GradientTape() as tape:
            logits = ops.cast(bins.reshape_logits(network(L, training=True)), "float32")
            targets, index = bins.encode_targets(ab)
            weights = None if table is None else bins.pixel_weights(index, table)
            value = regression_losses.rebalanced_cross_entropy(targets, logits, weights)
        optimizer.apply(tape.gradient(value, variables), variables)
        return value

    return step


def gan_step(family, generator, discriminator, g_optimizer, d_optimizer, d_steps,
             jit_compile=False):
    """A conditional GAN step: ``d_steps`` D updates, then one G update.

    The losses are those of the kcolor family of the same name, built with
    ``l1_weight=100`` and the family's defaults (CGAN: non-saturating G loss;
    LSGAN: a=0, b=1, c=1; WGAN: clip 0.01 or penalty 10; EBGAN: margin 1).
    """
    if family not in GAN_FAMILIES:
        raise ValueError(f"Unknown GAN family {family!r}; expected one of {GAN_FAMILIES}.")
    if family == "cgan" and d_steps == 1:
        return reference_step.cgan_step(generator, discriminator, g_optimizer, d_optimizer,
                                        l1_weight=L1_WEIGHT, jit_compile=jit_compile)
    d_vars = discriminator.trainable_variables
    g_vars = generator.trainable_variables

    def scores(L, ab):
        x = ops.concatenate([L, ab], axis=-1)
        out = discriminator(x, training=True)
        if family == "ebgan":  # the autoencoder's energy: per-sample reconstruction MSE
            return ops.mean(ops.reshape(ops.square(out[0] - x), (ops.shape(x)[0], -1)), axis=1)
        return out

    def d_loss_fn(L, real, fake):
        r, f = scores(L, real), scores(L, fake)
        if family == "cgan":  # -log sigmoid(r) - log(1 - sigmoid(f))
            return ops.mean(ops.softplus(-r)) + ops.mean(ops.softplus(f))
        if family == "lsgan":
            return 0.5 * ops.mean(ops.square(r - 1.0)) + 0.5 * ops.mean(ops.square(f))
        if family == "ebgan":
            return ops.mean(r) + ops.mean(ops.relu(EBGAN_MARGIN - f))
        loss = ops.mean(f) - ops.mean(r)
        if family == "wgan-gp":
            alpha = tf.random.uniform((tf.shape(real)[0], 1, 1, 1))
            loss += WGAN_GP_WEIGHT * gradient_penalty(discriminator, real, fake, alpha, L)
        return loss

    def g_adversarial(L, fake):
        f = scores(L, fake)
        if family == "cgan":
            return ops.mean(ops.softplus(-f))
        if family == "lsgan":
            return 0.5 * ops.mean(ops.square(f - 1.0))
        if family == "ebgan":
            return ops.mean(f)
        return -ops.mean(f)

    @tf.function(jit_compile=jit_compile)
    def step(L, ab):
        for _ in range(d_steps):
            fake = generator(L, training=True)
            with tf.GradientTape() as tape:
                d_loss = d_loss_fn(L, ab, fake)
            d_optimizer.apply(tape.gradient(d_loss, d_vars), d_vars)
            if family == "wgan-clip":
                for v in d_vars:
                    v.assign(ops.clip(v, -WGAN_CLIP, WGAN_CLIP))
        with tf.GradientTape() as tape:
            fake = generator(L, training=True)
            g_loss = g_adversarial(L, fake) + L1_WEIGHT * ops.mean(ops.abs(ab - fake))
        g_optimizer.apply(tape.gradient(g_loss, g_vars), g_vars)
        return d_loss, g_loss

    return step


def run_steps(step, dataset, steps):
    """The hand-written loop: ``steps`` calls of ``step`` on the dataset's batches.

    Returns the last step's output, fetched to the host (which waits for the
    last step to finish, as ``fit`` does before it returns).
    """
    out = None
    for L, ab in dataset.take(steps):
        out = step(L, ab)
    return tf.nest.map_structure(lambda t: t.numpy(), out)


__all__ = ["regression_step", "classification_step", "gan_step", "run_steps", "GAN_FAMILIES"]
