"""Building blocks and argument checks shared by the model builders.

The builders in this package are plain functions that assemble functional
``keras.Model``s from standard Keras layers, so every model saves to
``.keras`` and loads with ``safe_mode=True``. This module holds the pieces
several of them share: a convolution block (convolution, batch normalisation,
activation, in the order a paper uses), He initialisation as paper A writes
it, filter-count scaling, the argument checks, and the analytic receptive
field of a chain of convolutions.
"""

import math

from kcolor.backend import keras

# Batch-norm momentum for every builder. Keras's default (0.99) lets the
# moving statistics lag behind for hundreds of steps, so a model trained for
# a short run predicts with stale statistics in inference mode; 0.9 (the
# value PyTorch's pix2pix and DCGAN use) settles in a few dozen steps.
BATCH_NORM_MOMENTUM = 0.9
BATCH_NORM_EPSILON = 1e-5
LEAKY_SLOPE = 0.2


@keras.saving.register_keras_serializable(package="kcolor")
def leaky_relu_after_bias(x):
    """LeakyReLU (slope 0.2) written as ``max(x, 0.2 x)``: the same function.

    Used where a convolution with a bias feeds the activation directly (no
    batch norm between them). TensorFlow 2.21's graph optimiser tries to fuse
    convolution + bias + LeakyReLU on CPU, fails on the gradient
    (``remapper failed ... LeakyReluGrad``), logs that error in every
    training run and leaves the graph unfused; ``maximum`` is not fused, so
    nothing fails and nothing is logged. Measured: same training speed.
    """
    return keras.ops.maximum(x, LEAKY_SLOPE * x)


def he_normal(seed=None):
    """He et al.'s initialisation as paper A, eq. 3, writes it: ``z / sqrt(n_l / 2)``.

    ``z ~ N(0, 1)`` untruncated and ``n_l`` the fan-in, i.e. a normal
    distribution with standard deviation ``sqrt(2 / fan_in)``. (Keras's
    ``"he_normal"`` truncates at two standard deviations, which shrinks the
    spread by about 12%.)
    """
    return keras.initializers.VarianceScaling(
        scale=2.0, mode="fan_in", distribution="untruncated_normal", seed=seed
    )


def dcgan_normal(seed=None):
    """DCGAN / pix2pix initialisation: weights from ``N(0, 0.02)``."""
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02, seed=seed)


def activation_layer(activation, name=None):
    """A layer for ``"relu"``, ``"leaky_relu"`` (slope 0.2), ``"tanh"`` or ``None``."""
    if activation is None or activation == "linear":
        return None
    if activation == "leaky_relu":
        return keras.layers.LeakyReLU(negative_slope=LEAKY_SLOPE, name=name)
    return keras.layers.Activation(activation, name=name)


def batch_norm(name=None):
    return keras.layers.BatchNormalization(
        momentum=BATCH_NORM_MOMENTUM, epsilon=BATCH_NORM_EPSILON, name=name
    )


def conv_block(
    x,
    filters,
    kernel_size,
    *,
    strides=1,
    dilation_rate=1,
    padding="same",
    transpose=False,
    norm=True,
    activation="relu",
    order="conv-norm-act",
    kernel_initializer="glorot_uniform",
    dropout=0.0,
    name=None,
):
    """Convolution, then batch norm and activation in the order ``order`` names.

    Args:
        x: input tensor (NHWC).
        filters, kernel_size, strides, dilation_rate, padding: as for
            ``keras.layers.Conv2D``.
        transpose: use ``Conv2DTranspose`` (fractionally strided convolution).
        norm: add a ``BatchNormalization`` layer.
        activation: ``"relu"``, ``"leaky_relu"`` (slope 0.2), ``"tanh"`` or None.
        order: ``"conv-norm-act"`` (papers A, B, D, pix2pix) or
            ``"conv-act-norm"`` (paper E: "a batchnorm layer after every
            ReLU").
        kernel_initializer: the convolution's initialiser.
        dropout: dropout rate applied after the block (0 for none).
        name: prefix of the layer names: ``{name}_conv``, ``{name}_bn``,
            ``{name}_act``, ``{name}_dropout``.

    Returns:
        The output tensor.
    """
    if order not in ("conv-norm-act", "conv-act-norm"):
        raise ValueError(f"order must be 'conv-norm-act' or 'conv-act-norm', got {order!r}")
    layer_cls = keras.layers.Conv2DTranspose if transpose else keras.layers.Conv2D
    # A bias right before batch norm is cancelled by its mean subtraction.
    use_bias = not (norm and order == "conv-norm-act")
    kwargs = dict(
        strides=strides,
        padding=padding,
        use_bias=use_bias,
        kernel_initializer=kernel_initializer,
        name=f"{name}_conv" if name else None,
    )
    if dilation_rate != 1:
        kwargs["dilation_rate"] = dilation_rate
    x = layer_cls(filters, kernel_size, **kwargs)(x)
    if activation == "leaky_relu" and use_bias:
        act = keras.layers.Activation(leaky_relu_after_bias, name=f"{name}_act" if name else None)
    else:
        act = activation_layer(activation, name=f"{name}_act" if name else None)
    bn = batch_norm(name=f"{name}_bn" if name else None) if norm else None
    steps = (bn, act) if order == "conv-norm-act" else (act, bn)
    for layer in steps:
        if layer is not None:
            x = layer(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name=f"{name}_dropout" if name else None)(x)
    return x


