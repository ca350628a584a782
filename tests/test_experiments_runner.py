"""kcolor.experiments.runner: a short run trains, saves and is found again."""

import numpy as np

from kcolor import experiments
from kcolor.experiments import runner


def test_npz_data_and_a_short_run_lower_the_loss(tmp_path):
    """The path benchmarks/quality.py takes: arrays from an npz, the profile's steps."""
    rng = np.random.default_rng(1)
    red = np.array([200, 60, 60]) + rng.integers(-10, 11, size=(64, 8, 8, 3))
    x = red.astype(np.uint8)  # a learnable colour: red everywhere, with a little noise
    np.savez(tmp_path / "tiny.npz", x_train=x, x_test=x[:16])
    train, test = experiments.datasets("03_unet_l2", "smoke", npz=tmp_path / "tiny.npz",
                                       image_size=8)
    L, ab = next(iter(train))
    assert L.shape[1:] == (8, 8, 1) and ab.shape[1:] == (8, 8, 2)
    model = experiments.build("03_unet_l2", "smoke", image_size=8)
    first = model.evaluate(test, verbose=0, return_dict=True)["loss"]
    history = experiments.fit(model, train, "03_unet_l2", "smoke", verbose=0)
    assert history.wall_time > 0
    assert model.evaluate(test, verbose=0, return_dict=True)["loss"] < 0.5 * first


def test_trained_loads_what_save_wrote(tmp_path, capsys):
    model = experiments.build("03_unet_l2", "smoke", image_size=8)
    model.optimizer.build(model.trainable_variables)  # as after training: saved whole
    path = experiments.save(model, "03_unet_l2", "smoke", folder=tmp_path)
    assert path == experiments.model_path("03_unet_l2", "smoke", tmp_path) and path.exists()
    loaded = experiments.trained("03_unet_l2", "smoke", folder=tmp_path)
    assert "loaded 03_unet_l2 (smoke)" in capsys.readouterr().out
    L = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(loaded.predict_on_batch(L), model.predict_on_batch(L), atol=1e-6)


def test_the_models_folder_follows_kcolor_models(monkeypatch, tmp_path):
    monkeypatch.setenv("KCOLOR_MODELS", str(tmp_path))
    assert experiments.models_folder() == tmp_path
    assert experiments.model_path("03_cgan", "quick").parent == tmp_path
    assert experiments.fit is runner.fit and experiments.trained is runner.trained
