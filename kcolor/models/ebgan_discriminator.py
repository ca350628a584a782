"""EBGAN's auto-encoder discriminator (Zhao et al.; paper D, section 3.3)."""

from kcolor.backend import keras
from kcolor.models import blocks


def ebgan_discriminator(
    image_size,
    *,
    input_channels=3,
    base_filters=64,
    width=1.0,
    code_dim=None,
    max_filters=512,
    seed=None,
):
    """Energy-based discriminator: an auto-encoder whose energy is its reconstruction error.

    Paper D, section 3.3: "The discriminator is structured as an auto-encoder
    with a mean squared error loss", ``D(x) = ||Dec(Enc(x)) - x||^2``, and the
    pull-away term (PT) is computed on the encoder's output for a batch.
    Encoder: 4x4 stride-2 convolutions, channels doubling from
    ``base_filters`` (capped at ``max_filters``), batch norm on all but the
    first, LeakyReLU 0.2, down to a 4x4 map (3 layers at 32 px: 64 - 128 -
    256, the EBGAN paper's encoder; its 64 px model stops after these three
    at 8x8, ours adds a 512 layer to reach 4x4). Decoder: the mirror, 4x4
    transposed convolutions with batch norm and ReLU, and a last transposed
    convolution to ``input_channels`` with a **linear** output (the energy is
    an MSE, so there is no reason to bound the reconstruction; kcolor's
    normalised inputs lie in [-1, 1]). Weights from N(0, 0.02).

    With ``code_dim=None`` the code is the flattened 4x4 encoder map (as in
    EBGAN, whose PT is taken on the encoder output); with an int, a dense
    bottleneck of that size sits between encoder and decoder and is the code.

    Outputs a **list** ``[reconstruction, code]``:

    * ``reconstruction``: shape ``(batch, S, S, input_channels)``, the input's
      shape. The energy of a sample is
      ``mean((reconstruction - x) ** 2)`` over its pixels and channels.
    * ``code``: shape ``(batch, code_dim)``, the embedding the pull-away term
      ``PT = 1/(N(N-1)) sum_{i != j} cos(code_i, code_j)^2`` uses.

    Args:
        image_size: int, height and width; a power of two of at least 8.
        input_channels: int, 3 for ``concat(L, ab)``, or the channels of an
            unconditional image.
        base_filters: int, filters of the first encoder layer (64).
        width: float, multiplies every filter count.
        code_dim: None (code = flattened encoder output) or int (a dense
            bottleneck).
        max_filters: int, cap on the filter count before ``width``.
        seed: optional int for reproducible initial weights.

    Returns:
        A functional ``keras.Model`` named ``"ebgan_discriminator"``, input
        ``"image"``, outputs ``[reconstruction, code]``. With the defaults:
        1,319,235 parameters and code length 4096 at 32 px; 5,516,611 and
        8192 at 64 px.

    Example:
    >>> d = ebgan_discriminator(32, code_dim=128)
    >>> [tuple(s) for s in d.output_shape]
    [(None, 32, 32, 3), (None, 128)]

    Reference:
        Fabbri (paper D), section 3.3; Zhao, Mathieu and LeCun, "Energy-based
        Generative Adversarial Network", sections 2.3-2.4 and appendix C.
    """
    name = "ebgan_discriminator"
    image_size = blocks.check_image_size(image_size, name)
    blocks.check_power_of_two(image_size, name, "the encoder halves it down to 4x4")
    if image_size < 8:
        raise ValueError(f"{name}: image_size must be at least 8, got {image_size}")
    input_channels = blocks.check_int(input_channels, f"{name}: input_channels")
    base_filters = blocks.check_int(base_filters, f"{name}: base_filters")
    width = blocks.check_positive(width, f"{name}: width")
    max_filters = blocks.check_int(max_filters, f"{name}: max_filters")
    if code_dim is not None:
        code_dim = blocks.check_int(code_dim, f"{name}: code_dim")
    steps = blocks.halvings(image_size, smallest=4)
    init = blocks.dcgan_normal(seed)
    filters = [blocks.scale_filters(min(base_filters * 2**i, max_filters), width)
               for i in range(steps)]

    inputs = keras.Input((image_size, image_size, input_channels), name="image")
    x = inputs
    for i in range(steps):
        x = blocks.conv_block(
            x, filters[i], 4, strides=2, norm=i > 0, activation="leaky_relu",
            kernel_initializer=init, name=f"enc{i + 1}",
        )
    encoded_shape = tuple(x.shape[1:])
    code = keras.layers.Flatten(name="code_flatten")(x)
    if code_dim is not None:
        code = keras.layers.Dense(
            code_dim, kernel_initializer=init, dtype="float32", name="code"
        )(code)
        x = keras.layers.Dense(
            encoded_shape[0] * encoded_shape[1] * encoded_shape[2], use_bias=False,
            kernel_initializer=init, name="decode_dense",
        )(code)
        x = keras.layers.Reshape(encoded_shape, name="decode_reshape")(x)
        x = blocks.batch_norm(name="decode_bn")(x)
        x = keras.layers.ReLU(name="decode_act")(x)
    else:
        code = keras.layers.Identity(dtype="float32", name="code")(code)
    for j in range(steps - 1):
        x = blocks.conv_block(
            x, filters[steps - 2 - j], 4, strides=2, transpose=True, activation="relu",
            kernel_initializer=init, name=f"dec{j + 1}",
        )
    reconstruction = keras.layers.Conv2DTranspose(
        input_channels, 4, strides=2, padding="same", kernel_initializer=init,
        dtype="float32", name="reconstruction",
    )(x)
    return keras.Model(inputs, [reconstruction, code], name=name)
