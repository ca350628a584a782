"""pix2pix's N x N PatchGAN discriminator (papers D section 4, E appendix 1)."""

import math

from kcolor.backend import keras
from kcolor.models import blocks


def patchgan_receptive_field(n_layers):
    """Receptive field of :func:`patchgan` with ``n_layers`` stride-2 layers.

    From the layer list (all 4x4 kernels): ``n_layers`` stride-2 convolutions,
    one stride-1 convolution and the stride-1 output convolution. 70 for
    ``n_layers=3`` (pix2pix's 70x70 PatchGAN), 34 for 2, 16 for 1, 142 for 4.
    """
    field, jump = 1, 1
    for stride in [2] * n_layers + [1, 1]:
        field += 3 * jump
        jump *= stride
    return field


def patchgan_output_size(image_size, n_layers):
    """Side of the logit map: ``image_size / 2**n_layers - 2`` (30 at 256 px)."""
    return image_size // 2**n_layers - 2


def patchgan(image_size, *, input_channels=3, base_filters=64, width=1.0, n_layers=None,
             max_filters=512, seed=None):
    """pix2pix's PatchGAN: classifies each N x N patch as real or fake.

    The 70x70 PatchGAN of Isola et al. is C64-C128-C256-C512 then a
    convolution to one channel, all 4x4: the first three with stride 2, the
    last two with stride 1 and one pixel of zero padding; batch norm on all
    but the first layer, LeakyReLU 0.2. At 256 px it outputs a 30x30 map of
    **logits** (no sigmoid: use ``from_logits=True``) whose units each see a
    70x70 patch. Paper E's appendix 1 describes this discriminator ("the
    output is a 30x30 image where each pixel value represents how believable
    the corresponding section of the image is") and paper D section 4 adopts
    pix2pix's architecture. Weights from N(0, 0.02).

    ``n_layers`` is the number of stride-2 layers (pix2pix's own argument; the
    filters double each layer up to ``max_filters``). By default it follows
    the image size, ``min(3, log2(image_size) - 3)``, so that small images
    still give a grid of patches rather than one score:

    ========== ======== =============== ================
    image size n_layers receptive field output
    ========== ======== =============== ================
    16         1        16 x 16         6 x 6
    32         2        34 x 34         6 x 6
    64         3        70 x 70         6 x 6
    128        3        70 x 70         14 x 14
    256        3        70 x 70         30 x 30
    ========== ======== =============== ================

    Args:
        image_size: int, height and width; divisible by ``2**n_layers`` with
            an output of at least 1x1.
        input_channels: int, 3 for ``concat(L, ab)``.
        base_filters: int, filters of the first layer (64).
        width: float, multiplies every filter count.
        n_layers: int, stride-2 layers (3 for the 70x70 PatchGAN).
        max_filters: int, cap on the filter count before ``width``.
        seed: optional int for reproducible initial weights.

    Returns:
        A functional ``keras.Model`` named ``"patchgan"``, input ``"image"``,
        output logits of shape ``(batch, P, P, 1)`` with
        ``P = image_size / 2**n_layers - 2``. 2,767,425 parameters with the
        defaults at 64 px to 256 px (``n_layers=3``); 664,129 at 32 px.

    Example:
    >>> d = patchgan(256)
    >>> d.output_shape
    (None, 30, 30, 1)
    >>> patchgan_receptive_field(3)
    70

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional Adversarial
        Networks", section 3.2.2 and appendix 6.1.2; Fabbri (paper D),
        section 4; paper E, appendix 1.
    """
    name = "patchgan"
    image_size = blocks.check_image_size(image_size, name)
    input_channels = blocks.check_int(input_channels, f"{name}: input_channels")
    base_filters = blocks.check_int(base_filters, f"{name}: base_filters")
    width = blocks.check_positive(width, f"{name}: width")
    max_filters = blocks.check_int(max_filters, f"{name}: max_filters")
    if n_layers is None:
        if image_size < 16:
            raise ValueError(f"{name}: image_size must be at least 16, got {image_size}")
        n_layers = max(1, min(3, int(math.log2(image_size)) - 3))
    else:
        n_layers = blocks.check_int(n_layers, f"{name}: n_layers")
    blocks.check_divisible(image_size, 2**n_layers, name, f"n_layers={n_layers} stride-2 layers")
    if patchgan_output_size(image_size, n_layers) < 1:
        raise ValueError(
            f"{name}: image_size {image_size} is too small for n_layers={n_layers}: the output "
            f"would be {patchgan_output_size(image_size, n_layers)} wide; use fewer layers"
        )
    init = blocks.dcgan_normal(seed)

    def filters(i):
        return blocks.scale_filters(min(base_filters * 2**i, max_filters), width)

    inputs = keras.Input((image_size, image_size, input_channels), name="image")
    x = inputs
    for i in range(n_layers):
        x = blocks.conv_block(
            x, filters(i), 4, strides=2, norm=i > 0, activation="leaky_relu",
            kernel_initializer=init, name=f"down{i + 1}",
        )
    x = keras.layers.ZeroPadding2D(1, name="pad1")(x)
    x = blocks.conv_block(
        x, filters(n_layers), 4, padding="valid", activation="leaky_relu",
        kernel_initializer=init, name=f"conv{n_layers + 1}",
    )
    x = keras.layers.ZeroPadding2D(1, name="pad2")(x)
    logits = keras.layers.Conv2D(
        1, 4, padding="valid", kernel_initializer=init, dtype="float32", name="logits"
    )(x)
    return keras.Model(inputs, logits, name=name)
