"""Diagnostics callbacks: gradient-norm logger, image grid, TensorBoard logs."""

import glob
import os
import warnings

import numpy as np
import pytest

import kcolor
from kcolor.backend import keras, tf
from kcolor.callbacks import GradientNormLogger, ImageGrid, grid_rows

pytestmark = pytest.mark.tf_only

SIZE = 8


def tiny_cgan(**options):
    L = keras.Input((SIZE, SIZE, 1))
    ab = keras.layers.Conv2D(2, 3, padding="same", activation="tanh")(
        keras.layers.Conv2D(4, 3, padding="same", activation="relu")(L)
    )
    x = keras.Input((SIZE, SIZE, 3))
    logits = keras.layers.Conv2D(1, 3, strides=2, padding="same")(x)
    return kcolor.CGAN(keras.Model(L, ab), keras.Model(x, logits), **options)


def pairs(n=8, seed=0):
    rng = np.random.default_rng(seed)
    L = rng.uniform(-1, 1, (n, SIZE, SIZE, 1)).astype("float32")
    return L, (0.3 * L * np.array([1.0, -1.0])).astype("float32")


# --- GradientNormLogger ------------------------------------------------------------


def test_gradient_norm_logger_records_each_batch_of_fit():
    model = tiny_cgan(l1_weight=10.0)
    model.compile()
    logger = GradientNormLogger()

    batch_logs = []

    class Spy(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            batch_logs.append(float(logs["g_grad_norm"]))

    L, ab = pairs()
    model.fit(L, ab, batch_size=2, epochs=2, verbose=0, callbacks=[logger, Spy()])
    assert len(logger.norms) == 8 and logger.epochs == [0] * 4 + [1] * 4
    assert logger.norms == batch_logs  # the per-batch values, not a running mean
    assert all(n > 0 and np.isfinite(n) for n in logger.norms)
    assert len(set(logger.norms)) > 1
    assert logger.vanished_at is None


def test_gradient_norm_logger_warns_when_the_gradient_vanishes():
    logger = GradientNormLogger(threshold=1e-4, patience=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for value in (1.0, 1e-5, 1e-6, 0.5, 1e-5, 1e-5):  # never 3 in a row
            logger.on_train_batch_end(0, {"g_grad_norm": value})
    assert logger.vanished_at is None
    with pytest.warns(RuntimeWarning, match="below 0.0001 for 3 batches"):
        logger.on_train_batch_end(0, {"g_grad_norm": 2e-5})
    assert logger.vanished_at == 6
    logger.reset()
    assert logger.norms == [] and logger.vanished_at is None


def test_gradient_norm_logger_warns_once_about_a_missing_key():
    logger = GradientNormLogger()
    with pytest.warns(UserWarning, match="no 'g_grad_norm'"):
        logger.on_train_batch_end(0, {"loss": 1.0})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logger.on_train_batch_end(1, {"loss": 1.0})
    assert logger.norms == []
    with pytest.raises(ValueError, match="threshold"):
        GradientNormLogger(threshold=0)


def test_gradient_norm_logger_plot():
    logger = GradientNormLogger()
    for value in (1.0, 0.1, 1e-5):
        logger.on_train_batch_end(0, {"g_grad_norm": value})
    ax = logger.plot()
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 0.1, 1e-5])


# --- ScoreTrace --------------------------------------------------------------------


def test_score_trace_scores_the_start_and_every_epoch_as_kcolor_metrics_does():
    model = tiny_cgan()
    model.compile()
    L, ab = pairs()
    trace = kcolor.callbacks.ScoreTrace(L, ab, every=2)
    start = kcolor.metrics.score(L, model.predict(L, verbose=0), ab)
    model.fit(L, ab, batch_size=4, epochs=3, verbose=0, callbacks=[trace])
    assert [t["epoch"] for t in trace.trace] == [0, 2, 3]  # the last epoch always
    assert [t["step"] for t in trace.trace] == [0, 4, 6]
    assert trace.trace[0]["acc@5%"] == pytest.approx(start["acc@5%"])
    end = kcolor.metrics.score(L, model.predict(L, verbose=0), ab)
    for key in ("acc@5%", "colorfulness", "colorfulness_true"):
        assert trace.trace[-1][key] == pytest.approx(end[key], rel=1e-5, abs=1e-6), key
    assert trace.trace[-1]["acc@5%"] != trace.trace[0]["acc@5%"]  # training moved it


