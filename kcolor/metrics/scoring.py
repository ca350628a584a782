"""Every metric at once: ``score`` on one batch, ``evaluate`` over a whole data set.

Both add each statistic's per-image sums and counts (``kcolor.metrics.batch``)
before dividing, so pixel metrics are pixel-weighted and image metrics
image-weighted, whatever the batch sizes. A result key names its metric:
``SCORE_KEYS``, ``"acc@<eps>%"`` and the bin keys of ``bin_keys(n)``.

Example:

>>> L, ab = kcolor.color.rgb_to_l_ab(images)
>>> kcolor.metrics.score(L, model.predict(L), ab)["acc@2%"]
>>> kcolor.metrics.evaluate(model, test_ds)            # the whole split
>>> kcolor.metrics.evaluate("grey", test_ds)           # the ab = 0 reference row
"""

import math
import re

import numpy as np

from kcolor import color
from kcolor.backend import keras, tf
from kcolor.metrics.batch import Batch
from kcolor.metrics.image import colorfulness_stat, psnr_stat, ssim_stat
from kcolor.metrics.pixel import (accuracy_stat, bin_stat, euclid_ab_stat, mae_ab_stat,
                                  mae_rgb_stat)

ops = keras.ops

#: The keys ``score`` and ``evaluate`` return, in this order.
SCORE_KEYS = (
    "mae_ab",
    "mae_rgb",
    "acc@2%",
    "acc@5%",
    "euclid_ab",
    "psnr",
    "ssim",
    "colorfulness",
    "colorfulness_true",
)

_FIXED_STATS = {
    "mae_ab": mae_ab_stat,
    "mae_rgb": mae_rgb_stat,
    "euclid_ab": euclid_ab_stat,
    "psnr": psnr_stat,
    "ssim": ssim_stat,
    "colorfulness": colorfulness_stat("pred"),
    "colorfulness_true": colorfulness_stat("true"),
}
_ACC_KEY = re.compile(r"^acc@(\d+(?:\.\d+)?)%$")
_BIN_KEY = re.compile(r"^bin_acc(?:_(a|b|both))?@(\d+)$")


def _stat_for_key(key):
    """The statistic behind a result key (``"acc@2%"``, ``"bin_acc_a@10"``, ``"psnr"``...)."""
    if key in _FIXED_STATS:
        return _FIXED_STATS[key]
    match = _ACC_KEY.match(key)
    if match:
        return accuracy_stat(float(match.group(1)))
    match = _BIN_KEY.match(key)
    if match:
        return bin_stat(int(match.group(2)), match.group(1) or "pooled")
    raise ValueError(
        f"Unknown metric key {key!r}. Known: {sorted(_FIXED_STATS)}, 'acc@<eps>%', "
        f"'bin_acc@<n>', 'bin_acc_a@<n>', 'bin_acc_b@<n>', 'bin_acc_both@<n>'."
    )


def bin_keys(n_bins):
    """The result keys for bin accuracy with ``n_bins`` bins: pooled, a, b and both."""
    return tuple(f"bin_acc{suffix}@{n_bins}" for suffix in ("", "_a", "_b", "_both"))


def _keys(bins=None, keys=None):
    keys = list(SCORE_KEYS if keys is None else keys)
    for n in () if bins is None else ((bins,) if isinstance(bins, int) else bins):
        keys.extend(k for k in bin_keys(int(n)) if k not in keys)
    return keys


def _batch_totals(batch, keys):
    """{key: (sum over the batch, count over the batch)} as float64 numpy scalars."""
    totals = {}
    for key in keys:
        sums, counts = _stat_for_key(key)(batch)
        totals[key] = (
            float(np.sum(ops.convert_to_numpy(sums), dtype=np.float64)),
            float(np.sum(ops.convert_to_numpy(counts), dtype=np.float64)),
        )
    return totals


_COMPILED_TOTALS = {}


