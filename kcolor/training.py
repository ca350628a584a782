"""Deprecated: the old home of checkpoints and the NaN guard (one more release).

``kcolor.training`` held resumable training, which a student looking for
"the training step" opened by mistake. Its names moved:

* ``fit``, ``BackupAndRestore``, ``checkpoints``, ``restore`` ->
  ``kcolor.checkpoints``;
* ``NaNGuard``, ``TrainingDivergedError`` -> ``kcolor.callbacks``.

The old names still work and warn with a ``DeprecationWarning`` that names
the new place. The training steps themselves are the colorizers'
``train_step`` (``kcolor.colorizers``).
"""

import importlib
import warnings

_MOVED = {
    "fit": "kcolor.checkpoints",
    "BackupAndRestore": "kcolor.checkpoints",
    "checkpoints": "kcolor.checkpoints",
    "restore": "kcolor.checkpoints",
    "NaNGuard": "kcolor.callbacks",
    "TrainingDivergedError": "kcolor.callbacks",
}


def __getattr__(name):
    if name in _MOVED:
        where = _MOVED[name]
        warnings.warn(
            f"kcolor.training.{name} moved to {where}.{name}; kcolor.training will be "
            "removed in the next release.",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(where), name)
    raise AttributeError(f"module 'kcolor.training' has no attribute {name!r}")


def __dir__():
    return sorted(_MOVED)


__all__ = []
