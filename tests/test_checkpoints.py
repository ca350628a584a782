"""Resumable training: atomic checkpoints, resume after an interrupt, whole histories."""

import math
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest

import kcolor
from kcolor import callbacks, checkpoints
from kcolor.backend import keras, tf

pytestmark = pytest.mark.tf_only

SIZE = 16
BATCH = 4


def _data(n_batches, nan_batch=None):
    """Fixed-order (L, ab) batches; ab is a constant colour, quick to learn."""
    rng = np.random.default_rng(0)
    L = rng.uniform(-1, 1, (n_batches * BATCH, SIZE, SIZE, 1)).astype("float32")
    ab = np.concatenate([np.full_like(L, 0.3), np.full_like(L, -0.2)], axis=-1)
    if nan_batch is not None:
        L[nan_batch * BATCH] = np.nan
    return tf.data.Dataset.from_tensor_slices((L, ab)).batch(BATCH)


def _gan(seed):
    keras.utils.set_random_seed(seed)
    gan = kcolor.CGAN(
        kcolor.models.unet(SIZE, width=0.125),
        kcolor.models.patchgan(SIZE, width=0.125),
        l1_weight=100,
    )
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.Adam(1e-3))
    return gan


def _colorizer(seed, learning_rate=1e-3):
    keras.utils.set_random_seed(seed)
    model = kcolor.Colorizer(kcolor.models.unet(SIZE, width=0.125), loss="l1")
    # A few steps: eager is faster than tracing the step.
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), run_eagerly=True)
    return model


class Recorder(keras.callbacks.Callback):
    """Keeps every batch's logs (and, optionally, a snapshot after batch n)."""

    def __init__(self, key, snapshot_at=None):
        super().__init__()
        self.key, self.snapshot_at = key, snapshot_at
        self.values, self.snapshot, self._seen = [], None, 0

    def on_train_batch_end(self, batch, logs=None):
        self._seen += 1
        self.values.append(float(logs[self.key]))
        if self._seen == self.snapshot_at:
            self.snapshot = {
                name: [v.numpy().copy() for v in getattr(self.model, name).variables]
                for name in ("g_optimizer", "d_optimizer")
            }


class Interrupt(keras.callbacks.Callback):
    """Raises after ``n`` batches: a disconnect, in-process. ``seen`` counts the batches."""

    def __init__(self, n):
        super().__init__()
        self.n, self.seen = n, 0

    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.n:
            raise KeyboardInterrupt("simulated disconnect")


def test_gan_resumes_mid_epoch_with_both_optimizers(tmp_path):
    data, epochs, per_epoch = _data(5), 2, 5
    # The reference: the same run, never interrupted.
    reference = _gan(seed=1)
    reference.fit(data, epochs=epochs, verbose=0)

    run = str(tmp_path / "run")
    first = _gan(seed=1)
    before = Recorder("l1")
    with pytest.raises(KeyboardInterrupt):
        checkpoints.fit(first, data, epochs=epochs, resume_dir=run, save_freq=2, verbose=0,
                     callbacks=[before, Interrupt(7)])  # epoch 2, batch 2
    latest = checkpoints.checkpoints(run)[0][1]
    assert (latest["epoch"], latest["batch"], latest["step"]) == (1, 2, 7)

    # A new process would build the model afresh: other initial weights.
    second = _gan(seed=7)
    after = Recorder("l1")
    history = checkpoints.fit(second, data, epochs=epochs, resume_dir=run, save_freq=2,
                           verbose=0, callbacks=[after])

    # It ran the 3 batches left in epoch 2, and no more; the history has both epochs.
    assert len(after.values) == 3
    assert history.epoch == [0, 1] and len(history.history["l1"]) == 2
    assert history.steps == epochs * per_epoch and history.wall_time > 0
    for optimizer in ("g_optimizer", "d_optimizer"):
        assert int(getattr(second, optimizer).iterations) == epochs * per_epoch
    # The loss continues: close to the loss before the interrupt, not the initial one.
    initial, last_before, first_after = before.values[0], before.values[-1], after.values[0]
    assert abs(first_after - last_before) < 0.5 * abs(first_after - initial)
    # Generator, discriminator, both optimisers: where the uninterrupted run is.
    for a, b in zip(reference.variables, second.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-4, err_msg=a.path)
    for name in ("g_optimizer", "d_optimizer"):
        for a, b in zip(getattr(reference, name).variables, getattr(second, name).variables):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-3, atol=1e-6, err_msg=a.path)
    assert len(checkpoints.checkpoints(run)) == 2  # keep=2: the newest two


