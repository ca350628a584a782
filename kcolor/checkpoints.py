"""Checkpoints: training that survives a disconnect and picks up where it stopped.

A Colab runtime disconnects long before paper B's 200 epochs on CIFAR-10
are done, and a laptop sleeps. This module makes a run resumable:

* ``BackupAndRestore``: a callback that writes the *whole* training state
  (network weights, batch-norm statistics, the random seed generators, and
  every optimiser's state: a GAN's ``g_optimizer`` **and** ``d_optimizer``,
  their Adam moments and iteration counts), the history of the epochs so
  far and the training time so far, every ``save_freq`` batches or every
  epoch, and restores the newest one when ``fit`` starts again. Checkpoints
  are written atomically (a temporary folder, fsync, rename), so a kill in
  the middle of a write never damages the last good one.
* ``fit(model, data, epochs=..., resume_dir=...)``: ``model.fit`` with the
  backup and ``kcolor.callbacks.NaNGuard`` (which stops on the first NaN or
  Inf before it can be checkpointed), for notebooks. Run the same cell again
  after a disconnect and training continues where the last checkpoint left
  it; run it again after it finished and the finished weights come back,
  with the whole history, without training.
* ``restore``, ``checkpoints``, ``finished``: load the newest good
  checkpoint, list them, tell whether a run is complete.

Why not ``keras.callbacks.BackupAndRestore``? Its ``model.save_weights`` does
hold the GAN's two optimisers (Keras 3 saves every optimiser attribute of the
model), but it overwrites its one file in place (a kill during the write
leaves a broken file), it would checkpoint NaN weights, it deletes its
checkpoint when training ends, and a mid-epoch checkpoint restarts the
interrupted epoch from its first batch. This one keeps the previous
checkpoint until the next is complete, refuses non-finite weights, keeps the
finished run, and continues a mid-epoch checkpoint at the next batch.

Checkpoint folder layout (``resume_dir``)::

    ckpt-000000120-0003/          step 120 (batches trained), epoch index 3
        model.weights.h5          model.save_weights(): networks + optimisers
        state.json                {"epoch": 3, "batch": 0, "step": 120,
                                   "history": ..., "wall_time": ..., ...}
    ckpt-000000160-0004/          the newest; the older one goes once this
        ...                       one is complete (``keep`` of them are kept)
"""

import json
import math
import os
import re
import shutil
import tempfile
import time
import warnings

import numpy as np

from kcolor.backend import keras, tf
from kcolor.callbacks import NaNGuard, _float_logs

_CHECKPOINT = re.compile(r"^ckpt-(\d{9,})-(\d{4,})$")
_WEIGHTS = "model.weights.h5"
_STATE = "state.json"
_TMP_PREFIX = ".tmp-ckpt-"


# ----------------------------------------------------------------------------
# Writing and reading checkpoints.
# ----------------------------------------------------------------------------
def _fsync_file(path):
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _fsync_dir(path):
    # Makes a rename durable; not every platform can open a folder.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_weights(model, path):
    """``model.save_weights``: one place, so a test can simulate a crash here."""
    model.save_weights(path)


def _write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=1)
        f.flush()
        os.fsync(f.fileno())


def replace_file(path, write):
    """Writes a file atomically: ``write(tmp)`` to a temporary file beside ``path``, then renames.

    A kill or an error during ``write`` leaves an older ``path`` untouched
    (and removes the temporary file when it can), so a reader never finds
    half a file.

    Args:
        path: the file to write.
        write: a callable that writes the file it is given (which has
            ``path``'s suffix, e.g. ``.keras`` for ``model.save``).

    Returns:
        ``path``.

    Example:
        >>> kcolor.checkpoints.replace_file("models/unet.keras", model.save)
    """
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    stem, suffix = os.path.splitext(name)
    tmp = os.path.join(folder, f".{stem}.tmp-{os.getpid()}{suffix}")
    try:
        write(tmp)
        _fsync_file(tmp)
        os.replace(tmp, path)
        _fsync_dir(folder)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def _all_finite(variables):
    checks = [
        tf.reduce_all(tf.math.is_finite(tf.convert_to_tensor(v)))
        for v in variables
        if np.dtype(keras.backend.standardize_dtype(v.dtype)).kind == "f"
    ]
    return bool(tf.reduce_all(tf.stack(checks))) if checks else True


