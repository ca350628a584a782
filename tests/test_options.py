"""A GAN's option checks (``kcolor.colorizers.options``) and ``from_settings``."""

import numpy as np
import pytest

import kcolor
from kcolor.backend import keras
from kcolor.colorizers.options import from_settings
from kcolor.colorizers.weights import ColorThermostat, LinearRamp
from tests.gan_networks import (FAMILIES, pairs, tiny_autoencoder, tiny_discriminator,
                                tiny_generator, tiny_image_generator)

pytestmark = pytest.mark.tf_only


def test_bad_input_gives_clear_errors():
    with pytest.raises(ValueError, match="3 channels"):
        kcolor.CGAN(tiny_generator(), tiny_discriminator(input_channels=2))
    with pytest.raises(ValueError, match="input_channels=2|2 input channels"):
        kcolor.CGAN(tiny_generator(), tiny_discriminator(), noise="input")
    with pytest.raises(ValueError, match="noise must be"):
        kcolor.CGAN(tiny_generator(), tiny_discriminator(), noise="gaussian")
    with pytest.raises(ValueError, match="conditional"):
        kcolor.CGAN(tiny_image_generator(), tiny_discriminator(input_channels=1),
                    conditional=False, l1_weight=100.0)
    with pytest.raises(ValueError, match="d_steps"):
        kcolor.CGAN(tiny_generator(), tiny_discriminator(), d_steps=0)
    with pytest.raises(ValueError, match="g_steps"):
        kcolor.CGAN(tiny_generator(), tiny_discriminator(), g_steps=1.5)
    with pytest.raises(ValueError, match="l1_weight"):
        kcolor.CGAN(tiny_generator(), tiny_discriminator(), l1_weight=float("nan"))
    with pytest.raises(ValueError, match="update_order must be one of"):
        kcolor.CGAN(tiny_generator(), tiny_discriminator(), update_order="pix2pix")
    with pytest.raises(ValueError, match="d_steps=1 and g_steps=1.*g_steps=2"):
        kcolor.CGAN(tiny_generator(), tiny_discriminator(), update_order="simultaneous",
                    g_steps=2)
    with pytest.raises(ValueError, match="adversarial_weight"):
        kcolor.CGAN(tiny_generator(), tiny_discriminator(), adversarial_weight=-1.0)
    with pytest.raises(ValueError, match="16x16.*8x8|8x8.*16x16"):
        kcolor.CGAN(tiny_generator(16), tiny_discriminator(8))
    with pytest.raises(TypeError, match="discriminator must be a keras.Model"):
        kcolor.CGAN(tiny_generator(), "patchgan")
    with pytest.raises(ValueError, match="noise_dim=3 feeds the generator"):
        kcolor.CGAN(tiny_generator(), tiny_discriminator(), noise_dim=3)
    model = FAMILIES["cgan"]()
    with pytest.raises(ValueError, match="g_optimizer=.*d_optimizer="):
        model.compile(optimizer="adam")
    with pytest.raises(TypeError, match="g_optimizer=.*d_optimizer="):
        model.compile(loss="mse")
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="same object"):
        model.compile(g_optimizer=shared, d_optimizer=shared)
    model.compile()
    with pytest.raises(ValueError, match=r"\(L, ab\) pairs"):
        model.fit(pairs()[0], batch_size=4, epochs=1, verbose=0)


def test_a_weight_is_a_number_or_a_schedule():
    with pytest.raises(ValueError, match="steers l1_weight; adversarial_weight got one"):
        kcolor.CGAN(tiny_generator(), tiny_discriminator(),
                    adversarial_weight=ColorThermostat(1.0, target=0.8))
    with pytest.raises(ValueError, match="l2_weight must be a finite number"):
        kcolor.CGAN(tiny_generator(), tiny_discriminator(), l2_weight="10")
    with pytest.raises(ValueError, match="conditional"):  # a thermostat needs the truth too
        kcolor.CGAN(tiny_image_generator(), tiny_discriminator(input_channels=1),
                    conditional=False, l1_weight=ColorThermostat(10.0, target=0.8))
    model = FAMILIES["lsgan"](l1_weight=np.float32(3.0), adversarial_weight=LinearRamp(2, 5))
    assert model.l1_weight == 3.0 and isinstance(model.l1_weight, float)
    assert model.adversarial_weight.value == 2.0 and model.adversarial_weight.steps == 5


def test_from_settings_builds_the_schedules_from_flat_numbers():
    kwargs = from_settings({"l1_weight": 350, "color_target": 0.84, "color_gain": 0.1,
                            "color_scale_range": [0.25, 4.0], "adversarial_warmup": 600,
                            "adversarial_weight": 2.0, "margin": 0.5, "d_steps": 2})
    thermostat, ramp = kwargs.pop("l1_weight"), kwargs.pop("adversarial_weight")
    assert kwargs == {"margin": 0.5, "d_steps": 2}  # unknown keys pass through
    assert isinstance(thermostat, ColorThermostat)
    assert (thermostat.value, thermostat.target, thermostat.gain) == (350.0, 0.84, 0.1)
    assert thermostat.scale_range == (0.25, 4.0)
    assert isinstance(ramp, LinearRamp) and (ramp.value, ramp.steps) == (2.0, 600)
    # no target, no warm-up: the numbers stay numbers; a target of None switches it off
    settings = {"l1_weight": 100.0, "color_target": None, "color_gain": 0.05,
                "adversarial_warmup": 0}
    assert from_settings(settings) == {"l1_weight": 100.0}
    assert settings["color_target"] is None  # the caller's dict is left alone
    assert from_settings({}) == {}
    # the built model is the one the constructor gives with the same objects
    model = kcolor.CGAN(tiny_generator(), tiny_discriminator(),
                        **from_settings({"l1_weight": 10.0, "color_target": 0.8}))
    assert isinstance(model.l1_weight, ColorThermostat) and model.l1_weight.built


@pytest.mark.parametrize("settings, match", [
    ({"adversarial_warmup": -1}, "adversarial_warmup must be an integer >= 0"),
    ({"adversarial_warmup": 2.5}, "adversarial_warmup must be an integer >= 0"),
    ({"adversarial_warmup": True}, "adversarial_warmup must be an integer >= 0"),
    ({"color_target": 0.8, "l1_weight": 0.0}, "l1_weight > 0|must be a number > 0"),
    ({"color_target": 0.8}, "l1_weight"),
])
def test_from_settings_refuses_settings_that_cannot_train(settings, match):
    with pytest.raises(ValueError, match=match):
        from_settings(settings)


def test_ebgan_reads_its_autoencoder_shapes_through_the_options():
    # an autoencoder whose reconstruction is not the input's shape
    x = keras.Input((8, 8, 3))
    h = keras.layers.Conv2D(4, 3, strides=2, padding="same")(x)
    bad = keras.Model(x, [h, keras.layers.Flatten()(h)])
    with pytest.raises(ValueError, match="must match"):
        kcolor.EBGAN(tiny_generator(), bad)
    assert kcolor.EBGAN(tiny_generator(), tiny_autoencoder()).noise_shape == ()