def scale_filters(filters, width):
    """``filters * width`` rounded, at least 1 (keras-hub style width multiplier)."""
    return max(1, int(round(filters * width)))


# ---------------------------------------------------------------- checks


def check_int(value, name, *, minimum=1):
    if isinstance(value, bool) or not isinstance(value, (int,)) and not _is_integral(value):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def _is_integral(value):
    try:
        import numpy as np

        return isinstance(value, np.integer)
    except ImportError:  # pragma: no cover
        return False


def check_image_size(image_size, builder, *, minimum=1):
    """Validates ``image_size`` (a positive integer; square images only)."""
    if isinstance(image_size, (tuple, list)):
        sizes = set(int(s) for s in image_size[:2])
        if len(sizes) != 1:
            raise ValueError(
                f"{builder}: only square images are supported, got image_size={image_size!r}"
            )
        image_size = sizes.pop()
    image_size = check_int(image_size, f"{builder}: image_size")
    if image_size < minimum:
        raise ValueError(f"{builder}: image_size must be at least {minimum}, got {image_size}")
    return image_size


def check_divisible(image_size, factor, builder, why):
    if image_size % factor:
        raise ValueError(
            f"{builder}: image_size must be divisible by {factor} ({why}), got {image_size}"
        )


def check_power_of_two(image_size, builder, why):
    if image_size < 1 or image_size & (image_size - 1):
        raise ValueError(
            f"{builder}: image_size must be a power of two ({why}), got {image_size}"
        )


def check_positive(value, name):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {value!r}") from None
    if not value > 0 or math.isinf(value):
        raise ValueError(f"{name} must be a positive number, got {value}")
    return value


def check_rate(value, name):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number in [0, 1), got {value!r}") from None
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be a dropout rate in [0, 1), got {value}")
    return value


def check_choice(value, name, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)!r}, got {value!r}")
    return value


def halvings(image_size, *, smallest):
    """How many times ``image_size`` halves exactly while staying >= ``smallest``."""
    n = 0
    while image_size % 2 == 0 and image_size // 2 >= smallest:
        image_size //= 2
        n += 1
    return n


# ---------------------------------------------------------- receptive field


def receptive_field(model):
    """Receptive field (pixels, per side) of one output unit of a conv chain.

    Computed analytically from the layer configurations: walking from the
    input to the output, each convolution or pooling layer with kernel ``k``,
    stride ``s`` and dilation ``d`` grows the field by ``(k - 1) * d * J``,
    where ``J`` is the product of the strides before it. Padding layers, batch
    norm, activations and dropout do not change it. Only chains (one path from
    input to output) are meaningful; skip connections are not followed.

    Args:
        model: a ``keras.Model`` (e.g. :func:`kcolor.models.patchgan`).

    Returns:
        int, e.g. 70 for pix2pix's 70x70 PatchGAN.

    Example:
    >>> receptive_field(patchgan(256))
    70
    """
    field, jump = 1, 1
    for layer in model.layers:
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
            kernel = layer.kernel_size[0]
            stride = layer.strides[0]
            dilation = layer.dilation_rate[0]
        elif isinstance(layer, (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)):
            kernel, stride, dilation = layer.pool_size[0], layer.strides[0], 1
        else:
            continue
        field += (kernel - 1) * dilation * jump
        jump *= stride
    return int(field)
