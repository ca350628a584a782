"""One batch of normalised ``(L, ab_pred, ab_true)``, checked, and the conversions metrics share.

Every kcolor metric is a *statistic*: a function of a ``Batch`` that
returns, for each image, a sum and a count (pixels, pixel values, or 1 per
image). ``ratio`` divides the batch's totals (the metric functions); the
Keras metrics and ``kcolor.metrics.evaluate`` add them over batches first.
"""

from kcolor import color
from kcolor.backend import keras
from kcolor.quantize import uniform_bin_index

ops = keras.ops


def _as_float32(x, what):
    x = ops.convert_to_tensor(x)
    dtype = keras.backend.standardize_dtype(x.dtype)
    if not dtype.startswith(("float", "bfloat")):
        raise TypeError(
            f"{what} must be a float tensor of normalised values (L / 50 - 1, ab / 110), "
            f"got dtype {dtype}."
        )
    return ops.cast(x, "float32") if dtype != "float32" else x


def batched(x, what, channels):
    """(H, W, C) -> (1, H, W, C); checks rank 4 and the channel count."""
    if len(x.shape) == 3:
        x = x[None]
    if len(x.shape) != 4:
        raise ValueError(
            f"{what} must have shape (N, H, W, {channels}) or (H, W, {channels}), "
            f"got shape {tuple(x.shape)}."
        )
    if x.shape[-1] is not None and x.shape[-1] != channels:
        raise ValueError(
            f"{what} must have {channels} channel{'s' if channels > 1 else ''} on its last "
            f"axis, got shape {tuple(x.shape)}."
            + (" Pass only the ab channels (normalised ab / 110)." if channels == 2 else "")
        )
    return x


def _same_dims(x, y, x_name, y_name, dims):
    for d in dims:
        if x.shape[d] is not None and y.shape[d] is not None and x.shape[d] != y.shape[d]:
            raise ValueError(
                f"{x_name} and {y_name} disagree: shapes {tuple(x.shape)} and "
                f"{tuple(y.shape)} (they must match in batch size, height and width)."
            )


class Batch:
    """One batch of normalised ``(L, ab_pred, ab_true)``, checked, with cached conversions.

    Statistics read ``lab_pred`` / ``lab_true`` (a, b in Lab units) or
    ``rgb_pred`` / ``rgb_true`` (sRGB in [0, 1], which need L); each
    conversion runs once per batch however many statistics use it.
    """

    def __init__(self, ab_pred, ab_true, L=None):
        self.ab_pred = batched(_as_float32(ab_pred, "ab_pred"), "ab_pred", 2)
        self.ab_true = batched(_as_float32(ab_true, "ab_true"), "ab_true", 2)
        _same_dims(self.ab_pred, self.ab_true, "ab_pred", "ab_true", (0, 1, 2))
        self.L = None
        if L is not None:
            self.L = batched(_as_float32(L, "L"), "L", 1)
            _same_dims(self.L, self.ab_true, "L", "ab_true", (0, 1, 2))
        self._cache = {}

    def _cached(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def need_l(self, what):
        if self.L is None:
            raise ValueError(
                f"{what} is measured on the RGB image, so it needs L as well as ab: pass "
                f"L=... (the Keras metric's update_state(y_true, y_pred, L=L)), or use "
                f"kcolor.metrics.score / evaluate. In model.compile(metrics=...) only the "
                f"ab metrics work (AccuracyAtEpsilon, MAEab, EuclideanAB, BinAccuracy)."
            )

    @property
    def lab_pred(self):
        return self._cached("lab_pred", lambda: color.denormalize_ab(self.ab_pred))

    @property
    def lab_true(self):
        return self._cached("lab_true", lambda: color.denormalize_ab(self.ab_true))

    @property
    def rgb_pred(self):
        return self._cached("rgb_pred", lambda: color.l_ab_to_rgb(self.L, self.ab_pred))

    @property
    def rgb_true(self):
        return self._cached("rgb_true", lambda: color.l_ab_to_rgb(self.L, self.ab_true))

    def bin_match(self, n_bins):
        """1.0 where the predicted a (b) falls in the true a (b) bin, shape (N, H, W, 2)."""
        return self._cached(
            ("bin_match", n_bins),
            lambda: ops.cast(
                ops.equal(uniform_bin_index(self.lab_pred, n_bins),
                          uniform_bin_index(self.lab_true, n_bins)),
                "float32",
            ),
        )

    @property
    def n_pixels(self):
        """Pixels per image, as a float32 tensor (the count of a pixel statistic)."""
        shape = ops.shape(self.ab_true)
        return ops.cast(shape[1] * shape[2], "float32")

    def per_image(self, values, count):
        """Per-image sums of ``values`` (N, ...) and the matching counts (N,)."""
        sums = ops.sum(ops.reshape(values, (ops.shape(values)[0], -1)), axis=1)
        return sums, ops.ones_like(sums) * count



def one_per_image(values):
    """A per-image statistic: the values (N,) and a count of 1 for each image."""
    return values, ops.ones_like(values)


def ratio(stat, batch):
    """A statistic's value on one batch: the sum of its sums over the sum of its counts."""
    sums, counts = stat(batch)
    return ops.sum(sums) / ops.sum(counts)


__all__ = ["Batch", "batched", "one_per_image", "ratio"]
