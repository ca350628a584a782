"""kcolor.plot: the grids show the right images, the curves the right numbers."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from kcolor import color, metrics, plot
from kcolor.backend import keras, tf


def _batch(rng, n=5, size=8):
    rgb = rng.uniform(size=(n, size, size, 3)).astype(np.float32)
    L, ab = color.rgb_to_l_ab(rgb)
    return L.numpy(), ab.numpy()


def _shown(ax):
    return np.asarray(ax.images[0].get_array())


def test_compare_grey_prediction_truth_grid(rng, tmp_path):
    L, ab = _batch(rng)
    pred = (ab * 0.5).astype(np.float32)
    fig = plot.compare(L, ab, ab_pred=pred, n=3)
    assert isinstance(fig, Figure)
    axes = np.array(fig.axes).reshape(3, 3)
    assert [ax.get_title() for ax in axes[0]] == ["grey", "prediction", "truth"]
    assert all(len(ax.images) == 1 for ax in fig.axes)
    close = np.testing.assert_allclose
    for i in range(3):
        close(_shown(axes[i, 0]), color.l_to_gray_rgb(L[i]).numpy(), atol=1e-6)
        close(_shown(axes[i, 1]), color.l_ab_to_rgb(L[i], pred[i]).numpy(), atol=1e-6)
        close(_shown(axes[i, 2]), color.l_ab_to_rgb(L[i], ab[i]).numpy(), atol=1e-6)
    path = tmp_path / "grid.png"
    fig.savefig(path)
    assert path.stat().st_size > 1000


def test_compare_one_column_per_model_and_from_a_dataset(rng):
    L, ab = _batch(rng, n=4)
    ds = tf.data.Dataset.from_tensor_slices((L, ab)).batch(4)
    net = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 1)])
    models = {
        "grey": metrics.grey_predictor,
        "conv": net,
        "lambda": lambda x: np.full(x.shape[:-1] + (2,), 0.2, np.float32),
    }
    fig = plot.compare(ds, model=models, n=2)
    axes = np.array(fig.axes).reshape(2, 5)
    assert [ax.get_title() for ax in axes[0]] == ["grey", "grey", "conv", "lambda", "truth"]
    np.testing.assert_allclose(_shown(axes[1, 1]), _shown(axes[1, 0]), atol=1e-6)
    expected = color.l_ab_to_rgb(L[:2], net.predict_on_batch(L[:2])).numpy()
    np.testing.assert_allclose(_shown(axes[1, 2]), np.clip(expected[1], 0, 1), atol=1e-5)
    truth = color.l_ab_to_rgb(L[0], ab[0]).numpy()
    np.testing.assert_allclose(_shown(axes[0, 4]), truth, atol=1e-6)


def test_compare_without_truth_or_prediction(rng):
    L, ab = _batch(rng, n=2)
    assert len(plot.compare(L, n=8).axes) == 2  # n capped at the batch size, grey only
    assert len(plot.compare(L, ab).axes) == 4  # grey | truth


def test_compare_rejects_mismatched_batches(rng):
    L, ab = _batch(rng, n=4)
    with pytest.raises(ValueError, match="mismatched batch sizes"):
        plot.compare(L, ab[:3], n=2)
    with pytest.raises(ValueError, match="does not match L"):
        plot.compare(L, ab[:, :4, :4])
    with pytest.raises(ValueError, match="shape"):
        plot.compare(L, ab_pred=np.concatenate([L, ab], -1))


def test_history_panels_and_lines():
    logs = {"loss": [3.0, 2.0, 1.5], "val_loss": [3.5, 2.5, 2.0], "mae_ab": [9.0, 8.0, 7.0]}
    fig = plot.history(logs)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "mae_ab"]
    loss_ax = fig.axes[0]
    assert [line.get_label() for line in loss_ax.get_lines()] == ["train", "validation"]
    np.testing.assert_allclose(loss_ax.get_lines()[1].get_ydata(), logs["val_loss"])
    np.testing.assert_allclose(loss_ax.get_lines()[0].get_xdata(), [1, 2, 3])
    assert len(fig.axes[1].get_lines()) == 1


def test_history_of_a_gan_and_a_keras_history():
    gan = {"d_loss": [1.0, 0.9], "g_loss": [2.0, 1.8], "val_g_loss": [2.1, 1.9]}
    fig = plot.history(gan)
    assert [ax.get_title() for ax in fig.axes] == ["d_loss", "g_loss"]
    callback = keras.callbacks.History()
    callback.history = {"loss": [1.0, 0.5]}
    assert len(plot.history(callback).axes) == 1
    assert len(plot.history(gan, keys=["g_loss"]).axes) == 1
    with pytest.raises(ValueError, match="Unknown history keys"):
        plot.history(gan, keys=["loss"])
    with pytest.raises(ValueError, match="non-empty"):
        plot.history({})


def test_compare_transposed_labels_each_row_on_its_left(rng):
    L, ab = _batch(rng, n=3)
    models = {"half": lambda x: np.full(x.shape[:-1] + (2,), 0.1, np.float32)}
    fig = plot.compare(L, ab, model=models, n=3, transpose=True)
    axes = np.array(fig.axes).reshape(3, 3)  # grey, half, truth; one column per image
    assert [ax.get_ylabel() for ax in axes[:, 0]] == ["grey", "half", "truth"]
    assert axes[1, 0].yaxis.label.get_rotation() == 0  # horizontal, long names fit
    expected = color.l_ab_to_rgb(L[2], np.full((8, 8, 2), 0.1, np.float32)).numpy()
    np.testing.assert_allclose(_shown(axes[1, 2]), np.clip(expected, 0, 1), atol=1e-6)


def test_gan_losses_one_column_per_model_one_row_per_key():
    histories = {"06_gan": {"d_loss": [1.0, 0.8, 0.7], "g_adv_loss": [2.0, 2.5, 2.4]},
                 "06_wgan": {"d_loss": [-0.1, -0.3, -0.4]}}
    fig = plot.gan_losses(histories)
    axes = np.array(fig.axes).reshape(2, 2)
    np.testing.assert_allclose(axes[0, 0].get_lines()[0].get_ydata(), [1.0, 0.8, 0.7])
    np.testing.assert_allclose(axes[0, 0].get_lines()[0].get_xdata(), [1, 2, 3])
    assert "EM estimate" in axes[0, 1].get_title()  # WGAN's d_loss is minus its estimate
    assert "EM estimate" not in axes[0, 0].get_title()
    assert len(axes[1, 1].get_lines()[0].get_ydata()) == 0  # not logged: an empty panel


def test_mosaic_tiles_images_with_white_between():
    images = np.stack([np.full((3, 3, 1), v, np.float32) for v in (-1.0, 0.0, 1.0)])
    out = plot.mosaic(images, columns=2)
    assert out.shape == (2 * 4 - 1, 2 * 4 - 1)
    np.testing.assert_array_equal(out[:3, :3], 0.0)  # -1 -> black
    np.testing.assert_array_equal(out[:3, 4:], 0.5)
    np.testing.assert_array_equal(out[4:, :3], 1.0)
    assert out[3].min() == 1.0 and out[:3, 3].min() == 1.0  # the white gaps
    np.testing.assert_array_equal(out[4:, 4:], 1.0)  # the missing fourth image: white


def test_mosaics_and_snapshots_show_the_samples_they_are_given(rng):
    real = rng.uniform(-1, 1, size=(10, 4, 4, 1)).astype(np.float32)
    fig = plot.mosaics({"real": real, "fake": -real}, columns=3)
    assert [ax.get_title() for ax in fig.axes] == ["real", "fake"]
    np.testing.assert_allclose(_shown(fig.axes[0]), plot.mosaic(real[:9], 3))
    runs = {"a": [real, real * 0.5, real * 0.1, real * 0.0, -real]}
    fig = plot.snapshots(runs, columns=2)
    assert [ax.get_title() for ax in fig.axes] == ["initialisation", "epoch 2", "epoch 4"]
    np.testing.assert_allclose(_shown(fig.axes[2]), plot.mosaic(-real[:4], 2))
    assert fig.axes[0].get_ylabel() == "a"
    assert len(plot.snapshots(runs, epochs=[1, 3]).axes) == 2
