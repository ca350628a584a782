"""Paper A's discriminator (Koo, section 3.2.1)."""

from kcolor.backend import keras
from kcolor.models import blocks

# Paper A gives the layer types but not their widths: these are ours.
KOO_DISCRIMINATOR_FILTERS = (32, 64, 128)
KOO_DISCRIMINATOR_UNITS = 512


def koo_discriminator(
    image_size=32,
    *,
    input_channels=3,
    conv_dropout=0.2,
    dense_dropout=0.5,
    filters=KOO_DISCRIMINATOR_FILTERS,
    dense_units=KOO_DISCRIMINATOR_UNITS,
    seed=None,
):
    """Koo's discriminator ``D(x_UV | x_Y)``: paper A, section 3.2.1.

    "A conventional convolutional neural network classifier: a series of
    three 3x3 convolutional layers with max-pooling followed by two
    fully-connected layers and a sigmoid activation to output a single
    probability prediction", with ReLU, He initialisation (eq. 3), dropout and
    no batch normalisation ("to prevent the discriminator from learning too
    quickly"). Here: three [3x3 conv, ReLU, 2x2 max-pool, dropout] stages,
    then a dense hidden layer with ReLU and dropout, then a dense layer to one
    **logit** (no sigmoid: the GAN losses use ``from_logits=True``).

    Dropout: paper A, section 5.2, says D "is heavily regularized with a
    dropout probability of 0.8 in the convolutional layers and 0.5 in the
    penultimate fully-connected layer". Its TensorFlow-1 code would pass these
    to ``tf.nn.dropout(x, keep_prob)``, so we read them as *keep*
    probabilities: Keras drop rates of 1 - 0.8 = 0.2 (convolutions) and 0.5
    (dense). (Read as drop probabilities, pass ``conv_dropout=0.8``.)

    The filter counts and the hidden layer's width are not in the paper; the
    defaults (32, 64, 128 filters and 512 units) are ours.

    Args:
        image_size: int, height and width; divisible by 8 (three 2x2 poolings).
        input_channels: int, 3 for ``concat(L, ab)`` (the condition and the
            colorisation; paper A feeds Y and UV), 1 or 2 for other inputs.
        conv_dropout: float, drop rate after each convolution stage.
        dense_dropout: float, drop rate after the hidden dense layer.
        filters: sequence of three ints, the convolutions' filters.
        dense_units: int, width of the hidden dense layer.
        seed: optional int for reproducible initial weights.

    Returns:
        A functional ``keras.Model`` named ``"koo_discriminator"``, input
        ``"image"`` of shape ``(image_size, image_size, input_channels)``,
        output logits of shape ``(batch, 1)``. 1,142,849 parameters at 32 px
        and 4,288,577 at 64 px.

    Example:
    >>> d = koo_discriminator(32)
    >>> d.output_shape
    (None, 1)

    Reference:
        Koo (paper A), section 3.2.1 (architecture), section 5.2 (dropout),
        eq. 3 (initialisation).
    """
    name = "koo_discriminator"
    image_size = blocks.check_image_size(image_size, name)
    blocks.check_divisible(image_size, 8, name, "three 2x2 max-pooling layers")
    input_channels = blocks.check_int(input_channels, f"{name}: input_channels")
    conv_dropout = blocks.check_rate(conv_dropout, f"{name}: conv_dropout")
    dense_dropout = blocks.check_rate(dense_dropout, f"{name}: dense_dropout")
    dense_units = blocks.check_int(dense_units, f"{name}: dense_units")
    if isinstance(filters, (str, bytes)) or not hasattr(filters, "__len__") or len(filters) != 3:
        raise ValueError(
            f"{name}: filters must be three ints (three convolutions), got {filters!r}"
        )
    filters = [blocks.check_int(f, f"{name}: filters[{i}]") for i, f in enumerate(filters)]

    def init(offset):
        return blocks.he_normal(None if seed is None else seed + offset)

    inputs = keras.Input((image_size, image_size, input_channels), name="image")
    x = inputs
    for i, f in enumerate(filters, start=1):
        x = keras.layers.Conv2D(
            f, 3, padding="same", activation="relu", kernel_initializer=init(i), name=f"conv{i}"
        )(x)
        x = keras.layers.MaxPooling2D(2, name=f"pool{i}")(x)
        if conv_dropout:
            x = keras.layers.Dropout(conv_dropout, name=f"dropout{i}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(dense_units, activation="relu", kernel_initializer=init(10),
                           name="dense1")(x)
    if dense_dropout:
        x = keras.layers.Dropout(dense_dropout, name="dense1_dropout")(x)
    logits = keras.layers.Dense(1, kernel_initializer=init(11), dtype="float32", name="logit")(x)
    return keras.Model(inputs, logits, name=name)
