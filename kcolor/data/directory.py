"""``from_directory``: a folder of your own photos as batches of ``(L, ab)``.

Reading rules (documented in ``data/README.md`` too):

* Files: ``.jpg .jpeg .png .webp .bmp .tif .tiff`` in any letter case, in
  the folder and (``recursive=True``) its subfolders, in sorted path order.
  Hidden files and folders (name starting with ``.``, such as macOS's
  ``._photo.jpg``) and files with other extensions are ignored.
* Each file is read with PIL, turned upright by its EXIF orientation and
  converted to 8-bit RGB. Transparent images (RGBA, LA, palette with
  transparency) are composited onto a white background.
* Grey sources are skipped, as paper B's released code skips them: a source
  is grey when its mode is ``L``, ``LA``, ``1`` (or another one-band mode,
  e.g. 16-bit ``I;16``) or when its three channels are equal everywhere.
  One warning says how many were skipped.
* Unreadable files (corrupt, truncated, not really an image) are skipped
  too; one warning gives their count and the first few names. They are
  never fatal unless no usable image is left.
* Each image is centre-cropped to a square and resized to ``image_size``
  with PIL's antialiased bilinear filter (crop-then-resize, not padding, so
  no grey borders enter the training data), then kept in memory as uint8.
* Files are only ever opened for reading; nothing is written or moved.
"""

import os
import warnings

import numpy as np

from kcolor.data.pipeline import arrays_to_dataset, check_image_size

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff")
_SHOW_NAMES = 5  # names listed in a warning or error
_PROGRESS_FROM = 200  # show a progress bar for folders with at least this many files


class GreyImageError(ValueError):
    """Raised by ``read_training_photo`` for a grey source (kcolor trains on colour only)."""


def _is_hidden(name):
    return name.startswith(".")


def list_image_files(path, recursive=True):
    """Image files under ``path``, sorted, and the files ignored for their extension.

    Returns:
        ``(images, others)``: two sorted lists of paths.
    """
    images, others = [], []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not _is_hidden(d)) if recursive else []
        for name in sorted(files):
            if _is_hidden(name):
                continue
            full = os.path.join(root, name)
            if os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS:
                images.append(full)
            else:
                others.append(full)
    return sorted(images), sorted(others)


def read_training_photo(path, image_size):
    """Reads one training photo as a uint8 RGB square of side ``image_size``.

    Training data only: a grey photo is refused and transparency is laid on
    white. To colourise a photo of any kind use ``kcolor.inference.read_image``
    (float RGB and alpha at the file's own size).

    Args:
        path: an image file PIL can read.
        image_size: side of the square result (centre crop, then bilinear).

    Returns:
        uint8 array (image_size, image_size, 3).

    Raises:
        GreyImageError: the source is grey (see the module docstring).
        OSError, ValueError, ...: PIL could not read the file.
    """
    from PIL import Image, ImageOps

    with Image.open(path) as opened:
        if opened.format == "JPEG":
            # Decode big JPEGs at a reduced scale that still covers image_size.
            opened.draft("RGB", (image_size, image_size))
        image = ImageOps.exif_transpose(opened)
        image.load()
        bands = image.getbands()
        if len(bands) <= 2 and bands[0] not in ("P",):  # L, LA, 1, I, I;16, F
            raise GreyImageError(f"{path} is a grey image (mode {image.mode})")
        if image.mode == "P" and "transparency" in image.info:
            image = image.convert("RGBA")
        if "A" in bands or image.mode in ("RGBA", "RGBa", "PA"):
            image = image.convert("RGBA")
            background = Image.new("RGBA", image.size, (255, 255, 255, 255))
            image = Image.alpha_composite(background, image)
        rgb = image.convert("RGB")
    pixels = np.asarray(rgb)
    if np.array_equal(pixels[..., 0], pixels[..., 1]) and np.array_equal(
        pixels[..., 1], pixels[..., 2]
    ):
        raise GreyImageError(f"{path} is grey: its three channels are equal")
    width, height = rgb.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    square = rgb.resize(
        (image_size, image_size),
        resample=Image.BILINEAR,
        box=(left, top, left + side, top + side),
    )
    return np.asarray(square, dtype=np.uint8)


def _names(paths, root):
    shown = [os.path.relpath(p, root) for p in paths[:_SHOW_NAMES]]
    more = f" and {len(paths) - _SHOW_NAMES} more" if len(paths) > _SHOW_NAMES else ""
    return ", ".join(shown) + more


