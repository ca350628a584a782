"""A GAN's loss weight: a number, or a schedule that the step reads at each G update.

* ``LinearRamp(value, steps)``: ``value * min(1, step / steps)`` over the
  first ``steps`` generator updates (the adversarial warm-up). ``step`` is
  the generator optimiser's counter, so a resumed run continues the ramp.
  Meant for a generator warm-started from a regression model: it keeps its
  regression answer while the new discriminator learns.
* ``ColorThermostat(value, target)``: ``value`` times a multiplier steered
  after every G update so that the fakes keep a set amount of colour (the
  L1 weight's thermostat, below).

``at(weight, step)`` reads either kind, and ``steer(weight, fake, y)``
moves a thermostat (and is ``{}`` for anything else).

The thermostat. A conditional GAN's L1 weight sets where it lands on the
trade between accuracy and colour: a heavier weight pulls G towards the
conditional median (duller, closer), a lighter one lets the adversarial
term paint, and with a fixed weight where a short run ends moves from seed
to seed. The thermostat fixes the end point instead of the weight. After
every generator update it compares the fakes' mean chroma
(``sqrt(a^2 + b^2)``) with the truth's on the same batch:

    log_scale <- clip(log_scale + gain * (chroma(fake) / chroma(y) - target))

Too colourful raises the weight, too dull lowers it: an integral
controller, like BEGAN's ``k_t`` (Berthelot et al., 2017). ``scale_range``
bounds its authority, so a wild batch cannot turn the L1 term off and a run
that starts far from the target does not wind the multiplier up without
limit. Chroma in ab is not Hasler and Suesstrunk's colourfulness (the RGB
measure notebook 03 reports), but the two rise and fall together.
"""

import math
import numbers

from kcolor.backend import keras

ops = keras.ops


def is_number(value):
    """A finite real number that is not a bool (NumPy scalars included)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def at(weight, step):
    """A loss weight's value at G's update ``step``: the number itself, or ``weight.at(step)``."""
    return weight.at(step) if hasattr(weight, "at") else weight


def steer(weight, fake, y):
    """A thermostat's step after a G update (its logs); ``{}`` for any other weight."""
    return weight.update(fake, y) if isinstance(weight, ColorThermostat) else {}


@keras.saving.register_keras_serializable(package="kcolor")
class LinearRamp:
    """``value * min(1, step / steps)``: a weight that rises from 0 over ``steps`` G updates.

    Args:
        value: the weight from update ``steps`` on (a number >= 0).
        steps: the length of the ramp, in generator updates (an integer >= 1).

    Example:
        >>> ramp = LinearRamp(2.0, steps=4)
        >>> [float(ramp.at(step)) for step in (0, 1, 4, 9)]
        [0.0, 0.5, 2.0, 2.0]
    """

    def __init__(self, value, steps):
        if not (is_number(value) and value >= 0):
            raise ValueError(f"A LinearRamp's value must be a finite number >= 0, got {value!r}.")
        if not (isinstance(steps, numbers.Integral) and not isinstance(steps, bool) and steps >= 1):
            raise ValueError(f"A LinearRamp's steps must be an integer >= 1 (a number of "
                             f"generator updates), got {steps!r}.")
        self.value, self.steps = float(value), int(steps)

    def at(self, step):
        """The weight at G's update ``step`` (a tensor when ``step`` is one)."""
        return self.value * ops.minimum(1.0, ops.cast(step, "float32") / self.steps)

    def get_config(self):
        return {"value": self.value, "steps": self.steps}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"LinearRamp({self.value}, steps={self.steps})"


def mean_chroma(ab):
    """Mean over pixels of ``sqrt(a^2 + b^2)``, in the units of ``ab``."""
    ab = ops.cast(ab, "float32")
    return ops.mean(ops.sqrt(ops.sum(ops.square(ab), axis=-1) + 1e-12))


