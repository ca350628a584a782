"""The train step every GAN in kcolor shares: pix2pix's, written once.

One step updates the discriminator D with ``discriminator_loss`` on real
pairs ``(x, y)`` and generated pairs ``(x, G(x, z))``, then the generator G
with ``generator_loss``: the family's adversarial term plus the weighted L1
/ L2 distances to ``y`` (Isola et al., 2017, eq. 1 to 4; paper B, eq. 1 to
8). The names are pix2pix's: ``generator_loss`` is G's whole loss and
returns the total and its parts.

A family (``CGAN``, ``LSGAN``, ``WGAN``, ``EBGAN``, one file each) writes
its two loss functions in full: ``discriminator_loss(x, y, fake)`` (a dict
with ``"d_loss"`` and whatever else it logs) and ``adversarial_loss(x,
fake)``, G's adversarial term (a dict with ``"g_adv_loss"``). It may
override ``update_discriminator`` (CGAN's margin, WGAN's clipping),
``default_optimizers`` and ``family_logs`` (the names of its extra logged
values). No family writes a train step. What several devices and
``mixed_float16`` add is in ``kcolor.colorizers.scaling``, called at two
named points.

Reference:
    A: Koo, sections 3.2 and 5.2. B: Nazeri et al., sections 2 and 3.3.
    C: section 4. D: Fabbri, sections 3 and 4. Isola et al., 2017.
"""

import inspect
import warnings

import numpy as np

from kcolor import losses
from kcolor.backend import keras, tf
from kcolor.colorizers import gan_inputs, scaling, thermostat
from kcolor.colorizers.base import ColorizerModel
from kcolor.colorizers.trackers import LastValue

ops = keras.ops


