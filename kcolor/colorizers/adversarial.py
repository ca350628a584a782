"""The train step every GAN in kcolor shares: pix2pix's, written once.

D is updated with ``discriminator_loss(real_out, fake_out)`` on its outputs
for real pairs ``(x, y)`` and generated ones ``(x, G(x))``; G with
``generator_loss(fake_out, fake, y)``: the family's adversarial term plus
the weighted L1 / L2 distances to ``y`` (Isola et al., 2017, eq. 1 to 4;
paper B, eq. 1 to 8). Names and arguments are pix2pix's. A family (one file
each) writes ``discriminator_loss`` (a dict with ``"d_loss"``) and
``adversarial_loss(fake_out)`` (a dict with ``"g_adv_loss"``) in full; it
may override ``update_discriminator`` (CGAN's margin, WGAN's clipping),
``add_penalty`` (WGAN-GP), ``default_optimizers`` and ``family_logs``.
Loss weights that move are in ``weights``, option checks in ``options``,
what several devices and ``mixed_float16`` add in ``replicas``.

Reference:
    A: Koo, sections 3.2 and 5.2. B: Nazeri et al., sections 2 and 3.3.
    C: section 4. D: Fabbri, sections 3 and 4. Isola et al., 2017.
"""

import numpy as np

from kcolor import losses
from kcolor.backend import keras, tf
from kcolor.colorizers import options, replicas, weights
from kcolor.colorizers.base import ColorizerModel
from kcolor.colorizers.trackers import LastValue

ops = keras.ops


