"""Paper E's uniform bins: a and b each cut into ``n`` equal bins (``bin()`` / ``unbin()``)."""

import numpy as np

from kcolor.backend import keras
from kcolor.color import AB_SCALE
from kcolor.quantize.bins import (
    Bins,
    ab_batches,
    as_list,
    check_ab,
    check_lam,
    rebalance,
)

ops = keras.ops


def uniform_bin_index(values, n, low=-100.0, high=100.0):
    """Paper E's ``bin()``: the index of the equal-width bin holding each value.

    ``n`` bins of width ``(high - low) / n`` cover ``[low, high]``; values
    outside are put in the first or last bin. a and b are binned
    independently, so ``values`` may hold either channel (in Lab units).

    Args:
        values: float tensor in Lab units (not normalised).
        n: number of bins per channel (paper E: 10, 30, 50).
        low, high: the binned range (paper E: -100 to +100).

    Returns:
        int32 tensor of the same shape with indices in ``[0, n - 1]``.

    Reference:
        Paper E, section 4.2.2 (``bin()``).
    """
    values = ops.convert_to_tensor(values)
    width = (high - low) / n
    index = ops.floor((ops.cast(values, "float32") - low) / width)
    return ops.cast(ops.clip(index, 0, n - 1), "int32")


def _take_per_channel(table, index):
    """``table[c, index[..., c]]`` for c = a, b: (2, n) and int (..., 2) -> (..., 2)."""
    table = ops.convert_to_tensor(table)
    index = ops.cast(ops.convert_to_tensor(index), "int32")
    a = ops.take(table[0], index[..., 0], axis=0)
    b = ops.take(table[1], index[..., 1], axis=0)
    return ops.stack([a, b], axis=-1)


