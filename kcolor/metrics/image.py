"""Metrics of the whole RGB image: PSNR, SSIM and colourfulness.

Each is computed per image on sRGB (``kcolor.color.l_ab_to_rgb`` of the
normalised ``(L, ab)``), then averaged over images:

* ``psnr``: ``tf.image.psnr`` on sRGB in [0, 1] with ``max_val=1``.
  Identical images give ``inf`` and it is kept (a data set holding one
  image predicted exactly has mean PSNR ``inf``).
* ``ssim``: ``tf.image.ssim`` on sRGB in [0, 1] (Gaussian window 11, sigma
  1.5, averaged over the three channels). Images smaller than 11 x 11 use a
  window of ``min(11, H, W)`` pixels (a 1 x 1 image compares only the
  means), so small images never fail.
* ``colorfulness``: Hasler and Suesstrunk (2003) on sRGB 0..255:
  ``rg = R - G``, ``yb = (R + G) / 2 - B``,
  ``M = sqrt(std_rg^2 + std_yb^2) + 0.3 sqrt(mean_rg^2 + mean_yb^2)`` with
  population standard deviations over the image's pixels. ``score`` and
  ``evaluate`` report the prediction's (``colorfulness``) and the truth's
  (``colorfulness_true``), so "more vivid than L2" can be seen.
"""

from kcolor.backend import keras, tf
from kcolor.metrics.batch import Batch, batched, one_per_image, ratio

ops = keras.ops

SSIM_FILTER_SIZE = 11


# --- statistics: batch -> (one value per image, a count of 1 each) -------------------


def psnr_stat(batch):
    batch.need_l("psnr")
    return one_per_image(tf.image.psnr(batch.rgb_pred, batch.rgb_true, max_val=1.0))


def _ssim_filter_size(images):
    height, width = images.shape[1], images.shape[2]
    if height is None or width is None:  # unknown until run time: the standard window
        return SSIM_FILTER_SIZE
    return max(1, min(SSIM_FILTER_SIZE, height, width))


def ssim_stat(batch):
    batch.need_l("ssim")
    size = _ssim_filter_size(batch.rgb_true)
    return one_per_image(
        tf.image.ssim(batch.rgb_pred, batch.rgb_true, max_val=1.0, filter_size=size)
    )


def colorfulness_per_image(rgb255):
    """Hasler and Suesstrunk's M for each image of (N, H, W, 3) sRGB on 0..255."""
    r, g, b = rgb255[..., 0], rgb255[..., 1], rgb255[..., 2]
    rg = ops.reshape(r - g, (ops.shape(rgb255)[0], -1))
    yb = ops.reshape(0.5 * (r + g) - b, (ops.shape(rgb255)[0], -1))
    spread = ops.sqrt(ops.var(rg, axis=1) + ops.var(yb, axis=1))
    offset = ops.sqrt(ops.square(ops.mean(rg, axis=1)) + ops.square(ops.mean(yb, axis=1)))
    return spread + 0.3 * offset


def colorfulness_stat(of):
    """The statistic of the prediction's (``of="pred"``) or the truth's colourfulness."""
    if of not in ("pred", "true"):
        raise ValueError(f"`of` must be 'pred' or 'true', got {of!r}.")

    def stat(batch):
        batch.need_l("colorfulness")
        rgb = batch.rgb_pred if of == "pred" else batch.rgb_true
        return one_per_image(colorfulness_per_image(rgb * 255.0))

    return stat


# --- the metrics on one batch ------------------------------------------------------------


def psnr(L, ab_pred, ab_true):
    """Mean over images of ``tf.image.psnr`` on sRGB in [0, 1] (``inf`` if identical)."""
    return ratio(psnr_stat, Batch(ab_pred, ab_true, L))


def ssim(L, ab_pred, ab_true):
    """Mean over images of ``tf.image.ssim`` on sRGB in [0, 1]; window ``min(11, H, W)``."""
    return ratio(ssim_stat, Batch(ab_pred, ab_true, L))


def colorfulness(rgb255):
    """Hasler and Suesstrunk's colourfulness, mean over images.

    Args:
        rgb255: sRGB images on the 0..255 scale (float or uint8), shape
            (N, H, W, 3) or (H, W, 3).

    Returns:
        Scalar float32 tensor (0 for grey images; about 100+ is very vivid).

    Example:

    >>> float(colorfulness(np.full((4, 4, 3), 128.0)))   # grey
    0.0

    Reference:
        D. Hasler and S. Suesstrunk, Measuring colourfulness in natural
        images, SPIE Human Vision and Electronic Imaging, 2003.
    """
    rgb255 = ops.cast(ops.convert_to_tensor(rgb255), "float32")
    rgb255 = batched(rgb255, "rgb255", 3)
    return ops.mean(colorfulness_per_image(rgb255))


def colorfulness_l_ab(L, ab):
    """Colourfulness of the image made of normalised ``(L, ab)``, mean over images."""
    return ratio(colorfulness_stat("pred"), Batch(ab, ab, L))


__all__ = ["psnr", "ssim", "colorfulness", "colorfulness_l_ab", "SSIM_FILTER_SIZE"]
