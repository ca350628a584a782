"""What a train step logs that ``keras.metrics`` has no tracker for.

``keras.metrics.Mean`` averages a logged value over an epoch's batches; a
gradient norm is read batch by batch (paper A, 5.2), so the GAN step logs it
with ``LastValue``.
"""

from kcolor.backend import keras

ops = keras.ops


@keras.saving.register_keras_serializable(package="kcolor")
class LastValue(keras.metrics.Metric):
    """The last finite value it was given (``g_grad_norm`` of each batch).

    A non-finite value (a ``mixed_float16`` step that overflowed and was
    skipped) keeps the previous one.

    Args:
        name: the logged name.
        dtype: the value's dtype.

    Example:
        >>> tracker = LastValue(name="g_grad_norm")
        >>> tracker.update_state(3.0); tracker.update_state(float("inf"))
        >>> float(tracker.result())
        3.0
    """

    def __init__(self, name="last_value", dtype="float32"):
        super().__init__(name=name, dtype=dtype)
        # "mean": every replica holds the same value; a sum would multiply it.
        self.value = self.add_variable(shape=(), initializer="zeros", name="value",
                                       aggregation="mean")

    def update_state(self, value):
        value = ops.cast(value, self.dtype)
        self.value.assign(ops.where(ops.isfinite(value), value, self.value))

    def result(self):
        return ops.convert_to_tensor(self.value)


__all__ = ["LastValue"]
