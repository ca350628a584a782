"""``LSGAN``: the least squares GAN (Mao et al.; papers C 4.2 and D 3.2).

Its ``discriminator_loss`` and ``adversarial_loss`` (G's adversarial term)
are below in full; the shared step (``adversarial.py``) does the rest.
"""

from kcolor.backend import keras
from kcolor.colorizers.adversarial import AdversarialColorizer

ops = keras.ops


@keras.saving.register_keras_serializable(package="kcolor")
class LSGAN(AdversarialColorizer):
    """Least squares GAN: squared distances to target labels, on D's raw outputs.

    ``min_D 1/2 E (D(x, y) - b)^2 + 1/2 E (D(x, G(x)) - a)^2`` and
    ``min_G 1/2 E (D(x, G(x)) - c)^2``.

    Args:
        generator, discriminator: see ``AdversarialColorizer``.
        a: target for fakes (0). b: target for reals (1). c: the value G wants
            D to believe (1). Mao et al. also suggest a = -1, b = 1, c = 0.
        **kwargs: the shared options (``l1_weight``, ``l2_weight``, ...).

    Logs ``d_real_acc`` and ``d_fake_acc`` besides the shared values (an
    output past ``(a + b) / 2`` on b's side counts as real).

    Example:
        >>> gan = kcolor.LSGAN(kcolor.models.unet(32), kcolor.models.patchgan(32),
        ...                    l1_weight=100)
        >>> gan.compile()  # Adam(2e-4, beta_1=0.5) for both

    Reference:
        Mao et al., "Least Squares Generative Adversarial Networks", 2017,
        eq. 2. C: section 4.2. D: section 3.2.
    """

    def __init__(self, generator, discriminator, *, a=0.0, b=1.0, c=1.0, **kwargs):
        if a == b:
            raise ValueError(f"a (fake target) and b (real target) must differ, both are {a}.")
        super().__init__(generator, discriminator, **kwargs)
        self.a, self.b, self.c = float(a), float(b), float(c)

    def discriminator_loss(self, real_scores, fake_scores):
        """``1/2 E (D(x, y) - b)^2 + 1/2 E (D(x, G(x)) - a)^2``."""
        real_term = 0.5 * ops.mean(ops.square(real_scores - self.b))
        fake_term = 0.5 * ops.mean(ops.square(fake_scores - self.a))
        middle, sign = (self.a + self.b) / 2.0, (1.0 if self.b > self.a else -1.0)
        return {
            "d_loss": real_term + fake_term,
            "d_real_acc": ops.mean(ops.cast(sign * (real_scores - middle) > 0, "float32")),
            "d_fake_acc": ops.mean(ops.cast(sign * (fake_scores - middle) < 0, "float32")),
        }

    def adversarial_loss(self, fake_scores):
        """``1/2 E (D(x, G(x)) - c)^2``."""
        return {"g_adv_loss": 0.5 * ops.mean(ops.square(fake_scores - self.c))}

    def family_logs(self):
        return ["d_real_acc", "d_fake_acc"]

    def get_config(self):
        config = super().get_config()
        config.update(a=self.a, b=self.b, c=self.c)
        return config


__all__ = ["LSGAN"]
