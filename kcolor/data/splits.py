"""``train_and_test``: a data set's training split and its held-out split, by name.

One call for every data set an experiment names: the embedded ``"sample"``
photos, the offline font ``"digits"`` (notebook 06's stand-in for MNIST),
and the tensorflow-datasets sets of ``DATASETS``, whose held-out split is
``"test"`` where they have one and ``"validation"`` otherwise (down-sampled
ImageNet).
"""

from kcolor.data.digits import digit_datasets
from kcolor.data.embedded import sample
from kcolor.data.tfds import ALIASES, DATASETS, load

#: The data sets ``train_and_test`` knows besides ``DATASETS``.
OFFLINE = ("sample", "digits")


def held_out_split(name):
    """The split a data set is scored on: ``"test"``, else ``"validation"``."""
    splits = DATASETS[ALIASES.get(name, name)]["splits"]
    return "test" if "test" in splits else "validation"


def train_and_test(name, *, image_size, batch_size, test_batch_size=250, augment=False,
                   color_space="lab", seed=0, data_dir=None, download=False):
    """The ``(train, test)`` data sets of ``name``: shuffled training batches and held-out ones.

    Args:
        name: ``"sample"``, ``"digits"`` (grey font digits: 6,000 train and
            1,000 test images, ``color_space="gray"`` only) or a name of
            ``DATASETS`` (``"cifar10"``, ``"mnist"``, ...).
        image_size: square size of the images.
        batch_size: training batch size.
        test_batch_size: batch size of the held-out set.
        augment: random horizontal flips of the training images.
        color_space: ``"lab"``, ``"yuv"``, ``"gray"`` or ``"rgb"`` (see
            ``kcolor.data.load``).
        seed: shuffling, augmentation and (for the digits) drawing seed.
        data_dir: tensorflow-datasets' data folder (see ``kcolor.data.load``).
        download: download a tensorflow-datasets set that is not on disk.

    Returns:
        ``(train, test)`` ``tf.data.Dataset``s.

    Raises:
        ValueError: an unknown name, or the digits in a colour space.
    """
    if name == "digits":
        if color_space != "gray":
            raise ValueError(f"the font digits are grey: color_space must be 'gray', "
                             f"got {color_space!r}.")
        train, _ = digit_datasets(image_size=image_size, batch_size=batch_size, seed=seed)
        _, test = digit_datasets(image_size=image_size, batch_size=test_batch_size, seed=seed,
                                 n_train=10)
        return train, test
    train_options = dict(image_size=image_size, batch_size=batch_size, augment=augment,
                         seed=seed, color_space=color_space)
    test_options = dict(image_size=image_size, batch_size=test_batch_size,
                        color_space=color_space)
    if name == "sample":
        return sample("train", **train_options), sample("test", **test_options)
    if ALIASES.get(name, name) not in DATASETS:
        raise ValueError(f"Unknown data set {name!r}; expected one of "
                         f"{', '.join(OFFLINE + tuple(DATASETS))}.")
    train = load(name, "train", shuffle=True, data_dir=data_dir, download=download,
                 **train_options)
    test = load(name, held_out_split(name), data_dir=data_dir, download=download,
                **test_options)
    return train, test


__all__ = ["train_and_test", "held_out_split", "OFFLINE"]
