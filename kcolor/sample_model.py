"""The sample colorizer: a small model trained on the embedded sample data.

It lets a new user colourise a photo before training anything::

    model = kcolor.sample_model.load()
    rgb = kcolor.colorize("photo.jpg", model)

or ``python -m kcolor colorize photo.jpg --model sample --out coloured/``.

What it is (honestly): a quarter-width U-Net (paper B section 3.1, at most 128 filters) at 64 px
trained with the L1 loss (paper C) on the train regions of the six photos of
``kcolor.data.sample`` on a CPU. Six photos teach it little about the world:
expect plausible skin, sky and foliage tints, and sepia elsewhere. It
is a demonstration of the pipeline, not of what the papers' models reach on
CIFAR-10 or Places365 (train those with the notebooks' ``full`` profile).

The trained file ships inside the package (``kcolor/resources``) when it is
small enough; otherwise ``load()`` trains it once (about a minute on two CPU
cores) and caches it under ``~/.cache/kcolor``. Retrain with
``python -m kcolor train-sample --out sample_colorizer.keras``.
"""

import os
import time
from pathlib import Path

from kcolor import data, models
from kcolor.backend import keras
from kcolor.colorizers import Colorizer
from kcolor.inference import load_colorizer

IMAGE_SIZE = 64
EPOCHS = 12
BATCH_SIZE = 32
WIDTH = 0.25
MAX_FILTERS = 128  # keeps the file under 1 MB (206k parameters)
SEED = 0
PACKAGED = Path(__file__).resolve().parent / "resources" / "sample_colorizer.keras"


def cache_path():
    """Where ``load()`` keeps a model it had to train: ``$KCOLOR_CACHE`` or ~/.cache/kcolor."""
    root = os.environ.get("KCOLOR_CACHE") or Path.home() / ".cache" / "kcolor"
    return Path(root) / "sample_colorizer.keras"


def build(image_size=IMAGE_SIZE, width=WIDTH, seed=SEED):
    """The untrained sample colorizer, compiled (Adam 2e-3, L1)."""
    network = models.unet(image_size, width=width, max_filters=MAX_FILTERS, seed=seed)
    model = Colorizer(network, loss="l1")
    model.compile(optimizer=keras.optimizers.Adam(2e-3))
    return model


def train(out, *, epochs=None, image_size=IMAGE_SIZE, overwrite=False, verbose=1):
    """Trains the sample colorizer on ``kcolor.data.sample("train")`` and saves it.

    Args:
        out: the ``.keras`` path to write (written atomically).
        epochs: defaults to ``EPOCHS``.
        image_size: training resolution.
        overwrite: replace an existing file.
        verbose: Keras ``fit`` verbosity.

    Returns:
        The path written.
    """
    out = Path(out)
    if out.suffix != ".keras":
        raise ValueError(f"{out}: the sample model is saved as a '.keras' file")
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} exists (pass overwrite=True / --overwrite to replace it)")
    keras.utils.set_random_seed(SEED)
    model = build(image_size)
    start = time.time()
    train_ds = data.sample("train", image_size=image_size, batch_size=BATCH_SIZE, seed=SEED)
    model.fit(train_ds, epochs=epochs or EPOCHS, verbose=verbose)
    if verbose:
        print(f"trained the sample colorizer in {time.time() - start:.0f} s")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.partial.keras")
    # Saved uncompiled: the optimizer's state would triple the file for nothing.
    export = Colorizer(model.network, loss=model.loss_name)
    try:
        export.save(tmp)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


def load(*, verbose=1):
    """The sample colorizer: the packaged file, the cached one, or trained now."""
    for path in (PACKAGED, cache_path()):
        if path.exists():
            return load_colorizer(path)
    if verbose:
        print(f"training the sample colorizer once (cached at {cache_path()})")
    return load_colorizer(train(cache_path(), verbose=verbose))


__all__ = ["build", "train", "load", "cache_path", "PACKAGED", "IMAGE_SIZE", "EPOCHS"]
