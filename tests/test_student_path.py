"""The student's path, offline: data that arrives, runs that survive, models that arrive.

CIFAR-10 here is real tensorflow-datasets files, written by tensorflow-datasets'
own CIFAR-10 builder into a temporary folder; only the builder's example
generator is replaced (a handful of generated images instead of the download).
"""

import os
import time

import numpy as np
import pytest

import kcolor
from kcolor import checkpoints, experiments
from kcolor.experiments import runs
from kcolor.backend import keras, tf
from kcolor.data import tfds as kcolor_tfds
from tests.test_checkpoints import Interrupt  # raises after n batches; counts them

pytestmark = pytest.mark.tf_only

N_TRAIN, N_TEST = 80, 20  # more than the quick profile's batch of 64


def _images(n, seed):
    return np.random.default_rng(seed).integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)


def _fake_cifar10_generators(monkeypatch, images):
    """CIFAR-10's builder writes ``images`` instead of downloading the real set."""
    import tensorflow_datasets as tfds

    def split_generators(self, dl_manager):
        def examples(split):
            for i, image in enumerate(images[split]):
                yield f"{split}_{i}", {"id": f"{split}_{i}", "image": image, "label": i % 10}

        return {split: examples(split) for split in images}

    monkeypatch.setattr(tfds.builder_cls("cifar10"), "_split_generators", split_generators)


@pytest.fixture(scope="module")
def cifar10_dir(tmp_path_factory):
    """A data folder holding a tiny CIFAR-10 really prepared by tensorflow-datasets."""
    import tensorflow_datasets as tfds

    images = {"train": _images(N_TRAIN, 0), "test": _images(N_TEST, 1)}
    data_dir = tmp_path_factory.mktemp("tfds")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _fake_cifar10_generators(monkeypatch, images)
        tfds.display_progress_bar(False)
        try:
            tfds.builder("cifar10", data_dir=str(data_dir)).download_and_prepare()
        finally:
            tfds.display_progress_bar(True)
    return data_dir, images


@pytest.fixture
def no_network(monkeypatch):
    """Fails the test if anything checks the download host."""
    def refuse(*args, **kwargs):
        raise AssertionError("the network was reached for")

    monkeypatch.setattr(kcolor_tfds, "reachable", refuse)


@pytest.fixture
def models(tmp_path, monkeypatch):
    """An empty models folder (KCOLOR_MODELS), off Colab."""
    folder = tmp_path / "models"
    monkeypatch.setenv("KCOLOR_MODELS", str(folder))
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    return folder


# ---------------------------------------------------------------- data that arrives


def test_quick_datasets_read_prepared_tfds_files(cifar10_dir, no_network):
    data_dir, images = cifar10_dir
    cfg = experiments.config("03_cgan", "quick")
    train, test = experiments.datasets("03_cgan", "quick", data_dir=data_dir)
    for dataset, batch in ((train, cfg["batch_size"]), (test, N_TEST)):
        L, ab = next(iter(dataset))
        assert L.shape == (batch, 32, 32, 1) and ab.shape == (batch, 32, 32, 2)
        for x in (L, ab):
            assert -1.0 <= float(tf.reduce_min(x)) <= float(tf.reduce_max(x)) <= 1.0
    # The test split is the prepared images, converted as kcolor.color does.
    L_ref, _ = kcolor.color.rgb_to_l_ab(images["test"] / np.float32(255))
    L, _ = next(iter(test))
    np.testing.assert_allclose(np.sort(np.asarray(L).ravel()), np.sort(np.asarray(L_ref).ravel()),
                               atol=1e-5)


def test_download_prints_the_size_line_and_lands_in_the_chosen_folder(tmp_path, monkeypatch,
                                                                       capsys):
    images = {"train": _images(12, 2), "test": _images(4, 3)}
    _fake_cifar10_generators(monkeypatch, images)  # tensorflow-datasets' download step
    checked = []
    monkeypatch.setattr(kcolor_tfds, "reachable", lambda *host: checked.append(host) or True)
    folder = tmp_path / "chosen"
    monkeypatch.setenv("TFDS_DATA_DIR", str(folder))
    ds = kcolor.data.load("cifar10", "test", batch_size=4, download=True)
    assert next(iter(ds))[0].shape == (4, 32, 32, 1)
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith("Downloading cifar10 (about 163 MiB to download")
    assert str(folder) in line and "TFDS_DATA_DIR" in line
    assert checked == [("www.cs.toronto.edu", 443)]
    assert kcolor_tfds.prepared_versions("cifar10", str(folder)) == ["3.0.2"]
    # Prepared now: a second load does not check the network again.
    kcolor.data.load("cifar10", "test", batch_size=4, download=True)
    assert len(checked) == 1


