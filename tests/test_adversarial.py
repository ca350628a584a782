"""The shared GAN step (``AdversarialColorizer``): every family and option trains.

The losses of each family are tested in its own file (test_cgan.py, ...);
the option checks in test_options.py, the loss weights in test_weights.py.
``test_kcolor_models_train_with_every_family`` runs the real
``kcolor.models`` builders the way the notebooks use them.
"""

import json

import numpy as np
import pytest

import kcolor
from kcolor.backend import keras
from kcolor.colorizers.adversarial import AdversarialColorizer
from kcolor.colorizers.weights import ColorThermostat, LinearRamp
from tests.gan_networks import (FAMILIES, SIZE, fit_data, pairs, tiny_autoencoder,
                                tiny_discriminator, tiny_generator, tiny_image_generator,
                                zero_generator)

pytestmark = pytest.mark.tf_only


# --- every family and option trains ---------------------------------------------

CASES = {
    "cgan": ("cgan", {}, ["d_real_acc", "d_fake_acc"]),
    "cgan-saturating": ("cgan", {"adversarial_form": "saturating"}, []),
    "cgan-label-smoothing": ("cgan", {"one_sided_label_smoothing": 0.1}, []),
    "cgan-margin": ("cgan", {"margin": 0.5}, ["d_skipped"]),
    "cgan-l1-l2": ("cgan", {"l1_weight": 100.0, "l2_weight": 10.0, "adversarial_weight": 0.5}, []),
    "cgan-steps": ("cgan", {"d_steps": 2, "g_steps": 2}, []),
    "cgan-noise-dropout-none": ("cgan", {"noise": None}, []),
    "cgan-simultaneous": ("cgan", {"update_order": "simultaneous"}, ["d_real_acc"]),
    "cgan-simultaneous-margin": ("cgan", {"update_order": "simultaneous", "margin": 0.5},
                                 ["d_skipped"]),
    "lsgan": ("lsgan", {"l1_weight": 10.0}, ["d_real_acc"]),
    "lsgan-pearson": ("lsgan", {"a": -1.0, "b": 1.0, "c": 0.0}, ["d_fake_acc"]),
    "wgan-clip": ("wgan", {"d_steps": 2}, []),
    "wgan-gp": ("wgan", {"gradient_penalty": 10.0, "d_steps": 2}, ["gradient_penalty"]),
    "wgan-gp-simultaneous": ("wgan", {"gradient_penalty": 10.0, "d_steps": 1,
                                      "update_order": "simultaneous"}, ["gradient_penalty"]),
    "lsgan-simultaneous": ("lsgan", {"l1_weight": 10.0, "update_order": "simultaneous"}, []),
    "ebgan-simultaneous": ("ebgan", {"pull_away_weight": 0.1, "update_order": "simultaneous"},
                           ["pull_away"]),
    "ebgan": ("ebgan", {"margin": 0.5, "l1_weight": 10.0}, []),
    "ebgan-pt": ("ebgan", {"pull_away_weight": 0.1}, ["pull_away"]),
}


def _check_trains(model, data, extra_keys, conditional=True, epochs=2):
    before = [w.copy() for w in model.generator.get_weights()]
    history = model.fit(data, epochs=epochs, verbose=0)
    keys = {"d_loss", "g_loss", "g_adv_loss", "g_grad_norm", *extra_keys}
    if conditional:
        keys |= {"l1", "l2"}
    assert keys <= set(history.history), sorted(history.history)
    for name, values in history.history.items():
        assert np.all(np.isfinite(values)), (name, values)
    assert history.history["g_grad_norm"][-1] > 0
    after = model.generator.get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(before, after)), "G did not change"
    return history


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_family_and_option_trains(case):
    family, options, extra = CASES[case]
    model = FAMILIES[family](**options)
    model.compile()
    L, ab = pairs()
    history = _check_trains(model, fit_data(L, ab), extra)
    # the optimiser counted one D update per D step (none skipped when no margin)
    steps = 2 * 2  # epochs x batches of 4
    model_d_steps = options.get("d_steps", model.d_steps)
    if "margin" not in options or family == "ebgan":
        assert int(model.d_optimizer.iterations) == steps * model_d_steps
    assert int(model.g_optimizer.iterations) == steps * options.get("g_steps", 1)
    # evaluate reports the same losses, plus L1 / L2 on ab, and no training-only values
    scores = model.evaluate(L, ab, verbose=0, return_dict=True)
    assert {"d_loss", "g_loss", "l1", "l2"} <= set(scores)
    assert "g_grad_norm" not in scores and "d_skipped" not in scores
    assert all(np.isfinite(v) for v in scores.values())
    assert set(history.history) >= set(scores)



