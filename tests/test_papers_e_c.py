"""Notebooks 04 and 05: paper E's six losses and paper C's colourful colourization.

The registry entries, the ClassColorizer model, bin fitting and decoding,
and the small library additions they use (deep_cnn's dropout,
tables.results_table's bin accuracy, plot.ab_plane).
"""

import numpy as np
import pytest

import kcolor
from kcolor import experiments
from kcolor.experiments import papers_e_c

NAMES_04 = ("04_l2", "04_l2_dropout", "04_smooth_l1", "04_ce10", "04_ce30", "04_ce50")
NAMES_05 = ("05_colorful", "05_colorful_l1", "05_colorful_l2", "05_colorful_cgan")


def _random_train(n=4, size=32, batch=2):
    images = np.random.default_rng(0).integers(0, 256, size=(n, size, size, 3), dtype=np.uint8)
    return kcolor.data.from_arrays(images, batch_size=batch)


def test_the_issue_names_are_registered_with_their_losses():
    assert set(NAMES_04 + NAMES_05) <= set(experiments.NAMES)
    losses = {n: experiments.config(n, "full").get("loss") for n in NAMES_04[:3]}
    assert losses == {"04_l2": "l2", "04_l2_dropout": "l2", "04_smooth_l1": "huber"}
    # Paper E, 4.2.7: a neuron is kept with p = 0.4, so Keras's rate is 0.6.
    assert experiments.config("04_l2_dropout", "full")["network"]["dropout"] == pytest.approx(0.6)
    assert experiments.config("04_l2", "full")["network"]["dropout"] == 0
    for n, bins in (("04_ce10", 10), ("04_ce30", 30), ("04_ce50", 50)):
        cfg = experiments.config(n, "full")
        assert cfg["bins"]["n"] == cfg["network"]["num_classes"] == bins
        assert (cfg["rebalance"], cfg["decode"]) == (False, "argmax")  # paper E
    cfg = experiments.config("05_colorful", "full")
    assert (cfg["bins"]["kind"], cfg["rebalance"], cfg["T"]) == ("gamut", True, 0.38)


def test_full_profiles_are_the_papers_settings():
    e = experiments.config("04_ce10", "full")
    assert (e["dataset"], e["image_size"], e["batch_size"], e["epochs"]) == (
        "imagenet_resized/64x64", 64, 250, 200)  # paper E, sections 4.2.1 and 4.2.8
    assert e["optimizer"] == {"name": "adam", "learning_rate": 1e-3}
    c = experiments.config("05_colorful", "full")
    assert (c["dataset"], c["image_size"], c["batch_size"]) == ("places365_small", 256, 32)
    assert c["epochs"] * c["steps_per_epoch"] == 100_000  # paper C: 100K iterations
    for name in NAMES_04 + NAMES_05:
        assert experiments.config(name, "quick")["dataset"] == "cifar10"


def test_notebook_04_shares_one_data_pipeline():
    keys = ("dataset", "image_size", "batch_size", "augment", "steps_per_epoch")
    for profile in experiments.PROFILES:
        first = {k: experiments.config("04_l2", profile)[k] for k in keys}
        for name in NAMES_04[1:]:
            assert {k: experiments.config(name, profile)[k] for k in keys} == first


def test_paper_e_tables_as_printed():
    table_1 = {k: v["euclid_ab"] for k, v in papers_e_c.PAPER_E_TABLE_1.items()}
    assert table_1["cross-entropy, 10 bins"] < table_1["smooth L1"] < table_1["L2"]
    accuracy = [papers_e_c.PAPER_E_TABLE_2[f"cross-entropy, {n} bins"][f"bin_acc@{n}"]
                for n in (10, 30, 50)]
    assert accuracy == [41.5, 27.8, 18.9]


@pytest.mark.parametrize("name,shape", [("04_ce30", (32, 32, 2, 30)),
                                        ("05_colorful", (32, 32, 261))])
def test_class_colorizer_model_builds_a_compiled_classifier(name, shape):
    model = experiments.build(name, "smoke")
    assert isinstance(model, kcolor.ClassColorizer) and model.compiled
    assert model.network.output_shape[1:] == shape
    assert model.bins.num_classes == shape[-1]
    L = np.zeros((1, 32, 32, 1), np.float32)
    assert model.predict_on_batch(L).shape == (1, 32, 32, 2)


