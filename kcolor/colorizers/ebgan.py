"""``EBGAN``: the energy-based GAN (Zhao et al.; papers C 4.3 and D 3.3).

Its ``discriminator_loss`` and ``adversarial_loss`` (G's adversarial term,
with the pull-away term) are below in full; the shared step
(``adversarial.py``) does the rest.
"""

from kcolor.backend import keras
from kcolor.colorizers import options, replicas
from kcolor.colorizers.adversarial import AdversarialColorizer

ops = keras.ops


def pull_away_term(codes):
    """Zhao et al.'s pull-away term: mean squared cosine of different codes.

    ``PT = 1 / (N (N - 1)) sum_i sum_{j != i} (S_i . S_j / (|S_i| |S_j|))^2``.
    Small when the codes point in different directions, so adding it to G's
    loss discourages mode collapse.

    Args:
        codes: ``(N, d)`` encoder codes (trailing axes are flattened), N >= 2.

    Returns:
        A scalar in [0, 1].
    """
    n = ops.shape(codes)[0]
    codes = ops.reshape(codes, (n, -1))
    unit = codes / (ops.sqrt(ops.sum(ops.square(codes), axis=1, keepdims=True)) + 1e-8)
    cosine = ops.matmul(unit, ops.transpose(unit))
    n = ops.cast(n, cosine.dtype)
    # The diagonal holds |S_i|^2 / |S_i|^2 = 1 (up to the epsilon): remove it.
    off_diagonal = ops.sum(ops.square(cosine)) - ops.sum(ops.square(ops.diagonal(cosine)))
    return off_diagonal / (n * (n - 1.0))


@keras.saving.register_keras_serializable(package="kcolor")
class EBGAN(AdversarialColorizer):
    """Energy-based GAN: D is an autoencoder, its energy the reconstruction error.

    The discriminator returns ``[reconstruction, code]``
    (``kcolor.models.ebgan_discriminator``); the energy of an input is its
    per-sample mean squared reconstruction error ``D(x) = mean((Dec(Enc(x))
    - x)^2)``. ``L_D = D(x) + max(0, m - D(G(z)))`` and ``L_G = D(G(z)) +
    lambda_PT PT``, PT the pull-away term on the fakes' codes.

    Args:
        generator, discriminator: see ``AdversarialColorizer``.
        margin: m, in the energy's units (a mean squared error of inputs in
            [-1, 1]), default 1.0; the hinge stops pushing a fake's energy
            up once it passes m.
        pull_away_weight: lambda_PT (paper D: 0.1 for EBGAN-PT), default 0.
        **kwargs: the shared options.

    Logs ``pull_away`` besides the shared values when its weight is set.

    Example:
        >>> gan = kcolor.EBGAN(kcolor.models.unet(32),
        ...                    kcolor.models.ebgan_discriminator(32),
        ...                    pull_away_weight=0.1, l1_weight=100)

    Reference:
        Zhao, Mathieu and LeCun, "Energy-based Generative Adversarial
        Network", 2017, eq. 1, 2 and 5. C: section 4.3. D: section 3.3.
    """

    def __init__(self, generator, discriminator, *, margin=1.0, pull_away_weight=0.0, **kwargs):
        if not margin > 0:
            raise ValueError(f"margin must be positive, got {margin!r}.")
        if not pull_away_weight >= 0:
            raise ValueError(
                f"pull_away_weight must be >= 0 (paper D: 0.1), got {pull_away_weight!r}."
            )
        outputs = options.output_shapes(discriminator)
        inputs = options.input_shapes(discriminator)
        if outputs is not None and len(outputs) != 2:
            raise ValueError(
                "EBGAN's discriminator is an autoencoder returning [reconstruction, code] "
                f"(e.g. kcolor.models.ebgan_discriminator); this one has {len(outputs)} output(s)."
            )
        if outputs is not None and inputs is not None and outputs[0][1:] != inputs[0][1:]:
            raise ValueError(
                f"The discriminator's reconstruction has shape {outputs[0][1:]}, its input "
                f"{inputs[0][1:]}: they must match."
            )
        super().__init__(generator, discriminator, **kwargs)
        self.margin = float(margin)
        self.pull_away_weight = float(pull_away_weight)

    def discriminate(self, x, colors, training=True):
        """D's outputs for EBGAN: ``(energy, code)`` (see ``energy``)."""
        return self.energy(x, colors, training)

    def energy(self, x, colors, training=True):
        """``(D(x), code)``: the per-sample reconstruction MSE, and the encoder's code."""
        reconstruction, code = super().discriminate(x, colors, training)
        inputs = ops.cast(self.discriminator_inputs(x, colors), "float32")
        error = ops.square(reconstruction - inputs)
        return ops.mean(ops.reshape(error, (ops.shape(error)[0], -1)), axis=1), code

    def discriminator_loss(self, real_out, fake_out):
        """``E D(x, y) + E max(0, m - D(x, G(x)))`` (the hinge per sample)."""
        (real_energy, _), (fake_energy, _) = real_out, fake_out
        return {"d_loss": ops.mean(real_energy) + ops.mean(ops.relu(self.margin - fake_energy))}

    def adversarial_loss(self, fake_out):
        """``E D(x, G(x)) + lambda_PT PT(codes of the global batch's fakes)``."""
        fake_energy, codes = fake_out
        logs = {"g_adv_loss": ops.mean(fake_energy)}
        if self.pull_away_weight:
            # PT compares every pair of the global batch: gather all replicas' codes.
            logs["pull_away"] = pull_away_term(replicas.all_gather(codes))
            logs["g_adv_loss"] += self.pull_away_weight * logs["pull_away"]
        return logs

    def family_logs(self):
        return ["pull_away"] if self.pull_away_weight else []

    def get_config(self):
        config = super().get_config()
        config.update(margin=self.margin, pull_away_weight=self.pull_away_weight)
        return config


__all__ = ["EBGAN", "pull_away_term"]
