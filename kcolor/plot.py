"""Figures for the notebooks: image grids, training curves, samples of generators.

Every function returns a Matplotlib ``Figure`` (``mosaic``: the array it
draws) and never calls ``plt.show()``. Figures are made with
``matplotlib.figure.Figure`` directly, not through ``pyplot``: nothing is
left open in pyplot's list of figures, and a notebook shows a figure exactly
once when it is a cell's last expression (or with ``display(fig)``); save it
with ``fig.savefig(path)``. The tables of numbers are in ``kcolor.tables``.

Example:

>>> L, ab = next(iter(test_ds))
>>> kcolor.plot.compare(L, ab, model={"L2": unet_l2, "cGAN": cgan}, n=6)
>>> kcolor.plot.history(history)
"""

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from kcolor import color
from kcolor.metrics import predictor

# ---------------------------------------------------------------------------
# grey | prediction(s) | truth
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Training curves
# ---------------------------------------------------------------------------


def history(history_or_dict, *, keys=None, ncols=3, cell_size=(4.0, 2.8)):
    """Training curves: one panel per quantity, training and ``val_`` on shared axes.

    A GAN's ``d_loss`` and ``g_loss`` get panels of their own, as does every
    metric.

    Args:
        history_or_dict: a ``keras.callbacks.History`` or its ``.history``
            dict ``{name: [value per epoch]}``.
        keys: the quantities to draw (names without ``val_``); default all.
        ncols: panels per row.
        cell_size: (width, height) of a panel in inches.

    Returns:
        ``matplotlib.figure.Figure`` with one axes per quantity; each has a
        line labelled ``"train"`` and, when present, one labelled ``"validation"``.
    """
    logs = getattr(history_or_dict, "history", history_or_dict)
    if not isinstance(logs, dict) or not logs:
        raise ValueError(
            "history needs a keras History or a non-empty dict {name: [values per epoch]}, "
            f"got {type(history_or_dict).__name__}."
        )
    names = []
    for key in logs:
        base = key[4:] if key.startswith("val_") else key
        if base not in names:
            names.append(base)
    if keys is not None:
        unknown = [k for k in keys if k not in names]
        if unknown:
            raise ValueError(f"Unknown history keys {unknown}; the history holds {names}.")
        names = list(keys)

    ncols = max(1, min(ncols, len(names)))
    nrows = math.ceil(len(names) / ncols)
    fig = Figure(figsize=(cell_size[0] * ncols, cell_size[1] * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, name in zip(axes, names):
        for key, label in ((name, "train"), ("val_" + name, "validation")):
            if key in logs:
                values = np.asarray(logs[key], dtype=np.float64).ravel()
                marker = "." if len(values) < 30 else None
                ax.plot(np.arange(1, len(values) + 1), values, marker=marker, label=label)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    for ax in axes[len(names):]:
        fig.delaxes(ax)
    return fig


def gradient_norms(runs, *, threshold=1e-4, size=(7.0, 3.2)):
    """The generator's gradient norm per training step, one line per run, log scale.

    Paper A, section 5.2: once its discriminator won, the norm of the
    generator's gradient fell below 1e-4 and the generator stopped learning.

    Args:
        runs: ``{name: norms}``, each a ``kcolor.callbacks.GradientNormLogger``
            (its ``norms``) or a sequence of floats, one per step.
        threshold: the dashed line (paper A's 1e-4); ``None`` for none.
        size: the figure's (width, height) in inches.

    Returns:
        ``matplotlib.figure.Figure`` with one axes; each run's line is
        labelled with its name.
    """
    if not runs:
        raise ValueError("gradient_norms needs at least one run {name: norms}.")
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.subplots()
    for name, norms in runs.items():
        values = np.asarray(getattr(norms, "norms", norms), dtype=np.float64).ravel()
        # A norm of exactly 0 cannot be drawn on a log scale: floor it at 1e-12.
        ax.semilogy(np.arange(1, len(values) + 1), np.maximum(values, 1e-12), lw=1.2,
                    label=str(name))
    if threshold is not None:
        ax.axhline(threshold, color="k", ls="--", lw=1, label=f"{threshold:g} (paper A)")
    ax.set_xlabel("training step")
    ax.set_ylabel("generator gradient norm")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))  # beside the lines
    return fig


