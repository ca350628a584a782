"""Keras callbacks for kcolor's training runs: diagnostics, a time budget, samples, a NaN guard.

* ``GradientNormLogger`` records, batch by batch, the global norm of the
  generator's gradient that the adversarial train step logs as
  ``g_grad_norm``, and warns when it stays below paper A's 1e-4 (the
  discriminator has won and the generator no longer learns).
* ``ImageGrid`` saves a grey | ours | truth grid of fixed images at the end of
  every ``every``-th epoch (a PNG per epoch, headless with Matplotlib's Agg
  backend), optionally shows it in a notebook and writes it to TensorBoard.
* ``TimeBudget`` stops a run after a given wall time and counts its steps
  (equal-time comparisons, notebook 07).
* ``SampleSnapshots`` keeps an unconditional generator's samples of fixed
  noise after every epoch (notebook 06; ``kcolor.plot.snapshots`` draws them).
* ``ScoreTrace`` scores a colorizer on fixed held-out photos before training
  and after every epoch (notebook 03's accuracy-against-colour path).

The adversarial step's other logs (``d_loss``, ``g_loss``, ``d_real_acc``,
``d_fake_acc``, ...) are ordinary Keras logs, so the standard
``keras.callbacks.TensorBoard`` and ``keras.callbacks.CSVLogger`` record them
as they are.

* ``NaNGuard`` stops training at the first NaN or Inf in any logged value
  (raising ``TrainingDivergedError``), before a checkpoint can keep the
  diverged weights.

Checkpointing, and its callback ``BackupAndRestore``, live in
``kcolor.checkpoints``, which builds on the NaN guard here (and on
``nan_guard.float_logs``, the numbers of a Keras logs dict).

Reference:
    A: Koo, section 5.2: "the norm of the total gradient vector
    ||dL/dtheta_g||_2 reduced to less than 1e-4".
"""

from kcolor.callbacks.gradient_norms import GradientNormLogger
from kcolor.callbacks.image_grid import ImageGrid, grid_rows
from kcolor.callbacks.nan_guard import NaNGuard, TrainingDivergedError
from kcolor.callbacks.sample_snapshots import SampleSnapshots
from kcolor.callbacks.score_trace import ScoreTrace
from kcolor.callbacks.time_budget import TimeBudget


__all__ = ["GradientNormLogger", "ImageGrid", "grid_rows", "NaNGuard",
           "TimeBudget", "SampleSnapshots", "ScoreTrace", "TrainingDivergedError"]
