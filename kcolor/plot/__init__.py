"""Figures for the notebooks: image grids, training curves, samples of generators.

Every function returns a Matplotlib ``Figure`` (``mosaic``: the array it
draws) and never calls ``plt.show()``. Figures are made with
``matplotlib.figure.Figure`` directly, not through ``pyplot``: nothing is
left open in pyplot's list of figures, and a notebook shows a figure exactly
once when it is a cell's last expression (or with ``display(fig)``); save it
with ``fig.savefig(path)``. The tables of numbers are in ``kcolor.tables``.

One kind of figure per module: ``grids`` (``compare``: grey | predictions |
truth), ``curves`` (``history``, ``gradient_norms``, ``gan_losses``),
``samples`` (``mosaic``, ``mosaics``, ``snapshots``: an unconditional
generator's samples) and ``plane`` (``ab_plane``: values over the ab
classes).

Example:

>>> L, ab = next(iter(test_ds))
>>> kcolor.plot.compare(L, ab, model={"L2": unet_l2, "cGAN": cgan}, n=6)
>>> kcolor.plot.history(history)
"""

from kcolor.plot.curves import gan_losses, gradient_norms, history
from kcolor.plot.grids import compare
from kcolor.plot.plane import ab_plane
from kcolor.plot.samples import mosaic, mosaics, snapshots

__all__ = ["compare", "history", "gradient_norms", "gan_losses", "ab_plane", "mosaic",
           "mosaics", "snapshots"]
