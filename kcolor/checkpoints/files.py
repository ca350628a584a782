"""Writing and reading checkpoints: atomic files, the newest good checkpoint, restoring it.

Each checkpoint is a folder ``ckpt-<step>-<epoch>/`` with ``model.weights.h5``
(``model.save_weights``: networks and every optimiser) and ``state.json``.
"""

import json
import math
import os
import re
import warnings

import numpy as np

from kcolor.backend import keras, tf


_CHECKPOINT = re.compile(r"^ckpt-(\d{9,})-(\d{4,})$")
_WEIGHTS = "model.weights.h5"
_STATE = "state.json"
_TMP_PREFIX = ".tmp-ckpt-"


# ----------------------------------------------------------------------------
# Writing and reading checkpoints.
# ----------------------------------------------------------------------------
def _fsync_file(path):
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _fsync_dir(path):
    # Makes a rename durable; not every platform can open a folder.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_weights(model, path):
    """``model.save_weights``: one place, so a test can simulate a crash here."""
    model.save_weights(path)


def _write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=1)
        f.flush()
        os.fsync(f.fileno())


def replace_file(path, write):
    """Writes a file atomically: ``write(tmp)`` to a temporary file beside ``path``, then renames.

    A kill or an error during ``write`` leaves an older ``path`` untouched
    (and removes the temporary file when it can), so a reader never finds
    half a file.

    Args:
        path: the file to write.
        write: a callable that writes the file it is given (which has
            ``path``'s suffix, e.g. ``.keras`` for ``model.save``).

    Returns:
        ``path``.

    Example:
        >>> kcolor.checkpoints.replace_file("models/unet.keras", model.save)
    """
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    stem, suffix = os.path.splitext(name)
    tmp = os.path.join(folder, f".{stem}.tmp-{os.getpid()}{suffix}")
    try:
        write(tmp)
        _fsync_file(tmp)
        os.replace(tmp, path)
        _fsync_dir(folder)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def _all_finite(variables):
    checks = [
        tf.reduce_all(tf.math.is_finite(tf.convert_to_tensor(v)))
        for v in variables
        if np.dtype(keras.backend.standardize_dtype(v.dtype)).kind == "f"
    ]
    return bool(tf.reduce_all(tf.stack(checks))) if checks else True


def _seed_variables(model):
    """The model's ``keras.random.SeedGenerator`` states (not in save_weights)."""
    return [v for v in model.variables if v.path.endswith("seed_generator_state")]


_OPTIMIZER_ATTRIBUTES = ("optimizer", "g_optimizer", "d_optimizer")


def _optimizers(model):
    found = {}
    for name in _OPTIMIZER_ATTRIBUTES:
        optimizer = getattr(model, name, None)
        if isinstance(optimizer, keras.optimizers.Optimizer):
            found[name] = optimizer
    return found


def _model_signature(model):
    """What a checkpoint must match: the model's class, variables, optimisers."""
    return {
        "model_class": type(model).__name__,
        "n_variables": len(model.variables),
        "optimizers": {k: type(v).__name__ for k, v in _optimizers(model).items()},
    }


def _learning_rates(model):
    """``{attribute: float}`` of the optimisers with a constant learning rate."""
    rates = {}
    for name, optimizer in _optimizers(model).items():
        inner = getattr(optimizer, "inner_optimizer", optimizer)
        if isinstance(getattr(inner, "_learning_rate", None),
                      keras.optimizers.schedules.LearningRateSchedule):
            continue
        try:
            rates[name] = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        except (TypeError, ValueError, AttributeError):
            continue
    return rates


