"""kcolor.losses: each loss against numpy, and ``get``."""

import numpy as np
import pytest

from kcolor import losses


def test_regression_losses_match_numpy(rng):
    y, p = rng.uniform(-1, 1, (2, 3, 4, 4, 2)).astype(np.float32)
    e = p - y
    assert float(losses.l2(y, p)) == pytest.approx(np.mean(e**2), rel=1e-5)
    assert float(losses.l1(y, p)) == pytest.approx(np.mean(np.abs(e)), rel=1e-5)
    # huber = Girshick's smooth L1 on Lab errors, divided by 110.
    lab = np.abs(e) * 110
    smooth_l1 = np.where(lab < 1, 0.5 * lab**2, lab - 0.5)
    assert float(losses.huber(y, p)) == pytest.approx(np.mean(smooth_l1) / 110, rel=1e-5)
    small = y + 0.001
    assert float(losses.huber(y, small)) == pytest.approx(0.5 * 0.001**2 * 110, rel=1e-3)


def test_get_resolves_names_and_callables():
    assert losses.get("l2") is losses.l2 and losses.get("MSE") is losses.l2
    assert losses.get("l1") is losses.l1 and losses.get("smooth_l1") is losses.huber
    assert losses.get(losses.l1) is losses.l1
    assert callable(losses.get("mean_squared_logarithmic_error"))
    with pytest.raises(ValueError, match="Unknown loss 'l3'"):
        losses.get("l3")


def test_rebalanced_cross_entropy_matches_numpy(rng):
    logits = rng.normal(0, 2, (2, 3, 3, 7)).astype(np.float32)
    targets = rng.uniform(0, 1, (2, 3, 3, 7)).astype(np.float32)
    targets /= targets.sum(-1, keepdims=True)
    weights = rng.uniform(0.5, 2, (2, 3, 3)).astype(np.float32)
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    expected = np.mean(weights * -(targets * log_p).sum(-1))
    got = losses.rebalanced_cross_entropy(targets, logits, weights)
    assert float(got) == pytest.approx(expected, rel=1e-5)
    # The sparse (indices, values) form gives the same number.
    index = np.argsort(-targets, axis=-1)[..., :7]
    values = np.take_along_axis(targets, index, axis=-1)
    sparse = losses.rebalanced_cross_entropy((index, values), logits, weights)
    assert float(sparse) == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match="same shape"):
        losses.rebalanced_cross_entropy(targets[..., :5], logits)
