"""The papers' colourization metrics, as functions and as Keras metrics.

Every metric here takes the model's own tensors: normalised ``L = L / 50 - 1``
of shape (N, H, W, 1) and ``ab / 110`` of shape (N, H, W, 2), exactly what a
``kcolor.data`` data set yields and what every colorizer's ``predict``
returns. They convert to Lab units (``kcolor.color.denormalize_ab``) or to
sRGB (``kcolor.color.l_ab_to_rgb``) themselves.

Definitions (``DESIGN.md``, "Metric definitions"):

* ``acc@eps%`` (paper B, section 4, eq. 10, as its released code computes
  it): predicted and true a, b in Lab units are each rounded to integers
  (``round`` is round-half-to-even, as ``tf.round`` in paper B's code); a
  pixel is correct when ``|da| <= 2.2 * eps`` and ``|db| <= 2.2 * eps``
  (eps = 2: 4.4 units, eps = 5: 11 units). Paper B's code compares L as well
  (``|dL| <= eps``) because its generator outputs L; ours are given L, so L
  is not compared. An early commit of that code compared rounded 8-bit RGB
  for equality instead; the paper's numbers come from the Lab rule. Mean over
  all pixels. Reported as a fraction in [0, 1] (tables print percent).
* ``mae_ab``: mean of ``|da|`` and ``|db|`` in Lab units, over pixels and both
  channels. ``mae_rgb``: mean absolute error of R, G and B on the 0..255
  scale (floats, not rounded to 8 bit) after converting ``L + ab_pred`` and
  ``L + ab_true`` to sRGB. Paper B's "MAE" names no unit, so we report both.
* ``euclid_ab`` (paper E, section 5.3, Table 1): mean over pixels of
  ``sqrt(da^2 + db^2)`` in Lab units.
* Bin accuracy (paper E, section 5.4, Table 2): a and b are binned
  independently by ``kcolor.quantize.uniform_bin_index`` (n equal bins over
  [-100, 100]); ``bin_acc_a@n`` / ``bin_acc_b@n`` are the per-channel top-1
  accuracies, ``bin_acc_both@n`` counts a pixel only when both bins match,
  and ``bin_acc@n`` pools the a and b values (the mean of the two channels).
  Paper E's text, "the percentage of binned pixel values that match ...
  across both channels A and B", with a "pixel value" being one channel's
  value (its section 4 bins "a pixel value" into one of 10 ranges of 20),
  reads as the pooled variant, so ``bin_acc@n`` is the one to set beside
  its Table 2.
* ``psnr``: ``tf.image.psnr`` on sRGB in [0, 1] with ``max_val=1``, per image,
  then the mean over images. Identical images give ``inf`` and we keep it
  (a data set holding one image predicted exactly has mean PSNR ``inf``).
* ``ssim``: ``tf.image.ssim`` on sRGB in [0, 1] (the mean of the three
  channels' SSIM, Gaussian window 11, sigma 1.5), per image, then the mean
  over images. Images smaller than 11 x 11 use a window of ``min(11, H, W)``
  pixels (a 1 x 1 image compares only the means), so small images never fail.
* ``colorfulness``: Hasler and Suesstrunk (2003) on sRGB 0..255:
  ``rg = R - G``, ``yb = (R + G) / 2 - B``,
  ``M = sqrt(std_rg^2 + std_yb^2) + 0.3 sqrt(mean_rg^2 + mean_yb^2)`` with
  population standard deviations over the image's pixels; per image, then the
  mean over images. ``colorfulness`` is the prediction's,
  ``colorfulness_true`` the truth's, so "more vivid than L2" can be seen.

One implementation: every metric is a *statistic* that returns, for each
image of a batch, a sum and a count (pixels, pixel values or 1 per image).
The functions divide the totals; the Keras metrics add them into two
variables across batches; ``evaluate`` adds them over a whole data set. So
pixel metrics are pixel-weighted and image metrics image-weighted over the
whole data set, whatever the batch sizes.

Example:

>>> L, ab = kcolor.color.rgb_to_l_ab(images)
>>> kcolor.metrics.score(L, model.predict(L), ab)["acc@2%"]
>>> kcolor.metrics.evaluate(model, test_ds)            # the whole split
>>> model.compile(optimizer="adam", metrics=[kcolor.metrics.AccuracyAtEpsilon(2)])
"""