def _seed_variables(model):
    """The model's ``keras.random.SeedGenerator`` states (not in save_weights)."""
    return [v for v in model.variables if v.path.endswith("seed_generator_state")]


_OPTIMIZER_ATTRIBUTES = ("optimizer", "g_optimizer", "d_optimizer")


def _optimizers(model):
    found = {}
    for name in _OPTIMIZER_ATTRIBUTES:
        optimizer = getattr(model, name, None)
        if isinstance(optimizer, keras.optimizers.Optimizer):
            found[name] = optimizer
    return found


def _model_signature(model):
    """What a checkpoint must match: the model's class, variables, optimisers."""
    return {
        "model_class": type(model).__name__,
        "n_variables": len(model.variables),
        "optimizers": {k: type(v).__name__ for k, v in _optimizers(model).items()},
    }


def _learning_rates(model):
    """``{attribute: float}`` of the optimisers with a constant learning rate."""
    rates = {}
    for name, optimizer in _optimizers(model).items():
        inner = getattr(optimizer, "inner_optimizer", optimizer)
        if isinstance(getattr(inner, "_learning_rate", None),
                      keras.optimizers.schedules.LearningRateSchedule):
            continue
        try:
            rates[name] = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        except (TypeError, ValueError, AttributeError):
            continue
    return rates


