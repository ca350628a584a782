"""Colorizers: Keras models that know their loss and their train step.

* ``Colorizer``: regression of ab (L2, L1, Huber or any Keras loss).
* ``ClassColorizer``: classification over ab bins, with rebalancing and
  annealed-mean decoding.
* ``CGAN``, ``LSGAN``, ``WGAN``, ``EBGAN``: the adversarial family, one shared
  train step with per-family loss functions.

Importing this package registers every colorizer class with Keras, so saved
``.keras`` files load with ``keras.saving.load_model``.
"""

import functools

from kcolor.colorizers.regression import Colorizer
from kcolor.colorizers.classification import ClassColorizer
from kcolor.colorizers.adversarial import CGAN, EBGAN, LSGAN, WGAN, AdversarialColorizer


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
