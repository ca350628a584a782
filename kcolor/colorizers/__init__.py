"""Colorizers: Keras models that know their loss and their train step.

* ``Colorizer``: regression of ab (L2, L1, Huber or any Keras loss).
* ``ClassColorizer``: classification over ab bins, with rebalancing and
  annealed-mean decoding.
* ``CGAN``, ``LSGAN``, ``WGAN``, ``EBGAN``: the adversarial family, one file
  each with its two loss functions (``discriminator_loss`` and
  ``adversarial_loss``, G's adversarial term), sharing the train step and
  ``generator_loss`` (G's total, pix2pix's name) of ``AdversarialColorizer``
  (``adversarial.py``).

``base`` holds the ``keras.Model`` they all build on (kcolor's XLA default),
``weights`` a GAN's loss weights that change during training (the
adversarial warm-up's ``LinearRamp``, the L1 weight's ``ColorThermostat``),
``options`` the checks of a GAN's options and ``from_settings`` (flat
settings -> constructor arguments), ``replicas`` what several devices and
mixed precision add to a train step, ``trackers`` the logged value Keras has
no tracker for. Importing this package registers every colorizer
class with Keras, so saved ``.keras`` files load with
``keras.saving.load_model``.
"""

from kcolor.colorizers.regression import Colorizer
from kcolor.colorizers.classification import ClassColorizer
from kcolor.colorizers.adversarial import AdversarialColorizer
from kcolor.colorizers.cgan import CGAN
from kcolor.colorizers.lsgan import LSGAN
from kcolor.colorizers.wgan import WGAN
from kcolor.colorizers.ebgan import EBGAN

__all__ = ["Colorizer", "ClassColorizer", "AdversarialColorizer", "CGAN", "LSGAN", "WGAN", "EBGAN"]
