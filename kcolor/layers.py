"""Paper A's preprocessing as Keras layers: contrastive normalisation, UV standardisation.

Koo (paper A, section 4.1) preprocesses every image in three steps:

1. convert RGB to YUV (``kcolor.data.load(..., color_space="yuv")`` yields
   ``(Y, UV)`` batches);
2. *spatial contrastive normalisation* of Y with a 7-pixel Gaussian kernel
   (``SpatialContrastiveNormalization``): subtract the local Gaussian-weighted
   mean, divide by the local Gaussian-weighted standard deviation;
3. *global standardisation* of U and V: one mean and one standard deviation
   per channel over the whole training set (``GlobalStandardization``), undone
   on the predictions ("perform the inverse of the global normalization on the
   U and V channels", section 5.1).

``KooPreprocessing`` bundles steps 2 and 3 for ``kcolor.Colorizer``. A paper-A
baseline run is::

    train = kcolor.data.load("cifar10", "train", color_space="yuv", batch_size=128)
    model = kcolor.Colorizer(
        kcolor.models.koo_baseline(32), loss="l2",
        preprocessing=kcolor.layers.KooPreprocessing())
    model.adapt(train)                     # the global U/V mean and std
    model.compile(optimizer=keras.optimizers.SGD(1.0, momentum=0.9))
    model.fit(train, epochs=60)
    uv = model.predict(Y)                  # un-standardised UV, like the data

The network sees contrast-normalised Y and learns standardised UV under the
L2 loss (the loss is computed in standardised units, as the paper trains);
``predict`` returns UV in the data's own units.
"""

import numpy as np

from kcolor.backend import keras, tf
from kcolor.color import split_l_ab

ops = keras.ops


def gaussian_kernel_1d(size, sigma):
    """A normalised 1-D Gaussian of ``size`` taps (float64 numpy)."""
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    kernel = np.exp(-0.5 * (x / sigma) ** 2)
    return kernel / kernel.sum()


