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
(``None`` means the whole split), ``model`` (the kind of model trained:
``"Colorizer"``, ``"CGAN"``, ...; ``None`` for no model), ``optimizer`` and
``cite``. Where a
paper's text and its released code disagree, the text wins and ``notes``
says what the code did.

Where things are: each notebook group's experiments live in a module named
after its paper (``paper_b`` holds notebooks 00 and 03), as a dict
``EXPERIMENTS`` of plain settings. A module whose models are not a
``Colorizer`` or one of the GANs on a generator and a discriminator also
gives ``MODELS`` (the config's ``model`` -> a function that builds and
compiles it from a config), and one whose data is not colour photos gives
``SOURCES`` (data set name -> a function that returns ``(train, test)``).
They build from ``kcolor.experiments.builders`` (networks, optimisers, warm
starts). This file is the registry that collects them.
"""

PROFILES = ("smoke", "quick", "full")

from kcolor.experiments import paper_a, paper_b, papers_d_c, papers_e_c
from kcolor.experiments.builders import merge, network, optimizer, start_from, total_steps
from kcolor.experiments.paper_b import PAPER_B_TABLE_1

# The notebook groups, in course order. A module adds its experiments here.
_MODULES = (paper_b, paper_a, papers_e_c, papers_d_c)


def _collect(modules):
    """The modules' ``EXPERIMENTS``, ``MODELS`` and ``SOURCES``, each joined in one dict.

    A name that two modules give (two experiments ``"03_cgan"``, two
    builders of one model, two loaders of one data set) is an error: the
    later module would otherwise replace the earlier one's without a word.
    """
    tables = {"EXPERIMENTS": {}, "MODELS": {}, "SOURCES": {}}
    for module in modules:
        for what, table in tables.items():
            entries = getattr(module, what, {})
            repeated = sorted(set(entries) & set(table))
            if repeated:
                raise ValueError(f"{module.__name__}.{what} repeats {repeated}, which an "
                                 "earlier module already registers; names must be unique.")
            table.update(entries)
    return tables["EXPERIMENTS"], tables["MODELS"], tables["SOURCES"]


_EXPERIMENTS, _MODELS, _SOURCES = _collect(_MODULES)
# _MODELS: model -> build(cfg, image_size, *, seed, warm_start) -> compiled model
# _SOURCES: dataset -> load(cfg, *, image_size, seed, test_batch_size, data_dir)

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
        ``augment``, ``model`` and, for trained experiments, ``generator``
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
    base.setdefault("color_space", "lab")
    cfg = merge(base, _EXPERIMENTS[name]["profiles"][profile])
    unknown = sorted(set(overrides or {}) - set(cfg))
    if unknown:
        raise ValueError(f"Unknown settings {unknown} for {name}; it has {sorted(cfg)}.")
    cfg = merge(cfg, overrides or {})
    return {"name": name, "profile": profile, **cfg}


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
    cfg = config(name, profile, overrides)
    if cfg["model"] is None:
        raise ValueError(f"Experiment {name!r} trains no model ({cfg['what']}).")
    size = cfg["image_size"] if image_size is None else image_size
    if cfg.get("warm_start") and warm_start is None:
        raise ValueError(
            f"{name} ({profile}) starts from a trained {cfg['warm_start']}: pass "
            f"build(..., warm_start=<the trained {cfg['warm_start']} model>)."
        )
    build_model = _MODELS.get(cfg["model"], _build_colorizer_or_gan)
    return build_model(cfg, size, seed=seed, warm_start=warm_start)


def _build_colorizer_or_gan(cfg, size, *, seed, warm_start):
    """A ``Colorizer`` on ``cfg["generator"]``, or a GAN (``CGAN``...) on it and a discriminator."""
    import kcolor

    generator = start_from(network(cfg["generator"], size, seed), warm_start)
    if cfg["model"] == "Colorizer":
        model = kcolor.Colorizer(generator, loss=cfg["loss"])
        model.compile(optimizer=optimizer(cfg))
        return model
    gan_class = getattr(kcolor, cfg["model"])
    discriminator = network(cfg["discriminator"], size, seed + 1)
    model = gan_class(generator, discriminator, seed=seed, **cfg["gan"])
    model.compile(g_optimizer=optimizer(cfg), d_optimizer=optimizer(cfg, "d_optimizer"))
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
        ``(train, test)``: ``tf.data.Dataset``s of ``(L, ab)`` batches (of
        the config's ``color_space``: ``(Y, UV)`` for ``"yuv"``; a module's
        own ``SOURCES`` decide theirs). When the profile counts
        ``steps_per_epoch``, ``train`` repeats forever.
    """
    from kcolor import data

    cfg = config(name, profile, overrides)
    size = cfg["image_size"] if image_size is None else image_size
    batch = cfg["batch_size"]
    if cfg["dataset"] in _SOURCES and npz is None:
        train, test = _SOURCES[cfg["dataset"]](cfg, image_size=size, seed=seed,
                                               test_batch_size=test_batch_size,
                                               data_dir=data_dir)
        return (train.repeat() if cfg["steps_per_epoch"] is not None else train), test
    space = cfg["color_space"]
    train_options = dict(image_size=size, batch_size=batch, augment=cfg["augment"], seed=seed,
                         color_space=space)
    test_options = dict(image_size=size, batch_size=test_batch_size, color_space=space)
    if npz is not None:
        import numpy as np

        with np.load(npz) as arrays:
            x_train, x_test = arrays["x_train"], arrays["x_test"]
        train = data.from_arrays(x_train, shuffle=True, **train_options)
        test = data.from_arrays(x_test, **test_options)
    elif cfg["dataset"] == "sample":
        train = data.sample("train", **train_options)
        test = data.sample("test", **test_options)
    else:
        train = data.load(cfg["dataset"], "train", shuffle=True, data_dir=data_dir,
                          **train_options)
        test = data.load(cfg["dataset"], "test", data_dir=data_dir, **test_options)
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
        seconds, ``history.steps`` the training steps run (``None`` when an
        epoch is a whole split). A config with ``time_budget_s`` stops after
        that many seconds (``kcolor.callbacks.TimeBudget``; equal wall time
        per model) and counts its steps.
    """
    import time

    cfg = config(name, profile, overrides)
    callbacks = list(callbacks)
    budget = None
    if cfg.get("time_budget_s"):
        from kcolor.callbacks import TimeBudget

        budget = TimeBudget(cfg["time_budget_s"])
        callbacks.append(budget)
    start = time.perf_counter()
    history = model.fit(train, epochs=cfg["epochs"], steps_per_epoch=cfg["steps_per_epoch"],
                        callbacks=callbacks, verbose=verbose, **kwargs)
    history.wall_time = time.perf_counter() - start
    history.steps = budget.steps if budget is not None else total_steps(cfg)
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
    if cfg["model"] is not None:
        opt = cfg["optimizer"]
        lines.append(f"Optimiser: {opt['name']}, learning rate {opt['learning_rate']:g} "
                     f"({cfg['schedule']}).")
    if cfg.get("notes"):
        lines.append(f"Notes: {cfg['notes']}")
    return " ".join(lines)


def fit_bins(model, train, name, profile="smoke", overrides=None):
    """Fits a ``ClassColorizer``'s bins on the first ``bins["fit_batches"]`` training batches.

    Sets the class prior (for rebalancing) and, for ``UniformBins``, the
    mean Lab value of each bin (paper E's ``unbin()``). Call it after
    ``build`` and before ``fit``: the rebalancing weights and the bin means
    come from it.

    Args:
        model: a ``kcolor.ClassColorizer`` from ``build(name, profile)``.
        train: from ``datasets(name, profile)``.
        name, profile: the experiment.
        overrides: changes to the profile's settings (see ``config``).

    Returns:
        The fitted bins (``model.bins``).

    Example:

    >>> model = kcolor.experiments.build("04_ce10", "smoke")
    >>> kcolor.experiments.fit_bins(model, train, "04_ce10", "smoke")
    """
    cfg = config(name, profile, overrides)
    return model.bins.fit(train.take(cfg["bins"]["fit_batches"]))


__all__ = ["NAMES", "PROFILES", "PAPER_B_TABLE_1", "check_profile", "config", "build",
           "datasets", "fit", "fit_bins", "total_steps", "describe", "model_path", "network",
           "optimizer", "merge", "start_from"]
