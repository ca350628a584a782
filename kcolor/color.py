"""Colour spaces: sRGB (D65) <-> CIE Lab and <-> YUV, batched and in-graph.

All functions take and return float tensors whose last axis holds the three
channels, with any leading batch shape; they are written with ``keras.ops`` so
they run eagerly, inside ``tf.data`` pipelines and inside model graphs, and
are differentiable everywhere (the non-smooth points of the sRGB and Lab
curves are guarded so gradients are finite).

Conventions (shared by every kcolor module):

* RGB is sRGB in [0, 1].
* Lab uses the D65 white point and the 2 degree observer, exactly as
  scikit-image's ``rgb2lab`` / ``lab2rgb``: L in [0, 100], a and b roughly in
  [-110, 110].
* Model tensors are normalised: ``L / 50 - 1`` and ``ab / 110``, both in
  [-1, 1]; ``normalize_l`` / ``normalize_ab`` and their inverses convert.
* YUV is the analogue BT.601 YUV that paper A uses (same matrix as
  scikit-image's ``rgb2yuv``): Y in [0, 1], U in about [-0.436, 0.436],
  V in about [-0.615, 0.615].

Example:

>>> rgb = keras.random.uniform((4, 32, 32, 3))
>>> L, ab = rgb_to_l_ab(rgb)           # normalised model inputs and targets
>>> back = l_ab_to_rgb(L, ab)          # the same image, within float error
"""

import numpy as np

from kcolor.backend import keras

ops = keras.ops

# sRGB (linear) -> XYZ, D65, as in scikit-image and IEC 61966-2-1.
XYZ_FROM_RGB = np.array(
    [
        [0.412453, 0.357580, 0.180423],
        [0.212671, 0.715160, 0.072169],
        [0.019334, 0.119193, 0.950227],
    ],
    dtype=np.float64,
)
RGB_FROM_XYZ = np.linalg.inv(XYZ_FROM_RGB)
# D65 reference white, 2 degree observer.
D65_WHITE = np.array([0.95047, 1.0, 1.08883], dtype=np.float64)
# Analogue YUV (BT.601), as in scikit-image.
YUV_FROM_RGB = np.array(
    [
        [0.299, 0.587, 0.114],
        [-0.14714119, -0.28886916, 0.43601035],
        [0.61497538, -0.51496512, -0.10001026],
    ],
    dtype=np.float64,
)
RGB_FROM_YUV = np.linalg.inv(YUV_FROM_RGB)

L_SCALE = 50.0  # L in [0, 100] -> L / 50 - 1 in [-1, 1]
AB_SCALE = 110.0  # ab in [-110, 110] -> ab / 110 in [-1, 1]

# Break points of the piecewise curves (scikit-image's constants).
_SRGB_LINEAR_IN = 0.04045
_SRGB_LINEAR_OUT = 0.0031308
_LAB_EPSILON = 0.008856
_LAB_KAPPA = 7.787
_LAB_INVERSE_BREAK = 0.2068966


def _as_float(x):
    x = ops.convert_to_tensor(x)
    if not keras.backend.standardize_dtype(x.dtype).startswith(("float", "bfloat")):
        raise TypeError(
            f"kcolor.color expects float tensors (RGB in [0, 1]), got dtype "
            f"{x.dtype}. Convert uint8 images with `images / 255`."
        )
    return x


def _check_channels(x, what):
    if len(x.shape) == 0 or (x.shape[-1] is not None and x.shape[-1] != 3):
        raise ValueError(
            f"{what} must have 3 channels on its last axis, got shape {tuple(x.shape)}."
        )


def _matmul_channels(x, matrix):
    """Applies a 3x3 matrix to the last axis: out[..., i] = sum_j m[i, j] x[..., j]."""
    m = ops.convert_to_tensor(matrix.T.astype(np.float32), dtype=x.dtype)
    return ops.matmul(x, m)


def _compute_in_float32(x):
    """Colour maths runs in float32 even under a mixed-precision policy."""
    if keras.backend.standardize_dtype(x.dtype) != "float32":
        return ops.cast(x, "float32")
    return x


