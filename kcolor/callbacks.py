"""Training callbacks: diagnostics, a time budget and a NaN guard.

* ``GradientNormLogger`` records, batch by batch, the global norm of the
  generator's gradient that the adversarial train step logs as
  ``g_grad_norm``, and warns when it stays below paper A's 1e-4 (the
  discriminator has won and the generator no longer learns).
* ``ImageGrid`` saves a grey | ours | truth grid of fixed images at the end of
  every ``every``-th epoch (a PNG per epoch, headless with Matplotlib's Agg
  backend), optionally shows it in a notebook and writes it to TensorBoard.

The adversarial step's other logs (``d_loss``, ``g_loss``, ``d_real_acc``,
``d_fake_acc``, ...) are ordinary Keras logs, so the standard
``keras.callbacks.TensorBoard`` and ``keras.callbacks.CSVLogger`` record them
as they are.

* ``TimeBudget`` stops training after a number of seconds (equal wall time
  per model) and counts the steps run.
* ``NaNGuard`` stops training at the first NaN or Inf in any logged value
  (raising ``TrainingDivergedError``), before a checkpoint can keep the
  diverged weights.

Checkpointing lives in ``kcolor.checkpoints``; its ``BackupAndRestore`` is
also found here, so every kcolor callback can be found in one place.

Reference:
    A: Koo, section 5.2: "the norm of the total gradient vector
    ||dL/dtheta_g||_2 reduced to less than 1e-4".
"""

import math
import os
import warnings

import numpy as np

from kcolor.backend import keras, tf


