"""The one pipeline every kcolor data set goes through: uint8 RGB -> batches.

``images_to_dataset`` takes a ``tf.data.Dataset`` of uint8 images of shape
(H, W, 3) (or (H, W, 1) for grey data such as MNIST) and returns batches of
model tensors:

* ``color_space="lab"``: ``(L, ab)``, normalised as ``kcolor.color`` does
  (``L / 50 - 1`` of shape (H, W, 1), ``ab / 110`` of shape (H, W, 2));
* ``color_space="yuv"``: ``(Y, UV)`` as ``kcolor.color.rgb_to_y_uv`` gives
  them (Y in [0, 1], U and V in about [-0.44, 0.44] and [-0.62, 0.62]);
  paper A's contrastive normalisation of Y and its data-set-wide UV
  standardisation are left to the model that uses them;
* ``color_space="gray"``: the image alone (not a tuple), grey in [-1, 1] of
  shape (H, W, 1): the raw channel of a grey source (MNIST), else the
  normalised Lab L of a colour one. For unconditional generation (paper D,
  section 3);
* ``color_space="rgb"``: the image alone, RGB in [-1, 1] of shape (H, W, 3)
  (a DCGAN's ``tanh`` range), for generation on colour data (paper D).

Order of the stages (``images_to_dataset``): resize (centre crop to a square, then bilinear with
antialiasing, back to uint8) -> optional cache -> shuffle -> batch -> random
horizontal flip of each image -> colour conversion (once per batch, which is much
faster than per image) -> prefetch. The flip happens on the RGB image, so L
and ab are always flipped together. In-memory arrays (``sample``,
``from_arrays``, ``from_directory``) go through ``arrays_to_dataset``, which
runs that same resize and conversion once, up front, and then only
shuffles, flips (L and ab together) and batches every epoch.
"""

import numbers

from kcolor import color
from kcolor.backend import tf

COLOR_SPACES = ("lab", "yuv", "gray", "rgb")
# Shuffle buffer: the whole data set when it is small, else at most this many
# images and at most SHUFFLE_BUFFER_BYTES of them (Places365 at 256 px: ~1300).
DEFAULT_SHUFFLE_BUFFER = 10_000
SHUFFLE_BUFFER_BYTES = 256 * 2**20
# In-memory sets whose converted float32 tensors fit in this are converted
# once (``arrays_to_dataset``), not per batch every epoch.
PRECONVERT_BYTES = 512 * 2**20


def check_color_space(color_space):
    """Returns ``color_space`` lower-cased, or raises a ValueError listing the valid ones."""
    if not isinstance(color_space, str) or color_space.lower() not in COLOR_SPACES:
        raise ValueError(
            f"Unknown color_space {color_space!r}; expected one of {', '.join(COLOR_SPACES)}."
        )
    return color_space.lower()


def check_image_size(image_size, *, required=False):
    """Returns ``image_size`` as a positive int (or None when allowed), else raises."""
    if image_size is None and not required:
        return None
    if (
        isinstance(image_size, bool)
        or not isinstance(image_size, numbers.Integral)
        or int(image_size) <= 0
    ):
        raise ValueError(
            f"image_size must be a positive integer (the side of the square images), "
            f"got {image_size!r}."
        )
    return int(image_size)


def check_batch_size(batch_size):
    """Returns ``batch_size`` as a positive int, else raises a ValueError."""
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, numbers.Integral)
        or int(batch_size) <= 0
    ):
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
    return int(batch_size)


def center_crop_resize(image, image_size):
    """Centre-crops a uint8 image (H, W, C) to a square and resizes it to ``image_size``.

    Bilinear interpolation with antialiasing (so shrinking does not alias),
    rounded back to uint8. An image already of the requested size is returned
    unchanged.

    Args:
        image: uint8 tensor of shape (H, W, C).
        image_size: side of the square output.

    Returns:
        uint8 tensor of shape (image_size, image_size, C).
    """
    image = tf.convert_to_tensor(image)
    channels = image.shape[-1]
    height, width = image.shape[0], image.shape[1]
    if height == image_size and width == image_size:
        return image

    def _resize():
        shape = tf.shape(image)
        h, w = shape[0], shape[1]
        side = tf.minimum(h, w)
        top = (h - side) // 2
        left = (w - side) // 2
        square = image[top : top + side, left : left + side]
        resized = tf.image.resize(
            square, (image_size, image_size), method="bilinear", antialias=True
        )
        return tf.cast(tf.clip_by_value(tf.round(resized), 0.0, 255.0), tf.uint8)

    if height is None or width is None:
        shape = tf.shape(image)
        same = tf.logical_and(
            tf.equal(shape[0], image_size), tf.equal(shape[1], image_size)
        )
        out = tf.cond(same, lambda: tf.identity(image), _resize)
    else:
        out = _resize()
    return tf.ensure_shape(out, (image_size, image_size, channels))