# Dataset batches instead of numpy pairs, and the two noise inputs.
@pytest.mark.parametrize("noise", ["input", "vector"])
def test_noise_inputs_train(noise):
    if noise == "input":
        model = kcolor.CGAN(tiny_generator(input_channels=2), tiny_discriminator(), noise="input")
    else:  # paper A's generator takes [L, z]; noise_dim is read from it
        model = kcolor.LSGAN(tiny_generator(noise_dim=5), tiny_discriminator(), l1_weight=1.0)
        assert model.noise_shape == (5,)
    model.compile()
    L, ab = pairs()
    _check_trains(model, fit_data(L, ab), [])
    # the noise makes predictions differ from call to call
    first, second = model.predict(L, verbose=0), model.predict(L, verbose=0)
    assert first.shape == ab.shape
    assert not np.allclose(first, second)


@pytest.mark.parametrize("update_order", ["alternating", "simultaneous"])
def test_both_update_orders_lower_the_loss(update_order):
    # G's L1 term falls and D's loss stays finite in either order
    model = FAMILIES["cgan"](l1_weight=100.0, update_order=update_order)
    model.compile(g_optimizer=keras.optimizers.Adam(3e-3), d_optimizer=keras.optimizers.Adam(1e-3))
    L, ab = pairs(16)
    history = model.fit(L, ab, batch_size=8, epochs=15, verbose=0).history
    assert history["l1"][-1] < 0.7 * history["l1"][0], history["l1"]
    assert np.all(np.isfinite(history["d_loss"]))
    assert int(model.g_optimizer.iterations) == int(model.d_optimizer.iterations) == 30


def test_a_generator_optimiser_with_ema_leaves_g_holding_its_moving_average():
    class Average(keras.callbacks.Callback):  # the average, step by step, by hand
        average = None

        def on_train_batch_end(self, batch, logs=None):
            weights = [w.numpy() for w in self.model.generator.trainable_variables]
            self.average = weights if self.average is None else [
                0.8 * a + 0.2 * w for a, w in zip(self.average, weights)]
            self.last = weights

    L, ab = pairs(16)
    model = FAMILIES["cgan"](l1_weight=10.0)
    model.compile(g_optimizer=keras.optimizers.Adam(3e-3, use_ema=True, ema_momentum=0.8),
                  d_optimizer=keras.optimizers.Adam(1e-3))
    average = Average()
    model.fit(L, ab, batch_size=4, epochs=2, verbose=0, shuffle=False, callbacks=[average])
    held = [w.numpy() for w in model.generator.trainable_variables]
    assert all(np.allclose(h, a, atol=1e-6) for h, a in zip(held, average.average))
    assert not all(np.allclose(h, w, atol=1e-6) for h, w in zip(held, average.last))
    assert model.use_generator_average()  # idempotent: the average again

    plain = FAMILIES["cgan"](l1_weight=10.0)
    plain.compile()
    last = Average()
    plain.fit(L, ab, batch_size=4, epochs=1, verbose=0, callbacks=[last])
    assert not plain.use_generator_average()  # no EMA: the last weights stay
    assert all(np.array_equal(w.numpy(), x)
               for w, x in zip(plain.generator.trainable_variables, last.last))