def _power(x, exponent):
    """``x ** exponent`` for positive ``x`` as ``exp(exponent * log(x))``.

    The same value, but TensorFlow vectorises ``exp`` and ``log`` on CPU and
    not ``pow``: this made the Lab conversion (the data pipelines' hot spot)
    about twice as fast (benchmarks/README.md).
    """
    return ops.exp(ops.log(x) * exponent)


def srgb_to_linear(rgb):
    """sRGB gamma expansion (the IEC 61966-2-1 curve), elementwise."""
    rgb = _as_float(rgb)
    safe = ops.maximum(rgb, _SRGB_LINEAR_IN)  # keep the power's gradient finite
    curved = _power((safe + 0.055) / 1.055, 2.4)
    return ops.where(rgb > _SRGB_LINEAR_IN, curved, rgb / 12.92)


def linear_to_srgb(linear):
    """sRGB gamma compression, elementwise; input clipped to [0, 1] first."""
    linear = ops.clip(_as_float(linear), 0.0, 1.0)
    safe = ops.maximum(linear, _SRGB_LINEAR_OUT)
    curved = 1.055 * _power(safe, 1.0 / 2.4) - 0.055
    return ops.where(linear > _SRGB_LINEAR_OUT, curved, linear * 12.92)


def rgb_to_lab(rgb):
    """sRGB in [0, 1] -> CIE Lab (D65): L in [0, 100], a, b in about [-110, 110].

    Args:
        rgb: float tensor of shape (..., 3).

    Returns:
        float32 tensor of shape (..., 3) holding L, a, b.
    """
    rgb = _compute_in_float32(_as_float(rgb))
    _check_channels(rgb, "rgb")
    xyz = _matmul_channels(srgb_to_linear(rgb), XYZ_FROM_RGB)
    xyz = xyz / ops.convert_to_tensor(D65_WHITE.astype(np.float32))
    safe = ops.maximum(xyz, _LAB_EPSILON)
    f = ops.where(
        xyz > _LAB_EPSILON,
        _power(safe, 1.0 / 3.0),
        _LAB_KAPPA * xyz + 16.0 / 116.0,
    )
    fx, fy, fz = f[..., 0], f[..., 1], f[..., 2]
    return ops.stack([116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)], axis=-1)


def lab_to_rgb(lab):
    """CIE Lab (D65) -> sRGB in [0, 1].

    Colours outside the sRGB gamut are clipped (negative Z to 0 as in
    scikit-image, then RGB to [0, 1]); the result is never NaN for finite input.

    Args:
        lab: float tensor of shape (..., 3) holding L, a, b in Lab units.

    Returns:
        float32 tensor of shape (..., 3) in [0, 1].
    """
    lab = _compute_in_float32(_as_float(lab))
    _check_channels(lab, "lab")
    L, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
    fy = (L + 16.0) / 116.0
    fx = a / 500.0 + fy
    fz = ops.maximum(fy - b / 200.0, 0.0)
    f = ops.stack([fx, fy, fz], axis=-1)
    xyz = ops.where(
        f > _LAB_INVERSE_BREAK,
        ops.power(f, 3.0),
        (f - 16.0 / 116.0) / _LAB_KAPPA,
    )
    xyz = xyz * ops.convert_to_tensor(D65_WHITE.astype(np.float32))
    return linear_to_srgb(_matmul_channels(xyz, RGB_FROM_XYZ))


def rgb_to_yuv(rgb):
    """sRGB in [0, 1] -> analogue YUV (BT.601), as paper A uses."""
    rgb = _compute_in_float32(_as_float(rgb))
    _check_channels(rgb, "rgb")
    return _matmul_channels(rgb, YUV_FROM_RGB)


def yuv_to_rgb(yuv, clip=True):
    """Analogue YUV (BT.601) -> sRGB, clipped to [0, 1] unless ``clip=False``."""
    yuv = _compute_in_float32(_as_float(yuv))
    _check_channels(yuv, "yuv")
    rgb = _matmul_channels(yuv, RGB_FROM_YUV)
    return ops.clip(rgb, 0.0, 1.0) if clip else rgb


