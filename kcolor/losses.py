"""The papers' colourization losses, one small function each, on normalised ab.

Regression (``y_true``, ``y_pred``: normalised ab, ``ab / 110``):

* ``l2``: mean squared error; papers A (eq. 1), B (eq. 9) and E (4.2.4).
  Averages multi-modal colours to a sepia tone.
* ``l1``: mean absolute error; paper C (section 3.2), which found it more
  colourful than L2 (the median of a multi-modal distribution is one of its
  modes more often than the mean is).
* ``huber``: paper E's smooth L1 (Girshick), ``0.5 e^2`` if ``|e| < 1``
  else ``|e| - 0.5``, with the error ``e`` in Lab units. On normalised ab its
  threshold is ``delta = 1 / 110`` (one Lab unit), and we divide by
  ``delta`` so that large errors cost exactly the L1 loss (minus a constant):
  ``huber = smooth_l1(Lab errors) / 110``. A larger ``delta`` moves it
  towards L2 (``delta >= 2`` is ``0.5 * l2 / delta``, since normalised errors
  never exceed 2).

Classification:

* ``rebalanced_cross_entropy(soft_targets, logits, weights)``: Zhang et al.'s
  eq. 2-3 (paper C section 3.1): the cross-entropy of (soft) target
  distributions under ``softmax(logits)``, each pixel weighted by its class
  rebalancing weight; with one-hot targets and no weights it is paper E's
  cross-entropy.

``get(name_or_callable)`` resolves a name (``"l2"``, ``"l1"``, ``"huber"``
and aliases) or returns a callable unchanged; any other name goes to
``keras.losses.get`` (``"mean_squared_logarithmic_error"``, ...).

Example:

>>> loss = kcolor.losses.get("l1")
>>> value = loss(ab_true, ab_pred)           # a scalar tensor
"""

from kcolor.backend import keras

ops = keras.ops

SMOOTH_L1_DELTA = 1.0 / 110.0  # paper E's threshold: 1 Lab unit, in normalised ab


def _pair(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
    if len(y_true.shape) != len(y_pred.shape):
        raise ValueError(
            f"loss: y_true and y_pred must have the same rank, got shapes "
            f"{tuple(y_true.shape)} and {tuple(y_pred.shape)}."
        )
    return y_true, y_pred


@keras.saving.register_keras_serializable(package="kcolor")
def l2(y_true, y_pred):
    """Mean squared error over every pixel and channel.

    Reference: paper A, section 3.1, eq. 1; paper B, eq. 9; paper E, 4.2.4.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.square(y_pred - y_true))


@keras.saving.register_keras_serializable(package="kcolor")
def l1(y_true, y_pred):
    """Mean absolute error over every pixel and channel.

    Reference: paper C, section 3.2 (Zhang's network trained with L1).
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.abs(y_pred - y_true))


@keras.saving.register_keras_serializable(package="kcolor")
def huber(y_true, y_pred, delta=SMOOTH_L1_DELTA):
    """Paper E's smooth L1, divided by ``delta`` so large errors cost L1.

    ``mean(0.5 e^2 / delta if |e| < delta else |e| - 0.5 delta)``, with the
    error ``e`` in normalised ab. With the default ``delta = 1 / 110`` (one
    Lab unit) this is Girshick's smooth L1 on Lab errors, divided by 110.

    Args:
        delta: the switch from quadratic to linear, in normalised ab units.

    Reference: paper E, section 4.2.4 ("Smooth L1 loss").
    """
    y_true, y_pred = _pair(y_true, y_pred)
    error = ops.abs(y_pred - y_true)
    quadratic = 0.5 * ops.square(error) / delta
    linear = error - 0.5 * delta
    return ops.mean(ops.where(error < delta, quadratic, linear))


smooth_l1 = huber


def rebalanced_cross_entropy(soft_targets, logits, weights=None):
    """Weighted cross-entropy of (soft) class targets under ``softmax(logits)``.

    ``mean_p( w_p * -sum_q Z_pq log softmax(logits_p)_q )`` over every
    position ``p`` (pixel, or pixel and channel for per-channel bins).

    Args:
        soft_targets: (..., Q) target distributions (one-hot or soft-encoded;
            each row sums to 1), or the sparse pair ``(indices, values)``,
            each (..., k), of ``GamutBins.sparse_soft_encode``.
        logits: (..., Q) unnormalised log-probabilities.
        weights: optional (...) per-position weights (the rebalancing weight
            of each pixel's nearest class); None weights all positions 1.

    Returns:
        scalar float32 tensor.

    Reference: paper C, section 3.1 (Zhang et al. eq. 2 and 3); paper E,
    4.2.4 (cross-entropy, unweighted, one-hot).
    """
    logits = ops.cast(ops.convert_to_tensor(logits), "float32")
    log_probs = ops.log_softmax(logits, axis=-1)
    if isinstance(soft_targets, (tuple, list)):
        index, values = soft_targets
        index = ops.cast(index, "int32")
        if tuple(index.shape[1:-1]) != tuple(logits.shape[1:-1]):
            raise ValueError(
                f"rebalanced_cross_entropy: target indices {tuple(index.shape)} do not match "
                f"logits {tuple(logits.shape)} (the network's output size must equal the "
                "targets')."
            )
        picked = ops.take_along_axis(log_probs, index, axis=-1)
        per_position = -ops.sum(ops.cast(values, "float32") * picked, axis=-1)
    else:
        soft_targets = ops.cast(ops.convert_to_tensor(soft_targets), "float32")
        if tuple(soft_targets.shape[1:]) != tuple(logits.shape[1:]):
            raise ValueError(
                f"rebalanced_cross_entropy: soft_targets {tuple(soft_targets.shape)} and "
                f"logits {tuple(logits.shape)} must have the same shape."
            )
        per_position = -ops.sum(soft_targets * log_probs, axis=-1)
    if weights is not None:
        per_position = per_position * ops.cast(weights, "float32")
    return ops.mean(per_position)


_REGRESSION = {
    "l2": l2,
    "mse": l2,
    "mean_squared_error": l2,
    "l1": l1,
    "mae": l1,
    "mean_absolute_error": l1,
    "huber": huber,
    "smooth_l1": huber,
}
REGRESSION_LOSSES = ("l2", "l1", "huber")


def get(name_or_callable):
    """A regression loss by name, or the callable itself.

    Args:
        name_or_callable: ``"l2"`` (alias ``"mse"``), ``"l1"`` (``"mae"``),
            ``"huber"`` (``"smooth_l1"``), any ``keras.losses`` name or
            config, or a callable ``loss(y_true, y_pred)``.

    Returns:
        a callable ``loss(y_true, y_pred) -> scalar``.
    """
    if callable(name_or_callable):
        return name_or_callable
    if isinstance(name_or_callable, str):
        key = name_or_callable.lower()
        if key in _REGRESSION:
            return _REGRESSION[key]
    try:
        loss = keras.losses.get(name_or_callable)
    except (ValueError, TypeError):
        loss = None
    if loss is None:
        raise ValueError(
            f"Unknown loss {name_or_callable!r}: use one of {REGRESSION_LOSSES}, a "
            f"keras.losses name, or a callable loss(y_true, y_pred)."
        )
    return loss


__all__ = [
    "l2",
    "l1",
    "huber",
    "smooth_l1",
    "rebalanced_cross_entropy",
    "get",
    "REGRESSION_LOSSES",
    "SMOOTH_L1_DELTA",
]
