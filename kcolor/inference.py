"""Colourise your own photos: any size, any common format, any kcolor colorizer.

``colorize(image, model)`` is the one call a user needs. It accepts a path, a
PIL image or a numpy array (grey, RGB, RGBA, palette, 16-bit, float in
[0, 1], EXIF-rotated JPEGs) and returns uint8 RGB (RGBA when alpha came in)
of exactly the input's size:

1. the image is letterboxed (aspect kept, edges replicated) to the model's
   resolution and its grey channel L is computed there;
2. the model predicts normalised ab at that resolution;
3. the padding is cropped off, ab is upsampled bilinearly to the original
   size, and recombined with the ORIGINAL full-resolution L, so no detail of
   the photo is lost to the model's low resolution (only the colour is low
   resolution, which the eye forgives; Zhang et al. and paper B do the same).

Example:

>>> model = kcolor.inference.load_colorizer("sample_colorizer.keras")
>>> rgb = kcolor.colorize("grandma.jpg", model)      # uint8 (H, W, 3)
>>> many = kcolor.colorize(["a.png", "b.jpg"], model)  # a list, batched
"""

import os
import zipfile
from pathlib import Path

import numpy as np

from kcolor import color
from kcolor.backend import keras, tf
from kcolor.data.directory import IMAGE_EXTENSIONS
from kcolor.metrics import predictor


class ImageError(ValueError):
    """An input image that cannot be colourised; the message names the problem."""


class ModelError(ValueError):
    """A model file or object that is not a usable kcolor colorizer."""


# --------------------------------------------------------------------------
# Reading images into float RGB (+ alpha)
# --------------------------------------------------------------------------


def _name(source):
    return str(source) if isinstance(source, (str, os.PathLike)) else type(source).__name__


