"""Colorizers: Keras models that know their loss and their train step.

* ``Colorizer``: regression of ab (L2, L1, Huber or any Keras loss).
* ``ClassColorizer``: classification over ab bins, with rebalancing and
  annealed-mean decoding.
* ``CGAN``, ``LSGAN``, ``WGAN``, ``EBGAN``: the adversarial family, one shared
  train step with per-family loss functions.

Importing this package registers every colorizer class with Keras, so saved
``.keras`` files load with ``keras.saving.load_model``.
"""

from kcolor.colorizers.regression import Colorizer
from kcolor.colorizers.classification import ClassColorizer
from kcolor.colorizers.adversarial import CGAN, EBGAN, LSGAN, WGAN, AdversarialColorizer

__all__ = ["Colorizer", "ClassColorizer", "AdversarialColorizer", "CGAN", "LSGAN", "WGAN", "EBGAN"]
