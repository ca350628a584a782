"""Paper E's colorization CNN: nine 5x5 convolutions and a dense head (section 4.2.3)."""

from kcolor.backend import keras
from kcolor.models import blocks

# Paper E's figure 4 gives the channel counts in the drawing only, and they
# did not survive in the text we have; these defaults are ours (see the
# docstring). With the dense head the last convolution is narrow (2 channels)
# so that the dense layer, (S*S*C) x (S*S*2) weights, stays at 67 M
# parameters at 64 px; with the 1x1 head it keeps 32 channels.
DEEP_CNN_FILTERS = (32, 32, 64, 64, 128, 128, 64, 32, 2)
DEEP_CNN_FILTERS_CONV_HEAD = (32, 32, 64, 64, 128, 128, 64, 32, 32)
HEADS = ("regression", "classes")


def deep_cnn(
    image_size,
    *,
    filters=None,
    head="regression",
    num_classes=10,
    dense=True,
    width=1.0,
    dropout=0.0,
    input_channels=1,
    seed=None,
):
    """Paper E's CNN: nine 5x5 stride-1 convolutions, then a fully connected head.

    "We feed a 64x64x1 grayscale image through 9 Conv layers, where each Conv
    layer (kernel size of 5 and stride 1) is followed by a ReLU and BatchNorm
    layer [...] After the final Conv layer, we flatten the output and feed it
    to a Fully Connected layer whose output we reshape back to 64x64x2."
    (paper E, figure 4; "a batchnorm layer after every ReLU", section 4.2.6.)
    There is no pooling or upsampling: every layer keeps the input resolution.

    Channel counts: paper E prints them only in its figure 4, which our copy
    of the paper lacks, so the default ``filters`` is our choice:
    32 - 32 - 64 - 64 - 128 - 128 - 64 - 32 - 2 (about 1.05 M convolution
    weights), narrowing to 2 channels before the dense layer. The dense
    layer maps the flattened (S, S, C_last) features to every output value,
    so it holds ``S*S*C_last * S*S*out`` weights: with ``C_last = 2`` at 64 px
    that is 8192 x 8192 = 67.1 M parameters for regression, and 8192 x 81920
    = 671 M for ``head="classes"`` with 10 bins (2.7 GB of float32; paper E
    does not say how it sized this layer). ``dense=False`` replaces the dense
    layer by a 1x1 convolution (per-pixel head), for CPU runs.

    Heads:

    * ``"regression"``: tanh, output ``(S, S, 2)`` normalised ab.
    * ``"classes"``: paper E's per-channel classification (a and b binned
      independently into ``num_classes`` uniform bins each, section 4.2.2).
      Output: **logits** of shape ``(S, S, 2, num_classes)``, axis -2 is the
      channel (a, b), axis -1 the bin; use a sparse categorical
      cross-entropy with ``from_logits=True`` against integer bins of shape
      ``(S, S, 2)`` (``kcolor.quantize.uniform_bin_index``).

    Args:
        image_size: int, height and width of the (square) input (paper: 64).
        filters: sequence of nine ints, the convolutions' output channels.
            Default (None): ``DEEP_CNN_FILTERS`` with ``dense=True``, the same
            but 32 channels in the ninth convolution with ``dense=False`` (a 2
            channel bottleneck before a per-pixel head would starve it).
        head: ``"regression"`` or ``"classes"``.
        num_classes: int, bins per channel for ``head="classes"`` (paper E:
            10, also 30 and 50 in its Table 2).
        dense: bool, the paper's fully connected head (True) or a 1x1
            convolution (False).
        width: float, multiplies the filter counts of the first eight
            convolutions (the ninth, which sizes the dense layer, is kept).
        dropout: float, a dropout rate after each of the nine convolution
            blocks, "right after the batchnorm layers" (paper E, section
            4.2.7, its "L2 w Dropout" model); 0 (default) for none.
        input_channels: int, channels of the grey input.
        seed: optional int for reproducible initial weights.

    Returns:
        A functional ``keras.Model`` named ``"deep_cnn"``, input ``"L"``.
        Parameters with the defaults (regression): 5,251,082 at 32 px (the
        dense layer 4,196,352 of them) and 68,171,786 at 64 px (dense
        67,117,056); with ``dense=False`` 1,078,946 at any size. Classes
        head with 10 bins: 43,018,250 at 32 px, about 672 M at 64 px.

    Example:
    >>> model = deep_cnn(32, head="classes", num_classes=10, dense=False)
    >>> model.output_shape
    (None, 32, 32, 2, 10)

    Reference:
        "Exploring Convolutional Neural Networks for Automatic Image
        Colorization" (paper E), sections 4.2.2, 4.2.3 and figure 4, 4.2.6.
    """
    name = "deep_cnn"
    image_size = blocks.check_image_size(image_size, name)
    head = blocks.check_choice(head, f"{name}: head", HEADS)
    num_classes = blocks.check_int(num_classes, f"{name}: num_classes", minimum=2)
    width = blocks.check_positive(width, f"{name}: width")
    input_channels = blocks.check_int(input_channels, f"{name}: input_channels")
    dropout = float(dropout)
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"{name}: dropout must be in [0, 1), got {dropout}")
    if filters is None:
        filters = DEEP_CNN_FILTERS if dense else DEEP_CNN_FILTERS_CONV_HEAD
    if isinstance(filters, (str, bytes)) or not hasattr(filters, "__len__"):
        raise TypeError(f"{name}: filters must be a sequence of nine ints, got {filters!r}")
    filters = [blocks.check_int(f, f"{name}: filters[{i}]") for i, f in enumerate(filters)]
    if len(filters) != 9:
        raise ValueError(
            f"{name}: filters must list nine convolutions (paper E, figure 4), "
            f"got {len(filters)}"
        )
    filters = [blocks.scale_filters(f, width) for f in filters[:-1]] + [filters[-1]]

    init = keras.initializers.HeNormal(seed)
    inputs = keras.Input((image_size, image_size, input_channels), name="L")
    x = inputs
    for i, f in enumerate(filters, start=1):
        x = blocks.conv_block(
            x, f, 5, activation="relu", order="conv-act-norm",
            kernel_initializer=init, dropout=dropout, name=f"conv{i}",
        )

    per_pixel = 2 if head == "regression" else 2 * num_classes
    if dense:
        x = keras.layers.Flatten(name="flatten")(x)
        x = keras.layers.Dense(
            image_size * image_size * per_pixel,
            kernel_initializer=keras.initializers.GlorotUniform(seed),
            dtype="float32", name="dense",
        )(x)
    else:
        x = keras.layers.Conv2D(
            per_pixel, 1, kernel_initializer=init, dtype="float32", name="head_conv"
        )(x)
    if head == "regression":
        x = keras.layers.Reshape((image_size, image_size, 2), dtype="float32", name="ab")(x)
        x = keras.layers.Activation("tanh", dtype="float32", name="ab_tanh")(x)
    else:
        x = keras.layers.Reshape(
            (image_size, image_size, 2, num_classes), dtype="float32", name="bin_logits"
        )(x)
    return keras.Model(inputs, x, name=name)
