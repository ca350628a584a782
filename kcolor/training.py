"""Long runs that survive a disconnect: resumable checkpoints and a NaN guard.

Paper B trains 200 epochs on CIFAR-10 and 20 on Places365; a Colab runtime
disconnects long before that. Three pieces make a run resumable:

* ``BackupAndRestore``: a callback that writes the *whole* training state
  (network weights, batch-norm statistics, the random seed generators, and
  every optimiser's state: a GAN's ``g_optimizer`` **and** ``d_optimizer``,
  their Adam moments and iteration counts) every ``save_freq`` batches or
  every epoch, and restores the newest one when ``fit`` starts again.
  Checkpoints are written atomically (a temporary folder, fsync, rename), so
  a kill in the middle of a write never damages the last good one.
* ``NaNGuard``: a callback that stops training on the first NaN or Inf in
  *any* logged value (``loss``, but also a GAN's ``d_loss`` / ``g_loss``),
  naming the epoch, the batch, the metric and the likely causes, before the
  diverged weights can be checkpointed.
* ``fit(model, data, epochs=..., resume_dir=...)``: ``model.fit`` with both,
  in one argument, for notebooks. Run the same cell again after a
  disconnect and training continues where the last checkpoint left it.

Why not ``keras.callbacks.BackupAndRestore``? Its ``model.save_weights`` does
hold the GAN's two optimisers (Keras 3 saves every optimiser attribute of the
model), but it overwrites its one file in place (a kill during the write
leaves a broken file), it would checkpoint NaN weights, and a mid-epoch
checkpoint restarts the interrupted epoch from its first batch. This one
keeps the previous checkpoint until the next is complete, refuses non-finite
weights, and continues a mid-epoch checkpoint at the next batch.

Checkpoint folder layout (``resume_dir``)::

    ckpt-000000120-0003/          step 120 (batches trained), epoch index 3
        model.weights.h5          model.save_weights(): networks + optimisers
        state.json                {"epoch": 3, "batch": 0, "step": 120, ...}
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

_CHECKPOINT = re.compile(r"^ckpt-(\d{9,})-(\d{4,})$")
_WEIGHTS = "model.weights.h5"
_STATE = "state.json"
_TMP_PREFIX = ".tmp-ckpt-"


class TrainingDivergedError(RuntimeError):
    """Raised by ``NaNGuard`` when a logged loss or metric becomes NaN or Inf.

    Attributes:
        epoch: 0-based epoch index (as in Keras callbacks).
        batch: 0-based batch index within the epoch.
        metrics: ``{name: value}`` of the non-finite logged values.
    """

    def __init__(self, message, epoch=None, batch=None, metrics=None):
        super().__init__(message)
        self.epoch = epoch
        self.batch = batch
        self.metrics = dict(metrics or {})


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


def _all_finite(variables):
    checks = [
        tf.reduce_all(tf.math.is_finite(tf.convert_to_tensor(v)))
        for v in variables
        if np.dtype(keras.backend.standardize_dtype(v.dtype)).kind == "f"
    ]
    return bool(tf.reduce_all(tf.stack(checks))) if checks else True


def _float_logs(logs):
    """The scalar numeric entries of a Keras logs dict, as Python floats."""
    values = {}
    for name, value in (logs or {}).items():
        try:
            array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
        except Exception:  # a non-numeric entry (a string, an object)
            continue
        if array.size == 1 and array.dtype.kind in "fiu":
            values[name] = float(array.reshape(()))
    return values


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
        >>> state = kcolor.training.restore(gan, "runs/exp1")
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
    at its next batch under ``kcolor.training.fit`` (which runs the rest of
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
    running a finished notebook cell again does not retrain.

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

    Example:
        >>> backup = kcolor.training.BackupAndRestore("runs/exp1", save_freq=500)
        >>> gan.fit(train, epochs=200, callbacks=[kcolor.training.NaNGuard(), backup])

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
        self._expected_skip = 0
        self._reset_position()

    def _reset_position(self, state=None):
        state = state or {}
        self._epoch = int(state.get("epoch", 0))
        self._offset = int(state.get("batch", 0))  # batches of _epoch already trained
        self._done = self._offset
        self._step = int(state.get("step", 0))
        self._saved_step = self._step if state else None

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

        ``kcolor.training.fit`` resumes a mid-epoch checkpoint by running the
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
        self._save(self._epoch, 0, logs)

    def on_train_end(self, logs=None):
        self.model._initial_epoch = None

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
            with open(os.path.join(tmp, _STATE), "w") as f:
                json.dump(state, f, indent=1)
                f.flush()
                os.fsync(f.fileno())
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


class NaNGuard(keras.callbacks.Callback):
    """Stops training at the first NaN or Inf in any logged value.

    After every batch (and epoch) it checks every scalar numeric log entry,
    not only ``loss``: a GAN logs ``d_loss``, ``g_loss``, ``l1``, ... and
    either can blow up first. On the first non-finite value it raises
    ``TrainingDivergedError`` at once (default), naming the epoch, the batch,
    the metric(s) and the likely causes. Raising, rather than only setting
    ``model.stop_training``, means no later callback of that batch runs, so a
    checkpoint callback listed after it never sees the diverged weights, and
    a notebook cell stops with the message in red. With ``raise_error=False``
    it sets ``model.stop_training``, warns, and keeps the error in
    ``self.error`` (``fit`` then returns normally).

    The weights in memory after the error are the diverged ones: restore the
    last checkpoint (``kcolor.training.restore``), lower the learning rate,
    and resume.

    Args:
        raise_error: raise ``TrainingDivergedError`` (True) or stop quietly.
        ignore: names of log entries not to check.
        batch_offset: optional callable returning how many batches of the
            current epoch were trained before this ``fit`` (a resumed run;
            ``BackupAndRestore.batch_offset``), so the batch named in the
            message counts from the epoch's start.

    Attributes:
        error: the ``TrainingDivergedError``, or ``None``.

    Example:
        >>> gan.fit(train, epochs=20, callbacks=[kcolor.training.NaNGuard()])
        TrainingDivergedError: Training diverged at epoch 3, batch 118: g_loss = nan ...
    """

    def __init__(self, raise_error=True, ignore=(), batch_offset=None):
        super().__init__()
        self.raise_error = bool(raise_error)
        self.ignore = set(ignore)
        self.batch_offset = batch_offset
        self.error = None
        self._epoch = 0

    def on_train_begin(self, logs=None):
        self.error = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        offset = self.batch_offset() if self.batch_offset is not None else 0
        self._check(logs, self._epoch, batch + offset)

    def on_epoch_end(self, epoch, logs=None):
        self._check(logs, epoch, None)

    def _check(self, logs, epoch, batch):
        values = _float_logs(logs)
        bad = {k: v for k, v in values.items() if k not in self.ignore and not math.isfinite(v)}
        if not bad:
            return
        error = TrainingDivergedError(self._message(epoch, batch, bad), epoch, batch, bad)
        self.error = error
        self.model.stop_training = True
        if self.raise_error:
            raise error
        warnings.warn(str(error), stacklevel=2)

    def _message(self, epoch, batch, bad):
        where = f"epoch {epoch + 1}" + (" (its end)" if batch is None else f", batch {batch + 1}")
        names = ", ".join(f"{k} = {v}" for k, v in bad.items())
        model = self.model
        causes = ["the learning rate is too high (try it 10x lower);"]
        if hasattr(model, "effective_clip_value"):  # a WGAN: its own advice only
            causes.append(
                "WGAN: with weight clipping keep the clip value small (0.01) and the RMSprop "
                "learning rate low (5e-5); with a gradient penalty use Adam 1e-4, beta_1=0, "
                "beta_2=0.9;"
            )
        elif hasattr(model, "discriminator"):  # the other GANs
            causes.append("GAN: D and G usually train with Adam 2e-4, beta_1=0.5 (pix2pix);")
        policy = getattr(getattr(model, "dtype_policy", None), "name", "")
        mixed = "currently on" if policy.startswith("mixed") else "if you use it"
        causes.append(
            f"mixed precision ({mixed}): float16 overflowed; keep loss scaling on "
            "(a LossScaleOptimizer, kcolor's compile(auto_scale_loss=True)) or train in float32;"
        )
        causes.append("NaN or Inf values in the input data (check the dataset).")
        return (
            f"Training diverged at {where}: {names}. (Epochs and batches count from 1, as in "
            "the progress bar.) Training stopped before these weights could be checkpointed. "
            "Likely causes: " + " ".join(f"({i}) {c}" for i, c in enumerate(causes, 1))
            + " Restore the last good checkpoint (kcolor.training.restore) and resume."
        )


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
    weights, same optimiser states (both of a GAN's), same epoch, and, for a
    ``tf.data.Dataset``, the next batch of an interrupted epoch. ``epochs``
    is the total, as in ``model.fit``: a run stopped during epoch 7 of 20 and
    started again runs the rest of epoch 7, then epochs 8 to 20. A run that
    already finished loads its last checkpoint and returns an empty history.

    Resuming in the middle of an epoch (a ``tf.data.Dataset`` and no
    ``steps_per_epoch``) calls ``model.fit`` twice: once on
    ``data.skip(batch)`` for the rest of that epoch, once for the remaining
    epochs; the returned history joins both. Your callbacks therefore see
    ``on_train_begin`` twice (give ``CSVLogger`` ``append=True``, which a
    resumed run needs anyway). Exact for data in a fixed order; with
    reshuffling data the rest of the epoch is a fresh draw of the same
    number of batches. The tf.data iterator's position and shuffle state are
    not saved.

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
        nan_guard: add ``NaNGuard()`` (raises ``TrainingDivergedError``).
        callbacks: more callbacks, run after the guard and the backup.
        **fit_kwargs: anything else ``model.fit`` takes (``validation_data``,
            ``verbose``, ``steps_per_epoch``, ``y``, ...).

    Returns:
        The ``History`` of this call (the epochs it ran).

    Example:
        >>> gan = kcolor.CGAN(kcolor.models.unet(32), kcolor.models.patchgan(32),
        ...                   l1_weight=100)
        >>> gan.compile()
        >>> train = kcolor.data.load("cifar10", batch_size=128, shuffle=True)
        >>> history = kcolor.training.fit(gan, train, epochs=200,
        ...                               resume_dir="runs/cgan_cifar10", save_freq=500)
        >>> # disconnected? run the cell again: it resumes from the last checkpoint

    Reference:
        B: Nazeri et al., section 3.3 (200 epochs on CIFAR-10, 20 on Places365).
    """
    if resume_dir is not None and "initial_epoch" in fit_kwargs:
        raise ValueError(
            "fit: pass either resume_dir (the checkpoint says where to resume) or "
            "initial_epoch, not both."
        )
    backup = latest = None
    if resume_dir is not None:
        backup = BackupAndRestore(
            resume_dir, save_freq=save_freq, keep=keep, verbose=fit_kwargs.get("verbose", 1) != 0
        )
        latest = backup.latest()
        if latest is not None and int(latest["epoch"]) >= epochs:
            print(
                f"Already trained: {latest['path']} is at epoch {latest['epoch']} of {epochs}. "
                "Nothing to do (pass more epochs to continue training)."
            )
            restore(model, resume_dir)
            return _merge_histories(model, [])
    guard = [NaNGuard(batch_offset=backup.batch_offset if backup else None)] if nan_guard else []
    all_callbacks = guard + ([backup] if backup else []) + list(callbacks or [])

    histories = []
    try:
        resume_batch = int(latest["batch"]) if latest else 0
        if (
            resume_batch
            and isinstance(data, tf.data.Dataset)
            and fit_kwargs.get("steps_per_epoch") is None
        ):
            # The rest of the interrupted epoch, then the remaining epochs.
            backup.expect_skipped(resume_batch)
            histories.append(
                model.fit(
                    data.skip(resume_batch),
                    epochs=int(latest["epoch"]) + 1,
                    callbacks=all_callbacks,
                    **fit_kwargs,
                )
            )
            backup.expect_skipped(0)
            if model.stop_training or int(latest["epoch"]) + 1 >= epochs:
                return _merge_histories(model, histories)
        histories.append(model.fit(data, epochs=epochs, callbacks=all_callbacks, **fit_kwargs))
    finally:
        # An exception skips on_train_end: never leave a resume epoch behind
        # for a later plain model.fit.
        model._initial_epoch = None
        if backup is not None:
            backup.expect_skipped(0)
    return _merge_histories(model, histories)


def _merge_histories(model, histories):
    merged = keras.callbacks.History()
    merged.set_model(model)
    merged.params = histories[-1].params if histories else {}
    merged.epoch, merged.history = [], {}
    for history in histories:
        merged.epoch.extend(history.epoch)
        for key, values in history.history.items():
            merged.history.setdefault(key, []).extend(values)
    return merged


__all__ = [
    "BackupAndRestore",
    "NaNGuard",
    "TrainingDivergedError",
    "checkpoints",
    "fit",
    "restore",
]
