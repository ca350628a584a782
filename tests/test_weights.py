"""Loss weights that move: the adversarial warm-up's ramp and the colour thermostat."""

import math

import numpy as np
import pytest

import kcolor
from kcolor.backend import keras
from kcolor.colorizers.weights import ColorThermostat, LinearRamp, at, mean_chroma, steer
from tests.gan_networks import FAMILIES, pairs, tiny_discriminator, tiny_generator

pytestmark = pytest.mark.tf_only


# --- a number or a schedule ------------------------------------------------------------


def test_at_reads_a_number_or_a_schedule():
    assert at(3.0, 7) == 3.0
    assert float(at(LinearRamp(2.0, steps=4), 1)) == 0.5
    assert float(at(ColorThermostat(10.0, target=0.8), 99)) == pytest.approx(10.0)
    assert steer(3.0, None, None) == {} and steer(LinearRamp(1.0, 2), None, None) == {}


@pytest.mark.parametrize("weight", [LinearRamp(2.0, steps=3),
                                    ColorThermostat(10.0, 0.7, gain=0.2, scale_range=(0.25, 4.0))])
def test_a_schedule_serializes_and_comes_back_equal(weight):
    config = keras.saving.serialize_keras_object(weight)
    assert config["registered_name"] == f"kcolor>{type(weight).__name__}"
    back = keras.saving.deserialize_keras_object(config)
    assert type(back) is type(weight)
    assert back.get_config() == weight.get_config()


@pytest.mark.parametrize("value, steps", [(-1.0, 3), (float("nan"), 3), (1.0, 0), (1.0, 2.5),
                                          (1.0, True)])
def test_a_ramp_refuses_what_cannot_ramp(value, steps):
    with pytest.raises(ValueError, match="LinearRamp"):
        LinearRamp(value, steps)


# --- the ramp: the adversarial warm-up ---------------------------------------------------


def test_a_ramp_rises_linearly_then_holds():
    ramp = LinearRamp(2.0, steps=4)
    assert [float(ramp.at(step)) for step in (0, 1, 2, 4, 9)] == [0.0, 0.5, 1.0, 2.0, 2.0]


def test_the_warmup_ramps_the_weight_inside_the_traced_step():
    """Weight 0 at G's first update, 1/3 at its second, full from its fourth."""
    model = FAMILIES["cgan"](adversarial_weight=LinearRamp(2.0, steps=3))
    model.compile(g_optimizer=keras.optimizers.Adam(1e-2), d_optimizer=keras.optimizers.Adam(1e-2))
    L, ab = pairs(4)
    before = [w.numpy() for w in model.generator.trainable_variables]
    first = model.train_on_batch(L, ab, return_dict=True)  # compiled, not eager
    assert float(first["g_loss"]) == 0.0  # no L1 term, and the adversarial one weighs 0
    assert all(np.array_equal(b, w.numpy())  # Adam moves nothing on a zero gradient
               for b, w in zip(before, model.generator.trainable_variables))
    second = model.train_on_batch(L, ab, return_dict=True)
    assert np.isclose(second["g_loss"], 2.0 / 3.0 * second["g_adv_loss"], rtol=1e-5)
    assert not all(np.array_equal(b, w.numpy())
                   for b, w in zip(before, model.generator.trainable_variables))
    for _ in range(2):
        last = model.train_on_batch(L, ab, return_dict=True)
    assert np.isclose(last["g_loss"], 2.0 * last["g_adv_loss"], rtol=1e-5)
    assert float(at(model.adversarial_weight, model.g_optimizer.iterations)) == 2.0


def test_a_resumed_run_continues_the_ramp(tmp_path):
    # the ramp reads G's optimiser's step counter, which a checkpoint carries
    def ramped():
        model = FAMILIES["cgan"](adversarial_weight=LinearRamp(1.0, steps=8))
        model.compile(jit_compile=False)
        return model

    L, ab = pairs(8)
    model = ramped()
    model.fit(L, ab, batch_size=4, epochs=2, verbose=0)  # 4 G updates: half-way
    model.save_weights(tmp_path / "checkpoint.weights.h5")
    resumed = ramped()
    resumed.load_weights(tmp_path / "checkpoint.weights.h5")
    assert int(resumed.g_optimizer.iterations) == 4
    logs = resumed.train_on_batch(L[:4], ab[:4], return_dict=True)
    assert np.isclose(logs["g_loss"], 0.5 * logs["g_adv_loss"], rtol=1e-5)  # 4/8, not 0/8
    fresh = ramped().train_on_batch(L[:4], ab[:4], return_dict=True)
    assert float(fresh["g_loss"]) == 0.0


# --- the thermostat: the L1 weight steered to hold the fakes' colour ---------------------


def test_mean_chroma_matches_numpy():
    ab = np.random.default_rng(0).normal(size=(3, 4, 5, 2)).astype("float32")
    expected = np.hypot(ab[..., 0], ab[..., 1]).mean()
    assert float(mean_chroma(ab)) == pytest.approx(expected, rel=1e-5)


def _thermostat(*args, **kwargs):
    thermostat = ColorThermostat(*args, **kwargs)
    thermostat.build()
    return thermostat


@pytest.mark.parametrize("fake_factor, rises", [(0.9, True), (0.1, False)])
def test_the_multiplier_moves_against_the_error(fake_factor, rises):
    # too colourful (0.9 of the truth's chroma against a target of 0.5) -> heavier L1
    thermostat = _thermostat(10.0, 0.5, gain=0.1, scale_range=(0.25, 4.0))
    y = np.full((2, 3, 3, 2), 0.4, "float32")
    logs = thermostat.update(fake_factor * y, y)
    assert float(logs["color_ratio"]) == pytest.approx(fake_factor, rel=1e-4)
    expected = math.exp(0.1 * (fake_factor - 0.5))
    assert float(logs["l1_scale"]) == pytest.approx(expected, rel=1e-4)
    assert (float(thermostat.scale) > 1) == rises
    assert float(thermostat.at()) == pytest.approx(10.0 * expected, rel=1e-4)


