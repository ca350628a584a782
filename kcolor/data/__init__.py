"""Data sets as ``tf.data`` pipelines of ``(L, ab)`` batches.

Every source goes through one pipeline (``pipeline.images_to_dataset``):
uint8 RGB -> resize -> shuffle -> flip -> batch -> ``kcolor.color`` ->
prefetch. Elements are float32 batches ``(L, ab)`` of shapes
(batch, H, W, 1) and (batch, H, W, 2), normalised (``L / 50 - 1``,
``ab / 110``); ``color_space="yuv"`` gives ``(Y, UV)`` instead, and
``"gray"`` / ``"rgb"`` a single image tensor in [-1, 1] (for unconditional
generation).

* ``sample(split, image_size=...)``: the embedded offline data set, crops of
  six photos shipped in the scikit-image and matplotlib wheels, split by
  region inside every photo (``split_regions``); ``sample_images`` gives the
  uint8 crops.
* ``from_arrays(images)``: your uint8 RGB arrays.
* ``from_directory(path, image_size=...)``: a folder of your photos.
* ``load(name, split)``: ``"sample"`` or a tensorflow-datasets data set
  (``DATASETS``), never downloading unless ``download=True``; a download
  first checks, within seconds, that the machine is online
  (``DownloadUnavailableError`` otherwise).
* ``train_and_test(name, ...)``: a data set's training and held-out splits
  in one call (``"sample"``, the font ``"digits"`` or a ``DATASETS`` name),
  as ``kcolor.experiments.datasets`` asks for them.

Example:

>>> import kcolor
>>> train = kcolor.data.sample("train", image_size=32)
>>> test = kcolor.data.load("sample", "test", image_size=32)
>>> L, ab = next(iter(train))
"""

from kcolor.data.arrays import from_arrays
from kcolor.data.directory import IMAGE_EXTENSIONS, from_directory, read_directory
from kcolor.data.pipeline import COLOR_SPACES, images_to_dataset, to_model_tensors
from kcolor.data.embedded import (
    SAMPLE_PHOTOS,
    SAMPLE_SPLITS,
    sample,
    sample_boxes,
    sample_images,
    split_regions,
)
from kcolor.data.tfds import (
    ALIASES,
    DATASETS,
    DatasetNotPreparedError,
    DownloadUnavailableError,
    allow_downloads,
    load,
)
from kcolor.data.digits import digit_datasets, font_digits
from kcolor.data.splits import held_out_split, train_and_test

__all__ = [
    "load",
    "sample",
    "sample_images",
    "sample_boxes",
    "split_regions",
    "from_arrays",
    "from_directory",
    "read_directory",
    "images_to_dataset",
    "to_model_tensors",
    "SAMPLE_SPLITS",
    "SAMPLE_PHOTOS",
    "DATASETS",
    "ALIASES",
    "COLOR_SPACES",
    "IMAGE_EXTENSIONS",
    "DatasetNotPreparedError",
    "DownloadUnavailableError",
    "allow_downloads",
    "digit_datasets",
    "font_digits",
    "train_and_test",
    "held_out_split",
]
