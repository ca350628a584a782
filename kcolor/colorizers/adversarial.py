"""The adversarial family: ``CGAN``, ``LSGAN``, ``WGAN`` and ``EBGAN``.

All four share one train step, written once in ``AdversarialColorizer``:

1. the discriminator (critic) takes ``d_steps`` gradient steps on the real
   batch and fresh fakes, each optionally skipped (paper A's margin
   heuristic), followed by any constraint (WGAN's weight clipping);
2. the generator takes ``g_steps`` gradient steps on the adversarial loss
   plus the weighted L1 / L2 reconstruction terms.

The families differ only in a few small methods, ``discriminator_loss``,
``generator_loss``, ``discriminator_accuracy``, ``discriminator_regularizers``
and ``generator_regularizers`` (each a call to one function of
``kcolor.colorizers.gan_losses``), and in their defaults.

Data. A conditional model (the default) eats the same ``(L, ab)`` batches as
every kcolor colorizer: the generator sees L (plus noise, see ``noise``) and
predicts ab, the discriminator sees ``concat(L, ab)`` (3 channels) and
outputs logits (no sigmoid). With ``conditional=False`` (paper D, section 3:
generation) there is no condition: the generator maps ``z ~ N(0, 1)`` to an
image and the discriminator sees the image alone. A data element is then an
image batch ``x`` or a tuple whose *first* item is the image batch, so
``kcolor.data`` batches ``(L, ab)`` model their L channel (MNIST digits,
whose ab is zero) and the ab is ignored; pass 3-channel images alone to
model colour images.

Reference:
    A: Koo, sections 3.2 (noise input, margin heuristic) and 5.2 (the
    vanishing generator gradient).
    B: Nazeri et al., sections 2 (eqs. 1 to 8: minimax and non-saturating
    losses, L1 term) and 3.3 (one-sided label smoothing, Adam 2e-4 / 0.5,
    lambda = 100).
    C: section 4 (DCGAN, LSGAN, EBGAN, WGAN for colourisation, each with
    weighted L1 and L2 terms).
    D: Fabbri, sections 3 (GAN, DCGAN, LSGAN, EBGAN with pull-away term,
    WGAN) and 4 (colourisation with pix2pix's U-Net and PatchGAN).
"""

import numpy as np

from kcolor import losses as kcolor_losses
from kcolor.backend import default_jit_compile, keras, tf
from kcolor.colorizers import gan_losses as losses

ops = keras.ops

NOISE_MODES = (None, "dropout", "input")


@keras.saving.register_keras_serializable(package="kcolor")
class LastValue(keras.metrics.Metric):
    """A metric whose result is the last value it was given (not a mean).

    The train step logs ``g_grad_norm`` with it, so each batch's logs carry
    that batch's generator gradient norm (what ``GradientNormLogger``
    records); an epoch's logs carry its last batch's value.
    """

    def __init__(self, name="last_value", dtype="float32"):
        super().__init__(name=name, dtype=dtype)
        # "mean": under tf.distribute every replica holds the same value, and
        # a read across replicas averages (a "sum" would multiply it).
        self.value = self.add_variable(
            shape=(), initializer="zeros", name="value", aggregation="mean"
        )

    def update_state(self, value):
        self.value.assign(ops.cast(value, self.dtype))

    def result(self):
        return ops.convert_to_tensor(self.value)

    def reset_state(self):
        self.value.assign(0.0)


def _global_norm(grads):
    """``||dL/dtheta||_2`` over all gradient tensors (paper A, section 5.2)."""
    squares = [ops.sum(ops.square(ops.cast(g, "float32"))) for g in grads if g is not None]
    if not squares:
        return ops.zeros((), "float32")
    return ops.sqrt(ops.sum(ops.stack(squares)))


def _input_shapes(model):
    inputs = getattr(model, "inputs", None)
    return [tuple(t.shape) for t in inputs] if inputs else None


def _output_shapes(model):
    outputs = getattr(model, "outputs", None)
    return [tuple(t.shape) for t in outputs] if outputs else None


