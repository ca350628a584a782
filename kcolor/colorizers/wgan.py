"""``WGAN``: the Wasserstein GAN, with weight clipping or a gradient penalty.

Its ``discriminator_loss`` (the critic's), ``add_penalty`` (the gradient
penalty, on the critic's inputs) and ``adversarial_loss`` (G's adversarial
term) are below in full; the shared step (``adversarial.py``) does the rest.
"""

from kcolor.backend import keras, tf
from kcolor.colorizers.adversarial import AdversarialColorizer

ops = keras.ops


def gradient_penalty(critic, real, fake, alpha, condition=None, training=True):
    """Gulrajani et al.'s penalty ``E (||grad f(x_hat)||_2 - 1)^2``.

    ``x_hat = alpha * real + (1 - alpha) * fake``, one ``alpha`` per sample.
    A conditional critic's condition (the grey L) is not interpolated: the
    gradient is taken with respect to the interpolated colours only. A
    PatchGAN critic's score of an image is the mean of its patch scores.

    Args:
        critic: a callable ``critic(inputs, training=...)``.
        real, fake: real and generated samples (ab, or whole images).
        alpha: interpolation factors ``(N, 1, ..., 1)``, drawn from U[0, 1].
        condition: the grey input, concatenated in front on the last axis,
            or ``None``.
        training: passed to the critic.

    Returns:
        The penalty, a scalar (without the weight lambda).

    Reference:
        Gulrajani et al., "Improved Training of Wasserstein GANs", 2017,
        Algorithm 1.
    """
    interpolated = ops.convert_to_tensor(alpha * real + (1.0 - alpha) * fake)
    with tf.GradientTape() as tape:
        tape.watch(interpolated)
        inputs = interpolated
        if condition is not None:
            inputs = ops.concatenate([condition, interpolated], axis=-1)
        scores = ops.cast(critic(inputs, training=training), "float32")
        total = ops.sum(ops.mean(ops.reshape(scores, (ops.shape(scores)[0], -1)), axis=1))
    grads = tape.gradient(total, interpolated)
    grads = ops.reshape(grads, (ops.shape(grads)[0], -1))
    # The tiny constant keeps the square root differentiable at a zero gradient.
    norms = ops.sqrt(ops.sum(ops.square(grads), axis=1) + 1e-12)
    return ops.mean(ops.square(norms - 1.0))


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
        discriminator: the same as ``critic`` (every family takes this name).
        clip_value: clamp every critic weight to ``[-c, c]`` after each critic
            step. ``None``: 0.01 without a gradient penalty, no clipping with one.
        gradient_penalty: the weight lambda (Gulrajani et al.: 10) of
            ``gradient_penalty``. ``None`` (default) clips instead; use a
            critic without batch normalisation with the penalty.
        d_steps: critic steps per train step, ``n_critic`` (5).
        **kwargs: the shared options.

    ``compile()`` defaults: RMSprop(5e-5) with clipping (Arjovsky et al.;
    paper D, 3.4); Adam(1e-4, beta_1=0, beta_2=0.9) with the penalty
    (Gulrajani et al., Algorithm 1). Logs ``gradient_penalty`` with one;
    ``d_loss`` is minus the critic's Earth Mover estimate (plus the penalty).

    Example:
        >>> wgan = kcolor.WGAN(kcolor.models.unet(32), kcolor.models.patchgan(32))
        >>> wgan_gp = kcolor.WGAN(kcolor.models.unet(32), kcolor.models.patchgan(32),
        ...                       gradient_penalty=10.0)

    Reference:
        Arjovsky et al., "Wasserstein GAN", 2017, Algorithm 1. C: section
        4.4. D: section 3.4. Gulrajani et al., 2017.
    """

    def __init__(self, generator, critic=None, *, discriminator=None, clip_value=None,
                 gradient_penalty=None, d_steps=5, **kwargs):
        if (critic is None) == (discriminator is None):
            raise ValueError("Pass the critic once, as critic=... or discriminator=....")
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
                f"gradient_penalty must be positive (Gulrajani et al.: 10), got {gradient_penalty!r}."
            )
        critic = discriminator if critic is None else critic
        super().__init__(generator, critic, d_steps=d_steps, **kwargs)
        self.clip_value = None if clip_value is None else float(clip_value)
        self.gradient_penalty = None if gradient_penalty is None else float(gradient_penalty)

    @property
    def critic(self):
        return self.discriminator

    @property
    def effective_clip_value(self):
        """The clip value in use: 0.01 by default, ``None`` with a penalty."""
        if self.gradient_penalty is not None:
            return None
        return 0.01 if self.clip_value is None else self.clip_value

    def discriminator_loss(self, real_scores, fake_scores):
        """``-(E f(x, y) - E f(x, G(x)))``: minus the critic's Earth Mover estimate."""
        return {"d_loss": ops.mean(fake_scores) - ops.mean(real_scores)}

    def add_penalty(self, d_logs, x, y, fake, training=True):
        """``d_loss + lambda * gradient_penalty`` (logged too) when ``gradient_penalty`` is set."""
        if self.gradient_penalty is None:
            return d_logs
        alpha = self.interpolation_factors(y)
        penalty = gradient_penalty(self.critic, y, ops.cast(fake, y.dtype), alpha, x, training)
        return {**d_logs, "d_loss": d_logs["d_loss"] + self.gradient_penalty * penalty,
                "gradient_penalty": penalty}

    def adversarial_loss(self, fake_scores):
        """``-E f(x, G(x))``: G raises the critic's score of its colourings."""
        return {"g_adv_loss": -ops.mean(fake_scores)}

    def update_discriminator(self, grads, d_logs):
        """The update, then (without a penalty) the clipping: the critic stays K-Lipschitz."""
        logs = super().update_discriminator(grads, d_logs)
        if self.effective_clip_value is not None:
            clip_weights(self.critic.trainable_variables, self.effective_clip_value)
        return logs

    def interpolation_factors(self, real):
        """The penalty's ``alpha ~ U[0, 1]``, one per sample, shape ``(N, 1, ..., 1)``.

        Under ``tf.distribute`` the replicas share the seed generator (they
        may draw the same factors). Override it for a fixed interpolation.
        """
        shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
        return keras.random.uniform(shape, seed=self.seed_generator, dtype=real.dtype)

    def default_optimizers(self):
        if self.gradient_penalty is None:
            return keras.optimizers.RMSprop(5e-5), keras.optimizers.RMSprop(5e-5)
        return (keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
                keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))

    def family_logs(self):
        return ["gradient_penalty"] if self.gradient_penalty is not None else []

    def get_config(self):
        config = super().get_config()
        config["critic"] = config.pop("discriminator")
        config.update(clip_value=self.clip_value, gradient_penalty=self.gradient_penalty)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "critic" in config:  # get_config's name for D; the base class deserialises it
            config["discriminator"] = config.pop("critic")
        return super().from_config(config)


def clip_weights(variables, clip_value):
    """Clamps every variable to ``[-c, c]`` in place (Arjovsky et al., Algorithm 1)."""
    for variable in variables:
        variable.assign(ops.clip(variable, -clip_value, clip_value))


__all__ = ["WGAN", "gradient_penalty", "clip_weights"]
