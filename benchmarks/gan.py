"""Images per second of each GAN family's ``fit`` step vs a hand-written loop.

For CGAN, LSGAN, WGAN (clipping), WGAN-GP and EBGAN, the same two networks
(``kcolor.models.unet`` + ``kcolor.models.patchgan``, or
``ebgan_discriminator`` for EBGAN) are trained

* by ``model.fit`` on the kcolor colorizer (the shared adversarial
  ``train_step``, compiled by Keras into one ``tf.function``), and
* by a plain ``tf.GradientTape`` loop inside one ``tf.function`` (XLA off),
  with the same losses (the functions of ``kcolor.colorizers.gan_losses``),
  the same D / G step counts and the same optimisers, but none of the
  colorizer's bookkeeping (metrics, noise options, margin logic).

Both run on the same in-memory batch for ``--steps`` steps; each variant is
timed ``--repeats`` times, alternating, and the best time is kept (the CPU may
be shared). ``fit`` times include its per-call set-up (data iterator,
callbacks), once per ``fit`` call. ``fit`` is shown twice: with
``steps_per_execution=1`` (the default) and with ``--steps-per-execution``
steps per graph call, which removes Keras's per-step Python overhead. The
ratio ``fit / loop`` should be about 1 or above.

Usage:
    python benchmarks/gan.py [--image-size 32] [--batch-size 16] [--steps 30] [--steps-per-execution 10]
                             [--width 0.25] [--repeats 3] [--families cgan,wgan]
"""

import argparse
import time

import numpy as np

import kcolor
from kcolor.backend import keras, tf
from kcolor.colorizers import gan_losses as losses

FAMILIES = ("cgan", "lsgan", "wgan", "wgan-gp", "ebgan")


def build_networks(family, size, width, seed):
    generator = kcolor.models.unet(size, width=width, seed=seed)
    if family == "ebgan":
        discriminator = kcolor.models.ebgan_discriminator(size, width=width, seed=seed)
    else:
        discriminator = kcolor.models.patchgan(size, width=width, seed=seed)
    return generator, discriminator


def build_model(family, generator, discriminator):
    if family == "cgan":
        return kcolor.CGAN(generator, discriminator, l1_weight=100.0)
    if family == "lsgan":
        return kcolor.LSGAN(generator, discriminator, l1_weight=100.0)
    if family == "wgan":
        return kcolor.WGAN(generator, discriminator, l1_weight=100.0)
    if family == "wgan-gp":
        return kcolor.WGAN(generator, discriminator, gradient_penalty=10.0, l1_weight=100.0)
    return kcolor.EBGAN(generator, discriminator, l1_weight=100.0)


def hand_written_step(family, generator, discriminator, g_optimizer, d_optimizer, d_steps):
    """The same GAN step as a plain tf.GradientTape loop."""

    def d_scores(L, ab):
        x = tf.concat([L, ab], axis=-1)
        out = discriminator(x, training=True)
        if family == "ebgan":
            return losses.reconstruction_energy(out[0], x)
        return out

    def d_loss_fn(L, real, fake):
        r, f = d_scores(L, real), d_scores(L, fake)
        if family == "cgan":
            return sum(losses.discriminator_cross_entropy(r, f))
        if family == "lsgan":
            return sum(losses.least_squares_discriminator_loss(r, f))
        if family == "ebgan":
            return sum(losses.energy_discriminator_loss(r, f, 1.0))
        loss = sum(losses.wasserstein_critic_loss(r, f))
        if family == "wgan-gp":
            alpha = tf.random.uniform((tf.shape(real)[0], 1, 1, 1))
            loss += 10.0 * losses.gradient_penalty(discriminator, real, fake, alpha, L)
        return loss

    def g_adversarial(L, fake):
        f = d_scores(L, fake)
        if family == "cgan":
            return losses.non_saturating_generator_loss(f)
        if family == "lsgan":
            return losses.least_squares_generator_loss(f)
        if family == "ebgan":
            return losses.energy_generator_loss(f)
        return losses.wasserstein_generator_loss(f)

    @tf.function(jit_compile=False)
    def step(L, ab):
        for _ in range(d_steps):
            fake = generator(L, training=True)
            with tf.GradientTape() as tape:
                d_loss = d_loss_fn(L, ab, fake)
            grads = tape.gradient(d_loss, discriminator.trainable_variables)
            d_optimizer.apply(grads, discriminator.trainable_variables)
            if family == "wgan":
                losses.clip_weights(discriminator.trainable_variables, 0.01)
        with tf.GradientTape() as tape:
            fake = generator(L, training=True)
            g_loss = g_adversarial(L, fake) + 100.0 * losses.l1_loss(ab, fake)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        g_optimizer.apply(grads, generator.trainable_variables)
        return d_loss, g_loss

    return step