def _compiled_totals(keys):
    """A ``tf.function`` computing every key's batch (sum, count) in one graph.

    ``evaluate`` uses it: one graph per set of keys (traced again for each new
    batch shape, e.g. a smaller last batch) runs several times faster than the
    eager statistics. Inputs are checked eagerly before the call, so bad
    shapes still get ``Batch``'s clear errors.
    """
    keys = tuple(keys)
    if keys not in _COMPILED_TOTALS:
        stats = [_stat_for_key(key) for key in keys]

        @tf.function
        def totals(L, ab_pred, ab_true):
            batch = Batch(ab_pred, ab_true, L)
            out = []
            for stat in stats:
                sums, counts = stat(batch)
                out.append(tf.stack([tf.reduce_sum(tf.cast(sums, tf.float64)),
                                     tf.reduce_sum(tf.cast(counts, tf.float64))]))
            return tf.stack(out)  # (keys, 2): one transfer to the host

        _COMPILED_TOTALS[keys] = totals
    return _COMPILED_TOTALS[keys]


def _finish(totals, keys):
    return {k: (totals[k][0] / totals[k][1] if totals[k][1] else math.nan) for k in keys}


def score(L, ab_pred, ab_true, *, bins=None, keys=None):
    """Every metric on one batch of normalised arrays, as python floats.

    Args:
        L: normalised L, shape (N, H, W, 1) (numpy or tensor).
        ab_pred, ab_true: normalised ab, shape (N, H, W, 2).
        bins: optional number(s) of bins, e.g. ``(10, 30, 50)``: adds
            ``bin_acc@n`` (pooled), ``bin_acc_a@n``, ``bin_acc_b@n`` and
            ``bin_acc_both@n`` for each.
        keys: the keys to compute (default ``SCORE_KEYS``).

    Returns:
        dict with keys ``"mae_ab", "mae_rgb", "acc@2%", "acc@5%", "euclid_ab",
        "psnr", "ssim", "colorfulness", "colorfulness_true"`` (accuracies as
        fractions in [0, 1]) plus the bin keys asked for.

    Example:

    >>> score(L, ab, ab)["acc@2%"], score(L, ab, ab)["psnr"]
    (1.0, inf)
    """
    keys = _keys(bins, keys)
    return _finish(_batch_totals(Batch(ab_pred, ab_true, L), keys), keys)



# --- whole data sets ------------------------------------------------------------


class GreyPredictor:
    """The "grey" reference row: predicts ab = 0 for every pixel.

    Example:

    >>> evaluate(GreyPredictor(), test_ds)      # or evaluate("grey", test_ds)
    """

    def predict_on_batch(self, L):
        L = ops.cast(ops.convert_to_tensor(L), "float32")
        return ops.zeros_like(ops.concatenate([L, L], axis=-1))

    __call__ = predict_on_batch

    def __repr__(self):
        return "GreyPredictor()"


grey_predictor = GreyPredictor()


def predictor(model):
    """``model`` as a function ``(L, ab_true) -> ab``, the way ``evaluate`` runs it.

    Args:
        model: a colorizer or ``keras.Model`` (its ``predict_on_batch``), any
            callable ``L -> ab``, or the reference rows ``"grey"`` (ab = 0)
            and ``"truth"`` (ab_true).

    Returns:
        A function of ``(L, ab_true)`` returning normalised ab.
    """
    if isinstance(model, str):
        if model == "grey":
            return lambda L, ab: grey_predictor.predict_on_batch(L)
        if model == "truth":
            return lambda L, ab: ab
        raise ValueError(f"model must be a model, a callable, 'grey' or 'truth'; got {model!r}.")
    if hasattr(model, "predict_on_batch"):
        return lambda L, ab: model.predict_on_batch(L)
    if callable(model):
        return lambda L, ab: model(L)
    raise TypeError(
        f"model must have predict_on_batch (a Keras model or colorizer) or be callable, "
        f"got {type(model).__name__}."
    )


