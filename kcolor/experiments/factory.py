"""How a config becomes a compiled model and its data: ``build`` and ``datasets``.

* ``build(name, profile)``: the config's ``colorizer`` class on networks of
  ``kcolor.models`` (each network's settings name its ``builder``, a
  function of ``kcolor.models.BUILDERS``), compiled with the config's
  optimisers.
* ``datasets(name, profile)``: the config's data set as ``(train, test)``
  (``kcolor.data.train_and_test``).
* ``network``, ``optimizer``, ``start_from``: one network, one optimiser
  with its learning-rate schedule, one warm start.
"""

import numpy as np

from kcolor import data
from kcolor.backend import keras
from kcolor.colorizers import AdversarialColorizer, ClassColorizer, Colorizer, options
from kcolor.experiments.registry import config, total_steps
from kcolor.layers import KooPreprocessing
from kcolor.models import (BUILDERS, koo_yuv_discriminator, koo_yuv_generator,
                           transfer_baseline_weights)
from kcolor.quantize import make_bins


def network(settings, image_size, seed):
    """Builds one network from its settings: ``{"builder": "unet", "width": 0.25}``.

    Args:
        settings: ``builder`` names a function of ``kcolor.models.BUILDERS``;
            the other keys are its keyword arguments.
        image_size: the network's input size.
        seed: seeds its initial weights.

    Returns:
        The ``keras.Model`` the builder returns.

    Example:

    >>> network({"builder": "patchgan", "width": 0.25}, 32, seed=1)
    """
    settings = dict(settings)
    name = settings.pop("builder")
    if name not in BUILDERS:
        raise ValueError(f"Unknown network builder {name!r}; expected one of "
                         f"{', '.join(sorted(BUILDERS))}.")
    return BUILDERS[name](image_size, seed=seed, **settings)


def optimizer(cfg, key="optimizer"):
    """The Keras optimizer of ``cfg[key]``, with the config's learning-rate schedule.

    Args:
        cfg: an experiment's config; ``cfg[key]`` is ``{"name": ...,
            "learning_rate": ..., other keyword arguments}``.
        key: ``"optimizer"`` (a colorizer's network, or a GAN's generator)
            or ``"d_optimizer"`` (a GAN's discriminator).

    Returns:
        A ``keras.optimizers.Optimizer``. A ``"cosine"`` schedule decays the
        rate to zero over ``total_steps(cfg)``; ``"constant"`` keeps it.

    Example:

    >>> optimizer(kcolor.experiments.config("03_cgan", "full"))  # Adam(2e-4, 0.5)
    """
    settings = dict(cfg[key])
    name = settings.pop("name")
    learning_rate = settings.pop("learning_rate")
    if cfg["schedule"] == "cosine":  # decay to zero over the whole run
        steps = total_steps(cfg)
        if steps is None:
            raise ValueError(f"{cfg['name']} ({cfg['profile']}): a cosine schedule needs "
                             "steps_per_epoch.")
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, steps)
    return keras.optimizers.get({"class_name": name,
                                 "config": {"learning_rate": learning_rate, **settings}})


def start_from(network, trained):
    """Copies ``trained``'s weights into ``network`` (a warm start); ``None`` copies nothing.

    Args:
        network: a ``keras.Model``.
        trained: ``None``, a model of the same shape, or a colorizer whose
            ``network`` has that shape (a trained ``kcolor.Colorizer``).

    Returns:
        ``network``.
    """
    if trained is not None:
        network.set_weights(getattr(trained, "network", trained).get_weights())
    return network


def build(name, profile="smoke", image_size=None, *, seed=0, overrides=None, warm_start=None):
    """Builds and compiles the model of one experiment in one profile.

    The config's ``colorizer`` is the class built: a ``Colorizer`` or a
    ``ClassColorizer`` on its ``network``, or a GAN (``CGAN``, ``LSGAN``,
    ``WGAN``, ``EBGAN``) on its ``generator`` and ``discriminator`` with
    ``kcolor.colorizers.options.from_settings(cfg["gan"])``.

    Args:
        name: one of ``NAMES``.
        profile: ``"smoke"``, ``"quick"`` or ``"full"``.
        image_size: overrides the profile's image size (e.g. a tiny input
            for a test).
        seed: seeds the initial weights and the GAN's noise.
        overrides: changes to the profile's settings (see ``config``).
        warm_start: a trained model (a ``Colorizer`` or a ``keras.Model``)
            whose network has the shape of this model's ``network`` (or, for
            a GAN, its ``generator``), which starts from its weights.
            Profiles whose config names ``warm_start`` (the experiment to
            start from) expect it.

    Returns:
        A compiled instance of ``config(name, profile)["colorizer"]``, ready
        for ``fit``. A ``ClassColorizer``'s bins are not fitted yet
        (``kcolor.experiments.fit_bins``). CPU runs compile without XLA
        (``kcolor.backend``).

    Example:

    >>> model = kcolor.experiments.build("03_unet_l2", "smoke")
    """
    cfg = config(name, profile, overrides)
    colorizer = cfg["colorizer"]
    if colorizer is None:
        raise ValueError(f"Experiment {name!r} trains no model ({cfg['what']}).")
    size = cfg["image_size"] if image_size is None else image_size
    if cfg.get("warm_start") and warm_start is None:
        raise ValueError(
            f"{name} ({profile}) starts from a trained {cfg['warm_start']}: pass "
            f"build(..., warm_start=<the trained {cfg['warm_start']} model>)."
        )
    if issubclass(colorizer, AdversarialColorizer):
        return _gan(cfg, size, seed, warm_start)
    net = start_from(network(cfg["network"], size, seed), warm_start)
    if issubclass(colorizer, ClassColorizer):
        model = colorizer(net, make_bins(cfg["bins"]), rebalance=cfg["rebalance"],
                          decode=cfg["decode"], T=cfg["T"])
    elif issubclass(colorizer, Colorizer):
        model = colorizer(net, loss=cfg["loss"], preprocessing=cfg.get("preprocessing"))
    else:
        raise ValueError(f"{name}: cannot build a {colorizer.__name__}; expected a Colorizer, "
                         "a ClassColorizer or a GAN of kcolor.colorizers.")
    model.compile(optimizer=optimizer(cfg))
    return model


