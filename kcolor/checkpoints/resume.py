"""``fit``: ``model.fit`` that resumes after a disconnect and stops on NaN."""

import time

from kcolor.backend import keras, tf
from kcolor.callbacks.nan_guard import NaNGuard
from kcolor.checkpoints.backup import BackupAndRestore
from kcolor.checkpoints.files import checkpoints, restore


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

    Example (paper B's 200 epochs on CIFAR-10 from tensorflow-datasets: a GPU run):
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
