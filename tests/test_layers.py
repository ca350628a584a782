"""kcolor.layers: paper A's preprocessing against independent references."""

import numpy as np
import pytest

from kcolor.backend import tf
from kcolor.layers import GlobalStandardization, SpatialContrastiveNormalization


def contrastive_numpy(x, size=7, sigma=1.75):
    """Independent reference: explicit windowed sums with border renormalisation."""
    g = np.exp(-0.5 * ((np.arange(size) - size // 2) / sigma) ** 2)
    kernel = np.outer(g, g) / np.outer(g, g).sum()
    h, w = x.shape
    r = size // 2

    def blur(img):
        out = np.zeros_like(img)
        for i in range(h):
            for j in range(w):
                total = mass = 0.0
                for di in range(-r, r + 1):
                    for dj in range(-r, r + 1):
                        if 0 <= i + di < h and 0 <= j + dj < w:
                            total += kernel[di + r, dj + r] * img[i + di, j + dj]
                            mass += kernel[di + r, dj + r]
                out[i, j] = total / mass
        return out

    centred = x - blur(x)
    std = np.sqrt(blur(centred**2))
    return centred / np.maximum(std, max(std.mean(), 1e-4))


def test_spatial_contrastive_normalization_matches_reference(rng):
    x = rng.uniform(0, 1, (12, 10)).astype(np.float32)
    got = SpatialContrastiveNormalization(7)(x[None, :, :, None]).numpy()[0, :, :, 0]
    np.testing.assert_allclose(got, contrastive_numpy(x.astype(np.float64)), atol=1e-4)
    # A flat image has no local contrast: all zeros, no NaN.
    flat = SpatialContrastiveNormalization(7)(np.full((1, 8, 8, 1), 0.3, np.float32)).numpy()
    np.testing.assert_allclose(flat, 0.0, atol=1e-3)
    with pytest.raises(ValueError, match="odd"):
        SpatialContrastiveNormalization(6)


def test_global_standardization_adapt_and_inverse(rng):
    uv = rng.normal([0.1, -0.2], [0.05, 0.3], (64, 4, 4, 2)).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices((uv[..., :1], uv)).batch(10)
    layer = GlobalStandardization(2).adapt(ds)
    np.testing.assert_allclose(layer.mean.numpy(), uv.reshape(-1, 2).mean(0), atol=1e-5)
    np.testing.assert_allclose(layer.std.numpy(), uv.reshape(-1, 2).std(0), rtol=1e-4)
    standard = layer(uv).numpy()
    np.testing.assert_allclose(standard.reshape(-1, 2).mean(0), 0.0, atol=1e-4)
    np.testing.assert_allclose(layer.inverse(standard).numpy(), uv, atol=1e-5)
    with pytest.raises(ValueError, match="2 channels"):
        layer.adapt(np.zeros((4, 3), np.float32))
