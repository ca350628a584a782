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

from kcolor.checkpoints.backup import BackupAndRestore
from kcolor.checkpoints.files import checkpoints, replace_file, restore
from kcolor.checkpoints.resume import finished, fit, history_from

__all__ = [
    "BackupAndRestore",
    "checkpoints",
    "finished",
    "fit",
    "history_from",
    "replace_file",
    "restore",
]
