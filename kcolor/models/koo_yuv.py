"""Paper A's GAN networks inside the baseline's preprocessing: they take and give raw YUV.

Paper A trains its conditional DCGAN (sections 3.2.2 and 4.1) on the
preprocessed data set: contrast-normalised Y and standardised UV, the
statistics of the trained baseline. These two wrappers apply the baseline's
``kcolor.layers.KooPreprocessing`` around a core network, so that the GAN,
like the baseline, takes raw Y and returns raw UV, and its discriminator
sees ``(Y, UV)`` as paper A's does.
"""

import numpy as np

from kcolor.backend import keras
from kcolor.layers import SpatialContrastiveNormalization


def _contrast(preprocessing):
    return SpatialContrastiveNormalization(preprocessing.kernel_size, preprocessing.sigma,
                                           name="contrast")


def koo_yuv_generator(core, preprocessing):
    """Paper A's generator inside the baseline's preprocessing: ``[Y, z] -> UV``.

    ``core`` (a ``koo_generator``) sees contrast-normalised Y and predicts
    standardised UV, as the baseline it starts from was trained to; this
    model applies the baseline's ``KooPreprocessing`` around it, so that it
    takes raw Y and returns raw UV like the data (paper A, sections 3.2.2
    and 4.1).

    Args:
        core: a ``kcolor.models.koo_generator`` model, inputs ``[L, z]``.
        preprocessing: the trained baseline's ``kcolor.layers.KooPreprocessing``.

    Returns:
        A functional ``keras.Model`` ``[Y, z] -> UV`` named ``koo_yuv_generator``.
    """
    Y = keras.Input(core.inputs[0].shape[1:], name="L")
    z = keras.Input(core.inputs[1].shape[1:], name="z")
    uv = core([_contrast(preprocessing)(Y), z])
    mean = np.asarray(preprocessing.targets.mean).tolist()
    std = np.asarray(preprocessing.targets.std).tolist()
    uv = keras.layers.Rescaling(scale=std, offset=mean, name="destandardize")(uv)
    return keras.Model([Y, z], uv, name="koo_yuv_generator")


def koo_yuv_discriminator(core, preprocessing):
    """A discriminator that sees ``(Y, UV)`` as paper A's D does: preprocessed.

    ``D(x_UV | x_Y)`` of section 3.2 is trained on the preprocessed data set:
    contrast-normalised Y and standardised UV. This model takes the raw
    ``concat(Y, UV)`` the GAN gives it and applies the baseline's
    ``KooPreprocessing`` before ``core``.

    Args:
        core: a discriminator on 3 channels (``koo_discriminator``, ``patchgan``).
        preprocessing: the trained baseline's ``kcolor.layers.KooPreprocessing``.

    Returns:
        A functional ``keras.Model`` named ``koo_yuv_discriminator``.
    """
    image = keras.Input(core.inputs[0].shape[1:], name="image")
    mean = np.asarray(preprocessing.targets.mean)
    std = np.asarray(preprocessing.targets.std)
    uv = keras.layers.Rescaling(scale=(1.0 / std).tolist(), offset=(-mean / std).tolist(),
                                name="standardize")(image[..., 1:])
    x = keras.layers.Concatenate(name="y_uv")([_contrast(preprocessing)(image[..., :1]), uv])
    return keras.Model(image, core(x), name="koo_yuv_discriminator")


__all__ = ["koo_yuv_generator", "koo_yuv_discriminator"]
