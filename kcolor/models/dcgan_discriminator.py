"""Paper B's DCGAN discriminator (Nazeri et al., section 3.2)."""

from kcolor.backend import keras
from kcolor.models import blocks


def dcgan_discriminator(
    image_size,
    *,
    input_channels=3,
    base_filters=64,
    width=1.0,
    max_filters=512,
    seed=None,
):
    """DCGAN-style image discriminator: paper B, section 3.2.

    "A series of 4x4 convolutional layers with stride 2 with the number of
    channels being doubled after each downsampling. All convolution layers are
    followed by batch normalization, leaky ReLU activation with slope 0.2.
    After the last layer, a convolution is applied to map to a 1 dimensional
    output" (batch norm is left out on the first layer, section 3.3). The
    stride-2 layers halve the input down to 4x4 (3 layers at 32 px: 64 - 128 -
    256; 6 at 256 px: 64 - 128 - 256 - 512 - 512 - 512, the released code's
    Places365 list), then a 4x4 valid convolution maps the 4x4 map to one
    **logit** per image (no sigmoid: the losses use ``from_logits=True``).
    (At 32 px the released code has one more 4x4 stride-1 layer with 512
    filters before the output; we keep a single rule.) Weights from
    N(0, 0.02).

    Args:
        image_size: int, height and width; ``image_size / 2**n`` must reach
            a size between 3 and 7 by exact halvings (32, 64, 256; 28 -> 7).
        input_channels: int, 3 for ``concat(L, ab)``; 1 or 2 (or any) for
            unconditional images.
        base_filters: int, filters of the first layer (64).
        width: float, multiplies every filter count.
        max_filters: int, cap on the filter count before ``width``.
        seed: optional int for reproducible initial weights.

    Returns:
        A functional ``keras.Model`` named ``"dcgan_discriminator"``, input
        ``"image"``, output logits of shape ``(batch, 1)``. 664,129 parameters
        at 32 px, 2,767,425 at 64 px and 11,160,129 at 256 px (3 input
        channels).

    Example:
    >>> d = dcgan_discriminator(32)
    >>> d.output_shape
    (None, 1)

    Reference:
        Nazeri, Ng and Ebrahimi (paper B), sections 3.2 and 3.3; Radford et
        al., DCGAN.
    """
    name = "dcgan_discriminator"
    image_size = blocks.check_image_size(image_size, name)
    input_channels = blocks.check_int(input_channels, f"{name}: input_channels")
    base_filters = blocks.check_int(base_filters, f"{name}: base_filters")
    width = blocks.check_positive(width, f"{name}: width")
    max_filters = blocks.check_int(max_filters, f"{name}: max_filters")
    steps = blocks.halvings(image_size, smallest=3)
    # Stop at 4x4 (or the first size below 8) like DCGAN.
    while steps and image_size // 2**steps < 4 and image_size // 2 ** (steps - 1) <= 7:
        steps -= 1
    final = image_size // 2**steps
    if steps == 0 or final > 7:
        raise ValueError(
            f"{name}: image_size must halve exactly down to a 3x3 - 7x7 map (e.g. 28, 32, 64, "
            f"256), got {image_size}"
        )
    init = blocks.dcgan_normal(seed)

    inputs = keras.Input((image_size, image_size, input_channels), name="image")
    x = inputs
    for i in range(steps):
        filters = blocks.scale_filters(min(base_filters * 2**i, max_filters), width)
        x = blocks.conv_block(
            x, filters, 4, strides=2, norm=i > 0, activation="leaky_relu",
            kernel_initializer=init, name=f"down{i + 1}",
        )
    x = keras.layers.Conv2D(
        1, final, padding="valid", kernel_initializer=init, dtype="float32", name="logit"
    )(x)
    logits = keras.layers.Flatten(dtype="float32", name="flatten")(x)
    return keras.Model(inputs, logits, name=name)