def test_simultaneous_step_runs_the_generator_once_and_d_once_on_the_fakes():
    calls = {"generator": 0, "discriminator": 0}

    def counting(network, name):
        call = network.call

        def counted(*args, **kwargs):
            calls[name] += 1
            return call(*args, **kwargs)

        network.call = counted
        return network

    for order, expected in (("alternating", {"generator": 2, "discriminator": 3}),
                            ("simultaneous", {"generator": 1, "discriminator": 2})):
        calls.update(generator=0, discriminator=0)
        model = kcolor.CGAN(counting(tiny_generator(), "generator"),
                            counting(tiny_discriminator(), "discriminator"),
                            l1_weight=1.0, update_order=order)
        model.compile(run_eagerly=True)  # every call is a step's call, no tracing
        model.train_on_batch(*pairs(4))
        assert calls == expected, (order, calls)



def test_families_share_one_train_step():
    for family in (kcolor.CGAN, kcolor.LSGAN, kcolor.WGAN, kcolor.EBGAN):
        assert issubclass(family, AdversarialColorizer)
        assert family.train_step is AdversarialColorizer.train_step
        assert family.test_step is AdversarialColorizer.test_step
        assert "train_step" not in vars(family) and "test_step" not in vars(family)
        # every family writes its own two losses, in full; G's total is shared
        assert {"discriminator_loss", "adversarial_loss"} <= set(vars(family))
        assert family.generator_loss is AdversarialColorizer.generator_loss


