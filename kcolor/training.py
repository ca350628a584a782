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

from kcolor._deprecated import moved

_MOVED = {
    "fit": "kcolor.checkpoints.fit",
    "BackupAndRestore": "kcolor.checkpoints.BackupAndRestore",
    "checkpoints": "kcolor.checkpoints.checkpoints",
    "restore": "kcolor.checkpoints.restore",
    "NaNGuard": "kcolor.callbacks.NaNGuard",
    "TrainingDivergedError": "kcolor.callbacks.TrainingDivergedError",
}
__getattr__ = moved(__name__, _MOVED)


def __dir__():
    return sorted(_MOVED)


__all__ = []
