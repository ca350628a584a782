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
             test_batch_size=250, seed=0, overrides=None, download=None):
    """The ``(train, test)`` data sets of one experiment in one profile.

    Args:
        name, profile: the experiment.
        npz: optional path to a ``.npz`` file with ``x_train`` and ``x_test``
            uint8 RGB arrays (e.g. a development copy of CIFAR-10); used
            instead of the profile's tensorflow-datasets source.
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
        the config's ``color_space``: ``(Y, UV)`` for ``"yuv"``; a module's
        own ``SOURCES`` decide theirs). When the profile counts
        ``steps_per_epoch``, ``train`` repeats forever.
    """
    from kcolor import data

    cfg = config(name, profile, overrides)
    size = cfg["image_size"] if image_size is None else image_size
    batch = cfg["batch_size"]
    if download is None:
        download = profile != "smoke"
    if cfg["dataset"] in _SOURCES and npz is None:
        with data.allow_downloads(download):  # a source's own data.load calls
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
                          download=download, **train_options)
        test = data.load(cfg["dataset"], "test", data_dir=data_dir, download=download,
                         **test_options)
    if cfg["steps_per_epoch"] is not None:
        train = train.repeat()
    return train, test


def fit(model, train, name, profile="smoke", *, callbacks=(), verbose=2, overrides=None,
        retrain=False, resume=True, run=None, **kwargs):
    """Trains ``model`` for the experiment's epochs and steps, resumably: one line per epoch.

    Training goes through ``kcolor.checkpoints.fit``: the whole training
    state is checkpointed at the end of every epoch (and, where an epoch is
    a whole split, every 1000 batches: Places365 takes hours an epoch) in
    ``models_folder() / "checkpoints" / f"{name}_{profile}"`` (with a short
    hash of ``overrides`` appended when there are any, so that a run with
    other settings never resumes this one, and ``@{run}`` when ``run``
    labels one of several runs; see ``kcolor.experiments.runs.run_folder``),
    and the NaN guard (``kcolor.callbacks.NaNGuard``) stops a diverging run
    with a clear message. So:

    * re-running after the kernel died (a Colab disconnect) continues from
      the last epoch's checkpoint: the same weights and optimiser states,
      and, for the profiles that count ``steps_per_epoch`` (data that
      repeats), the same stream of batches as a run never interrupted;
    * re-running a finished run loads its final weights and returns its
      whole history without training, with one line that says so;
      ``retrain=True`` deletes the run's checkpoints and trains again;
    * a model that starts from other weights than the run in the folder
      (another seed, image size or warm start) trains from the start; the
      other run's checkpoints are moved to ``...-previous``. To keep runs of
      several seeds, give each its own ``run`` label (``run="seed1"``): each
      then has its own folder, resumes its own checkpoints and is reused
      once finished.

    A config with ``time_budget_s`` stops after that many seconds
    (``kcolor.callbacks.TimeBudget``; equal wall time per model). Resumed,
    it trains for what is left of the budget: the budget minus the training
    time already stored in the checkpoint (which, unlike the budget, counts
    the first step's tracing, so a resumed run ends a little early).

    Args:
        model: from ``build(name, profile)``.
        train: from ``datasets(name, profile)``.
        name, profile: the experiment.
        callbacks: extra Keras callbacks (``kcolor.callbacks.ImageGrid``, ...).
            They see only the epochs trained in this session (none when a
            finished run is reused).
        verbose: Keras's verbosity; 2 prints one line per epoch.
        overrides: changes to the profile's settings (see ``config``).
        retrain: delete this run's checkpoints first and train from scratch.
        resume: checkpoint and resume (default); False trains without
            checkpoints, from the model's weights, as a plain ``model.fit``
            (NaN guard on).
        run: None (default), or a label for one of several runs of this
            experiment, e.g. ``f"seed{seed}"``: 1 to 32 letters, digits,
            ``-`` and ``_`` (ValueError otherwise), appended to the
            checkpoint folder's name, so that the runs of several seeds keep
            their own checkpoints and each resumes after a disconnect.
        **kwargs: passed to ``model.fit`` (``validation_data``, ...), except
            ``save_freq``, which goes to the checkpoints (default: ``"epoch"``
            where the profile counts ``steps_per_epoch``, else 1000).

    Returns:
        The Keras ``History`` of the whole run (earlier sessions' epochs
        included); ``history.wall_time`` is the training time in seconds
        over all sessions, ``history.steps`` the training steps run (for a
        time budget; else ``total_steps(cfg)``, ``None`` when an epoch is a
        whole split).

    Example:

    >>> model = kcolor.experiments.build("03_unet_l2", "smoke")
    >>> train, test = kcolor.experiments.datasets("03_unet_l2", "smoke")
    >>> history = kcolor.experiments.fit(model, train, "03_unet_l2", "smoke")
    >>> history.wall_time, len(history.epoch)
    """
    import shutil

    from kcolor import checkpoints
    from kcolor.experiments import runs

    cfg = config(name, profile, overrides)
    runs.check_run(run)
    callbacks = list(callbacks)
    # Epoch ends resume the stream of repeating data exactly (see
    # kcolor.checkpoints.fit); whole-split epochs can be too long to wait for.
    save_freq = kwargs.pop("save_freq", "epoch" if cfg["steps_per_epoch"] else 1000)
    folder = runs.run_folder(models_folder(), name, profile, overrides, run) if resume else None
    if folder is not None:
        if retrain and folder.exists():
            shutil.rmtree(folder)
            print(f"retrain: deleted the checkpoints in {folder}")
        runs.claim(model, folder)
    epochs = cfg["epochs"]
    done = checkpoints.finished(folder, epochs) if folder is not None else None
    budget = None
    if done is None and cfg.get("time_budget_s"):
        from kcolor.callbacks import TimeBudget

        found = checkpoints.checkpoints(folder) if folder is not None else []
        spent = found[0][1].get("wall_time", 0.0) if found else 0.0
        # What is left of the budget (TimeBudget lets at least two steps run).
        budget = TimeBudget(max(cfg["time_budget_s"] - spent, 1e-6))
        callbacks.append(budget)
    if done is not None:
        state = checkpoints.restore(model, folder)
        if hasattr(model, "use_generator_average"):  # as fit left it (use_ema)
            model.use_generator_average()
        history = checkpoints.history_from(model, state)
        print(f"{name} ({profile}): reused the finished run in {folder} ({state['step']} steps, "
              f"{history.wall_time:.0f} s of training); pass retrain=True (RETRAIN = True) "
              "to train it again.")
    else:
        history = checkpoints.fit(model, train, epochs=epochs, resume_dir=folder,
                                  save_freq=save_freq, steps_per_epoch=cfg["steps_per_epoch"],
                                  callbacks=callbacks, verbose=verbose, **kwargs)
    if not cfg.get("time_budget_s"):
        history.steps = total_steps(cfg)
    return history


