"""Colorizer (regression of ab) and the ColorizerModel every colorizer builds on."""

import numpy as np
import pytest

import kcolor
from kcolor import losses
from kcolor.backend import keras, tf
from kcolor.colorizers.base import ColorizerModel
from kcolor.colorizers.regression import Colorizer


def tiny_net(size=None, out=2, name="tiny"):
    """A small fully convolutional network (any image size)."""
    inputs = keras.Input((size, size, 1))
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(inputs)
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(x)
    if isinstance(out, tuple):
        x = keras.layers.Conv2D(int(np.prod(out)), 1)(x)
        x = keras.layers.Reshape((size, size) + out)(x)
    else:
        x = keras.layers.Conv2D(out, 1, activation="tanh" if out == 2 else None)(x)
    return keras.Model(inputs, x, name=name)


def random_batch(rng, n=4, size=16):
    L = rng.uniform(-1, 1, (n, size, size, 1)).astype(np.float32)
    ab = np.clip(rng.normal(0, 0.25, (n, size, size, 2)), -0.9, 0.9).astype(np.float32)
    return L, ab


def test_koo_colorizer_trains_on_standardised_targets_and_predicts_raw(rng, tmp_path):
    Y = rng.uniform(0, 1, (8, 16, 16, 1)).astype(np.float32)
    UV = rng.normal([0.05, -0.1], [0.02, 0.04], (8, 16, 16, 2)).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices((Y, UV)).batch(4)
    model = Colorizer(tiny_net(16), "l2", preprocessing="koo").adapt(ds)
    model.compile(optimizer="adam")
    model.fit(ds, epochs=1, verbose=0)
    # evaluate's loss is L2 in standardised units, predict is in raw units.
    pred = model.predict(Y, verbose=0)
    prep = model.preprocessing
    standardised = np.mean((prep.standardize(pred).numpy() - prep.standardize(UV).numpy()) ** 2)
    assert model.evaluate(ds, verbose=0) == pytest.approx(standardised, rel=1e-3)
    assert np.abs(pred.mean((0, 1, 2)) - [0.05, -0.1]).max() < 0.1
    path = tmp_path / "koo.keras"
    model.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_allclose(again.predict(Y, verbose=0), pred, atol=1e-6)
    np.testing.assert_allclose(again.preprocessing.targets.std.numpy(), prep.targets.std.numpy())


@pytest.mark.parametrize("size", [32, 64, 128, 256])
def test_shapes_at_every_size(rng, size):
    L = rng.uniform(-1, 1, (1, size, size, 1)).astype(np.float32)
    regression = Colorizer(tiny_net(size))
    assert regression.predict_on_batch(L).shape == (1, size, size, 2)


def test_colorizer_knows_its_loss(rng):
    L, ab = random_batch(rng)
    model = Colorizer(tiny_net(16), loss="l1")
    model.compile(optimizer="adam")
    assert model.loss_fn is losses.l1
    pred = model.predict(L, verbose=0)
    assert model.evaluate(L, ab, verbose=0) == pytest.approx(np.mean(np.abs(pred - ab)), rel=1e-4)


@pytest.mark.parametrize("env, expected", [("1", True), ("0", False)])
def test_compile_resolves_the_xla_default_in_one_place(monkeypatch, env, expected):
    """``jit_compile=None`` reaches ``ColorizerModel.compile``: ``default_jit_compile()``."""
    monkeypatch.setenv("KCOLOR_JIT_COMPILE", env)
    assert kcolor.backend.default_jit_compile() is expected
    patch = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(1, 3, padding="same")])
    models = [
        Colorizer(tiny_net(8)),
        kcolor.CGAN(tiny_net(8), patch),
        ColorizerModel(),  # what any colorizer's compile(jit_compile=None) reaches
    ]
    for model in models:
        model.compile()
        assert model.jit_compile is expected, type(model).__name__
    # an explicit choice wins
    model = Colorizer(tiny_net(8))
    model.compile(jit_compile=not expected)
    assert model.jit_compile is (not expected)


@pytest.mark.parametrize("kind", ["l2", "huber"])
def test_save_and_reload_give_identical_predictions(rng, tmp_path, kind):
    L, ab = random_batch(rng)
    model = Colorizer(tiny_net(16), loss=kind)
    model.compile(optimizer="adam")
    model.fit(L, ab, epochs=1, verbose=0)
    path = tmp_path / f"{kind}.keras"
    model.save(path)
    again = keras.models.load_model(path, safe_mode=True)
    assert type(again) is type(model)
    np.testing.assert_allclose(again.predict(L, verbose=0), model.predict(L, verbose=0), atol=1e-6)
    assert again.loss_fn is model.loss_fn
    again.fit(L, ab, epochs=1, verbose=0)  # re-compiled from the saved config