@keras.saving.register_keras_serializable(package="kcolor")
class ColorThermostat(keras.layers.Layer):
    """``value * exp(log_scale)``: an L1 weight holding ``chroma(G(x)) / chroma(y)`` at ``target``.

    A layer only so that its one variable, ``log_scale``, is saved with the
    model (``save`` and ``save_weights``) and restored on resume; it has no
    ``call``. The GAN builds it, so the variable lives where the GAN does.

    Args:
        value: the L1 weight at multiplier 1 (a number > 0; paper B: 100).
        target: the fakes' mean chroma wanted, as a fraction of the true
            colours' on the same batch (e.g. 0.84).
        gain: how far ``log_scale`` moves per step per unit of error (0.05).
        scale_range: ``(low, high)`` bounds of the multiplier, 1 inside.
        **kwargs: ``keras.layers.Layer`` arguments (``name``).

    Logs (through the GAN) ``color_ratio`` and ``l1_scale``, the multiplier.

    Example:
        >>> thermostat = ColorThermostat(100.0, target=0.5, gain=1.0)
        >>> y = keras.ops.ones((1, 2, 2, 2)); fake = 0.9 * y   # too colourful
        >>> logs = thermostat.update(fake, y)
        >>> round(float(logs["l1_scale"]), 3)                 # exp(1.0 * 0.4)
        1.492
    """

    def __init__(self, value, target, gain=0.05, scale_range=(0.5, 2.0), **kwargs):
        kwargs.setdefault("name", "color_thermostat")
        super().__init__(**kwargs)
        if not (is_number(value) and value > 0):
            raise ValueError(f"The colour thermostat steers the L1 weight, which must be a "
                             f"number > 0 (got l1_weight={value!r}); without it use a fixed "
                             "l1_weight (color_target=None).")
        if not (is_number(target) and target > 0):
            raise ValueError(f"color_target must be a number > 0 (a fraction of the true "
                             f"colours' chroma, e.g. 0.8), got {target!r}.")
        if not (is_number(gain) and gain > 0):
            raise ValueError(f"color_gain must be a number > 0, got {gain!r}.")
        try:
            low, high = (float(v) for v in scale_range)
        except (TypeError, ValueError):
            raise ValueError(f"color_scale_range must be two numbers (low, high), "
                             f"got {scale_range!r}.") from None
        if not (0 < low <= 1 <= high and math.isfinite(high)):
            raise ValueError(f"color_scale_range must satisfy 0 < low <= 1 <= high, "
                             f"got {scale_range!r}.")
        self.value, self.target, self.gain = float(value), float(target), float(gain)
        self.scale_range = (low, high)

    def build(self, input_shape=None):
        # "mean": under several devices each replica steers from its own batch.
        self.log_scale = self.add_weight(shape=(), initializer="zeros", trainable=False,
                                         aggregation="mean", name="log_scale")
        self.built = True

    @property
    def scale(self):
        """The multiplier now, ``exp(log_scale)`` (built on first use when used alone)."""
        if not self.built:
            self.build()
        return ops.exp(ops.convert_to_tensor(self.log_scale))

    def at(self, step=None):
        """The L1 weight now: ``value * scale`` (``step`` is not used)."""
        return self.value * self.scale

    def update(self, fake, y):
        """One control step from a batch's fakes and truth.

        Returns ``{"color_ratio": chroma(fake) / chroma(y), "l1_scale": the new
        multiplier}``. A batch without colour (all grey) leaves the multiplier.
        """
        if not self.built:  # used alone; a GAN builds it in its constructor
            self.build()
        truth = mean_chroma(y)
        ratio = mean_chroma(fake) / ops.maximum(truth, 1e-6)
        low, high = (math.log(v) for v in self.scale_range)
        moved = ops.clip(self.log_scale + self.gain * (ratio - self.target), low, high)
        self.log_scale.assign(ops.where(truth > 1e-6, moved, self.log_scale))
        return {"color_ratio": ratio, "l1_scale": self.scale}

    def get_config(self):
        config = super().get_config()
        config.update(value=self.value, target=self.target, gain=self.gain,
                      scale_range=list(self.scale_range))
        return config


__all__ = ["at", "steer", "LinearRamp", "ColorThermostat", "mean_chroma"]