@keras.saving.register_keras_serializable(package="kcolor")
class AdversarialColorizer(keras.Model):
    """The train step every GAN in kcolor shares; subclass it, don't call it.

    Subclasses (``CGAN``, ``LSGAN``, ``WGAN``, ``EBGAN``) supply the losses
    by overriding the small methods below; none overrides ``train_step``.

    Args:
        generator: a built ``keras.Model``. Conditional: L ``(H, W, 1)`` ->
            ab ``(H, W, 2)`` (2 input channels with ``noise="input"``; inputs
            ``[L, z]`` with ``noise_dim``). Unconditional: z -> image.
        discriminator: a built ``keras.Model`` on ``concat(L, ab)``
            (conditional) or on the image (unconditional), returning logits
            of any shape (one per image, or a PatchGAN map).
        conditional: ``False`` trains an unconditional generator (paper D,
            section 3); see the module docstring for the data it eats.
        noise: how a conditional generator gets its randomness:
            ``"dropout"`` (default; pix2pix and paper B, section 3.2: the
            generator's own Dropout layers, run in training mode, are the
            noise, the step adds nothing; ``None`` is the same, meaning no
            noise beyond what the network has) or ``"input"`` (a plane of
            N(0, 1) noise concatenated to L, so the generator takes 2
            channels).
        noise_dim: length of a noise vector ``z ~ N(0, 1)``. Conditional:
            the generator takes ``[L, z]`` (paper A, section 3.2.1:
            ``kcolor.models.koo_generator``). Unconditional: the generator
            takes ``z``. Inferred from the generator's inputs when ``None``.
        l1_weight: weight of the L1 term ``E |ab - G(L)|`` in G's loss
            (paper B, eq. 6: 100). Conditional only.
        l2_weight: weight of the L2 term ``E (ab - G(L))^2`` (paper C).
        adversarial_weight: weight of the adversarial term (paper C's
            lambda_1).
        d_steps: discriminator steps per train step (WGAN's n_critic).
        g_steps: generator steps per train step (paper B's code runs 2).
        seed: seed of the step's ``keras.random.SeedGenerator`` (noise,
            interpolation factors).
        **kwargs: ``keras.Model`` arguments (``name``, ...).

    Mixed precision: under ``mixed_float16`` ``compile`` wraps both
    optimisers in ``LossScaleOptimizer``s; under ``mixed_bfloat16`` nothing
    is scaled. The losses are computed in float32 either way.

    Several devices: build and ``compile`` inside ``strategy.scope()``
    (``tf.distribute.MirroredStrategy``, ``MultiWorkerMirroredStrategy``);
    each replica's losses are its share of the global-batch mean, the
    margin decision is taken on all-reduced errors, EBGAN's pull-away term
    on the gathered codes, and the logs equal a one-device run's. Batch
    norm is per replica unless the networks use
    ``BatchNormalization(synchronized=True)``; the replicas share one seed
    generator, so they may draw the same noise (and WGAN-GP factors) for
    their parts of the batch.
    """

    def __init__(
        self,
        generator,
        discriminator,
        *,
        conditional=True,
        noise="dropout",
        noise_dim=None,
        l1_weight=0.0,
        l2_weight=0.0,
        adversarial_weight=1.0,
        d_steps=1,
        g_steps=1,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        # --- check the options -------------------------------------------
        if noise not in NOISE_MODES:
            raise ValueError(f"noise must be one of {NOISE_MODES}, got {noise!r}.")
        for name, value in (("d_steps", d_steps), ("g_steps", g_steps)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        for name, value in (
            ("l1_weight", l1_weight),
            ("l2_weight", l2_weight),
            ("adversarial_weight", adversarial_weight),
        ):
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
        if not conditional:
            if l1_weight or l2_weight:
                raise ValueError(
                    "l1_weight and l2_weight need a target colour: they apply to conditional "
                    "models only (conditional=False has no ground truth to compare with)."
                )
            if noise == "input":
                raise ValueError(
                    "noise='input' adds a noise plane to the grey condition; an unconditional "
                    "generator takes z of length noise_dim instead."
                )
        if noise == "input" and noise_dim is not None:
            raise ValueError(
                "Pass either noise='input' (a noise plane) or noise_dim (a vector), not both."
            )
        for name, model in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(model, keras.layers.Layer):
                raise TypeError(f"{name} must be a keras.Model, got {type(model).__name__}.")
            if not model.built:
                raise ValueError(
                    f"The {name} is not built: pass a model with known input shapes "
                    "(e.g. a functional model from kcolor.models)."
                )

        # --- the two networks and the randomness -------------------------
        self.generator = generator
        self.discriminator = discriminator
        self.conditional = bool(conditional)
        self.noise = noise
        self.noise_dim = noise_dim
        self.l1_weight = float(l1_weight)
        self.l2_weight = float(l2_weight)
        self.adversarial_weight = float(adversarial_weight)
        self.d_steps = int(d_steps)
        self.g_steps = int(g_steps)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self._noise_shape = self._check_networks()
        self.built = True

    # ------------------------------------------------------------------
    # What the families override: small loss functions and defaults.
    # ------------------------------------------------------------------
    def discriminator_loss(self, real_score, fake_score):
        """``(real_term, fake_term)``; D minimises their sum."""
        raise NotImplementedError

    def generator_loss(self, fake_score):
        """The adversarial term of G's loss (a scalar)."""
        raise NotImplementedError

    def discriminator_accuracy(self, real_score, fake_score):
        """``(real_accuracy, fake_accuracy)``, or ``None`` where meaningless."""
        return None

    def discriminator_regularizers(self, condition, real, fake, training):
        """``{name: (weight, value)}`` added to D's loss (WGAN-GP's penalty)."""
        return {}

    def generator_regularizers(self, fake_score):
        """``{name: (weight, value)}`` added to G's adversarial loss (EBGAN's PT)."""
        return {}

    def discriminator_should_update(self, d_logs):
        """A boolean tensor to update D conditionally (paper A), or ``None``."""
        return None

    def constrain_discriminator(self):
        """Runs after every D update (WGAN clips the critic's weights)."""

    def score(self, outputs, inputs):
        """Turns the discriminator's outputs into what the losses take."""
        return outputs

    def default_optimizers(self):
        """``(g_optimizer, d_optimizer)`` that ``compile()`` uses by default."""
        return (
            keras.optimizers.Adam(2e-4, beta_1=0.5),
            keras.optimizers.Adam(2e-4, beta_1=0.5),
        )

    def family_metric_names(self):
        """Names of the family's extra logged values (accuracies, penalties)."""
        return []

    # ------------------------------------------------------------------
    # Compile, metrics.
    # ------------------------------------------------------------------
    def compile(
        self,
        g_optimizer=None,
        d_optimizer=None,
        *,
        jit_compile=None,
        steps_per_execution=1,
        run_eagerly=False,
        auto_scale_loss=True,
        **kwargs,
    ):
        """Configures training with one optimiser per network.

        Args:
            g_optimizer: the generator's optimiser (instance, name or config).
            d_optimizer: the discriminator's; a different instance.
                Either left ``None`` takes the family's default (see
                ``default_optimizers``).
            jit_compile: XLA; ``None`` uses
                ``kcolor.backend.default_jit_compile()`` (off on CPU).
            steps_per_execution, run_eagerly: as in ``keras.Model.compile``.
            auto_scale_loss: wrap each optimiser in a
                ``keras.optimizers.LossScaleOptimizer`` (dynamic loss
                scaling: a step whose gradients overflow is skipped and the
                scale halved) when the model's policy computes in float16
                (``mixed_float16``), unless it already is one.

        Build and compile the model inside ``strategy.scope()`` to train
        under ``tf.distribute`` (see the class docstring).
        """
        if kwargs:
            if "optimizer" in kwargs:
                raise ValueError(
                    "A GAN has two optimisers: use compile(g_optimizer=..., d_optimizer=...)."
                )
            raise TypeError(
                f"{type(self).__name__}.compile() got unexpected arguments {sorted(kwargs)}; "
                "the losses are part of the model (its constructor options)."
            )
        default_g, default_d = self.default_optimizers()
        g_optimizer = keras.optimizers.get(default_g if g_optimizer is None else g_optimizer)
        d_optimizer = keras.optimizers.get(default_d if d_optimizer is None else d_optimizer)
        if g_optimizer is d_optimizer:
            raise ValueError(
                "g_optimizer and d_optimizer are the same object; give each network its own "
                "optimiser (their states must not mix)."
            )
        if jit_compile is None:
            jit_compile = default_jit_compile()
        if auto_scale_loss and self.dtype_policy.compute_dtype == "float16":
            # Keras's rule (Trainer.compile): float16 gradients underflow
            # without dynamic loss scaling; bfloat16 has float32's range.
            if not isinstance(g_optimizer, keras.optimizers.LossScaleOptimizer):
                g_optimizer = keras.optimizers.LossScaleOptimizer(g_optimizer)
            if not isinstance(d_optimizer, keras.optimizers.LossScaleOptimizer):
                d_optimizer = keras.optimizers.LossScaleOptimizer(d_optimizer)
        super().compile(
            optimizer=None,
            jit_compile=jit_compile,
            steps_per_execution=steps_per_execution,
            run_eagerly=run_eagerly,
            auto_scale_loss=False,
        )
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer
        # Built now, outside any graph: the margin heuristic applies the
        # update inside tf.cond, where no variable may be created.
        if not g_optimizer.built:
            g_optimizer.build(self.generator.trainable_variables)
        if not d_optimizer.built:
            d_optimizer.build(self.discriminator.trainable_variables)
        self._gan_compile_config = {
            "g_optimizer": keras.optimizers.serialize(g_optimizer),
            "d_optimizer": keras.optimizers.serialize(d_optimizer),
            "jit_compile": jit_compile,
            "steps_per_execution": steps_per_execution,
            "run_eagerly": run_eagerly,
            "auto_scale_loss": auto_scale_loss,
        }

    def get_compile_config(self):
        return dict(getattr(self, "_gan_compile_config", {}))

    def compile_from_config(self, config):
        config = dict(config)
        config["g_optimizer"] = keras.optimizers.deserialize(config["g_optimizer"])
        config["d_optimizer"] = keras.optimizers.deserialize(config["d_optimizer"])
        self.compile(**config)

    def _create_trackers(self):
        """Creates the loss trackers; each family calls it last in ``__init__``."""
        names = ["d_loss", "g_loss", "g_adv_loss"]
        if self.conditional:
            names += ["l1", "l2"]
        names += list(self.family_metric_names())
        self._trackers = [keras.metrics.Mean(name=name) for name in names]
        self._trackers.append(LastValue(name="g_grad_norm"))

    @property
    def metrics(self):
        # Listed here so that Keras resets them at the start of every epoch.
        return list(self._trackers)

    def _record(self, logs):
        results = {}
        for tracker in self._trackers:
            if tracker.name in logs:
                tracker.update_state(logs[tracker.name])
                results[tracker.name] = tracker.result()
        return results

    # ------------------------------------------------------------------
    # Inputs of the two networks.
    # ------------------------------------------------------------------
    def _split(self, data):
        """A batch -> ``(condition, real)``: ``(L, ab)``, or ``(None, image)``."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None and isinstance(x, (tuple, list)) and len(x) == 2:
            x, y = x  # fit(x=(L, ab))
        if not self.conditional:
            return None, (x[0] if isinstance(x, (tuple, list)) else x)
        if y is None:
            raise ValueError(
                "A conditional GAN trains on (L, ab) pairs, e.g. batches from kcolor.data or "
                "fit(L, ab); got L alone. For generation without a condition build the model "
                "with conditional=False."
            )
        return x, y

    def _noise(self, batch_size):
        return keras.random.normal((batch_size,) + self._noise_shape, seed=self.seed_generator)

    def generator_inputs(self, condition, batch_size):
        """What G eats: L, ``concat(L, noise plane)``, ``[L, z]`` or ``z``."""
        if not self.conditional:
            return self._noise(batch_size)
        if self._noise_shape:
            return [condition, self._noise(batch_size)]
        if self.noise == "input":
            plane = keras.random.normal(ops.shape(condition), seed=self.seed_generator)
            return ops.concatenate([condition, ops.cast(plane, condition.dtype)], axis=-1)
        return condition

    def _discriminate(self, condition, colours, training):
        inputs = colours
        if self.conditional:
            inputs = ops.concatenate([condition, ops.cast(colours, condition.dtype)], axis=-1)
        outputs = self.discriminator(inputs, training=training)
        # Losses in float32 whatever the policy computes in (mixed precision).
        outputs = keras.tree.map_structure(lambda t: ops.cast(t, "float32"), outputs)
        return self.score(outputs, inputs)

    # ------------------------------------------------------------------
    # The two objectives and the shared step.
    # ------------------------------------------------------------------
    def _discriminator_objective(self, condition, real, fake, training):
        real_score = self._discriminate(condition, real, training)
        fake_score = self._discriminate(condition, fake, training)
        real_term, fake_term = self.discriminator_loss(real_score, fake_score)
        loss = real_term + fake_term
        logs = {"d_real_term": real_term, "d_fake_term": fake_term}
        for name, (weight, value) in self.discriminator_regularizers(
            condition, real, fake, training
        ).items():
            loss = loss + weight * value
            logs[name] = value
        accuracy = self.discriminator_accuracy(real_score, fake_score)
        if accuracy is not None:
            logs["d_real_acc"], logs["d_fake_acc"] = accuracy
        logs["d_loss"] = loss
        return loss, logs

    def _generator_objective(self, condition, real, fake, training):
        fake_score = self._discriminate(condition, fake, training)
        adversarial = self.generator_loss(fake_score)
        logs = {}
        for name, (weight, value) in self.generator_regularizers(fake_score).items():
            adversarial = adversarial + weight * value
            logs[name] = value
        loss = self.adversarial_weight * adversarial
        if self.conditional:
            fake = ops.cast(fake, real.dtype)
            logs["l1"] = losses.l1_loss(real, fake)
            logs["l2"] = losses.l2_loss(real, fake)
            if self.l1_weight:
                loss = loss + self.l1_weight * logs["l1"]
            if self.l2_weight:
                loss = loss + self.l2_weight * logs["l2"]
        logs.update(g_adv_loss=adversarial, g_loss=loss)
        return loss, logs

    def _update_discriminator(self, grads, d_logs):
        variables = self.discriminator.trainable_variables
        update = self.discriminator_should_update(d_logs)
        if update is not None and kcolor_losses.num_replicas() > 1:
            update = self.discriminator_should_update(_global_means(d_logs))
        if update is None:
            self.d_optimizer.apply(grads, variables)
        elif kcolor_losses.num_replicas() == 1:
            # In-graph skip: the optimiser's moments and iterations stay put.
            d_logs["d_skipped"] = tf.cond(
                update,
                lambda: self._apply_and_return(self.d_optimizer, grads, variables, 0.0),
                lambda: tf.constant(1.0),
            )
        else:
            # tf.distribute: the optimiser all-reduces inside a merge_call,
            # which a tf.cond in a replica context cannot hold; decide in the
            # cross-replica context (as LossScaleOptimizer does). ``update``
            # comes from all-reduced errors, so every replica agrees.
            d_logs["d_skipped"] = tf.distribute.get_replica_context().merge_call(
                self._cross_replica_update, args=(update, grads, variables)
            )
        self.constrain_discriminator()

    def _cross_replica_update(self, strategy, update, grads, variables):
        def apply():
            strategy.extended.call_for_each_replica(
                self.d_optimizer.apply, args=(grads, variables)
            )
            return tf.constant(0.0)

        update = strategy.experimental_local_results(update)[0]
        return tf.cond(update, apply, lambda: tf.constant(1.0))

    @staticmethod
    def _apply_and_return(optimizer, grads, variables, value):
        optimizer.apply(grads, variables)
        return tf.constant(value)

    def train_step(self, data):
        """One adversarial step: ``d_steps`` D updates, then ``g_steps`` G updates.

        Each D step draws fresh fakes (new noise) for the same real batch
        (as keras-io's WGAN-GP does; the original WGAN draws a new real batch
        per critic step). The Python loops unroll when Keras traces the step,
        so the whole step is one compiled graph.

        Under ``tf.distribute`` each replica differentiates its share of the
        global-batch mean (``kcolor.losses.replica_share``), so the summed
        gradients are those of one model on the global batch; under
        ``mixed_float16`` the losses are multiplied by each
        ``LossScaleOptimizer``'s scale before differentiation, and its
        ``apply`` unscales them (or skips a step that overflowed).
        """
        condition, real = self._split(data)
        batch_size = ops.shape(real)[0]
        generator, discriminator = self.generator, self.discriminator

        # 1. The discriminator: tell real colourisations from generated ones.
        for _ in range(self.d_steps):
            fake = generator(self.generator_inputs(condition, batch_size), training=True)
            with tf.GradientTape() as tape:
                d_loss, d_logs = self._discriminator_objective(condition, real, fake, True)
                scaled = self.d_optimizer.scale_loss(kcolor_losses.replica_share(d_loss))
            grads = tape.gradient(scaled, discriminator.trainable_variables)
            self._update_discriminator(grads, d_logs)

        # 2. The generator: fool the discriminator and stay near the truth.
        for _ in range(self.g_steps):
            with tf.GradientTape() as tape:
                fake = generator(self.generator_inputs(condition, batch_size), training=True)
                g_loss, g_logs = self._generator_objective(condition, real, fake, True)
                scaled = self.g_optimizer.scale_loss(kcolor_losses.replica_share(g_loss))
            grads = tape.gradient(scaled, generator.trainable_variables)
            scale = _loss_scale(self.g_optimizer)  # before apply() changes it
            self.g_optimizer.apply(grads, generator.trainable_variables)
            norm = _global_norm(_all_reduce_sum(grads)) / scale
            if isinstance(self.g_optimizer, keras.optimizers.LossScaleOptimizer):
                # An overflowing float16 step was skipped (not a divergence):
                # log the last applied step's norm rather than inf / NaN.
                last = next(t for t in self._trackers if t.name == "g_grad_norm")
                norm = ops.where(ops.isfinite(norm), norm, last.result())
            g_logs["g_grad_norm"] = norm

        return self._record({**d_logs, **g_logs})

    def test_step(self, data):
        """The same losses (and L1 / L2 on ab) on held-out data, no updates."""
        condition, real = self._split(data)
        fake = self.generator(self.generator_inputs(condition, ops.shape(real)[0]), training=False)
        _, d_logs = self._discriminator_objective(condition, real, fake, False)
        _, g_logs = self._generator_objective(condition, real, fake, False)
        return self._record({**d_logs, **g_logs})

    # ------------------------------------------------------------------
    # Inference.
    # ------------------------------------------------------------------
    def call(self, inputs, training=False):
        """Conditional: L -> ab (noise drawn as in training). Else z -> image."""
        if self.conditional:
            inputs = self.generator_inputs(inputs, ops.shape(inputs)[0])
        return self.generator(inputs, training=training)

    def predict_step(self, data):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def generate(self, n, batch_size=32, seed=None):
        """Draws ``n`` samples from an unconditional generator.

        Args:
            n: number of images.
            batch_size: prediction batch size.
            seed: seed of the numpy generator that draws z.

        Returns:
            A numpy array ``(n, *image_shape)`` in the generator's range.
        """
        if self.conditional:
            raise ValueError("generate() is for unconditional models; use predict(L) to colourise.")
        z = np.random.default_rng(seed).standard_normal((n,) + self._noise_shape).astype("float32")
        return self.predict(z, batch_size=batch_size, verbose=0)

    # ------------------------------------------------------------------
    # Checks, config.
    # ------------------------------------------------------------------
    def _check_networks(self):
        """Checks that G and D fit together and the options; returns z's shape."""
        g_in, g_out = _input_shapes(self.generator), _output_shapes(self.generator)
        d_in = _input_shapes(self.discriminator)
        noise_shape = ()
        if g_in is not None:
            if not self.conditional:
                if len(g_in) != 1:
                    raise ValueError(
                        f"An unconditional generator takes one input z; this one takes {len(g_in)}."
                    )
                noise_shape = tuple(g_in[0][1:])
            elif self.noise_dim is not None or (len(g_in) == 2 and self.noise != "input"):
                if len(g_in) != 2:
                    raise ValueError(
                        f"noise_dim={self.noise_dim} feeds the generator [L, z], but it takes "
                        f"{len(g_in)} input(s). Use a generator with inputs [L, z] "
                        "(e.g. kcolor.models.koo_generator) or leave noise_dim=None."
                    )
                noise_shape = tuple(g_in[1][1:])
            elif len(g_in) != 1:
                raise ValueError(f"The generator takes {len(g_in)} inputs; expected L alone.")
            if self.noise_dim is not None and noise_shape[-1:] != (self.noise_dim,):
                raise ValueError(
                    f"noise_dim={self.noise_dim} does not match the generator's noise input "
                    f"of shape {noise_shape}."
                )
            if self.conditional:
                expected = 2 if self.noise == "input" else 1
                channels = g_in[0][-1]
                if channels is not None and channels != expected:
                    hint = (
                        "noise='input' concatenates a noise plane to L: build the generator "
                        "with 2 input channels."
                        if self.noise == "input"
                        else "it should take L alone (1 channel); a generator taking "
                        "concat(L, noise) needs noise='input'."
                    )
                    raise ValueError(
                        f"The generator's input has {channels} channels, expected {expected}: "
                        f"{hint}"
                    )
        elif not self.conditional:
            if self.noise_dim is None:
                raise ValueError(
                    "An unconditional model needs noise_dim when the generator's input shape "
                    "is unknown."
                )
            noise_shape = (int(self.noise_dim),)
        elif self.noise_dim is not None:
            noise_shape = (int(self.noise_dim),)
        if any(d is None for d in noise_shape):
            raise ValueError(
                f"The generator's noise input shape {noise_shape} must be fully known."
            )

        if g_out is not None and d_in is not None:
            if len(d_in) != 1:
                raise ValueError(f"The discriminator must take one input; it takes {len(d_in)}.")
            colours = g_out[0][-1]
            expected = colours + 1 if self.conditional else colours
            channels = d_in[0][-1]
            if None not in (colours, channels) and channels != expected:
                what = "concat(L, ab)" if self.conditional else "the generated image"
                raise ValueError(
                    f"The discriminator takes {channels} channels but sees {what}: {expected} "
                    f"channels (the generator outputs {colours})."
                )
            g_hw, d_hw = tuple(g_out[0][1:3]), tuple(d_in[0][1:3])
            if None not in g_hw + d_hw and g_hw != d_hw:
                raise ValueError(
                    f"The generator outputs {g_hw[0]}x{g_hw[1]} images but the discriminator "
                    f"takes {d_hw[0]}x{d_hw[1]}."
                )
        return noise_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            generator=keras.saving.serialize_keras_object(self.generator),
            discriminator=keras.saving.serialize_keras_object(self.discriminator),
            conditional=self.conditional,
            noise=self.noise,
            noise_dim=self.noise_dim,
            l1_weight=self.l1_weight,
            l2_weight=self.l2_weight,
            adversarial_weight=self.adversarial_weight,
            d_steps=self.d_steps,
            g_steps=self.g_steps,
            seed=self.seed,
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator", "critic"):
            if key in config:
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


def _loss_scale(optimizer):
    scale = getattr(optimizer, "dynamic_scale", None)
    return ops.cast(scale, "float32") if scale is not None else 1.0


def _all_reduce_sum(grads):
    """The global gradient (the replicas' sum) under tf.distribute, for logging."""
    if kcolor_losses.num_replicas() == 1:
        return grads
    present = [g for g in grads if g is not None]
    return tf.distribute.get_replica_context().all_reduce("sum", present)


def _global_means(logs):
    """The logged values averaged over the replicas (all-reduced), or as they are.

    Paper A's margin decision must be the same on every replica, or their
    discriminators drift apart: it is taken on the global-batch errors.
    """
    if kcolor_losses.num_replicas() == 1:
        return logs
    names = sorted(logs)
    values = tf.distribute.get_replica_context().all_reduce(
        "mean", [ops.cast(logs[name], "float32") for name in names]
    )
    return dict(zip(names, values))


@keras.saving.register_keras_serializable(package="kcolor")
class CGAN(AdversarialColorizer):
    """Conditional GAN with the cross-entropy loss (papers A and B).

    D minimises ``-E log D(y|x) - E log(1 - D(G(x)|x))``. G minimises the
    non-saturating ``-E log D(G(x)|x)`` (paper B, eq. 5; default) or the
    minimax ``E log(1 - D(G(x)|x))`` (paper A; eq. 1 of paper B), plus the
    weighted L1 / L2 terms.

    Args:
        generator, discriminator: see ``AdversarialColorizer``.
        generator_loss: ``"non_saturating"`` or ``"saturating"``.
        one_sided_label_smoothing: the amount taken off the real label only:
            0.1 trains D towards 0.9 on real pairs and 0 on fakes (paper B,
            section 3.3). Default 0 (no smoothing).
        margin: paper A's heuristic (Algorithm 2, gamma = 0.5): the D update
            is applied only when both D errors, ``errorReal`` and
            ``errorFake``, exceed the margin, i.e. it is skipped as soon as
            either is at or below it. ``None`` (default) always updates. The
            skip happens in the graph: skipped steps leave D's weights and
            its optimiser's state (moments, iterations) untouched; the
            logged ``d_skipped`` is the fraction of skipped steps.
        **kwargs: the shared options of ``AdversarialColorizer``
            (``l1_weight``, ``noise``, ``d_steps``, ``conditional``, ...).

    Logs ``d_loss``, ``g_loss``, ``g_adv_loss``, ``l1``, ``l2`` (on ab),
    ``d_real_acc``, ``d_fake_acc`` (logit > 0 on real, < 0 on fake),
    ``g_grad_norm`` (the global norm of G's gradient, paper A, 5.2) and
    ``d_skipped`` with a margin.

    Example:
        >>> gan = kcolor.CGAN(kcolor.models.unet(32), kcolor.models.patchgan(32),
        ...                   l1_weight=100)
        >>> gan.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        ...             d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
        >>> gan.fit(kcolor.data.sample("train", image_size=32), epochs=5)
        >>> ab = gan.predict(L)

    Reference:
        A: Koo, sections 3.2.2 and Algorithm 2. B: Nazeri et al., sections 2
        and 3.3.
    """

    GENERATOR_LOSSES = ("non_saturating", "saturating")

    def __init__(
        self,
        generator,
        discriminator,
        *,
        generator_loss="non_saturating",
        one_sided_label_smoothing=0.0,
        margin=None,
        **kwargs,
    ):
        if generator_loss not in self.GENERATOR_LOSSES:
            raise ValueError(
                f"generator_loss must be one of {self.GENERATOR_LOSSES}, got {generator_loss!r}."
            )
        if not 0.0 <= one_sided_label_smoothing < 0.5:
            raise ValueError(
                "one_sided_label_smoothing is the amount taken off the real label, in [0, 0.5) "
                f"(paper B: 0.1, i.e. real target 0.9); got {one_sided_label_smoothing!r}."
            )
        if margin is not None and not margin > 0:
            raise ValueError(
                f"margin must be a positive number (paper A: 0.5) or None, got {margin!r}."
            )
        super().__init__(generator, discriminator, **kwargs)
        self.generator_loss_name = generator_loss
        self.one_sided_label_smoothing = float(one_sided_label_smoothing)
        self.margin = None if margin is None else float(margin)
        self._create_trackers()

    def discriminator_loss(self, real_score, fake_score):
        real_label = 1.0 - self.one_sided_label_smoothing
        return losses.discriminator_cross_entropy(real_score, fake_score, real_label)

    def generator_loss(self, fake_score):
        if self.generator_loss_name == "saturating":
            return losses.saturating_generator_loss(fake_score)
        return losses.non_saturating_generator_loss(fake_score)

    def discriminator_accuracy(self, real_score, fake_score):
        return (
            ops.mean(ops.cast(real_score > 0, "float32")),
            ops.mean(ops.cast(fake_score < 0, "float32")),
        )

    def discriminator_should_update(self, d_logs):
        if self.margin is None:
            return None
        # Algorithm 2, line 7: update only if errorFake > gamma and errorReal > gamma.
        return ops.logical_and(
            d_logs["d_real_term"] > self.margin, d_logs["d_fake_term"] > self.margin
        )

    def family_metric_names(self):
        names = ["d_real_acc", "d_fake_acc"]
        return names + (["d_skipped"] if self.margin is not None else [])

    def get_config(self):
        config = super().get_config()
        config.update(
            generator_loss=self.generator_loss_name,
            one_sided_label_smoothing=self.one_sided_label_smoothing,
            margin=self.margin,
        )
        return config


@keras.saving.register_keras_serializable(package="kcolor")
class LSGAN(AdversarialColorizer):
    """Least squares GAN (Mao et al.; papers C 4.2 and D 3.2).

    ``min_D 1/2 E (D(x, y) - b)^2 + 1/2 E (D(x, G(x)) - a)^2`` and
    ``min_G 1/2 E (D(x, G(x)) - c)^2``, with the discriminator's raw outputs.

    Args:
        generator, discriminator: see ``AdversarialColorizer``.
        a: target for fakes (0). b: target for reals (1). c: the value G wants
            D to believe (1). Mao et al. also suggest a = -1, b = 1, c = 0.
        **kwargs: the shared options (``l1_weight``, ``l2_weight``, ...).

    Logs as ``CGAN`` (accuracy: output above ``(a + b) / 2`` counts as real).

    Example:
        >>> gan = kcolor.LSGAN(kcolor.models.unet(32), kcolor.models.patchgan(32),
        ...                    l1_weight=100)
        >>> gan.compile()  # Adam(2e-4, beta_1=0.5) for both

    Reference:
        C: section 4.2. D: section 3.2.
    """

    def __init__(self, generator, discriminator, *, a=0.0, b=1.0, c=1.0, **kwargs):
        if a == b:
            raise ValueError(f"a (fake target) and b (real target) must differ, both are {a}.")
        super().__init__(generator, discriminator, **kwargs)
        self.a, self.b, self.c = float(a), float(b), float(c)
        self._create_trackers()

    def discriminator_loss(self, real_score, fake_score):
        return losses.least_squares_discriminator_loss(real_score, fake_score, self.a, self.b)

    def generator_loss(self, fake_score):
        return losses.least_squares_generator_loss(fake_score, self.c)

    def discriminator_accuracy(self, real_score, fake_score):
        middle, sign = (self.a + self.b) / 2.0, (1.0 if self.b > self.a else -1.0)
        return (
            ops.mean(ops.cast(sign * (real_score - middle) > 0, "float32")),
            ops.mean(ops.cast(sign * (fake_score - middle) < 0, "float32")),
        )

    def family_metric_names(self):
        return ["d_real_acc", "d_fake_acc"]

    def get_config(self):
        config = super().get_config()
        config.update(a=self.a, b=self.b, c=self.c)
        return config


@keras.saving.register_keras_serializable(package="kcolor")
class WGAN(AdversarialColorizer):
    """Wasserstein GAN: weight clipping (Arjovsky et al.) or gradient penalty.

    The critic maximises ``E f(x, y) - E f(x, G(x))`` (``n_critic`` = 5
    steps per generator step); G maximises ``E f(x, G(x))``. The critic's
    output is a score, not a probability.

    Args:
        generator: see ``AdversarialColorizer``.
        critic: the discriminator, returning scores of any shape (a PatchGAN
            critic's score of an image is the mean of its patch scores).
        clip_value: clamp every critic weight to ``[-c, c]`` after each critic
            step. ``None`` means 0.01 without a gradient penalty and no
            clipping with one.
        gradient_penalty: the penalty weight lambda (Gulrajani et al.: 10) on
            ``(||grad f(x_hat)||_2 - 1)^2``, with ``x_hat`` interpolated
            between real and fake colours by a factor drawn from U[0, 1] per
            sample. ``None`` (default) uses clipping instead. Gulrajani et al.
            recommend a critic without batch normalisation with the penalty.
        d_steps: critic steps per train step, ``n_critic`` (5).
        **kwargs: the shared options.

    ``compile()`` defaults: RMSprop(5e-5) for both with clipping (Arjovsky
    et al.; paper D, 3.4); Adam(1e-4, beta_1=0, beta_2=0.9) with the penalty
    (Gulrajani et al., Algorithm 1).

    Logs ``d_loss`` (minus the critic's Earth Mover estimate, plus the
    weighted penalty), ``g_loss``, ``g_adv_loss``, ``l1``, ``l2``,
    ``g_grad_norm`` and ``gradient_penalty`` with a penalty.

    Example:
        >>> wgan = kcolor.WGAN(kcolor.models.unet(32), kcolor.models.patchgan(32))
        >>> wgan_gp = kcolor.WGAN(kcolor.models.unet(32), kcolor.models.patchgan(32),
        ...                       gradient_penalty=10.0)

    Reference:
        C: section 4.4. D: section 3.4. Gulrajani et al., "Improved Training
        of Wasserstein GANs", 2017.
    """

    def __init__(
        self, generator, critic, *, clip_value=None, gradient_penalty=None, d_steps=5, **kwargs
    ):
        if clip_value is not None and gradient_penalty is not None:
            raise ValueError(
                "Choose weight clipping (clip_value) or a gradient penalty (gradient_penalty), "
                "not both."
            )
        if clip_value is not None and not clip_value > 0:
            raise ValueError(
                f"clip_value must be positive (Arjovsky et al.: 0.01), got {clip_value!r}."
            )
        if gradient_penalty is not None and not gradient_penalty > 0:
            raise ValueError(
                "gradient_penalty must be positive (Gulrajani et al.: 10), "
                f"got {gradient_penalty!r}."
            )
        super().__init__(generator, critic, d_steps=d_steps, **kwargs)
        self.clip_value = None if clip_value is None else float(clip_value)
        self.gradient_penalty = None if gradient_penalty is None else float(gradient_penalty)
        self._create_trackers()

    @property
    def critic(self):
        return self.discriminator

    @property
    def effective_clip_value(self):
        """The clip value in use: 0.01 by default, ``None`` with a penalty."""
        if self.gradient_penalty is not None:
            return None
        return 0.01 if self.clip_value is None else self.clip_value

    def discriminator_loss(self, real_score, fake_score):
        return losses.wasserstein_critic_loss(real_score, fake_score)

    def generator_loss(self, fake_score):
        return losses.wasserstein_generator_loss(fake_score)

    def discriminator_regularizers(self, condition, real, fake, training):
        if self.gradient_penalty is None:
            return {}
        alpha = self.interpolation_factors(real)
        penalty = losses.gradient_penalty(
            self.discriminator, real, ops.cast(fake, real.dtype), alpha, condition, training
        )
        return {"gradient_penalty": (self.gradient_penalty, penalty)}

    def interpolation_factors(self, real):
        """The penalty's ``alpha ~ U[0, 1]``, one per sample, shape ``(N, 1, ..., 1)``.

        Under ``tf.distribute`` the replicas share the seed generator (they
        may draw the same factors for their parts of the batch). Override it for a deterministic
        interpolation (e.g. in tests comparing two set-ups).
        """
        shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
        return keras.random.uniform(shape, seed=self.seed_generator, dtype=real.dtype)

    def constrain_discriminator(self):
        if self.effective_clip_value is not None:
            losses.clip_weights(self.discriminator.trainable_variables, self.effective_clip_value)

    def default_optimizers(self):
        if self.gradient_penalty is None:
            return keras.optimizers.RMSprop(5e-5), keras.optimizers.RMSprop(5e-5)
        return (
            keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
            keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
        )

    def family_metric_names(self):
        return ["gradient_penalty"] if self.gradient_penalty is not None else []

    def get_config(self):
        config = super().get_config()
        config["critic"] = config.pop("discriminator")
        config.update(clip_value=self.clip_value, gradient_penalty=self.gradient_penalty)
        return config


@keras.saving.register_keras_serializable(package="kcolor")
class EBGAN(AdversarialColorizer):
    """Energy-based GAN (Zhao et al.; papers C 4.3 and D 3.3).

    The discriminator is an autoencoder returning ``[reconstruction, code]``
    (``kcolor.models.ebgan_discriminator``); its energy is the per-sample
    reconstruction MSE ``D(x) = mean((Dec(Enc(x)) - x)^2)`` of its input
    (``concat(L, ab)`` when conditional). ``L_D = D(x) + max(0, m - D(G(z)))``
    and ``L_G = D(G(z)) + lambda_PT PT``, PT the pull-away term on the
    encoder codes of the fake batch.

    Args:
        generator, discriminator: see ``AdversarialColorizer``.
        margin: m, in the energy's units (a mean squared error of inputs in
            [-1, 1]), default 1.0. Zhao et al. tune m per data set; the
            hinge stops pushing a fake's energy up once it passes m.
        pull_away_weight: lambda_PT (paper D: 0.1 for EBGAN-PT), default 0.
        **kwargs: the shared options.

    Logs ``d_loss``, ``g_loss``, ``g_adv_loss``, ``l1``, ``l2``,
    ``g_grad_norm`` and ``pull_away`` with a weight.

    Example:
        >>> gan = kcolor.EBGAN(kcolor.models.unet(32),
        ...                    kcolor.models.ebgan_discriminator(32),
        ...                    pull_away_weight=0.1, l1_weight=100)

    Reference:
        C: section 4.3. D: section 3.3 (eq. PT). Zhao, Mathieu and LeCun,
        "Energy-based Generative Adversarial Network", 2016.
    """

    def __init__(self, generator, discriminator, *, margin=1.0, pull_away_weight=0.0, **kwargs):
        if not margin > 0:
            raise ValueError(f"margin must be positive, got {margin!r}.")
        if not pull_away_weight >= 0:
            raise ValueError(
                f"pull_away_weight must be >= 0 (paper D: 0.1), got {pull_away_weight!r}."
            )
        outputs = _output_shapes(discriminator)
        if outputs is not None and len(outputs) != 2:
            raise ValueError(
                "EBGAN's discriminator is an autoencoder returning [reconstruction, code] "
                f"(e.g. kcolor.models.ebgan_discriminator); this one has {len(outputs)} output(s)."
            )
        inputs = _input_shapes(discriminator)
        if outputs is not None and inputs is not None and outputs[0][1:] != inputs[0][1:]:
            raise ValueError(
                f"The discriminator's reconstruction has shape {outputs[0][1:]}, its input "
                f"{inputs[0][1:]}: they must match."
            )
        super().__init__(generator, discriminator, **kwargs)
        self.margin = float(margin)
        self.pull_away_weight = float(pull_away_weight)
        self._create_trackers()

    def score(self, outputs, inputs):
        reconstruction, code = outputs
        energy = losses.reconstruction_energy(
            ops.cast(reconstruction, "float32"), ops.cast(inputs, "float32")
        )
        return energy, code

    def discriminator_loss(self, real_score, fake_score):
        return losses.energy_discriminator_loss(real_score[0], fake_score[0], self.margin)

    def generator_loss(self, fake_score):
        return losses.energy_generator_loss(fake_score[0])

    def generator_regularizers(self, fake_score):
        if not self.pull_away_weight:
            return {}
        codes = fake_score[1]
        if kcolor_losses.num_replicas() > 1:
            # PT compares every pair of the *global* batch: gather the codes
            # of all replicas (differentiable; each replica's share of the
            # identical term then sums to the gradient of the global PT).
            codes = tf.distribute.get_replica_context().all_gather(codes, axis=0)
        return {"pull_away": (self.pull_away_weight, losses.pull_away_term(codes))}

    def family_metric_names(self):
        return ["pull_away"] if self.pull_away_weight else []

    def get_config(self):
        config = super().get_config()
        config.update(margin=self.margin, pull_away_weight=self.pull_away_weight)
        return config


__all__ = ["AdversarialColorizer", "CGAN", "LSGAN", "WGAN", "EBGAN", "LastValue"]
