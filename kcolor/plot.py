"""Figures and tables for the notebooks: image grids, training curves, metric tables.

Every function returns a Matplotlib ``Figure`` (or a markdown string) and
never calls ``plt.show()``. Figures are made with ``matplotlib.figure.Figure``
directly, not through ``pyplot``: nothing is left open in pyplot's list of
figures, and a notebook shows a figure exactly once when it is a cell's last
expression (or with ``display(fig)``); save it with ``fig.savefig(path)``.

Example:

>>> L, ab = next(iter(test_ds))
>>> kcolor.plot.compare(L, ab, model={"L2": unet_l2, "cGAN": cgan}, n=6)
>>> kcolor.plot.history(history)
>>> print(kcolor.plot.metrics_table({"cGAN": ours}, paper={"cGAN": {"acc@2%": 24.1}}))
"""

import math
import numbers

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from kcolor import color

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
            comparing many models (paper E's figure 6, a row per loss).
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
        from kcolor.metrics import predictor  # the same model handling as evaluate

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
    fig = Figure(figsize=(cell_size * shape[1], cell_size * shape[0]), layout="constrained")
    axes = fig.subplots(*shape, squeeze=False)
    for j, (title, rgb) in enumerate(images):
        for i in range(n):
            ax = axes[j, i] if transpose else axes[i, j]
            ax.imshow(rgb[i], interpolation="nearest", vmin=0.0, vmax=1.0)
            ax.set_xticks([])
            ax.set_yticks([])
            if i == 0 and transpose:
                ax.set_ylabel(str(title), fontsize=9)
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


# ---------------------------------------------------------------------------
# Tables: the paper's numbers beside ours
# ---------------------------------------------------------------------------

#: Columns describing where a row's numbers come from, shown before the metrics.
META_KEYS = ("profile", "data", "images", "epochs")


def _is_fraction_key(key):
    return key.startswith(("acc@", "bin_acc"))


def _format(value, key, *, ours, digits):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or isinstance(value, numbers.Integral):
        return str(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        if _is_fraction_key(key):  # ours are fractions, the papers' are percentages
            return f"{100.0 * value if ours else value:.{digits}f}%"
        return f"{value:.{digits}f}"
    return str(value)


def _escape(text):
    return str(text).replace("|", "\\|")


def _table_cells(rows, paper, columns, digits, ours_label, paper_label):
    """The header and the rows of cells that both table renderings print."""
    from kcolor.metrics import SCORE_KEYS

    paper = paper or {}
    for what, table in (("rows", rows), ("paper", paper)):
        if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
            raise TypeError(f"{what} must be a dict {{name: {{key: value}}}}, got {table!r:.80}.")
    if not rows and not paper:
        raise ValueError("metrics_table needs at least one row.")

    present = []
    for table in (rows, paper):
        for row in table.values():
            present.extend(k for k in row if k not in present)
    every_row = (*rows.values(), *paper.values())
    meta = [k for k in present
            if k in META_KEYS or any(isinstance(row.get(k), str) for row in every_row)]
    meta.sort(key=lambda k: META_KEYS.index(k) if k in META_KEYS else len(META_KEYS))
    if columns is None:
        metric_cols = [k for k in SCORE_KEYS if k in present]
        metric_cols += [k for k in present if k not in metric_cols and k not in meta]
    else:
        metric_cols = [k for k in columns if k not in meta]

    header = ["model", "source", *meta, *metric_cols]
    body = []
    names = list(rows) + [name for name in paper if name not in rows]
    for name in names:
        for source, table, ours in ((paper_label, paper, False), (ours_label, rows, True)):
            if name not in table:
                continue
            row = table[name]
            cells = [name, source]
            cells += [_format(row.get(k), k, ours=ours, digits=digits) for k in meta]
            cells += [_format(row.get(k), k, ours=ours, digits=digits) for k in metric_cols]
            body.append(cells)
    return header, len(meta), body


def metrics_table(rows, *, paper=None, columns=None, digits=2, ours_label="ours",
                  paper_label="paper"):
    """A markdown table with the paper's numbers and ours side by side.

    Rows are grouped by model: the paper's row (when ``paper`` has one)
    directly above ours. Put the reference rows (``"grey"``, ``"truth"``,
    e.g. from ``kcolor.metrics.reference_rows``) in ``rows`` too.

    Our accuracies (``acc@...``, ``bin_acc...``) are fractions in [0, 1] and
    are printed as percentages; the paper's values are printed as given, in
    the paper's own units (so give its accuracies in percent, as it prints
    them: ``{"acc@2%": 24.1}``). Strings are printed verbatim, so a row may
    carry ``"profile"``, ``"data"`` or ``"epochs"`` describing where it comes
    from; these columns come first.

    Args:
        rows: ``{name: {key: value}}``, our numbers (e.g. ``evaluate`` results).
        paper: ``{name: {key: value}}``, the paper's numbers for some names.
        columns: the metric keys to show, in order (default: the
            ``kcolor.metrics.SCORE_KEYS`` present, then any other keys).
        digits: decimals for numbers.
        ours_label, paper_label: the "source" column's two values.

    Returns:
        A markdown string: ``print`` it or ``display(Markdown(table))``.

    Example:

    >>> print(metrics_table({"cGAN": evaluate(cgan, test_ds) | {"profile": "smoke"}},
    ...                     paper={"cGAN": {"acc@2%": 24.1, "acc@5%": 65.5, "data": "CIFAR-10"}}))
    """
    return _markdown(*_table_cells(rows, paper, columns, digits, ours_label, paper_label))


def _markdown(header, n_meta, body):
    n_metrics = len(header) - 2 - n_meta
    lines = ["| " + " | ".join(_escape(h) for h in header) + " |",
             "|" + "|".join(["---"] * (2 + n_meta) + ["---:"] * n_metrics) + "|"]
    lines += ["| " + " | ".join(_escape(c) for c in cells) + " |" for cells in body]
    return "\n".join(lines)


class ResultsTable:
    """A notebook's results table: the paper's numbers, ours, grey and truth.

    Made by ``results_table``; shows itself as a table in Jupyter (HTML,
    with the CSS class ``kcolor-results`` that ``scripts/build_index.py``
    collects) and as markdown under ``print``. ``table["cGAN"]`` is our row
    for the asserts a notebook makes.

    Attributes:
        rows: ``{name: {key: value}}``, ours plus ``"grey"`` and ``"truth"``.
        paper: ``{name: {key: value}}``, the paper's numbers (its units).
        title: a caption naming the experiment, profile and data.
    """

    def __init__(self, rows, paper=None, *, title="", columns=None, digits=2):
        self.rows = rows
        self.paper = paper or {}
        self.title = title
        self.columns = columns
        self.digits = digits
        # The cells of both renderings, built (and the input checked) once.
        self._cells = _table_cells(rows, self.paper, columns, digits, "ours", "paper")

    def __getitem__(self, name):
        return self.rows[name]

    @property
    def markdown(self):
        table = _markdown(*self._cells)
        return f"**{self.title}**\n\n{table}" if self.title else table

    def __str__(self):
        return self.markdown

    def _repr_markdown_(self):
        return self.markdown

    def _repr_html_(self):
        import html

        header, n_meta, body = self._cells
        align = ["left"] * (2 + n_meta) + ["right"] * (len(header) - 2 - n_meta)
        out = ['<table class="kcolor-results">']
        if self.title:
            out.append(f"<caption>{html.escape(self.title)}</caption>")
        out.append("<thead><tr>" + "".join(
            f'<th style="text-align:{a}">{html.escape(h)}</th>' for h, a in zip(header, align)
        ) + "</tr></thead><tbody>")
        for cells in body:
            style = ' style="color:#666"' if cells[1] == "paper" else ""
            out.append(f"<tr{style}>" + "".join(
                f'<td style="text-align:{a}">{html.escape(c)}</td>' for c, a in zip(cells, align)
            ) + "</tr>")
        out.append("</tbody></table>")
        return "".join(out)


def results_table(models, dataset, *, profile, data, paper=None, title=None, columns=None,
                  max_batches=None, extra=None, digits=2, bins=None,
                  color_space="lab"):
    """Scores models on a test set and tabulates them beside the paper's numbers.

    The one table every notebook prints: for each model our numbers (with
    the profile and the data that produced them) below the paper's, then
    the two reference rows every table needs: ``grey`` (ab = 0) and
    ``truth`` (the photos themselves, whose colourfulness is the target).

    Args:
        models: ``{name: model}`` (anything ``kcolor.metrics.evaluate``
            takes) or ``{name: dict}`` of scores already computed.
        dataset: the test set of ``(L, ab)`` batches.
        profile: ``"smoke"``, ``"quick"`` or ``"full"``: printed on our rows.
        data: what ``dataset`` is, e.g. ``"sample test, 32 px"``.
        paper: ``{name: {key: value}}``: the paper's numbers for the same
            names, in the paper's units (accuracies in percent).
        title: the caption (default: ``"<profile> profile, <data>"``).
        columns: metric keys to show (default: every one computed).
        max_batches: score only the first batches of ``dataset``.
        extra: ``{name: {key: value}}`` merged into our rows (e.g. epochs).
        digits: decimals.
        bins: bin counts for paper E's bin accuracy, e.g. ``(10, 30, 50)``:
            adds ``bin_acc@n`` (and its per-channel variants) to every
            row, the grey and truth rows included (see
            ``kcolor.metrics.evaluate``).
        color_space: ``"yuv"`` for paper A's ``(Y, UV)`` test set and models
            (see ``kcolor.metrics.evaluate``); default ``"lab"``.

    Returns:
        A ``ResultsTable``.

    Example:

    >>> table = results_table({"U-Net (L2)": unet, "cGAN": cgan}, test, profile="smoke",
    ...                       data="sample test, 32 px",
    ...                       paper={"cGAN": {"acc@5%": 65.5, "data": "CIFAR-10"}})
    >>> table                                  # the last expression of a cell
    >>> assert table["cGAN"]["colorfulness"] > table["U-Net (L2)"]["colorfulness"]
    """
    from kcolor.metrics import SCORE_KEYS, evaluate, reference_rows

    # Columns that are no score (the paper's own "mae", "train_s", ...) are
    # shown where a row has them; only the scores are computed.
    keys = None if columns is None else [k for k in columns if k in SCORE_KEYS]
    rows = {}
    for name, model in models.items():
        scores = dict(model) if isinstance(model, dict) else evaluate(
            model, dataset, max_batches=max_batches, keys=keys, bins=bins,
            color_space=color_space)
        rows[name] = scores
    rows.update(reference_rows(dataset, max_batches=max_batches, keys=keys, bins=bins,
                               color_space=color_space))
    for name, row in rows.items():
        row.update(profile=profile, data=data)
        row.update((extra or {}).get(name, {}))
    return ResultsTable(rows, paper, title=title or f"{profile} profile, {data}",
                        columns=columns, digits=digits)


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


__all__ = ["compare", "history", "metrics_table", "results_table", "ResultsTable", "META_KEYS",
           "ab_plane", "gradient_norms"]
