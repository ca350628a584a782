"""``LSGAN``: the least squares losses against numpy."""

import numpy as np
import pytest

import kcolor
from tests.gan_networks import FAMILIES, tiny_discriminator, tiny_generator

pytestmark = pytest.mark.tf_only

REAL_LOGITS = np.array([[2.0], [-1.0], [0.5], [3.0]], dtype="float32")
FAKE_LOGITS = np.array([[-2.0], [1.0], [0.0], [-0.5]], dtype="float32")


def test_least_squares_losses_against_numpy():
    r, f = REAL_LOGITS.astype("float64"), FAKE_LOGITS.astype("float64")
    model = FAMILIES["lsgan"](a=-1.0, b=1.0, c=0.0)
    logs = model.discriminator_loss(REAL_LOGITS, FAKE_LOGITS)
    expected = 0.5 * np.mean((r - 1) ** 2) + 0.5 * np.mean((f + 1) ** 2)
    assert np.isclose(float(logs["d_loss"]), expected)
    assert np.isclose(float(model.adversarial_loss(FAKE_LOGITS)["g_adv_loss"]), 0.5 * np.mean(f**2))
    # an output past the middle (0) on b's side counts as real
    assert np.isclose(float(logs["d_real_acc"]), np.mean(r > 0))
    assert np.isclose(float(logs["d_fake_acc"]), np.mean(f < 0))


def test_the_two_targets_must_differ():
    with pytest.raises(ValueError, match="must differ"):
        kcolor.LSGAN(tiny_generator(), tiny_discriminator(), a=1.0, b=1.0)
