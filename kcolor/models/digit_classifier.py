"""A small CNN that tells the ten digits apart: the judge of notebook 06's samples."""

from kcolor.backend import keras
from kcolor.models import blocks


def digit_classifier(image_size=32, *, width=16, seed=None):
    """A digit classifier ``image -> 10 logits``, trained once on real digits.

    Two 3x3 convolution blocks with ReLU, each followed by 2x2 max pooling
    (``width`` and ``2 * width`` filters), a dense layer of ``4 * width``
    units and ten logits. Not a paper's network: a yardstick. Trained on real
    digits (``kcolor.digit_scores.train_digit_classifier``), it scores an
    unconditional generator's samples by how surely it classifies them and
    how many classes they cover (``kcolor.digit_scores.sample_quality``).

    Args:
        image_size: int, height and width of the grey input images (at least 4).
        width: int, filters of the first convolution (16).
        seed: optional int for reproducible initial weights.

    Returns:
        A functional ``keras.Model`` named ``"digit_classifier"``, input
        ``"image"`` of shape ``(image_size, image_size, 1)`` in [-1, 1],
        output ``(10,)`` logits. 136,586 parameters at 32 px.

    Example:
    >>> model = digit_classifier(32)
    >>> model.output_shape
    (None, 10)
    """
    name = "digit_classifier"
    image_size = blocks.check_image_size(image_size, name, minimum=4)
    width = blocks.check_int(width, f"{name}: width")
    init = keras.initializers.HeNormal(seed)

    inputs = keras.Input((image_size, image_size, 1), name="image")
    x = inputs
    for i, filters in enumerate((width, 2 * width)):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu",
                                kernel_initializer=init, name=f"conv{i + 1}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"pool{i + 1}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(4 * width, activation="relu", kernel_initializer=init,
                           name="dense")(x)
    logits = keras.layers.Dense(10, kernel_initializer=init, dtype="float32", name="logits")(x)
    return keras.Model(inputs, logits, name=name)
