"""Colorizers: Keras models that know their loss and their train step.

* ``Colorizer``: regression of ab (L2, L1, Huber or any Keras loss).
* ``ClassColorizer``: classification over ab bins, with rebalancing and
  annealed-mean decoding.
* ``CGAN``, ``LSGAN``, ``WGAN``, ``EBGAN``: the adversarial family, one shared
  train step with per-family loss functions.
"""

import importlib

_WHERE = {
    "Colorizer": "regression",
    "ClassColorizer": "classification",
    "CGAN": "adversarial",
    "LSGAN": "adversarial",
    "WGAN": "adversarial",
    "EBGAN": "adversarial",
}


def __getattr__(name):
    if name in _WHERE:
        module = importlib.import_module(f"kcolor.colorizers.{_WHERE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'kcolor.colorizers' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_WHERE))