def model_path(name, profile="smoke", folder=None):
    """Where a notebook saves the trained model of an experiment, and others find it.

    ``folder`` defaults to ``models_folder()``: the ``KCOLOR_MODELS``
    environment variable, else on Colab with Google Drive mounted
    ``MyDrive/kcolor/models``, else ``models/`` in the working directory (a
    notebook's own folder).

    Example:

    >>> kcolor.experiments.model_path("03_cgan", "quick")
    PosixPath('models/03_cgan_quick.keras')
    """
    from pathlib import Path

    config(name, profile)  # checks both
    folder = folder if folder is not None else models_folder()
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


def models_folder():
    """The folder of trained models and their checkpoints.

    ``KCOLOR_MODELS`` when set; else, on Colab with Google Drive mounted,
    ``MyDrive/kcolor/models`` (each Colab notebook runs in its own runtime:
    on Drive, notebook 08 finds the model notebook 03 trained, and a
    disconnected run finds its checkpoints); else ``models`` in the working
    folder.

    Returns:
        A ``pathlib.Path`` (not created here).

    Example:

    >>> kcolor.experiments.models_folder()
    PosixPath('models')
    """
    import os
    from pathlib import Path

    from kcolor.colab import drive_folder

    if os.environ.get("KCOLOR_MODELS"):
        return Path(os.environ["KCOLOR_MODELS"])
    drive = drive_folder()
    return drive / "models" if drive is not None else Path("models")