@keras.saving.register_keras_serializable(package="kcolor")
class SpatialContrastiveNormalization(keras.layers.Layer):
    """Local (Gaussian-weighted) mean subtraction and std division, per channel.

    For each channel ``x``: ``v = x - G * x``, ``s = sqrt(G * v^2)`` and the
    output is ``v / max(s, mean(s), epsilon)``, where ``G *`` is a depthwise
    convolution with a fixed, normalised ``kernel_size`` x ``kernel_size``
    Gaussian (corrected at the borders by dividing by the kernel mass inside
    the image) and ``mean(s)`` is the image's mean local std. This is Torch's
    ``nn.SpatialContrastiveNormalization``, which paper A's Torch-era
    preprocessing names; its ``image.gaussian(7)`` has sigma ``0.25 * 7 =
    1.75`` pixels, our default. Flat regions (tiny ``s``) are divided by the
    image's mean std rather than amplified.

    Args:
        kernel_size: int, odd, the Gaussian's width in pixels (paper A: 7).
        sigma: float, the Gaussian's standard deviation in pixels; None for
            ``0.25 * kernel_size`` (Torch's default).
        epsilon: float, the smallest divisor.

    Example:

    >>> layer = SpatialContrastiveNormalization(7)
    >>> y = layer(keras.random.uniform((2, 32, 32, 1)))    # (2, 32, 32, 1)

    Reference: paper A, section 4.1, step 2.
    """

    def __init__(self, kernel_size=7, sigma=None, epsilon=1e-4, **kwargs):
        super().__init__(**kwargs)
        if isinstance(kernel_size, bool) or not isinstance(kernel_size, int) or kernel_size < 1:
            raise ValueError(f"kernel_size must be a positive int, got {kernel_size!r}.")
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd (a centred kernel), got {kernel_size}.")
        self.kernel_size = kernel_size
        self.sigma = None if sigma is None else float(sigma)
        if self.sigma is not None and not self.sigma > 0:
            raise ValueError(f"sigma must be > 0, got {sigma}.")
        self.epsilon = float(epsilon)
        self.supports_masking = False

    def _kernel(self, channels):
        sigma = 0.25 * self.kernel_size if self.sigma is None else self.sigma
        g = gaussian_kernel_1d(self.kernel_size, sigma)
        kernel = np.outer(g, g).astype(np.float32)
        return np.tile(kernel[:, :, None, None], (1, 1, channels, 1))

    def _blur(self, x, kernel):
        return ops.depthwise_conv(x, kernel, strides=1, padding="same")

    def call(self, inputs):
        x = ops.cast(inputs, "float32")
        channels = x.shape[-1]
        kernel = ops.convert_to_tensor(self._kernel(channels))
        # Kernel mass inside the image at each position (1 away from borders).
        coverage = self._blur(ops.ones_like(x[:1]), kernel)
        centred = x - self._blur(x, kernel) / coverage
        std = ops.sqrt(ops.maximum(self._blur(ops.square(centred), kernel) / coverage, 0.0))
        floor = ops.maximum(ops.mean(std, axis=(1, 2), keepdims=True), self.epsilon)
        return ops.cast(centred / ops.maximum(std, floor), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(kernel_size=self.kernel_size, sigma=self.sigma, epsilon=self.epsilon)
        return config


# Not keras.layers.Normalization: one layer, one saved mean / std, both directions (invert).
@keras.saving.register_keras_serializable(package="kcolor")
class GlobalStandardization(keras.layers.Layer):
    """Per-channel ``(x - mean) / std`` with one mean and std for a whole data set.

    ``adapt(data)`` measures them (over every pixel of every image); ``call``
    standardises and ``inverse`` undoes it. The statistics are non-trainable
    weights, so they are saved with the model.

    Args:
        channels: int, the number of channels (2 for U and V).
        mean, std: optional initial per-channel values (default 0 and 1).

    Example:

    >>> standardize = GlobalStandardization(2)
    >>> standardize.adapt(train_ds)         # (Y, UV) batches: uses UV
    >>> uv_std = standardize(uv); uv_back = standardize.inverse(uv_std)

    Reference: paper A, section 4.1, step 3, and section 5.1 (the inverse).
    """

    def __init__(self, channels=2, mean=None, std=None, **kwargs):
        super().__init__(**kwargs)
        self.channels = int(channels)
        mean = np.zeros(self.channels) if mean is None else np.asarray(mean, np.float64)
        std = np.ones(self.channels) if std is None else np.asarray(std, np.float64)
        if mean.shape != (self.channels,) or std.shape != (self.channels,) or np.any(std <= 0):
            raise ValueError(
                f"GlobalStandardization: mean and std need shape ({self.channels},) and "
                f"std > 0, got {mean.shape} and {std.shape}."
            )
        self.mean = self.add_weight(
            shape=(self.channels,), initializer=keras.initializers.Constant(mean.tolist()),
            trainable=False, name="mean",
        )
        self.std = self.add_weight(
            shape=(self.channels,), initializer=keras.initializers.Constant(std.tolist()),
            trainable=False, name="std",
        )
        self.built = True

    def adapt(self, data):
        """Sets the per-channel mean and std from ``data``.

        Args:
            data: a dataset (or iterable) of ``(inputs, targets)`` batches, of
                which the targets are used, or one array (..., channels).

        Returns:
            self.
        """
        if isinstance(data, np.ndarray) or tf.is_tensor(data):
            data = [np.asarray(data)]
        count, total, squares = 0, np.zeros(self.channels), np.zeros(self.channels)
        for element in data:
            if isinstance(element, (tuple, list, dict)):
                element = split_l_ab(element)[1]  # (Y, UV) pairs: the targets
            values = np.asarray(element, np.float64)
            if values.shape[-1] != self.channels:
                raise ValueError(
                    f"GlobalStandardization.adapt: expected {self.channels} channels on the "
                    f"last axis, got shape {values.shape}."
                )
            values = values.reshape(-1, self.channels)
            count += len(values)
            total += values.sum(axis=0)
            squares += np.square(values).sum(axis=0)
        if count == 0:
            raise ValueError("GlobalStandardization.adapt: the data holds no values.")
        mean = total / count
        std = np.sqrt(np.maximum(squares / count - mean**2, 0.0))
        self.mean.assign(mean.astype(np.float32))
        self.std.assign(np.maximum(std, 1e-6).astype(np.float32))
        return self

    def call(self, inputs):
        return (inputs - ops.cast(self.mean, inputs.dtype)) / ops.cast(self.std, inputs.dtype)

    def inverse(self, inputs):
        """Undoes ``call``: ``x * std + mean``."""
        return inputs * ops.cast(self.std, inputs.dtype) + ops.cast(self.mean, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            channels=self.channels,
            mean=np.asarray(self.mean).tolist(),
            std=np.asarray(self.std).tolist(),
        )
        return config


@keras.saving.register_keras_serializable(package="kcolor")
class KooPreprocessing(keras.layers.Layer):
    """Paper A's preprocessing for a ``kcolor.Colorizer``: input and target sides.

    * ``call(Y)``: spatial contrastive normalisation of the grey input
      (``SpatialContrastiveNormalization(kernel_size, sigma)``);
    * ``standardize(UV)`` / ``destandardize(UV)``: the global per-channel
      U/V standardisation and its inverse (``GlobalStandardization``),
      measured by ``adapt(dataset)``.

    ``kcolor.Colorizer(network, preprocessing=KooPreprocessing())`` feeds the
    network normalised Y, computes its loss on standardised UV, and returns
    un-standardised UV from ``predict``. Works on Lab ``(L, ab)`` data too.

    Args:
        kernel_size: int, the contrastive normalisation's Gaussian (7).
        sigma: float or None, its standard deviation in pixels.
        channels: int, target channels (2).
        mean, std: optional initial target statistics.

    Reference: paper A, section 4.1 (preprocessing) and 5.1 (the inverse).
    """

    def __init__(self, kernel_size=7, sigma=None, channels=2, mean=None, std=None, **kwargs):
        super().__init__(**kwargs)
        self.contrast = SpatialContrastiveNormalization(kernel_size, sigma, name="contrast")
        self.targets = GlobalStandardization(channels, mean, std, name="uv_standardization")
        self.kernel_size, self.sigma, self.channels = kernel_size, sigma, channels
        # True once the statistics are measured (adapt) or given (a saved model's).
        self.adapted = mean is not None
        self.built = True

    def adapt(self, data):
        """Measures the global target mean and std from ``(Y, UV)`` batches."""
        self.targets.adapt(data)
        self.adapted = True
        return self

    def call(self, inputs):
        return self.contrast(inputs)

    def standardize(self, targets):
        return self.targets(targets)

    def destandardize(self, targets):
        return self.targets.inverse(targets)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            kernel_size=self.kernel_size,
            sigma=self.sigma,
            channels=self.channels,
            mean=np.asarray(self.targets.mean).tolist(),
            std=np.asarray(self.targets.std).tolist(),
        )
        return config


__all__ = [
    "SpatialContrastiveNormalization",
    "GlobalStandardization",
    "KooPreprocessing",
    "gaussian_kernel_1d",
]
