"""``from_arrays``: your own uint8 RGB arrays as batches of ``(L, ab)``."""

import numpy as np

from kcolor.backend import tf
from kcolor.data.pipeline import arrays_to_dataset, center_crop_resize, check_image_size


def _describe(images):
    return f"shape {tuple(images.shape)} and dtype {images.dtype}"


def _check_dtype(images):
    """Returns the array as uint8, or raises a TypeError/ValueError that says why not."""
    if images.dtype == np.uint8:
        return images
    if np.issubdtype(images.dtype, np.floating):
        raise TypeError(
            f"from_arrays expects uint8 RGB images (0..255), got a float array "
            f"({_describe(images)}). If the values are in [0, 1], convert them with "
            f"`(images * 255).round().astype('uint8')`; if you already have "
            f"normalised (L, ab) tensors, build the dataset with "
            f"tf.data.Dataset.from_tensor_slices((L, ab)) instead."
        )
    if images.dtype == np.bool_ or not np.issubdtype(images.dtype, np.integer):
        raise TypeError(
            f"from_arrays expects uint8 RGB images (0..255), got {_describe(images)}."
        )
    if images.size and (images.min() < 0 or images.max() > 255):
        raise ValueError(
            f"from_arrays expects uint8 RGB images (0..255), got an integer array "
            f"({_describe(images)}) with values from {images.min()} to {images.max()}. "
            f"16-bit images must be scaled to 8 bits first, e.g. `(images >> 8)"
            f".astype('uint8')`."
        )
    return images.astype(np.uint8)


def _check_shape(images):
    """Returns a 4-D (N, H, W, 3) view, or raises a ValueError naming the problem."""
    shape = tuple(images.shape)
    if images.ndim == 2:
        raise ValueError(
            f"from_arrays expects RGB images of shape (N, H, W, 3) or (H, W, 3); got a "
            f"2-D array of shape {shape}, which is a single grey image. Colourization "
            f"data must be colour: there is nothing to learn from a grey image (to "
            f"colourise a grey photo, use kcolor.colorize)."
        )
    if images.ndim not in (3, 4):
        raise ValueError(
            f"from_arrays expects RGB images of shape (N, H, W, 3) or (H, W, 3); got "
            f"an array of rank {images.ndim} with shape {shape}."
        )
    channels = shape[-1]
    if channels == 4:
        raise ValueError(
            f"from_arrays expects RGB images with 3 channels; got 4 channels (shape "
            f"{shape}): RGBA with an alpha channel. Drop the alpha with "
            f"`images[..., :3]` or composite the images onto a background first."
        )
    if channels == 1:
        raise ValueError(
            f"from_arrays expects RGB images with 3 channels; got 1 channel (shape "
            f"{shape}): grey images. Colourization data must be colour."
        )
    if channels != 3:
        hint = " (a stack of grey images of shape (N, H, W)?)" if images.ndim == 3 else ""
        raise ValueError(
            f"from_arrays expects RGB images of shape (N, H, W, 3) or (H, W, 3); got "
            f"shape {shape} with {channels} on the last (channel) axis{hint}."
        )
    if images.ndim == 3:
        images = images[np.newaxis]
    if 0 in images.shape:
        raise ValueError(
            f"from_arrays got an empty array of shape {shape}: no images to make a "
            f"dataset from."
        )
    return images


def _stack(images, image_size):
    """A list of images of different sizes -> one (N, size, size, 3) array."""
    checked = [_check_shape(_check_dtype(np.asarray(image)))[0] for image in images]
    if len({image.shape for image in checked}) == 1:
        return np.stack(checked)
    if image_size is None:
        sizes = sorted({image.shape[:2] for image in checked})
        raise ValueError(
            f"from_arrays got images of different sizes ({', '.join(map(str, sizes[:4]))}"
            f"{', ...' if len(sizes) > 4 else ''}); pass image_size=... to resize them "
            f"to one square size."
        )
    return np.stack(
        [center_crop_resize(tf.constant(image), image_size).numpy() for image in checked]
    )


def check_images(images, image_size=None):
    """Validates images for ``from_arrays``; returns a uint8 (N, H, W, 3) array.

    Accepts an array (N, H, W, 3) or (H, W, 3), or a list of (H, W, 3)
    images (of different sizes only when ``image_size`` is given).
    """
    if isinstance(images, (list, tuple)):
        if len(images) == 0:
            raise ValueError("from_arrays got an empty list: no images to make a dataset from.")
        return _stack(images, image_size)
    images = np.asarray(images)
    if images.dtype == object:
        raise TypeError(
            "from_arrays could not make one array of the images (dtype object): pass "
            "a uint8 array (N, H, W, 3) or a list of (H, W, 3) uint8 images."
        )
    return _check_shape(_check_dtype(images))


def from_arrays(
    images,
    *,
    image_size=None,
    batch_size=32,
    shuffle=None,
    augment=False,
    color_space="lab",
    seed=None,
):
    """Your own uint8 RGB images as a ``tf.data.Dataset`` of ``(L, ab)`` batches.

    Args:
        images: uint8 RGB array (N, H, W, 3), a single image (H, W, 3), or a
            list of (H, W, 3) images. Float, RGBA, grey, empty or wrongly
            shaped input raises an error that says what is wrong.
        image_size: resize to this square size (centre crop, then bilinear
            with antialiasing); None keeps the images' own size.
        batch_size: images per batch.
        shuffle: shuffle every epoch; None (default) keeps your order, since
            arrays have no train/test split to tell from. Pass True to train.
        augment: random horizontal flips (L and ab flipped together).
        color_space: ``"lab"`` (``(L, ab)``), ``"yuv"`` (``(Y, UV)``),
            ``"gray"`` or ``"rgb"`` (single tensors in [-1, 1]).
        seed: makes shuffling and flips deterministic.

    Returns:
        A ``tf.data.Dataset`` of float32 batches ``(L, ab)`` of shapes
        (batch, H, W, 1) and (batch, H, W, 2).

    Example:

    >>> photos = np.random.randint(0, 256, (10, 48, 48, 3), dtype="uint8")
    >>> ds = from_arrays(photos, image_size=32, batch_size=4, shuffle=True)
    >>> L, ab = next(iter(ds))   # (4, 32, 32, 1), (4, 32, 32, 2)
    """
    image_size = check_image_size(image_size)
    images = check_images(images, image_size)
    return arrays_to_dataset(
        images,
        image_size=image_size,
        batch_size=batch_size,
        shuffle=bool(shuffle),
        augment=augment,
        color_space=color_space,
        seed=seed,
    )


__all__ = ["from_arrays", "check_images"]
