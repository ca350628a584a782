"""The machinery of the runner's ``fit``, ``save`` and ``trained``: runs that survive.

* ``run_folder``: where an experiment's checkpoints go, one folder per
  experiment, profile and set of overrides (and run label, for several runs
  of one experiment: one per seed).
* ``claim``: makes sure the checkpoints in that folder belong to the model
  being trained (the same starting weights), and moves another run's aside.
* ``saved_form``: what ``save`` writes (a GAN's generator, as notebook 03
  always saved it).
* ``Eta``: the time a training run will take, measured over its first steps.
"""

import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path

import numpy as np

from kcolor.backend import keras
from kcolor.checkpoints import replace_file

_START = "start.json"


def overrides_key(overrides):
    """A short hash of ``overrides`` (8 hex digits), or ``""`` for none."""
    if not overrides:
        return ""
    text = json.dumps(overrides, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:8]


#: A run label: a short name of letters, digits, "-" and "_" (``"seed1"``).
_RUN_LABEL = re.compile(r"[A-Za-z0-9_-]{1,32}")


def check_run(run):
    """Returns ``run`` if it is None or a valid run label, else raises ValueError.

    A label is 1 to 32 letters, digits, ``-`` and ``_`` (it becomes part of
    a folder name), and does not end in ``-previous`` (the name ``claim``
    gives a folder it moves aside).
    """
    if run is None:
        return None
    if (not isinstance(run, str) or not _RUN_LABEL.fullmatch(run)
            or run.endswith("-previous")):
        raise ValueError(
            f"run must be a short label of 1 to 32 letters, digits, '-' and '_' (not ending "
            f"in '-previous'), e.g. run=\"seed1\"; got {run!r}."
        )
    return run


def run_folder(models, name, profile, overrides=None, run=None):
    """The checkpoint folder of one run: ``models/checkpoints/{name}_{profile}[_{hash}][@{run}]``.

    A run with overrides gets the hash of its overrides in the name, so it
    never resumes the checkpoints of the profile's own run (or of other
    overrides). A run label gives one experiment several runs side by side,
    each resuming its own checkpoints (without one, a second seed would move
    the first seed's checkpoints to ``...-previous``; see ``claim``).

    Args:
        models: the models folder (``kcolor.experiments.models_folder()``).
        name, profile: the experiment.
        overrides: the run's changes to the profile's settings, or None.
        run: None, or a label for one of several runs of the experiment,
            e.g. ``"seed1"``: 1 to 32 letters, digits, ``-`` and ``_``
            (ValueError otherwise). It is appended after an ``@``, which no
            experiment name, profile or hash contains.

    Returns:
        A ``pathlib.Path`` (not created here).

    Example:

    >>> run_folder("models", "07_cgan_l1_patch", "quick", run="seed1")
    PosixPath('models/checkpoints/07_cgan_l1_patch_quick@seed1')
    """
    check_run(run)
    key = overrides_key(overrides)
    folder = f"{name}_{profile}" + (f"_{key}" if key else "") + (f"@{run}" if run else "")
    return Path(models) / "checkpoints" / folder


def fingerprint(model):
    """Two numbers per weight (sum and sum of squares): which starting weights these are.

    Tells runs of other seeds, image sizes or warm starts apart, and stays
    the same for a model built again with the same settings, even where the
    last bits of a float differ between machines.
    """
    values = []
    for weight in model.weights:
        array = np.asarray(keras.ops.convert_to_numpy(weight), dtype=np.float64)
        values += [float(array.sum()), float(np.square(array).sum())]
    return values


def _trained_already(model):
    optimizers = [getattr(model, name, None) for name in ("optimizer", "g_optimizer",
                                                          "d_optimizer")]
    return any(isinstance(o, keras.optimizers.Optimizer) and o.built and int(o.iterations) > 0
               for o in optimizers)


def claim(model, folder):
    """Makes ``folder`` this model's checkpoint folder; returns whether it held another run.

    The folder records the starting weights of the run that made it
    (``start.json``). A model that starts from other weights (another seed,
    image size or warm start) cannot continue those checkpoints: they are
    moved to ``{folder}-previous`` (replacing an older one there) and a line
    says so. A model that has trained already (re-running a notebook's
    ``fit`` cell in the same session) is not compared: it continues.
    """
    folder = Path(folder)
    record = folder / _START
    moved = False
    if record.exists() and not _trained_already(model):
        saved = json.loads(record.read_text()).get("fingerprint", [])
        ours = fingerprint(model)
        if len(saved) != len(ours) or not np.allclose(saved, ours, rtol=1e-4, atol=1e-6):
            previous = folder.with_name(folder.name + "-previous")
            shutil.rmtree(previous, ignore_errors=True)
            os.replace(folder, previous)
            print(f"{folder} holds a run that started from other weights (another seed, "
                  f"image size or warm start): moved it to {previous}; training this one "
                  "from the start.")
            moved = True
    if not record.exists():
        text = json.dumps({"fingerprint": fingerprint(model), "time": time.time()})
        replace_file(record, lambda tmp: Path(tmp).write_text(text))
    return moved


def saved_form(model):
    """What ``experiments.save`` writes: a GAN's generator, any other model itself.

    Notebook 03 saves its cGAN's generator (``L -> ab``), which
    ``kcolor.inference.load_colorizer`` loads and notebook 08 colourises
    with; a colorizer (notebook 01's baseline) is saved whole.
    """
    if hasattr(model, "generator") and hasattr(model, "discriminator"):
        return model.generator
    return model


def planned_steps(cfg, train=None):
    """Training steps of a run of ``cfg``: from its steps per epoch, else from ``train``'s size.

    Returns None when neither tells (a data set of unknown size).
    """
    if cfg["epochs"] is None:
        return None
    if cfg["steps_per_epoch"] is not None:
        return cfg["steps_per_epoch"] * cfg["epochs"]
    if train is not None:
        batches = int(train.cardinality())
        if batches > 0:
            return batches * cfg["epochs"]
    return None


def _minutes(seconds):
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def duration_text(cfg, train=None):
    """How long a run of ``cfg`` takes, as far as is known before it starts."""
    if cfg.get("time_budget_s"):
        return f"its time budget, {_minutes(cfg['time_budget_s'])} of training"
    steps = planned_steps(cfg, train)
    if steps is None:
        return f"{cfg['epochs']} epochs; the time per step is printed after the first steps"
    return f"{steps} steps; the time they take is printed after the first steps"


class Eta(keras.callbacks.Callback):
    """Prints, once, how long the run will take, measured over its first steps.

    The first step (which traces the training step) is not timed; the next
    ``steps`` are, and their mean time a step, times the steps left, is the
    estimate.

    Args:
        total: the steps of the whole run (None: only the time a step).
        steps: how many steps to time.
        label: the run's name, for the line.
    """

    def __init__(self, total, steps=10, label="training"):
        super().__init__()
        self.total, self.steps, self.label = total, int(steps), label
        self._seen, self._start, self.seconds_per_step = 0, None, None

    def on_train_batch_end(self, batch, logs=None):
        if self.seconds_per_step is not None:
            return
        self._seen += 1
        if self._seen == 1:
            self._start = time.perf_counter()
            return
        if self._seen < self.steps + 1:
            return
        self.seconds_per_step = (time.perf_counter() - self._start) / self.steps
        line = f"{self.label}: {self.seconds_per_step:.3g} s a step (timed over {self.steps})"
        if self.total:
            line += f", about {_minutes(self.seconds_per_step * self.total)} for its {self.total}"
        print(line + ".", flush=True)