def gan_losses(histories, *, keys=("d_loss", "g_adv_loss"), cell_size=(3.2, 2.4)):
    """Several GANs' logged losses: one column per model, one row per loss, epochs along x.

    ``history`` draws every quantity of one run; this puts runs side by side,
    each on axes of its own, since each GAN's ``d_loss`` has its own unit.
    WGAN's ``d_loss`` is minus its critic's Earth Mover estimate (paper D,
    section 3.4, figure 8); the panel of a model whose name holds ``wgan``
    says so.

    Args:
        histories: ``{name: keras History or its .history dict}``.
        keys: the logged quantities to draw, one row each.
        cell_size: (width, height) of a panel in inches.

    Returns:
        ``matplotlib.figure.Figure`` with ``len(keys) x len(histories)``
        axes, each with one line (empty when the run did not log the key).

    Example:

    >>> gan_losses({"06_gan": gan_history, "06_wgan": wgan_history})
    """
    names = list(histories)
    fig = Figure(figsize=(cell_size[0] * len(names), cell_size[1] * len(keys)),
                 layout="constrained")
    axes = fig.subplots(len(keys), len(names), squeeze=False)
    for c, name in enumerate(names):
        logs = getattr(histories[name], "history", histories[name])
        for r, key in enumerate(keys):
            ax = axes[r, c]
            values = np.asarray(logs.get(key, []), np.float64)
            ax.plot(np.arange(1, len(values) + 1), values, marker=".")
            label = key
            if key == "d_loss" and "wgan" in name.lower():
                label = "d_loss = -(critic's EM estimate)"
            ax.set_title(f"{name}: {label}", fontsize=8)
            ax.set_xlabel("epoch", fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
    return fig


# ---------------------------------------------------------------------------
# Samples of unconditional generators (notebook 06)
# ---------------------------------------------------------------------------


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


def ab_plane(centers, values, *, grid=10.0, log=None, cell_size=3.2):
    """Values over the ab plane, one square per ab class: a prior, rebalancing weights.

    Each class is drawn as a square of side ``grid`` at its centre (a, b),
    coloured by its value, one panel per entry of ``values`` with its own
    colour bar. For Zhang et al.'s class prior (log scale: it spans orders
    of magnitude) beside the rebalancing weights that invert it (paper C,
    section 3.1; Zhang et al., figure 3 and eq. 4).

    Args:
        centers: (Q, 2) class centres in Lab units, e.g.
            ``kcolor.quantize.GamutBins().centers``.
        values: ``{title: (Q,) array}``, one panel each.
        grid: the squares' side in Lab units (``GamutBins.grid``).
        log: a set of titles whose panel uses a log colour scale (default:
            none), spanning four decades below the panel's largest value.
        cell_size: inches per panel.

    Returns:
        ``matplotlib.figure.Figure`` with one axes (and colour bar) per panel.

    Example:

    >>> bins = kcolor.quantize.GamutBins().fit(train_ds)
    >>> ab_plane(bins.centers, {"prior": bins.smoothed_prior,
    ...                         "weights": bins.rebalance_weights()}, log={"prior"})
    """
    from matplotlib.collections import PatchCollection
    from matplotlib.colors import LogNorm, Normalize
    from matplotlib.patches import Rectangle

    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or centers.shape[1] != 2:
        raise ValueError(f"centers must have shape (Q, 2), got {centers.shape}.")
    if not values:
        raise ValueError("values must name at least one (Q,) array.")
    log = set(log or ())
    fig = Figure(figsize=(cell_size * 1.25 * len(values), cell_size), layout="constrained")
    axes = fig.subplots(1, len(values), squeeze=False)[0]
    half = float(grid) / 2.0
    for ax, (title, value) in zip(axes, values.items()):
        value = np.asarray(value, dtype=np.float64).reshape(-1)
        if value.shape != (len(centers),):
            raise ValueError(f"values[{title!r}] has {value.size} entries for "
                             f"{len(centers)} classes.")
        if title in log:
            # Four decades below the largest value: a smoothed prior's far
            # tail (1e-40 and less) would otherwise take the whole scale.
            positive = value[value > 0]
            low = max(positive.min(), 1e-4 * value.max()) if positive.size else 1e-6
            norm = LogNorm(vmin=low, vmax=max(value.max(), low * 10))
            value = np.maximum(value, low)
        else:
            norm = Normalize(vmin=value.min(), vmax=value.max())
        squares = [Rectangle((a - half, b - half), 2 * half, 2 * half) for a, b in centers]
        patches = PatchCollection(squares, cmap="viridis", norm=norm, edgecolor="none")
        patches.set_array(value)
        ax.add_collection(patches)
        ax.set_xlim(centers[:, 0].min() - grid, centers[:, 0].max() + grid)
        ax.set_ylim(centers[:, 1].min() - grid, centers[:, 1].max() + grid)
        ax.set_aspect("equal")
        ax.set_xlabel("a")
        ax.set_ylabel("b")
        ax.set_title(str(title), fontsize=10)
        fig.colorbar(patches, ax=ax, shrink=0.8)
    return fig


__all__ = ["compare", "history", "gradient_norms", "gan_losses", "ab_plane", "mosaic",
           "mosaics", "snapshots"]