def to_model_tensors(images, color_space="lab"):
    """A batch of uint8 images (N, H, W, C) -> the model tensors of ``color_space``.

    Args:
        images: uint8 tensor (N, H, W, 3), or (N, H, W, 1) for grey sources.
        color_space: ``"lab"``, ``"yuv"``, ``"gray"`` or ``"rgb"`` (see the
            module docstring).

    Returns:
        ``(L, ab)`` or ``(Y, UV)`` float32 tensors, or a single float32 tensor
        in [-1, 1] for ``"gray"`` and ``"rgb"``.
    """
    color_space = check_color_space(color_space)
    x = tf.cast(images, tf.float32) / 255.0
    channels = x.shape[-1]
    if color_space == "gray":
        if channels == 1:
            return x * 2.0 - 1.0
        return tf.cast(color.normalize_l(color.rgb_to_lab(x)[..., :1]), tf.float32)
    if channels == 1:  # a grey source asked for as colour: R = G = B
        x = tf.concat([x, x, x], axis=-1)
    if color_space == "rgb":
        return x * 2.0 - 1.0
    if color_space == "yuv":
        Y, UV = color.rgb_to_y_uv(x)
    else:
        Y, UV = color.rgb_to_l_ab(x)
    return tf.cast(Y, tf.float32), tf.cast(UV, tf.float32)


