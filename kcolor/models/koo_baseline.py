"""Paper A's baseline colorization network (Koo, section 3.1, figure 2)."""

from kcolor.backend import keras
from kcolor.models import blocks

# Figure 2: three 3x3 convolutions (32, 32, 64 filters), then 1x1
# convolutions (32 filters, then the output channels).
KOO_CONV_FILTERS = (32, 32, 64)
KOO_POINTWISE_FILTERS = (32,)
_OUTPUT_ACTIVATIONS = (None, "linear", "tanh")


def koo_trunk(x, *, output_channels=2, output_activation=None, seed=None):
    """Paper A's baseline layers applied to ``x``; shared with :func:`koo_generator`.

    Layer names (``conv1`` ... ``conv5``, ``bn1`` ... ``bn4``, ``relu1`` ...)
    are the same in both builders, which is what
    :func:`kcolor.models.transfer_baseline_weights` matches on.
    """
    specs = [(f, 3) for f in KOO_CONV_FILTERS] + [(f, 1) for f in KOO_POINTWISE_FILTERS]
    for i, (filters, kernel) in enumerate(specs, start=1):
        x = keras.layers.Conv2D(
            filters,
            kernel,
            padding="same",
            use_bias=False,  # followed by batch norm
            kernel_initializer=blocks.he_normal(None if seed is None else seed + i),
            name=f"conv{i}",
        )(x)
        x = blocks.batch_norm(name=f"bn{i}")(x)
        x = keras.layers.ReLU(name=f"relu{i}")(x)
    last = len(specs) + 1
    x = keras.layers.Conv2D(
        output_channels,
        1,
        padding="same",
        kernel_initializer=blocks.he_normal(None if seed is None else seed + last),
        dtype="float32", name=f"conv{last}",
    )(x)
    if output_activation == "tanh":
        x = keras.layers.Activation("tanh", dtype="float32", name="output_tanh")(x)
    return x


def check_output_activation(output_activation, builder):
    if output_activation not in _OUTPUT_ACTIVATIONS:
        raise ValueError(
            f"{builder}: output_activation must be None (linear, as in paper A) or 'tanh', "
            f"got {output_activation!r}"
        )
    return None if output_activation == "linear" else output_activation


def koo_baseline(
    image_size=32,
    *,
    input_channels=1,
    output_channels=2,
    output_activation=None,
    seed=None,
):
    """Koo's baseline colorization CNN: paper A, section 3.1.1 and figure 2.

    A small fully convolutional network with no pooling or upsampling, so the
    output has the input's height and width: three 3x3 convolutions with 32,
    32 and 64 filters, then two 1x1 convolutions with 32 and
    ``output_channels`` filters ("a series of fully-connected layers" applied
    per pixel). Every convolution but the last is followed by batch
    normalisation and ReLU. Weights use He et al.'s initialisation exactly as
    paper A's eq. 3 writes it, ``w = z / sqrt(n_l / 2)`` with ``z ~ N(0, 1)``.
    Each output pixel sees a 7x7 input patch (three 3x3 convolutions; paper
    A, section 5.2.1, speaks of a 9x9 patch).

    Paper A predicts the U and V channels of YUV, normalised to zero mean and
    unit variance over the data set, and its last layer has no activation; so
    the default here is a linear output. Pass ``output_activation="tanh"`` to
    bound the output to [-1, 1] like kcolor's normalised ``ab``.

    Args:
        image_size: int, height and width of the (square) input. Any size
            works (the network is fully convolutional); CIFAR-10's 32 is the
            paper's.
        input_channels: int, channels of the grey input (1: Y or L).
        output_channels: int, predicted chrominance channels (2: UV or ab).
        output_activation: None (linear, the paper's) or ``"tanh"``.
        seed: optional int for reproducible initial weights.

    Returns:
        A functional ``keras.Model`` named ``"koo_baseline"``, input ``"L"`` of
        shape ``(image_size, image_size, input_channels)``, output of shape
        ``(image_size, image_size, output_channels)``. 30,690 parameters with
        the defaults (the same at every image size).

    Example:
    >>> model = koo_baseline(32)
    >>> model.output_shape
    (None, 32, 32, 2)

    Reference:
        Koo, "Automatic Colorization with Deep Convolutional Generative
        Adversarial Networks" (paper A), section 3.1.1, figure 2, eq. 3.
    """
    name = "koo_baseline"
    image_size = blocks.check_image_size(image_size, name)
    input_channels = blocks.check_int(input_channels, f"{name}: input_channels")
    output_channels = blocks.check_int(output_channels, f"{name}: output_channels")
    output_activation = check_output_activation(output_activation, name)

    inputs = keras.Input((image_size, image_size, input_channels), name="L")
    outputs = koo_trunk(
        inputs,
        output_channels=output_channels,
        output_activation=output_activation,
        seed=seed,
    )
    return keras.Model(inputs, outputs, name=name)
