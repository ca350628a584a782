"""Quantising ab into classes: paper E's uniform bins and Zhang et al.'s gamut bins.

Two ways to turn colourization into classification, both usable by
``kcolor.ClassColorizer``, one file each:

* ``UniformBins(n)`` (``uniform.py``): paper E (section 4.2.2). a and b are
  binned *independently* into ``n`` equal bins over [-100, 100] (``bin()``),
  the network predicts ``n`` logits per channel, trained on one-hot targets,
  and a class is turned back into a colour by the mean of the training
  values that fell in it (``unbin()``).
* ``GamutBins()`` (``gamut.py``): Zhang et al.'s "Colorful Image
  Colorization" (paper C, section 3.1, which adopts it). The ab plane is cut
  into a *joint* grid of 10 x 10 cells and only the cells that hold an sRGB
  colour are kept (Zhang et al. keep 313; we compute 261, see
  ``gamut_bin_centers`` in ``gamut_geometry.py``). A target is soft-encoded
  over its k nearest cells with a Gaussian (sigma 5), rare colours are
  up-weighted by the inverse of the smoothed class prior mixed with a
  uniform distribution ("class rebalancing"), and a predicted distribution
  is decoded by its mode, its mean, or its *annealed mean* (temperature
  T = 0.38), which keeps the vividness of the mode and the spatial
  consistency of the mean.

Both derive from ``Bins`` (``bins.py``), the interface ``ClassColorizer``
relies on (a class of your own works too: subclass ``Bins``, see its
docstring), which writes the decoding once.

Every encode and decode method takes and returns tensors, works on any batch
shape, runs inside a model's graph (``keras.ops``), and works on *normalised*
ab (``ab / 110``, the model convention): bins are defined in Lab units inside.
Fitting (``fit``, ``prior_from``) is numpy work done once, outside the graph.
Both classes are registered Keras-serializable objects: ``get_config``
stores the bin centres, fitted means and prior, so a ``ClassColorizer`` that
holds bins saves to ``.keras`` and reloads with identical predictions.

``make_bins`` builds the bins an experiment's settings name, and
``decoder`` turns one trained classifier into several colorizers, one per
decoding (``choice.py``).

This package knows nothing of data sets: the sample data set's prior, and
the derived files in the repository's ``data/`` folder, are
``kcolor.data.sample_prior``'s.

Example:

>>> bins = GamutBins()                       # 261 joint ab classes
>>> bins.fit(train_ds)                      # class prior of your (L, ab) batches
>>> index, weights = bins.sparse_soft_encode(ab)   # (..., 5) each, weights sum to 1
>>> ab_hat = bins.decode(logits, "annealed_mean", T=0.38)   # (..., 2)
"""

from kcolor.quantize.bins import DECODE_METHODS, DEFAULT_T, Bins
from kcolor.quantize.choice import BIN_KINDS, decoder, make_bins
from kcolor.quantize.gamut import GamutBins
from kcolor.quantize.gamut_geometry import gamut_bin_centers, srgb_surface_colors
from kcolor.quantize.uniform import UniformBins, uniform_bin_index

__all__ = [
    "Bins",
    "uniform_bin_index",
    "UniformBins",
    "GamutBins",
    "gamut_bin_centers",
    "srgb_surface_colors",
    "DECODE_METHODS",
    "DEFAULT_T",
    "BIN_KINDS",
    "make_bins",
    "decoder",
]