def shuffle_buffer_size(images):
    """Shuffle buffer for a dataset of uint8 images: all of it if it fits, else bounded.

    At most ``DEFAULT_SHUFFLE_BUFFER`` images and ``SHUFFLE_BUFFER_BYTES`` of
    them (when the image shape is static), at least 1000 images.
    """
    limit = DEFAULT_SHUFFLE_BUFFER
    shape = images.element_spec.shape
    if shape.is_fully_defined():
        limit = min(limit, max(1000, SHUFFLE_BUFFER_BYTES // max(1, shape.num_elements())))
    n = int(images.cardinality())
    return n if 0 < n <= limit else limit


def _random_flip(batch, random_int):
    """Flips each image of a batch left-right with probability 1/2.

    ``batch`` is an image batch or a tuple of them such as (L, ab): every
    part of one image flips together. ``random_int`` seeds the draw, so a
    seeded pipeline flips the same images every time.
    """
    first = tf.nest.flatten(batch)[0]
    seed = tf.stack([random_int, tf.constant(0, tf.int64)])
    flips = tf.random.stateless_uniform(tf.shape(first)[:1], seed=seed) < 0.5

    def flip(images):
        return tf.where(tf.reshape(flips, [-1, 1, 1, 1]), tf.reverse(images, axis=[2]), images)

    return tf.nest.map_structure(flip, batch)


def _shuffle_flip_batch(ds, *, batch_size, shuffle, augment, seed, shuffle_buffer, drop_remainder):
    """The stages every pipeline shares: shuffle -> batch -> random flip."""
    if shuffle:
        if shuffle_buffer is None:
            shuffle_buffer = shuffle_buffer_size(ds)
        ds = ds.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if augment:
        coins = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
        ds = tf.data.Dataset.zip((ds, coins)).map(
            _random_flip, num_parallel_calls=tf.data.AUTOTUNE
        )
    return ds


def images_to_dataset(
    images,
    *,
    image_size=None,
    batch_size=32,
    shuffle=False,
    augment=False,
    color_space="lab",
    seed=None,
    cache=False,
    shuffle_buffer=None,
    drop_remainder=False,
):
    """Turns a dataset of uint8 RGB images into batches of model tensors.

    This is the single pipeline behind ``sample``, ``from_arrays``,
    ``from_directory`` and ``load``.

    Args:
        images: ``tf.data.Dataset`` whose elements are uint8 images of shape
            (H, W, 3) or (H, W, 1).
        image_size: side of the square images to produce (centre crop, then
            bilinear resize with antialiasing), or None to keep the size (the
            images must then share one size to be batched).
        batch_size: images per batch.
        shuffle: shuffle the images (every epoch anew).
        augment: random horizontal flip of each image (paper B's released
            code does this); L and ab are flipped together.
        color_space: ``"lab"`` (default), ``"yuv"``, ``"gray"`` or ``"rgb"``.
        seed: makes shuffling and flips deterministic (the same seed gives
            the same sequence of epochs); None leaves them random.
        cache: False, True (cache the decoded, resized uint8 images in
            memory) or a file name prefix for ``Dataset.cache``.
        shuffle_buffer: shuffle buffer size; default: ``shuffle_buffer_size``
            (the whole data set when it is small, else a buffer of at most
            10,000 images and 256 MiB).
        drop_remainder: drop the last, smaller batch.

    Returns:
        A prefetched ``tf.data.Dataset`` of float32 batches: ``(L, ab)``,
        ``(Y, UV)``, or a single tensor for ``"gray"`` and ``"rgb"``.

    Example:

    >>> rgb = tf.data.Dataset.from_tensor_slices(np.zeros((8, 32, 32, 3), "uint8"))
    >>> ds = images_to_dataset(rgb, batch_size=4)
    >>> L, ab = next(iter(ds))   # (4, 32, 32, 1), (4, 32, 32, 2)
    """
    color_space = check_color_space(color_space)
    image_size = check_image_size(image_size)
    batch_size = check_batch_size(batch_size)
    spec = images.element_spec
    if spec.dtype != tf.uint8:
        raise TypeError(f"images_to_dataset expects uint8 images, got {spec.dtype.name}.")
    if spec.shape.rank != 3 or spec.shape[-1] not in (1, 3):
        raise ValueError(
            f"images_to_dataset expects images of shape (H, W, 3) or (H, W, 1), "
            f"got {spec.shape}."
        )

    ds = images
    if image_size is not None:
        ds = ds.map(
            lambda image: center_crop_resize(image, image_size),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    if cache:
        ds = ds.cache(cache if isinstance(cache, str) else "")
    ds = _shuffle_flip_batch(
        ds, batch_size=batch_size, shuffle=shuffle, augment=augment, seed=seed,
        shuffle_buffer=shuffle_buffer, drop_remainder=drop_remainder,
    )
    ds = ds.map(
        lambda batch: to_model_tensors(batch, color_space),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    return ds.prefetch(tf.data.AUTOTUNE)


def arrays_to_dataset(
    images,
    *,
    image_size=None,
    batch_size=32,
    shuffle=False,
    augment=False,
    color_space="lab",
    seed=None,
    drop_remainder=False,
):
    """In-memory uint8 images (N, H, W, C) -> batches, converted only once.

    The same elements as ``images_to_dataset`` on
    ``Dataset.from_tensor_slices(images)``, but the resize and the colour
    conversion run once, up front (through ``images_to_dataset`` itself), and
    each epoch only shuffles, flips and batches the converted tensors. On this
    project's 2-core CPU that made an epoch of 200 images at 32 px about 15x
    faster (the per-epoch cost of starting the conversion's map function
    dominated small data sets; ``benchmarks/README.md``). Flipping after the
    conversion is exact: the conversion is per pixel. When the converted
    float32 tensors would exceed ``PRECONVERT_BYTES``, it falls back to
    converting per batch, every epoch.

    Args: as ``images_to_dataset``, with ``images`` a uint8 array.

    Returns:
        A prefetched ``tf.data.Dataset`` of float32 batches.
    """
    color_space = check_color_space(color_space)
    image_size = check_image_size(image_size)
    batch_size = check_batch_size(batch_size)
    n, h, w = images.shape[:3]
    side_h, side_w = (image_size, image_size) if image_size else (h, w)
    channels = 1 if color_space == "gray" else 3
    source = tf.data.Dataset.from_tensor_slices(images)
    options = dict(batch_size=batch_size, shuffle=shuffle, augment=augment, seed=seed)
    if n * side_h * side_w * channels * 4 > PRECONVERT_BYTES:
        return images_to_dataset(
            source, image_size=image_size, color_space=color_space,
            drop_remainder=drop_remainder, **options,
        )
    converted = list(
        images_to_dataset(source, image_size=image_size, batch_size=256, color_space=color_space)
    )
    tensors = tf.nest.map_structure(lambda *parts: tf.concat(parts, axis=0), *converted)
    ds = _shuffle_flip_batch(
        tf.data.Dataset.from_tensor_slices(tensors), shuffle_buffer=n,
        drop_remainder=drop_remainder, **options,
    )
    return ds.prefetch(tf.data.AUTOTUNE)


__all__ = [
    "COLOR_SPACES",
    "images_to_dataset",
    "arrays_to_dataset",
    "to_model_tensors",
    "center_crop_resize",
    "check_color_space",
    "check_image_size",
    "check_batch_size",
]
