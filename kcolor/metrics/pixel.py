"""The papers' pixel metrics on ab: acc@eps, mae_ab, mae_rgb, euclid_ab, bin accuracy.

Each is a mean over pixels (or pixel values) of normalised ``ab / 110``
tensors, in Lab units after ``kcolor.color.denormalize_ab`` (mae_rgb: in
sRGB after ``kcolor.color.l_ab_to_rgb``, so it needs L too):

* ``acc@eps%`` (paper B, section 4, eq. 10, as its released code computes
  it): predicted and true a, b in Lab units are each rounded to integers
  (``round`` is round-half-to-even, as ``tf.round`` in paper B's code); a
  pixel is correct when ``|da| <= 2.2 * eps`` and ``|db| <= 2.2 * eps``
  (eps = 2: 4.4 units, eps = 5: 11 units). Paper B's code compares L as well
  (``|dL| <= eps``) because its generator outputs L; ours are given L, so L
  is not compared. An early commit of that code compared rounded 8-bit RGB
  for equality instead; the paper's numbers come from the Lab rule. A
  fraction in [0, 1] (tables print percent). Most pixels of a photo are
  nearly grey, so a grey prediction (ab = 0) already scores well: acc@2%
  24.20%, acc@5% 55.56% and mae_ab 9.21 Lab units on 2,000 CIFAR-10 test
  photos (the course's development subset: 20,000 training and 2,000 test
  photos, class-balanced, on which its quick-profile numbers were
  measured), against paper B's 24.1% and 65.5% for its GAN (Table 1).
  Notebook 00 (section 5) shows it on the profile's own test photos.
* ``mae_ab``: mean of ``|da|`` and ``|db|`` in Lab units, over pixels and
  both channels. ``mae_rgb``: mean absolute error of R, G and B on the
  0..255 scale (floats, not rounded to 8 bit) after converting
  ``L + ab_pred`` and ``L + ab_true`` to sRGB. Paper B's "MAE" names no
  unit, so both are reported.
* ``euclid_ab`` (paper E, section 5.3, Table 1): mean over pixels of
  ``||ab_pred - ab_true||_2 = sqrt(da^2 + db^2)`` in Lab units.
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

Each ``*_stat`` is the statistic behind a metric (see
``kcolor.metrics.batch``); the function of the same name divides its totals
on one batch.
"""

from kcolor.backend import keras
from kcolor.metrics.batch import Batch, ratio

ops = keras.ops

AB_THRESHOLD_PER_EPSILON = 2.2  # paper B's code: 2.2 * eps Lab units for a and b
BIN_CHANNELS = ("a", "b", "both", "pooled")


# --- statistics: batch -> (per-image sums, per-image counts) -------------------------


def accuracy_stat(epsilon):
    """The statistic of ``acc@eps%``: correct pixels per image, out of its pixels."""
    # Rounded so that 2.2 * 5 is 11 exactly (the rounded differences are integers).
    threshold = round(AB_THRESHOLD_PER_EPSILON * float(epsilon), 9)

    def stat(batch):
        delta = ops.abs(ops.round(batch.lab_pred) - ops.round(batch.lab_true))
        correct = ops.all(delta <= threshold, axis=-1)
        return batch.per_image(ops.cast(correct, "float32"), batch.n_pixels)

    return stat


def mae_ab_stat(batch):
    return batch.per_image(ops.abs(batch.lab_pred - batch.lab_true), 2.0 * batch.n_pixels)


def euclid_ab_stat(batch):
    delta = batch.lab_pred - batch.lab_true
    return batch.per_image(ops.sqrt(ops.sum(ops.square(delta), axis=-1)), batch.n_pixels)


def bin_stat(n_bins, channel):
    """The statistic of bin accuracy for one ``channel`` of ``BIN_CHANNELS``."""
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


def mae_rgb_stat(batch):
    batch.need_l("mae_rgb")
    error = ops.abs(batch.rgb_pred - batch.rgb_true) * 255.0
    return batch.per_image(error, 3.0 * batch.n_pixels)


# --- the metrics on one batch ------------------------------------------------------------


def accuracy_at(ab_pred, ab_true, epsilon=2):
    """Paper B's ``acc@eps%``: the fraction of pixels whose a and b are both close.

    Both a, b are denormalised to Lab units and rounded to integers; a pixel
    is correct when ``|da| <= 2.2 * eps`` and ``|db| <= 2.2 * eps`` (see the
    module docstring: L is not compared, and grey scores well).

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
    return ratio(accuracy_stat(epsilon), Batch(ab_pred, ab_true))


def mae_ab(ab_pred, ab_true):
    """Mean absolute error of a and b in Lab units (paper B, section 4, "MAE")."""
    return ratio(mae_ab_stat, Batch(ab_pred, ab_true))


def euclid_ab(ab_pred, ab_true):
    """Mean over pixels of ``||ab_pred - ab_true||_2`` in Lab units (paper E, Table 1)."""
    return ratio(euclid_ab_stat, Batch(ab_pred, ab_true))


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
    batch = Batch(ab_pred, ab_true)
    if channel is None:
        return ratio(bin_stat(n_bins, "a"), batch), ratio(bin_stat(n_bins, "b"), batch)
    return ratio(bin_stat(n_bins, channel), batch)


def mae_rgb(L, ab_pred, ab_true):
    """Mean absolute error of R, G, B on the 0..255 scale after converting to sRGB."""
    return ratio(mae_rgb_stat, Batch(ab_pred, ab_true, L))


__all__ = ["accuracy_at", "mae_ab", "euclid_ab", "bin_accuracy", "mae_rgb",
           "AB_THRESHOLD_PER_EPSILON", "BIN_CHANNELS"]