def save(model, name, profile="smoke", folder=None):
    """Saves the trained model of an experiment where other notebooks find it.

    Writes ``model_path(name, profile, folder)`` atomically (a temporary
    file in the same folder, then a rename: a kill during the write leaves
    the previous file whole) and prints ``saved <path>``. A GAN is saved as
    its generator (``L -> ab``), as notebook 03 always saved it; any other
    model whole. ``kcolor.inference.load_colorizer`` loads either.

    Args:
        model: a trained model of the experiment.
        name, profile: the experiment.
        folder: the models folder (default ``models_folder()``).

    Returns:
        The ``pathlib.Path`` written.

    Example:

    >>> kcolor.experiments.save(gan, "03_cgan", "quick")
    saved models/03_cgan_quick.keras
    """
    from kcolor.checkpoints import replace_file
    from kcolor.experiments import runs

    path = model_path(name, profile, folder)
    replace_file(path, runs.saved_form(model).save)
    print(f"saved {path}")
    return path


def trained(name, profile="smoke", *, npz=None, data_dir=None, seed=0, retrain=False,
            warm_start=None, folder=None):
    """The trained model of an experiment: loaded when saved, else trained here.

    A notebook that needs another notebook's model (02 needs 01's baseline,
    08 needs 03's cGAN) calls this. When ``model_path(name, profile,
    folder)`` exists (and not ``retrain``), the model is loaded from it
    (``kcolor.inference.load_colorizer``) and a line says from where.
    Otherwise one line says the model was not found and is being trained
    here at the profile's settings, and how long that takes as far as is
    known (a time budget; else the number of steps, and after the first
    steps a second line with the time a step and the total); then the
    experiment is built, trained (``fit``: resumable, so a disconnect costs
    at most an epoch) and saved (``save``).

    An experiment whose profile starts from another one's trained model
    (config key ``warm_start``, e.g. ``03_cgan`` from ``03_unet_l2``) gets
    it from ``trained`` too, unless ``warm_start`` is given.

    Args:
        name, profile: the experiment.
        npz: an ``.npz`` of uint8 ``x_train`` / ``x_test`` to train on
            instead of the profile's data set (see ``datasets``).
        data_dir: tensorflow-datasets' data folder (see ``datasets``).
        seed: the seed of the weights and the data order.
        retrain: train (and save) anew even when the model file exists; its
            checkpoints are deleted first.
        warm_start: the trained model to start from, for experiments that
            start from one (default: ``trained`` of the configured one).
        folder: the models folder (default ``models_folder()``).

    Returns:
        What ``save`` writes and ``load_colorizer`` loads: a colorizer (e.g.
        notebook 01's ``Colorizer``, with its ``network`` and
        ``preprocessing``), or a GAN's generator, a ``keras.Model`` mapping
        L to ab.

    Example:

    >>> baseline = kcolor.experiments.trained("01_koo_baseline", "quick")
    models/01_koo_baseline_quick.keras not found: training 01_koo_baseline here ...
    """
    from kcolor import inference
    from kcolor.backend import keras
    from kcolor.experiments import runs

    path = model_path(name, profile, folder)
    if path.exists() and not retrain:
        model = inference.load_colorizer(path)
        print(f"loaded {name} ({profile}) from {path}")
        return model
    cfg = config(name, profile)
    if cfg["model"] is None:
        raise ValueError(f"Experiment {name!r} trains no model ({cfg['what']}).")
    print(f"{path} not found: training {name} here at the {profile} profile's settings "
          f"({runs.duration_text(cfg)}).", flush=True)
    if cfg.get("warm_start") and warm_start is None:
        warm_start = trained(cfg["warm_start"], profile, npz=npz, data_dir=data_dir, seed=seed,
                             folder=folder)
    keras.utils.set_random_seed(seed)
    train, _ = datasets(name, profile, npz=npz, data_dir=data_dir, seed=seed)
    model = build(name, profile, seed=seed, warm_start=warm_start)
    runs.prepare(model, train, name, profile)
    eta = runs.Eta(runs.planned_steps(cfg, train), label=name)
    fit(model, train, name, profile, retrain=retrain, callbacks=[eta])
    save(model, name, profile, folder)
    return runs.saved_form(model)


__all__ = ["NAMES", "PROFILES", "PAPER_B_TABLE_1", "check_profile", "config", "build",
           "datasets", "fit", "fit_bins", "total_steps", "describe", "model_path", "network",
           "optimizer", "merge", "start_from", "models_folder", "save", "trained"]
