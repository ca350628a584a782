"""``Bins``: the interface ``kcolor.ClassColorizer`` relies on, and what its subclasses share.

A quantisation says how normalised ab becomes classes (``encode``,
``encode_targets``) and how classes become ab again (``decode_index``,
``expectation``); ``Bins`` writes the rest once: the logits-shape check, the
three decodings (argmax, mean, annealed mean), the rebalancing weights'
formula and the reading of ab batches for ``fit``.
"""

import math

import numpy as np

from kcolor.backend import keras
from kcolor.color import AB_SCALE, rgb_to_lab, split_l_ab

ops = keras.ops

DECODE_METHODS = ("argmax", "mean", "annealed_mean")
DEFAULT_T = 0.38  # Zhang et al., section 2.3: the annealed-mean temperature.


class Bins:
    """Base class of ab quantisations: what ``kcolor.ClassColorizer`` relies on.

    A subclass says how ab becomes classes and back; the rest is written
    here once. It defines:

    * ``logits_shape``: the per-pixel logits a network outputs, e.g. ``(Q,)``
      or ``(2, n)`` (softmax over the last axis), and ``num_classes``;
    * ``encode(ab)``: the hard class of every pixel, an int tensor of shape
      ``(..., *logits_shape[:-1])`` (paper E's ``bin()``);
    * ``decode_index(index)``: normalised ab of hard classes;
    * ``expectation(probs)``: normalised ab, the mean colour under class
      probabilities of shape ``(..., *logits_shape)``;
    * ``get_config()`` (and ``@keras.saving.register_keras_serializable``)
      so that a colorizer holding it saves and loads.

    The training targets are ``encode_targets(ab)``: by default the one-hot
    of the hard class (``one_hot``, paper E's targets). ``GamutBins``
    overrides it with Zhang et al.'s soft encoding. With a class prior
    (``prior``, set by its own ``fit``) a subclass may also override
    ``rebalance_weights`` (default: all 1) and ``pixel_weights``.

    Example:

    >>> class SignBins(kcolor.quantize.Bins):   # 4 classes: the signs of a, b
    ...     logits_shape, num_classes = (4,), 4
    ...     values = np.array([[-.3, -.3], [-.3, .3], [.3, -.3], [.3, .3]], "float32")
    ...     def encode(self, ab):
    ...         return 2 * ops.cast(ab[..., 0] > 0, "int32") + ops.cast(ab[..., 1] > 0, "int32")
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

    # -- encoding -------------------------------------------------------------
    def encode(self, ab):
        """Normalised ab (..., 2) -> int hard class of every pixel."""
        raise NotImplementedError(f"{type(self).__name__} must define encode(ab).")

    def one_hot(self, ab):
        """Normalised ab (..., 2) -> float32 one-hot of the hard class, (..., *logits_shape)."""
        return ops.one_hot(self.encode(ab), self.logits_shape[-1], dtype="float32")

    def encode_targets(self, ab):
        """Training targets and hard classes at once: ``(targets, index)``.

        Here the targets are the hard class's one-hot (paper E trains on
        them); ``kcolor.losses.rebalanced_cross_entropy`` takes ``targets``,
        and ``index`` gives the bin accuracy and each pixel's weight.
        """
        index = self.encode(ab)
        return ops.one_hot(index, self.logits_shape[-1], dtype="float32"), index

    # -- logits and decoding --------------------------------------------------
    def check_logits_shape(self, shape):
        """Raises a ``ValueError`` unless logits of ``shape`` fit these bins.

        ``shape`` must end in ``logits_shape``, or in its product on one flat
        axis (``2n`` for ``(2, n)``, read as a's n logits then b's).

        Args:
            shape: a logits tensor's shape (``None`` for unknown sizes).

        Returns:
            bool, True when the last axis is flat and must be reshaped.
        """
        shape, expected = tuple(shape), tuple(self.logits_shape)
        if shape[-len(expected):] == expected:
            return False
        if len(expected) > 1 and shape[-1:] == (math.prod(expected),):
            return True
        raise ValueError(
            f"{self!r} needs logits of shape (..., {', '.join(map(str, expected))}), got "
            f"{shape}. Build the network with num_classes={self.num_classes} "
            "(bins.num_classes)."
        )

    def reshape_logits(self, logits):
        """``logits`` in ``(..., *logits_shape)`` (checked; a flat last axis unfolded)."""
        logits = ops.convert_to_tensor(logits)
        if self.check_logits_shape(logits.shape):
            return ops.reshape(logits, tuple(ops.shape(logits)[:-1]) + tuple(self.logits_shape))
        return logits

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

    # -- rebalancing ----------------------------------------------------------
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
# What the subclasses share: checks, the rebalancing formula, reading data


def rebalance(prior, lam):
    """Zhang et al.'s eq. 4: w ∝ ((1 - lam) p + lam / Q)^-1, scaled so that E_p[w] = 1.

    Args:
        prior: class frequencies (..., Q) (Q on the last axis; each row sums to 1).
        lam: the uniform mix, in [0, 1].

    Returns:
        float32 weights of ``prior``'s shape.
    """
    p = np.asarray(prior, dtype=np.float64)
    weights = 1.0 / ((1.0 - lam) * p + lam / p.shape[-1])
    norm = np.sum(p * weights, axis=-1, keepdims=True)
    return (weights / norm).astype(np.float32)


def check_lam(lam):
    lam = float(lam)
    if not 0.0 <= lam <= 1.0:
        raise ValueError(f"the rebalancing mix lam must be in [0, 1], got {lam}.")
    return lam


def check_ab(ab, what="ab"):
    """``ab`` as a float32 tensor, after checking it has 2 channels on its last axis."""
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


def as_list(array):
    """A numpy array as nested lists for ``get_config`` (None stays None)."""
    return None if array is None else np.asarray(array, dtype=np.float64).tolist()


def ab_batches(data, desc):
    """Normalised ab numpy batches (..., 2) of ``data``, with a progress bar named ``desc``.

    Accepts: a ``tf.data.Dataset`` (or any iterable) of ``(L, ab)`` or
    ``(L, ab, ...)`` batches; a float array of normalised ab (last axis 2);
    uint8 RGB images (N, H, W, 3), converted to Lab here.
    """
    from tqdm.auto import tqdm

    return tqdm(_ab_batches(data), desc=desc, leave=False, disable=None)


def _ab_batches(data):
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


__all__ = ["Bins", "DECODE_METHODS", "DEFAULT_T"]
