"""Every experiment the notebooks run, by name, in three profiles.

An experiment is one trained model of one notebook (``"03_unet_l2"``,
``"03_cgan"``): its data, its networks, its losses and its optimisers. Each
runs in three **profiles** that share one code path and differ only in the
numbers below:

* ``smoke``: the embedded sample data, a CPU, seconds to a minute a model.
  It proves the code path and shows what little training can show; CI runs
  it.
* ``quick``: the paper's real data set (CIFAR-10 at 32 px) for about ten
  minutes of a laptop CPU or a free Colab GPU; the course profile, where the
  paper's phenomenon must show in numbers.
* ``full``: the paper's data set and hyper-parameters, for a GPU.

Usage::

    >>> cfg = kcolor.experiments.config("03_cgan", "quick")
    >>> train, test = kcolor.experiments.datasets("03_cgan", "quick")
    >>> model = kcolor.experiments.build("03_cgan", "quick")
    >>> history = kcolor.experiments.fit(model, train, "03_cgan", "quick")

``config`` returns a plain dict (a copy: change it freely) with at least
``dataset``, ``image_size``, ``batch_size``, ``epochs``, ``steps_per_epoch``
(``None`` means the whole split), ``optimizer`` and ``cite``. Where a
paper's text and its released code disagree, the text wins and ``notes``
says what the code did.
"""

import copy

PROFILES = ("smoke", "quick", "full")

# Adam(2e-4, beta_1=0.5) for both networks: paper B, section 3.3 ("Reduced
# Momentum"), after DCGAN and pix2pix.
_PAPER_B_ADAM = {"name": "adam", "learning_rate": 2e-4, "beta_1": 0.5}

# Paper B's conditional GAN (sections 2.1, 3.2, 3.3): the U-Net generator with
# dropout as its noise, the text's discriminator (one output per image), the
# non-saturating loss, one-sided label smoothing (real label 0.9), L1 x 100.
_PAPER_B_CGAN = {
    "family": "CGAN",
    "generator": {"builder": "unet", "width": 1.0, "dropout": 0.5},
    "discriminator": {"builder": "dcgan_discriminator", "width": 1.0},
    "gan": {"generator_loss": "non_saturating", "one_sided_label_smoothing": 0.1,
            "l1_weight": 100.0},
    "optimizer": dict(_PAPER_B_ADAM),
    "d_optimizer": dict(_PAPER_B_ADAM),
    "schedule": "constant",
}

# Paper B's Table 1, as printed (MAE in the paper's unstated unit; accuracies
# in percent). Notebook 03 prints it beside ours.
PAPER_B_TABLE_1 = {
    "U-Net (L2)": {"data": "CIFAR-10, 200 epochs", "mae": 7.9, "acc@2%": 13.7, "acc@5%": 37.2},
    "cGAN": {"data": "CIFAR-10, 200 epochs", "mae": 5.1, "acc@2%": 24.1, "acc@5%": 65.5},
    "cGAN (Places365)": {"data": "Places365, 256 px, 20 epochs", "mae": 7.5, "acc@2%": 18.3,
                         "acc@5%": 47.3},
}

# The quick profile's shared settings: a quarter-width U-Net at 32 px trains
# at about 250 img/s as a cGAN on 2 CPU cores (benchmarks/quality.py).
_QUICK_DATA = {"dataset": "cifar10", "image_size": 32, "batch_size": 64, "augment": True}

