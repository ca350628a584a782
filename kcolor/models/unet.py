"""The U-Net generator of paper B (Nazeri et al., section 3.1) and pix2pix."""

from kcolor.backend import keras
from kcolor.models import blocks

# pix2pix puts dropout on (at most) the first three decoder blocks.
MAX_DROPOUT_BLOCKS = 3


def unet_filters(image_size, *, base_filters=64, width=1.0, depth=None, max_filters=512):
    """The encoder's filter counts, first (stride-1) layer first.

    Returns:
        list of int of length ``depth + 1``; entry 0 is the full-resolution
        stride-1 layer, entry ``i`` the i-th stride-2 layer
        (``min(base_filters * 2**i, max_filters) * width``).
    """
    if depth is None:
        depth = blocks.halvings(image_size, smallest=2)
    return [
        blocks.scale_filters(min(base_filters * 2**i, max_filters), width)
        for i in range(depth + 1)
    ]


def unet(
    image_size,
    *,
    base_filters=64,
    width=1.0,
    depth=None,
    dropout=0.0,
    input_channels=1,
    output_channels=2,
    max_filters=512,
    batch_norm=True,
    encoder_activation="leaky_relu",
    seed=None,
):
    """U-Net colorizer: paper B, section 3.1 (baseline) and 3.2 (its generator).

    Paper B's contracting path: 4x4 convolutions with stride 2, channels
    doubling at each step, batch normalisation and LeakyReLU (slope 0.2); its
    expansive path: 4x4 transposed convolutions with stride 2, concatenation
    with the mirroring encoder activation, batch normalisation and ReLU; last,
    a 1x1 convolution with tanh. As in the paper's released code (and its
    "Batch-Norm is not applied on the first layer of the generator") the first
    encoder layer is a 4x4 stride-1 convolution without batch norm that lifts
    the grey input to ``base_filters`` channels at full resolution. Layer lists
    (encoder filters; ``depth`` stride-2 layers down to a 2x2 bottleneck):

    * 32 px (CIFAR-10): 64 (s1) - 128 - 256 - 512 - 512, bottleneck 2x2;
      decoder 512 - 256 - 128 - 64: exactly paper B's CIFAR-10 network.
    * 256 px (Places365): 64 (s1) - 128 - 256 - 512 x 5, bottleneck 2x2;
      decoder 512 x 3 - 256 - 128 - 64 - 64. (The released code uses
      64 - 64 - 128 - 256 - 512 x 4 here; we keep one rule for all sizes.)

    Every decoder block upsamples to the resolution of an encoder activation,
    takes that activation's channel count, and is concatenated with it; the
    full-resolution skip (from the stride-1 layer) feeds the final 1x1
    convolution. (The released code leaves that last skip out; U-Net and
    pix2pix connect every level, "between layer i and layer n - i".)

    Noise: paper B and pix2pix give the generator no ``z`` and "provide noise
    only in the form of dropout" on the first decoder blocks. ``dropout`` sets
    its rate (0.5 in the papers' GANs, 0 for the regression baseline); it is
    applied to the first decoder blocks that have ``max_filters`` channels, at
    most three (one block at 32 px and three at 256 px, as the released code
    does), and only in training mode.

    Weights are drawn from N(0, 0.02) (DCGAN / pix2pix).

    Args:
        image_size: int, height and width of the (square) input; must be
            divisible by ``2**depth``.
        base_filters: int, filters of the first layer (64 in the papers).
        width: float, multiplies every filter count (e.g. 0.25 for CPU smoke
            runs).
        depth: int, number of stride-2 encoder layers (and of decoder blocks).
            Default: halve down to a 2x2 bottleneck (``log2(image_size) - 1``
            for powers of two; 4 at 32 px, 7 at 256 px).
        dropout: float in [0, 1), the decoder dropout rate (see above).
        input_channels: int, 1 for L; 2 lets a GAN feed L plus a noise plane.
        output_channels: int, 2 for ab.
        max_filters: int, cap on the filter count before ``width`` (512).
        batch_norm: bool, batch normalisation after every convolution but
            the first and the last (the papers); ``False`` gives a plain
            network that trains about twice as fast on a CPU at small
            widths (the quick profiles measure which to use).
        encoder_activation: ``"leaky_relu"`` (slope 0.2, the papers) or
            ``"relu"``.
        seed: optional int for reproducible initial weights.

    Returns:
        A functional ``keras.Model`` named ``"unet"``, input ``"L"`` of shape
        ``(image_size, image_size, input_channels)``, output (tanh) of shape
        ``(image_size, image_size, output_channels)``.
        Parameters with the defaults: 16,656,962 at 32 px, 29,243,970 at
        64 px and 54,417,986 at 256 px.

    Example:
    >>> model = unet(32, width=0.25)
    >>> model.output_shape
    (None, 32, 32, 2)

    Reference:
        Nazeri, Ng and Ebrahimi, "Image Colorization using Generative
        Adversarial Networks" (paper B), sections 3.1-3.3, and its released
        code; Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks" (pix2pix), section 3.2.1 and appendix 6.1.1.
    """
    name = "unet"
    image_size = blocks.check_image_size(image_size, name)
    base_filters = blocks.check_int(base_filters, f"{name}: base_filters")
    width = blocks.check_positive(width, f"{name}: width")
    dropout = blocks.check_rate(dropout, f"{name}: dropout")
    input_channels = blocks.check_int(input_channels, f"{name}: input_channels")
    output_channels = blocks.check_int(output_channels, f"{name}: output_channels")
    max_filters = blocks.check_int(max_filters, f"{name}: max_filters")
    encoder_activation = blocks.check_choice(
        encoder_activation, f"{name}: encoder_activation", ("leaky_relu", "relu"))
    if depth is None:
        depth = blocks.halvings(image_size, smallest=2)
        if depth < 1:
            raise ValueError(
                f"{name}: image_size must be even and at least 4 so that the encoder can "
                f"downsample at least once, got {image_size}"
            )
    else:
        depth = blocks.check_int(depth, f"{name}: depth")
        blocks.check_divisible(
            image_size, 2**depth, name, f"depth={depth} stride-2 layers halve it {depth} times"
        )

    filters = unet_filters(
        image_size, base_filters=base_filters, width=width, depth=depth, max_filters=max_filters
    )
    unscaled = [min(base_filters * 2**i, max_filters) for i in range(depth + 1)]
    init = blocks.dcgan_normal(seed)

    inputs = keras.Input((image_size, image_size, input_channels), name="L")

    # Encoder: stride-1 lift without batch norm, then stride-2 downsampling.
    x = blocks.conv_block(
        inputs, filters[0], 4, norm=False, activation=encoder_activation,
        kernel_initializer=init, name="enc0",
    )
    skips = [x]
    for i in range(1, depth + 1):
        x = blocks.conv_block(
            x, filters[i], 4, strides=2, norm=batch_norm, activation=encoder_activation,
            kernel_initializer=init, name=f"enc{i}",
        )
        skips.append(x)

    # Decoder: transposed convolution, batch norm, ReLU, (dropout), skip.
    dropout_blocks = 0
    if dropout:
        dropout_blocks = sum(1 for f in unscaled[:-1][::-1][:MAX_DROPOUT_BLOCKS]
                             if f == max_filters)
        dropout_blocks = max(dropout_blocks, 1)
    for j in range(depth):
        level = depth - 1 - j  # encoder level with the resolution we upsample to
        x = blocks.conv_block(
            x, filters[level], 4, strides=2, transpose=True, norm=batch_norm, activation="relu",
            kernel_initializer=init, dropout=dropout if j < dropout_blocks else 0.0,
            name=f"dec{j}",
        )
        x = keras.layers.Concatenate(name=f"skip{j}")([x, skips[level]])

    outputs = keras.layers.Conv2D(
        output_channels, 1, activation="tanh", kernel_initializer=init, dtype="float32",
        name="output",
    )(x)
    return keras.Model(inputs, outputs, name=name)
