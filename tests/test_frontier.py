"""The saturation slider (kcolor.metrics.frontier) on small synthetic Lab batches."""

import numpy as np
import pytest

from kcolor import metrics


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(0)
    L = rng.uniform(-0.6, 0.6, (6, 16, 16, 1)).astype(np.float32)
    truth = rng.uniform(-0.4, 0.4, (6, 16, 16, 2)).astype(np.float32)
    # A dull regressor whose colours are partly noise: turning them up amplifies the noise.
    regressor = 0.3 * truth + rng.normal(0, 0.06, truth.shape).astype(np.float32)
    return L, truth, regressor


def test_gain_one_is_the_regressor_and_colour_rises_with_the_gain(batch):
    L, truth, regressor = batch
    curve = metrics.saturation_slider(L, regressor, truth)
    assert [s["gain"] for s in curve] == list(metrics.SLIDER_GAINS)
    assert curve[0]["acc@5%"] == pytest.approx(metrics.score(L, regressor, truth)["acc@5%"])
    colors = [metrics.relative_color(s) for s in curve]
    assert all(b > a for a, b in zip(colors, colors[1:])), colors


def test_the_regressor_itself_sits_on_its_curve(batch):
    L, truth, regressor = batch
    curve = metrics.saturation_slider(L, regressor, truth)
    point = metrics.score(L, 1.5 * regressor, truth)
    assert metrics.above_slider(point, curve) == pytest.approx(0.0, abs=1e-6)


def test_a_better_placed_colour_is_above_and_a_wrong_hue_below(batch):
    L, truth, regressor = batch
    curve = metrics.saturation_slider(L, regressor, truth)
    right = metrics.score(L, 0.6 * truth, truth)  # the truth's hues, at 0.6 of its colour
    wrong = metrics.score(L, -0.6 * truth, truth)  # the opposite hues, as colourful
    assert metrics.above_slider(right, curve) > 0.05
    assert metrics.above_slider(wrong, curve) < -0.05
    # Interpolation: halfway in colour between two gains, halfway in accuracy.
    a, b = curve[1], curve[2]
    mid = (metrics.relative_color(a) + metrics.relative_color(b)) / 2
    assert metrics.on_slider(curve, mid) == pytest.approx((a["acc@5%"] + b["acc@5%"]) / 2, rel=0.05)


def test_bad_gains_and_points_off_the_curve_are_refused(batch):
    L, truth, regressor = batch
    with pytest.raises(ValueError, match="increasing"):
        metrics.saturation_slider(L, regressor, truth, gains=(2.0, 1.0))
    with pytest.raises(ValueError, match="increasing"):
        metrics.saturation_slider(L, regressor, truth, gains=(1.0,))
    curve = metrics.saturation_slider(L, regressor, truth, gains=(1.0, 1.25))
    with pytest.raises(ValueError, match="outside the slider curve"):
        metrics.above_slider(metrics.score(L, truth, truth), curve)
