"""Paper A's L2 in its own units: ``uv_l2``."""

import numpy as np

from kcolor.metrics.scoring import predictor


def uv_l2(model, dataset, *, max_batches=None):
    """Paper A's L2 on a ``(Y, UV)`` data set: eq. 1 averaged as in eq. 5.

    The squared error summed over U and V, averaged over the pixels of each
    image and then over the images, in the units of the data's UV (YUV of
    sRGB in [0, 1], not standardised): paper A's validation loss (0.0073)
    fits only these units (notebook 01 says why).

    Args:
        model: a model ``Y -> UV`` (``predict_on_batch``), or ``"grey"``
            (UV = 0) or ``"truth"``.
        dataset: ``(Y, UV)`` batches.
        max_batches: stop after this many batches.

    Returns:
        float.
    """
    predict = predictor(model)
    total, images = 0.0, 0
    for step, (Y, UV) in enumerate(dataset):
        if max_batches is not None and step >= max_batches:
            break
        error = np.square(np.asarray(predict(Y, UV), np.float64) - np.asarray(UV, np.float64))
        total += float(error.sum(axis=-1).mean(axis=(1, 2)).sum())
        images += int(error.shape[0])
    return total / images


__all__ = ["uv_l2"]
