"""Training curves: a run's history, the generator's gradient norm, GAN losses side by side."""

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


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


__all__ = ["history", "gradient_norms", "gan_losses"]
