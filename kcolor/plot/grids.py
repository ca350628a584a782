"""``compare``: grey input | each model's prediction | truth, for a few photos."""

import numpy as np
from matplotlib.figure import Figure

from kcolor import color
from kcolor.metrics import predictor


def _numpy(x, what, channels):
    x = np.asarray(x)
    if x.ndim == 3:
        x = x[None]
    if x.ndim != 4 or x.shape[-1] != channels:
        raise ValueError(
            f"{what} must have shape (N, H, W, {channels}) or (H, W, {channels}), "
            f"got shape {x.shape}."
        )
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{what} must hold normalised floats, got dtype {x.dtype}.")
    return x.astype(np.float32)


def _first_batch(data):
    """A tf.data.Dataset (or any iterable of batches) -> its first (L, ab) batch."""
    for element in data:
        return element
    raise ValueError("compare got an empty data set.")


def _to_rgb(L, ab):
    return np.clip(np.asarray(color.l_ab_to_rgb(L, ab)), 0.0, 1.0)


def compare(
    L,
    ab_true=None,
    model=None,
    ab_pred=None,
    *,
    n=8,
    titles=("grey", "prediction", "truth"),
    cell_size=1.6,
    transpose=False,
    color_space="lab",
):
    """A grid with one row per image: grey | prediction(s) | truth.

    Args:
        L: normalised L, shape (N, H, W, 1); or an ``(L, ab)`` batch; or a
            ``tf.data.Dataset`` of them (its first batch is shown).
        ab_true: normalised true ab (N, H, W, 2); ``None`` leaves out the
            truth column (taken from the batch when ``L`` is a batch).
        model: a colorizer / ``keras.Model`` (``predict_on_batch``), a
            callable ``L -> ab``, or a dict ``{name: model}`` for one column
            per model (e.g. L2 vs L1 vs GAN).
        ab_pred: given predictions instead of (or besides) ``model``: an
            array (N, H, W, 2) or a dict ``{name: array}``.
        n: at most this many images (rows).
        titles: column titles for the grey image, a single unnamed
            prediction and the truth.
        cell_size: inches per image.
        transpose: one row per column above (grey, each model, truth) and
            one column per image, each row labelled on its left: for
            comparing many models (paper E's figure 6, a row per loss;
            notebook 07, a row per GAN variant).
        color_space: ``"yuv"`` when ``L`` is paper A's Y, the truth and the
            predictions UV: all are converted to Lab (with Y) to be drawn.

    Returns:
        ``matplotlib.figure.Figure`` with ``n * columns`` axes, each showing
        one sRGB image.

    Example:

    >>> fig = compare(test_ds, model={"U-Net (L2)": unet, "cGAN": cgan}, n=4)
    >>> fig.savefig("compare.png")
    """
    if ab_true is None and not hasattr(L, "shape"):
        if not isinstance(L, (tuple, list)):
            L = _first_batch(L)
        if isinstance(L, (tuple, list)) and len(L) >= 2:
            L, ab_true = L[0], L[1]
    L = _numpy(L, "L", 1)
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}.")
    n = min(int(n), L.shape[0])
    grey_title, pred_title, truth_title = titles

    columns = []  # (title, normalised ab or None for grey)
    columns.append((grey_title, None))
    if model is not None:

        models = model if isinstance(model, dict) else {pred_title: model}
        for name, m in models.items():
            columns.append((name, np.asarray(predictor(m)(L[:n], None))))
    if ab_pred is not None:
        preds = ab_pred if isinstance(ab_pred, dict) else {pred_title: ab_pred}
        columns.extend(preds.items())
    if ab_true is not None:
        columns.append((truth_title, ab_true))

    images = []
    for title, ab in columns:
        if color_space == "yuv":  # paper A: L is Y, ab is UV; each column with the true Y
            uv = np.zeros(L[:n].shape[:-1] + (2,), "float32") if ab is None else ab
            uv = _numpy(uv, f"UV of column {title!r}", 2)[:n]
            images.append((title, np.asarray(color.y_uv_to_rgb(L[:n], uv))))
            continue
        if ab is None:
            images.append((title, np.clip(np.asarray(color.l_to_gray_rgb(L[:n])), 0.0, 1.0)))
            continue
        ab = _numpy(ab, f"ab of column {title!r}", 2)
        if ab.shape[1:3] != L.shape[1:3] or ab.shape[0] < n:
            raise ValueError(
                f"Column {title!r} does not match L: ab has shape {ab.shape}, L has "
                f"{L.shape} (need the same height and width and at least {n} images)."
            )
        if ab.shape[0] != L.shape[0] and ab.shape[0] != n:
            raise ValueError(
                f"Column {title!r} has {ab.shape[0]} images but L has {L.shape[0]}: "
                f"mismatched batch sizes."
            )
        images.append((title, _to_rgb(L[:n], ab[:n])))

    cols = len(images)
    shape = (cols, n) if transpose else (n, cols)
    label_width = 1.6 if transpose else 0.0  # inches for the row labels on the left
    fig = Figure(figsize=(cell_size * shape[1] + label_width, cell_size * shape[0]),
                 layout="constrained")
    axes = fig.subplots(*shape, squeeze=False)
    for j, (title, rgb) in enumerate(images):
        for i in range(n):
            ax = axes[j, i] if transpose else axes[i, j]
            ax.imshow(rgb[i], interpolation="nearest", vmin=0.0, vmax=1.0)
            ax.set_xticks([])
            ax.set_yticks([])
            if i == 0 and transpose:
                ax.set_ylabel(str(title), fontsize=9, rotation=0, ha="right", va="center")
            elif i == 0:
                ax.set_title(str(title), fontsize=9)
    return fig


__all__ = ["compare"]