def test_restore_loads_both_optimizer_states(tmp_path):
    data = _data(3)
    model = _gan(seed=1)
    log = Recorder("l1", snapshot_at=3)
    model.fit(data, epochs=1, verbose=0, callbacks=[log])
    checkpoints.BackupAndRestore.save(model, str(tmp_path), {"epoch": 1, "batch": 0, "step": 3,
                                                          **checkpoints._model_signature(model)})
    fresh = _gan(seed=5)
    assert int(fresh.g_optimizer.iterations) == 0
    state = checkpoints.restore(fresh, str(tmp_path))
    assert state["step"] == 3
    for name in ("g_optimizer", "d_optimizer"):
        optimizer = getattr(fresh, name)
        assert int(optimizer.iterations) == 3
        for saved, value in zip(log.snapshot[name], optimizer.variables):
            np.testing.assert_allclose(value.numpy(), saved, err_msg=value.path)
        moments = [v for v in optimizer.variables if "momentum" in v.path]
        assert moments and any(np.abs(v.numpy()).max() > 0 for v in moments)
    for a, b in zip(model.generator.variables, fresh.generator.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_colorizer_resumes_at_the_epoch_and_finished_runs_stay_finished(tmp_path, capsys):
    data, run = _data(3), str(tmp_path / "run")
    first = _colorizer(seed=1)
    losses = Recorder("loss")
    with pytest.raises(KeyboardInterrupt):
        checkpoints.fit(first, data, epochs=4, resume_dir=run, verbose=0,
                     callbacks=[losses, Interrupt(7)])  # during epoch 3
    assert checkpoints.checkpoints(run)[0][1]["epoch"] == 2
    assert first._initial_epoch is None  # a later plain fit starts at 0

    second = _colorizer(seed=3, learning_rate=5e-4)
    after = Recorder("loss")
    history = checkpoints.fit(second, data, epochs=4, resume_dir=run, verbose=0, callbacks=[after])
    assert history.epoch == [0, 1, 2, 3]  # epochs 1 and 2 from the checkpoint
    assert int(second.optimizer.iterations) == 4 * 3
    assert abs(after.values[0] - losses.values[5]) < 0.5 * abs(after.values[0] - losses.values[0])
    # The learning rate compiled now wins over the checkpoint's, and it says so.
    assert math.isclose(float(second.optimizer.learning_rate), 5e-4, rel_tol=1e-6)
    assert "keeps the learning rate" in capsys.readouterr().out

    # Running the finished cell again trains nothing, restores the result and
    # returns the whole history, with the training time of both sessions.
    third = _colorizer(seed=4, learning_rate=5e-4)
    again = checkpoints.fit(third, data, epochs=4, resume_dir=run, verbose=0)
    assert "Already trained" in capsys.readouterr().out
    assert again.epoch == [0, 1, 2, 3] and again.history == history.history
    # (the last checkpoint's training time: a moment less than the live count)
    assert 0 < again.wall_time <= history.wall_time and again.steps == 12
    assert int(third.optimizer.iterations) == 12
    for a, b in zip(second.variables, third.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_crash_while_writing_keeps_the_last_good_checkpoint(tmp_path, monkeypatch):
    data, run = _data(3), str(tmp_path / "run")
    model = _colorizer(seed=1)
    real_write, calls = checkpoints._write_weights, []

    def crashing_write(model, path):
        calls.append(path)
        if len(calls) == 2:  # the second checkpoint: half a file, then a crash
            with open(path, "wb") as f:
                f.write(b"\x89HDF\r\n\x1a\n half-written")
            raise OSError("No space left on device (simulated)")
        real_write(model, path)

    monkeypatch.setattr(checkpoints, "_write_weights", crashing_write)
    with pytest.raises(OSError, match="simulated"):
        checkpoints.fit(model, data, epochs=3, resume_dir=run, save_freq=2, verbose=0)
    monkeypatch.undo()
    found = checkpoints.checkpoints(run)
    assert [s["step"] for _, s in found] == [2]
    assert not any(n.startswith(".tmp") for n in os.listdir(run))

    # A kill leaves the temporary folder behind: it is ignored, then removed.
    stale = tmp_path / "run" / ".tmp-ckpt-killed"
    stale.mkdir()
    (stale / "model.weights.h5").write_bytes(b"garbage")
    resumed = _colorizer(seed=2)
    history = checkpoints.fit(resumed, data, epochs=3, resume_dir=run, save_freq=2, verbose=0)
    assert history.epoch == [0, 1, 2]  # rest of epoch 1 (from batch 3), then 2 and 3
    assert int(resumed.optimizer.iterations) == 9
    assert not stale.exists()


def test_damaged_newest_checkpoint_falls_back_to_the_previous_one(tmp_path):
    data, run = _data(2), str(tmp_path / "run")
    model = _colorizer(seed=1)
    checkpoints.fit(model, data, epochs=2, resume_dir=run, verbose=0)
    (newest, state), (older, older_state) = checkpoints.checkpoints(run)
    with open(os.path.join(newest, "model.weights.h5"), "r+b") as f:
        f.truncate(1000)  # e.g. a disk error after the rename
    fresh = _colorizer(seed=2)
    with pytest.warns(UserWarning, match="trying an older one"):
        restored = checkpoints.restore(fresh, run)
    assert restored["step"] == older_state["step"] == 2
    assert int(fresh.optimizer.iterations) == 2


def test_nan_guard_stops_at_the_step_and_the_checkpoint_survives(tmp_path):
    run = str(tmp_path / "run")
    model = _colorizer(seed=1)
    with pytest.raises(callbacks.TrainingDivergedError) as info:
        checkpoints.fit(model, _data(4, nan_batch=2), epochs=2, resume_dir=run, save_freq=1,
                     verbose=0)
    error = info.value
    assert (error.epoch, error.batch) == (0, 2)
    assert "loss" in error.metrics and not math.isfinite(error.metrics["loss"])
    message = str(error)
    assert "epoch 1, batch 3" in message and "loss = nan" in message
    assert "learning rate" in message and "mixed precision" in message
    assert "WGAN" not in message and "GAN" not in message  # advice for this model only
    assert not all(np.isfinite(v.numpy()).all() for v in model.trainable_variables)

    # The diverged state was never written: the newest checkpoint is batch 2's.
    assert checkpoints.checkpoints(run)[0][1]["step"] == 2
    fresh = _colorizer(seed=2)
    assert checkpoints.restore(fresh, run)["step"] == 2
    assert all(np.isfinite(v.numpy()).all() for v in fresh.variables)
    assert int(fresh.optimizer.iterations) == 2


def test_backup_never_writes_non_finite_weights(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    backup = checkpoints.BackupAndRestore(str(tmp_path), save_freq="epoch")
    backup.set_model(model)
    backup.on_train_begin()
    backup.on_epoch_end(0, {"loss": 0.5})
    assert len(checkpoints.checkpoints(str(tmp_path))) == 1
    model.layers[0].kernel.assign(np.full((2, 1), np.nan, "float32"))
    with pytest.warns(UserWarning, match="not finite"):
        backup.on_epoch_end(1, {"loss": 0.4})  # finite logs, NaN weights
    with pytest.warns(UserWarning, match="loss=inf"):
        backup.on_epoch_end(1, {"loss": float("inf")})
    assert [s["epoch"] for _, s in checkpoints.checkpoints(str(tmp_path))] == [1]


def test_a_checkpoint_of_another_model_is_refused_clearly(tmp_path):
    model = _colorizer(seed=1)
    model.optimizer.build(model.trainable_variables)
    checkpoints.BackupAndRestore.save(model, str(tmp_path), {"epoch": 1, "batch": 0, "step": 5,
                                                          **checkpoints._model_signature(model)})
    other = kcolor.Colorizer(kcolor.models.unet(SIZE, width=0.125), loss="l1")
    other.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="fits this model.*SGD"):
        checkpoints.restore(other, str(tmp_path))
    assert checkpoints.restore(_colorizer(seed=2), str(tmp_path / "empty")) is None


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"save_freq": 0}, "save_freq"),
        ({"save_freq": "batch"}, "save_freq"),
        ({"save_freq": True}, "save_freq"),
        ({"keep": 0}, "keep"),
        ({"directory": ""}, "directory"),
    ],
)
def test_bad_arguments_are_named(tmp_path, kwargs, match):
    kwargs = {"directory": str(tmp_path), **kwargs}
    with pytest.raises(ValueError, match=match):
        checkpoints.BackupAndRestore(**kwargs)


