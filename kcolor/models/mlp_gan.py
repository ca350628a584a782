"""The original GAN's fully connected networks (Goodfellow et al.; paper D, section 3)."""

from kcolor.backend import keras
from kcolor.models import blocks


def _hidden(hidden, width, name):
    if not hidden:
        raise ValueError(f"{name}: hidden must list at least one layer size, got {hidden!r}")
    return [blocks.scale_filters(blocks.check_int(units, f"{name}: hidden"), width)
            for units in hidden]


def mlp_generator(image_size=28, *, noise_dim=100, channels=1, hidden=(256, 512, 1024),
                  width=1.0, seed=None):
    """The GAN generator of paper D, section 3: a multilayer perceptron ``G(z)``.

    "G is a MLP with weights theta_g, and z is a random variable sampled from
    some distribution, e.g. z ~ N(0, 1)" (paper D, section 3). Dense layers
    of ``hidden`` units with LeakyReLU (slope 0.2), then a dense layer to
    every pixel with tanh, reshaped to an image. No batch normalisation and
    no convolution: that is what DCGAN (``dcgan_generator``) adds. Weights
    from N(0, 0.02), as DCGAN's.

    Args:
        image_size: int, output height and width (28 for MNIST).
        noise_dim: int, length of ``z`` (100).
        channels: int, image channels (1 for MNIST).
        hidden: sizes of the hidden layers, before ``width``.
        width: float, multiplies every hidden size.
        seed: optional int for reproducible initial weights.

    Returns:
        A functional ``keras.Model`` named ``"mlp_generator"``, input ``"z"``
        of shape ``(noise_dim,)``, output in [-1, 1] of shape
        ``(image_size, image_size, channels)``. 1,486,352 parameters at 28 px.

    Example:
    >>> mlp_generator(28).output_shape
    (None, 28, 28, 1)

    Reference:
        Fabbri (paper D), section 3; Goodfellow et al., "Generative
        Adversarial Nets", 2014, section 5 (MNIST).
    """
    name = "mlp_generator"
    image_size = blocks.check_image_size(image_size, name)
    noise_dim = blocks.check_int(noise_dim, f"{name}: noise_dim")
    channels = blocks.check_int(channels, f"{name}: channels")
    width = blocks.check_positive(width, f"{name}: width")
    init = blocks.dcgan_normal(seed)
    z = keras.Input((noise_dim,), name="z")
    x = z
    for i, units in enumerate(_hidden(hidden, width, name)):
        x = keras.layers.Dense(units, kernel_initializer=init, name=f"dense{i + 1}")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"dense{i + 1}_act")(x)
    x = keras.layers.Dense(image_size * image_size * channels, kernel_initializer=init,
                           dtype="float32", name="pixels")(x)
    x = keras.layers.Activation("tanh", dtype="float32", name="tanh")(x)
    x = keras.layers.Reshape((image_size, image_size, channels), dtype="float32",
                             name="image")(x)
    return keras.Model(z, x, name=name)


def mlp_discriminator(image_size=28, *, input_channels=1, hidden=(1024, 512, 256), width=1.0,
                      dropout=0.3, seed=None):
    """The GAN discriminator of paper D, section 3: a multilayer perceptron ``D(x)``.

    The image is flattened and passed through dense layers of ``hidden``
    units with LeakyReLU (slope 0.2) and dropout, then one unit: a **logit**
    (no sigmoid; the losses take logits). Goodfellow et al. used maxout
    units and dropout; LeakyReLU is the common simplification. Weights from
    N(0, 0.02).

    Args:
        image_size: int, input height and width (28 for MNIST).
        input_channels: int, image channels (1 for MNIST).
        hidden: sizes of the hidden layers, before ``width``.
        width: float, multiplies every hidden size.
        dropout: dropout rate after each hidden layer (0 for none).
        seed: optional int for reproducible initial weights.

    Returns:
        A functional ``keras.Model`` named ``"mlp_discriminator"``, input
        ``"image"``, output logits of shape ``(batch, 1)``. 1,460,225
        parameters at 28 px.

    Example:
    >>> mlp_discriminator(28).output_shape
    (None, 1)

    Reference:
        Fabbri (paper D), section 3; Goodfellow et al., 2014.
    """
    name = "mlp_discriminator"
    image_size = blocks.check_image_size(image_size, name)
    input_channels = blocks.check_int(input_channels, f"{name}: input_channels")
    width = blocks.check_positive(width, f"{name}: width")
    dropout = blocks.check_rate(dropout, f"{name}: dropout")
    init = blocks.dcgan_normal(seed)
    inputs = keras.Input((image_size, image_size, input_channels), name="image")
    x = keras.layers.Flatten(name="flatten")(inputs)
    for i, units in enumerate(_hidden(hidden, width, name)):
        x = keras.layers.Dense(units, kernel_initializer=init, name=f"dense{i + 1}")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"dense{i + 1}_act")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, seed=seed, name=f"dense{i + 1}_dropout")(x)
    logits = keras.layers.Dense(1, kernel_initializer=init, dtype="float32", name="logit")(x)
    return keras.Model(inputs, logits, name=name)


__all__ = ["mlp_generator", "mlp_discriminator"]
