"""Quantising ab into classes: paper E's uniform bins and Zhang et al.'s gamut bins.

Two ways to turn colourization into classification, both usable by
``kcolor.ClassColorizer``:

* ``UniformBins(n)``: paper E (section 4.2.2). a and b are binned
  *independently* into ``n`` equal bins over [-100, 100] (``bin()``), the
  network predicts ``n`` logits per channel, and a class is turned back into a
  colour by the mean of the training values that fell in it (``unbin()``).
* ``GamutBins()``: Zhang et al.'s "Colorful Image Colorization" (paper C,
  section 3.1, which adopts it). The ab plane is cut into a *joint* grid of
  10 x 10 cells and only the cells that hold an sRGB colour are kept (Zhang
  et al. keep 313; we compute 261, see ``gamut_bin_centers``). A target is
  soft-encoded over its k nearest cells with a Gaussian (sigma 5), rare
  colours are up-weighted by the inverse of the smoothed class prior mixed
  with a uniform distribution ("class rebalancing"), and a predicted
  distribution is decoded by its mode, its mean, or its *annealed mean*
  (temperature T = 0.38), which keeps the vividness of the mode and the
  spatial consistency of the mean.

Every encode and decode method takes and returns tensors, works on any batch
shape, runs inside a model's graph (``keras.ops``), and works on *normalised*
ab (``ab / 110``, the model convention): bins are defined in Lab units inside.
Fitting (``fit``, ``prior_from``) is numpy work done once, outside the graph.

Both derive from ``Bins``, the interface ``ClassColorizer`` relies on (a
class of your own works too: subclass ``Bins``, see its docstring), which
writes the decoding once. Both are registered Keras-serializable objects:
``get_config`` stores the bin centres, fitted means and prior, so a
``ClassColorizer`` that holds bins saves to ``.keras`` and reloads with
identical predictions.

This module knows nothing of data sets: the sample data set's prior, and the
derived files in the repository's ``data/`` folder, are
``kcolor.data.sample_prior``'s.

Example:

>>> bins = GamutBins()                       # 261 joint ab classes
>>> bins.fit(train_ds)                      # class prior of your (L, ab) batches
>>> targets = bins.soft_encode(ab)           # (..., 261), rows sum to 1
>>> ab_hat = bins.decode(logits, "annealed_mean", T=0.38)   # (..., 2)
"""

import functools
import math

import numpy as np

from kcolor.backend import keras
from kcolor.color import AB_SCALE, rgb_to_lab, split_l_ab

ops = keras.ops

DECODE_METHODS = ("argmax", "mean", "annealed_mean")
DEFAULT_T = 0.38  # Zhang et al., section 2.3: the annealed-mean temperature.
# GamutBins' nearest-class look-up table: grid step and range in Lab units, and
# the number of candidate classes stored per grid point.
_TABLE_STEP = 2.0
_TABLE_RANGE = 130.0
_CANDIDATES = 16


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
    """
    values = ops.convert_to_tensor(values)
    width = (high - low) / n
    index = ops.floor((ops.cast(values, "float32") - low) / width)
    return ops.cast(ops.clip(index, 0, n - 1), "int32")


# ---------------------------------------------------------------------------
# Shared checks and data reading


def _check_ab(ab, what="ab"):
    ab = ops.convert_to_tensor(ab)
    if len(ab.shape) == 0 or ab.shape[-1] != 2:
        raise ValueError(
            f"{what} must be normalised ab (ab / 110) with 2 channels on its last axis, "
            f"got shape {tuple(ab.shape)}."
        )
    return ops.cast(ab, "float32")


def _check_method(method):
    if method not in DECODE_METHODS:
        raise ValueError(f"decode method must be one of {DECODE_METHODS}, got {method!r}.")
    return method


def _check_temperature(T):
    T = float(T)
    if not T > 0:
        raise ValueError(f"the annealed-mean temperature T must be > 0, got {T}.")
    return T


def _ab_batches(data):
    """Yields normalised ab numpy batches (..., 2) from the many kinds of input.

    Accepts: a ``tf.data.Dataset`` (or any iterable) of ``(L, ab)`` or
    ``(L, ab, ...)`` batches; a float array of normalised ab (last axis 2);
    uint8 RGB images (N, H, W, 3), converted to Lab here.
    """
    if isinstance(data, np.ndarray) or keras.ops.is_tensor(data):
        array = np.asarray(data)
        if array.dtype == np.uint8:
            if array.shape[-1] != 3:
                raise ValueError(
                    f"uint8 input must be RGB images (N, H, W, 3), got shape {array.shape}."
                )
            for start in range(0, len(array), 256):
                rgb = array[start : start + 256].astype(np.float32) / 255.0
                yield np.asarray(rgb_to_lab(rgb))[..., 1:] / AB_SCALE
            return
        if array.shape[-1] != 2:
            raise ValueError(
                "expected a dataset of (L, ab) batches, normalised ab (..., 2) or uint8 "
                f"RGB images (N, H, W, 3); got an array of shape {array.shape} and dtype "
                f"{array.dtype}."
            )
        yield array.astype(np.float32)
        return
    try:
        iterator = iter(data)
    except TypeError:
        raise TypeError(
            "expected a dataset of (L, ab) batches, normalised ab (..., 2) or uint8 RGB "
            f"images, got {type(data).__name__}."
        ) from None
    for element in iterator:
        if isinstance(element, (tuple, list, dict)):
            element = split_l_ab(element)[1]
        yield from _ab_batches(np.asarray(element))


def _progress(iterable, desc):
    from tqdm.auto import tqdm

    return tqdm(iterable, desc=desc, leave=False, disable=None)


def _rebalance(smoothed_prior, lam):
    """Zhang et al.'s eq. 4: w ∝ ((1 - lam) p + lam / Q)^-1, with E_p[w] = 1."""
    p = np.asarray(smoothed_prior, dtype=np.float64)
    weights = 1.0 / ((1.0 - lam) * p + lam / p.shape[-1])
    norm = np.sum(p * weights, axis=-1, keepdims=True)
    return (weights / norm).astype(np.float32)


