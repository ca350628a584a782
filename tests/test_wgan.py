"""``WGAN``: the critic's loss, weight clipping and the gradient penalty."""

import numpy as np
import pytest

import kcolor
from kcolor.backend import keras
from kcolor.colorizers.wgan import gradient_penalty
from tests.gan_networks import FAMILIES, SIZE, pairs, tiny_discriminator, tiny_generator

pytestmark = pytest.mark.tf_only


def test_wgan_takes_discriminator_as_an_alias_of_critic():
    critic = tiny_discriminator()
    model = kcolor.WGAN(tiny_generator(), discriminator=critic, gradient_penalty=10.0)
    assert model.critic is critic and model.discriminator is critic
    assert kcolor.WGAN(tiny_generator(), critic=critic).critic is critic
    with pytest.raises(ValueError, match="once"):
        kcolor.WGAN(tiny_generator(), critic, discriminator=critic)



def test_compile_defaults_rmsprop_with_clipping_adam_with_the_penalty():
    wgan = FAMILIES["wgan"]()
    wgan.compile()
    assert wgan.d_steps == 5 and wgan.effective_clip_value == 0.01
    assert isinstance(wgan.d_optimizer, keras.optimizers.RMSprop)
    assert np.isclose(float(wgan.d_optimizer.learning_rate), 5e-5)

    gp = FAMILIES["wgan"](gradient_penalty=10.0)
    gp.compile()
    assert gp.effective_clip_value is None
    assert isinstance(gp.d_optimizer, keras.optimizers.Adam)
    assert np.isclose(float(gp.d_optimizer.learning_rate), 1e-4) and gp.d_optimizer.beta_2 == 0.9


# --- WGAN: clipping and the gradient penalty -------------------------------------


def test_critic_and_generator_losses_are_the_earth_mover_terms():
    real = np.array([[2.0], [-1.0], [0.5], [3.0]], "float32")
    fake = np.array([[-2.0], [1.0], [0.0], [-0.5]], "float32")
    model = FAMILIES["wgan"]()
    d_loss = model.discriminator_loss(real, fake)["d_loss"]
    assert np.isclose(float(d_loss), fake.mean() - real.mean())
    assert np.isclose(float(model.adversarial_loss(fake)["g_adv_loss"]), -fake.mean())
    # without a penalty the critic's loss is left alone; with one, lambda * GP is added
    L, ab = pairs(4)
    logs = {"d_loss": keras.ops.convert_to_tensor(1.0)}
    assert model.add_penalty(logs, L, ab, ab) is logs
    gp = FAMILIES["wgan"](gradient_penalty=10.0)
    alpha = np.full((4, 1, 1, 1), 0.25, "float32")
    gp.interpolation_factors = lambda real: keras.ops.convert_to_tensor(alpha)
    fake_ab = np.flip(ab, axis=0).copy()
    penalized = gp.add_penalty(logs, L, ab, fake_ab)
    expected = float(gradient_penalty(gp.critic, ab, fake_ab, alpha, L))
    assert expected > 0
    assert np.isclose(float(penalized["gradient_penalty"]), expected, rtol=1e-5)
    assert np.isclose(float(penalized["d_loss"]), 1.0 + 10.0 * expected, rtol=1e-5)


def test_bad_wgan_options_give_clear_errors():
    with pytest.raises(ValueError, match="not both"):
        kcolor.WGAN(tiny_generator(), tiny_discriminator(), clip_value=0.01, gradient_penalty=10.0)
    with pytest.raises(ValueError, match="d_steps=5"):  # WGAN's n_critic default
        kcolor.WGAN(tiny_generator(), tiny_discriminator(), update_order="simultaneous")
    with pytest.raises(ValueError, match="clip_value must be positive"):
        kcolor.WGAN(tiny_generator(), tiny_discriminator(), clip_value=-1.0)
    with pytest.raises(ValueError, match="gradient_penalty must be positive"):
        kcolor.WGAN(tiny_generator(), tiny_discriminator(), gradient_penalty=0.0)


@pytest.mark.parametrize("clip_value", [None, 0.05])
def test_wgan_clipping_keeps_critic_weights_in_range(clip_value):
    model = FAMILIES["wgan"](clip_value=clip_value, d_steps=3)
    c = 0.01 if clip_value is None else clip_value
    # the initial weights are outside [-c, c], so the test can fail
    assert max(np.abs(w).max() for w in model.critic.get_weights()) > c
    model.compile(
        g_optimizer=keras.optimizers.RMSprop(5e-3), d_optimizer=keras.optimizers.RMSprop(5e-2)
    )
    model.fit(*pairs(), batch_size=4, epochs=1, verbose=0)
    weights = [v.numpy() for v in model.critic.trainable_variables]
    assert max(np.abs(w).max() for w in weights) <= c + 1e-7
    # a large learning rate drives many of them to the bounds
    assert any(np.isclose(np.abs(w), c).any() for w in weights)


def _linear_critic(weights):
    """f(x) = sum(w * x): its gradient is w everywhere."""
    size, channels = weights.shape[1], weights.shape[-1]
    x = keras.Input((size, size, channels))
    y = keras.layers.Dense(1, use_bias=False)(keras.layers.Flatten()(x))
    critic = keras.Model(x, y)
    critic.set_weights([weights.reshape(-1, 1)])
    return critic


def test_gradient_penalty_zero_for_unit_norm_critic():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(4, 4, 4, 2)).astype("float32")
    fake = rng.normal(size=(4, 4, 4, 2)).astype("float32")
    alpha = rng.uniform(size=(4, 1, 1, 1)).astype("float32")
    w = rng.normal(size=(1, 4, 4, 2))
    w /= np.linalg.norm(w)  # unit norm w.r.t. the critic's input
    penalty = gradient_penalty(_linear_critic(w), real, fake, alpha)
    assert float(penalty) < 1e-8
    # ||grad|| = 3 everywhere: (3 - 1)^2 = 4
    penalty = gradient_penalty(_linear_critic(3 * w), real, fake, alpha)
    assert np.isclose(float(penalty), 4.0, rtol=1e-4)
    # conditional: only the colours are interpolated, the L weights do not count
    w_cond = np.concatenate([rng.normal(size=(1, 4, 4, 1)) * 5, w], axis=-1)
    L = rng.normal(size=(4, 4, 4, 1)).astype("float32")
    penalty = gradient_penalty(_linear_critic(w_cond), real, fake, alpha, condition=L)
    assert float(penalty) < 1e-8


def test_gradient_penalty_positive_for_a_real_critic():
    rng = np.random.default_rng(1)
    real, fake = (rng.normal(size=(4, SIZE, SIZE, 2)).astype("float32") for _ in range(2))
    L = rng.normal(size=(4, SIZE, SIZE, 1)).astype("float32")
    alpha = rng.uniform(size=(4, 1, 1, 1)).astype("float32")
    penalty = gradient_penalty(tiny_discriminator(), real, fake, alpha, condition=L)
    assert float(penalty) > 1e-3




def test_wgan_loads_its_critic_itself():
    config = FAMILIES["wgan"](clip_value=0.02).get_config()
    assert "critic" in config and "discriminator" not in config
    loaded = kcolor.WGAN.from_config(config)
    assert isinstance(loaded.critic, keras.Model) and loaded.effective_clip_value == 0.02
    assert loaded.critic.count_params() == FAMILIES["wgan"]().critic.count_params()