def read_image(path):
    """Reads an image file to colourise into ``(rgb, alpha)`` floats in [0, 1].

    Any photo, grey included, at its own size (training photos are read by
    ``kcolor.data.directory.read_training_photo`` instead: colour, square, uint8).

    ``rgb`` has shape (H, W, 3); ``alpha`` is (H, W) or None. JPEG EXIF
    orientation is applied. The file is only read, never modified.

    Raises:
        FileNotFoundError: the path does not exist.
        ImageError: the file is not a readable image (the message says why).
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise ImageError(f"{path}: is a folder, not an image file")
    try:
        with Image.open(path) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            return pil_to_float(img, name=str(path))
    except UnidentifiedImageError:
        raise ImageError(f"{path}: not an image file Pillow can read") from None
    except (OSError, SyntaxError, ValueError) as err:
        if isinstance(err, ImageError):
            raise
        raise ImageError(f"{path}: corrupt or truncated image ({err})") from None


def pil_to_float(img, name="image"):
    """A PIL image of any mode -> ``(rgb, alpha)`` floats in [0, 1]."""
    mode = img.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        values = np.asarray(img).astype(np.float64)
        scale = 65535.0 if values.max(initial=0) > 255 or mode.startswith("I;16") else 255.0
        return array_to_float(values / scale, name=name)
    if mode == "F":
        return array_to_float(np.asarray(img, dtype=np.float32), name=name)
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        mode == "P" and "transparency" in img.info
    )
    img = img.convert("RGBA" if has_alpha else "RGB")
    return array_to_float(np.asarray(img), name=name)


def array_to_float(array, name="image"):
    """A numpy image -> ``(rgb, alpha)`` floats in [0, 1].

    Accepts (H, W), (H, W, 1) grey, (H, W, 2) grey + alpha, (H, W, 3) RGB and
    (H, W, 4) RGBA; uint8, uint16, bool, or float in [0, 1].
    """
    a = np.asarray(array)
    if a.ndim == 3 and a.shape[-1] in (1, 2, 3, 4):
        pass
    elif a.ndim == 2:
        a = a[..., None]
    else:
        raise ImageError(
            f"{name}: expected an image of shape (H, W), (H, W, 1), (H, W, 3) or "
            f"(H, W, 4), got {a.shape}"
        )
    if a.shape[0] == 0 or a.shape[1] == 0:
        raise ImageError(f"{name}: empty image of shape {a.shape}")
    if a.dtype == np.uint8:
        f = a.astype(np.float32) / 255.0
    elif a.dtype == np.uint16:
        f = a.astype(np.float32) / 65535.0
    elif a.dtype == bool:
        f = a.astype(np.float32)
    elif np.issubdtype(a.dtype, np.integer):
        if a.min() < 0 or a.max() > 255:
            raise ImageError(
                f"{name}: integer image of dtype {a.dtype} with values in "
                f"[{a.min()}, {a.max()}]; give uint8 (0..255), uint16 or floats in [0, 1]"
            )
        f = a.astype(np.float32) / 255.0
    elif np.issubdtype(a.dtype, np.floating):
        f = a.astype(np.float32)
        if not np.isfinite(f).all():
            raise ImageError(f"{name}: the image contains NaN or infinite pixel values")
        lo, hi = float(f.min()), float(f.max())
        if lo < -1e-3 or hi > 1 + 1e-3:
            hint = " (it looks like 0..255: divide by 255)" if hi <= 255 else ""
            raise ImageError(
                f"{name}: float pixel values must lie in [0, 1], got [{lo:.4g}, {hi:.4g}]{hint}"
            )
        f = np.clip(f, 0.0, 1.0)
    else:
        raise ImageError(f"{name}: unsupported pixel dtype {a.dtype}")
    channels = f.shape[-1]
    alpha = f[..., -1] if channels in (2, 4) else None
    rgb = f[..., :3] if channels >= 3 else np.repeat(f[..., :1], 3, axis=-1)
    return np.ascontiguousarray(rgb), alpha


def to_float_image(image):
    """Any accepted input (path, PIL image, array) -> ``(rgb, alpha, name)``."""
    if isinstance(image, (str, os.PathLike)):
        rgb, alpha = read_image(image)
        return rgb, alpha, str(image)
    try:
        from PIL import Image, ImageOps

        if isinstance(image, Image.Image):
            image = ImageOps.exif_transpose(image)
            rgb, alpha = pil_to_float(image)
            return rgb, alpha, "PIL image"
    except ImportError:  # pragma: no cover - Pillow is a dependency
        pass
    if isinstance(image, (np.ndarray, tf.Tensor)) or hasattr(image, "__array__"):
        rgb, alpha = array_to_float(np.asarray(image), name="array")
        return rgb, alpha, "array"
    raise ImageError(
        f"cannot colourise a {type(image).__name__}: give a file path, a PIL image "
        "or a numpy array"
    )


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------


def model_image_size(model):
    """The square input size a colorizer was built for, or None if any size works."""
    for candidate in (model, getattr(model, "network", None), getattr(model, "generator", None)):
        if candidate is None:
            continue
        size = getattr(candidate, "image_size", None)
        if isinstance(size, int):
            return size
        try:
            shape = candidate.inputs[0].shape
        except (AttributeError, IndexError, TypeError, ValueError):
            continue
        if len(shape) == 4 and shape[1] is not None:
            return int(shape[1])
        if len(shape) == 4:
            return None
    return None


def load_colorizer(path):
    """Loads a ``.keras`` colorizer with Keras ``safe_mode`` on.

    Raises:
        FileNotFoundError: no file at ``path``.
        ModelError: the file is not a Keras archive, or holds a model that does
            not map L (H, W, 1) to ab (H, W, 2).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such model file")
    if path.is_dir() or not zipfile.is_zipfile(path):
        raise ModelError(
            f"{path}: not a Keras '.keras' model archive (save one with model.save('x.keras'))"
        )
    try:
        model = keras.saving.load_model(path, safe_mode=True)
    except Exception as err:  # Keras raises many types for a bad archive
        reason = str(err)
        reason = reason if len(reason) < 300 else reason[:300] + " ..."
        raise ModelError(f"{path}: could not load as a kcolor model ({reason})") from None
    check_colorizer(model, name=str(path))
    return model


def check_colorizer(model, name="model"):
    """Raises ModelError unless ``model`` maps L (N, S, S, 1) to ab (N, S, S, 2)."""
    if not (hasattr(model, "predict_on_batch") or callable(model)):
        raise ModelError(f"{name}: not a Keras model or callable")
    size = model_image_size(model) or 32
    probe = np.zeros((1, size, size, 1), np.float32)
    try:
        out = _predict_ab(model, probe)
    except Exception as err:
        raise ModelError(
            f"{name}: is not a kcolor colorizer: predicting on a grey image of shape "
            f"{probe.shape} failed ({type(err).__name__}: {err})"
        ) from None
    if out.shape != (1, size, size, 2):
        raise ModelError(
            f"{name}: is not a kcolor colorizer: it maps L {probe.shape} to "
            f"{out.shape}, not ab (1, {size}, {size}, 2)"
        )


