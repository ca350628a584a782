"""The course runner: train an experiment resumably, save it, and find it again.

* ``fit``: trains a built model for its profile's epochs and steps,
  checkpointed every epoch in the models folder, so that a disconnect
  costs at most an epoch and a finished run is reused
  (``kcolor.checkpoints.fit``; the folders and fingerprints are ``runs``').
* ``fit_bins``: a classifier's bins fitted on the training data.
* ``save``, ``model_path``, ``models_folder``: where a notebook's trained
  model goes and where the next notebook finds it.
* ``trained``: the model another notebook trained: loaded, or trained here.
"""

import os
import shutil
from pathlib import Path

from kcolor import checkpoints
from kcolor.backend import keras
from kcolor.callbacks import TimeBudget
from kcolor.colab import drive_folder
from kcolor.colorizers import ClassColorizer
from kcolor.experiments import runs
from kcolor.experiments.factory import build, datasets
from kcolor.experiments.registry import config, total_steps


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


def prepare(model, train, name, profile, overrides=None):
    """What a notebook does between ``build`` and ``fit``, for ``trained``.

    Paper A's baseline measures its targets' mean and std on 50 training
    batches (``Colorizer.adapt``, notebook 01); a ``ClassColorizer`` fits
    its bins' prior and means (``fit_bins``, notebooks 04, 05).
    Other models need nothing.
    """
    preprocessing = getattr(model, "preprocessing", None)
    if preprocessing is not None and not getattr(preprocessing, "adapted", True):
        model.adapt(train.take(model.ADAPT_BATCHES))
    if isinstance(model, ClassColorizer):
        fit_bins(model, train, name, profile, overrides)
    return model


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
    config(name, profile)  # checks both
    folder = folder if folder is not None else models_folder()
    return Path(folder) / f"{name}_{profile}.keras"


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
    model whole. ``kcolor.inference.load_colorizer`` loads either, and so
    does ``trained``.

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
    path = model_path(name, profile, folder)
    checkpoints.replace_file(path, runs.saved_form(model).save)
    print(f"saved {path}")
    return path


def trained(name, profile="smoke", *, npz=None, data_dir=None, seed=0, retrain=False,
            warm_start=None, folder=None):
    """The trained model of an experiment: loaded when saved, else trained here.

    A notebook that needs another notebook's model (02 needs 01's baseline,
    08 needs 03's cGAN) calls this. When ``model_path(name, profile,
    folder)`` exists (and not ``retrain``), the model is loaded from it
    (``keras.saving.load_model``, in safe mode) and a line says from where.
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
        What ``save`` writes (and ``kcolor.inference.load_colorizer`` loads):
        a colorizer (e.g. notebook 01's ``Colorizer``, with its ``network`` and
        ``preprocessing``), or a GAN's generator, a ``keras.Model`` mapping
        L to ab.

    Example:

    >>> baseline = kcolor.experiments.trained("01_koo_baseline", "quick")
    models/01_koo_baseline_quick.keras not found: training 01_koo_baseline here ...
    """
    path = model_path(name, profile, folder)
    if path.exists() and not retrain:
        model = keras.saving.load_model(path, safe_mode=True)
        print(f"loaded {name} ({profile}) from {path}")
        return model
    cfg = config(name, profile)
    if cfg["colorizer"] is None:
        raise ValueError(f"Experiment {name!r} trains no model ({cfg['what']}).")
    print(f"{path} not found: training {name} here at the {profile} profile's settings "
          f"({runs.duration_text(cfg)}).", flush=True)
    if cfg.get("warm_start") and warm_start is None:
        warm_start = trained(cfg["warm_start"], profile, npz=npz, data_dir=data_dir, seed=seed,
                             folder=folder)
    keras.utils.set_random_seed(seed)
    train, _ = datasets(name, profile, npz=npz, data_dir=data_dir, seed=seed)
    model = build(name, profile, seed=seed, warm_start=warm_start)
    prepare(model, train, name, profile)
    eta = runs.Eta(runs.planned_steps(cfg, train), label=name)
    fit(model, train, name, profile, retrain=retrain, callbacks=[eta])
    save(model, name, profile, folder)
    return runs.saved_form(model)


__all__ = ["fit", "fit_bins", "prepare", "model_path", "models_folder", "save", "trained"]