class GradientNormLogger(keras.callbacks.Callback):
    """Records the generator's gradient norm after every training batch.

    The adversarial colorizers (``kcolor.CGAN`` and family) log the global
    L2 norm of the generator's gradient, ``g_grad_norm``, for each batch.
    This callback keeps those values and warns once the norm has stayed below
    ``threshold`` for ``patience`` batches in a row: paper A saw it fall
    below 1e-4 when its discriminator won, after which the generator never
    caught up.

    With ``steps_per_execution > 1`` Keras calls callbacks once per
    execution, so one value (the last step's) is recorded per execution.

    Args:
        key: the log entry to record (``"g_grad_norm"``).
        threshold: the norm below which the gradient counts as vanished
            (paper A: 1e-4).
        patience: how many consecutive batches below ``threshold`` trigger
            the warning.

    Attributes:
        norms: list of recorded values, one per batch, across all ``fit``
            calls (``reset()`` clears it).
        epochs: the epoch of each recorded value.
        vanished_at: index into ``norms`` where the warning fired, or None.

    Example:
        >>> logger = kcolor.callbacks.GradientNormLogger()
        >>> gan.fit(data, epochs=5, callbacks=[logger])
        >>> logger.plot()

    Reference:
        A: Koo, section 5.2.
    """

    def __init__(self, key="g_grad_norm", threshold=1e-4, patience=100):
        super().__init__()
        if not threshold > 0:
            raise ValueError(f"threshold must be positive, got {threshold!r}.")
        if not isinstance(patience, int) or patience < 1:
            raise ValueError(f"patience must be a positive integer, got {patience!r}.")
        self.key = key
        self.threshold = float(threshold)
        self.patience = patience
        self.reset()

    def reset(self):
        """Forgets every recorded value."""
        self.norms = []
        self.epochs = []
        self.vanished_at = None
        self._streak = 0
        self._epoch = 0
        self._missing_warned = False

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        if self.key not in logs:
            if not self._missing_warned:
                warnings.warn(
                    f"GradientNormLogger: the training logs have no {self.key!r} entry "
                    f"(they have {sorted(logs)}); the model does not report it.",
                    stacklevel=2,
                )
                self._missing_warned = True
            return
        value = float(logs[self.key])
        self.norms.append(value)
        self.epochs.append(self._epoch)
        self._streak = self._streak + 1 if value < self.threshold else 0
        if self._streak == self.patience and self.vanished_at is None:
            self.vanished_at = len(self.norms) - 1
            warnings.warn(
                f"The generator's gradient norm has stayed below {self.threshold:g} for "
                f"{self.patience} batches (last {value:.3g}): the discriminator is winning and "
                "the generator has stopped learning (paper A, section 5.2). Try the "
                "non-saturating loss, one-sided label smoothing, an L1 term, or a weaker D.",
                RuntimeWarning,
                stacklevel=2,
            )

    def plot(self, ax=None):
        """Plots the recorded norms on a log scale with the threshold line.

        Returns:
            The Matplotlib axes.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3))
        ax.semilogy(np.maximum(np.asarray(self.norms, dtype=float), 1e-12), lw=1)
        ax.axhline(self.threshold, color="r", ls="--", lw=1, label=f"{self.threshold:g}")
        ax.set_xlabel("batch")
        ax.set_ylabel(f"{self.key}")
        ax.legend(loc="best")
        return ax


def _to_display(images):
    """Model-range images ([-1, 1]; 1 or 3 channels) -> RGB floats in [0, 1]."""
    images = np.clip((np.asarray(images, dtype="float32") + 1.0) / 2.0, 0.0, 1.0)
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    return images


def grid_rows(L, ab_pred, ab_true=None, color_space="lab"):
    """Builds the rows of an image grid as RGB arrays in [0, 1].

    Args:
        L: normalised L, ``(n, H, W, 1)``.
        ab_pred: predicted normalised ab, ``(n, H, W, 2)``.
        ab_true: true normalised ab or ``None``.
        color_space: ``"yuv"`` when L is paper A's Y and the others UV.

    Returns:
        A list of ``(title, images)`` with images of shape ``(n, H, W, 3)``:
        grey, ours and (with ``ab_true``) truth.
    """
    from kcolor import color

    L = np.asarray(L, dtype="float32")
    if color_space == "yuv":  # paper A: Y with UV = 0, the prediction's UV, the truth's
        rows = [("grey", np.asarray(color.y_uv_to_rgb(L, np.zeros(L.shape[:-1] + (2,),
                                                                   "float32"))))]
        rows += [(title, np.asarray(color.y_uv_to_rgb(L, np.asarray(uv, dtype="float32"))))
                 for title, uv in (("ours", ab_pred), ("truth", ab_true)) if uv is not None]
        return [(title, np.clip(images, 0.0, 1.0)) for title, images in rows]
    rows = [
        ("grey", np.asarray(color.l_to_gray_rgb(L))),
        ("ours", np.asarray(color.l_ab_to_rgb(L, np.asarray(ab_pred, dtype="float32")))),
    ]
    if ab_true is not None:
        truth = color.l_ab_to_rgb(L, np.asarray(ab_true, dtype="float32"))
        rows.append(("truth", np.asarray(truth)))
    return [(title, np.clip(images, 0.0, 1.0)) for title, images in rows]


class ImageGrid(keras.callbacks.Callback):
    """Saves a grey | ours | truth grid of fixed images every few epochs.

    Rows are grey input, the model's colourisation (``model.predict(L)``)
    and the truth; columns are the images. For an unconditional GAN
    (``conditional=False``) pass a fixed batch of noise ``z`` as ``L`` and
    no ``ab``: the grid then shows the generated images in one row.

    Args:
        L: normalised L, ``(n, H, W, 1)`` (at most ``max_images`` are used),
            or ``z`` for an unconditional model.
        ab: the true normalised ab, or ``None`` (no truth row).
        every: draw after every ``every``-th epoch.
        out_dir: folder for ``{prefix}_{epoch:03d}.png`` (epoch counted
            from 1), created if needed; ``None`` saves nothing.
        show: also display the figure (in a notebook); otherwise it is
            closed after saving, so nothing needs a display.
        log_dir: a TensorBoard log folder: each grid is also written as an
            image summary ``tag`` at step ``epoch``.
        max_images: the number of columns.
        prefix: file name prefix.
        tag: the TensorBoard summary name.
        color_space: ``"yuv"`` when ``L`` is paper A's Y and ``ab`` its UV.

    Attributes:
        paths: the PNG files written so far.

    Example:
        >>> L, ab = next(iter(kcolor.data.sample("test", image_size=32)))
        >>> grid = kcolor.callbacks.ImageGrid(L, ab, out_dir="grids")
        >>> gan.fit(data, epochs=5, callbacks=[grid])
    """

    def __init__(
        self,
        L,
        ab=None,
        every=1,
        out_dir=None,
        show=False,
        log_dir=None,
        max_images=8,
        prefix="epoch",
        tag="colourisations",
        color_space="lab",
    ):
        super().__init__()
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a positive integer, got {every!r}.")
        if not isinstance(max_images, int) or max_images < 1:
            raise ValueError(f"max_images must be a positive integer, got {max_images!r}.")
        self.L = np.asarray(L, dtype="float32")[:max_images]
        self.ab = None if ab is None else np.asarray(ab, dtype="float32")[:max_images]
        if self.ab is not None and self.ab.shape[:-1] != self.L.shape[:-1]:
            raise ValueError(
                f"L {self.L.shape} and ab {self.ab.shape} must have the same number of images "
                "and the same height and width."
            )
        self.every = every
        self.out_dir = None if out_dir is None else os.fspath(out_dir)
        self.show = show
        self.log_dir = None if log_dir is None else os.fspath(log_dir)
        if self.log_dir is not None:
            try:
                import tensorboard  # noqa: F401  (tf.summary.image needs it)
            except ImportError as error:
                raise ImportError(
                    "ImageGrid(log_dir=...) writes TensorBoard image summaries, which need the "
                    "tensorboard package: pip install tensorboard (or leave log_dir=None)."
                ) from error
        self.prefix = prefix
        self.tag = tag
        self.color_space = color_space
        self.paths = []
        self._writer = None

    def rows(self):
        """The grid's rows for the current model: a list of ``(title, images)``."""
        prediction = self.model.predict(self.L, batch_size=len(self.L), verbose=0)
        if not getattr(self.model, "conditional", True):
            return [("generated", _to_display(prediction))]
        return grid_rows(self.L, prediction, self.ab, color_space=self.color_space)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        rows = self.rows()
        if self.out_dir is not None or self.show:
            self._draw(rows, epoch)
        if self.log_dir is not None:
            self._summarise(rows, epoch)

    def _draw(self, rows, epoch):
        import matplotlib.pyplot as plt

        n = len(rows[0][1])
        fig, axes = plt.subplots(
            len(rows), n, figsize=(1.3 * n + 0.6, 1.3 * len(rows)), squeeze=False
        )
        for r, (title, images) in enumerate(rows):
            for c in range(n):
                ax = axes[r, c]
                ax.imshow(images[c], interpolation="nearest")
                ax.set_xticks([])
                ax.set_yticks([])
                if c == 0:
                    ax.set_ylabel(title)
        fig.suptitle(f"epoch {epoch + 1}")
        fig.tight_layout()
        if self.out_dir is not None:
            os.makedirs(self.out_dir, exist_ok=True)
            path = os.path.join(self.out_dir, f"{self.prefix}_{epoch + 1:03d}.png")
            fig.savefig(path, dpi=100)
            self.paths.append(path)
        if self.show:
            plt.show()
        plt.close(fig)

    def _summarise(self, rows, epoch):
        if self._writer is None:
            self._writer = tf.summary.create_file_writer(self.log_dir)
        # One picture: rows stacked vertically, images side by side.
        picture = np.concatenate(
            [np.concatenate(list(images), axis=1) for _, images in rows], axis=0
        )
        with self._writer.as_default():
            tf.summary.image(self.tag, picture[None], step=epoch)
        self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None


