"""``ScoreTrace``: a model's scores on fixed photos, before training and after every epoch."""

import numpy as np

from kcolor.backend import keras
from kcolor.metrics import score


class ScoreTrace(keras.callbacks.Callback):
    """Scores the model on fixed held-out photos as it trains: its path through the metrics.

    At the start of training (step 0: for a warm-started GAN, the network it
    started from) and at the end of every ``every``-th epoch, the model
    colours ``L`` and ``kcolor.metrics.score`` compares that with ``ab``.
    Notebook 03 draws the cGAN's path as a curve of accuracy against
    colourfulness: where along it the adversarial phase trades one for the
    other.

    Args:
        L, ab: normalised arrays (N, H, W, 1) and (N, H, W, 2), e.g. a test
            batch. A few hundred photos keep each scoring to a second or two.
        keys: the ``kcolor.metrics.score`` keys to record (default acc@5%
            and colourfulness; ``colorfulness_true``, the truth's, is always
            recorded beside colorfulness).
        every: score every ``every``-th epoch (and always after the last).
        batch_size: the prediction batch size.

    Attributes:
        trace: a list of dicts, one per scoring: ``epoch`` (0 before
            training, else the epochs finished), ``step`` (training steps
            run in this ``fit``) and the scores.

    Example:
        >>> trace = kcolor.callbacks.ScoreTrace(L_test[:500], ab_test[:500])
        >>> gan.fit(train, epochs=6, steps_per_epoch=200, callbacks=[trace])
        >>> [(t["acc@5%"], t["colorfulness"]) for t in trace.trace]
    """

    def __init__(self, L, ab, keys=("acc@5%", "colorfulness"), every=1, batch_size=250):
        super().__init__()
        L, ab = np.asarray(L, np.float32), np.asarray(ab, np.float32)
        if L.ndim != 4 or L.shape[-1] != 1 or ab.shape != L.shape[:3] + (2,):
            raise ValueError(f"ScoreTrace needs L of shape (N, H, W, 1) and ab of shape "
                             f"(N, H, W, 2); got {L.shape} and {ab.shape}.")
        if int(every) < 1:
            raise ValueError(f"every must be a positive number of epochs, got {every!r}.")
        self.L, self.ab, self.every, self.batch_size = L, ab, int(every), int(batch_size)
        self.keys = tuple(keys) + (("colorfulness_true",) if "colorfulness" in keys else ())
        self.trace, self._steps = [], 0

    def _record(self, epoch):
        pred = self.model.predict(self.L, batch_size=self.batch_size, verbose=0)
        self.trace.append({"epoch": epoch, "step": self._steps,
                           **score(self.L, pred, self.ab, keys=self.keys)})

    def on_train_begin(self, logs=None):
        self.trace, self._steps = [], 0
        self._record(0)

    def on_train_batch_end(self, batch, logs=None):
        self._steps += 1

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self._record(epoch + 1)

    def on_train_end(self, logs=None):
        if self.trace[-1]["step"] != self._steps:  # the last epoch, when every skipped it
            epochs = self.params.get("epochs") if self.params else None
            self._record(epochs if epochs is not None else self.trace[-1]["epoch"] + 1)