@keras.saving.register_keras_serializable(package="kcolor")
class UniformBins(Bins):
    """Paper E's ``bin()`` / ``unbin()``: ``n`` uniform bins per channel.

    a and b are quantised independently into ``n`` bins of width
    ``(high - low) / n`` Lab units (paper E: 10 bins of 20 over [-100, 100]).
    A network predicts ``n`` logits for a and ``n`` for b at every pixel
    (shape ``(..., 2, n)``, or ``(..., 2 * n)`` which is reshaped, a first),
    trained on the one-hot of each channel's bin (``one_hot``, the
    ``Bins`` default of ``encode_targets``: paper E's targets are hard);
    decoding turns a class into the mean Lab value of the training pixels in
    it (``fit``), or the bin centre before fitting.

    Args:
        n: int, bins per channel (paper E, Table 2: 10, 30, 50).
        low, high: float, the binned range in Lab units.
        means: optional (2, n) per-channel bin means in Lab units (set by
            ``fit``); None means the bin centres.
        prior: optional (2, n) per-channel class frequencies (set by ``fit``);
            None means uniform (rebalancing weights all 1).
        lam: float, the uniform mix of the rebalancing weights (paper E does
            not rebalance; ``ClassColorizer(rebalance=False)`` reproduces it).

    Example:

    >>> bins = UniformBins(10).fit(ab_train)          # ab normalised
    >>> index = bins.encode(ab)                        # (..., 2) int32
    >>> ab_back = bins.decode_index(index)             # within 10 Lab units
    >>> ab_hat = bins.decode(logits)                   # logits (..., 2, 10)

    Reference:
        Paper E, section 4.2.2 (classification-based model, bin()/unbin()).
    """

    default_decode = "argmax"

    def __init__(self, n=10, low=-100.0, high=100.0, means=None, prior=None, lam=0.5):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
            raise ValueError(f"UniformBins: n must be an int >= 2, got {n!r}.")
        if not high > low:
            raise ValueError(f"UniformBins: need high > low, got low={low}, high={high}.")
        self.n = int(n)
        self.low = float(low)
        self.high = float(high)
        self.lam = check_lam(lam)
        self.means = None if means is None else self._check_table(means, "means")
        self.prior = None if prior is None else self._check_table(prior, "prior")

    def _check_table(self, table, what):
        table = np.asarray(table, dtype=np.float32)
        if table.shape != (2, self.n):
            raise ValueError(
                f"UniformBins: {what} must have shape (2, {self.n}), got {table.shape}."
            )
        return table

    # -- geometry -------------------------------------------------------------
    @property
    def num_classes(self):
        """Classes per channel (``n``)."""
        return self.n

    @property
    def width(self):
        """Bin width in Lab units."""
        return (self.high - self.low) / self.n

    @property
    def centers(self):
        """(n,) bin centres in Lab units."""
        return (self.low + (np.arange(self.n) + 0.5) * self.width).astype(np.float32)

    @property
    def values(self):
        """(2, n) decoded value of each class in Lab units: fitted means or centres."""
        if self.means is not None:
            return self.means
        return np.stack([self.centers, self.centers])

    @property
    def logits_shape(self):
        """Per-pixel logits shape a network must output: ``(2, n)``."""
        return (2, self.n)

    # -- encoding (the targets: ``Bins.encode_targets``, one-hot) ---------------
    def encode(self, ab):
        """Normalised ab (..., 2) -> int32 class per channel (..., 2) (``bin()``)."""
        return uniform_bin_index(check_ab(ab) * AB_SCALE, self.n, self.low, self.high)

    # -- decoding (``Bins.decode``) ----------------------------------------------
    def decode_index(self, index):
        """int class per channel (..., 2) -> normalised ab (..., 2) (``unbin()``)."""
        return _take_per_channel(self.values / AB_SCALE, index)

    def expectation(self, probs):
        """Per-channel probabilities (..., 2, n) -> normalised ab (..., 2)."""
        return ops.sum(probs * ops.convert_to_tensor(self.values / AB_SCALE), axis=-1)

    # -- statistics -----------------------------------------------------------
    def prior_from(self, data):
        """Per-channel class frequencies (2, n) of the pixels in ``data``.

        Args:
            data: a dataset of ``(L, ab)`` batches, normalised ab (..., 2) or
                uint8 RGB images.
        """
        return self._statistics(data)[0]

    def fit(self, data):
        """Sets ``means`` (paper E's unbin values) and ``prior`` from ``data``.

        Bins no training pixel falls in keep their centre. Returns ``self``.
        """
        prior, means = self._statistics(data)
        self.prior, self.means = prior, means
        return self

    def _statistics(self, data):
        counts = np.zeros((2, self.n), np.float64)
        sums = np.zeros((2, self.n), np.float64)
        for ab in ab_batches(data, "UniformBins.fit"):
            lab = ab.reshape(-1, 2).astype(np.float64) * AB_SCALE
            index = np.asarray(self.encode(ab)).reshape(-1, 2)
            for c in range(2):
                counts[c] += np.bincount(index[:, c], minlength=self.n)
                sums[c] += np.bincount(index[:, c], weights=lab[:, c], minlength=self.n)
        if counts.sum() == 0:
            raise ValueError("UniformBins.fit: the data holds no pixels.")
        means = np.where(counts > 0, sums / np.maximum(counts, 1), self.centers[None])
        prior = counts / counts.sum(axis=1, keepdims=True)
        return prior.astype(np.float32), means.astype(np.float32)

    def rebalance_weights(self, lam=None):
        """(2, n) weights ∝ ((1 - lam) p + lam / n)^-1 with E_p[w] = 1 per channel.

        With no prior (not fitted) every weight is 1.
        """
        lam = self.lam if lam is None else check_lam(lam)
        if self.prior is None:
            return np.ones((2, self.n), np.float32)
        return rebalance(self.prior, lam)

    def pixel_weights(self, index, weights=None):
        """Rebalancing weight of each hard target class, (..., 2)."""
        return _take_per_channel(self.rebalance_weights() if weights is None else weights, index)

    # -- serialisation --------------------------------------------------------
    def get_config(self):
        return {
            "n": self.n,
            "low": self.low,
            "high": self.high,
            "means": as_list(self.means),
            "prior": as_list(self.prior),
            "lam": self.lam,
        }

    def __repr__(self):
        fitted = "fitted" if self.means is not None else "centres"
        return f"UniformBins(n={self.n}, low={self.low}, high={self.high}, {fitted})"


__all__ = ["UniformBins", "uniform_bin_index"]
