"""The saturation slider: the line a colourizer has to beat at equal colour.

acc@eps rewards a grey answer, and colour is what an adversarial loss adds,
so one accuracy cannot tell a *better* model from a *greyer* one. The
slider answers "better at equal colour?": take a regressor's colours,
multiply them by a gain (a photo editor's saturation slider, clipped to the
ab range) and score each gain. The curve buys colour without learning
anything, so a colourizer is worth its training where it sits above it.

* ``saturation_slider(L, ab_pred, ab_true)``: the scores along the curve.
* ``on_slider(curve, colorfulness)``: a metric of the curve at a given
  colourfulness (a multiple of the truth's), by linear interpolation.
* ``above_slider(point, curve)``: how far a model's score is above the
  curve at the model's own colourfulness (negative: below).

Example:

>>> curve = kcolor.metrics.saturation_slider(L, unet.predict(L), ab)
>>> kcolor.metrics.above_slider(kcolor.metrics.score(L, gan.predict(L), ab), curve)
0.061
"""

import numpy as np

from kcolor.metrics.scoring import score

#: The slider's gains: 1 is the regressor itself; 3 paints most regressors
#: past the truth's colourfulness, so every colourizer's point is on the curve.
SLIDER_GAINS = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)


def relative_color(scores):
    """A score dict's colourfulness as a multiple of the truth's."""
    return scores["colorfulness"] / scores["colorfulness_true"]


def saturation_slider(L, ab_pred, ab_true, gains=SLIDER_GAINS):
    """Scores of ``ab_pred`` with its colours multiplied by each gain.

    Args:
        L: normalised L, shape (N, H, W, 1).
        ab_pred: a regressor's normalised ab for ``L``, shape (N, H, W, 2).
        ab_true: the true normalised ab.
        gains: increasing multipliers; each product is clipped to [-1, 1].

    Returns:
        A list of ``kcolor.metrics.score`` dicts, one per gain, each with its
        ``"gain"`` added.

    Raises:
        ValueError: gains that are not positive and increasing.
    """
    gains = [float(g) for g in gains]
    if len(gains) < 2 or min(gains) <= 0 or any(b <= a for a, b in zip(gains, gains[1:])):
        raise ValueError(f"gains must be two or more positive, increasing numbers; got {gains}")
    ab_pred = np.asarray(ab_pred, np.float32)
    return [dict(score(L, np.clip(g * ab_pred, -1.0, 1.0), ab_true), gain=g) for g in gains]


def on_slider(curve, colorfulness, key="acc@5%"):
    """``key`` of the slider curve at ``colorfulness`` (a multiple of the truth's).

    Linear interpolation between the curve's points, ordered by colour.

    Raises:
        ValueError: ``colorfulness`` outside the curve's range (more gains
            are needed to compare there).
    """
    xs = np.array([relative_color(s) for s in curve])
    ys = np.array([s[key] for s in curve])
    order = np.argsort(xs)
    xs, ys = xs[order], ys[order]
    if not xs[0] <= colorfulness <= xs[-1]:
        raise ValueError(
            f"colourfulness {colorfulness:.3f} x truth is outside the slider curve "
            f"({xs[0]:.3f} to {xs[-1]:.3f}); give saturation_slider larger gains")
    return float(np.interp(colorfulness, xs, ys))


def above_slider(point, curve, key="acc@5%"):
    """``point[key]`` minus the slider curve's ``key`` at the point's colourfulness.

    ``point`` is a ``kcolor.metrics.score`` dict (or a results-table row
    with ``colorfulness`` and ``colorfulness_true``). Positive: the model
    places its colour better than turning up the regressor's.
    """
    return float(point[key]) - on_slider(curve, relative_color(point), key)


__all__ = ["SLIDER_GAINS", "saturation_slider", "on_slider", "above_slider", "relative_color"]
