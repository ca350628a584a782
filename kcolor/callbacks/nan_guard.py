"""``NaNGuard``: stop training at the first NaN or Inf, before a checkpoint keeps it."""

import math
import warnings

import numpy as np

from kcolor.backend import keras


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


def float_logs(logs):
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
    last checkpoint (``kcolor.checkpoints.restore``), lower the learning rate,
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
        >>> gan.fit(train, epochs=20, callbacks=[kcolor.callbacks.NaNGuard()])
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
        values = float_logs(logs)
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
            + " Restore the last good checkpoint (kcolor.checkpoints.restore) and resume."
        )