_EXPERIMENTS = {
    "00_metrics": {
        "cite": "B eq. 10 (acc@eps), E Table 1 (euclidean ab), Hasler and Suesstrunk "
                "(colourfulness)",
        "what": "no model: the test data that notebook 00 scores the grey predictor on",
        "family": None,
        "profiles": {
            "smoke": {"dataset": "sample", "image_size": 32, "batch_size": 100},
            "quick": {"dataset": "cifar10", "image_size": 32, "batch_size": 250},
            "full": {"dataset": "cifar10", "image_size": 32, "batch_size": 250},
        },
    },
    "03_unet_l2": {
        "cite": "B, section 3.1 (baseline U-Net, eq. 9) and Table 1 (U-Net row)",
        "what": "paper B's U-Net trained to regress ab with the L2 loss",
        "family": "Colorizer",
        "loss": "l2",
        "generator": {"builder": "unet", "width": 1.0, "dropout": 0.0},
        "optimizer": dict(_PAPER_B_ADAM),
        "schedule": "constant",
        "profiles": {
            "smoke": {"dataset": "sample", "image_size": 32, "batch_size": 32, "epochs": 5,
                      "steps_per_epoch": 60, "augment": True,
                      "generator": {"width": 0.25}, "schedule": "cosine",
                      "optimizer": {"learning_rate": 2e-3, "beta_1": 0.9}},
            "quick": {**_QUICK_DATA, "epochs": 4, "steps_per_epoch": 200,
                      "generator": {"width": 0.25}, "schedule": "cosine",
                      "optimizer": {"learning_rate": 2e-3, "beta_1": 0.9}},
            "full": {"dataset": "cifar10", "image_size": 32, "batch_size": 128, "epochs": 200,
                     "steps_per_epoch": None, "augment": True},
        },
        "notes": "Paper B decays the learning rate by 10 'whenever the loss function started to "
                 "plateau' (by hand); the full profile keeps it constant. Paper B's eq. 9 "
                 "averages over L, a and b; we predict ab only, as its released code does.",
    },
    "03_cgan": {
        "cite": "B, sections 2.1, 3.2 and 3.3 (eqs. 7-8) and Table 1 (GAN row)",
        "what": "paper B's conditional GAN: the U-Net generator with dropout noise, a "
                "convolutional discriminator on (L, ab), L1 x 100, one-sided label "
                "smoothing 0.9, Adam(2e-4, 0.5)",
        **_PAPER_B_CGAN,
        "profiles": {
            "smoke": {"dataset": "sample", "image_size": 32, "batch_size": 32, "epochs": 5,
                      "steps_per_epoch": 60, "augment": True,
                      "generator": {"width": 0.25},
                      "discriminator": {"builder": "patchgan", "width": 0.25},
                      "schedule": "cosine",
                      "optimizer": {"learning_rate": 2e-3}},
            # Tuned with benchmarks/quality.py on the CIFAR-10 development
            # subset (README, "quick profile"): a warm start from the L2 U-Net
            # and L1 x 350 put the cGAN both near the truth's colourfulness
            # and above the grey predictor's acc@5% within ten CPU minutes.
            "quick": {**_QUICK_DATA, "epochs": 6, "steps_per_epoch": 200,
                      "generator": {"width": 0.25},
                      "discriminator": {"builder": "patchgan", "width": 0.25},
                      "gan": {"l1_weight": 350.0}, "warm_start": "03_unet_l2",
                      "schedule": "cosine",
                      "optimizer": {"learning_rate": 1e-3}},
            "full": {"dataset": "cifar10", "image_size": 32, "batch_size": 128, "epochs": 200,
                     "steps_per_epoch": None, "augment": True},
        },
        "notes": "Paper B's text (section 3.2) gives a discriminator that maps the whole "
                 "image to one probability: the full profile uses it (dcgan_discriminator). "
                 "The smoke and quick profiles use pix2pix's PatchGAN (paper B's reference "
                 "[5]), which gives the generator a signal per patch and learns faster in a "
                 "short run. Paper B's released code runs two generator steps per "
                 "discriminator step; its text does not say so, and g_steps stays 1. The "
                 "learning rate was decayed by hand on plateaus; the full profile keeps it "
                 "constant. Places365 at 256 px: config('03_cgan_places365', 'full').",
    },
    "03_cgan_places365": {
        "cite": "B, section 4 and Table 1 (Places365 row)",
        "what": "paper B's conditional GAN on Places365 at 256 px",
        **_PAPER_B_CGAN,
        "profiles": {
            "smoke": {"dataset": "sample", "image_size": 64, "batch_size": 16, "epochs": 1,
                      "steps_per_epoch": 10, "generator": {"width": 0.25},
                      "discriminator": {"width": 0.25}},
            "quick": {"dataset": "places365_small", "image_size": 64, "batch_size": 32,
                      "epochs": 2, "steps_per_epoch": 200, "generator": {"width": 0.25},
                      "discriminator": {"width": 0.25}},
            "full": {"dataset": "places365_small", "image_size": 256, "batch_size": 16,
                     "epochs": 20, "steps_per_epoch": None, "augment": True},
        },
        "notes": "The released code's 256 px generator starts 64-64-128-256-512...; ours keeps "
                 "one rule for every size (see kcolor.models.unet).",
    },
}