def read_directory(path, *, image_size=64, recursive=True, _stacklevel=2):
    """Reads every usable colour photo of a folder (see the module docstring).

    Args:
        path: a folder.
        image_size: side of the square images.
        recursive: also read subfolders.

    Returns:
        ``(images, paths)``: a uint8 array (N, image_size, image_size, 3) and
        the N file paths it was read from, in the same order.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        NotADirectoryError: ``path`` is a file.
        ValueError: the folder holds no usable colour image.
    """
    from tqdm.auto import tqdm

    image_size = check_image_size(image_size, required=True)
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"from_directory: no such folder: {path!r}.")
    if not os.path.isdir(path):
        raise NotADirectoryError(
            f"from_directory expects a folder of images, but {path!r} is a file. For "
            f"one photo, read it into an array and use from_arrays, or kcolor.colorize."
        )
    files, others = list_image_files(path, recursive=recursive)
    images, used, grey, unreadable = [], [], [], []
    for file in tqdm(
        files, desc="reading images", unit="img", disable=len(files) < _PROGRESS_FROM
    ):
        try:
            images.append(read_training_photo(file, image_size))
            used.append(file)
        except GreyImageError:
            grey.append(file)
        except Exception:  # corrupt, truncated, not an image: report, never fatal
            unreadable.append(file)
    if grey:
        warnings.warn(
            f"from_directory skipped {len(grey)} grey image(s) in {path!r} (grey mode "
            f"or R = G = B everywhere; colourization needs colour targets): "
            f"{_names(grey, path)}.",
            UserWarning,
            stacklevel=_stacklevel,
        )
    if unreadable:
        warnings.warn(
            f"from_directory could not read {len(unreadable)} file(s) in {path!r} "
            f"(corrupt or not an image): {_names(unreadable, path)}.",
            UserWarning,
            stacklevel=_stacklevel,
        )
    if not images:
        found = (
            f"found {len(files)} image file(s): {len(grey)} grey, {len(unreadable)} "
            f"unreadable"
            if files
            else "the folder is empty" if not others else "found no image files"
        )
        other = f"; ignored {len(others)} file(s) with other extensions ({_names(others, path)})"
        raise ValueError(
            f"from_directory found no usable colour images in {path!r}"
            f"{'' if recursive else ' (recursive=False)'}: {found}"
            f"{other if others else ''}. Supported extensions: "
            f"{' '.join(IMAGE_EXTENSIONS)}."
        )
    return np.stack(images), used


def from_directory(
    path,
    *,
    image_size=64,
    batch_size=32,
    shuffle=None,
    augment=False,
    color_space="lab",
    seed=None,
    recursive=True,
):
    """A folder of your own colour photos as a ``tf.data.Dataset`` of ``(L, ab)``.

    The photos are read once (see the module docstring for the rules: EXIF
    orientation, transparency onto white, grey and unreadable files skipped
    with a warning), centre-cropped and resized to ``image_size``, and kept
    in memory as uint8. For data sets too big for memory, prepare them with
    tensorflow-datasets and use ``load``.

    Args:
        path: a folder of photos (subfolders too when ``recursive``).
        image_size: side of the square images (required: batches need one
            size).
        batch_size: images per batch.
        shuffle: shuffle every epoch; None (default) keeps the sorted file
            order, since a folder has no train/test split to tell from. Pass
            True to train.
        augment: random horizontal flips (L and ab flipped together).
        color_space: ``"lab"`` (``(L, ab)``), ``"yuv"`` (``(Y, UV)``),
            ``"gray"`` or ``"rgb"`` (single tensors in [-1, 1]).
        seed: makes shuffling and flips deterministic.
        recursive: also read subfolders.

    Returns:
        A ``tf.data.Dataset`` of float32 batches ``(L, ab)``.

    Example:

    >>> ds = from_directory("my_photos/", image_size=128, shuffle=True)
    >>> L, ab = next(iter(ds))   # (32, 128, 128, 1), (32, 128, 128, 2)
    """
    images, _ = read_directory(path, image_size=image_size, recursive=recursive, _stacklevel=3)
    return arrays_to_dataset(
        images,
        batch_size=batch_size,
        shuffle=bool(shuffle),
        augment=augment,
        color_space=color_space,
        seed=seed,
    )


__all__ = ["from_directory", "read_directory", "read_training_photo", "IMAGE_EXTENSIONS"]
