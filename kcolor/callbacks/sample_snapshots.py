"""``SampleSnapshots``: an unconditional generator's samples of fixed noise over training."""

import numpy as np

from kcolor.backend import keras


class SampleSnapshots(keras.callbacks.Callback):
    """Keeps an unconditional generator's samples of fixed noise over training.

    ``snapshots[0]`` are the samples before training, ``snapshots[e]`` after
    epoch ``e``: the same ``z`` each time, so that a grid of them
    (``kcolor.plot.snapshots``) shows one sample growing from noise into a
    digit, as paper D's figures 2 and 3 do.

    Args:
        n: number of samples.
        seed: seed of the fixed noise.

    Attributes:
        snapshots: list of ``(n, S, S, C)`` arrays, the generator's outputs.
        z: the fixed noise, ``(n,) + model.noise_shape``, drawn on first use.

    Example:
        >>> snap = kcolor.callbacks.SampleSnapshots(n=16)
        >>> gan.fit(digits, epochs=5, callbacks=[snap])
        >>> kcolor.plot.snapshots({"DCGAN": snap.snapshots})

    Reference:
        D: section 3, figures 2 and 3 (samples of GAN and DCGAN on MNIST).
    """

    def __init__(self, n=16, seed=0):
        super().__init__()
        self.n, self.seed, self.snapshots, self.z = n, seed, [], None

    def _take(self):
        if self.z is None:
            shape = (self.n,) + tuple(self.model.noise_shape)
            self.z = np.random.default_rng(self.seed).standard_normal(shape).astype("float32")
        self.snapshots.append(np.asarray(self.model.generator(self.z, training=False)))

    def on_train_begin(self, logs=None):
        if not self.snapshots:
            self._take()

    def on_epoch_end(self, epoch, logs=None):
        self._take()
