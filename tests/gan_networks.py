"""Tiny GAN networks and data shared by the GAN test files (test_adversarial.py, ...).

A few 1x1 / 3x3 convolutions, so that tracing and training take a second or
two on a CPU.
"""

import numpy as np

import kcolor
from kcolor.backend import keras

SIZE = 8


def tiny_generator(size=SIZE, input_channels=1, output_channels=2, noise_dim=None):
    L = keras.Input((size, size, input_channels), name="L")
    inputs, x = [L], L
    if noise_dim is not None:  # paper A's generator: z -> a plane added to L
        z = keras.Input((noise_dim,), name="z")
        plane = keras.layers.Reshape((size, size, 1))(keras.layers.Dense(size * size)(z))
        x = keras.layers.Concatenate()([L, plane])
        inputs.append(z)
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(x)
    x = keras.layers.Dropout(0.2)(x)
    ab = keras.layers.Conv2D(output_channels, 1, activation="tanh")(x)
    return keras.Model(inputs if len(inputs) > 1 else L, ab)


def tiny_discriminator(size=SIZE, input_channels=3):
    x = keras.Input((size, size, input_channels))
    h = keras.layers.Conv2D(8, 3, strides=2, padding="same")(x)
    h = keras.layers.LeakyReLU(0.2)(h)
    logits = keras.layers.Conv2D(1, 3, padding="same")(h)  # a 4x4 "PatchGAN" map
    return keras.Model(x, logits)


def tiny_autoencoder(size=SIZE, input_channels=3):
    x = keras.Input((size, size, input_channels))
    h = keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    code = keras.layers.Flatten(name="code")(h)
    r = keras.layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu")(h)
    r = keras.layers.Conv2D(input_channels, 1)(r)
    return keras.Model(x, [r, code])


def tiny_image_generator(size=SIZE, noise_dim=4, channels=1):
    z = keras.Input((noise_dim,))
    h = keras.layers.Dense((size // 2) ** 2 * 8, activation="relu")(z)
    h = keras.layers.Reshape((size // 2, size // 2, 8))(h)
    h = keras.layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(channels, 1, activation="tanh")(h))


def pairs(n=8, size=SIZE, seed=0):
    rng = np.random.default_rng(seed)
    L = rng.uniform(-1, 1, (n, size, size, 1)).astype("float32")
    ab = (0.3 * np.tanh(2 * L) * np.array([1.0, -0.5])).astype("float32")  # learnable
    return L, ab


def zero_generator(size=SIZE):
    """A generator whose colours are 0 (grey) everywhere: a 1x1 convolution of zeros."""
    L = keras.Input((size, size, 1))
    ab = keras.layers.Conv2D(2, 1, kernel_initializer="zeros", bias_initializer="zeros")(L)
    return keras.Model(L, ab)


FAMILIES = {
    "cgan": lambda **kw: kcolor.CGAN(tiny_generator(), tiny_discriminator(), **kw),
    "lsgan": lambda **kw: kcolor.LSGAN(tiny_generator(), tiny_discriminator(), **kw),
    "wgan": lambda **kw: kcolor.WGAN(tiny_generator(), tiny_discriminator(), **kw),
    "ebgan": lambda **kw: kcolor.EBGAN(tiny_generator(), tiny_autoencoder(), **kw),
}


def fit_data(L, ab, batch_size=4):
    """``(L, ab)`` pairs as a batched ``tf.data.Dataset``."""
    return kcolor.backend.tf.data.Dataset.from_tensor_slices((L, ab)).batch(batch_size)