def _check_lam(lam):
    lam = float(lam)
    if not 0.0 <= lam <= 1.0:
        raise ValueError(f"the rebalancing mix lam must be in [0, 1], got {lam}.")
    return lam


def _as_list(array):
    return None if array is None else np.asarray(array, dtype=np.float64).tolist()


# ---------------------------------------------------------------------------
# The interface ClassColorizer relies on


class Bins:
    """Base class of ab quantisations: what ``kcolor.ClassColorizer`` relies on.

    A subclass says how ab becomes classes and back; decoding (argmax, mean,
    annealed mean) is written here once. It defines:

    * ``logits_shape``: the per-pixel logits a network outputs, e.g. ``(Q,)``
      or ``(2, n)`` (softmax over the last axis), and ``num_classes``;
    * ``encode_targets(ab)``: ``(targets, index)``: the training targets
      ``kcolor.losses.rebalanced_cross_entropy`` takes, and the hard class
      of every pixel in ``logits_shape[:-1]`` (bin accuracy, weights);
    * ``decode_index(index)``: normalised ab of hard classes;
    * ``expectation(probs)``: normalised ab, the mean colour under class
      probabilities of shape ``(..., *logits_shape)``;
    * ``get_config()`` (and ``@keras.saving.register_keras_serializable``)
      so that a colorizer holding it saves and loads.

    With a class prior (``prior``, set by its own ``fit``) it may also
    override ``rebalance_weights`` (default: all 1) and ``pixel_weights``.

    Example:

    >>> class SignBins(kcolor.quantize.Bins):   # 4 classes: the signs of a, b
    ...     logits_shape, num_classes = (4,), 4
    ...     values = np.array([[-.3, -.3], [-.3, .3], [.3, -.3], [.3, .3]], "float32")
    ...     def encode_targets(self, ab):
    ...         index = 2 * ops.cast(ab[..., 0] > 0, "int32") + ops.cast(ab[..., 1] > 0, "int32")
    ...         return ops.one_hot(index, 4), index
    ...     def decode_index(self, index):
    ...         return ops.take(self.values, index, axis=0)
    ...     def expectation(self, probs):
    ...         return ops.matmul(probs, self.values)
    ...     def get_config(self):
    ...         return {}
    """

    default_decode = "annealed_mean"
    prior = None

    @property
    def has_prior(self):
        return self.prior is not None

    def reshape_logits(self, logits):
        """Checks that ``logits`` end in ``logits_shape``; a flat last axis is reshaped."""
        logits = ops.convert_to_tensor(logits)
        shape, expected = tuple(logits.shape), tuple(self.logits_shape)
        if shape[-len(expected):] == expected:
            return logits
        if len(expected) > 1 and shape[-1:] == (math.prod(expected),):
            return ops.reshape(logits, tuple(ops.shape(logits)[:-1]) + expected)
        raise ValueError(
            f"{self!r} expects logits of shape (..., {', '.join(map(str, expected))}), got "
            f"{shape}. Build the network with num_classes=bins.num_classes ({self.num_classes})."
        )

    def decode(self, logits, method=None, T=DEFAULT_T):
        """Logits -> normalised ab (..., 2).

        Args:
            logits: unnormalised log-probabilities, ``(..., *logits_shape)``.
            method: ``"argmax"`` (the mode: vivid, spatially patchy; paper E
                then takes the bin's mean), ``"mean"`` (the expectation:
                smooth, desaturated) or ``"annealed_mean"`` (the expectation
                under ``softmax(logits / T)``, Zhang et al. eq. 5; T = 1 is
                the mean, T -> 0 the mode). ``None``: ``default_decode``.
            T: the annealed-mean temperature (Zhang et al.: 0.38).
        """
        method = _check_method(self.default_decode if method is None else method)
        logits = ops.cast(self.reshape_logits(logits), "float32")
        if method == "argmax":
            return self.decode_index(ops.argmax(logits, axis=-1))
        T = 1.0 if method == "mean" else _check_temperature(T)
        return self.expectation(ops.softmax(logits / T, axis=-1))

    def rebalance_weights(self):
        """Class weights of shape ``logits_shape``: all 1 (no rebalancing)."""
        return np.ones(self.logits_shape, np.float32)

    def pixel_weights(self, index, weights=None):
        """The weight of each pixel's hard class (``index`` from ``encode_targets``)."""
        weights = ops.convert_to_tensor(self.rebalance_weights() if weights is None else weights)
        return ops.take(weights, ops.cast(index, "int32"), axis=0)

    @classmethod
    def from_config(cls, config):
        return cls(**config)