def test_fit_bins_measures_the_prior_and_bin_means():
    train, _ = experiments.datasets("04_ce10", "smoke")
    model = experiments.build("04_ce10", "smoke")
    bins = experiments.fit_bins(model, train, "04_ce10", "smoke")
    assert bins is model.bins and bins.prior.shape == (2, 10) and bins.means is not None
    np.testing.assert_allclose(bins.prior.sum(axis=1), 1.0, rtol=1e-5)
    # Real photos are mostly unsaturated: the two middle bins hold most pixels.
    assert bins.prior[:, 4:6].sum() > 0.5 * 2
    gamut = experiments.build("05_colorful", "smoke")
    experiments.fit_bins(gamut, train, "05_colorful", "smoke")
    weights = gamut.bins.rebalance_weights()
    prior = gamut.bins.smoothed_prior
    # Rebalancing up-weights rare colours: the commonest class weighs least.
    assert weights[np.argmax(prior)] < 1.0 < weights.max()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["04_l2_dropout", "04_smooth_l1", "04_ce50"])
def test_paper_e_full_configurations_build_and_train_one_step(name):
    """tests/test_experiments.py skips data sets with a source of their own (ImageNet 64).

    04_l2 and 04_ce10/30 are the same network with another loss or head size.
    """
    model = experiments.build(name, "full", image_size=32)
    assert model.network.count_params() > experiments.build(name, "smoke").network.count_params()
    train = _random_train()
    if isinstance(model, kcolor.ClassColorizer):
        model.bins.fit(train)
    before = [w.copy() for w in model.get_weights()]
    logs = model.fit(train, epochs=1, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in logs.values())
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_imagenet64_source_fails_fast_offline(tmp_path):
    with pytest.raises(kcolor.data.DatasetNotPreparedError):
        experiments.datasets("04_l2", "full", data_dir=str(tmp_path))


def test_deep_cnn_dropout_follows_every_block():
    net = kcolor.models.deep_cnn(16, dense=False, width=0.25, dropout=0.5)
    assert sum("dropout" in layer.name for layer in net.layers) == 9
    assert not any("dropout" in layer.name for layer in
                   kcolor.models.deep_cnn(16, dense=False, width=0.25).layers)
    with pytest.raises(ValueError, match="dropout"):
        kcolor.models.deep_cnn(16, dropout=1.0)


def test_results_table_adds_bin_accuracy_to_every_row():
    _, test = experiments.datasets("04_l2", "smoke", test_batch_size=100)
    table = kcolor.tables.results_table({}, test.take(1), profile="smoke", data="sample",
                                      bins=(10, 50), columns=["euclid_ab", "bin_acc@10",
                                                              "bin_acc@50"])
    rows = table.rows
    assert rows["truth"]["bin_acc@10"] == 1.0 and rows["truth"]["euclid_ab"] == 0.0
    # Grey falls in a middle bin: right often with 10 wide bins, less with 50 narrow ones.
    assert rows["grey"]["bin_acc@10"] > rows["grey"]["bin_acc@50"] > 0
    assert "bin_acc@50" in table.markdown


def test_ab_plane_draws_one_panel_per_value():
    bins = kcolor.quantize.GamutBins()
    prior = np.random.default_rng(0).dirichlet(np.ones(bins.num_classes))
    fig = kcolor.plot.ab_plane(bins.centers, {"prior": prior, "weights": 1 / prior},
                               log={"prior"})
    panels = [ax for ax in fig.axes if ax.get_xlabel() == "a"]
    assert len(panels) == 2 and len(panels[0].collections) == 1
    with pytest.raises(ValueError, match="classes"):
        kcolor.plot.ab_plane(bins.centers, {"prior": prior[:10]})


def test_compare_transposed_puts_one_model_per_row():
    L = np.zeros((3, 8, 8, 1), np.float32)
    ab = np.zeros((3, 8, 8, 2), np.float32)
    fig = kcolor.plot.compare(L, ab, ab_pred={"L2": ab, "CE": ab}, n=3, transpose=True)
    labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    assert len(fig.axes) == 4 * 3 and labels == ["grey", "L2", "CE", "truth"]