def normalize_l(L):
    """L in [0, 100] -> ``L / 50 - 1`` in [-1, 1]."""
    return L / L_SCALE - 1.0


def denormalize_l(L):
    """``L / 50 - 1`` in [-1, 1] -> L in [0, 100]."""
    return (L + 1.0) * L_SCALE


def normalize_ab(ab):
    """ab in Lab units -> ``ab / 110`` in about [-1, 1]."""
    return ab / AB_SCALE


def denormalize_ab(ab):
    """``ab / 110`` -> ab in Lab units."""
    return ab * AB_SCALE


def rgb_to_l_ab(rgb):
    """sRGB in [0, 1], shape (..., 3) -> normalised ``(L, ab)`` model tensors.

    Returns:
        ``L`` of shape (..., 1) in [-1, 1] and ``ab`` of shape (..., 2).
    """
    lab = rgb_to_lab(rgb)
    return normalize_l(lab[..., :1]), normalize_ab(lab[..., 1:])


def l_ab_to_rgb(L, ab):
    """Normalised ``(L, ab)`` model tensors -> sRGB in [0, 1], shape (..., 3)."""
    L = _compute_in_float32(_as_float(L))
    ab = _compute_in_float32(_as_float(ab))
    return lab_to_rgb(ops.concatenate([denormalize_l(L), denormalize_ab(ab)], axis=-1))


def split_l_ab(element):
    """A data set element -> ``(L, ab)``.

    Accepts the ``(L, ab)`` pairs every kcolor data set yields (or longer
    tuples, whose first two items are taken, or a dict with ``"L"`` and
    ``"ab"``); ``(Y, UV)`` pairs split the same way.
    """
    if isinstance(element, dict):
        element = (element.get("L"), element.get("ab"))
    if not isinstance(element, (tuple, list)) or len(element) < 2:
        raise ValueError(
            "expected a data set of (L, ab) batches (as kcolor.data.load yields), got "
            f"elements of type {type(element).__name__}."
        )
    return element[0], element[1]


def rgb_to_y_uv(rgb):
    """sRGB in [0, 1] -> ``(Y, UV)`` with Y of shape (..., 1), UV of (..., 2)."""
    yuv = rgb_to_yuv(rgb)
    return yuv[..., :1], yuv[..., 1:]


def y_uv_to_rgb(Y, UV):
    """``(Y, UV)`` -> sRGB in [0, 1]."""
    return yuv_to_rgb(ops.concatenate([_as_float(Y), _as_float(UV)], axis=-1))


def y_uv_to_l_ab(Y, UV):
    """``(Y, UV)`` model tensors -> normalised ``(L, ab)``, through sRGB.

    How paper A's YUV colorizations are scored with the Lab metrics of
    ``kcolor.metrics`` and drawn by ``kcolor.plot``: ``y_uv_to_rgb`` (clipped
    to [0, 1]), then ``rgb_to_l_ab``.
    """
    return rgb_to_l_ab(y_uv_to_rgb(Y, UV))


def l_to_gray_rgb(L):
    """Normalised L -> the grey sRGB image a person sees (ab = 0)."""
    L = _compute_in_float32(_as_float(L))
    return l_ab_to_rgb(L, ops.zeros_like(ops.concatenate([L, L], axis=-1)))


__all__ = [
    "rgb_to_lab",
    "lab_to_rgb",
    "rgb_to_yuv",
    "yuv_to_rgb",
    "normalize_l",
    "denormalize_l",
    "normalize_ab",
    "denormalize_ab",
    "rgb_to_l_ab",
    "l_ab_to_rgb",
    "split_l_ab",
    "rgb_to_y_uv",
    "y_uv_to_rgb",
    "l_to_gray_rgb",
    "srgb_to_linear",
    "linear_to_srgb",
    "y_uv_to_l_ab",
]