# ---------------------------------------------------------------------------
# Paper E: uniform per-channel bins


@keras.saving.register_keras_serializable(package="kcolor")
class UniformBins(Bins):
    """Paper E's ``bin()`` / ``unbin()``: ``n`` uniform bins per channel.

    a and b are quantised independently into ``n`` bins of width
    ``(high - low) / n`` Lab units (paper E: 10 bins of 20 over [-100, 100]).
    A network predicts ``n`` logits for a and ``n`` for b at every pixel
    (shape ``(..., 2, n)``, or ``(..., 2 * n)`` which is reshaped, a first);
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
        self.lam = _check_lam(lam)
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

    # -- encoding -------------------------------------------------------------
    def encode(self, ab):
        """Normalised ab (..., 2) -> int32 class per channel (..., 2) (``bin()``)."""
        ab = _check_ab(ab)
        return uniform_bin_index(ab * AB_SCALE, self.n, self.low, self.high)

    def one_hot(self, ab):
        """Normalised ab (..., 2) -> one-hot float32 (..., 2, n)."""
        return ops.one_hot(self.encode(ab), self.n, dtype="float32")

    def soft_encode(self, ab):
        """The training targets: paper E's hard one-hot classes, (..., 2, n)."""
        return self.one_hot(ab)

    def hard_index(self, ab):
        """Index of the hard target class, (..., 2); used for bin accuracy."""
        return self.encode(ab)

    def encode_targets(self, ab):
        """Training targets and hard classes at once: ((..., 2, n), (..., 2))."""
        index = self.encode(ab)
        return ops.one_hot(index, self.n, dtype="float32"), index

    # -- decoding (``Bins.decode``) ----------------------------------------------
    def decode_index(self, index):
        """int class per channel (..., 2) -> normalised ab (..., 2) (``unbin()``)."""
        index = ops.cast(ops.convert_to_tensor(index), "int32")
        values = ops.convert_to_tensor(self.values / AB_SCALE)  # (2, n)
        a = ops.take(values[0], index[..., 0], axis=0)
        b = ops.take(values[1], index[..., 1], axis=0)
        return ops.stack([a, b], axis=-1)

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
        for ab in _progress(_ab_batches(data), "UniformBins.fit"):
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
        lam = self.lam if lam is None else _check_lam(lam)
        if self.prior is None:
            return np.ones((2, self.n), np.float32)
        return _rebalance(self.prior, lam)

    def pixel_weights(self, index, weights=None):
        """Rebalancing weight of each hard target class, (..., 2)."""
        weights = ops.convert_to_tensor(self.rebalance_weights() if weights is None else weights)
        index = ops.cast(index, "int32")
        a = ops.take(weights[0], index[..., 0], axis=0)
        b = ops.take(weights[1], index[..., 1], axis=0)
        return ops.stack([a, b], axis=-1)

    # -- serialisation --------------------------------------------------------
    def get_config(self):
        return {
            "n": self.n,
            "low": self.low,
            "high": self.high,
            "means": _as_list(self.means),
            "prior": _as_list(self.prior),
            "lam": self.lam,
        }

    def __repr__(self):
        fitted = "fitted" if self.means is not None else "centres"
        return f"UniformBins(n={self.n}, low={self.low}, high={self.high}, {fitted})"