def test_score_trace_rejects_arrays_of_the_wrong_shape():
    L, ab = pairs()
    with pytest.raises(ValueError, match=r"\(N, H, W, 2\)"):
        kcolor.callbacks.ScoreTrace(L, ab[..., :1])
    with pytest.raises(ValueError, match="every"):
        kcolor.callbacks.ScoreTrace(L, ab, every=0)


# --- ImageGrid and TensorBoard ----------------------------------------------------


def test_grid_rows_are_grey_ours_truth():
    L, ab = pairs(3)
    rows = grid_rows(L, np.zeros_like(ab), ab)
    assert [title for title, _ in rows] == ["grey", "ours", "truth"]
    grey, ours, truth = (images for _, images in rows)
    assert grey.shape == (3, SIZE, SIZE, 3) and grey.min() >= 0 and grey.max() <= 1
    np.testing.assert_allclose(ours, grey, atol=1e-2)  # ab = 0 is grey
    assert np.abs(truth - grey).max() > 0.05


def test_image_grid_saves_a_png_every_nth_epoch(tmp_path):
    import matplotlib

    assert matplotlib.get_backend().lower() == "agg"  # headless
    model = tiny_cgan()
    model.compile()
    L, ab = pairs()
    grid = ImageGrid(L, ab, every=2, out_dir=tmp_path / "grids", max_images=4)
    model.fit(L, ab, batch_size=4, epochs=4, verbose=0, callbacks=[grid])
    names = sorted(os.path.basename(p) for p in glob.glob(str(tmp_path / "grids" / "*.png")))
    assert names == ["epoch_002.png", "epoch_004.png"]
    assert [os.path.basename(p) for p in grid.paths] == names
    image = matplotlib.pyplot.imread(grid.paths[0])
    assert image.ndim == 3 and image.shape[0] > 50 and image.shape[1] > 100