def test_compile_defaults_to_pix2pix_adam_one_per_network():
    cgan = FAMILIES["cgan"]()
    cgan.compile()
    for optimizer in (cgan.g_optimizer, cgan.d_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert np.isclose(float(optimizer.learning_rate), 2e-4) and optimizer.beta_1 == 0.5
    assert cgan.g_optimizer is not cgan.d_optimizer
    assert cgan.optimizer is None  # two optimisers, no unused third one
    assert cgan.jit_compile == kcolor.backend.default_jit_compile()


def test_generator_loss_is_the_total_of_its_parts():
    """pix2pix's generator_loss: the weighted adversarial term plus lambda * L1 (+ L2)."""
    model = FAMILIES["cgan"](l1_weight=100.0, l2_weight=10.0, adversarial_weight=0.5)
    rng = np.random.default_rng(0)
    y = rng.uniform(-0.5, 0.5, (4, 2, 2, 2)).astype("float32")
    fake = rng.uniform(-0.5, 0.5, (4, 2, 2, 2)).astype("float32")
    logs = model.generator_loss(fake, fake, y)  # D's logits given: the colours themselves
    adversarial = np.mean(np.log1p(np.exp(-fake.astype("float64"))))  # -log sigmoid(D)
    l1, l2 = np.mean(np.abs(y - fake)), np.mean((y - fake) ** 2)
    assert np.isclose(float(logs["g_adv_loss"]), adversarial, rtol=1e-5)
    assert np.isclose(float(logs["l1"]), l1, rtol=1e-5)
    assert np.isclose(float(logs["l2"]), l2, rtol=1e-5)
    assert np.isclose(float(logs["g_loss"]), 0.5 * adversarial + 100 * l1 + 10 * l2, rtol=1e-5)



def test_g_grad_norm_is_the_norm_of_the_generator_gradient():
    """The logged norm equals a hand-computed one (D frozen with a zero learning rate)."""
    tf = kcolor.backend.tf
    generator = zero_generator()
    generator.set_weights([np.full((1, 1, 1, 2), 0.3, "float32"), np.zeros(2, "float32")])
    discriminator = tiny_discriminator()
    model = kcolor.CGAN(generator, discriminator, l1_weight=2.0)
    model.compile(d_optimizer=keras.optimizers.SGD(0.0))
    L, ab = pairs(4)
    with tf.GradientTape() as tape:
        fake = generator(L, training=True)
        logits = discriminator(tf.concat([L, fake], -1))
        loss = tf.reduce_mean(tf.nn.softplus(-logits)) + 2.0 * kcolor.losses.l1(ab, fake)
    expected = float(tf.linalg.global_norm(tape.gradient(loss, generator.trainable_variables)))
    history = model.fit(L, ab, batch_size=4, epochs=1, verbose=0)
    assert np.isclose(history.history["g_grad_norm"][-1], expected, rtol=1e-4)



# --- unconditional generation (paper D, section 3) ----------------------------------


def synthetic_digits(n=64, size=SIZE, seed=0):
    """Digit-like strokes in [-1, 1]: vertical bars ("1") and boxes ("0")."""
    rng = np.random.default_rng(seed)
    images = -np.ones((n, size, size, 1), "float32")
    for i in range(n):
        c = rng.integers(2, size - 2)
        if i % 2:
            images[i, 1:-1, c - 1 : c + 1] = 1.0
        else:
            images[i, 1:-1, [1, -2]] = 1.0
            images[i, [1, -2], 1:-1] = 1.0
    return images


@pytest.mark.parametrize("family", ["cgan", "lsgan", "wgan-gp", "ebgan-pt"])
def test_unconditional_generation_trains_on_digits(family):
    digits = synthetic_digits()
    generator = tiny_image_generator(noise_dim=4)
    options = {"conditional": False, "seed": 3}
    if family == "cgan":
        model = kcolor.CGAN(generator, tiny_discriminator(input_channels=1), **options)
    elif family == "lsgan":
        model = kcolor.LSGAN(generator, tiny_discriminator(input_channels=1), **options)
    elif family == "wgan-gp":
        critic = tiny_discriminator(input_channels=1)
        model = kcolor.WGAN(generator, critic, gradient_penalty=10.0, d_steps=2, **options)
    else:
        autoencoder = tiny_autoencoder(input_channels=1)
        model = kcolor.EBGAN(generator, autoencoder, pull_away_weight=0.1, **options)
    model.compile(
        g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
    )
    # data: images alone, or (L, ab) pairs whose ab is ignored
    zeros = np.zeros(digits.shape[:-1] + (2,), "float32")
    data = digits if family != "lsgan" else (digits, zeros)
    before = model.generate(32, seed=0)
    history = model.fit(data, batch_size=16, epochs=6, verbose=0)
    assert "l1" not in history.history
    for values in history.history.values():
        assert np.all(np.isfinite(values))
    after = model.generate(32, seed=0)
    assert after.shape == (32, SIZE, SIZE, 1)
    assert after.min() >= -1 and after.max() <= 1
    assert after.std(axis=0).mean() > 1e-3  # different z, different images
    # the samples move towards the data: their mean image gets closer to the digits'
    target = digits.mean(axis=0)
    assert np.abs(after.mean(0) - target).mean() < np.abs(before.mean(0) - target).mean()


ROUND_TRIP = {
    "cgan": lambda: kcolor.CGAN(
        tiny_generator(), tiny_discriminator(), adversarial_form="saturating", margin=0.5,
        one_sided_label_smoothing=0.1, l1_weight=100.0, g_steps=2,
    ),
    "lsgan": lambda: kcolor.LSGAN(
        tiny_generator(), tiny_discriminator(), a=-1.0, c=0.0, l2_weight=3.0
    ),
    "wgan": lambda: kcolor.WGAN(tiny_generator(), tiny_discriminator(), clip_value=0.02),
    "wgan-gp": lambda: kcolor.WGAN(tiny_generator(), tiny_discriminator(), gradient_penalty=5.0),
    "ebgan": lambda: kcolor.EBGAN(
        tiny_generator(), tiny_autoencoder(), margin=2.0, pull_away_weight=0.1
    ),
    "unconditional": lambda: kcolor.CGAN(
        tiny_image_generator(), tiny_discriminator(input_channels=1), conditional=False
    ),
    "cgan-simultaneous": lambda: kcolor.CGAN(
        tiny_generator(), tiny_discriminator(), l1_weight=100.0, update_order="simultaneous",
        adversarial_weight=LinearRamp(0.5, steps=10),
    ),
    "cgan-thermostat": lambda: kcolor.CGAN(
        tiny_generator(), tiny_discriminator(), l1_weight=ColorThermostat(100.0, target=0.8),
        l2_weight=LinearRamp(2.0, steps=3),
    ),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIP))
