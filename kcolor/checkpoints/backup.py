"""``BackupAndRestore``: the callback that checkpoints a run and restores it on restart."""

import math
import os
import shutil
import tempfile
import time
import warnings

import numpy as np

from kcolor.backend import keras
from kcolor.callbacks.nan_guard import float_logs
from kcolor.checkpoints.files import (
    _STATE,
    _TMP_PREFIX,
    _WEIGHTS,
    _all_finite,
    _fsync_dir,
    _fsync_file,
    _model_signature,
    _seed_variables,
    _write_json,
    _write_weights,
    checkpoints,
    replace_file,
    restore,
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

    Example (a long GPU run; ``gan`` and ``train`` as in ``kcolor.checkpoints.fit``):
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
        for name, value in float_logs(logs).items():
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
        values = float_logs(logs)
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
