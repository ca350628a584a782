"""Bins from an experiment's settings, and one trained classifier decoded several ways.

* ``make_bins({"kind": "uniform", "n": 10})``: the (unfitted) bins an
  experiment's ``bins`` settings name.
* ``decoder(model, method, T)``: a ``ClassColorizer``'s logits decoded by
  one method at one temperature, as a function ``L -> ab`` that
  ``kcolor.metrics.evaluate`` and ``kcolor.plot.compare`` take (notebooks 04
  and 05 score one trained classifier with several decodings).
"""

from kcolor.quantize.bins import DEFAULT_T
from kcolor.quantize.gamut import GamutBins
from kcolor.quantize.uniform import UniformBins

#: The ``kind`` of a ``bins`` setting -> its class.
BIN_KINDS = {"uniform": UniformBins, "gamut": GamutBins}


def make_bins(settings):
    """The bins of an experiment's ``bins`` settings, not yet fitted.

    ``{"kind": "uniform", "n": 10}``: paper E's ``UniformBins(10)``;
    ``{"kind": "gamut"}``: Zhang et al.'s ``GamutBins()`` (261 classes).
    Other keys (``fit_batches``) are the runner's, not the bins'.

    Raises:
        ValueError: an unknown ``kind``.
    """
    kind = settings.get("kind")
    if kind not in BIN_KINDS:
        raise ValueError(f"bins kind must be one of {sorted(BIN_KINDS)}, got {kind!r}.")
    if kind == "uniform":
        return UniformBins(settings["n"])
    return GamutBins()


def decoder(model, method, T=DEFAULT_T):
    """``model``'s logits decoded by ``method`` at temperature ``T``: a function ``L -> ab``.

    Args:
        model: a trained ``kcolor.ClassColorizer`` (it has ``bins`` and
            ``logits``).
        method: one of ``DECODE_METHODS`` (``"argmax"``, ``"mean"``,
            ``"annealed_mean"``).
        T: the annealed mean's temperature.
    """

    def decode(L):
        return model.bins.decode(model.logits(L, training=False), method, T)

    return decode


__all__ = ["BIN_KINDS", "make_bins", "decoder"]
