"""Zhang et al.'s gamut bins: joint ab classes inside the sRGB gamut, soft-encoded.

``GamutBins`` is the quantisation of paper C (section 3.1), which adopts
Zhang et al.'s "Colorful Image Colorization": the classes, their soft
encoding (k nearest bins -> Gaussian -> normalise), the class prior and its
rebalancing weights. Which cells are classes, and how the nearest ones are
found fast, is ``gamut_geometry.py``.
"""

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
from kcolor.quantize.gamut_geometry import CentreLookup, gamut_bin_centers, smoothing_matrix

ops = keras.ops


@keras.saving.register_keras_serializable(package="kcolor")
class GamutBins(Bins):
    """Zhang et al.'s joint ab classes: in-gamut 10 x 10 cells, soft-encoded.

    * **Classes**: the cells of a ``grid``-unit ab grid that hold an sRGB
      colour (``gamut_bin_centers``: 261 for grid 10; Zhang et al.: 313).
    * **Soft encoding** (``sparse_soft_encode``): a target ab is spread over
      its ``k`` nearest class centres with weights ``exp(-d^2 / (2
      sigma^2))``, normalised to 1. Default ``k=5``, as the paper's text
      says (Zhang et al. section 2.1); their released code uses 10. With
      sigma 5 and cells 10 apart the 6th to 10th neighbours are at least
      about 11 units away and carry about 3% of the mass in total (see the
      tests), so the choice barely matters; 5 keeps the targets sharper.
    * **Class prior and rebalancing**: ``fit(data)`` (or ``prior_from``)
      measures the empirical distribution of the hard (or soft) classes over
      the training pixels. The prior is smoothed with a Gaussian of
      ``smoothing_sigma`` (5) Lab units in ab space, mixed with the uniform
      distribution and inverted: ``w ∝ ((1 - lam) p~ + lam / Q)^-1``,
      ``lam = 0.5``, scaled so that ``sum_q p~_q w_q = 1`` (Zhang et al.,
      eq. 4). A pixel's weight is the weight of its nearest class.
    * **Decoding** from logits (..., Q): ``"argmax"`` (the mode), ``"mean"``
      (expectation of the centres) or ``"annealed_mean"``: the expectation
      under ``softmax(logits / T)`` (Zhang et al. eq. 5, T = 0.38).

    Args:
        grid: float, cell side in Lab units.
        k: int, nearest neighbours for the soft encoding.
        sigma: float, the soft-encoding Gaussian's width in Lab units.
        prior: None (uniform; rebalancing weights all 1 until ``fit``), a
            (Q,) array of class frequencies, or a function ``prior(bins)``
            returning one, e.g. ``kcolor.data.sample_prior.sample_prior``
            (the prior of kcolor's embedded sample data set).
        lam: float, the uniform mix of the rebalancing weights (0.5).
        smoothing_sigma: float, the prior's Gaussian smoothing in Lab units.
        centers: optional (Q, 2) centres in Lab units; None computes them
            (stored in the config so a saved model keeps its classes).

    Example:

    >>> bins = GamutBins().fit(kcolor.data.sample("train", image_size=32))
    >>> model = kcolor.ClassColorizer(
    ...     kcolor.models.colorful(32, head="classes", num_classes=bins.num_classes), bins)

    Reference:
        Paper C, section 3.1 (Zhang et al.'s classification, Q = 313,
        rebalancing); Zhang, Isola and Efros, "Colorful Image Colorization",
        ECCV 2016, sections 2.1-2.3.
    """

    def __init__(
        self,
        grid=10,
        k=5,
        sigma=5.0,
        prior=None,
        lam=0.5,
        smoothing_sigma=5.0,
        centers=None,
    ):
        self.grid = float(grid)
        if not self.grid > 0:
            raise ValueError(f"GamutBins: grid must be > 0, got {grid}.")
        if centers is None:
            centers = gamut_bin_centers(self.grid)
        centers = np.array(centers, dtype=np.float32)
        if centers.ndim != 2 or centers.shape[1] != 2 or len(centers) < 2:
            raise ValueError(f"GamutBins: centers must have shape (Q, 2), got {centers.shape}.")
        self._centers = centers
        self._lookup = CentreLookup(centers, self.grid)
        max_k = min(len(centers), 10)
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= max_k:
            raise ValueError(f"GamutBins: k must be an int in [1, {max_k}], got {k!r}.")
        self.k = int(k)
        self.sigma = float(sigma)
        self.smoothing_sigma = float(smoothing_sigma)
        if not (self.sigma > 0 and self.smoothing_sigma > 0):
            raise ValueError("GamutBins: sigma and smoothing_sigma must be > 0.")
        self.lam = check_lam(lam)
        self.prior = None
        if isinstance(prior, str):
            raise ValueError(
                f"GamutBins: prior must be None, an array or a function of the bins, got "
                f"{prior!r}; the sample data set's prior is "
                "GamutBins(prior=kcolor.data.sample_prior.sample_prior)."
            )
        if callable(prior):
            prior = prior(self)
        if prior is not None:
            self.set_prior(prior)

    # -- geometry -------------------------------------------------------------
    @property
    def centers(self):
        """(Q, 2) class centres in Lab units."""
        return self._centers

    @property
    def num_classes(self):
        """Number of joint ab classes Q."""
        return len(self._centers)

    @property
    def logits_shape(self):
        """Per-pixel logits shape a network must output: ``(Q,)``."""
        return (self.num_classes,)

    # -- encoding -------------------------------------------------------------
    def sparse_soft_encode(self, ab):
        """Zhang et al.'s soft encoding of normalised ab (..., 2), as ``(indices, weights)``.

        The ``k`` nearest bins of each target (default 5), weighted by a
        Gaussian of their distance (``sigma``, default 5 Lab units),
        normalised to sum to 1. This
        is what the train step uses: ``kcolor.losses.rebalanced_cross_entropy``
        takes the pair and gathers k log-probabilities instead of a (..., Q)
        product (``soft_encode`` gives the dense (..., Q) form).

        Returns:
            int32 (..., k) class indices, nearest first, and float32 (..., k)
            weights.

        Reference:
            Paper C, section 3.1 (the adopted model); Zhang et al. 2016,
            section 2.1 (5 nearest neighbours, Gaussian kernel, sigma = 5).
        """
        index, d2 = self._k_nearest(ab)  # the k nearest bins, squared distances
        # The Gaussian, of each distance minus the nearest one (a common factor
        # that the normalisation cancels), so that exp() does not underflow for
        # targets far outside the gamut.
        gaussian = ops.exp(-(d2 - d2[..., :1]) / (2.0 * self.sigma**2))
        return index, gaussian / ops.sum(gaussian, axis=-1, keepdims=True)  # normalised

    def encode_targets(self, ab):
        """Training targets and nearest classes at once.

        Returns:
            ``((indices, weights), nearest)``: the sparse soft encoding
            ((..., k) int32, (..., k) float32) and the nearest class (...).
        """
        index, weights = self.sparse_soft_encode(ab)
        return (index, weights), index[..., 0]

    def soft_encode(self, ab):
        """The soft encoding as dense targets (..., Q): ``sparse_soft_encode`` scattered.

        Each row has ``k`` non-zero entries that sum to 1 (Zhang et al.'s Z).
        """
        index, weights = self.sparse_soft_encode(ab)
        one_hot = ops.one_hot(index, self.num_classes, dtype="float32")  # (..., k, Q)
        return ops.sum(one_hot * weights[..., None], axis=-2)

    def encode(self, ab):
        """Normalised ab (..., 2) -> int32 index of the nearest class (...)."""
        return self._k_nearest(ab, k=1)[0][..., 0]

    def _k_nearest(self, ab, k=None):
        """(index, d2): the k nearest classes of normalised ab and their squared distances."""
        return self._lookup.k_nearest(check_ab(ab) * AB_SCALE, self.k if k is None else int(k))

    def _encode_numpy(self, ab):
        """``encode`` for numpy arrays, fast (for ``prior_from``)."""
        ab = np.asarray(ab, dtype=np.float32)
        if ab.shape[-1:] != (2,):
            raise ValueError(f"ab must have 2 channels on its last axis, got {ab.shape}.")
        return self._lookup.nearest_numpy(ab.astype(np.float64) * AB_SCALE)

    # -- decoding (``Bins.decode``) ----------------------------------------------
    def decode_index(self, index):
        """int class index (...) -> normalised ab (...,  2): the class centre."""
        centers = ops.convert_to_tensor(self._centers / AB_SCALE)
        return ops.take(centers, ops.cast(index, "int32"), axis=0)

    def expectation(self, probs):
        """Class probabilities (..., Q) -> normalised ab (..., 2): the expected centre."""
        return ops.matmul(probs, ops.convert_to_tensor(self._centers / AB_SCALE))

    # -- statistics -----------------------------------------------------------
    def prior_from(self, data, soft=False):
        """Empirical class distribution (Q,) of the pixels in ``data``.

        Args:
            data: a dataset of ``(L, ab)`` batches, normalised ab (..., 2) or
                uint8 RGB images (N, H, W, 3).
            soft: count soft encodings instead of hard (nearest-class) ones.
        """
        counts = np.zeros(self.num_classes, np.float64)
        for ab in ab_batches(data, "GamutBins.prior_from"):
            ab = ab.reshape(-1, 2)
            for start in range(0, len(ab), 1 << 16):
                chunk = ab[start : start + (1 << 16)]
                if soft:
                    index, weights = (np.asarray(x) for x in self.sparse_soft_encode(chunk))
                    counts += np.bincount(index.ravel(), weights.ravel(), self.num_classes)
                else:
                    counts += np.bincount(self._encode_numpy(chunk), minlength=self.num_classes)
        if counts.sum() == 0:
            raise ValueError("GamutBins.prior_from: the data holds no pixels.")
        return (counts / counts.sum()).astype(np.float32)

    def fit(self, data, soft=False):
        """Sets the class prior from ``data`` (see ``prior_from``); returns ``self``."""
        self.set_prior(self.prior_from(data, soft=soft))
        return self

    def set_prior(self, prior):
        """Sets the class prior from (Q,) non-negative frequencies (normalised here)."""
        prior = np.asarray(prior, dtype=np.float64)
        if prior.shape != (self.num_classes,) or np.any(prior < 0) or prior.sum() <= 0:
            raise ValueError(
                f"GamutBins: prior must be {self.num_classes} non-negative frequencies, got "
                f"shape {prior.shape}."
            )
        self.prior = (prior / prior.sum()).astype(np.float32)

    @property
    def smoothed_prior(self):
        """The prior smoothed by a Gaussian of ``smoothing_sigma`` Lab units (Q,)."""
        if self.prior is None:
            return np.full(self.num_classes, 1.0 / self.num_classes, np.float32)
        smoothed = smoothing_matrix(self._centers, self.smoothing_sigma) @ self.prior
        return (smoothed / smoothed.sum()).astype(np.float32)

    def rebalance_weights(self, lam=None):
        """(Q,) class weights ∝ ((1 - lam) p~ + lam / Q)^-1 with sum_q p~_q w_q = 1.

        ``p~`` is ``smoothed_prior``; with no prior every weight is 1.
        """
        lam = self.lam if lam is None else check_lam(lam)
        return rebalance(self.smoothed_prior, lam)

    # -- serialisation --------------------------------------------------------
    def get_config(self):
        return {
            "grid": self.grid,
            "k": self.k,
            "sigma": self.sigma,
            "prior": as_list(self.prior),
            "lam": self.lam,
            "smoothing_sigma": self.smoothing_sigma,
            "centers": as_list(self._centers),
        }

    def __repr__(self):
        prior = "fitted prior" if self.prior is not None else "uniform prior"
        return f"GamutBins(Q={self.num_classes}, grid={self.grid:g}, k={self.k}, {prior})"


__all__ = ["GamutBins"]
