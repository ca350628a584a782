"""Every colorizer trains under the mixed_bfloat16 and mixed_float16 policies.

Issue 6: losses are computed in float32, the variables stay float32, the
outputs are float32; under ``mixed_float16`` the optimisers are
``LossScaleOptimizer``s (both of a GAN's), the loss is scaled before the
gradient, and a step whose scaled gradients overflow is skipped (weights
untouched, scale halved) instead of writing NaNs into the weights. The
networks are the real ``kcolor.models`` builders at tiny widths and depths, 8 px.
"""

import numpy as np
import pytest

import kcolor
from kcolor.backend import keras
from kcolor.quantize import GamutBins, UniformBins
from kcolor.colorizers.wgan import clip_weights

pytestmark = pytest.mark.tf_only

SIZE = 8


@pytest.fixture
def policy(request):
    keras.mixed_precision.set_global_policy(request.param)
    try:
        yield request.param
    finally:
        keras.mixed_precision.set_global_policy("float32")


def batch(n=4, seed=0):
    rng = np.random.default_rng(seed)
    L = rng.uniform(-1, 1, (n, SIZE, SIZE, 1)).astype("float32")
    ab = (0.3 * np.tanh(2 * L) * np.array([1.0, -0.5])).astype("float32")  # learnable
    return L, ab


def unet():
    return kcolor.models.unet(SIZE, width=0.125, depth=1)


def build(kind, ab):
    """A colorizer of ``kind`` and whether it is a GAN."""
    if kind == "colorizer":
        return kcolor.Colorizer(unet(), "l2"), False
    if kind == "colorful":
        bins = GamutBins(k=5).fit(ab)
        network = kcolor.models.colorful(SIZE, head="classes", num_classes=bins.num_classes,
                                         width=0.0625)
        return kcolor.ClassColorizer(network, bins), False
    if kind == "deep_cnn":
        network = kcolor.models.deep_cnn(SIZE, head="classes", num_classes=10, dense=False,
                                         width=0.125)
        return kcolor.ClassColorizer(network, UniformBins(10).fit(ab), rebalance=False,
                                     decode="argmax"), False
    patchgan = kcolor.models.patchgan(SIZE, width=0.125, n_layers=1)
    if kind == "cgan":
        return kcolor.CGAN(unet(), patchgan, l1_weight=10.0), True
    if kind == "cgan_margin":
        return kcolor.CGAN(unet(), patchgan, l1_weight=10.0, margin=0.5), True
    if kind == "lsgan":
        return kcolor.LSGAN(unet(), patchgan, l1_weight=10.0), True
    if kind == "wgan_clip":
        return kcolor.WGAN(unet(), patchgan, l1_weight=10.0, d_steps=2), True
    if kind == "wgan_gp":
        return kcolor.WGAN(unet(), patchgan, l1_weight=10.0, d_steps=2,
                           gradient_penalty=10.0), True
    if kind == "ebgan":
        critic = kcolor.models.ebgan_discriminator(SIZE, width=0.125)
        return kcolor.EBGAN(unet(), critic, l1_weight=10.0, pull_away_weight=0.1), True
    raise AssertionError(kind)


ALL = ["colorizer", "colorful", "deep_cnn", "cgan", "cgan_margin", "lsgan", "wgan_clip",
       "wgan_gp", "ebgan"]


def kinds(*slow):
    """ALL, the given kinds marked slow (they share the step another kind tests)."""
    return [pytest.param(kind, marks=pytest.mark.slow) if kind in slow else kind
            for kind in ALL]


def compile_model(model, gan, **optimizers):
    if gan:
        model.compile(
            g_optimizer=optimizers.get("g", keras.optimizers.Adam(2e-3)),
            d_optimizer=optimizers.get("d", keras.optimizers.Adam(2e-4)),
        )
    else:
        model.compile(optimizer=optimizers.get("g", keras.optimizers.Adam(2e-3)))


def optimizers_of(model, gan):
    return [model.g_optimizer, model.d_optimizer] if gan else [model.optimizer]


def train(model, L, ab, steps):
    return [model.train_on_batch(L, ab, return_dict=True) for _ in range(steps)]


def assert_float32(model, L):
    assert {v.dtype for v in model.trainable_variables} == {"float32"}
    assert model.predict(L, verbose=0).dtype == np.float32


@pytest.mark.parametrize("policy", ["mixed_bfloat16"], indirect=True)
@pytest.mark.parametrize("kind", kinds("cgan", "lsgan", "wgan_clip", "deep_cnn"))
def test_trains_under_mixed_bfloat16(policy, kind):
    L, ab = batch()
    model, gan = build(kind, ab)
    assert model.dtype_policy.name == "mixed_bfloat16"
    compile_model(model, gan)
    # bfloat16 has float32's exponent range: no loss scaling.
    for optimizer in optimizers_of(model, gan):
        assert not isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
    logs = train(model, L, ab, steps=5)
    for step in logs:
        assert all(np.isfinite(value) for value in step.values()), step
    watched = "l1" if gan else "loss"
    first, last = logs[0][watched], logs[-1][watched]
    assert last < first, [step[watched] for step in logs]
    assert_float32(model, L)
    for weight in model.get_weights():
        assert np.all(np.isfinite(weight))


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
@pytest.mark.parametrize("kind", kinds("cgan", "lsgan", "wgan_clip"))
def test_mixed_float16_scales_the_loss_and_skips_overflowing_steps(policy, kind):
    L, ab = batch()
    model, gan = build(kind, ab)
    huge = 2.0**60  # the scaled float16 gradients overflow to inf
    compile_model(model, gan)  # plain Adam: compile wraps it
    scalers = optimizers_of(model, gan)
    for optimizer in scalers:
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
        if not optimizer.built:  # Keras builds a model's optimizer on the first step
            optimizer.build(model.trainable_variables)
        optimizer.dynamic_scale.assign(huge)
    # WGAN with weight clipping clips after every critic step, skipped or not.
    if getattr(model, "effective_clip_value", None) is not None:
        clip_weights(model.critic.trainable_variables, model.effective_clip_value)
    before = [v.numpy().copy() for v in model.trainable_variables]

    # 1. An overflowing step is skipped: no update, no NaN, the scale halves.
    logs = model.train_on_batch(L, ab, return_dict=True)
    assert all(np.isfinite(value) for value in logs.values()), logs  # NaNGuard-safe
    for a, v in zip(before, model.trainable_variables):
        np.testing.assert_array_equal(a, v.numpy())
    steps = [model.g_steps, model.d_steps] if gan else [1]
    for optimizer, n in zip(scalers, steps):
        assert float(optimizer.dynamic_scale.numpy()) == huge / 2**n  # halved at each
        assert int(optimizer.iterations.numpy()) == 0

    # 2. With the scale back in float16's range, training proceeds.
    for optimizer in scalers:
        optimizer.dynamic_scale.assign(2.0**10)
    for logs in train(model, L, ab, steps=2):
        assert all(np.isfinite(value) for value in logs.values()), logs
    assert max(int(optimizer.iterations.numpy()) for optimizer in scalers) >= 1
    after = [v.numpy() for v in model.trainable_variables]
    assert all(np.all(np.isfinite(w)) for w in after)
    assert any(not np.array_equal(a, b) for a, b in zip(before, after))
    assert_float32(model, L)


def test_policy_fixture_restores_float32():
    assert keras.mixed_precision.global_policy().name == "float32"