@keras.saving.register_keras_serializable(package="kcolor")
class AdversarialColorizer(ColorizerModel):
    """The shared GAN step; subclass it with two loss functions, don't call it.

    Args:
        generator: a built ``keras.Model``: L ``(H, W, 1)`` -> ab ``(H, W, 2)``
            (``[L, z]`` with a noise vector; z -> image when unconditional).
        discriminator: a built ``keras.Model`` on ``concat(L, ab)`` (or the
            image when unconditional), returning logits of any shape.
        conditional: ``False`` trains an unconditional generator (paper D,
            section 3) on images, or on tuples whose first item is the images.
        noise: ``"dropout"`` (default; pix2pix: G's own Dropout layers are the
            noise; ``None`` is the same) or ``"input"`` (an N(0, 1) plane
            concatenated to L: G takes 2 channels).
        noise_dim: length of ``z ~ N(0, 1)`` (paper A, 3.2.1); read from the
            generator's inputs when ``None``.
        l1_weight: weight of ``E |ab - G(L)|`` in G's loss (paper B, eq. 6: 100).
        l2_weight: weight of ``E (ab - G(L))^2`` (paper C).
        adversarial_weight: weight of the adversarial term (paper C's lambda_1).
        adversarial_warmup: number of generator updates over which that
            weight rises linearly from 0 to ``adversarial_weight`` (0, the
            default: full weight from the first step). Read from G's
            optimiser's step counter, so a resumed run continues the ramp.
            Meant for a generator warm-started from a regression model: it
            keeps its regression answer while the new discriminator learns
            (notebook 03's exercise 6 asks whether that pays).
        d_steps, g_steps: D and G updates per train step (WGAN's n_critic: 5).
        update_order: ``"alternating"`` (default): D is updated, then G is
            run again on the same batch and updated against the updated D.
            ``"simultaneous"``: one G forward pass under two tapes; both
            losses come from it (D's outputs on the fakes computed once)
            and both optimisers apply their gradients, as the TensorFlow
            pix2pix tutorial's ``train_step`` does. It saves one generator
            forward pass and one discriminator pass per step; it needs
            ``d_steps = g_steps = 1``.
        color_target: ``None`` (default) keeps ``l1_weight`` fixed. A
            number turns on the colour thermostat
            (``kcolor.colorizers.thermostat``): after each G update the L1
            weight is scaled so that the fakes' mean chroma stays near
            ``color_target`` times the truth's on the same batch, which
            fixes where a run ends on the accuracy-against-colour trade
            instead of leaving it to the seed. Logs ``color_ratio`` and
            ``l1_scale``. Needs a conditional model with ``l1_weight > 0``.
        color_gain: the thermostat's step per unit of error (0.05).
        color_scale_range: ``(low, high)``: the bounds of the L1 weight's
            multiplier (``(0.5, 2.0)``).
        seed: seed of the step's ``keras.random.SeedGenerator``.
        **kwargs: ``keras.Model`` arguments (``name``, ...).

    Logs ``d_loss``, ``g_loss``, ``g_adv_loss``, ``l1`` and ``l2`` (on ab),
    ``g_grad_norm`` (G's gradient norm, paper A, 5.2) and the family's own.

    Example:
        >>> # quarter-width networks: a first run sized for a laptop CPU
        >>> gan = kcolor.CGAN(kcolor.models.unet(32, width=0.25),
        ...                   kcolor.models.patchgan(32, width=0.25), l1_weight=100)
        >>> gan.compile()
        >>> gan.fit(kcolor.data.sample("train", image_size=32), epochs=2)

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", 2017, section 3.
    """

    def __init__(self, generator, discriminator, *, conditional=True, noise="dropout",
                 noise_dim=None, l1_weight=0.0, l2_weight=0.0, adversarial_weight=1.0,
                 adversarial_warmup=0, d_steps=1, g_steps=1, update_order="alternating",
                 color_target=None, color_gain=0.05, color_scale_range=(0.5, 2.0),
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        check_loss_options(
            conditional=conditional, steps={"d_steps": d_steps, "g_steps": g_steps},
            warmup={"adversarial_warmup": adversarial_warmup},
            weights={"l1_weight": l1_weight, "l2_weight": l2_weight,
                     "adversarial_weight": adversarial_weight})
        check_update_order(update_order, d_steps=d_steps, g_steps=g_steps)
        gan_inputs.check_options(generator, discriminator, conditional=conditional,
                                 noise=noise, noise_dim=noise_dim)
        self.generator, self.discriminator = generator, discriminator
        self.conditional, self.noise, self.noise_dim = bool(conditional), noise, noise_dim
        self.l1_weight, self.l2_weight = float(l1_weight), float(l2_weight)
        self.adversarial_weight = float(adversarial_weight)
        self.adversarial_warmup = int(adversarial_warmup)
        self.d_steps, self.g_steps, self.seed = int(d_steps), int(g_steps), seed
        self.update_order = update_order
        thermostat.check_options(1.0 if color_target is None else color_target,
                                 color_gain, color_scale_range)
        self.thermostat = None
        if color_target is not None:
            if not (self.conditional and self.l1_weight > 0):
                raise ValueError(
                    f"color_target steers the L1 weight towards the true colours: it needs a "
                    f"conditional model with l1_weight > 0 (got l1_weight={l1_weight!r}, "
                    f"conditional={conditional!r}). Pass color_target=None to keep the "
                    "L1 weight you set.")
            self.thermostat = thermostat.ColorThermostat(
                color_target, gain=color_gain, scale_range=color_scale_range,
                name="color_thermostat")
        self._shared_fake = None  # set during a simultaneous step (see discriminate)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.noise_shape = gan_inputs.noise_shape(
            generator, discriminator, conditional=self.conditional, noise=noise,
            noise_dim=noise_dim)
        self.built = True

    # --- the shared step ---------------------------------------------------------
    def train_step(self, data):
        """``d_steps`` discriminator updates, then ``g_steps`` generator updates."""
        x, y = gan_inputs.condition_and_target(data, self.conditional)  # (L, ab) or (None, x)
        if self.update_order == "simultaneous":
            return self.record(self.simultaneous_step(x, y))

        # 1. D: tell real pairs (x, y) from generated ones (x, G(x, z)).
        for _ in range(self.d_steps):
            fake = self.generator(self.generator_inputs(x, y), training=True)
            with tf.GradientTape() as tape:
                d_logs = self.discriminator_loss(x, y, fake)
                d_loss = scaling.loss_to_differentiate(self.d_optimizer, d_logs["d_loss"])
            grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
            d_logs.update(self.update_discriminator(grads, d_logs))

        # 2. G: fool D, and stay near the truth (the L1 / L2 terms).
        for _ in range(self.g_steps):
            with tf.GradientTape() as tape:
                fake = self.generator(self.generator_inputs(x, y), training=True)
                g_logs = self.generator_loss(x, y, fake)
                g_loss = scaling.loss_to_differentiate(self.g_optimizer, g_logs["g_loss"])
            grads = tape.gradient(g_loss, self.generator.trainable_variables)
            g_logs["g_grad_norm"] = scaling.gradient_norm(self.g_optimizer, grads)
            self.g_optimizer.apply(grads, self.generator.trainable_variables)
            g_logs.update(self.steer_color(fake, y))

        return self.record({**d_logs, **g_logs})

    def simultaneous_step(self, x, y):
        """``update_order="simultaneous"``: one G pass, two tapes, both updates.

        Both losses see the same fakes and the same D (before its update);
        D's outputs on the fakes are computed once and serve both losses.
        Returns the step's logs.
        """
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(self.generator_inputs(x, y), training=True)
            self._shared_fake = {"fake": fake}
            try:
                d_logs = self.discriminator_loss(x, y, fake)
                g_logs = self.generator_loss(x, y, fake)
            finally:
                self._shared_fake = None
            d_loss = scaling.loss_to_differentiate(self.d_optimizer, d_logs["d_loss"])
            g_loss = scaling.loss_to_differentiate(self.g_optimizer, g_logs["g_loss"])
        g_grads = g_tape.gradient(g_loss, self.generator.trainable_variables)
        d_grads = d_tape.gradient(d_loss, self.discriminator.trainable_variables)
        g_logs["g_grad_norm"] = scaling.gradient_norm(self.g_optimizer, g_grads)
        self.g_optimizer.apply(g_grads, self.generator.trainable_variables)
        d_logs.update(self.update_discriminator(d_grads, d_logs))
        g_logs.update(self.steer_color(fake, y))
        return {**d_logs, **g_logs}

    def steer_color(self, fake, y):
        """The colour thermostat's step after a G update (``{}`` without one)."""
        return {} if self.thermostat is None else self.thermostat.update(fake, y)

    def fit(self, *args, **kwargs):
        """``keras.Model.fit``; then ``use_generator_average()``.

        Give the generator's optimiser ``use_ema=True`` (and ``ema_momentum``)
        to evaluate, save and colour with a moving average of G's weights
        instead of its last ones, as GANs since ProGAN do: it smooths the
        step-to-step wobble of the adversarial game.
        """
        history = super().fit(*args, **kwargs)
        self.use_generator_average()
        return history

    def use_generator_average(self):
        """Copies the moving average of G's weights into G, when ``g_optimizer`` keeps one.

        Without ``use_ema`` on the generator's optimiser nothing changes.
        Returns whether the weights were replaced.
        """
        optimizer = getattr(self, "g_optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # a loss-scale wrapper
        if optimizer is None or not optimizer.use_ema or not optimizer.built:
            return False
        optimizer.finalize_variable_values(self.generator.trainable_variables)
        return True

    def test_step(self, data):
        """The same losses on held-out data, no updates."""
        x, y = gan_inputs.condition_and_target(data, self.conditional)
        fake = self.generator(self.generator_inputs(x, y), training=False)
        return self.record({**self.discriminator_loss(x, y, fake, training=False),
                            **self.generator_loss(x, y, fake, training=False)})

    def generator_loss(self, x, y, fake, training=True):
        """G's loss: ``adversarial_weight * adversarial_loss + l1_weight * L1 + l2_weight * L2``.

        Args:
            x: the condition L (``None`` when unconditional).
            y: the true colours ab (what L1 and L2 compare with).
            fake: G's colours for ``x``.
            training: passed to D.

        Returns:
            A dict: ``"g_loss"`` (the total, what the step differentiates),
            ``"g_adv_loss"`` (the family's term, unweighted), ``"l1"`` and
            ``"l2"`` (when conditional, logged whatever their weights) and
            the family's own values.

        Reference:
            Isola et al., 2017, eq. 4 (``generator_loss`` in the TensorFlow
            pix2pix tutorial). B: eq. 6. C: section 3.2 (the L2 term).
        """
        logs = self.adversarial_loss(x, fake, training=training)
        loss = self.current_adversarial_weight() * logs["g_adv_loss"]
        if self.conditional:  # pix2pix eq. 3 and 4; paper C's L2 term
            fake = ops.cast(fake, y.dtype)
            logs.update(l1=losses.l1(y, fake), l2=losses.l2(y, fake))
            if self.l1_weight:
                loss = loss + self.current_l1_weight() * logs["l1"]
            if self.l2_weight:
                loss = loss + self.l2_weight * logs["l2"]
        logs["g_loss"] = loss
        return logs

    def current_l1_weight(self):
        """``l1_weight``, times the colour thermostat's multiplier when there is one."""
        if self.thermostat is None:
            return self.l1_weight
        return self.l1_weight * self.thermostat.scale

    def current_adversarial_weight(self):
        """``adversarial_weight``, ramped over the first ``adversarial_warmup`` G updates.

        A float without a warm-up; otherwise a tensor read from the
        generator optimiser's step counter at run time (a traced step sees
        it move), ``adversarial_weight * min(1, step / adversarial_warmup)``.
        """
        optimizer = getattr(self, "g_optimizer", None)
        if not self.adversarial_warmup or optimizer is None:
            return self.adversarial_weight
        step = ops.cast(optimizer.iterations, "float32")
        return self.adversarial_weight * ops.minimum(1.0, step / self.adversarial_warmup)

    # --- what a family writes (see the module docstring) -------------------------
    def discriminator_loss(self, x, y, fake, training=True):
        raise NotImplementedError("{'d_loss': D's loss, ...} on real y and generated fake")

    def adversarial_loss(self, x, fake, training=True):
        raise NotImplementedError("{'g_adv_loss': G's adversarial term, ...}")

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
        """D's outputs on ``discriminator_inputs(x, colours)``, in float32.

        In a simultaneous step, D's outputs on that step's fakes are computed
        on the first call and returned again to the second loss (one D pass
        on the fakes, as in pix2pix).
        """
        shared = self._shared_fake
        if shared is not None and colors is shared["fake"] and "outputs" in shared:
            return shared["outputs"]
        outputs = self.discriminator(self.discriminator_inputs(x, colors), training=training)
        outputs = keras.tree.map_structure(lambda t: ops.cast(t, "float32"), outputs)
        if shared is not None and colors is shared["fake"]:
            shared["outputs"] = outputs
        return outputs

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
        """One optimiser per network (two objects; ``None``: the family's default).

        ``jit_compile=None`` uses ``kcolor.backend.default_jit_compile()``;
        ``auto_scale_loss`` wraps the optimisers for ``mixed_float16``.
        """
        if kwargs:
            raise (ValueError if "optimizer" in kwargs else TypeError)(
                f"{type(self).__name__}.compile() got {sorted(kwargs)}: a GAN has two optimisers, "
                "compile(g_optimizer=..., d_optimizer=...); its losses are constructor options.")
        default_g, default_d = self.default_optimizers()
        g_optimizer = keras.optimizers.get(default_g if g_optimizer is None else g_optimizer)
        d_optimizer = keras.optimizers.get(default_d if d_optimizer is None else d_optimizer)
        if g_optimizer is d_optimizer:
            raise ValueError("g_optimizer and d_optimizer are the same object; give each "
                             "network its own optimiser (their states must not mix).")
        self._gan_compile_config = dict(
            g_optimizer=keras.optimizers.serialize(g_optimizer),
            d_optimizer=keras.optimizers.serialize(d_optimizer), jit_compile=jit_compile,
            steps_per_execution=steps_per_execution, run_eagerly=run_eagerly,
            auto_scale_loss=auto_scale_loss)
        if auto_scale_loss:
            g_optimizer = scaling.with_loss_scaling(g_optimizer, self.dtype_policy)
            d_optimizer = scaling.with_loss_scaling(d_optimizer, self.dtype_policy)
        super().compile(optimizer=None, auto_scale_loss=False, run_eagerly=run_eagerly,
                        jit_compile=jit_compile, steps_per_execution=steps_per_execution)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        # Built here, outside any graph: an update inside tf.cond creates no variable.
        for optimizer, network in ((g_optimizer, self.generator), (d_optimizer, self.discriminator)):
            if not optimizer.built:
                optimizer.build(network.trainable_variables)
        # The trackers: one per logged value, made now that the family's options are set.
        names = ["d_loss", "g_loss", "g_adv_loss"] + (["l1", "l2"] if self.conditional else [])
        names += ["color_ratio"] if self.thermostat is not None else []
        self.trackers = {name: keras.metrics.Mean(name=name)
                         for name in names + list(self.family_logs())}
        self.trackers["g_grad_norm"] = LastValue(name="g_grad_norm")  # each batch's own
        if self.thermostat is not None:
            self.trackers["l1_scale"] = LastValue(name="l1_scale")

    @property
    def metrics(self):  # Keras resets these at the start of every epoch
        return list(getattr(self, "trackers", {}).values())

    def record(self, logs):
        """Updates the tracker of every logged value; returns their results."""
        logged = [name for name in logs if name in self.trackers]
        for name in logged:
            self.trackers[name].update_state(logs[name])
        return {name: self.trackers[name].result() for name in logged}

    def get_compile_config(self):
        return dict(getattr(self, "_gan_compile_config", {}))

    def compile_from_config(self, config):
        config = dict(config)
        for key in ("g_optimizer", "d_optimizer"):
            config[key] = keras.optimizers.deserialize(config[key])
        self.compile(**config)

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

    def get_config(self):
        config = super().get_config()
        serialize = keras.saving.serialize_keras_object
        config.update(
            generator=serialize(self.generator), discriminator=serialize(self.discriminator),
            conditional=self.conditional, noise=self.noise, noise_dim=self.noise_dim,
            l1_weight=self.l1_weight, l2_weight=self.l2_weight,
            adversarial_weight=self.adversarial_weight,
            adversarial_warmup=self.adversarial_warmup, d_steps=self.d_steps,
            g_steps=self.g_steps, update_order=self.update_order, seed=self.seed)
        if self.thermostat is not None:
            config.update(color_target=self.thermostat.target, color_gain=self.thermostat.gain,
                          color_scale_range=list(self.thermostat.scale_range))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            if key in config:
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    # --- old names, kept for one release -------------------------------------------
    def generator_objective(self, x, y, fake, training=True):
        """Deprecated: the same as ``generator_loss`` (G's total loss)."""
        warnings.warn("generator_objective is now called generator_loss (G's total loss).",
                      DeprecationWarning, stacklevel=2)
        return self.generator_loss(x, y, fake, training=training)

    def __init_subclass__(cls, **kwargs):
        """Adapts a family written before ``adversarial_loss`` had its name.

        Such a family defines ``generator_loss(x, fake)`` (two arguments) as
        G's adversarial term; today ``generator_loss(x, y, fake)`` is the
        total, and the step would pass it the wrong arguments. The method
        becomes the family's ``adversarial_loss``, with a
        ``DeprecationWarning``; a family that also defines
        ``adversarial_loss`` gets a ``TypeError``.
        """
        super().__init_subclass__(**kwargs)
        method = vars(cls).get("generator_loss")
        if method is None or not _takes_x_and_fake(method):
            return
        message = (f"{cls.__name__}.generator_loss(x, fake) is written the old way: G's "
                   "adversarial term is now adversarial_loss(x, fake), and "
                   "generator_loss(x, y, fake) is G's total loss (adversarial term + L1 + L2).")
        if "adversarial_loss" in vars(cls):
            raise TypeError(f"{message} Delete or rename {cls.__name__}.generator_loss.")
        warnings.warn(f"{message} Rename it adversarial_loss; it is used as such for now.",
                      DeprecationWarning, stacklevel=2)
        cls.adversarial_loss = method
        del cls.generator_loss  # the shared total again


def _takes_x_and_fake(method):
    """True for ``method(self, x, fake, training=...)``: two arguments where three are due."""
    parameters = inspect.signature(method).parameters.values()
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return False
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    required = [p for p in parameters if p.kind in positional and p.default is p.empty]
    return len(required) == 3  # self, x, fake


UPDATE_ORDERS = ("alternating", "simultaneous")


def check_update_order(update_order, *, d_steps, g_steps):
    """Raises ``ValueError`` for an unknown ``update_order`` or one that cannot apply.

    ``"simultaneous"`` takes both losses from one generator pass, so it
    exists only for one D update and one G update per step.
    """
    if update_order not in UPDATE_ORDERS:
        raise ValueError(f"update_order must be one of {UPDATE_ORDERS}, got {update_order!r}.")
    if update_order == "simultaneous" and (d_steps != 1 or g_steps != 1):
        raise ValueError(
            f"update_order='simultaneous' computes both losses from one generator pass, so "
            f"it needs d_steps=1 and g_steps=1 (got d_steps={d_steps}, g_steps={g_steps}; "
            "WGAN's default is d_steps=5). Use update_order='alternating' for several updates.")


def check_loss_options(*, conditional, weights, steps, warmup=None):
    """Raises ``ValueError`` for loss weights and step counts that cannot train.

    Args:
        conditional: whether G sees a condition and has a target colour.
        weights: ``{name: value}`` of the loss weights (finite, >= 0).
        steps: ``{name: value}`` of the update counts (positive integers).
        warmup: ``{name: value}`` of step counts that may be 0 (integers >= 0).
    """
    counts = [(name, value, 1, "a positive integer") for name, value in steps.items()]
    counts += [(name, value, 0, "an integer >= 0 (a number of steps)")
               for name, value in (warmup or {}).items()]
    for name, value, least, what in counts:
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < least:
            raise ValueError(f"{name} must be {what}, got {value!r}.")
    for name, value in weights.items():
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    if not conditional and (weights.get("l1_weight") or weights.get("l2_weight")):
        raise ValueError(
            "l1_weight and l2_weight need a target colour: they apply to conditional "
            "models only (conditional=False has no ground truth to compare with)."
        )


__all__ = ["AdversarialColorizer", "check_loss_options", "check_update_order", "UPDATE_ORDERS"]
