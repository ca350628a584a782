"""``load``: the papers' data sets through tensorflow-datasets, offline-safe.

``load(name)`` never touches the network unless downloads are allowed
(``download=True``, or ``kcolor.experiments.datasets`` in the quick and full
profiles): it first looks for prepared data on disk and, when there is none,
fails at once with a ``DatasetNotPreparedError`` that names the data set, the
data directory and the command that prepares it.

With ``download=True`` a data set that is not prepared is downloaded and
prepared: one line first says its name, its size on disk and the folder it
goes to, then tensorflow-datasets shows its own progress bars. Before handing
over, ``reachable`` checks in a few seconds that the download host answers;
offline, ``DownloadUnavailableError`` says so at once, with the fix
(tensorflow-datasets itself would retry for minutes).

The data directory is, in order: the ``data_dir`` argument, the
``TFDS_DATA_DIR`` environment variable, on Colab with Google Drive mounted
``MyDrive/kcolor/tensorflow_datasets`` (``kcolor.colab.drive_folder``: a
second notebook finds the data there), else tensorflow-datasets' default
``~/tensorflow_datasets``.
"""

import contextlib
import contextvars
import os
import socket
import threading

from kcolor.colab import drive_folder
from kcolor.data.embedded import sample
from kcolor.data.pipeline import check_color_space, images_to_dataset

# name -> what kcolor needs to know about a tensorflow-datasets data set;
# "host" is where tensorflow-datasets 4.9 downloads it from (its builders'
# URLs), for the quick reachability check before a download.
DATASETS = {
    "cifar10": {
        "splits": ("train", "test"),
        "image_shape": (32, 32, 3),
        "size": "about 163 MiB to download, 132 MiB prepared",
        "papers": "A (section 4), B (Table 1), E (baseline)",
        "host": ("www.cs.toronto.edu", 443),
    },
    "places365_small": {
        "splits": ("train", "validation", "test"),
        "image_shape": (256, 256, 3),
        "size": "about 29.3 GiB to download and as much again prepared",
        "papers": "B (Table 1), C",
        "host": ("data.csail.mit.edu", 80),
    },
    "celeb_a": {
        "splits": ("train", "validation", "test"),
        "image_shape": (218, 178, 3),
        "size": "about 1.4 GiB to download, 1.4 GiB prepared",
        "papers": "C (sections 3 and 4), D (section 3)",
        "host": ("drive.google.com", 443),
    },
    "imagenet_resized/64x64": {
        "splits": ("train", "validation"),
        "image_shape": (64, 64, 3),
        "size": "about 13.1 GiB to download and about as much prepared",
        "papers": "E (section 4.2.1: down-sampled ImageNet at 64x64)",
        "host": ("www.image-net.org", 80),
    },
    "mnist": {
        "splits": ("train", "test"),
        "image_shape": (28, 28, 1),
        "size": "about 11 MiB to download, 21 MiB prepared",
        "papers": "D (section 3, generation)",
        "host": ("storage.googleapis.com", 443),
    },
}
ALIASES = {"imagenet64": "imagenet_resized/64x64"}
GREY_DATASETS = ("mnist",)


class DatasetNotPreparedError(FileNotFoundError):
    """The data set is not on disk and ``download=False``: says how to prepare it."""


class DownloadUnavailableError(DatasetNotPreparedError):
    """A download was asked for, but the data set's download host does not answer."""


# Whether load(download=None) downloads: False, except inside allow_downloads(True).
_DOWNLOADS = contextvars.ContextVar("kcolor_downloads", default=False)


@contextlib.contextmanager
def allow_downloads(allowed=True):
    """Within this block, ``load(..., download=None)`` downloads when ``allowed``.

    ``kcolor.experiments.datasets`` uses it, so that data sets of the quick
    and full profiles arrive while the smoke profile never reaches the
    network, whichever module's source loads them.
    """
    token = _DOWNLOADS.set(bool(allowed))
    try:
        yield
    finally:
        _DOWNLOADS.reset(token)


def reachable(host, port, timeout=3.0):
    """Whether a TCP connection to ``host:port`` opens within ``timeout`` seconds.

    The check ``builder`` makes before a download (tests replace it). A
    failed name lookup counts as unreachable. The lookup and the connection
    run in a background thread, so a slow name server cannot make the check
    take longer than ``timeout`` either.
    """
    result = []

    def connect():
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=connect, daemon=True, name="kcolor-reachable")
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def data_dir_for(data_dir=None):
    """The data directory ``load`` uses, and where that choice came from.

    Returns:
        ``(path, source)``, source being ``"the data_dir argument"``,
        ``"TFDS_DATA_DIR"``, ``"Google Drive (Colab)"`` or ``"the
        tensorflow-datasets default"``.
    """
    if data_dir is not None:
        return os.path.abspath(os.path.expanduser(os.fspath(data_dir))), "the data_dir argument"
    env = os.environ.get("TFDS_DATA_DIR")
    if env:
        return os.path.abspath(os.path.expanduser(env)), "TFDS_DATA_DIR"
    drive = drive_folder()
    if drive is not None:
        return os.fspath(drive / "tensorflow_datasets"), "Google Drive (Colab)"
    default = os.path.join(os.path.expanduser("~"), "tensorflow_datasets")
    return default, "the tensorflow-datasets default"


