"""kcolor: automatic image colorization with CNNs and GANs, in Keras 3.

The library behind the kcolor notebooks. Data flows one way::

    photos -> kcolor.data -> (L, ab) -> colorizer -> kcolor.metrics / plot / colorize

Submodules: ``color``, ``data``, ``quantize``, ``models``, ``losses``,
``metrics``, ``plot``, ``callbacks``, ``experiments``. Colorizers:
``Colorizer`` (regression), ``ClassColorizer`` (classification over ab bins)
and the adversarial family ``CGAN``, ``LSGAN``, ``WGAN``, ``EBGAN``.
``colorize(image, model)`` colourises a photo of any size.
"""

import importlib

from kcolor import backend  # noqa: F401  (quiet TensorFlow import, Keras backend)

__version__ = "0.1.0"

_SUBMODULES = {
    "backend",
    "color",
    "data",
    "quantize",
    "models",
    "losses",
    "layers",
    "metrics",
    "plot",
    "callbacks",
    "checkpoints",
    "colorizers",
    "experiments",
    "inference",
    "training",
    "turing",
    "sample_model",
}
_ATTRIBUTES = {
    "Colorizer": "kcolor.colorizers",
    "ClassColorizer": "kcolor.colorizers",
    "CGAN": "kcolor.colorizers",
    "LSGAN": "kcolor.colorizers",
    "WGAN": "kcolor.colorizers",
    "EBGAN": "kcolor.colorizers",
    "colorize": "kcolor.inference",
}


def __getattr__(name):
    # Submodules are imported on first use so `import kcolor` stays light.
    if name in _SUBMODULES:
        return importlib.import_module(f"kcolor.{name}")
    if name in _ATTRIBUTES:
        value = getattr(importlib.import_module(_ATTRIBUTES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kcolor' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _SUBMODULES | set(_ATTRIBUTES))
