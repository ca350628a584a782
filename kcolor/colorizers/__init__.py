"""Colorizers: Keras models that know their loss and their train step.

* ``Colorizer``: regression of ab (L2, L1, Huber or any Keras loss).
* ``ClassColorizer``: classification over ab bins, with rebalancing and
  annealed-mean decoding.
* ``CGAN``, ``LSGAN``, ``WGAN``, ``EBGAN``: the adversarial family, one file
  each with its two loss functions, sharing the train step of
  ``AdversarialColorizer`` (``adversarial.py``).

``scaling`` holds what several devices and mixed precision add to a train
step. Importing this package registers every colorizer class with Keras, so
saved ``.keras`` files load with ``keras.saving.load_model``.
"""

import functools

from kcolor.colorizers.regression import Colorizer
from kcolor.colorizers.classification import ClassColorizer
from kcolor.colorizers.adversarial import AdversarialColorizer
from kcolor.colorizers.cgan import CGAN
from kcolor.colorizers.lsgan import LSGAN
from kcolor.colorizers.wgan import WGAN
from kcolor.colorizers.ebgan import EBGAN


def _no_shuffle_for_datasets(fit):
    """Wraps ``keras.Model.fit`` so that a ``tf.data.Dataset`` gets ``shuffle=False``.

    Keras' ``fit`` defaults to ``shuffle=True`` and then warns, on every call
    with a dataset, that it ignores it (kcolor's datasets shuffle themselves).
    An explicit ``shuffle`` argument is passed on unchanged.
    """

    @functools.wraps(fit)
    def wrapped(self, x=None, *args, **kwargs):
        from kcolor.backend import tf

        if "shuffle" not in kwargs and len(args) < 8 and isinstance(x, tf.data.Dataset):
            kwargs["shuffle"] = False
        return fit(self, x, *args, **kwargs)

    wrapped._kcolor_no_shuffle = True
    return wrapped


for _cls in (Colorizer, ClassColorizer, AdversarialColorizer):
    if not getattr(_cls.fit, "_kcolor_no_shuffle", False):
        _cls.fit = _no_shuffle_for_datasets(_cls.fit)
del _cls

__all__ = ["Colorizer", "ClassColorizer", "AdversarialColorizer", "CGAN", "LSGAN", "WGAN", "EBGAN"]
