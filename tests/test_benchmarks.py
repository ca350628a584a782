"""benchmarks/quality.py's tuning helpers: the held-out split and the seed table."""

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def quality():
    spec = importlib.util.spec_from_file_location("quality", ROOT / "benchmarks" / "quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_validation_split_holds_out_training_photos_never_test_ones(quality, tmp_path):
    x_train = np.arange(50, dtype=np.uint8).reshape(50, 1, 1, 1) * np.ones((1, 2, 2, 3), np.uint8)
    x_test = np.full((5, 2, 2, 3), 255, np.uint8)
    np.savez(tmp_path / "dev.npz", x_train=x_train, x_test=x_test)
    path = quality.validation_split(tmp_path / "dev.npz", 10, tmp_path / "val.npz")
    with np.load(path) as arrays:
        train, val = arrays["x_train"], arrays["x_test"]
    assert train.shape == (40, 2, 2, 3) and val.shape == (10, 2, 2, 3)
    ids_train, ids_val = set(train[:, 0, 0, 0]), set(val[:, 0, 0, 0])
    assert not ids_train & ids_val and ids_train | ids_val == set(range(50))  # disjoint, whole
    assert 255 not in ids_val  # the reporting split stays out of tuning
    again = quality.validation_split(tmp_path / "dev.npz", 10, tmp_path / "again.npz")
    with np.load(again) as arrays:
        np.testing.assert_array_equal(arrays["x_test"], val)  # one draw for every run
    with pytest.raises(SystemExit, match="between 1 and 49"):
        quality.validation_split(tmp_path / "dev.npz", 50, tmp_path / "bad.npz")


def test_spread_table_gives_each_rows_mean_min_and_max_over_seeds(quality):
    def table(acc, color):
        return SimpleNamespace(rows={"grey": {"acc@5%": 0.5, "colorfulness": 0.0},
                                     "cgan": {"acc@5%": acc, "colorfulness": color},
                                     "truth": {"acc@5%": 1.0, "colorfulness": 20.0}})

    text = quality.spread_table({0: table(0.56, 16.0), 1: table(0.60, 18.0), 2: table(0.58, 17.0)})
    cgan = next(line for line in text.splitlines() if line.startswith("| cgan"))
    assert "58.00 [56.00, 60.00]" in cgan  # acc@5% in %
    assert "0.85 [0.80, 0.90]" in cgan  # colourfulness over truth's, per seed


def test_a_labelled_variant_names_its_experiment(quality):
    assert quality.experiment("03_cgan@simultaneous") == "03_cgan"
    assert quality.experiment("03_unet_l2") == "03_unet_l2"


def test_a_variant_label_becomes_its_run_label(quality):
    assert quality.variant("03_cgan@simultaneous") == "simultaneous"
    assert quality.variant("03_cgan") is None


def test_a_second_fold_is_disjoint_from_the_first(quality, tmp_path):
    x_train = np.arange(50, dtype=np.uint8).reshape(50, 1, 1, 1) * np.ones((1, 2, 2, 3), np.uint8)
    np.savez(tmp_path / "dev.npz", x_train=x_train, x_test=x_train[:5])
    folds = []
    for fold in (0, 1):
        path = quality.validation_split(tmp_path / "dev.npz", 10, tmp_path / f"f{fold}.npz", fold)
        with np.load(path) as arrays:
            held, kept = set(arrays["x_test"][:, 0, 0, 0]), set(arrays["x_train"][:, 0, 0, 0])
        assert len(held) == 10 and not held & kept and held | kept == set(range(50))
        folds.append(held)
    assert not folds[0] & folds[1]  # the confirming sample shares no photo with the choosing one
    with pytest.raises(SystemExit, match="between 1 and 24"):
        quality.validation_split(tmp_path / "dev.npz", 25, tmp_path / "big.npz", 1)
