"""A colour thermostat: the L1 weight, steered so the fakes keep a set amount of colour.

A conditional GAN's L1 weight sets where it lands on the trade between
accuracy and colour: a heavier weight pulls G towards the conditional median
(duller, closer), a lighter one lets the adversarial term paint. With a fixed
weight, where a short run ends on that trade moves from seed to seed.
``ColorThermostat`` fixes the end point instead of the weight. After every
generator update it compares the fakes' mean chroma (``sqrt(a^2 + b^2)``) with
the true colours' on the same batch and moves a multiplier of the L1 weight:

    log_scale <- clip(log_scale + gain * (chroma(fake) / chroma(y) - target))

Too colourful raises the weight, too dull lowers it: an integral controller,
like BEGAN's ``k_t`` (Berthelot et al., 2017), which steers the
balance of G and D with the same rule. ``scale_range`` bounds its authority,
so a wild batch cannot turn the L1 term off, and a run that starts far from
the target (a warm start from a dull regression model) does not wind the
multiplier up without limit.

Chroma in ab is not Hasler and Suesstrunk's colourfulness (the RGB measure
notebook 03 reports), but the two rise and fall together; measure the
relation on held-out photos before choosing ``target``.
"""

import math
import numbers

from kcolor.backend import keras

ops = keras.ops


def mean_chroma(ab):
    """Mean over pixels of ``sqrt(a^2 + b^2)``, in the units of ``ab``."""
    ab = ops.cast(ab, "float32")
    return ops.mean(ops.sqrt(ops.sum(ops.square(ab), axis=-1) + 1e-12))


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_options(target, gain, scale_range):
    """Raises ``ValueError`` for a target, gain or range that cannot steer."""
    if not (_is_number(target) and math.isfinite(target) and target > 0):
        raise ValueError(f"color_target must be a number > 0 (a fraction of the true "
                         f"colours' chroma, e.g. 0.8), got {target!r}.")
    if not (_is_number(gain) and math.isfinite(gain) and gain > 0):
        raise ValueError(f"color_gain must be a number > 0, got {gain!r}.")
    try:
        low, high = (float(v) for v in scale_range)
    except (TypeError, ValueError):
        raise ValueError(f"color_scale_range must be two numbers (low, high), "
                         f"got {scale_range!r}.") from None
    if not (0 < low <= 1 <= high and math.isfinite(high)):
        raise ValueError(f"color_scale_range must satisfy 0 < low <= 1 <= high, "
                         f"got {scale_range!r}.")


@keras.saving.register_keras_serializable(package="kcolor")
class ColorThermostat(keras.layers.Layer):
    """Holds ``chroma(G(x)) / chroma(y)`` near ``target`` by scaling the L1 weight.

    A layer only so that its one variable, ``log_scale``, is saved with the
    model and restored on resume; it has no ``call``.

    Args:
        target: the fakes' mean chroma wanted, as a fraction of the true
            colours' on the same batch (e.g. 0.85).
        gain: how far ``log_scale`` moves per step per unit of error.
        scale_range: ``(low, high)`` bounds of the multiplier (1 inside).

    Example:
        >>> thermostat = ColorThermostat(0.5, gain=1.0)
        >>> y = keras.ops.ones((1, 2, 2, 2)); fake = 0.9 * y   # too colourful
        >>> logs = thermostat.update(fake, y)
        >>> round(float(logs["l1_scale"]), 3)                 # exp(1.0 * 0.4)
        1.492
    """

    def __init__(self, target, gain=0.05, scale_range=(0.5, 2.0), **kwargs):
        super().__init__(**kwargs)
        check_options(target, gain, scale_range)
        self.target, self.gain = float(target), float(gain)
        self.scale_range = tuple(float(v) for v in scale_range)
        # "mean": under several devices each replica steers from its own batch.
        self.log_scale = self.add_weight(shape=(), initializer="zeros", trainable=False,
                                         aggregation="mean", name="log_scale")
        self.built = True

    @property
    def scale(self):
        """The multiplier of the L1 weight now, ``exp(log_scale)``."""
        return ops.exp(ops.convert_to_tensor(self.log_scale))

    def update(self, fake, y):
        """One control step from a batch's fakes and truth.

        Returns ``{"color_ratio": chroma(fake) / chroma(y), "l1_scale": the new
        multiplier}``. A batch without colour (all grey) leaves the multiplier.
        """
        truth = mean_chroma(y)
        ratio = mean_chroma(fake) / ops.maximum(truth, 1e-6)
        low, high = (math.log(v) for v in self.scale_range)
        moved = ops.clip(self.log_scale + self.gain * (ratio - self.target), low, high)
        self.log_scale.assign(ops.where(truth > 1e-6, moved, self.log_scale))
        return {"color_ratio": ratio, "l1_scale": self.scale}

    def get_config(self):
        config = super().get_config()
        config.update(target=self.target, gain=self.gain, scale_range=list(self.scale_range))
        return config


__all__ = ["ColorThermostat", "check_options", "mean_chroma"]