def test_the_quick_profile_downloads_into_the_drive_folder_on_colab(tmp_path, monkeypatch,
                                                                      capsys):
    _fake_cifar10_generators(monkeypatch, {"train": _images(8, 4), "test": _images(4, 5)})
    monkeypatch.setattr(kcolor_tfds, "reachable", lambda *host: True)
    drive = tmp_path / "MyDrive"
    drive.mkdir()
    monkeypatch.setattr(kcolor.colab, "DRIVE", drive)
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab-test")
    monkeypatch.delenv("TFDS_DATA_DIR", raising=False)
    experiments.datasets("03_unet_l2", "quick")
    where = drive / "kcolor" / "tensorflow_datasets"
    assert str(where) in capsys.readouterr().out
    assert kcolor_tfds.prepared_versions("cifar10", str(where)) == ["3.0.2"]


def test_offline_download_fails_within_seconds_naming_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(kcolor_tfds, "reachable", lambda *host: False)
    start = time.perf_counter()
    with pytest.raises(kcolor.data.DownloadUnavailableError) as info:
        kcolor.data.load("cifar10", data_dir=tmp_path, download=True)
    assert time.perf_counter() - start < 5
    assert isinstance(info.value, kcolor.data.DatasetNotPreparedError)
    message = str(info.value)
    assert "www.cs.toronto.edu" in message and "offline" in message
    assert f"tfds build cifar10 --data_dir {tmp_path}" in message and "TFDS_DATA_DIR" in message
    assert not (tmp_path / "cifar10").exists()
    # The quick profile asks for the download; offline it fails the same way.
    with pytest.raises(kcolor.data.DownloadUnavailableError):
        experiments.datasets("03_cgan", "quick", data_dir=tmp_path)
    # Without download=True nothing is checked: the old immediate error.
    monkeypatch.setattr(kcolor_tfds, "reachable", None)
    with pytest.raises(kcolor.data.DatasetNotPreparedError, match="does not download"):
        experiments.datasets("03_cgan", "quick", data_dir=tmp_path, download=False)


def test_reachable_is_bounded_by_its_timeout():
    start = time.perf_counter()
    # A reserved name (RFC 2606) never resolves; the answer comes within the timeout.
    assert kcolor_tfds.reachable("kcolor-test.invalid", 443, timeout=1.0) is False
    assert time.perf_counter() - start < 3


def test_the_smoke_profile_never_reaches_for_the_network(no_network, tmp_path, monkeypatch):
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path))  # nothing prepared there
    for name in ("03_cgan", "06_gan"):  # the sample photos; the offline font digits
        train, _ = experiments.datasets(name, "smoke")
        next(iter(train))


# ---------------------------------------------------------------- where things go


def test_models_and_data_go_to_drive_on_colab(tmp_path, monkeypatch):
    drive = tmp_path / "MyDrive"
    monkeypatch.setattr(kcolor.colab, "DRIVE", drive)
    for variable in ("KCOLOR_MODELS", "TFDS_DATA_DIR", "COLAB_RELEASE_TAG"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(kcolor.colab, "on_colab", lambda: True)
    # Drive not mounted: the working folder and tfds's default.
    assert kcolor.colab.drive_folder() is None
    assert experiments.models_folder() == experiments.model_path("03_cgan").parent
    assert str(experiments.models_folder()) == "models"
    assert kcolor_tfds.data_dir_for()[1] == "the tensorflow-datasets default"
    drive.mkdir()
    assert experiments.models_folder() == drive / "kcolor" / "models"
    assert experiments.model_path("03_cgan", "quick") == drive / "kcolor/models/03_cgan_quick.keras"
    assert kcolor_tfds.data_dir_for() == (str(drive / "kcolor" / "tensorflow_datasets"),
                                          "Google Drive (Colab)")
    # The settings still win.
    monkeypatch.setenv("KCOLOR_MODELS", str(tmp_path / "mine"))
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "data"))
    assert experiments.models_folder() == tmp_path / "mine"
    assert kcolor_tfds.data_dir_for() == (str(tmp_path / "data"), "TFDS_DATA_DIR")
    # Off Colab a folder called /content/drive/MyDrive means nothing.
    monkeypatch.delenv("KCOLOR_MODELS")
    monkeypatch.setattr(kcolor.colab, "on_colab", lambda: False)
    assert kcolor.colab.drive_folder() is None


def test_colab_is_recognised_by_its_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab_20261201")
    assert kcolor.colab.on_colab()
    monkeypatch.setattr(kcolor.colab, "DRIVE", tmp_path)
    assert kcolor.colab.drive_folder() == tmp_path / "kcolor"


