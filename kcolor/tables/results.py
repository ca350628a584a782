"""Results tables: the paper's numbers beside ours, in markdown and HTML.

``results_table`` scores models on a test set (it runs
``kcolor.metrics.evaluate`` itself) and returns a ``ResultsTable``: the
paper's rows, ours, and the grey and truth reference rows, which a notebook
shows as a table and asserts on (``table["cGAN"]["acc@5%"]``).
``metrics_table`` lays out numbers already computed as a markdown string.

Our accuracies are fractions and print as percentages; the paper's numbers
print as the paper gives them, in its own units.
"""

import html
import math
import numbers

from kcolor.metrics import SCORE_KEYS, evaluate, reference_rows
from kcolor.shown import Shown, html_table, markdown_table

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


def _table_cells(rows, paper, columns, digits, ours_label, paper_label):
    """The header and the rows of cells that both table renderings print."""
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
    header, n_meta, body = _table_cells(rows, paper, columns, digits, ours_label, paper_label)
    return markdown_table(header, body, _align(header, n_meta))


def _align(header, n_meta):
    """Model, source and the meta columns to the left; the metrics to the right."""
    return ["left"] * (2 + n_meta) + ["right"] * (len(header) - 2 - n_meta)


def _drop_stated_columns(header, n_meta, body, title):
    """Drops the ``profile`` and ``data`` columns where the title already states them.

    A column goes only when every row holds the same non-empty value and the
    title contains it, so no information is lost; a table with the paper's
    rows keeps them (the paper's rows leave ``profile`` empty).
    """
    keep = [i for i in range(len(header))
            if not (header[i] in ("profile", "data") and len({cells[i] for cells in body}) == 1
                    and body[0][i] and body[0][i] in title)]
    n_meta -= len(header) - len(keep)
    return [header[i] for i in keep], n_meta, [[cells[i] for i in keep] for cells in body]


class ResultsTable(Shown):
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
        self._cells = _drop_stated_columns(
            *_table_cells(rows, self.paper, columns, digits, "ours", "paper"), title)

    def __getitem__(self, name):
        return self.rows[name]

    @property
    def markdown(self):
        header, n_meta, body = self._cells
        return self._titled(markdown_table(header, body, _align(header, n_meta)))

    def _repr_html_(self):
        header, n_meta, body = self._cells
        return html_table("kcolor-results", self.title, header,
                          [[html.escape(c) for c in cells] for cells in body],
                          align=_align(header, n_meta),
                          row_styles=["color:#666" if c[1] == "paper" else "" for c in body])


def results_table(models, dataset, *, profile, data, paper=None, title=None, columns=None,
                  max_batches=None, extra=None, digits=2, bins=None,
                  color_space="lab"):
    """Runs ``kcolor.metrics.evaluate`` on every model; tables ours beside the paper's.

    It scores the models itself: give it models and a test set (for numbers
    already computed, use ``metrics_table``). The one table every notebook
    prints: for each model our numbers (with the profile and the data that
    produced them) below the paper's, then the two reference rows every
    table needs: ``grey`` (ab = 0) and ``truth`` (the photos themselves,
    whose colourfulness is the target).

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


__all__ = ["results_table", "ResultsTable", "metrics_table", "META_KEYS"]