def test_image_grid_writes_tensorboard_images(tmp_path):
    pytest.importorskip("tensorboard", reason="tf.summary needs the tensorboard package")
    model = tiny_cgan()
    model.compile()
    L, ab = pairs()
    grid = ImageGrid(L, ab, every=2, log_dir=tmp_path / "tb", max_images=4)
    model.fit(L, ab, batch_size=4, epochs=4, verbose=0, callbacks=[grid])
    steps = []  # steps 1 and 3: epochs are 0-based there
    for path in glob.glob(str(tmp_path / "tb" / "events.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                if value.tag == "colourisations":
                    steps.append(event.step)
    assert sorted(steps) == [1, 3]


def test_image_grid_log_dir_without_tensorboard_is_a_clear_error(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_tensorboard(name, *args, **kwargs):
        if name == "tensorboard":
            raise ImportError("No module named 'tensorboard'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tensorboard)
    with pytest.raises(ImportError, match="pip install tensorboard"):
        ImageGrid(*pairs(2), log_dir=tmp_path)


def test_image_grid_for_unconditional_generation(tmp_path):
    z_in = keras.Input((4,))
    pixels = keras.layers.Dense(SIZE * SIZE, activation="tanh")(z_in)
    image = keras.layers.Reshape((SIZE, SIZE, 1))(pixels)
    x = keras.Input((SIZE, SIZE, 1))
    critic = keras.Model(x, keras.layers.Dense(1)(keras.layers.Flatten()(x)))
    model = kcolor.WGAN(keras.Model(z_in, image), critic, conditional=False, d_steps=1)
    model.compile()
    z = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    grid = ImageGrid(z, out_dir=tmp_path)
    grid.set_model(model)
    rows = grid.rows()
    assert [title for title, _ in rows] == ["generated"]
    assert rows[0][1].shape == (3, SIZE, SIZE, 3)
    grid.on_epoch_end(0)
    assert os.path.exists(tmp_path / "epoch_001.png")


def test_image_grid_rejects_mismatched_inputs():
    L, ab = pairs(4)
    with pytest.raises(ValueError, match="same number of images"):
        ImageGrid(L, ab[:, :4])
    with pytest.raises(ValueError, match="every"):
        ImageGrid(L, ab, every=0)


def test_tensorboard_records_the_adversarial_logs(tmp_path):
    pytest.importorskip("tensorboard", reason="keras.callbacks.TensorBoard needs tensorboard")
    model = tiny_cgan(l1_weight=1.0)
    model.compile()
    L, ab = pairs()
    board = keras.callbacks.TensorBoard(log_dir=str(tmp_path))
    model.fit(L, ab, batch_size=4, epochs=2, verbose=0, validation_data=(L, ab), callbacks=[board])
    tags = set()
    for path in glob.glob(str(tmp_path / "**" / "events.*"), recursive=True):
        for event in tf.compat.v1.train.summary_iterator(path):
            tags |= {value.tag for value in event.summary.value}
    assert {"epoch_d_loss", "epoch_g_loss", "epoch_g_grad_norm", "epoch_d_real_acc"} <= tags


# NaNGuard (tests/test_checkpoints.py has the guard inside a checkpointed run).


def test_nan_guard_checks_every_logged_value():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    guard = kcolor.callbacks.NaNGuard()
    guard.set_model(model)
    guard.on_train_begin()
    guard.on_epoch_begin(3)
    guard.on_train_batch_end(6, {"d_loss": 0.7, "g_loss": 1.2, "note": "text"})
    with pytest.raises(kcolor.callbacks.TrainingDivergedError,
                       match=r"epoch 4, batch 8: g_loss = inf"):
        guard.on_train_batch_end(7, {"d_loss": 0.7, "g_loss": np.float32(np.inf)})
    assert model.stop_training

    quiet = kcolor.callbacks.NaNGuard(raise_error=False, ignore=["val_ssim"])
    quiet.set_model(model)
    quiet.on_train_begin()
    quiet.on_epoch_end(0, {"val_ssim": float("nan")})  # ignored
    assert quiet.error is None
    with pytest.warns(UserWarning, match="d_loss = nan"):
        quiet.on_epoch_end(0, {"d_loss": float("nan")})
    assert quiet.error.metrics.keys() == {"d_loss"}


def test_wgan_divergence_message_names_the_clip_value():
    critic = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(1, 3)])
    wgan = kcolor.WGAN(kcolor.models.unet(16, width=0.125), critic)
    guard = kcolor.callbacks.NaNGuard()
    guard.set_model(wgan)
    with pytest.raises(kcolor.callbacks.TrainingDivergedError, match="keep the clip value small"):
        guard.on_epoch_end(0, {"d_loss": float("inf")})
    # a CGAN gets the GAN advice, not WGAN's
    guard.set_model(kcolor.CGAN(kcolor.models.unet(16, width=0.125), critic))
    with pytest.raises(kcolor.callbacks.TrainingDivergedError) as info:
        guard.on_epoch_end(0, {"d_loss": float("inf")})
    assert "Adam 2e-4" in str(info.value) and "WGAN" not in str(info.value)


def test_backup_and_restore_lives_with_the_checkpoints_only():
    """One home, no arrow back up: checkpoints builds on callbacks, not the other way."""
    assert "BackupAndRestore" in kcolor.checkpoints.__all__
    assert not hasattr(kcolor.callbacks, "BackupAndRestore")
    assert "BackupAndRestore" not in kcolor.callbacks.__all__