def checkpoints(directory):
    """The complete checkpoints in ``directory``, newest first.

    Args:
        directory: a ``resume_dir``.

    Returns:
        list of ``(path, state)``: the checkpoint folder and its
        ``state.json`` (``epoch``: the epoch to resume in, 0-based;
        ``batch``: batches of that epoch already trained; ``step``: batches
        trained in all). Folders being written (``.tmp-ckpt-*``) and
        unreadable ones are left out.
    """
    if not os.path.isdir(directory):
        return []
    found = []
    for name in os.listdir(directory):
        match = _CHECKPOINT.match(name)
        path = os.path.join(directory, name)
        if not match or not os.path.isfile(os.path.join(path, _WEIGHTS)):
            continue
        try:
            with open(os.path.join(path, _STATE)) as f:
                state = json.load(f)
            key = (int(state["step"]), int(state["epoch"]), int(state["batch"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        found.append((key, path, state))
    found.sort(key=lambda item: item[0], reverse=True)
    return [(path, state) for _, path, state in found]


def _build_optimizers(model):
    # Optimiser variables must exist before their values can be loaded.
    pairs = [("optimizer", model), ("g_optimizer", getattr(model, "generator", None)),
             ("d_optimizer", getattr(model, "discriminator", None))]
    for name, owner in pairs:
        optimizer = getattr(model, name, None)
        if (
            isinstance(optimizer, keras.optimizers.Optimizer)
            and not optimizer.built
            and owner is not None
        ):
            optimizer.build(owner.trainable_variables)


def restore(model, directory):
    """Loads the newest good checkpoint of ``directory`` into ``model``.

    Tries the checkpoints newest first and falls back to an older one when a
    file cannot be read. The model must be built and compiled like the one
    that wrote them (same networks, same optimiser types): anything else is
    refused rather than half-loaded.

    Restored: every weight and batch-norm statistic, every optimiser's state
    (moments, iteration count) and the models' random seed generators. Not
    restored: a constant learning rate that differs from the one the model
    was compiled with now (the compiled one is kept, and a line says so:
    lowering it after a divergence is the usual fix; a rate lowered during
    training by ``ReduceLROnPlateau`` is therefore not carried over), and
    the state of other callbacks and of the tf.data iterator.

    Args:
        model: a built, compiled ``keras.Model`` (a kcolor colorizer).
        directory: a ``resume_dir``.

    Returns:
        The restored checkpoint's state dict (``epoch``, ``batch``, ``step``,
        ``logs``, ``path``), or ``None`` when there is no checkpoint.

    Raises:
        ValueError: checkpoints exist but none fits this model (another
            model's folder), with the reason.

    Example:
        >>> state = kcolor.checkpoints.restore(gan, "runs/exp1")
        >>> state["epoch"], state["step"]
    """
    found = checkpoints(directory)
    if not found:
        return None
    if not model.built:
        raise ValueError(
            "restore: the model is not built; call it once on a batch (or build it from "
            "kcolor.models builders, which are built) before restoring a checkpoint."
        )
    _build_optimizers(model)
    errors = []
    signature = _model_signature(model)
    for path, state in found:
        saved = {key: state.get(key) for key in signature}
        if saved != signature:
            errors.append(
                f"{os.path.basename(path)} holds a {saved['model_class']} with "
                f"{saved['n_variables']} variables and optimisers {saved['optimizers']}; "
                f"this is a {signature['model_class']} with {signature['n_variables']} "
                f"and {signature['optimizers']}"
            )
            continue
        compiled_rates = _learning_rates(model)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                model.load_weights(os.path.join(path, _WEIGHTS))
            skipped = [str(w.message) for w in caught if "Skipping variable" in str(w.message)]
            if skipped:
                raise ValueError(skipped[0])
        except Exception as error:  # a damaged file: try the previous one
            errors.append(f"{os.path.basename(path)}: {type(error).__name__}: {error}")
            warnings.warn(
                f"Could not load checkpoint {path} ({error}); trying an older one.",
                stacklevel=2,
            )
            continue
        seeds = state.get("seed_states")
        variables = _seed_variables(model)
        if seeds is not None and len(seeds) == len(variables):
            for variable, value in zip(variables, seeds):
                variable.assign(np.asarray(value, dtype=variable.dtype))
        # The learning rate is an optimiser variable, so loading restores the
        # checkpoint's; the one compiled now wins (lowering it after a
        # divergence is the usual fix), and a line says so.
        for name, rate in _learning_rates(model).items():
            wanted = compiled_rates.get(name)
            if wanted is not None and not math.isclose(rate, wanted, rel_tol=1e-6):
                _optimizers(model)[name].learning_rate = wanted
                print(
                    f"restore: {name} keeps the learning rate it was compiled with "
                    f"({wanted:g}), not the checkpoint's ({rate:g})."
                )
        return dict(state, path=path)
    raise ValueError(
        f"None of the {len(found)} checkpoint(s) in {directory!r} fits this model: "
        + "; ".join(errors)
        + ". Use a new resume_dir for a different model, or delete the old folder."
    )


class BackupAndRestore(keras.callbacks.Callback):
    """Saves the whole training state atomically and resumes from it.

    At the start of ``fit`` the newest checkpoint in ``directory`` (if any)
    is loaded: network weights, batch-norm statistics, seed generators and
    every optimiser's state, including a GAN's ``g_optimizer`` and
    ``d_optimizer`` (Adam moments, iteration counts). Training then resumes
    at the saved epoch. A checkpoint taken in the middle of an epoch resumes
    at its next batch under ``kcolor.checkpoints.fit`` (which runs the rest of
    that epoch on ``data.skip(batch)``, see ``expect_skipped``); used
    directly in ``model.fit``, the interrupted epoch runs from its first
    batch again, on the restored weights and optimiser states.

    A checkpoint is written to a temporary folder inside ``directory``,
    flushed to disk (fsync) and renamed into place, and only then are older
    ones deleted, so a crash or a kill during a write leaves the previous
    checkpoint intact (the half-written folder is removed at the next start).
    A state whose logs or weights are NaN or Inf is not saved (a warning
    says so): a diverged run never overwrites the last good checkpoint.

    Unlike ``keras.callbacks.BackupAndRestore`` the checkpoints are kept when
    training ends, so calling ``fit`` again with more epochs continues, and
    running a finished notebook cell again does not retrain. Each checkpoint
    also holds the logs of every finished epoch (``history``, as Keras's
    ``History`` keeps them) and the training seconds so far (``wall_time``),
    so a run resumed in a new session still knows its whole history. A run
    that a callback stopped early (``TimeBudget``, ``EarlyStopping``) is
    marked ``stopped_early`` in its last checkpoint: it counts as finished.

    Args:
        directory: folder of this run's checkpoints (created if needed); one
            folder per run.
        save_freq: ``"epoch"`` (default) or an integer number of batches;
            with an integer a checkpoint is also written at each epoch's end.
        keep: how many checkpoints to keep (>= 1; default 2).
        verbose: print a line when resuming.

    Attributes:
        restored: the state dict of the checkpoint loaded at the last
            ``fit`` start, or ``None``.
        last_saved: the state dict of the newest checkpoint written.
        history: ``{log name: [value per epoch]}`` of every finished epoch,
            those of earlier sessions included.
        epochs: the epoch indices of ``history``.
        target_epochs: the run's total number of epochs, stored with each
            checkpoint (``kcolor.checkpoints.fit`` sets it; by default the
            ``epochs`` of the ``model.fit`` call).

    Example:
        >>> backup = kcolor.checkpoints.BackupAndRestore("runs/exp1", save_freq=500)
        >>> gan.fit(train, epochs=200, callbacks=[kcolor.callbacks.NaNGuard(), backup])

    Reference:
        B: Nazeri et al., section 3.3 (200 epochs on CIFAR-10, 20 on
        Places365): runs longer than a notebook session.
    """

    def __init__(self, directory, save_freq="epoch", keep=2, verbose=1):
        super().__init__()
        if not directory:
            raise ValueError("BackupAndRestore: directory must be a folder path, got an empty one.")
        if save_freq != "epoch" and (
            isinstance(save_freq, bool)
            or not isinstance(save_freq, (int, np.integer))
            or save_freq < 1
        ):
            raise ValueError(
                f"BackupAndRestore: save_freq must be 'epoch' or a positive number of batches, "
                f"got {save_freq!r}."
            )
        if isinstance(keep, bool) or not isinstance(keep, (int, np.integer)) or keep < 1:
            raise ValueError(f"BackupAndRestore: keep must be an integer >= 1, got {keep!r}.")
        self.directory = os.fspath(directory)
        self.save_freq = save_freq if save_freq == "epoch" else int(save_freq)
        self.keep = int(keep)
        self.verbose = verbose
        self.restored = None
        self.last_saved = None
        self.target_epochs = None
        self._expected_skip = 0
        self._clock = None
        self._reset_position()

    def _reset_position(self, state=None):
        state = state or {}
        self._epoch = int(state.get("epoch", 0))
        self._offset = int(state.get("batch", 0))  # batches of _epoch already trained
        self._done = self._offset
        self._step = int(state.get("step", 0))
        self._saved_step = self._step if state else None
        past = state.get("history") or {}
        self.epochs = [int(e) for e in past.get("epoch", [])]
        self.history = {k: [float(v) for v in values] for k, values in past.get("logs", {}).items()}
        self._wall_base = float(state.get("wall_time", 0.0))

    def wall_time(self):
        """Training seconds so far: earlier sessions' (from the checkpoint) and this one's."""
        running = time.perf_counter() - self._clock if self._clock is not None else 0.0
        return self._wall_base + running

    @property
    def step(self):
        """Batches trained so far, earlier sessions' included."""
        return self._step

    # -- position -------------------------------------------------------------
    def latest(self):
        """The newest complete checkpoint's state dict (with ``path``), or None."""
        found = checkpoints(self.directory)
        return dict(found[0][1], path=found[0][0]) if found else None

    def batch_offset(self):
        """Batches of the current epoch trained before this ``fit`` started."""
        return self._offset

    def expect_skipped(self, batches):
        """Tells the callback that the data of the resumed epoch skips ``batches``.

        ``kcolor.checkpoints.fit`` resumes a mid-epoch checkpoint by running the
        rest of that epoch on ``data.skip(batch)``; this keeps the callback's
        batch count (and so the next checkpoint's position) right. Without
        it, a mid-epoch checkpoint reruns its epoch from the first batch.
        """
        self._expected_skip = int(batches)

    # -- Keras hooks ----------------------------------------------------------
    def on_train_begin(self, logs=None):
        os.makedirs(self.directory, exist_ok=True)
        for name in os.listdir(self.directory):  # half-written folders of a crash
            if name.startswith(_TMP_PREFIX):
                shutil.rmtree(os.path.join(self.directory, name), ignore_errors=True)
        state = restore(self.model, self.directory)
        announce = self.verbose and (
            state is not None and (self.last_saved or {}).get("path") != state["path"]
        )
        self.restored = state
        self._clock = time.perf_counter()
        if state is None:
            self._reset_position()
            self.model._initial_epoch = None
            return
        if int(state["batch"]) != self._expected_skip:
            if self._expected_skip:
                warnings.warn(
                    f"BackupAndRestore: restored {state['path']} (batch {state['batch']}) but "
                    f"the data skips {self._expected_skip} batches.",
                    stacklevel=2,
                )
            state = dict(state, batch=self._expected_skip)
        self._reset_position(state)
        # Keras's one hook for a callback to move fit's first epoch: its own
        # keras.callbacks.BackupAndRestore sets this private attribute too
        # (fit reads it after on_train_begin); there is no public setter.
        self.model._initial_epoch = self._epoch
        if announce:
            where = f"epoch {self._epoch + 1}" + (
                f", batch {self._offset + 1}" if self._offset else ""
            )
            print(
                f"Resuming from {state['path']}: {state['step']} batches trained; "
                f"continuing at {where}."
            )

    def on_epoch_begin(self, epoch, logs=None):
        if epoch != self._epoch:
            self._offset = 0
        self._epoch = epoch
        self._done = self._offset

    def on_train_batch_end(self, batch, logs=None):
        done = self._offset + batch + 1
        self._step += done - self._done
        self._done = done
        if self.save_freq != "epoch":
            if self._step - (self._saved_step or 0) >= self.save_freq:
                self._save(self._epoch, self._done, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._offset = 0
        self._epoch = epoch + 1
        self._done = 0
        self.epochs.append(int(epoch))
        for name, value in _float_logs(logs).items():
            self.history.setdefault(name, []).append(value)
        self._save(self._epoch, 0, logs)

    def on_train_end(self, logs=None):
        self.model._initial_epoch = None
        saved = self.last_saved
        if self.model.stop_training and saved is not None and saved["step"] == self._step:
            # Stopped by a callback (a time budget, early stopping): the run is
            # complete; say so in its last checkpoint.
            state = {k: v for k, v in saved.items() if k != "path"}
            state["stopped_early"] = True
            replace_file(
                os.path.join(saved["path"], _STATE),
                lambda tmp: _write_json(tmp, state),
            )
            self.last_saved = dict(state, path=saved["path"])

    # -- writing --------------------------------------------------------------
    def _save(self, epoch, batch, logs):
        values = _float_logs(logs)
        bad = {k: v for k, v in values.items() if not math.isfinite(v)}
        if bad or not _all_finite(self.model.variables):
            what = ", ".join(f"{k}={v}" for k, v in bad.items()) or "the weights"
            warnings.warn(
                f"BackupAndRestore: not saving epoch {epoch}, batch {batch}: {what} "
                "not finite; the last good checkpoint is kept.",
                stacklevel=2,
            )
            return
        state = {
            "epoch": int(epoch),
            "batch": int(batch),
            "step": int(self._step),
            "logs": values,
            "time": time.time(),
            "wall_time": self.wall_time(),
            "target_epochs": self.target_epochs or (self.params or {}).get("epochs"),
            "history": {"epoch": list(self.epochs), "logs": self.history},
            # save_weights leaves out the random seed generators (noise input,
            # dropout, WGAN-GP's interpolation): keep their states here.
            "seed_states": [v.numpy().tolist() for v in _seed_variables(self.model)],
            **_model_signature(self.model),
        }
        self.last_saved = self.save(self.model, self.directory, state, keep=self.keep)
        self._saved_step = self._step

    @staticmethod
    def save(model, directory, state, keep=2):
        """Writes one checkpoint atomically and prunes to ``keep``.

        Args:
            model: the model to save (``save_weights``, optimisers included).
            directory: the checkpoint folder.
            state: dict with at least ``epoch``, ``batch``, ``step``.
            keep: checkpoints to keep, newest first.

        Returns:
            ``state`` with the checkpoint's ``path``.
        """
        os.makedirs(directory, exist_ok=True)
        name = f"ckpt-{int(state['step']):09d}-{int(state['epoch']):04d}"
        final = os.path.join(directory, name)
        tmp = tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=directory)
        try:
            weights = os.path.join(tmp, _WEIGHTS)
            _write_weights(model, weights)
            _fsync_file(weights)
            _write_json(os.path.join(tmp, _STATE), state)
            _fsync_dir(tmp)
            if os.path.exists(final):  # the same step saved again: replace it
                old = tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=directory)
                os.replace(final, os.path.join(old, name))
                os.replace(tmp, final)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, final)
            _fsync_dir(directory)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        for path, _ in checkpoints(directory)[keep:]:
            shutil.rmtree(path, ignore_errors=True)
        return dict(state, path=final)


def finished(directory, epochs):
    """The newest checkpoint's state if the run in ``directory`` is complete, else None.

    A run is complete when its newest checkpoint is at (or past) ``epochs``,
    or when a callback stopped it early (``stopped_early``: a time budget,
    early stopping) and ``epochs`` asks for no more than it did.

    Args:
        directory: a ``resume_dir``.
        epochs: the number of epochs the run should have.

    Returns:
        The state dict (with ``path``), or ``None`` (no checkpoint, or an
        unfinished run).
    """
    found = checkpoints(directory)
    if not found:
        return None
    path, state = found[0]
    target = state.get("target_epochs") or epochs
    if int(state["epoch"]) >= epochs or (state.get("stopped_early") and epochs <= target):
        return dict(state, path=path)
    return None


def history_from(model, state):
    """A Keras ``History`` holding a checkpoint's history of the whole run.

    Args:
        model: the model the history belongs to.
        state: a checkpoint's state dict (``restore``, ``finished``).

    Returns:
        A ``keras.callbacks.History`` with ``epoch`` and ``history`` (every
        finished epoch's logs), ``wall_time`` (training seconds over all
        sessions) and ``steps`` (batches trained).
    """
    past = state.get("history") or {}
    return _history(model, past.get("epoch", []), past.get("logs", {}),
                    state.get("wall_time", 0.0), state.get("step", 0))


def _history(model, epochs, logs, wall_time, steps, params=None):
    history = keras.callbacks.History()
    history.set_model(model)
    history.params = dict(params or {})
    history.epoch = [int(e) for e in epochs]
    history.history = {k: list(v) for k, v in logs.items()}
    history.wall_time = float(wall_time)
    history.steps = int(steps)
    return history


class _StepCounter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.steps = 0

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1


def _is_infinite(data):
    return (isinstance(data, tf.data.Dataset)
            and int(data.cardinality()) == int(tf.data.INFINITE_CARDINALITY))


def _plan(data, latest, epochs, steps_per_epoch):
    """The ``model.fit`` calls that resume ``latest``: ``[(data, epochs, fit kwargs, skipped)]``.

    ``skipped`` is the number of batches of the resumed epoch the call's data
    leaves out (``BackupAndRestore.expect_skipped``).
    """
    if latest is None:
        return [(data, epochs, {}, 0)]
    epoch, batch, step = int(latest["epoch"]), int(latest["batch"]), int(latest["step"])
    if steps_per_epoch is not None:
        if not _is_infinite(data):  # arrays, or a finite data set: no position to keep
            return [(data, epochs, {}, 0)]
        # Repeating data: continue the stream where the last checkpoint left it.
        if not batch:
            return [(data.skip(step), epochs, {}, 0)]
        rest = steps_per_epoch - batch
        calls = [(data.skip(step), epoch + 1, {"steps_per_epoch": rest}, batch)]
        if epoch + 1 < epochs:
            calls.append((data.skip(step + rest), epochs, {}, 0))
        return calls
    if batch and isinstance(data, tf.data.Dataset):
        # The rest of the interrupted epoch, then the remaining epochs.
        calls = [(data.skip(batch), epoch + 1, {}, batch)]
        if epoch + 1 < epochs:
            calls.append((data, epochs, {}, 0))
        return calls
    return [(data, epochs, {}, 0)]


def fit(
    model,
    data=None,
    *,
    epochs=1,
    resume_dir=None,
    save_freq="epoch",
    keep=2,
    nan_guard=True,
    callbacks=None,
    **fit_kwargs,
):
    """``model.fit`` that resumes after a disconnect and stops on NaN.

    With ``resume_dir`` the run is checkpointed there (``BackupAndRestore``)
    and, if the folder already holds a checkpoint, continues from it: same
    weights, same optimiser states (both of a GAN's), same epoch, and the
    next batch of an interrupted epoch. ``epochs`` is the total, as in
    ``model.fit``: a run stopped during epoch 7 of 20 and started again runs
    the rest of epoch 7, then epochs 8 to 20. A run that already finished
    (see ``finished``) loads its last checkpoint, prints one line and trains
    nothing.

    The returned history covers the whole run in every case: the epochs of
    earlier sessions come from the checkpoint. The logs of an epoch that was
    interrupted and resumed average the batches run after the resume only.

    Where the data resumes:

    * a ``tf.data.Dataset`` that repeats forever, with ``steps_per_epoch``
      (the kcolor experiments' short profiles): it continues after the
      batches already trained (``data.skip(step)``). Resumed from an epoch's
      end this is the uninterrupted run's stream exactly, in a new session;
      from the middle of an epoch, the batches after that epoch are a new
      iterator's (the same for data in a fixed order; a fresh draw for data
      that reshuffles, since ``tf.data`` moves its shuffle seed on with
      every iterator);
    * a ``tf.data.Dataset`` epoch by epoch (no ``steps_per_epoch``): the
      rest of an interrupted epoch runs on ``data.skip(batch)``, exact for
      data in a fixed order; with reshuffling data it is a fresh draw of the
      same number of batches;
    * anything else (arrays, a finite data set with ``steps_per_epoch``):
      the interrupted epoch runs from its first batch again.

    Resuming in the middle of an epoch calls ``model.fit`` twice (the rest
    of that epoch, then the remaining epochs), so your callbacks see
    ``on_train_begin`` twice (give ``CSVLogger`` ``append=True``, which a
    resumed run needs anyway). The tf.data iterator's position and shuffle
    state are not saved.

    Args:
        model: a compiled kcolor colorizer (or any built ``keras.Model``).
        data: the training data (``x`` of ``model.fit``), e.g. a dataset
            from ``kcolor.data``.
        epochs: total number of epochs.
        resume_dir: folder for this run's checkpoints; ``None`` disables
            checkpointing. Use a new folder for a new experiment.
        save_freq: ``"epoch"`` or every how many batches to checkpoint
            (on Places365 an epoch takes hours: use e.g. 1000).
        keep: checkpoints to keep.
        nan_guard: add ``kcolor.callbacks.NaNGuard()`` (raises
            ``TrainingDivergedError``).
        callbacks: more callbacks, run after the guard and the backup.
        **fit_kwargs: anything else ``model.fit`` takes (``validation_data``,
            ``verbose``, ``steps_per_epoch``, ``y``, ...).

    Returns:
        A Keras ``History`` of the whole run (every epoch, earlier sessions'
        included), with ``wall_time`` (training seconds over all sessions)
        and ``steps`` (batches trained in all).

    Example:
        >>> gan = kcolor.CGAN(kcolor.models.unet(32), kcolor.models.patchgan(32),
        ...                   l1_weight=100)
        >>> gan.compile()
        >>> train = kcolor.data.load("cifar10", batch_size=128, shuffle=True)
        >>> history = kcolor.checkpoints.fit(gan, train, epochs=200,
        ...                                  resume_dir="runs/cgan_cifar10", save_freq=500)
        >>> # disconnected? run the cell again: it resumes from the last checkpoint

    Reference:
        B: Nazeri et al., section 3.3 (200 epochs on CIFAR-10, 20 on Places365).
    """
    if resume_dir is not None and "initial_epoch" in fit_kwargs:
        raise ValueError(
            "fit: pass either resume_dir (the checkpoint says where to resume) or "
            "initial_epoch, not both."
        )
    guard = NaNGuard() if nan_guard else None
    if resume_dir is None:
        counter, start = _StepCounter(), time.perf_counter()
        history = model.fit(data, epochs=epochs,
                            callbacks=[c for c in (guard, counter) if c] + list(callbacks or []),
                            **fit_kwargs)
        history.wall_time = time.perf_counter() - start
        history.steps = counter.steps
        return history

    done = finished(resume_dir, epochs)
    if done is not None:
        state = restore(model, resume_dir)
        print(
            f"Already trained: {state['path']} is the finished run ({state['step']} batches, "
            f"epoch {state['epoch']} of {epochs}"
            + (", stopped early by a callback" if state.get("stopped_early") else "")
            + "); its weights are loaded. Pass more epochs to continue, or delete the "
            "folder to train again."
        )
        return history_from(model, state)
    backup = BackupAndRestore(
        resume_dir, save_freq=save_freq, keep=keep, verbose=fit_kwargs.get("verbose", 1) != 0
    )
    backup.target_epochs = epochs
    if guard is not None:
        guard.batch_offset = backup.batch_offset
    all_callbacks = [c for c in (guard, backup) if c] + list(callbacks or [])
    params = {}
    try:
        for call_data, call_epochs, changes, skipped in _plan(
            data, backup.latest(), epochs, fit_kwargs.get("steps_per_epoch")
        ):
            backup.expect_skipped(skipped)
            run = model.fit(call_data, epochs=call_epochs, callbacks=all_callbacks,
                            **{**fit_kwargs, **changes})
            params = run.params
            if model.stop_training:
                break
    finally:
        # An exception skips on_train_end: never leave a resume epoch behind
        # for a later plain model.fit.
        model._initial_epoch = None
        backup.expect_skipped(0)
    return _history(model, backup.epochs, backup.history, backup.wall_time(), backup.step,
                    params)


__all__ = [
    "BackupAndRestore",
    "checkpoints",
    "finished",
    "fit",
    "history_from",
    "replace_file",
    "restore",
]
