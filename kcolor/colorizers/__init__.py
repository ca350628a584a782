"""Colorizers: Keras models that know their loss and their train step.

* ``Colorizer``: regression of ab (L2, L1, Huber or any Keras loss).
* ``ClassColorizer``: classification over ab bins, with rebalancing and
  annealed-mean decoding.
* ``CGAN``, ``LSGAN``, ``WGAN``, ``EBGAN``: the adversarial family, one shared
  train step with per-family loss functions.
"""

from kcolor.colorizers.regression import Colorizer  # noqa: F401
from kcolor.colorizers.classification import ClassColorizer  # noqa: F401
from kcolor.colorizers.adversarial import CGAN, LSGAN, WGAN, EBGAN  # noqa: F401
