"""The papers' colourization metrics, as functions and as Keras metrics.

Every metric here takes the model's own tensors: normalised ``L = L / 50 - 1``
of shape (N, H, W, 1) and ``ab / 110`` of shape (N, H, W, 2), exactly what a
``kcolor.data`` data set yields and what every colorizer's ``predict``
returns. They convert to Lab units (``kcolor.color.denormalize_ab``) or to
sRGB (``kcolor.color.l_ab_to_rgb``) themselves. One idea per module, each
with its definitions in its docstring:

* ``pixel``: the papers' pixel metrics on ab: ``accuracy_at`` (paper B's
  ``acc@eps%``), ``mae_ab``, ``mae_rgb``, ``euclid_ab`` and
  ``bin_accuracy`` (paper E), with the grey predictor's CIFAR-10 scores.
* ``image``: metrics of the whole RGB image: ``psnr``, ``ssim`` and
  ``colorfulness`` (Hasler and Suesstrunk).
* ``scoring``: every metric at once, ``score`` on one batch and
  ``evaluate`` over a data set, with the ``"grey"`` and ``"truth"``
  reference rows.
* ``keras_metrics``: the same metrics as ``keras.metrics.Metric`` classes
  (``AccuracyAtEpsilon``, ``MAEab``, ...).
* ``batch``: the checked batch and cached conversions they all share.
* ``frontier``: the saturation slider, a regressor's colours turned up,
  and how far a model sits above it at its own colourfulness
  (``saturation_slider``, ``above_slider``).
* ``uv``: paper A's L2 in its own units (``uv_l2``), on ``(Y, UV)`` data.

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

from kcolor.metrics.image import colorfulness, colorfulness_l_ab, psnr, ssim
from kcolor.metrics.frontier import (
    SLIDER_GAINS,
    above_slider,
    on_slider,
    relative_color,
    saturation_slider,
)
from kcolor.metrics.keras_metrics import (
    PSNR,
    SSIM,
    AccuracyAtEpsilon,
    BinAccuracy,
    Colorfulness,
    EuclideanAB,
    MAEab,
    MAErgb,
)
from kcolor.metrics.pixel import accuracy_at, bin_accuracy, euclid_ab, mae_ab, mae_rgb
from kcolor.metrics.scoring import (
    SCORE_KEYS,
    GreyPredictor,
    bin_keys,
    evaluate,
    grey_predictor,
    predictor,
    reference_rows,
    score,
)
from kcolor.metrics.uv import uv_l2


__all__ = [
    "SCORE_KEYS",
    "SLIDER_GAINS",
    "saturation_slider",
    "on_slider",
    "above_slider",
    "relative_color",
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
    "uv_l2",
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
]