def _predict_ab(model, L):
    # The same model handling as kcolor.metrics.evaluate and kcolor.plot.compare.
    out = predictor(model)(L, None)
    return np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float32)


# --------------------------------------------------------------------------
# Colourising
# --------------------------------------------------------------------------


def _letterbox(rgb, size):
    """Resizes to fit ``size`` x ``size`` keeping aspect; pads by edge replication.

    Returns the padded (size, size, 3) image and the (top, left, h, w) box of
    the image inside it.
    """
    h, w = rgb.shape[:2]
    scale = size / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    resized = tf.image.resize(rgb, (nh, nw), method="bilinear", antialias=True).numpy()
    top, left = (size - nh) // 2, (size - nw) // 2
    padded = np.pad(
        np.clip(resized, 0.0, 1.0),
        ((top, size - nh - top), (left, size - nw - left), (0, 0)),
        mode="edge",
    )
    return padded, (top, left, nh, nw)


def _recombine(rgb, ab_small, box):
    """Crops the predicted ab, upsamples it to the photo's size, adds full-res L."""
    top, left, nh, nw = box
    h, w = rgb.shape[:2]
    ab = ab_small[top : top + nh, left : left + nw]
    ab = tf.image.resize(ab, (h, w), method="bilinear").numpy()
    L, _ = color.rgb_to_l_ab(rgb)
    out = color.l_ab_to_rgb(L, np.clip(ab, -1.0, 1.0)).numpy()
    return np.round(np.clip(out, 0.0, 1.0) * 255.0).astype(np.uint8)


def colorize(image, model, *, size=None, batch_size=16):
    """Colourises a photo (or a list of photos) of any size with a colorizer.

    Args:
        image: a path, a PIL image, a numpy array (grey (H, W) or (H, W, 1),
            grey + alpha, RGB, RGBA; uint8, uint16, bool or float in [0, 1]),
            or a list/tuple of these.
        model: any kcolor colorizer (or Keras model / callable) whose
            ``predict_on_batch(L)`` returns normalised ab, or a path to a
            ``.keras`` file.
        size: the square resolution to predict at; defaults to the model's
            own input size (required for models that accept any size).
        batch_size: images predicted together when a list is given.

    Returns:
        uint8 array (H, W, 3), or (H, W, 4) with the input's alpha reattached;
        a list of those for a list input.

    Raises:
        ImageError, FileNotFoundError: bad input, naming the image and problem.
        ModelError: the model does not map L to ab.
    """
    if isinstance(model, (str, os.PathLike)):
        model = load_colorizer(model)
    single = not isinstance(image, (list, tuple))
    images = [image] if single else list(image)
    size = size or model_image_size(model)
    if size is None:
        raise ModelError("this model accepts any input size: pass size=, e.g. size=256")
    if not isinstance(size, int) or size < 1:
        raise ValueError(f"size must be a positive int, got {size!r}")

    results = []
    for start in range(0, len(images), batch_size):
        chunk = [to_float_image(x) for x in images[start : start + batch_size]]
        boxed = [_letterbox(rgb, size) for rgb, _, _ in chunk]
        L, _ = color.rgb_to_l_ab(np.stack([padded for padded, _ in boxed]))
        ab = _predict_ab(model, L.numpy())
        if ab.shape != (len(chunk), size, size, 2):
            raise ModelError(
                f"the model returned shape {ab.shape}; a colorizer must return "
                f"ab of shape ({len(chunk)}, {size}, {size}, 2)"
            )
        if not np.isfinite(ab).all():
            raise ModelError("the model predicted NaN or infinite ab values")
        for (rgb, alpha, _), (_, box), ab_one in zip(chunk, boxed, ab):
            out = _recombine(rgb, ab_one, box)
            if alpha is not None:
                a8 = np.round(np.clip(alpha, 0.0, 1.0) * 255.0).astype(np.uint8)
                out = np.concatenate([out, a8[..., None]], axis=-1)
            results.append(out)
    return results[0] if single else results


__all__ = [
    "colorize",
    "load_colorizer",
    "check_colorizer",
    "read_image",
    "model_image_size",
    "ImageError",
    "ModelError",
    "IMAGE_EXTENSIONS",
]
