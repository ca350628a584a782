"""``ab_plane``: values over the ab plane, one square per ab class (a prior, its weights)."""

import numpy as np
from matplotlib.collections import PatchCollection
from matplotlib.colors import LogNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle


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


__all__ = ["ab_plane"]
