"""``TimeBudget``: stop a run after a given wall time, counting its steps."""

import time

from kcolor.backend import keras


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
        self.steps += 1
        if self._start is None:  # the first step (and its tracing) is done: start the clock
            self._start = time.perf_counter()
            return
        self.elapsed = time.perf_counter() - self._start
        if self.elapsed >= self.seconds:
            self.stopped = True
            self.model.stop_training = True