class TimeBudget(keras.callbacks.Callback):
    """Stops training once ``seconds`` of wall time have passed; counts the steps run.

    For comparisons at equal wall time (notebook 07's quick profile): every
    model trains for the same time, and ``steps`` says how far each got. The
    clock starts when the first step ends: that step traces the train
    function, a one-off cost that differs between models (a WGAN traces
    five critic updates) and that would otherwise eat a short budget. The
    check runs after every batch; the step that crosses the budget is
    finished, not cut.

    Args:
        seconds: the budget, a positive number.

    Attributes:
        steps: training steps run so far.
        elapsed: seconds from the end of the first step to the end of the last.
        stopped: whether the budget stopped the run.

    Example:
        >>> budget = kcolor.callbacks.TimeBudget(60)
        >>> model.fit(train, epochs=1000, steps_per_epoch=50, callbacks=[budget])
        >>> budget.steps, budget.stopped
    """

    def __init__(self, seconds):
        super().__init__()
        if not seconds > 0:
            raise ValueError(f"seconds must be a positive number, got {seconds!r}.")
        self.seconds = float(seconds)
        self.steps, self.elapsed, self.stopped, self._start = 0, 0.0, False, None

    def on_train_begin(self, logs=None):
        self.steps, self.elapsed, self.stopped, self._start = 0, 0.0, False, None

    def on_train_batch_end(self, batch, logs=None):
        import time

        self.steps += 1
        if self._start is None:  # the first step (and its tracing) is done: start the clock
            self._start = time.perf_counter()
            return
        self.elapsed = time.perf_counter() - self._start
        if self.elapsed >= self.seconds:
            self.stopped = True
            self.model.stop_training = True


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
            + " Restore the last good checkpoint (kcolor.checkpoints.restore) and resume."
        )




def __getattr__(name):
    # BackupAndRestore lives with the checkpoints (kcolor.checkpoints, which
    # imports this module for NaNGuard); it is found here too, imported on use.
    if name == "BackupAndRestore":
        from kcolor.checkpoints import BackupAndRestore

        return BackupAndRestore
    raise AttributeError(f"module 'kcolor.callbacks' has no attribute {name!r}")


__all__ = ["GradientNormLogger", "ImageGrid", "grid_rows", "BackupAndRestore", "NaNGuard",
           "TimeBudget", "TrainingDivergedError"]
