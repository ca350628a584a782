"""``CGAN``: the conditional GAN with the cross-entropy loss (papers A and B).

Its two loss functions, ``discriminator_loss`` and ``adversarial_loss`` (G's
adversarial term), are below in full, on D's logits as pix2pix writes them;
``AdversarialColorizer`` adds the L1 / L2 terms to make ``generator_loss``
and runs the train step (``adversarial.py``).
"""

from kcolor.backend import keras
from kcolor.colorizers import replicas
from kcolor.colorizers.adversarial import AdversarialColorizer

ops = keras.ops


def sigmoid_cross_entropy(logits, label):
    """Mean of ``-[y log sigmoid(l) + (1 - y) log(1 - sigmoid(l))]`` over every logit.

    Written as ``softplus(l) - y * l``: exact, and stable for logits of any
    size. A PatchGAN map counts every patch as one prediction.
    """
    return ops.mean(ops.softplus(logits) - label * logits)


@keras.saving.register_keras_serializable(package="kcolor")
class CGAN(AdversarialColorizer):
    """Conditional GAN with the cross-entropy loss (papers A and B).

    D minimises ``-E log D(x, y) - E log(1 - D(x, G(x)))``. G minimises the
    non-saturating ``-E log D(x, G(x))`` (paper B, eq. 5; default) or the
    minimax ``E log(1 - D(x, G(x)))`` (paper A; paper B, eq. 1), plus the
    weighted L1 / L2 terms. D returns logits (no sigmoid).

    Args:
        generator, discriminator: see ``AdversarialColorizer``.
        adversarial_form: which form of G's adversarial term:
            ``"non_saturating"`` (default), ``-E log D(x, G(x))``, or
            ``"saturating"``, the minimax ``E log(1 - D(x, G(x)))`` whose
            gradient vanishes while D rejects the fakes (paper A, 3.2;
            Goodfellow et al., 2014, section 3).
        one_sided_label_smoothing: the amount taken off the real label only:
            0.1 trains D towards 0.9 on real pairs and 0 on fakes (paper B,
            section 3.3). Default 0.
        margin: paper A's heuristic (Algorithm 2, gamma = 0.5): D's update
            is applied only while its errors exceed the margin (which ones:
            ``margin_on``). A skipped update leaves D's weights and its
            optimiser's state untouched; the logged ``d_skipped`` is the
            fraction of skipped steps. ``None`` (default) always updates.
        margin_on: which of D's errors must exceed ``margin`` for D to
            update. ``"both"`` (default): ``errorReal`` and ``errorFake``,
            Algorithm 2 (line 7) as printed, after Larsen and Sonderby.
            ``"fake"``: ``errorFake`` alone: D rests while it rejects the
            generated colourings and trains again as soon as G fools it,
            whatever it says of the real ones (notebook 02 says why).
        **kwargs: the shared options of ``AdversarialColorizer``
            (``l1_weight``, ``noise``, ``d_steps``, ``conditional``, ...).

    Logs, besides the shared values: ``d_real_acc`` and ``d_fake_acc``
    (logit > 0 on real, < 0 on fake), and ``d_skipped`` with a margin.

    Example:
        >>> # quarter-width networks: a first run sized for a laptop CPU
        >>> gan = kcolor.CGAN(kcolor.models.unet(32, width=0.25),
        ...                   kcolor.models.patchgan(32, width=0.25),
        ...                   l1_weight=100, one_sided_label_smoothing=0.1)
        >>> gan.compile()  # Adam(2e-4, beta_1=0.5) for both networks
        >>> gan.fit(kcolor.data.sample("train", image_size=32), epochs=2)

    Reference:
        A: Koo, sections 3.2.2 and Algorithm 2. B: Nazeri et al., sections 2
        (eq. 1 to 8) and 3.3.
    """

    ADVERSARIAL_FORMS = ("non_saturating", "saturating")
    MARGIN_ON = ("both", "fake")

    def __init__(self, generator, discriminator, *, adversarial_form="non_saturating",
                 one_sided_label_smoothing=0.0, margin=None, margin_on="both", **kwargs):
        if adversarial_form not in self.ADVERSARIAL_FORMS:
            raise ValueError(f"adversarial_form must be one of {self.ADVERSARIAL_FORMS}, "
                             f"got {adversarial_form!r}.")
        if not 0.0 <= one_sided_label_smoothing < 0.5:
            raise ValueError(
                "one_sided_label_smoothing is the amount taken off the real label, in [0, 0.5) "
                f"(paper B: 0.1, i.e. real target 0.9); got {one_sided_label_smoothing!r}."
            )
        if margin is not None and not margin > 0:
            raise ValueError(
                f"margin must be a positive number (paper A: 0.5) or None, got {margin!r}."
            )
        if margin_on not in self.MARGIN_ON:
            raise ValueError(f"margin_on must be one of {self.MARGIN_ON}, got {margin_on!r}.")
        super().__init__(generator, discriminator, **kwargs)
        self.adversarial_form = adversarial_form
        self.one_sided_label_smoothing = float(one_sided_label_smoothing)
        self.margin = None if margin is None else float(margin)
        self.margin_on = margin_on

    def discriminator_loss(self, real_logits, fake_logits):
        """``errorReal + errorFake = -E log D(x, y) - E log(1 - D(x, G(x)))``."""
        real_error = sigmoid_cross_entropy(real_logits, 1.0 - self.one_sided_label_smoothing)
        fake_error = sigmoid_cross_entropy(fake_logits, 0.0)
        return {
            "d_loss": real_error + fake_error,
            "d_real_error": real_error,
            "d_fake_error": fake_error,
            "d_real_acc": ops.mean(ops.cast(real_logits > 0, "float32")),
            "d_fake_acc": ops.mean(ops.cast(fake_logits < 0, "float32")),
        }

    def adversarial_loss(self, fake_logits):
        """Non-saturating ``-E log D(x, G(x))``, or minimax ``E log(1 - D(x, G(x)))``."""
        if self.adversarial_form == "saturating":
            return {"g_adv_loss": -ops.mean(ops.softplus(fake_logits))}  # log(1 - sigmoid)
        return {"g_adv_loss": ops.mean(ops.softplus(-fake_logits))}  # -log(sigmoid)

    def update_discriminator(self, grads, d_logs):
        if self.margin is None:
            return super().update_discriminator(grads, d_logs)
        # Algorithm 2, line 7: update only if errorFake > gamma and errorReal > gamma
        # (on the global batch's errors, so that every replica decides alike);
        # margin_on="fake" asks errorFake > gamma only.
        update = replicas.global_mean(d_logs["d_fake_error"]) > self.margin
        if self.margin_on == "both":
            update = ops.logical_and(
                update, replicas.global_mean(d_logs["d_real_error"]) > self.margin)
        variables = self.discriminator.trainable_variables
        return {"d_skipped": replicas.apply_if(self.d_optimizer, update, grads, variables)}

    def family_logs(self):
        return ["d_real_acc", "d_fake_acc"] + (["d_skipped"] if self.margin is not None else [])

    def get_config(self):
        config = super().get_config()
        config.update(adversarial_form=self.adversarial_form, margin=self.margin,
                      margin_on=self.margin_on,
                      one_sided_label_smoothing=self.one_sided_label_smoothing)
        return config


__all__ = ["CGAN", "sigmoid_cross_entropy"]