NAMES = tuple(_EXPERIMENTS)


def check_profile(profile):
    """Returns ``profile`` if it is one of ``PROFILES``, else raises ValueError."""
    if profile not in PROFILES:
        raise ValueError(
            f"Unknown profile {profile!r}; expected one of {', '.join(map(repr, PROFILES))}."
        )
    return profile


def _check_name(name):
    if name not in _EXPERIMENTS:
        raise ValueError(
            f"Unknown experiment {name!r}; known experiments: {', '.join(NAMES)}."
        )


def _merge(base, override):
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def config(name, profile="smoke", overrides=None):
    """The settings of one experiment in one profile, as a new dict.

    Args:
        name: one of ``NAMES``, e.g. ``"03_cgan"``.
        profile: ``"smoke"``, ``"quick"`` or ``"full"``.
        overrides: a dict merged over the profile's settings, nested dicts
            key by key: ``{"gan": {"l1_weight": 0}, "epochs": 2}``. For
            exercises and tuning; an unknown top-level key is an error.

    Returns:
        A dict with ``name``, ``profile``, ``cite``, ``what``, ``dataset``,
        ``image_size``, ``batch_size``, ``epochs``, ``steps_per_epoch``,
        ``augment``, ``family`` and, for trained experiments, ``generator``
        (and ``discriminator``) builder settings, the loss or ``gan``
        options, ``optimizer`` (and ``d_optimizer``), ``schedule``
        (``"constant"`` or ``"cosine"`` decay to zero over the run) and
        ``notes``.

    Example:

    >>> kcolor.experiments.config("03_cgan", "full")["optimizer"]
    {'name': 'adam', 'learning_rate': 0.0002, 'beta_1': 0.5}
    """
    _check_name(name)
    check_profile(profile)
    base = {k: v for k, v in _EXPERIMENTS[name].items() if k != "profiles"}
    base.setdefault("augment", False)
    base.setdefault("epochs", None)
    base.setdefault("steps_per_epoch", None)
    base.setdefault("warm_start", None)
    cfg = _merge(base, _EXPERIMENTS[name]["profiles"][profile])
    unknown = sorted(set(overrides or {}) - set(cfg))
    if unknown:
        raise ValueError(f"Unknown settings {unknown} for {name}; it has {sorted(cfg)}.")
    cfg = _merge(cfg, overrides or {})
    return {"name": name, "profile": profile, **cfg}


def _network(settings, image_size, seed):
    from kcolor import models

    settings = dict(settings)
    builder = getattr(models, settings.pop("builder"))
    return builder(image_size, seed=seed, **settings)


def _optimizer(settings, total_steps):
    from kcolor.backend import keras

    settings = dict(settings)
    name = settings.pop("name")
    learning_rate = settings.pop("learning_rate")
    if total_steps:  # cosine decay to zero over the whole run
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, total_steps)
    return keras.optimizers.get({"class_name": name,
                                 "config": {"learning_rate": learning_rate, **settings}})


