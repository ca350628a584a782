"""Quantising ab into classes: paper E's uniform bins and Zhang et al.'s gamut bins.

(Work in progress: ``uniform_bin_index`` is the shared binning rule that both
``UniformBins`` and ``kcolor.metrics.bin_accuracy`` use.)
"""

from kcolor.backend import keras

ops = keras.ops


def uniform_bin_index(values, n, low=-100.0, high=100.0):
    """Paper E's ``bin()``: the index of the equal-width bin holding each value.

    ``n`` bins of width ``(high - low) / n`` cover ``[low, high]``; values
    outside are put in the first or last bin. a and b are binned
    independently, so ``values`` may hold either channel (in Lab units).

    Args:
        values: float tensor in Lab units (not normalised).
        n: number of bins per channel (paper E: 10, 30, 50).
        low, high: the binned range (paper E: -100 to +100).

    Returns:
        int32 tensor of the same shape with indices in ``[0, n - 1]``.
    """
    values = ops.convert_to_tensor(values)
    width = (high - low) / n
    index = ops.floor((ops.cast(values, "float32") - low) / width)
    return ops.cast(ops.clip(index, 0, n - 1), "int32")