def evaluate(model, dataset, *, max_batches=None, bins=None, keys=None, verbose="auto",
             color_space="lab"):
    """Scores ``model`` over a whole data set of ``(L, ab)`` batches.

    Sums and counts are added over every batch before dividing, so the pixel
    metrics are exact means over all pixels of the split and the image
    metrics (PSNR, SSIM, colourfulness) means over all images, whatever the
    batch sizes (a last, smaller batch weighs what its pixels weigh).

    Args:
        model: a colorizer or ``keras.Model`` (``model.predict_on_batch(L)``
            must return normalised ab), any callable ``L -> ab``, or the
            reference rows ``"grey"`` (ab = 0) and ``"truth"`` (ab_true).
        dataset: a ``tf.data.Dataset`` (or any iterable) of ``(L, ab)`` batches.
        max_batches: stop after this many batches (``None``: all).
        bins: bin counts for paper E's bin accuracy, e.g. ``(10, 30, 50)``.
        keys: the keys to compute (default ``SCORE_KEYS``).
        verbose: ``True`` / ``False``, or ``"auto"``: a tqdm bar when there
            are more than 10 batches or their number is unknown.
        color_space: ``"lab"`` (default), or ``"yuv"`` for paper A's
            ``(Y, UV)`` batches and a model that predicts UV from Y: the
            truth and the prediction (each with the true Y) are converted to
            Lab through sRGB (``kcolor.color.y_uv_to_l_ab``) and scored like
            any other, the prediction's ab against the truth's with the
            truth's L. The grey row (UV = 0) is then grey in Lab too.

    Returns:
        dict of python floats, keys as ``score`` (plus ``"images"``, the number
        of images scored).

    Example:

    >>> rows = {"grey": evaluate("grey", test_ds), "truth": evaluate("truth", test_ds),
    ...         "U-Net L2": evaluate(unet_l2, test_ds)}
    """
    if color_space not in ("lab", "yuv"):
        raise ValueError(f"color_space must be 'lab' or 'yuv', got {color_space!r}.")
    predict = predictor(model)
    keys = _keys(bins, keys)
    total = None
    if hasattr(dataset, "cardinality"):
        n = int(dataset.cardinality())
        total = n if n >= 0 else None
    if max_batches is not None:
        total = max_batches if total is None else min(total, max_batches)
    if verbose == "auto":
        verbose = total is None or total > 10
    progress = None
    if verbose:
        from tqdm.auto import tqdm

        progress = tqdm(total=total, desc="evaluate", unit="batch")

    compiled = _compiled_totals(keys)
    totals = {k: (0.0, 0.0) for k in keys}
    images = 0
    try:
        for step, element in enumerate(dataset):
            if max_batches is not None and step >= max_batches:
                break
            L, ab_true = color.split_l_ab(element)
            ab_pred = predict(L, ab_true)
            if color_space == "yuv":  # (Y, UV) -> (L, ab) for the truth and the prediction
                Y, UV_true = L, ab_true
                L, ab_true = color.y_uv_to_l_ab(Y, UV_true)
                ab_pred = color.y_uv_to_l_ab(Y, ab_pred)[1]
            batch = Batch(ab_pred, ab_true, L)  # checks the shapes eagerly
            sums_counts = compiled(batch.L, batch.ab_pred, batch.ab_true).numpy()
            for key, (s, c) in zip(keys, sums_counts):
                totals[key] = (totals[key][0] + float(s), totals[key][1] + float(c))
            images += int(batch.ab_true.shape[0])
            if progress is not None:
                progress.update(1)
    finally:
        if progress is not None:
            progress.close()
    if images == 0:
        raise ValueError("evaluate got an empty data set: no (L, ab) batch to score.")
    result = _finish(totals, keys)
    result["images"] = images
    return result


def reference_rows(dataset, **kwargs):
    """The two reference rows every table shows: ``{"grey": ..., "truth": ...}``."""
    return {"grey": evaluate("grey", dataset, **kwargs),
            "truth": evaluate("truth", dataset, **kwargs)}



__all__ = ["SCORE_KEYS", "bin_keys", "score", "evaluate", "reference_rows", "GreyPredictor",
           "grey_predictor", "predictor"]