def time_family(family, L, ab, args):
    """Best times of fit() (spe = 1 and spe = ``--steps-per-execution``) and the loop."""
    batch = L.shape[0]
    data = tf.data.Dataset.from_tensors((L, ab)).repeat()
    runs = {}

    # fit(): the colorizer's shared train step, compiled by Keras
    for spe in (1, args.steps_per_execution):
        model = build_model(family, *build_networks(family, args.image_size, args.width, 0))
        model.compile(jit_compile=False, steps_per_execution=spe)
        model.fit(data, steps_per_epoch=2 * spe, epochs=1, verbose=0)  # trace + warm up

        def run_fit(model=model):
            start = time.perf_counter()
            model.fit(data, steps_per_epoch=args.steps, epochs=1, verbose=0)
            return time.perf_counter() - start

        runs[f"fit{spe}"] = run_fit

    # the hand-written loop over the same architectures
    generator, discriminator = build_networks(family, args.image_size, args.width, 0)
    g_opt, d_opt = model.default_optimizers()
    step = hand_written_step(family, generator, discriminator, g_opt, d_opt, model.d_steps)
    L_t, ab_t = tf.constant(L), tf.constant(ab)
    for _ in range(2):
        step(L_t, ab_t)

    def run_loop():
        start = time.perf_counter()
        for _ in range(args.steps):
            out = step(L_t, ab_t)
        float(out[1])  # wait for the last step
        return time.perf_counter() - start

    runs["loop"] = run_loop
    best = {name: np.inf for name in runs}
    for _ in range(args.repeats):
        for name, run in runs.items():  # alternate, keep the best
            best[name] = min(best[name], run())
    rates = {name: args.steps * batch / seconds for name, seconds in best.items()}
    return rates, model.d_steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--steps-per-execution", type=int, default=10)
    parser.add_argument("--width", type=float, default=0.25)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--families", default=",".join(FAMILIES))
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (args.batch_size, args.image_size, args.image_size, 3), np.uint8)
    L, ab = next(iter(kcolor.data.from_arrays(images, batch_size=args.batch_size, shuffle=False)))
    L, ab = np.asarray(L), np.asarray(ab)

    device = "GPU" if kcolor.backend.has_gpu() else "CPU"
    print(
        f"U-Net + PatchGAN (EBGAN: autoencoder D), {args.image_size} px, width {args.width}, "
        f"batch {args.batch_size}, {args.steps} steps, best of {args.repeats}, {device}, "
        f"TF {tf.__version__}, Keras {keras.__version__}, XLA off"
    )
    spe = args.steps_per_execution
    print(
        f"{'family':<9} {'D steps':>7} {'fit img/s':>10} {f'fit spe={spe}':>11} "
        f"{'loop img/s':>11} {'fit/loop':>9} {f'spe{spe}/loop':>10}"
    )
    for family in args.families.split(","):
        keras.backend.clear_session()
        rates, d_steps = time_family(family, L, ab, args)
        print(
            f"{family:<9} {d_steps:>7} {rates['fit1']:>10.1f} {rates[f'fit{spe}']:>11.1f} "
            f"{rates['loop']:>11.1f} {rates['fit1'] / rates['loop']:>9.2f} "
            f"{rates[f'fit{spe}'] / rates['loop']:>10.2f}"
        )


if __name__ == "__main__":
    main()