import math
import re

import numpy as np

from kcolor import color
from kcolor.backend import keras, tf
from kcolor.quantize import uniform_bin_index

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
BIN_CHANNELS = ("a", "b", "both", "pooled")
AB_THRESHOLD_PER_EPSILON = 2.2  # paper B's code: 2.2 * eps Lab units for a and b
SSIM_FILTER_SIZE = 11


# ---------------------------------------------------------------------------
# Input checks and the per-batch conversions the statistics share.
# ---------------------------------------------------------------------------


def _as_float32(x, what):
    x = ops.convert_to_tensor(x)
    dtype = keras.backend.standardize_dtype(x.dtype)
    if not dtype.startswith(("float", "bfloat")):
        raise TypeError(
            f"{what} must be a float tensor of normalised values (L / 50 - 1, ab / 110), "
            f"got dtype {dtype}."
        )
    return ops.cast(x, "float32") if dtype != "float32" else x


def _batched(x, what, channels):
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


class _Batch:
    """One batch of normalised ``(L, ab_pred, ab_true)``, checked, with cached conversions.

    Statistics read ``lab_pred`` / ``lab_true`` (a, b in Lab units) or
    ``rgb_pred`` / ``rgb_true`` (sRGB in [0, 1], which need L); each
    conversion runs once per batch however many statistics use it.
    """

    def __init__(self, ab_pred, ab_true, L=None):
        self.ab_pred = _batched(_as_float32(ab_pred, "ab_pred"), "ab_pred", 2)
        self.ab_true = _batched(_as_float32(ab_true, "ab_true"), "ab_true", 2)
        _same_dims(self.ab_pred, self.ab_true, "ab_pred", "ab_true", (0, 1, 2))
        self.L = None
        if L is not None:
            self.L = _batched(_as_float32(L, "L"), "L", 1)
            _same_dims(self.L, self.ab_true, "L", "ab_true", (0, 1, 2))
        self._cache = {}

    def _cached(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def _need_l(self, what):
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


# ---------------------------------------------------------------------------
# Statistics: batch -> (per-image sums (N,), per-image counts (N,)).
# The functions, the Keras metrics and ``evaluate`` all use these.
# ---------------------------------------------------------------------------


def _accuracy_stat(epsilon):
    # Rounded so that 2.2 * 5 is 11 exactly (the rounded differences are integers).
    threshold = round(AB_THRESHOLD_PER_EPSILON * float(epsilon), 9)

    def stat(batch):
        delta = ops.abs(ops.round(batch.lab_pred) - ops.round(batch.lab_true))
        correct = ops.all(delta <= threshold, axis=-1)
        return batch.per_image(ops.cast(correct, "float32"), batch.n_pixels)

    return stat


def _mae_ab_stat(batch):
    return batch.per_image(ops.abs(batch.lab_pred - batch.lab_true), 2.0 * batch.n_pixels)


def _euclid_ab_stat(batch):
    delta = batch.lab_pred - batch.lab_true
    return batch.per_image(ops.sqrt(ops.sum(ops.square(delta), axis=-1)), batch.n_pixels)


def _bin_stat(n_bins, channel):
    if channel not in BIN_CHANNELS:
        raise ValueError(f"channel must be one of {BIN_CHANNELS}, got {channel!r}.")
    n_bins = int(n_bins)
    if n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer, got {n_bins}.")

    def stat(batch):
        match = batch.bin_match(n_bins)
        if channel == "a":
            return batch.per_image(match[..., 0], batch.n_pixels)
        if channel == "b":
            return batch.per_image(match[..., 1], batch.n_pixels)
        if channel == "both":
            return batch.per_image(ops.min(match, axis=-1), batch.n_pixels)
        return batch.per_image(match, 2.0 * batch.n_pixels)  # pooled a and b values

    return stat


def _mae_rgb_stat(batch):
    batch._need_l("mae_rgb")
    error = ops.abs(batch.rgb_pred - batch.rgb_true) * 255.0
    return batch.per_image(error, 3.0 * batch.n_pixels)


def _one_per_image(values):
    return values, ops.ones_like(values)


def _psnr_stat(batch):
    batch._need_l("psnr")
    return _one_per_image(tf.image.psnr(batch.rgb_pred, batch.rgb_true, max_val=1.0))


def _ssim_filter_size(images):
    height, width = images.shape[1], images.shape[2]
    if height is None or width is None:  # unknown until run time: the standard window
        return SSIM_FILTER_SIZE
    return max(1, min(SSIM_FILTER_SIZE, height, width))


def _ssim_stat(batch):
    batch._need_l("ssim")
    size = _ssim_filter_size(batch.rgb_true)
    return _one_per_image(
        tf.image.ssim(batch.rgb_pred, batch.rgb_true, max_val=1.0, filter_size=size)
    )


def _colorfulness_per_image(rgb255):
    """Hasler and Suesstrunk's M for each image of (N, H, W, 3) sRGB on 0..255."""
    r, g, b = rgb255[..., 0], rgb255[..., 1], rgb255[..., 2]
    rg = ops.reshape(r - g, (ops.shape(rgb255)[0], -1))
    yb = ops.reshape(0.5 * (r + g) - b, (ops.shape(rgb255)[0], -1))
    spread = ops.sqrt(ops.var(rg, axis=1) + ops.var(yb, axis=1))
    offset = ops.sqrt(ops.square(ops.mean(rg, axis=1)) + ops.square(ops.mean(yb, axis=1)))
    return spread + 0.3 * offset


def _colorfulness_stat(of):
    if of not in ("pred", "true"):
        raise ValueError(f"`of` must be 'pred' or 'true', got {of!r}.")

    def stat(batch):
        batch._need_l("colorfulness")
        rgb = batch.rgb_pred if of == "pred" else batch.rgb_true
        return _one_per_image(_colorfulness_per_image(rgb * 255.0))

    return stat


_FIXED_STATS = {
    "mae_ab": _mae_ab_stat,
    "mae_rgb": _mae_rgb_stat,
    "euclid_ab": _euclid_ab_stat,
    "psnr": _psnr_stat,
    "ssim": _ssim_stat,
    "colorfulness": _colorfulness_stat("pred"),
    "colorfulness_true": _colorfulness_stat("true"),
}
_ACC_KEY = re.compile(r"^acc@(\d+(?:\.\d+)?)%$")
_BIN_KEY = re.compile(r"^bin_acc(?:_(a|b|both))?@(\d+)$")


def _stat_for_key(key):
    """The statistic behind a result key (``"acc@2%"``, ``"bin_acc_a@10"``, ``"psnr"``...)."""
    if key in _FIXED_STATS:
        return _FIXED_STATS[key]
    match = _ACC_KEY.match(key)
    if match:
        return _accuracy_stat(float(match.group(1)))
    match = _BIN_KEY.match(key)
    if match:
        return _bin_stat(int(match.group(2)), match.group(1) or "pooled")
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


def _ratio(stat, batch):
    sums, counts = stat(batch)
    return ops.sum(sums) / ops.sum(counts)


# ---------------------------------------------------------------------------
# Functions on one batch.
# ---------------------------------------------------------------------------


def accuracy_at(ab_pred, ab_true, epsilon=2):
    """Paper B's ``acc@eps%``: the fraction of pixels whose a and b are both close.

    Both a, b are denormalised to Lab units and rounded to integers; a pixel
    is correct when ``|da| <= 2.2 * eps`` and ``|db| <= 2.2 * eps``.

    Args:
        ab_pred, ab_true: normalised ab (``ab / 110``), shape (N, H, W, 2).
        epsilon: the threshold in percent of the channel range (paper B: 2, 5).

    Returns:
        Scalar float32 tensor in [0, 1].

    Example:

    >>> accuracy_at(ab + 3 / 110, ab, epsilon=2)   # 3 units < 4.4: every pixel passes
    1.0

    Reference:
        Nazeri et al., Image Colorization using GANs, section 4, eq. 10, and
        ``pixelwise_accuracy`` in its released code.
    """
    return _ratio(_accuracy_stat(epsilon), _Batch(ab_pred, ab_true))


def mae_ab(ab_pred, ab_true):
    """Mean absolute error of a and b in Lab units (paper B, section 4, "MAE")."""
    return _ratio(_mae_ab_stat, _Batch(ab_pred, ab_true))


def euclid_ab(ab_pred, ab_true):
    """Mean over pixels of ``||ab_pred - ab_true||_2`` in Lab units (paper E, Table 1)."""
    return _ratio(_euclid_ab_stat, _Batch(ab_pred, ab_true))


def bin_accuracy(ab_pred, ab_true, n_bins=10, channel=None):
    """Paper E's top-1 bin accuracy, with a and b binned by ``uniform_bin_index``.

    Args:
        ab_pred, ab_true: normalised ab, shape (N, H, W, 2).
        n_bins: bins per channel over [-100, 100] (paper E: 10, 30, 50).
        channel: ``None`` returns the pair ``(accuracy_a, accuracy_b)``;
            ``"a"`` or ``"b"`` one of them; ``"both"`` counts a pixel when
            both bins match; ``"pooled"`` is the mean over all a and b values
            (our reading of paper E's Table 2, see the module docstring).

    Returns:
        A scalar float32 tensor in [0, 1], or a pair of them.

    Reference:
        Paper E (CNN losses and classification), section 5.4, Table 2.
    """
    batch = _Batch(ab_pred, ab_true)
    if channel is None:
        return _ratio(_bin_stat(n_bins, "a"), batch), _ratio(_bin_stat(n_bins, "b"), batch)
    return _ratio(_bin_stat(n_bins, channel), batch)


def mae_rgb(L, ab_pred, ab_true):
    """Mean absolute error of R, G, B on the 0..255 scale after converting to sRGB."""
    return _ratio(_mae_rgb_stat, _Batch(ab_pred, ab_true, L))


def psnr(L, ab_pred, ab_true):
    """Mean over images of ``tf.image.psnr`` on sRGB in [0, 1] (``inf`` if identical)."""
    return _ratio(_psnr_stat, _Batch(ab_pred, ab_true, L))


def ssim(L, ab_pred, ab_true):
    """Mean over images of ``tf.image.ssim`` on sRGB in [0, 1]; window ``min(11, H, W)``."""
    return _ratio(_ssim_stat, _Batch(ab_pred, ab_true, L))


def colorfulness(rgb255):
    """Hasler and Suesstrunk's colourfulness, mean over images.

    Args:
        rgb255: sRGB images on the 0..255 scale (float or uint8), shape
            (N, H, W, 3) or (H, W, 3).

    Returns:
        Scalar float32 tensor (0 for grey images; about 100+ is very vivid).

    Reference:
        D. Hasler and S. Suesstrunk, Measuring colourfulness in natural
        images, SPIE Human Vision and Electronic Imaging, 2003.
    """
    rgb255 = ops.cast(ops.convert_to_tensor(rgb255), "float32")
    rgb255 = _batched(rgb255, "rgb255", 3)
    return ops.mean(_colorfulness_per_image(rgb255))


def colorfulness_l_ab(L, ab):
    """Colourfulness of the image made of normalised ``(L, ab)``, mean over images."""
    batch = _Batch(ab, ab, L)
    return _ratio(_colorfulness_stat("pred"), batch)


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
    shapes still get ``_Batch``'s clear errors.
    """
    keys = tuple(keys)
    if keys not in _COMPILED_TOTALS:
        stats = [_stat_for_key(key) for key in keys]

        @tf.function
        def totals(L, ab_pred, ab_true):
            batch = _Batch(ab_pred, ab_true, L)
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
    return _finish(_batch_totals(_Batch(ab_pred, ab_true, L), keys), keys)


# ---------------------------------------------------------------------------
# Whole data sets.
# ---------------------------------------------------------------------------


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
            batch = _Batch(ab_pred, ab_true, L)  # checks the shapes eagerly
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


# ---------------------------------------------------------------------------
# Keras metrics: the same statistics, accumulated in two variables.
# ---------------------------------------------------------------------------


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
        sums, counts = self._stat()(_Batch(y_pred, y_true, L))
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
        return _accuracy_stat(self.epsilon)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="kcolor")
class MAEab(_StatMetric):
    """Mean absolute error of a and b in Lab units, over batches (see ``mae_ab``)."""

    def __init__(self, name="mae_ab", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def _stat(self):
        return _mae_ab_stat


@keras.saving.register_keras_serializable(package="kcolor")
class EuclideanAB(_StatMetric):
    """Mean per-pixel ab distance in Lab units, over batches (see ``euclid_ab``)."""

    def __init__(self, name="euclid_ab", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def _stat(self):
        return _euclid_ab_stat


@keras.saving.register_keras_serializable(package="kcolor")
class BinAccuracy(_StatMetric):
    """Paper E's bin accuracy over batches (see ``bin_accuracy``).

    Args:
        n_bins: bins per channel over [-100, 100].
        channel: ``"a"``, ``"b"``, ``"both"`` or ``"pooled"``.
    """

    def __init__(self, n_bins=10, channel="pooled", name=None, dtype=None):
        _bin_stat(n_bins, channel)  # validates the arguments
        suffix = "" if channel == "pooled" else f"_{channel}"
        super().__init__(name=name or f"bin_acc{suffix}@{int(n_bins)}", dtype=dtype)
        self.n_bins = int(n_bins)
        self.channel = channel

    def _stat(self):
        return _bin_stat(self.n_bins, self.channel)

    def get_config(self):
        return {**super().get_config(), "n_bins": self.n_bins, "channel": self.channel}


@keras.saving.register_keras_serializable(package="kcolor")
class MAErgb(_StatMetric):
    """Mean absolute RGB error on 0..255 over batches; needs ``L=`` (see ``mae_rgb``)."""

    def __init__(self, name="mae_rgb", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def _stat(self):
        return _mae_rgb_stat


@keras.saving.register_keras_serializable(package="kcolor")
class PSNR(_StatMetric):
    """Mean per-image PSNR on sRGB [0, 1]; needs ``L=`` (see ``psnr``)."""

    def __init__(self, name="psnr", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def _stat(self):
        return _psnr_stat


@keras.saving.register_keras_serializable(package="kcolor")
class SSIM(_StatMetric):
    """Mean per-image SSIM on sRGB [0, 1]; needs ``L=`` (see ``ssim``)."""

    def __init__(self, name="ssim", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def _stat(self):
        return _ssim_stat


@keras.saving.register_keras_serializable(package="kcolor")
class Colorfulness(_StatMetric):
    """Mean colourfulness of the prediction (``of="pred"``) or the truth; needs ``L=``."""

    def __init__(self, of="pred", name=None, dtype=None):
        _colorfulness_stat(of)  # validates `of`
        super().__init__(name=name or ("colorfulness" if of == "pred" else "colorfulness_true"),
                         dtype=dtype)
        self.of = of

    def _stat(self):
        return _colorfulness_stat(self.of)

    def get_config(self):
        return {**super().get_config(), "of": self.of}


@keras.saving.register_keras_serializable(package="kcolor")
class LastValue(keras.metrics.Metric):
    """The last finite value it was given (``g_grad_norm`` of each batch).

    A non-finite value (a ``mixed_float16`` step that overflowed and was
    skipped) keeps the previous one.
    """

    def __init__(self, name="last_value", dtype="float32"):
        super().__init__(name=name, dtype=dtype)
        # "mean": every replica holds the same value; a sum would multiply it.
        self.value = self.add_variable(shape=(), initializer="zeros", name="value",
                                       aggregation="mean")

    def update_state(self, value):
        value = ops.cast(value, self.dtype)
        self.value.assign(ops.where(ops.isfinite(value), value, self.value))

    def result(self):
        return ops.convert_to_tensor(self.value)


__all__ = [
    "SCORE_KEYS",
    "accuracy_at",
    "mae_ab",
    "mae_rgb",
    "euclid_ab",
    "bin_accuracy",
    "bin_keys",
    "psnr",
    "ssim",
    "colorfulness",
    "colorfulness_l_ab",
    "score",
    "evaluate",
    "reference_rows",
    "GreyPredictor",
    "grey_predictor",
    "predictor",
    "AccuracyAtEpsilon",
    "MAEab",
    "EuclideanAB",
    "BinAccuracy",
    "MAErgb",
    "PSNR",
    "SSIM",
    "Colorfulness",
    "LastValue",
]