def total_steps(cfg):
    """Training steps in a run of ``cfg``, or None when an epoch is a whole split."""
    if cfg["steps_per_epoch"] is None or cfg["epochs"] is None:
        return None
    return cfg["steps_per_epoch"] * cfg["epochs"]


def build(name, profile="smoke", image_size=None, *, seed=0, overrides=None, warm_start=None):
    """Builds and compiles the model of one experiment in one profile.

    Args:
        name: one of ``NAMES``.
        profile: ``"smoke"``, ``"quick"`` or ``"full"``.
        image_size: overrides the profile's image size (e.g. a tiny input
            for a test).
        seed: seeds the initial weights and the GAN's noise.
        overrides: changes to the profile's settings (see ``config``).
        warm_start: a trained model whose network has the generator's shape
            (a ``Colorizer`` or a ``keras.Model``): the generator starts from
            its weights. Profiles whose config names ``warm_start`` (the
            experiment to start from) expect it; see ``needs_warm_start``.

    Returns:
        A compiled ``kcolor.Colorizer`` or ``kcolor.CGAN`` (...), ready for
        ``fit``. CPU runs compile without XLA (``kcolor.backend``).

    Example:

    >>> model = kcolor.experiments.build("03_unet_l2", "smoke")
    """
    import kcolor

    cfg = config(name, profile, overrides)
    if cfg["family"] is None:
        raise ValueError(f"Experiment {name!r} trains no model ({cfg['what']}).")
    size = cfg["image_size"] if image_size is None else image_size
    schedule_steps = total_steps(cfg) if cfg["schedule"] == "cosine" else None
    if cfg["schedule"] == "cosine" and schedule_steps is None:
        raise ValueError(f"{name} ({profile}): a cosine schedule needs steps_per_epoch.")
    generator = _network(cfg["generator"], size, seed)
    if cfg.get("warm_start") and warm_start is None:
        raise ValueError(
            f"{name} ({profile}) starts from a trained {cfg['warm_start']}: pass "
            f"build(..., warm_start=<the trained {cfg['warm_start']} model>)."
        )
    if warm_start is not None:
        generator.set_weights(getattr(warm_start, "network", warm_start).get_weights())
    optimizer = _optimizer(cfg["optimizer"], schedule_steps)
    if cfg["family"] == "Colorizer":
        model = kcolor.Colorizer(generator, loss=cfg["loss"])
        model.compile(optimizer=optimizer)
        return model
    family = getattr(kcolor, cfg["family"])
    discriminator = _network(cfg["discriminator"], size, seed + 1)
    model = family(generator, discriminator, seed=seed, **cfg["gan"])
    model.compile(g_optimizer=optimizer,
                  d_optimizer=_optimizer(cfg["d_optimizer"], schedule_steps))
    return model