def resolve_name(name):
    """Canonical tensorflow-datasets name for ``name`` (aliases resolved), or raises."""
    known = ("sample",) + tuple(DATASETS) + tuple(ALIASES)
    if not isinstance(name, str) or name.lower() not in known:
        raise ValueError(f"Unknown data set {name!r}; known names: {', '.join(known)}.")
    name = name.lower()
    return ALIASES.get(name, name)


def prepared_versions(name, data_dir):
    """Versions of ``name`` prepared under ``data_dir`` (folders with a dataset_info.json)."""
    folder = os.path.join(data_dir, *name.split("/"))
    if not os.path.isdir(folder):
        return []
    return sorted(
        version
        for version in os.listdir(folder)
        if os.path.isfile(os.path.join(folder, version, "dataset_info.json"))
    )


def prepare_command(name, data_dir):
    """The shell command that downloads and prepares ``name`` into ``data_dir``."""
    return (
        f"python -c \"import tensorflow_datasets as tfds; "
        f"tfds.builder('{name}', data_dir='{data_dir}').download_and_prepare()\""
    )


def _not_prepared(name, data_dir, source, found):
    info = DATASETS[name]
    versions = (
        f" (found version(s) {', '.join(found)}, but this tensorflow-datasets wants "
        f"another one)"
        if found
        else ""
    )
    return DatasetNotPreparedError(
        f"Data set {name!r} is not prepared in the data dir {data_dir!r} (from "
        f"{source}){versions}. kcolor.data.load does not download unless you pass "
        f"download=True, so it stopped here instead of reaching for the network.\n"
        f"Prepare it once on a machine with internet ({info['size']}):\n"
        f"    {prepare_command(name, data_dir)}\n"
        f"or: tfds build {name} --data_dir {data_dir}\n"
        f"or: kcolor.data.load({name!r}, download=True, data_dir={data_dir!r})\n"
        f"then copy the folder {os.path.join(data_dir, name.split('/')[0])!r} to this "
        f"machine and point data_dir= or TFDS_DATA_DIR at its parent. "
        f"See data/README.md."
    )


def _unavailable(name, data_dir, source):
    host, port = DATASETS[name]["host"]
    return DownloadUnavailableError(
        f"Cannot download {name!r}: its download host {host} (port {port}) does not answer "
        f"within a few seconds, so this machine looks offline. Either connect it and run "
        f"again, or prepare the data set on a machine with internet "
        f"({DATASETS[name]['size']}):\n"
        f"    {prepare_command(name, data_dir)}\n"
        f"or: tfds build {name} --data_dir {data_dir}\n"
        f"then copy the folder {os.path.join(data_dir, name.split('/')[0])!r} here and point "
        f"TFDS_DATA_DIR (or data_dir=) at its parent (now {data_dir!r}, from {source}). "
        f"See data/README.md."
    )


def builder(name, *, data_dir=None, download=False):
    """The prepared tensorflow-datasets builder of ``name`` (downloading if asked).

    Checks the disk first, so with ``download=False`` a missing data set
    fails in well under a second and never touches the network. With
    ``download=True`` a missing data set is downloaded and prepared: a line
    names it, its size and its folder, ``reachable`` checks its download
    host (a few seconds at most), then tensorflow-datasets downloads and
    prepares it with its own progress bars.

    Raises:
        DatasetNotPreparedError: not on disk and ``download=False``.
        DownloadUnavailableError: not on disk, ``download=True``, and the
            download host does not answer (offline).
        ValueError: unknown name.
    """
    name = resolve_name(name)
    if name == "sample":
        raise ValueError("'sample' is embedded in kcolor, not a tensorflow-datasets data set.")
    data_dir, source = data_dir_for(data_dir)
    found = prepared_versions(name, data_dir)
    if not found and not download:
        raise _not_prepared(name, data_dir, source, found)

    import tensorflow_datasets as tfds

    dataset_builder = tfds.builder(name, data_dir=data_dir)
    if not dataset_builder.is_prepared():
        if not download:
            raise _not_prepared(name, data_dir, source, found)
        if not reachable(*DATASETS[name]["host"]):
            raise _unavailable(name, data_dir, source)
        print(f"Downloading {name} ({DATASETS[name]['size']}) into {data_dir} (from {source}); "
              "tensorflow-datasets shows its progress below.", flush=True)
        dataset_builder.download_and_prepare()
    return dataset_builder