def _gan(cfg, size, seed, warm_start):
    """``cfg["colorizer"](generator, discriminator, **gan options)``, compiled.

    With ``"preprocessing": "koo"`` (paper A's GAN, notebook 02) both
    networks work inside the trained baseline's preprocessing, and the
    generator starts from the baseline's weights
    (``kcolor.models.transfer_baseline_weights``).
    """
    generator = network(cfg["generator"], size, seed)
    discriminator = network(cfg["discriminator"], size, seed + 1)
    if cfg.get("preprocessing") == "koo":
        preprocessing = KooPreprocessing()
        if warm_start is not None:  # paper A, section 3.2.2: the baseline's weights
            transfer_baseline_weights(generator, warm_start.network)
            preprocessing = warm_start.preprocessing
        generator = koo_yuv_generator(generator, preprocessing)
        discriminator = koo_yuv_discriminator(discriminator, preprocessing)
    else:
        start_from(generator, warm_start)
    model = cfg["colorizer"](generator, discriminator, seed=seed,
                             **options.from_settings(cfg["gan"]))
    model.compile(g_optimizer=optimizer(cfg), d_optimizer=optimizer(cfg, "d_optimizer"))
    return model


def datasets(name, profile="smoke", *, npz=None, data_dir=None, image_size=None,
             test_batch_size=250, seed=0, overrides=None, download=None):
    """The ``(train, test)`` data sets of one experiment in one profile.

    Args:
        name, profile: the experiment.
        npz: optional path to a ``.npz`` file with ``x_train`` and ``x_test``
            uint8 RGB arrays (e.g. a development copy of CIFAR-10); used
            instead of the profile's data set.
        data_dir: tensorflow-datasets' data folder (default
            ``TFDS_DATA_DIR``, else on Colab with Google Drive mounted
            ``MyDrive/kcolor/tensorflow_datasets``, else
            ``~/tensorflow_datasets``).
        image_size: overrides the profile's size.
        test_batch_size: batch size of the test set.
        seed: shuffling and augmentation seed.
        overrides: changes to the profile's settings (see ``config``).
        download: download and prepare a data set that is not on disk (a
            line gives its size and folder first). ``None`` (default) means
            True in the quick and full profiles and False in smoke, which
            never touches the network. Offline, a download fails within
            seconds (``kcolor.data.DownloadUnavailableError``, naming the
            fix); with ``download=False`` a missing data set raises
            ``kcolor.data.DatasetNotPreparedError`` at once.

    Returns:
        ``(train, test)``: ``tf.data.Dataset``s of ``(L, ab)`` batches (of
        the config's ``color_space``: ``(Y, UV)`` for ``"yuv"``, grey images
        for ``"gray"``). When the profile counts ``steps_per_epoch``,
        ``train`` repeats forever.
    """
    cfg = config(name, profile, overrides)
    options = dict(image_size=cfg["image_size"] if image_size is None else image_size,
                   color_space=cfg["color_space"])
    if npz is not None:
        with np.load(npz) as arrays:
            x_train, x_test = arrays["x_train"], arrays["x_test"]
        train = data.from_arrays(x_train, shuffle=True, batch_size=cfg["batch_size"],
                                 augment=cfg["augment"], seed=seed, **options)
        test = data.from_arrays(x_test, batch_size=test_batch_size, **options)
    else:
        train, test = data.train_and_test(
            cfg["dataset"], batch_size=cfg["batch_size"], test_batch_size=test_batch_size,
            augment=cfg["augment"], seed=seed, data_dir=data_dir,
            download=profile != "smoke" if download is None else download, **options)
    if cfg["steps_per_epoch"] is not None:
        train = train.repeat()
    return train, test


__all__ = ["build", "datasets", "network", "optimizer", "start_from"]