def test_save_writes_atomically_and_a_gan_as_its_generator(models, capsys, monkeypatch):
    gan = experiments.build("03_cgan", "smoke", image_size=16)
    path = experiments.save(gan, "03_cgan", "smoke")
    assert path == models / "03_cgan_smoke.keras"
    assert capsys.readouterr().out.strip() == f"saved {path}"
    loaded = kcolor.inference.load_colorizer(path)
    L = np.zeros((1, 16, 16, 1), "float32")
    np.testing.assert_allclose(loaded.predict_on_batch(L), gan.generator.predict_on_batch(L),
                               atol=1e-6)
    # A crash in the middle of writing leaves the previous file whole, and no debris.
    before = path.read_bytes()

    def crash(self, filepath, *args, **kwargs):
        with open(filepath, "wb") as f:
            f.write(b"PK half a file")
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(keras.Model, "save", crash)
    with pytest.raises(OSError, match="simulated"):
        experiments.save(gan, "03_cgan", "smoke")
    assert path.read_bytes() == before and os.listdir(models) == [path.name]


# ---------------------------------------------------------------- runs that survive

TINY = {"epochs": 3, "steps_per_epoch": 4}
SIZE = 16


def _session(name="03_unet_l2", seed=0):
    """What a fresh kernel running the notebook builds: the data and the model."""
    keras.utils.set_random_seed(seed)
    train, _ = experiments.datasets(name, "smoke", image_size=SIZE, seed=seed, overrides=TINY)
    model = experiments.build(name, "smoke", image_size=SIZE, seed=seed, overrides=TINY)
    return train, model


@pytest.mark.slow
def test_a_run_killed_mid_epoch_resumes_to_the_uninterrupted_weights(tmp_path, monkeypatch,
                                                                     capsys):
    monkeypatch.setenv("KCOLOR_MODELS", str(tmp_path / "reference"))
    train, reference = _session()
    whole = experiments.fit(reference, train, "03_unet_l2", "smoke", overrides=TINY, verbose=0)

    monkeypatch.setenv("KCOLOR_MODELS", str(tmp_path / "models"))
    train, model = _session()
    with pytest.raises(KeyboardInterrupt):  # dies in epoch 2, after its third batch
        experiments.fit(model, train, "03_unet_l2", "smoke", overrides=TINY, verbose=0,
                        callbacks=[Interrupt(7)])
    folder = runs.run_folder(tmp_path / "models", "03_unet_l2", "smoke", TINY)
    assert folder.name.startswith("03_unet_l2_smoke_") and len(folder.name) == 25
    assert checkpoints.checkpoints(folder)[0][1]["step"] == 4  # epoch 1's end

    train, model = _session()  # the notebook, run again in a new kernel
    history = experiments.fit(model, train, "03_unet_l2", "smoke", overrides=TINY)
    out = capsys.readouterr().out
    assert "Resuming from" in out and "continuing at epoch 2" in out
    for a, b in zip(reference.weights, model.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5, err_msg=a.path)
    assert int(model.optimizer.iterations) == 12
    assert history.epoch == [0, 1, 2] and len(history.history["loss"]) == 3
    assert history.history["loss"][0] == pytest.approx(whole.history["loss"][0], rel=1e-4)
    assert history.steps == 12 and history.wall_time > 0

    # Run again once finished: the final weights, the whole history, no training.
    train, again = _session()
    reused = experiments.fit(again, train, "03_unet_l2", "smoke", overrides=TINY, verbose=0,
                             callbacks=[Interrupt(1)])  # would raise if a batch ran
    out = capsys.readouterr().out
    assert "reused the finished run" in out and "retrain=True" in out
    assert reused.history == history.history and reused.epoch == [0, 1, 2]
    for a, b in zip(model.weights, again.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())

    # Another seed starts from other weights: it would not continue this run
    # (experiments.fit claims the folder first; the other run is moved aside).
    _, other = _session(seed=1)
    assert runs.claim(other, folder) and not runs.claim(other, folder)
    assert "started from other weights" in capsys.readouterr().out
    assert checkpoints.checkpoints(folder.with_name(folder.name + "-previous"))
    assert not checkpoints.checkpoints(folder)

    # retrain=True trains again from the start.
    train, fresh = _session()
    counter = Interrupt(10**9)
    experiments.fit(fresh, train, "03_unet_l2", "smoke", overrides=TINY, verbose=0,
                    retrain=True, callbacks=[counter])
    assert counter.seen == 12