def test_save_load_round_trip(name, tmp_path):
    model = ROUND_TRIP[name]()
    model.compile(
        g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.RMSprop(3e-4)
    )
    if model.conditional:
        inputs = pairs(4)[0]
    else:
        inputs = np.random.default_rng(0).normal(size=(4, 4)).astype("float32")
    expected = model.predict(inputs, verbose=0)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)  # safe_mode=True
    assert type(loaded) is type(model)
    as_json = lambda config: json.loads(json.dumps(config))  # noqa: E731 (tuples -> lists)
    assert as_json(loaded.get_config()) == as_json(model.get_config())
    np.testing.assert_array_equal(loaded.predict(inputs, verbose=0), expected)
    assert isinstance(loaded.g_optimizer, keras.optimizers.Adam)
    assert isinstance(loaded.d_optimizer, keras.optimizers.RMSprop)
    assert np.isclose(float(loaded.d_optimizer.learning_rate), 3e-4)


def test_loaded_model_keeps_training(tmp_path):
    model = FAMILIES["cgan"](l1_weight=10.0)
    model.compile()
    L, ab = pairs()
    model.fit(L, ab, batch_size=4, epochs=1, verbose=0)
    model.save(tmp_path / "cgan.keras")
    loaded = keras.saving.load_model(tmp_path / "cgan.keras")
    assert int(loaded.g_optimizer.iterations) == 2  # optimiser state came back too
    history = loaded.fit(L, ab, batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][-1])
    assert int(loaded.g_optimizer.iterations) == 4


# --- clear errors ------------------------------------------------------------------------


# --- the real networks, the way notebooks use them -------------------------------------


def _real_models_family(family, size):
    models = kcolor.models
    unet = models.unet(size, width=0.125)
    patch = models.patchgan(size, width=0.125)
    if family == "cgan":
        return kcolor.CGAN(unet, patch, l1_weight=100)
    if family == "lsgan":
        return kcolor.LSGAN(unet, patch, l1_weight=100)
    if family == "wgan":
        return kcolor.WGAN(unet, patch, l1_weight=100, d_steps=2)
    if family == "wgan-gp":
        return kcolor.WGAN(unet, patch, gradient_penalty=10.0, l1_weight=100, d_steps=2)
    return kcolor.EBGAN(unet, models.ebgan_discriminator(size, width=0.125), l1_weight=100,
                        pull_away_weight=0.1)


@pytest.mark.parametrize(
    "family",
    # the same code paths as the tiny-network tests above: slow ones on demand
    ["cgan", "ebgan"]
    + [pytest.param(f, marks=pytest.mark.slow) for f in ("lsgan", "wgan", "wgan-gp")],
)
def test_kcolor_models_train_with_every_family(family, rng):
    size = 16
    images = rng.integers(0, 256, (8, size, size, 3), dtype=np.uint8)
    data = kcolor.data.from_arrays(images, batch_size=4, shuffle=False)
    model = _real_models_family(family, size)
    model.compile(
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    history = model.fit(data, epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    L, _ = next(iter(data))
    assert model.predict(L, verbose=0).shape == (4, size, size, 2)


def test_koo_generator_and_discriminator_fit():
    models = kcolor.models
    model = kcolor.CGAN(
        models.koo_generator(16, noise_dim=8), models.koo_discriminator(16), margin=0.5
    )
    model.compile()
    assert model.noise_shape == (8,)
    _check_trains(model, fit_data(*pairs(8, 16)), ["d_skipped"], epochs=1)


# --- paper B's claim on the sample data ------------------------------------------------

