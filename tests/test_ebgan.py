"""``EBGAN``: the energy, the hinge losses and the pull-away term against numpy."""

import numpy as np
import pytest

import kcolor
from kcolor.colorizers.adversarial import AdversarialColorizer
from kcolor.colorizers.ebgan import pull_away_term
from tests.gan_networks import FAMILIES, tiny_discriminator, tiny_generator

pytestmark = pytest.mark.tf_only


def test_energy_losses_against_numpy(monkeypatch):
    # D's energy is the per-sample reconstruction MSE: with a D that reconstructs 0,
    # an input of constant sqrt(e) has energy e.
    ebgan = FAMILIES["ebgan"](margin=1.0)
    monkeypatch.setattr(AdversarialColorizer, "discriminate",
                        lambda self, x, colors, training=True: (0 * colors, colors))
    fake = np.stack([np.full((2, 2, 1), e, "float32") for e in (0.3, 1.5, 0.9)]) ** 0.5
    energy, code = ebgan.discriminate(None, fake)
    assert np.allclose(energy, [0.3, 1.5, 0.9]) and np.allclose(code, fake)
    # D's loss hinges per sample: E D(real) + E max(0, m - D(fake))
    real_out = (np.array([0.1, 0.4, 0.2], "float32"), None)
    fake_out = (np.array([0.3, 1.5, 0.9], "float32"), None)
    d_loss = ebgan.discriminator_loss(real_out, fake_out)["d_loss"]
    assert np.isclose(float(d_loss), np.mean([0.1, 0.4, 0.2]) + np.mean([0.7, 0.0, 0.1]))
    assert np.isclose(float(ebgan.adversarial_loss(fake_out)["g_adv_loss"]), 0.9)
    # with the pull-away term: G's term adds lambda_PT * PT of the fakes' codes
    pt = FAMILIES["ebgan"](pull_away_weight=0.5)
    codes = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]], "float32")
    logs = pt.adversarial_loss((fake_out[0], codes))
    assert np.isclose(float(logs["pull_away"]), float(pull_away_term(codes)))
    assert np.isclose(float(logs["g_adv_loss"]), 0.9 + 0.5 * float(logs["pull_away"]), rtol=1e-5)


def test_pull_away_term():
    orthogonal = np.eye(3, 5, dtype="float32") * np.array([[1.0], [2.0], [3.0]], "float32")
    assert float(pull_away_term(orthogonal)) < 1e-6
    same_direction = np.array([[1.0, 2.0], [2.0, 4.0], [-3.0, -6.0]], dtype="float32")
    assert np.isclose(float(pull_away_term(same_direction)), 1.0, atol=1e-5)
    codes = np.random.default_rng(0).normal(size=(6, 7))
    unit = codes / np.linalg.norm(codes, axis=1, keepdims=True)
    cos2 = (unit @ unit.T) ** 2
    expected = (cos2.sum() - np.trace(cos2)) / (6 * 5)
    value = float(pull_away_term(codes.astype("float32")))
    assert np.isclose(value, expected, rtol=1e-4)


def test_bad_ebgan_options_give_clear_errors():
    with pytest.raises(ValueError, match="reconstruction, code"):
        kcolor.EBGAN(tiny_generator(), tiny_discriminator())
    with pytest.raises(ValueError, match="margin must be positive"):
        FAMILIES["ebgan"](margin=0.0)
    with pytest.raises(ValueError, match="pull_away_weight"):
        FAMILIES["ebgan"](pull_away_weight=-0.1)
