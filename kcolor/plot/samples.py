"""Samples of unconditional generators (notebook 06): mosaics of grey images, over epochs."""

import numpy as np
from matplotlib.figure import Figure


def mosaic(images, columns=4):
    """Grey images side by side in one array, one pixel of white between them.

    Args:
        images: ``(n, S, S, 1)`` in [-1, 1] (a generator's samples).
        columns: images per row; the last row is padded with white.

    Returns:
        A float32 array of shape ``(rows * (S + 1) - 1, columns * (S + 1) - 1)``
        in [0, 1], ``rows = ceil(n / columns)``: draw it with ``imshow``.
    """
    images = np.clip((np.asarray(images)[..., 0] + 1.0) / 2.0, 0.0, 1.0)
    n, size = len(images), images.shape[1]
    rows = -(-n // columns)
    step = size + 1
    out = np.ones((rows * step - 1, columns * step - 1), np.float32)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        out[r * step:r * step + size, c * step:c * step + size] = image
    return out


def _show_mosaic(ax, images, columns):
    """Draws the first ``columns**2`` images as a grey mosaic on ``ax``, without ticks."""
    ax.imshow(mosaic(np.asarray(images)[:columns * columns], columns), cmap="gray", vmin=0,
              vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])


def mosaics(images, *, columns=8, cell_size=2.6):
    """Mosaics side by side, one per entry: real digits beside each model's samples.

    Args:
        images: ``{title: (n, S, S, 1) images in [-1, 1]}``.
        columns: images per mosaic row (a mosaic shows ``columns**2`` at most).
        cell_size: inches per mosaic.

    Returns:
        ``matplotlib.figure.Figure`` with one titled axes per entry.

    Example:

    >>> mosaics({"real digits": real, "06_dcgan": dcgan.generate(64)})
    """
    fig = Figure(figsize=(cell_size * len(images), cell_size), layout="constrained")
    axes = fig.subplots(1, len(images), squeeze=False)[0]
    for ax, (title, batch) in zip(axes, images.items()):
        _show_mosaic(ax, batch, columns)
        ax.set_title(title, fontsize=10)
    return fig


def snapshots(runs, *, epochs=None, columns=4, cell_size=2.6):
    """Samples of fixed noise over training: one row per model, one column per epoch.

    Paper D's figures 2 and 3 show a generator's samples as it trains; with
    the same ``z`` in every column, one sample grows from noise into a digit.

    Args:
        runs: ``{model name: snapshots}``, each the list ``[samples before
            training, after epoch 1, ...]`` of ``kcolor.callbacks.SampleSnapshots``
            (the callback itself is accepted too).
        epochs: the snapshot indices to show (default: before training, the
            middle and the end).
        columns: samples per mosaic row.
        cell_size: inches per mosaic.

    Returns:
        ``matplotlib.figure.Figure`` with ``len(runs) x len(epochs)`` axes.

    Example:

    >>> snap = kcolor.callbacks.SampleSnapshots(n=16)
    >>> gan.fit(digits, epochs=5, callbacks=[snap])
    >>> snapshots({"06_dcgan": snap.snapshots})
    """
    runs = {name: getattr(run, "snapshots", run) for name, run in runs.items()}
    names = list(runs)
    last = len(runs[names[0]]) - 1
    epochs = sorted(set(epochs if epochs is not None else (0, last // 2, last)))
    fig = Figure(figsize=(cell_size * len(epochs) + 1.2, cell_size * len(names)),
                 layout="constrained")
    axes = fig.subplots(len(names), len(epochs), squeeze=False)
    for r, name in enumerate(names):
        for c, epoch in enumerate(epochs):
            ax = axes[r, c]
            _show_mosaic(ax, runs[name][epoch], columns)
            if r == 0:
                ax.set_title("initialisation" if epoch == 0 else f"epoch {epoch}", fontsize=10)
            if c == 0:
                ax.set_ylabel(name, fontsize=10)
    return fig


__all__ = ["mosaic", "mosaics", "snapshots"]
