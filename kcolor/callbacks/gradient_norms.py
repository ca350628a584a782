"""``GradientNormLogger``: the generator's gradient norm, batch by batch (paper A, 5.2).

Reference:
    A: Koo, section 5.2: "the norm of the total gradient vector
    ||dL/dtheta_g||_2 reduced to less than 1e-4".
"""

import warnings

import numpy as np

from kcolor.backend import keras


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