# ---------------------------------------------------------------------------
# Zhang et al.: joint ab bins inside the sRGB gamut


def srgb_surface_colors():
    """Every 8-bit sRGB colour on the surface of the RGB cube, (393216, 3) in [0, 1].

    The ab footprint of the whole gamut equals the footprint of its surface:
    along any line of constant (a, b) the colour of largest L inside the
    gamut lies on the gamut's boundary, and the boundary is the image of the
    cube's faces. We checked once that the 8-bit surface and all 16.7 M
    8-bit colours occupy exactly the same 10-unit cells.
    """
    levels = np.arange(256, dtype=np.float32) / 255.0
    u, v = (x.ravel() for x in np.meshgrid(levels, levels, indexing="ij"))
    faces = []
    for value in (0.0, 1.0):
        k = np.full_like(u, value)
        faces += [np.stack(f, axis=-1) for f in ((k, u, v), (u, k, v), (u, v, k))]
    return np.concatenate(faces)


@functools.lru_cache(maxsize=8)
def _gamut_centers(grid):
    lab = np.asarray(rgb_to_lab(srgb_surface_colors()), dtype=np.float64)
    cells = np.unique(np.round(lab[:, 1:] / grid).astype(np.int64), axis=0)
    centers = (cells * grid).astype(np.float32)
    centers.flags.writeable = False
    return centers


def gamut_bin_centers(grid=10):
    """Centres (Q, 2), in Lab units, of the ab grid cells that hold an sRGB colour.

    The ab plane is cut into square cells of side ``grid`` centred on the
    multiples of ``grid`` (as Zhang et al.'s grid, whose centres are multiples
    of 10); a cell is kept when at least one 8-bit sRGB colour (any L) has
    its ab inside it. For ``grid=10`` this gives **261** cells (sorted by a,
    then b), against Zhang et al.'s 313. Their set is more inclusive: a rule
    that keeps each of the four grid points around every in-gamut colour
    (i.e. a cell whose centre is within one grid step of a colour in both a
    and b) gives 309 here, close to 313; the rest of the gap is their Lab
    conversion and sampling, which the paper does not state. Fewer, truly
    occupied classes lose nothing: the extra classes are colours no sRGB
    pixel can have.

    Computed in about half a second the first time, then cached.

    Args:
        grid: float, the cell side in Lab units (Zhang et al.: 10).

    Returns:
        float32 array (Q, 2) of (a, b) centres in Lab units (read-only).
    """
    grid = float(grid)
    if not grid > 0:
        raise ValueError(f"grid must be > 0, got {grid}.")
    return _gamut_centers(grid)


def _gaussian_smoothing_matrix(centers, sigma):
    """K[q, r] = N(c_q; c_r, sigma^2), each column normalised over the bins."""
    d2 = np.sum((centers[:, None, :] - centers[None, :, :]) ** 2, axis=-1)
    kernel = np.exp(-d2 / (2.0 * sigma**2))
    return kernel / kernel.sum(axis=0, keepdims=True)