def datasets(name, profile="smoke", *, npz=None, data_dir=None, image_size=None,
             test_batch_size=250, seed=0, overrides=None):
    """The ``(train, test)`` data sets of one experiment in one profile.

    Args:
        name, profile: the experiment.
        npz: optional path to a ``.npz`` file with ``x_train`` and ``x_test``
            uint8 RGB arrays (e.g. a development copy of CIFAR-10); used
            instead of the profile's tensorflow-datasets source.
        data_dir: tensorflow-datasets' data folder (default
            ``TFDS_DATA_DIR``); offline, an unprepared data set fails fast
            with ``kcolor.data.DatasetNotPreparedError``.
        image_size: overrides the profile's size.
        test_batch_size: batch size of the test set.
        seed: shuffling and augmentation seed.
        overrides: changes to the profile's settings (see ``config``).

    Returns:
        ``(train, test)``: ``tf.data.Dataset``s of ``(L, ab)`` batches. When
        the profile counts ``steps_per_epoch``, ``train`` repeats forever.
    """
    from kcolor import data

    cfg = config(name, profile, overrides)
    size = cfg["image_size"] if image_size is None else image_size
    batch = cfg["batch_size"]
    train_options = dict(image_size=size, batch_size=batch, augment=cfg["augment"], seed=seed)
    if npz is not None:
        import numpy as np

        with np.load(npz) as arrays:
            x_train, x_test = arrays["x_train"], arrays["x_test"]
        train = data.from_arrays(x_train, shuffle=True, **train_options)
        test = data.from_arrays(x_test, image_size=size, batch_size=test_batch_size)
    elif cfg["dataset"] == "sample":
        train = data.sample("train", **train_options)
        test = data.sample("test", image_size=size, batch_size=test_batch_size)
    else:
        train = data.load(cfg["dataset"], "train", shuffle=True, data_dir=data_dir,
                          **train_options)
        test = data.load(cfg["dataset"], "test", image_size=size, batch_size=test_batch_size,
                         data_dir=data_dir)
    if cfg["steps_per_epoch"] is not None:
        train = train.repeat()
    return train, test


def fit(model, train, name, profile="smoke", *, callbacks=(), verbose=2, overrides=None,
        **kwargs):
    """Trains ``model`` for the experiment's epochs and steps: one line per epoch.

    Args:
        model: from ``build(name, profile)``.
        train: from ``datasets(name, profile)``.
        name, profile: the experiment.
        callbacks: extra Keras callbacks (``kcolor.callbacks.ImageGrid``, ...).
        verbose: Keras's verbosity; 2 prints one line per epoch.
        overrides: changes to the profile's settings (see ``config``).
        **kwargs: passed to ``model.fit`` (``validation_data``, ...).

    Returns:
        The Keras ``History``; ``history.wall_time`` is the training time in
        seconds.
    """
    import time

    cfg = config(name, profile, overrides)
    start = time.perf_counter()
    history = model.fit(train, epochs=cfg["epochs"], steps_per_epoch=cfg["steps_per_epoch"],
                        callbacks=list(callbacks), verbose=verbose, **kwargs)
    history.wall_time = time.perf_counter() - start
    return history


def model_path(name, profile="smoke", folder=None):
    """Where a notebook saves the trained model of an experiment, and others find it.

    ``folder`` defaults to the ``KCOLOR_MODELS`` environment variable, else
    ``models/`` in the working directory (a notebook's own folder).

    Example:

    >>> kcolor.experiments.model_path("03_cgan", "quick")
    PosixPath('models/03_cgan_quick.keras')
    """
    import os
    from pathlib import Path

    config(name, profile)  # checks both
    folder = folder if folder is not None else os.environ.get("KCOLOR_MODELS", "models")
    return Path(folder) / f"{name}_{profile}.keras"


def describe(name, profile="smoke"):
    """A one-paragraph markdown summary of an experiment's configuration."""
    cfg = config(name, profile)
    steps = total_steps(cfg)
    run = (f"{cfg['epochs']} epochs of {cfg['steps_per_epoch']} steps" if steps
           else f"{cfg['epochs']} epochs over the whole split")
    lines = [f"**{name}** ({profile} profile): {cfg['what']}.",
             f"Data: {cfg['dataset']} at {cfg['image_size']} px, batch {cfg['batch_size']}, "
             f"{run}. Source: paper {cfg['cite']}."]
    if cfg["family"] is not None:
        opt = cfg["optimizer"]
        lines.append(f"Optimiser: {opt['name']}, learning rate {opt['learning_rate']:g} "
                     f"({cfg['schedule']}).")
    if cfg.get("notes"):
        lines.append(f"Notes: {cfg['notes']}")
    return " ".join(lines)


__all__ = ["NAMES", "PROFILES", "PAPER_B_TABLE_1", "check_profile", "config", "build",
           "datasets", "fit", "total_steps", "describe", "model_path"]