def _is_train_split(split):
    return str(split).strip().lower().startswith("train")


def load(
    name,
    split="train",
    *,
    image_size=None,
    batch_size=32,
    shuffle=None,
    augment=False,
    color_space=None,
    data_dir=None,
    download=None,
    seed=None,
    cache=False,
):
    """A data set by name, as a ``tf.data.Dataset`` of ``(L, ab)`` batches.

    ``"sample"`` is the embedded offline data set (``kcolor.data.sample``);
    the others come through tensorflow-datasets and must be prepared on disk
    first (or pass ``download=True``): see ``data/README.md``.

    Args:
        name: ``"sample"``, ``"cifar10"``, ``"places365_small"``,
            ``"celeb_a"``, ``"imagenet_resized/64x64"`` (alias
            ``"imagenet64"``) or ``"mnist"``.
        split: a split, with tensorflow-datasets slicing for the tfds data
            sets (``"train[:10%]"``, ``"test[:500]"``); ``"train"`` or
            ``"test"`` for ``"sample"``.
        image_size: square size to produce (centre crop, then bilinear
            resize with antialiasing); None keeps the data set's own size
            (64 for ``"sample"``; celeb_a's 218x178 images then keep their
            shape).
        batch_size: images per batch.
        shuffle: shuffle every epoch (and the file order); None shuffles
            training splits (those starting with ``"train"``) only.
        augment: random horizontal flips, as paper B's released code does;
            L and ab are flipped together.
        color_space: ``"lab"`` (``(L, ab)``), ``"yuv"`` (``(Y, UV)``),
            ``"gray"`` or ``"rgb"`` (single tensors in [-1, 1]). None (the
            default) means ``"lab"``, except for MNIST, whose grey digits
            give ``"gray"``: the element is the image itself, in [-1, 1] of
            shape (28, 28, 1), for unconditional generation (paper D).
        data_dir: tensorflow-datasets data directory; default
            ``TFDS_DATA_DIR``, else on Colab with Drive mounted
            ``MyDrive/kcolor/tensorflow_datasets``, else
            ``~/tensorflow_datasets``.
        download: download and prepare the data set when it is missing
            (needs internet and the disk space in ``DATASETS``); ``None``
            (the default) means False, except inside
            ``allow_downloads(True)``.
        seed: makes shuffling and flips deterministic.
        cache: cache the decoded (and resized) images in memory (True) or in
            files with this prefix (a string); worth it for CIFAR-10 and
            MNIST, too big for Places365.

    Returns:
        A prefetched ``tf.data.Dataset`` of float32 batches.

    Raises:
        DatasetNotPreparedError: the data set is not on disk and
            ``download=False`` (raised at once, without any network access).
        DownloadUnavailableError: not on disk, downloads allowed, and the
            download host does not answer (raised within seconds).
        ValueError: unknown name or colour space.

    Example:

    >>> train = load("cifar10", "train[:10%]", batch_size=64)
    >>> L, ab = next(iter(train))   # (64, 32, 32, 1), (64, 32, 32, 2)
    """
    canonical = resolve_name(name)
    if color_space is None:
        color_space = "gray" if canonical in GREY_DATASETS else "lab"
    color_space = check_color_space(color_space)
    if shuffle is None:
        shuffle = _is_train_split(split)
    if canonical == "sample":
        return sample(
            split,
            image_size=64 if image_size is None else image_size,
            batch_size=batch_size,
            shuffle=shuffle,
            augment=augment,
            color_space=color_space,
            seed=seed,
        )

    import tensorflow_datasets as tfds

    if download is None:
        download = _DOWNLOADS.get()
    dataset_builder = builder(canonical, data_dir=data_dir, download=download)
    images = dataset_builder.as_dataset(
        split=split,
        shuffle_files=bool(shuffle),
        read_config=tfds.ReadConfig(shuffle_seed=seed),
    ).map(lambda example: example["image"])
    return images_to_dataset(
        images,
        image_size=image_size,
        batch_size=batch_size,
        shuffle=shuffle,
        augment=augment,
        color_space=color_space,
        seed=seed,
        cache=cache,
    )


__all__ = [
    "load",
    "builder",
    "DATASETS",
    "ALIASES",
    "DatasetNotPreparedError",
    "DownloadUnavailableError",
    "allow_downloads",
    "data_dir_for",
    "prepare_command",
    "reachable",
]
