"""kcolor: automatic image colorization with CNNs and GANs, in Keras 3.

The library behind the kcolor notebooks, which reproduce five papers:

* A: Koo, *Automatic colorization with deep convolutional generative
  adversarial networks* (notebooks 01, 02);
* B: Nazeri, Ng and Ebrahimi, *Image colorization using generative
  adversarial networks* (notebook 03);
* C: *Colorful image colorization* and its GAN variants (notebooks 05, 07);
* D: Fabbri, *A comparative study of generative adversarial networks towards
  automatic image colorization* (notebooks 06, 07);
* E: *CNN losses and classification for colorization* (notebooks 04, 08).

Data flows one way::

    photos -> kcolor.data -> (L, ab) -> colorizer -> kcolor.metrics / tables / plot / colorize

Submodules, one idea each: ``color`` (Lab and YUV), ``data`` (photos to
``(L, ab)`` batches), ``quantize`` (ab bins for classification), ``models``
(the papers' networks), ``layers``, ``losses``, ``colorizers`` (the train
steps), ``metrics``, ``tables`` (results tables, and claims with their verdicts), ``plot`` (figures),
``callbacks``, ``checkpoints`` (resuming long runs), ``experiments`` (every
notebook's settings, in three profiles), ``inference``, ``turing``.
Colorizers: ``Colorizer`` (regression), ``ClassColorizer`` (classification
over ab bins) and the adversarial family ``CGAN``, ``LSGAN``, ``WGAN``,
``EBGAN``, which share one train step (``kcolor.colorizers.adversarial``).
``colorize(image, model)`` colourises a photo of any size.

``import kcolor`` is enough to load any model kcolor saved, the Keras way::

    import keras, kcolor
    model = keras.models.load_model("models/03_cgan_quick.keras")

because importing kcolor imports the modules that register its Keras classes
and functions (``REGISTERING``); every other submodule is imported on first
use, so ``import kcolor`` costs little more than importing TensorFlow.
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
    "tables",
    "digit_scores",
    "callbacks",
    "checkpoints",
    "colorizers",
    "experiments",
    "inference",
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


# The modules that register Keras-serializable classes and functions
# (``keras.saving.register_keras_serializable``): imported with kcolor, so that
# ``keras.models.load_model`` finds ``kcolor>Colorizer``,
# ``kcolor>leaky_relu_after_bias`` and the rest without a ``custom_objects``.
# tests/test_load_model.py fails when a registering module is missing here.
REGISTERING = (
    "kcolor.layers",
    "kcolor.losses",
    "kcolor.models",
    "kcolor.metrics",
    "kcolor.quantize",
    "kcolor.colorizers",
)
for _module in REGISTERING:
    importlib.import_module(_module)
del _module


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