def test_fit_refuses_initial_epoch_with_resume_dir(tmp_path):
    with pytest.raises(ValueError, match="initial_epoch"):
        checkpoints.fit(_colorizer(seed=1), _data(1), epochs=2, resume_dir=str(tmp_path),
                     initial_epoch=1)


_KILLED_SCRIPT = """
import sys, time
import numpy as np
sys.path.insert(0, {root!r})
import kcolor
from kcolor import callbacks, checkpoints
from kcolor.backend import keras, tf

class Slow(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        time.sleep(0.3)

keras.utils.set_random_seed(1)
model = kcolor.Colorizer(kcolor.models.unet({size}, width=0.125), loss="l1")
model.compile(optimizer=keras.optimizers.Adam(1e-3))
rng = np.random.default_rng(0)
L = rng.uniform(-1, 1, (40, {size}, {size}, 1)).astype("float32")
ab = np.concatenate([np.full_like(L, 0.3), np.full_like(L, -0.2)], axis=-1)
data = tf.data.Dataset.from_tensor_slices((L, ab)).batch(4)
checkpoints.fit(model, data, epochs=50, resume_dir={run!r}, save_freq=1, verbose=0,
             callbacks=[Slow()])
"""


@pytest.mark.slow
def test_resume_after_sigkill(tmp_path):
    run = str(tmp_path / "run")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(_KILLED_SCRIPT.format(root=root, size=SIZE, run=run)))
    process = subprocess.Popen([sys.executable, str(script)], stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            found = checkpoints.checkpoints(run)
            if found and found[0][1]["step"] >= 13:  # into the second epoch
                break
            assert process.poll() is None, process.stderr.read().decode()[-2000:]
            time.sleep(0.05)
        else:
            pytest.fail("the training subprocess wrote no checkpoint in time")
        os.kill(process.pid, signal.SIGKILL)  # possibly in the middle of a write
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
        process.stderr.close()

    found = checkpoints.checkpoints(run)
    step = found[0][1]["step"]
    assert step >= 13
    keras.utils.set_random_seed(2)
    model = kcolor.Colorizer(kcolor.models.unet(SIZE, width=0.125), loss="l1")
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        state = checkpoints.restore(model, run)
    assert state["step"] == step
    assert int(model.optimizer.iterations) == step
    assert all(np.isfinite(v.numpy()).all() for v in model.variables)
    # Resume to the end of the next epoch: it continues from the saved batch.
    rng = np.random.default_rng(0)
    L = rng.uniform(-1, 1, (40, SIZE, SIZE, 1)).astype("float32")
    ab = np.concatenate([np.full_like(L, 0.3), np.full_like(L, -0.2)], axis=-1)
    data = tf.data.Dataset.from_tensor_slices((L, ab)).batch(4)
    epochs = state["epoch"] + 2
    checkpoints.fit(model, data, epochs=epochs, resume_dir=run, save_freq=5, verbose=0)
    assert int(model.optimizer.iterations) == epochs * 10
    assert checkpoints.checkpoints(run)[0][1]["step"] == epochs * 10