def checkpoints(directory):
    """The complete checkpoints in ``directory``, newest first.

    Args:
        directory: a ``resume_dir``.

    Returns:
        list of ``(path, state)``: the checkpoint folder and its
        ``state.json`` (``epoch``: the epoch to resume in, 0-based;
        ``batch``: batches of that epoch already trained; ``step``: batches
        trained in all). Folders being written (``.tmp-ckpt-*``) and
        unreadable ones are left out.
    """
    if not os.path.isdir(directory):
        return []
    found = []
    for name in os.listdir(directory):
        match = _CHECKPOINT.match(name)
        path = os.path.join(directory, name)
        if not match or not os.path.isfile(os.path.join(path, _WEIGHTS)):
            continue
        try:
            with open(os.path.join(path, _STATE)) as f:
                state = json.load(f)
            key = (int(state["step"]), int(state["epoch"]), int(state["batch"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        found.append((key, path, state))
    found.sort(key=lambda item: item[0], reverse=True)
    return [(path, state) for _, path, state in found]


def _build_optimizers(model):
    # Optimiser variables must exist before their values can be loaded.
    pairs = [("optimizer", model), ("g_optimizer", getattr(model, "generator", None)),
             ("d_optimizer", getattr(model, "discriminator", None))]
    for name, owner in pairs:
        optimizer = getattr(model, name, None)
        if (
            isinstance(optimizer, keras.optimizers.Optimizer)
            and not optimizer.built
            and owner is not None
        ):
            optimizer.build(owner.trainable_variables)


def restore(model, directory):
    """Loads the newest good checkpoint of ``directory`` into ``model``.

    Tries the checkpoints newest first and falls back to an older one when a
    file cannot be read. The model must be built and compiled like the one
    that wrote them (same networks, same optimiser types): anything else is
    refused rather than half-loaded.

    Restored: every weight and batch-norm statistic, every optimiser's state
    (moments, iteration count) and the models' random seed generators. Not
    restored: a constant learning rate that differs from the one the model
    was compiled with now (the compiled one is kept, and a line says so:
    lowering it after a divergence is the usual fix; a rate lowered during
    training by ``ReduceLROnPlateau`` is therefore not carried over), and
    the state of other callbacks and of the tf.data iterator.

    Args:
        model: a built, compiled ``keras.Model`` (a kcolor colorizer).
        directory: a ``resume_dir``.

    Returns:
        The restored checkpoint's state dict (``epoch``, ``batch``, ``step``,
        ``logs``, ``path``), or ``None`` when there is no checkpoint.

    Raises:
        ValueError: checkpoints exist but none fits this model (another
            model's folder), with the reason.

    Example:
        >>> state = kcolor.checkpoints.restore(gan, "runs/exp1")
        >>> state["epoch"], state["step"]
    """
    found = checkpoints(directory)
    if not found:
        return None
    if not model.built:
        raise ValueError(
            "restore: the model is not built; call it once on a batch (or build it from "
            "kcolor.models builders, which are built) before restoring a checkpoint."
        )
    _build_optimizers(model)
    errors = []
    signature = _model_signature(model)
    for path, state in found:
        saved = {key: state.get(key) for key in signature}
        if saved != signature:
            errors.append(
                f"{os.path.basename(path)} holds a {saved['model_class']} with "
                f"{saved['n_variables']} variables and optimisers {saved['optimizers']}; "
                f"this is a {signature['model_class']} with {signature['n_variables']} "
                f"and {signature['optimizers']}"
            )
            continue
        compiled_rates = _learning_rates(model)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                model.load_weights(os.path.join(path, _WEIGHTS))
            skipped = [str(w.message) for w in caught if "Skipping variable" in str(w.message)]
            if skipped:
                raise ValueError(skipped[0])
        except Exception as error:  # a damaged file: try the previous one
            errors.append(f"{os.path.basename(path)}: {type(error).__name__}: {error}")
            warnings.warn(
                f"Could not load checkpoint {path} ({error}); trying an older one.",
                stacklevel=2,
            )
            continue
        seeds = state.get("seed_states")
        variables = _seed_variables(model)
        if seeds is not None and len(seeds) == len(variables):
            for variable, value in zip(variables, seeds):
                variable.assign(np.asarray(value, dtype=variable.dtype))
        # The learning rate is an optimiser variable, so loading restores the
        # checkpoint's; the one compiled now wins (lowering it after a
        # divergence is the usual fix), and a line says so.
        for name, rate in _learning_rates(model).items():
            wanted = compiled_rates.get(name)
            if wanted is not None and not math.isclose(rate, wanted, rel_tol=1e-6):
                _optimizers(model)[name].learning_rate = wanted
                print(
                    f"restore: {name} keeps the learning rate it was compiled with "
                    f"({wanted:g}), not the checkpoint's ({rate:g})."
                )
        return dict(state, path=path)
    raise ValueError(
        f"None of the {len(found)} checkpoint(s) in {directory!r} fits this model: "
        + "; ".join(errors)
        + ". Use a new resume_dir for a different model, or delete the old folder."
    )
