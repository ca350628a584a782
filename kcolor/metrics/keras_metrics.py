"""The metrics as ``keras.metrics.Metric`` classes, for ``compile(metrics=...)``.

Each accumulates one statistic (``kcolor.metrics.batch``) in two float64
variables, a total and a count, and divides them in ``result``: the same
numbers as ``kcolor.metrics.evaluate`` over the same batches. The metrics on
ab (``AccuracyAtEpsilon``, ``MAEab``, ``EuclideanAB``, ``BinAccuracy``) work
inside ``compile``; those on the RGB image need L as well.

Example:

>>> model.compile(optimizer="adam", metrics=[kcolor.metrics.AccuracyAtEpsilon(2)])
"""

from kcolor.backend import keras
from kcolor.metrics.batch import Batch
from kcolor.metrics.image import colorfulness_stat, psnr_stat, ssim_stat
from kcolor.metrics.pixel import (accuracy_stat, bin_stat, euclid_ab_stat, mae_ab_stat,
                                  mae_rgb_stat)

ops = keras.ops


class _StatMetric(keras.metrics.Metric):
    """Adds a statistic's sums and counts over batches; ``result`` divides them.

    ``update_state(y_true, y_pred, sample_weight=None, L=None)`` takes
    normalised ab (what a colorizer's ``compile`` metrics receive);
    ``sample_weight`` holds one weight per image (shape (N,)). Metrics on the
    RGB image (``MAErgb``, ``PSNR``, ``SSIM``, ``Colorfulness``) also need
    ``L=`` and therefore do not work inside ``compile``; use them by hand or
    through ``evaluate``.
    """

    def __init__(self, name, dtype=None):
        super().__init__(name=name, dtype=dtype)
        # float64 so that counts stay exact beyond 2**24 pixels.
        self.total = self.add_variable(shape=(), initializer="zeros", dtype="float64",
                                       name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype="float64",
                                       name="count")

    def _stat(self):
        raise NotImplementedError

    def update_state(self, y_true, y_pred, sample_weight=None, L=None):
        sums, counts = self._stat()(Batch(y_pred, y_true, L))
        if sample_weight is not None:
            weight = ops.cast(ops.convert_to_tensor(sample_weight), "float32")
            if any(d not in (1, None) for d in weight.shape[1:]):
                raise ValueError(
                    f"{self.name}: sample_weight must hold one weight per image, shape (N,), "
                    f"got shape {tuple(weight.shape)}."
                )
            if len(weight.shape) > 0:
                weight = ops.reshape(weight, (-1,))
            sums, counts = sums * weight, counts * weight
        self.total.assign_add(ops.cast(ops.sum(sums), "float64"))
        self.count.assign_add(ops.cast(ops.sum(counts), "float64"))

    def result(self):
        return ops.cast(ops.divide_no_nan(self.total, self.count), self.dtype)

    def reset_state(self):
        self.total.assign(ops.zeros((), "float64"))
        self.count.assign(ops.zeros((), "float64"))

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras.saving.register_keras_serializable(package="kcolor")
class AccuracyAtEpsilon(_StatMetric):
    """Paper B's ``acc@eps%`` accumulated over batches (see ``accuracy_at``).

    Example:

    >>> model.compile(optimizer="adam", metrics=[AccuracyAtEpsilon(2), AccuracyAtEpsilon(5)])
    """

    def __init__(self, epsilon=2, name=None, dtype=None):
        super().__init__(name=name or f"acc@{epsilon:g}%", dtype=dtype)
        self.epsilon = epsilon

    def _stat(self):
        return accuracy_stat(self.epsilon)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="kcolor")
class MAEab(_StatMetric):
    """Mean absolute error of a and b in Lab units, over batches (see ``mae_ab``)."""

    def __init__(self, name="mae_ab", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def _stat(self):
        return mae_ab_stat


@keras.saving.register_keras_serializable(package="kcolor")
class EuclideanAB(_StatMetric):
    """Mean per-pixel ab distance in Lab units, over batches (see ``euclid_ab``)."""

    def __init__(self, name="euclid_ab", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def _stat(self):
        return euclid_ab_stat


@keras.saving.register_keras_serializable(package="kcolor")
class BinAccuracy(_StatMetric):
    """Paper E's bin accuracy over batches (see ``bin_accuracy``).

    Args:
        n_bins: bins per channel over [-100, 100].
        channel: ``"a"``, ``"b"``, ``"both"`` or ``"pooled"``.
    """

    def __init__(self, n_bins=10, channel="pooled", name=None, dtype=None):
        bin_stat(n_bins, channel)  # validates the arguments
        suffix = "" if channel == "pooled" else f"_{channel}"
        super().__init__(name=name or f"bin_acc{suffix}@{int(n_bins)}", dtype=dtype)
        self.n_bins = int(n_bins)
        self.channel = channel

    def _stat(self):
        return bin_stat(self.n_bins, self.channel)

    def get_config(self):
        return {**super().get_config(), "n_bins": self.n_bins, "channel": self.channel}


@keras.saving.register_keras_serializable(package="kcolor")
class MAErgb(_StatMetric):
    """Mean absolute RGB error on 0..255 over batches; needs ``L=`` (see ``mae_rgb``)."""

    def __init__(self, name="mae_rgb", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def _stat(self):
        return mae_rgb_stat


@keras.saving.register_keras_serializable(package="kcolor")
class PSNR(_StatMetric):
    """Mean per-image PSNR on sRGB [0, 1]; needs ``L=`` (see ``psnr``)."""

    def __init__(self, name="psnr", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def _stat(self):
        return psnr_stat


@keras.saving.register_keras_serializable(package="kcolor")
class SSIM(_StatMetric):
    """Mean per-image SSIM on sRGB [0, 1]; needs ``L=`` (see ``ssim``)."""

    def __init__(self, name="ssim", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def _stat(self):
        return ssim_stat


@keras.saving.register_keras_serializable(package="kcolor")
class Colorfulness(_StatMetric):
    """Mean colourfulness of the prediction (``of="pred"``) or the truth; needs ``L=``."""

    def __init__(self, of="pred", name=None, dtype=None):
        colorfulness_stat(of)  # validates `of`
        super().__init__(name=name or ("colorfulness" if of == "pred" else "colorfulness_true"),
                         dtype=dtype)
        self.of = of

    def _stat(self):
        return colorfulness_stat(self.of)

    def get_config(self):
        return {**super().get_config(), "of": self.of}


__all__ = ["AccuracyAtEpsilon", "MAEab", "EuclideanAB", "BinAccuracy", "MAErgb", "PSNR", "SSIM",
           "Colorfulness"]