def test_a_run_label_gets_its_own_folder_and_is_checked(tmp_path):
    base = runs.run_folder(tmp_path, "07_cgan_l1_patch", "quick")
    seed1 = runs.run_folder(tmp_path, "07_cgan_l1_patch", "quick", run="seed1")
    assert seed1 == base.with_name("07_cgan_l1_patch_quick@seed1")
    tuned = runs.run_folder(tmp_path, "07_cgan_l1_patch", "quick", TINY, run="seed-2_b")
    assert tuned.name == f"07_cgan_l1_patch_quick_{runs.overrides_key(TINY)}@seed-2_b"
    for bad in ("", "seed 1", "../seed1", "a/b", "seed1@x", "x" * 33, "seed1-previous", 1):
        with pytest.raises(ValueError, match="run must be a short label"):
            runs.run_folder(tmp_path, "07_cgan_l1_patch", "quick", run=bad)
    with pytest.raises(ValueError, match="run must be a short label"):  # before any training
        experiments.fit(None, None, "03_unet_l2", "smoke", run="seed 1")


@pytest.mark.slow
def test_runs_of_two_seeds_keep_their_own_checkpoints_resume_and_are_reused(models, capsys):
    """Notebook 07's seeds: each run label its own folder; none moves another aside."""
    name = "03_unet_l2"
    train, first = _session(seed=0)
    whole = experiments.fit(first, train, name, "smoke", overrides=TINY, verbose=0, run="seed0")
    train, second = _session(seed=1)
    with pytest.raises(KeyboardInterrupt):  # seed 1 is cut off in epoch 2 (a disconnect)
        experiments.fit(second, train, name, "smoke", overrides=TINY, verbose=0, run="seed1",
                        callbacks=[Interrupt(6)])
    folders = [runs.run_folder(models, name, "smoke", TINY, run=f"seed{s}") for s in (0, 1)]
    assert sorted(p.name for p in (models / "checkpoints").iterdir()) == [
        f.name for f in folders]  # no "-previous": seed 1 did not move seed 0 aside
    assert "started from other weights" not in capsys.readouterr().out
    assert checkpoints.finished(folders[0], TINY["epochs"]) is not None
    assert checkpoints.finished(folders[1], TINY["epochs"]) is None

    train, second = _session(seed=1)  # a new kernel: seed 1 resumes its own checkpoints
    counter = Interrupt(10**9)
    experiments.fit(second, train, name, "smoke", overrides=TINY, run="seed1",
                    callbacks=[counter])
    assert "Resuming from" in capsys.readouterr().out and counter.seen == 8
    train, again = _session(seed=0)  # and seed 0's finished run is reused, not trained
    reused = experiments.fit(again, train, name, "smoke", overrides=TINY, verbose=0,
                             run="seed0", callbacks=[Interrupt(1)])  # would raise on a batch
    out = capsys.readouterr().out
    assert "reused the finished run" in out and str(folders[0]) in out
    assert reused.history == whole.history
    for a, b in zip(first.weights, again.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not all(np.array_equal(a.numpy(), b.numpy())  # seed 1's own weights
                   for a, b in zip(again.weights, second.weights))


@pytest.mark.slow
def test_a_killed_gan_resumes_to_the_uninterrupted_weights(tmp_path, monkeypatch):
    """Both optimisers, the noise generator's state and the data stream carry over."""
    monkeypatch.setenv("KCOLOR_MODELS", str(tmp_path / "reference"))
    train, reference = _session("03_cgan")
    experiments.fit(reference, train, "03_cgan", "smoke", overrides=TINY, verbose=0)
    monkeypatch.setenv("KCOLOR_MODELS", str(tmp_path / "models"))
    train, gan = _session("03_cgan")
    with pytest.raises(KeyboardInterrupt):
        experiments.fit(gan, train, "03_cgan", "smoke", overrides=TINY, verbose=0,
                        callbacks=[Interrupt(10)])  # in epoch 3
    train, gan = _session("03_cgan")
    history = experiments.fit(gan, train, "03_cgan", "smoke", overrides=TINY, verbose=0)
    assert history.epoch == [0, 1, 2] and len(history.history["d_loss"]) == 3
    for name in ("g_optimizer", "d_optimizer"):
        assert int(getattr(gan, name).iterations) == 12
    for a, b in zip(reference.weights, gan.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5, err_msg=a.path)


@pytest.mark.slow
def test_a_time_budgeted_run_resumes_with_what_is_left_of_its_budget(models):
    name, overrides = "07_lsgan_l1_patch", {"epochs": 50, "steps_per_epoch": 2,
                                            "time_budget_s": 3600}
    images = np.random.default_rng(0).integers(0, 256, size=(8, SIZE, SIZE, 3), dtype=np.uint8)
    train = kcolor.data.from_arrays(images, batch_size=4).repeat()
    model = experiments.build(name, "quick", image_size=SIZE, overrides=overrides)
    with pytest.raises(KeyboardInterrupt):
        experiments.fit(model, train, name, "quick", verbose=0, overrides=overrides,
                        callbacks=[Interrupt(5)])
    folder = runs.run_folder(models, name, "quick", overrides)
    spent = checkpoints.checkpoints(folder)[0][1]["wall_time"]
    assert spent > 0
    # Resumed with a budget the run has already spent: two steps, then done.
    shorter = dict(overrides, time_budget_s=spent / 2)
    os.replace(folder, runs.run_folder(models, name, "quick", shorter))
    model = experiments.build(name, "quick", image_size=SIZE, overrides=overrides)
    counter = Interrupt(10**9)
    history = experiments.fit(model, train, name, "quick", verbose=0, overrides=shorter,
                              callbacks=[counter])
    assert counter.seen == 2 and history.steps == 4 + 2
    # It stopped on its budget: the run is finished, not resumed again.
    model = experiments.build(name, "quick", image_size=SIZE, overrides=overrides)
    counter = Interrupt(10**9)
    again = experiments.fit(model, train, name, "quick", verbose=0, overrides=shorter,
                            callbacks=[counter])
    assert counter.seen == 0 and again.steps == 6


# ---------------------------------------------------------------- models that arrive


@pytest.mark.slow
def test_trained_trains_a_missing_upstream_model_then_loads_it(cifar10_dir, models, monkeypatch,
                                                              capsys):
    """Notebook 08's path on a fresh runtime: 03's cGAN is missing, and so is its U-Net."""
    data_dir, _ = cifar10_dir
    real_config = experiments.config

    def tiny(name, profile="smoke", overrides=None):  # a tiny run of the quick profile
        return real_config(name, profile, {"epochs": 1, "steps_per_epoch": 2, "image_size": 16,
                                           **(overrides or {})})

    for module in (experiments.registry, experiments.factory, experiments.runner):
        monkeypatch.setattr(module, "config", tiny)  # each module's name for it
    monkeypatch.setattr(kcolor_tfds, "reachable", lambda *host: False)  # prepared: not needed
    generator = experiments.trained("03_cgan", "quick", data_dir=data_dir)
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "not found" in line]
    assert len(lines) == 2  # one for each model, the downstream one first
    assert lines[0].startswith(f"{models / '03_cgan_quick.keras'} not found: training 03_cgan "
                               "here at the quick profile's settings (2 steps")
    assert "03_unet_l2" in lines[1]
    assert f"saved {models / '03_unet_l2_quick.keras'}" in out
    assert f"saved {models / '03_cgan_quick.keras'}" in out
    L = np.zeros((2, 16, 16, 1), "float32")
    assert generator.predict_on_batch(L).shape == (2, 16, 16, 2)

    again = experiments.trained("03_cgan", "quick", data_dir=data_dir)
    out = capsys.readouterr().out
    assert "not found" not in out and "loaded 03_cgan (quick) from" in out
    np.testing.assert_allclose(again.predict_on_batch(L), generator.predict_on_batch(L),
                               atol=1e-6)
    # The colorizer notebook 02 starts from arrives as a Colorizer with its network.
    unet = experiments.trained("03_unet_l2", "quick", data_dir=data_dir)
    assert isinstance(unet, kcolor.Colorizer) and unet.network is not None


def test_the_training_time_line_comes_from_the_config_and_the_first_steps(capsys, monkeypatch):

    budget = experiments.config("07_lsgan_l1_patch", "quick")["time_budget_s"]
    assert runs.duration_text(experiments.config("07_lsgan_l1_patch", "quick")) == (
        f"its time budget, {budget} s of training")
    cgan = experiments.config("03_cgan", "quick")
    assert runs.duration_text(cgan).startswith(f"{experiments.total_steps(cgan)} steps")
    # The estimate: the steps after the first (tracing), timed, times the run's steps.
    clock = iter([10.0, 10.3])

    class FakeTime:
        @staticmethod
        def perf_counter():
            return next(clock)

    monkeypatch.setattr(runs, "time", FakeTime)
    eta = runs.Eta(total=1200, steps=3, label="03_cgan")
    for batch in range(6):
        eta.on_train_batch_end(batch)
    assert capsys.readouterr().out == (
        "03_cgan: 0.1 s a step (timed over 3), about 2 min for its 1200.\n")
    assert eta.seconds_per_step == pytest.approx(0.1)