def test_the_multiplier_stays_inside_its_range_and_ignores_grey_batches():
    thermostat = _thermostat(10.0, 0.5, gain=10.0, scale_range=(0.5, 2.0))
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
    ({"target": 0.0}, "color_target must be a number > 0"),
    ({"target": True}, "color_target must be a number > 0"),
    ({"target": "0.8"}, "color_target must be a number > 0"),
    ({"target": float("nan")}, "color_target must be a number > 0"),
    ({"gain": -1.0}, "color_gain must be a number > 0"),
    ({"scale_range": (2.0, 4.0)}, "0 < low <= 1 <= high"),
    ({"scale_range": 3.0}, "two numbers"),
    ({"value": 0.0}, "L1 weight, which must be a number > 0.*color_target=None"),
])
def test_options_that_cannot_steer_are_refused(kwargs, match):
    kwargs = {"value": 10.0, "target": 0.8, **kwargs}
    with pytest.raises(ValueError, match=match):
        ColorThermostat(**kwargs)


def test_a_numpy_target_is_a_number():
    thermostat = ColorThermostat(np.float32(10.0), target=np.float32(0.8), gain=np.float32(0.1))
    assert thermostat.target == pytest.approx(0.8) and thermostat.gain == pytest.approx(0.1)
    assert type(thermostat.target) is float


def _steered(**kwargs):
    thermostat = ColorThermostat(10.0, **{"target": 0.7, "gain": 0.5, **kwargs})
    return kcolor.CGAN(tiny_generator(), tiny_discriminator(), l1_weight=thermostat)


def test_the_l1_term_is_weighted_by_the_multiplier():
    model = kcolor.CGAN(tiny_generator(), tiny_discriminator(), adversarial_weight=0.0,
                        l1_weight=ColorThermostat(10.0, target=0.8))
    model.compile()
    L, ab = pairs(4)
    fake = model.generator(L)
    model.l1_weight.log_scale.assign(math.log(3.0))
    logs = model.generator_loss(model.discriminate(L, fake), fake, ab)
    assert float(logs["g_loss"]) == pytest.approx(30.0 * float(logs["l1"]), rel=1e-5)


@pytest.mark.parametrize("update_order", ["alternating", "simultaneous"])
@pytest.mark.parametrize("target, bound", [(5.0, 0.5), (0.01, 2.0)])
def test_training_steers_the_weight_towards_the_target(update_order, target, bound):
    # an unreachable target drives the multiplier to the matching end of its range
    model = kcolor.CGAN(tiny_generator(), tiny_discriminator(), update_order=update_order,
                        l1_weight=ColorThermostat(10.0, target=target, gain=1.0))
    model.compile(jit_compile=False)
    L, ab = pairs(16)
    history = model.fit(L, ab, batch_size=8, epochs=3, verbose=0).history
    assert {"color_ratio", "l1_scale"} <= set(history)
    assert history["l1_scale"][-1] == pytest.approx(bound, rel=1e-4)
    assert float(model.l1_weight.at()) == pytest.approx(10.0 * bound, rel=1e-4)


def test_a_steered_model_saves_and_reloads_its_multiplier(tmp_path):
    model = _steered(gain=0.2, scale_range=(0.25, 4.0))
    model.compile(jit_compile=False)
    L, ab = pairs(8)
    model.fit(L, ab, batch_size=4, epochs=2, verbose=0)
    assert float(model.l1_weight.log_scale.numpy()) != 0.0
    model.save(tmp_path / "steered.keras")
    loaded = keras.saving.load_model(tmp_path / "steered.keras")
    assert isinstance(loaded.l1_weight, ColorThermostat)
    assert float(loaded.l1_weight.log_scale.numpy()) == pytest.approx(
        float(model.l1_weight.log_scale.numpy()))
    assert loaded.l1_weight.target == 0.7 and loaded.l1_weight.gain == 0.2
    assert loaded.l1_weight.value == 10.0 and loaded.l1_weight.scale_range == (0.25, 4.0)
    np.testing.assert_allclose(loaded.generator.predict(L, verbose=0),
                               model.generator.predict(L, verbose=0), atol=1e-6)


def test_without_a_thermostat_nothing_is_steered_or_logged():
    model = kcolor.CGAN(tiny_generator(), tiny_discriminator(), l1_weight=10.0)
    model.compile(jit_compile=False)
    assert model.l1_weight == 10.0
    history = model.fit(*pairs(8), batch_size=4, epochs=1, verbose=0).history
    assert "l1_scale" not in history and "color_ratio" not in history


def test_a_checkpoint_carries_the_multiplier_so_a_resumed_run_keeps_steering(tmp_path):
    # kcolor's checkpoints are model.save_weights: the multiplier must be among them
    model = _steered()
    model.compile(jit_compile=False)
    model.fit(*pairs(8), batch_size=4, epochs=2, verbose=0)
    model.save_weights(tmp_path / "checkpoint.weights.h5")
    resumed = _steered()
    resumed.compile(jit_compile=False)
    assert float(resumed.l1_weight.log_scale.numpy()) == 0.0
    resumed.load_weights(tmp_path / "checkpoint.weights.h5")
    assert float(resumed.l1_weight.log_scale.numpy()) == pytest.approx(
        float(model.l1_weight.log_scale.numpy()))
    assert float(model.l1_weight.log_scale.numpy()) != 0.0