@keras.saving.register_keras_serializable(package="kcolor")
class AdversarialColorizer(ColorizerModel):
    """The shared GAN step: D and G alternate by default; pix2pix's simultaneous order is an option.

    Args:
        generator: a built ``keras.Model``: L ``(H, W, 1)`` -> ab ``(H, W, 2)``
            (``[L, z]`` with a noise vector; z -> image when unconditional).
        discriminator: a built ``keras.Model`` on ``concat(L, ab)`` (or the
            image when unconditional), returning logits of any shape.
        conditional: ``False`` trains an unconditional generator on images
            (paper D, section 3).
        noise: ``"dropout"`` (default, or ``None``; pix2pix: G's Dropout is
            the noise) or ``"input"`` (an N(0, 1) plane concatenated to L).
        noise_dim: length of ``z ~ N(0, 1)`` (paper A, 3.2.1); ``None``: G's own.
        l1_weight: weight of ``E |ab - G(L)|`` in G's loss (paper B, eq. 6:
            100): a number, or a ``weights.ColorThermostat`` that steers it
            to hold the fakes' colour at a target (logs ``color_ratio`` and
            ``l1_scale``; conditional models only).
        l2_weight: weight of ``E (ab - G(L))^2`` (paper C).
        adversarial_weight: weight of the adversarial term (paper C's
            lambda_1): a number, or a ``weights.LinearRamp`` that raises it
            over the first G updates (a warm-up).
        d_steps, g_steps: D and G updates per train step (WGAN's n_critic: 5).
        update_order: ``"alternating"`` (default): D is updated, then G is run
            again and updated against the updated D. ``"simultaneous"``: one
            G pass and one D pass on the fakes under two tapes give both
            losses, as the TensorFlow pix2pix tutorial's ``train_step``
            does (needs ``d_steps = g_steps = 1``).
        seed: seed of the step's ``keras.random.SeedGenerator``.
        **kwargs: ``keras.Model`` arguments (``name``, ...).

    Logs ``d_loss``, ``g_loss``, ``g_adv_loss``, ``l1`` and ``l2`` (on ab),
    ``g_grad_norm`` (G's gradient norm, paper A, 5.2) and the family's own.
    A family (``kcolor.CGAN``, ...) subclasses it; it has no losses of its own.

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", 2017, section 3.
    """

    def __init__(self, generator, discriminator, *, conditional=True, noise="dropout",
                 noise_dim=None, l1_weight=0.0, l2_weight=0.0, adversarial_weight=1.0,
                 d_steps=1, g_steps=1, update_order="alternating", seed=None, **kwargs):
        super().__init__(**kwargs)
        self.noise_shape = options.check(  # raises for options that cannot train
            generator, discriminator, conditional=conditional, noise=noise, noise_dim=noise_dim,
            weights={"l1_weight": l1_weight, "l2_weight": l2_weight,
                     "adversarial_weight": adversarial_weight},
            d_steps=d_steps, g_steps=g_steps, update_order=update_order)
        self.generator, self.discriminator = generator, discriminator
        self.conditional, self.noise, self.noise_dim = bool(conditional), noise, noise_dim
        self.l1_weight, self.l2_weight, self.adversarial_weight = (
            w if hasattr(w, "at") else float(w) for w in (l1_weight, l2_weight, adversarial_weight))
        if isinstance(self.l1_weight, weights.ColorThermostat) and not self.l1_weight.built:
            self.l1_weight.build()  # its variable, in the GAN's distribution scope
        self.d_steps, self.g_steps, self.update_order = int(d_steps), int(g_steps), update_order
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.built = True

    # --- the shared step ---------------------------------------------------------
    def train_step(self, data):
        """``d_steps`` D updates, then ``g_steps`` G updates (or both at once)."""
        x, y = options.condition_and_target(data, self.conditional)  # (L, ab) or (None, images)
        if self.update_order == "simultaneous":
            return self.record(self.simultaneous_step(x, y))

        # 1. D: tell real pairs (x, y) from generated ones (x, G(x, z)).
        for _ in range(self.d_steps):
            fake = self.generator(self.generator_inputs(x, y), training=True)
            with tf.GradientTape() as tape:
                real_out, fake_out = self.discriminate(x, y), self.discriminate(x, fake)
                d_logs = self.add_penalty(self.discriminator_loss(real_out, fake_out), x, y, fake)
                d_loss = replicas.loss_to_differentiate(self.d_optimizer, d_logs["d_loss"])
            grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
            d_logs.update(self.update_discriminator(grads, d_logs))

        # 2. G: fool the updated D, and stay near the truth (the L1 / L2 terms).
        for _ in range(self.g_steps):
            with tf.GradientTape() as tape:
                fake = self.generator(self.generator_inputs(x, y), training=True)
                g_logs = self.generator_loss(self.discriminate(x, fake), fake, y)
                g_loss = replicas.loss_to_differentiate(self.g_optimizer, g_logs["g_loss"])
            self.update_generator(tape.gradient(g_loss, self.generator.trainable_variables),
                                  g_logs, fake, y)
        return self.record({**d_logs, **g_logs})

    def simultaneous_step(self, x, y):
        """One G pass and one D pass on the fakes under two tapes, both updates; the logs."""
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(self.generator_inputs(x, y), training=True)
            real_out, fake_out = self.discriminate(x, y), self.discriminate(x, fake)
            d_logs = self.add_penalty(self.discriminator_loss(real_out, fake_out), x, y, fake)
            g_logs = self.generator_loss(fake_out, fake, y)
            d_loss = replicas.loss_to_differentiate(self.d_optimizer, d_logs["d_loss"])
            g_loss = replicas.loss_to_differentiate(self.g_optimizer, g_logs["g_loss"])
        g_grads = g_tape.gradient(g_loss, self.generator.trainable_variables)
        d_grads = d_tape.gradient(d_loss, self.discriminator.trainable_variables)
        self.update_generator(g_grads, g_logs, fake, y)
        d_logs.update(self.update_discriminator(d_grads, d_logs))
        return {**d_logs, **g_logs}

    def update_generator(self, grads, g_logs, fake, y):
        """Applies G's gradients; logs their norm and steers a colour thermostat."""
        g_logs["g_grad_norm"] = replicas.gradient_norm(self.g_optimizer, grads)
        self.g_optimizer.apply(grads, self.generator.trainable_variables)
        g_logs.update(weights.steer(self.l1_weight, fake, y))

    def test_step(self, data):
        """The same losses on held-out data, no updates."""
        x, y = options.condition_and_target(data, self.conditional)
        fake = self.generator(self.generator_inputs(x, y), training=False)
        real_out, fake_out = self.discriminate(x, y, False), self.discriminate(x, fake, False)
        d_logs = self.add_penalty(self.discriminator_loss(real_out, fake_out), x, y, fake, False)
        return self.record({**d_logs, **self.generator_loss(fake_out, fake, y)})

    def generator_loss(self, fake_out, fake, y):
        """G's loss: ``adversarial_weight * adversarial_loss + l1_weight * L1 + l2_weight * L2``.

        Args:
            fake_out: D's outputs on the generated pairs.
            fake, y: G's colours and the true ones (L1 and L2 compare them).

        Returns:
            A dict: ``"g_loss"`` (the total, differentiated), ``"g_adv_loss"``
            (unweighted), ``"l1"`` and ``"l2"`` (when conditional) and the
            family's own values. Each weight is read at G's update count.

        Reference:
            Isola et al., 2017, eq. 4 (pix2pix's ``generator_loss``). B: eq. 6. C: 3.2.
        """
        step = self.g_optimizer.iterations if hasattr(self, "g_optimizer") else 0
        logs = self.adversarial_loss(fake_out)
        loss = weights.at(self.adversarial_weight, step) * logs["g_adv_loss"]
        if self.conditional:  # pix2pix eq. 3 and 4; paper C's L2 term
            fake = ops.cast(fake, y.dtype)
            logs.update(l1=losses.l1(y, fake), l2=losses.l2(y, fake))
            loss += weights.at(self.l1_weight, step) * logs["l1"]
            loss += weights.at(self.l2_weight, step) * logs["l2"]
        logs["g_loss"] = loss
        return logs

    # --- what a family writes (see the module docstring) -------------------------
    def discriminator_loss(self, real_out, fake_out):
        raise NotImplementedError("{'d_loss': D's loss, ...} from D's outputs on real and fake")

    def adversarial_loss(self, fake_out):
        raise NotImplementedError("{'g_adv_loss': G's adversarial term, ...} from D's outputs")

    def add_penalty(self, d_logs, x, y, fake, training=True):
        """D's logs with a term that needs D's inputs (WGAN-GP's): unchanged here."""
        return d_logs

    def update_discriminator(self, grads, d_logs):
        """Applies D's gradients; returns extra logs (``{}``)."""
        self.d_optimizer.apply(grads, self.discriminator.trainable_variables)
        return {}

    def default_optimizers(self):
        """``(g_optimizer, d_optimizer)`` for ``compile()``: pix2pix's Adam."""
        return keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)

    def family_logs(self):
        """Names of the family's extra logged values (accuracies, penalties)."""
        return []

    # --- what the networks eat ---------------------------------------------------
    def discriminator_inputs(self, x, colors):
        """What D sees: ``concat(L, ab)``, or the image alone when unconditional."""
        return colors if x is None else ops.concatenate([x, ops.cast(colors, x.dtype)], -1)

    def discriminate(self, x, colors, training=True):
        """D's outputs on ``discriminator_inputs(x, colors)``, in float32."""
        outputs = self.discriminator(self.discriminator_inputs(x, colors), training=training)
        return keras.tree.map_structure(lambda t: ops.cast(t, "float32"), outputs)

    def generator_inputs(self, x, y):
        """What G eats: L, ``concat(L, noise plane)``, ``[L, z]`` or ``z``."""
        if not self.conditional or self.noise_shape:
            z = keras.random.normal((ops.shape(y)[0],) + self.noise_shape,
                                    seed=self.seed_generator)
            return [x, z] if self.conditional else z
        if self.noise == "input":
            plane = keras.random.normal(ops.shape(x), seed=self.seed_generator)
            return ops.concatenate([x, ops.cast(plane, x.dtype)], axis=-1)
        return x

    # --- compile, logs, inference, config -----------------------------------------
    def compile(self, g_optimizer=None, d_optimizer=None, *, jit_compile=None,
                steps_per_execution=1, run_eagerly=False, auto_scale_loss=True, **kwargs):
        """One optimiser per network (``None``: the family's default); XLA as ``ColorizerModel``.

        ``auto_scale_loss`` wraps the optimisers for ``mixed_float16``.
        """
        default_g, default_d = self.default_optimizers()
        g_optimizer = keras.optimizers.get(default_g if g_optimizer is None else g_optimizer)
        d_optimizer = keras.optimizers.get(default_d if d_optimizer is None else d_optimizer)
        options.check_compile(type(self).__name__, kwargs, g_optimizer, d_optimizer)
        self._gan_compile_config = dict(
            g_optimizer=keras.optimizers.serialize(g_optimizer),
            d_optimizer=keras.optimizers.serialize(d_optimizer), jit_compile=jit_compile,
            steps_per_execution=steps_per_execution, run_eagerly=run_eagerly,
            auto_scale_loss=auto_scale_loss)
        if auto_scale_loss:
            g_optimizer = replicas.with_loss_scaling(g_optimizer, self.dtype_policy)
            d_optimizer = replicas.with_loss_scaling(d_optimizer, self.dtype_policy)
        super().compile(optimizer=None, auto_scale_loss=False, run_eagerly=run_eagerly,
                        jit_compile=jit_compile, steps_per_execution=steps_per_execution)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        # Built here, outside any graph: an update inside tf.cond creates no variable.
        for optimizer, network in ((g_optimizer, self.generator), (d_optimizer, self.discriminator)):
            if not optimizer.built:
                optimizer.build(network.trainable_variables)
        # The trackers: one per logged value (g_grad_norm and l1_scale: each batch's own).
        steered = isinstance(self.l1_weight, weights.ColorThermostat)
        names = ["d_loss", "g_loss", "g_adv_loss"] + (["l1", "l2"] if self.conditional else [])
        names += (["color_ratio"] if steered else []) + list(self.family_logs())
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}
        for name in ["g_grad_norm"] + (["l1_scale"] if steered else []):
            self.trackers[name] = LastValue(name=name)

    @property
    def metrics(self):  # Keras resets these at the start of every epoch
        return list(getattr(self, "trackers", {}).values())

    def record(self, logs):
        """Updates the tracker of every logged value; returns their results."""
        logged = [name for name in logs if name in self.trackers]
        for name in logged:
            self.trackers[name].update_state(logs[name])
        return {name: self.trackers[name].result() for name in logged}

    def fit(self, *args, **kwargs):
        """``keras.Model.fit``, then ``use_generator_average()`` (as GANs since ProGAN)."""
        history = super().fit(*args, **kwargs)
        self.use_generator_average()
        return history

    def use_generator_average(self):
        """Copies ``g_optimizer``'s moving average of G's weights into G; returns if it did."""
        optimizer = getattr(self, "g_optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # a loss-scale wrapper
        if optimizer is None or not optimizer.use_ema or not optimizer.built:
            return False
        optimizer.finalize_variable_values(self.generator.trainable_variables)
        return True

    def get_compile_config(self):
        return dict(getattr(self, "_gan_compile_config", {}))

    def compile_from_config(self, config):
        optimizers = {key: keras.optimizers.deserialize(config[key])
                      for key in ("g_optimizer", "d_optimizer")}
        self.compile(**{**config, **optimizers})

    def call(self, inputs, training=False):
        """Conditional: L -> ab (noise drawn as in training). Else z -> image."""
        if self.conditional:
            inputs = self.generator_inputs(inputs, inputs)
        return self.generator(inputs, training=training)

    def generate(self, n, batch_size=32, seed=None):
        """``n`` samples ``(n, *image_shape)`` of an unconditional generator (z from ``seed``)."""
        if self.conditional:
            raise ValueError("generate() is for unconditional models; use predict(L) to colourise.")
        z = np.random.default_rng(seed).standard_normal((n,) + self.noise_shape)
        return self.predict(z.astype("float32"), batch_size=batch_size, verbose=0)

    WEIGHTS = ("l1_weight", "l2_weight", "adversarial_weight")

    def get_config(self):
        config = super().get_config()
        serialize = keras.saving.serialize_keras_object
        config.update(
            generator=serialize(self.generator), discriminator=serialize(self.discriminator),
            conditional=self.conditional, noise=self.noise, noise_dim=self.noise_dim,
            d_steps=self.d_steps, g_steps=self.g_steps, update_order=self.update_order,
            seed=self.seed, **{name: serialize(getattr(self, name)) for name in self.WEIGHTS})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator") + cls.WEIGHTS:
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


__all__ = ["AdversarialColorizer"]
