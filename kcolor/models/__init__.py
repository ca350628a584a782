"""Network builders for the five papers: functions returning functional ``keras.Model``s.

Every builder takes ``image_size`` first, works in NHWC float32, validates its
arguments, cites its paper section, and builds from standard Keras layers
only, so every model saves to ``.keras`` and loads with ``safe_mode=True``.

Colorizers (input ``L`` of shape (S, S, 1), output normalised ab):

* :func:`koo_baseline`: paper A, section 3.1 (YUV baseline; linear output).
* :func:`koo_generator`: paper A, section 3.2 (the baseline plus a noise
  input; :func:`transfer_baseline_weights`). :func:`koo_yuv_generator` and
  :func:`koo_yuv_discriminator` wrap paper A's GAN networks in the trained
  baseline's preprocessing (raw YUV in and out).
* :func:`unet`: paper B, section 3.1, and pix2pix (tanh output).
* :func:`colorful`: Zhang et al. (paper C, section 3): logits over the
  in-gamut ab classes (261 by default, ``kcolor.quantize.GamutBins()``;
  Zhang et al. count 313) or tanh regression.
* :func:`deep_cnn`: paper E, section 4.2.3: tanh regression or per-channel
  bin logits of shape (S, S, 2, num_classes).

Unconditional generators: :func:`dcgan_generator` (paper D, section 3.1) and
:func:`mlp_generator` (paper D, section 3: the original GAN's MLP; its
discriminator is :func:`mlp_discriminator`).

A judge, not a paper's network: :func:`digit_classifier` scores notebook
06's generated digits (``kcolor.digit_scores``).

Discriminators (input ``concat(L, ab)`` by default; LOGITS out):

* :func:`koo_discriminator`: paper A, (batch, 1).
* :func:`dcgan_discriminator`: paper B, section 3.2, (batch, 1).
* :func:`patchgan`: pix2pix's PatchGAN, (batch, P, P, 1).
* :func:`ebgan_discriminator`: paper D, section 3.3, ``[reconstruction, code]``.

The output layers compute in float32, so that under a ``mixed_float16``
policy the outputs (and the losses on them) stay float32.

``BUILDERS`` maps the name of each generator and discriminator builder (the
``"builder"`` of an experiment's settings) to the function.
"""

from kcolor.models.blocks import receptive_field
from kcolor.models.colorful import colorful
from kcolor.models.dcgan_discriminator import dcgan_discriminator
from kcolor.models.dcgan_generator import dcgan_generator
from kcolor.models.deep_cnn import deep_cnn
from kcolor.models.digit_classifier import digit_classifier
from kcolor.models.ebgan_discriminator import ebgan_discriminator
from kcolor.models.koo_baseline import koo_baseline
from kcolor.models.koo_discriminator import koo_discriminator
from kcolor.models.koo_generator import koo_generator, transfer_baseline_weights
from kcolor.models.koo_yuv import koo_yuv_discriminator, koo_yuv_generator
from kcolor.models.mlp_gan import mlp_discriminator, mlp_generator
from kcolor.models.patchgan import patchgan, patchgan_output_size, patchgan_receptive_field
from kcolor.models.unet import unet

BUILDERS = {
    "koo_baseline": koo_baseline,
    "koo_generator": koo_generator,
    "unet": unet,
    "colorful": colorful,
    "deep_cnn": deep_cnn,
    "dcgan_generator": dcgan_generator,
    "koo_discriminator": koo_discriminator,
    "dcgan_discriminator": dcgan_discriminator,
    "patchgan": patchgan,
    "ebgan_discriminator": ebgan_discriminator,
    "mlp_generator": mlp_generator,
    "mlp_discriminator": mlp_discriminator,
}

GENERATORS = ("koo_baseline", "koo_generator", "unet", "colorful", "deep_cnn")
DISCRIMINATORS = ("koo_discriminator", "dcgan_discriminator", "patchgan", "ebgan_discriminator")

__all__ = [
    "BUILDERS",
    "GENERATORS",
    "DISCRIMINATORS",
    "koo_baseline",
    "koo_generator",
    "transfer_baseline_weights",
    "koo_yuv_generator",
    "koo_yuv_discriminator",
    "unet",
    "colorful",
    "deep_cnn",
    "dcgan_generator",
    "koo_discriminator",
    "dcgan_discriminator",
    "patchgan",
    "patchgan_receptive_field",
    "patchgan_output_size",
    "ebgan_discriminator",
    "mlp_generator",
    "mlp_discriminator",
    "digit_classifier",
    "receptive_field",
]
