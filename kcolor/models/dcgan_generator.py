"""DCGAN's unconditional generator (Radford et al.; paper D, section 3.1)."""

from kcolor.backend import keras
from kcolor.models import blocks


def dcgan_generator(image_size=32, *, noise_dim=100, channels=1, base_filters=64, width=1.0,
                    seed=None):
    """DCGAN generator ``G(z)``: paper D, section 3.1, after Radford et al.

    ``z`` is projected by a dense layer and reshaped to a small feature map
    (4x4 for powers of two, 7x7 for MNIST's 28 px), then fractionally strided
    4x4 convolutions (stride 2) double the resolution and halve the channels
    up to ``image_size``. Batch normalisation and ReLU follow every layer but
    the output, which is tanh ("batch normalization is not applied to the
    generator output"; "ReLU activation is used in all layers except the
    output layer, which uses tanh"). No pooling, no fully connected hidden
    layers beyond the projection of ``z``. Weights from N(0, 0.02).

    With ``n`` upsampling steps the projection has ``base_filters *
    2**(n - 1)`` channels: at 64 px, 4x4x512 - 8x8x256 - 16x16x128 -
    32x32x64 - 64x64x``channels``, Radford et al.'s figure 1.

    Args:
        image_size: int, output height and width; ``image_size / 2**n`` must
            be an integer of at least 3 for some ``n >= 1`` (32, 64 or 28 work).
        noise_dim: int, length of ``z`` (100 in DCGAN).
        channels: int, image channels (1 for MNIST, 3 for RGB / Lab).
        base_filters: int, channels of the last hidden layer (64).
        width: float, multiplies every hidden filter count.
        seed: optional int for reproducible initial weights.

    Returns:
        A functional ``keras.Model`` named ``"dcgan_generator"``, input ``"z"``
        of shape ``(noise_dim,)``, output in [-1, 1] of shape
        ``(image_size, image_size, channels)``. 1,067,777 parameters at 32 px
        with one channel, 3,576,577 at 64 px and 760,065 at 28 px.

    Example:
    >>> g = dcgan_generator(28, channels=1)
    >>> g.output_shape
    (None, 28, 28, 1)

    Reference:
        Fabbri (paper D), section 3.1; Radford, Metz and Chintala,
        "Unsupervised Representation Learning with Deep Convolutional
        Generative Adversarial Networks", section 3 and figure 1.
    """
    name = "dcgan_generator"
    image_size = blocks.check_image_size(image_size, name)
    noise_dim = blocks.check_int(noise_dim, f"{name}: noise_dim")
    channels = blocks.check_int(channels, f"{name}: channels")
    base_filters = blocks.check_int(base_filters, f"{name}: base_filters")
    width = blocks.check_positive(width, f"{name}: width")
    steps = blocks.halvings(image_size, smallest=4)
    if steps == 0 and image_size % 2 == 0 and image_size // 2 >= 3:
        steps = 1
    if steps == 0:
        raise ValueError(
            f"{name}: image_size must be an even number whose halvings end at 3 or more "
            f"(e.g. 28, 32, 64), got {image_size}"
        )
    start = image_size // 2**steps
    init = blocks.dcgan_normal(seed)

    z = keras.Input((noise_dim,), name="z")
    start_filters = blocks.scale_filters(base_filters * 2 ** (steps - 1), width)
    x = keras.layers.Dense(
        start * start * start_filters, use_bias=False, kernel_initializer=init, name="project"
    )(z)
    x = keras.layers.Reshape((start, start, start_filters), name="project_reshape")(x)
    x = blocks.batch_norm(name="project_bn")(x)
    x = keras.layers.ReLU(name="project_act")(x)
    for i in range(1, steps):
        x = blocks.conv_block(
            x, blocks.scale_filters(base_filters * 2 ** (steps - 1 - i), width), 4, strides=2,
            transpose=True, activation="relu", kernel_initializer=init, name=f"up{i}",
        )
    x = keras.layers.Conv2DTranspose(
        channels, 4, strides=2, padding="same", kernel_initializer=init, dtype="float32",
        name=f"up{steps}",
    )(x)
    x = keras.layers.Activation("tanh", dtype="float32", name="image")(x)
    return keras.Model(z, x, name=name)
