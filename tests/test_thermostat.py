"""The colour thermostat: the L1 weight steered to hold the fakes' chroma at a target."""

import math

import numpy as np
import pytest

import kcolor
from kcolor.backend import keras
from kcolor.colorizers.thermostat import ColorThermostat, mean_chroma
from tests.test_gan import pairs, tiny_discriminator, tiny_generator

pytestmark = pytest.mark.tf_only


def test_mean_chroma_matches_numpy():
    ab = np.random.default_rng(0).normal(size=(3, 4, 5, 2)).astype("float32")
    expected = np.hypot(ab[..., 0], ab[..., 1]).mean()
    assert float(mean_chroma(ab)) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("fake_factor, rises", [(0.9, True), (0.1, False)])
def test_the_multiplier_moves_against_the_error(fake_factor, rises):
    # too colourful (0.9 of the truth's chroma against a target of 0.5) -> heavier L1
    thermostat = ColorThermostat(0.5, gain=0.1, scale_range=(0.25, 4.0))
    y = np.full((2, 3, 3, 2), 0.4, "float32")
    logs = thermostat.update(fake_factor * y, y)
    assert float(logs["color_ratio"]) == pytest.approx(fake_factor, rel=1e-4)
    expected = math.exp(0.1 * (fake_factor - 0.5))
    assert float(logs["l1_scale"]) == pytest.approx(expected, rel=1e-4)
    assert (float(thermostat.scale) > 1) == rises


def test_the_multiplier_stays_inside_its_range_and_ignores_grey_batches():
    thermostat = ColorThermostat(0.5, gain=10.0, scale_range=(0.5, 2.0))
    y = np.full((1, 2, 2, 2), 0.3, "float32")
    for _ in range(5):
        thermostat.update(y, y)  # ratio 1 > 0.5, pushed up hard
    assert float(thermostat.scale) == pytest.approx(2.0, rel=1e-5)
    for _ in range(5):
        thermostat.update(0 * y, y)  # no colour at all, pushed down hard
    assert float(thermostat.scale) == pytest.approx(0.5, rel=1e-5)
    thermostat.update(y, np.zeros_like(y))  # a grey truth says nothing about the target
    assert float(thermostat.scale) == pytest.approx(0.5, rel=1e-5)


@pytest.mark.parametrize("kwargs, match", [
    ({"color_target": 0.0}, "color_target must be a number > 0"),
    ({"color_target": True}, "color_target must be a number > 0"),
    ({"color_target": "0.8"}, "color_target must be a number > 0"),
    ({"color_target": float("nan")}, "color_target must be a number > 0"),
    ({"color_target": 0.8, "color_gain": -1.0}, "color_gain must be a number > 0"),
    ({"color_target": 0.8, "color_scale_range": (2.0, 4.0)}, "0 < low <= 1 <= high"),
    ({"color_target": 0.8, "color_scale_range": 3.0}, "two numbers"),
    ({"color_target": 0.8, "l1_weight": 0.0}, "l1_weight > 0.*color_target=None"),
])
def test_options_that_cannot_steer_are_refused(kwargs, match):
    kwargs = {"l1_weight": 10.0, **kwargs}
    with pytest.raises(ValueError, match=match):
        kcolor.CGAN(tiny_generator(), tiny_discriminator(), **kwargs)


def test_a_numpy_target_is_a_number():
    model = kcolor.CGAN(tiny_generator(), tiny_discriminator(), l1_weight=10.0,
                        color_target=np.float32(0.8), color_gain=np.float32(0.1))
    assert model.thermostat.target == pytest.approx(0.8) and model.thermostat.gain == pytest.approx(0.1)


def test_the_l1_term_is_weighted_by_the_multiplier():
    model = kcolor.CGAN(tiny_generator(), tiny_discriminator(), l1_weight=10.0,
                        adversarial_weight=0.0, color_target=0.8)
    model.compile()
    L, ab = pairs(4)
    fake = model.generator(L)
    model.thermostat.log_scale.assign(math.log(3.0))
    logs = model.generator_loss(L, ab, fake)
    assert float(logs["g_loss"]) == pytest.approx(30.0 * float(logs["l1"]), rel=1e-5)


@pytest.mark.parametrize("update_order", ["alternating", "simultaneous"])
@pytest.mark.parametrize("target, bound", [(5.0, 0.5), (0.01, 2.0)])
def test_training_steers_the_weight_towards_the_target(update_order, target, bound):
    # an unreachable target drives the multiplier to the matching end of its range
    model = kcolor.CGAN(tiny_generator(), tiny_discriminator(), l1_weight=10.0,
                        color_target=target, color_gain=1.0, update_order=update_order)
    model.compile(jit_compile=False)
    L, ab = pairs(16)
    history = model.fit(L, ab, batch_size=8, epochs=3, verbose=0).history
    assert {"color_ratio", "l1_scale"} <= set(history)
    assert history["l1_scale"][-1] == pytest.approx(bound, rel=1e-4)
    assert float(model.current_l1_weight()) == pytest.approx(10.0 * bound, rel=1e-4)


def test_a_steered_model_saves_and_reloads_its_multiplier(tmp_path):
    model = kcolor.CGAN(tiny_generator(), tiny_discriminator(), l1_weight=10.0,
                        color_target=0.7, color_gain=0.2, color_scale_range=(0.25, 4.0))
    model.compile(jit_compile=False)
    L, ab = pairs(8)
    model.fit(L, ab, batch_size=4, epochs=2, verbose=0)
    assert float(model.thermostat.log_scale.numpy()) != 0.0
    model.save(tmp_path / "steered.keras")
    loaded = keras.saving.load_model(tmp_path / "steered.keras")
    assert float(loaded.thermostat.log_scale.numpy()) == pytest.approx(float(model.thermostat.log_scale.numpy()))
    assert loaded.thermostat.target == 0.7 and loaded.thermostat.gain == 0.2
    assert loaded.thermostat.scale_range == (0.25, 4.0)
    np.testing.assert_allclose(loaded.generator.predict(L, verbose=0),
                               model.generator.predict(L, verbose=0), atol=1e-6)


def test_without_a_target_nothing_is_steered_or_logged():
    model = kcolor.CGAN(tiny_generator(), tiny_discriminator(), l1_weight=10.0)
    model.compile(jit_compile=False)
    assert model.thermostat is None and model.current_l1_weight() == 10.0
    history = model.fit(*pairs(8), batch_size=4, epochs=1, verbose=0).history
    assert "l1_scale" not in history and "color_ratio" not in history


def test_a_checkpoint_carries_the_multiplier_so_a_resumed_run_keeps_steering(tmp_path):
    # kcolor's checkpoints are model.save_weights: the multiplier must be among them
    def steered():
        return kcolor.CGAN(tiny_generator(), tiny_discriminator(), l1_weight=10.0,
                           color_target=0.7, color_gain=0.5)

    model = steered()
    model.compile(jit_compile=False)
    model.fit(*pairs(8), batch_size=4, epochs=2, verbose=0)
    model.save_weights(tmp_path / "checkpoint.weights.h5")
    resumed = steered()
    resumed.compile(jit_compile=False)
    assert float(resumed.thermostat.log_scale.numpy()) == 0.0
    resumed.load_weights(tmp_path / "checkpoint.weights.h5")
    assert float(resumed.thermostat.log_scale.numpy()) == pytest.approx(
        float(model.thermostat.log_scale.numpy()))
    assert float(model.thermostat.log_scale.numpy()) != 0.0