@keras.saving.register_keras_serializable(package="kcolor")
class GamutBins(Bins):
    """Zhang et al.'s joint ab classes: in-gamut 10 x 10 cells, soft-encoded.

    * **Classes**: the cells of a ``grid``-unit ab grid that hold an sRGB
      colour (``gamut_bin_centers``: 261 for grid 10; Zhang et al.: 313).
    * **Soft encoding**: a target ab is spread over its ``k`` nearest class
      centres with weights ``exp(-d^2 / (2 sigma^2))``, normalised to 1.
      Default ``k=5``, as the paper's text says (Zhang et al. section 2.1);
      their released code uses 10. With sigma 5 and cells 10 apart the 6th
      to 10th neighbours are at least about 11 units away and carry about
      3% of the mass in total (see the tests), so the choice barely matters;
      5 keeps the targets sharper.
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
        max_k = min(len(centers), 10)
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= max_k:
            raise ValueError(f"GamutBins: k must be an int in [1, {max_k}], got {k!r}.")
        self.k = int(k)
        self.sigma = float(sigma)
        self.smoothing_sigma = float(smoothing_sigma)
        if not (self.sigma > 0 and self.smoothing_sigma > 0):
            raise ValueError("GamutBins: sigma and smoothing_sigma must be > 0.")
        self.lam = _check_lam(lam)
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
    # Finding the k nearest of Q centres for every pixel by brute force costs a
    # (pixels, Q) distance matrix and a top-k over it, which dominated the
    # train step on CPU. Instead a table, on a 2-unit grid over [-130, 130]^2,
    # lists the 16 nearest centres of each grid point; a pixel looks up the
    # candidates of its grid point and keeps the k nearest of those by exact
    # distance. Because a pixel is within 1.5 units of its grid point and, on
    # a 10-unit lattice, the 16th-nearest centre of a point is always well
    # beyond its k-th (k <= 10) plus 3 units, this equals the brute-force
    # search (the tests check it against numpy on random points).

    def _candidate_table(self):
        if getattr(self, "_candidates", None) is None:
            axis = np.arange(-_TABLE_RANGE, _TABLE_RANGE + _TABLE_STEP / 2, _TABLE_STEP)
            points = np.stack(np.meshgrid(axis, axis, indexing="ij"), -1).reshape(-1, 2)
            d2 = np.sum((points[:, None, :] - self._centers[None].astype(np.float64)) ** 2, -1)
            m = min(_CANDIDATES, self.num_classes)
            nearest = np.argpartition(d2, m - 1, axis=1)[:, :m] if m < self.num_classes else (
                np.broadcast_to(np.arange(m), (len(points), m)))
            self._candidates = (np.ascontiguousarray(nearest, dtype=np.int32), len(axis))
        return self._candidates

    def nearest_classes(self, ab, k=None):
        """The ``k`` nearest classes of each ab, nearest first, and their distances.

        Args:
            ab: normalised ab (..., 2).
            k: how many (default: ``self.k``).

        Returns:
            ``(index, d2)``: int32 (..., k) class indices and float32 (..., k)
            squared distances in Lab units, sorted by distance.
        """
        k = self.k if k is None else int(k)
        lab = _check_ab(ab) * AB_SCALE
        table, size = self._candidate_table()
        k = min(k, table.shape[1])
        grid_pos = ops.cast(
            ops.round((ops.clip(lab, -_TABLE_RANGE, _TABLE_RANGE) + _TABLE_RANGE) / _TABLE_STEP),
            "int32",
        )
        cell = grid_pos[..., 0] * size + grid_pos[..., 1]
        candidates = ops.take(ops.convert_to_tensor(table), cell, axis=0)  # (..., m)
        centers = ops.take(ops.convert_to_tensor(self._centers), candidates, axis=0)
        d2 = ops.sum(ops.square(lab[..., None, :] - centers), axis=-1)  # (..., m)
        negative, order = ops.top_k(-d2, k, sorted=True)
        return ops.take_along_axis(candidates, order, axis=-1), -negative

    def encode(self, ab):
        """Normalised ab (..., 2) -> int32 index of the nearest class (...)."""
        return self.nearest_classes(ab, k=1)[0][..., 0]

    hard_index = encode

    def encode_numpy(self, ab):
        """``encode`` for numpy arrays, fast: a cell look-up, exact search if needed.

        A point's nearest centre is the centre of the grid cell it lies in
        whenever that cell is a class (the Voronoi cells of a square lattice
        are its squares), which holds for every sRGB pixel; the other points
        fall back to the exhaustive search.
        """
        ab = np.asarray(ab, dtype=np.float32)
        if ab.shape[-1:] != (2,):
            raise ValueError(f"ab must have 2 channels on its last axis, got {ab.shape}.")
        flat = ab.reshape(-1, 2).astype(np.float64) * AB_SCALE
        table, offset = self._cell_table()
        cells = np.round(flat / self.grid).astype(np.int64) + offset
        inside = np.all((cells >= 0) & (cells < table.shape[0]), axis=1)
        index = np.full(len(flat), -1, np.int64)
        index[inside] = table[cells[inside, 0], cells[inside, 1]]
        missing = index < 0
        if np.any(missing):
            d2 = np.sum((flat[missing, None, :] - self._centers[None].astype(np.float64)) ** 2, -1)
            index[missing] = np.argmin(d2, axis=1)
        return index.reshape(ab.shape[:-1])

    def _cell_table(self):
        if getattr(self, "_table", None) is None:
            cells = np.round(self._centers / self.grid).astype(np.int64)
            offset = -cells.min() + 1
            size = cells.max() + offset + 2
            table = np.full((size, size), -1, np.int64)
            on_grid = np.allclose(cells * self.grid, self._centers)
            if on_grid:
                table[cells[:, 0] + offset, cells[:, 1] + offset] = np.arange(len(cells))
            self._table = (table, offset)
        return self._table

    def one_hot(self, ab):
        """Normalised ab (..., 2) -> one-hot float32 (..., Q) of the nearest class."""
        return ops.one_hot(self.encode(ab), self.num_classes, dtype="float32")

    def sparse_soft_encode(self, ab):
        """The soft encoding as ``(indices, weights)``, each (..., k), nearest first.

        ``weights`` are ``exp(-d^2 / (2 sigma^2))`` over the k nearest classes,
        normalised to sum to 1 (Zhang et al., section 2.1). This is what the
        train step uses: ``kcolor.losses.rebalanced_cross_entropy`` accepts
        the pair and gathers k log-probabilities instead of a (..., Q) product.
        """
        index, d2 = self.nearest_classes(ab)
        # Subtracting the nearest distance first keeps exp() from underflowing
        # for targets far outside the gamut.
        weights = ops.exp(-(d2 - d2[..., :1]) / (2.0 * self.sigma**2))
        return index, weights / ops.sum(weights, axis=-1, keepdims=True)

    def soft_encode(self, ab):
        """Normalised ab (..., 2) -> dense soft targets (..., Q): Gaussian over k nearest.

        Each row has ``k`` non-zero entries that sum to 1 (see
        ``sparse_soft_encode``, the memory-light form the train step uses).
        """
        index, weights = self.sparse_soft_encode(ab)
        dense = ops.one_hot(index, self.num_classes, dtype="float32") * weights[..., None]
        return ops.sum(dense, axis=-2)

    def encode_targets(self, ab):
        """Training targets and nearest classes at once.

        Returns:
            ``((indices, weights), nearest)``: the sparse soft encoding
            ((..., k) int32, (..., k) float32) and the nearest class (...).
        """
        index, weights = self.sparse_soft_encode(ab)
        return (index, weights), index[..., 0]

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
        for ab in _progress(_ab_batches(data), "GamutBins.prior_from"):
            ab = ab.reshape(-1, 2)
            for start in range(0, len(ab), 1 << 16):
                chunk = ab[start : start + (1 << 16)]
                if soft:
                    counts += np.asarray(self.soft_encode(chunk), np.float64).sum(axis=0)
                else:
                    counts += np.bincount(self.encode_numpy(chunk), minlength=self.num_classes)
        if counts.sum() == 0:
            raise ValueError("GamutBins.prior_from: the data holds no pixels.")
        return (counts / counts.sum()).astype(np.float32)

    def fit(self, data, soft=False):
        """Sets the class prior from ``data`` (see ``prior_from``); returns ``self``."""
        self.set_prior(self.prior_from(data, soft=soft))
        return self

    def set_prior(self, prior):
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
        kernel = _gaussian_smoothing_matrix(self._centers.astype(np.float64), self.smoothing_sigma)
        smoothed = kernel @ self.prior.astype(np.float64)
        return (smoothed / smoothed.sum()).astype(np.float32)

    def rebalance_weights(self, lam=None):
        """(Q,) class weights ∝ ((1 - lam) p~ + lam / Q)^-1 with sum_q p~_q w_q = 1.

        ``p~`` is ``smoothed_prior``; with no prior every weight is 1.
        """
        lam = self.lam if lam is None else _check_lam(lam)
        return _rebalance(self.smoothed_prior, lam)

    # -- serialisation --------------------------------------------------------
    def get_config(self):
        return {
            "grid": self.grid,
            "k": self.k,
            "sigma": self.sigma,
            "prior": _as_list(self.prior),
            "lam": self.lam,
            "smoothing_sigma": self.smoothing_sigma,
            "centers": _as_list(self._centers),
        }

    def __repr__(self):
        prior = "fitted prior" if self.prior is not None else "uniform prior"
        return f"GamutBins(Q={self.num_classes}, grid={self.grid:g}, k={self.k}, {prior})"


__all__ = [
    "Bins",
    "uniform_bin_index",
    "UniformBins",
    "GamutBins",
    "gamut_bin_centers",
    "srgb_surface_colors",
    "DECODE_METHODS",
    "DEFAULT_T",
]
