"""kcolor.color against scikit-image, the independent reference."""

import numpy as np
import pytest
from skimage import color as skcolor

from kcolor import color
from kcolor.backend import tf


# Every 5th 8-bit level, every level of sRGB's dark linear segment (below 11)
# and the top ones: a 69^3 grid through the cube.
LEVELS = np.union1d(np.union1d(np.arange(0, 256, 5), np.arange(16)), [253, 254, 255])


def _cube_samples(chunk=65536):
    """The grid of LEVELS through the 8-bit RGB cube plus its whole surface, in chunks.

    The surface (all 6 x 256^2 colours with a channel at 0 or 255) holds the
    most saturated colours, the extremes of a and b; the grid samples the
    inside at 0.4 million colours instead of 16.7 million.
    """
    r, g, b = np.meshgrid(LEVELS, LEVELS, LEVELS, indexing="ij")
    grid = np.stack([r, g, b], axis=-1).reshape(-1, 3)
    v = np.arange(256)
    u, w = (x.ravel() for x in np.meshgrid(v, v, indexing="ij"))
    faces = [np.insert(np.stack([u, w], -1), axis, edge, axis=1)
             for axis in range(3) for edge in (0, 255)]
    rgb = np.unique(np.concatenate([grid] + faces), axis=0).astype(np.float64) / 255.0
    for start in range(0, len(rgb), chunk):
        yield rgb[start:start + chunk]


def test_rgb_to_lab_matches_skimage_across_the_8bit_cube():
    to_lab = tf.function(color.rgb_to_lab)
    worst = 0.0
    for rgb in _cube_samples():
        ours = to_lab(tf.constant(rgb, tf.float32)).numpy()
        worst = max(worst, float(np.abs(ours - skcolor.rgb2lab(rgb)).max()))
    assert worst < 0.01, f"max |Lab error| {worst} over the RGB cube"


def test_lab_to_rgb_matches_skimage_across_the_8bit_cube():
    to_rgb = tf.function(color.lab_to_rgb)
    worst = 0.0
    for rgb in _cube_samples():
        lab = skcolor.rgb2lab(rgb)
        ours = to_rgb(tf.constant(lab, tf.float32)).numpy()
        worst = max(worst, float(np.abs(ours - skcolor.lab2rgb(lab)).max()))
    # 0.01 Lab units correspond to well under 0.1 of one 8-bit RGB step.
    assert worst * 255 < 0.05, f"max RGB error {worst * 255} (0..255 scale)"


def test_out_of_gamut_lab_is_clipped_never_nan(rng):
    lab = rng.uniform([-20, -300, -300], [150, 300, 300], size=(20000, 3)).astype(np.float32)
    ours = color.lab_to_rgb(lab).numpy()
    assert np.isfinite(ours).all()
    assert ours.min() >= 0.0 and ours.max() <= 1.0
    with pytest.warns(UserWarning):  # scikit-image warns about negative Z
        ref = skcolor.lab2rgb(lab.astype(np.float64))
    np.testing.assert_allclose(ours, ref, atol=1e-3)


def test_yuv_matches_skimage_and_round_trips(rng):
    rgb = rng.uniform(size=(8, 5, 7, 3))
    yuv = color.rgb_to_yuv(rgb.astype(np.float32)).numpy()
    np.testing.assert_allclose(yuv, skcolor.rgb2yuv(rgb), atol=1e-5)
    back = color.yuv_to_rgb(yuv).numpy()
    np.testing.assert_allclose(back, rgb, atol=1e-5)


def test_normalised_l_ab_round_trip_and_ranges(rng):
    rgb = rng.uniform(size=(2, 16, 16, 3)).astype(np.float32)
    L, ab = color.rgb_to_l_ab(rgb)
    assert L.shape == (2, 16, 16, 1) and ab.shape == (2, 16, 16, 2)
    assert float(tf.reduce_min(L)) >= -1.0 and float(tf.reduce_max(L)) <= 1.0
    assert float(tf.reduce_max(tf.abs(ab))) <= 1.0
    np.testing.assert_allclose(color.l_ab_to_rgb(L, ab).numpy(), rgb, atol=1e-4)
    lab = skcolor.rgb2lab(rgb.astype(np.float64))
    np.testing.assert_allclose(color.denormalize_l(L.numpy())[..., 0], lab[..., 0], atol=1e-3)
    np.testing.assert_allclose(color.denormalize_ab(ab.numpy()), lab[..., 1:], atol=1e-3)


def test_gradients_are_finite_everywhere():
    # Black, white and the break points of the sRGB and Lab curves.
    rgb = tf.constant(
        [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.04045, 0.0031308, 0.5], [0.2, 0.0, 1.0]]
    )
    with tf.GradientTape() as tape:
        tape.watch(rgb)
        lab = color.rgb_to_lab(rgb)
        back = color.lab_to_rgb(lab + tf.constant([0.0, 200.0, -200.0]))  # out of gamut too
        total = tf.reduce_sum(lab) + tf.reduce_sum(back)
    grad = tape.gradient(total, rgb)
    assert np.isfinite(grad.numpy()).all()


def test_works_inside_tf_data_and_under_mixed_precision_inputs():
    images = np.random.default_rng(1).uniform(size=(6, 8, 8, 3)).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices(images).batch(3).map(color.rgb_to_l_ab)
    L, ab = next(iter(ds))
    assert L.shape == (3, 8, 8, 1) and ab.shape == (3, 8, 8, 2)
    half = color.rgb_to_lab(tf.cast(images, tf.float16))
    assert half.dtype == tf.float32
    np.testing.assert_allclose(half.numpy(), color.rgb_to_lab(images).numpy(), atol=0.5)


@pytest.mark.parametrize(
    "bad, error",
    [
        (np.zeros((4, 4, 3), np.uint8), TypeError),
        (np.zeros((4, 4, 4), np.float32), ValueError),
        (np.zeros((4, 4, 1), np.float32), ValueError),
    ],
)
def test_bad_input_gets_a_clear_error(bad, error):
    with pytest.raises(error, match="(dtype|channels)"):
        color.rgb_to_lab(bad)
