"""kcolor.plot: the grids show the right images, curves and tables hold the numbers."""

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


def test_metrics_table_puts_the_paper_beside_ours():
    ours = {
        "grey": {"acc@2%": 0.2412, "mae_ab": 10.5, "profile": "smoke", "data": "sample 32 px",
                 "images": 64},
        "cGAN": {"acc@2%": 0.3, "acc@5%": 0.612, "mae_ab": 7.25, "psnr": float("inf"),
                 "profile": "smoke"},
    }
    paper = {"cGAN": {"acc@2%": 24.1, "acc@5%": 65.5, "data": "CIFAR-10, 200 epochs"}}
    table = plot.metrics_table(ours, paper=paper)
    lines = table.splitlines()
    assert lines[0].split("|")[1:-1] == [
        " model ", " source ", " profile ", " data ", " images ",
        " mae_ab ", " acc@2% ", " acc@5% ", " psnr ",
    ]
    assert len(lines) == 2 + 3
    grey, paper_row, ours_row = lines[2:]
    assert "grey" in grey and "24.12%" in grey and "10.50" in grey and "sample 32 px" in grey
    assert "| cGAN | paper |" in paper_row and "24.10" in paper_row and "65.50" in paper_row
    assert "CIFAR-10, 200 epochs" in paper_row
    assert "| cGAN | ours | smoke |" in ours_row and "30.00%" in ours_row and "61.20%" in ours_row
    assert "inf" in ours_row and "7.25" in ours_row
    only = plot.metrics_table(ours, columns=["acc@5%"], digits=1)
    assert only.splitlines()[0].endswith("| acc@5% |") and "61.2%" in only
    with pytest.raises(TypeError, match="dict"):
        plot.metrics_table({"cGAN": 0.3})


def test_results_table_adds_reference_rows_and_labels_ours():
    import numpy as np

    rng = np.random.default_rng(0)
    L = rng.uniform(-1, 1, size=(6, 8, 8, 1)).astype("float32")
    ab = rng.uniform(-0.3, 0.3, size=(6, 8, 8, 2)).astype("float32")
    test = [(L[:3], ab[:3]), (L[3:], ab[3:])]
    vivid = lambda x: np.full(x.shape[:-1] + (2,), 0.6, "float32")  # noqa: E731
    table = plot.results_table(
        {"vivid": vivid, "given": {"mae_ab": 1.5, "acc@5%": 0.25}}, test,
        profile="smoke", data="random 8 px", paper={"vivid": {"acc@5%": 65.5, "mae": 5.1}},
        columns=["mae", "mae_ab", "acc@5%", "colorfulness"])
    assert list(table.rows) == ["vivid", "given", "grey", "truth"]
    assert table["truth"]["mae_ab"] == 0 and table["grey"]["colorfulness"] < 0.1
    assert table["vivid"]["colorfulness"] > table["truth"]["colorfulness"] > 0
    assert table["vivid"]["mae_ab"] > table["grey"]["mae_ab"]  # far from a mild truth
    assert all(row["profile"] == "smoke" and row["data"] == "random 8 px"
               for row in table.rows.values())
    md = table.markdown
    assert "| vivid | paper |" in md and "65.50%" in md and "| 5.10 |" in md
    assert "| given | ours | smoke | random 8 px |" in md and "25.00%" in md
    page = table._repr_html_()
    assert page.startswith('<table class="kcolor-results">') and "random 8 px" in page
    assert page.count("<tr") == 1 + 5  # header, paper row, four of ours


def test_results_table_rejects_rows_that_are_not_dicts():
    with pytest.raises(TypeError, match="dict"):
        plot.ResultsTable({"a": 1.0})
