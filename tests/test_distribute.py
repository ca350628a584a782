"""Every colorizer's train step is right under tf.distribute.MirroredStrategy.

Issue 6: one step on a global batch of 2N under a two-replica
``MirroredStrategy`` (two logical CPU devices) gives the same updated
weights, and the same logged losses and metrics, as one step on the same
batch without a strategy. The comparison runs in a subprocess
(``tests/distribute_check.py``, which explains the set-up: synchronised
batch norm, no randomness, plain SGD) because the logical devices must be
configured before TensorFlow starts, and this process already has.

The check can fail: with the loss not divided by the number of replicas
(the replicas' gradients summed, not averaged) the weights differ by a
whole update.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.tf_only

SCRIPT = Path(__file__).with_name("distribute_check.py")
# Every colorizer kind, in two groups of about equal cost that run at the same
# time (tracing a step is mostly one core's work, and CI has two). Each group
# is one Python process that imports TensorFlow once.
FIRST = ["colorizer", "colorful", "deep_cnn", "wgan_gp", "ebgan"]
SECOND = ["cgan", "cgan_skip", "cgan_margin", "lsgan", "wgan_clip"]
KINDS = FIRST + SECOND


def run_checks(*groups, timeout=900):
    """Runs ``distribute_check.py`` once per group, all at once; merges their results."""
    root = str(SCRIPT.parent.parent)
    # The checkout under test, not whichever kcolor the interpreter has installed.
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="", PYTHONPATH=path)
    runs = [subprocess.Popen([sys.executable, str(SCRIPT), *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env,
                             cwd=root) for args in groups]
    merged = {}
    try:
        for run in runs:
            out, err = run.communicate(timeout=timeout)
            lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
            assert run.returncode == 0 and lines, err[-4000:]
            result = json.loads(lines[-1][len("RESULT "):])
            assert result.pop("replicas") == 2
            merged.update(result)
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
    return merged


def assert_same_step(name, result):
    # Agreement to 1e-3 of the update's size: float sums in a different
    # order; a wrong reduction is off by a whole update.
    assert result["max_step"] > 1e-3, (name, result)
    assert result["max_diff"] <= 1e-3 * result["max_step"] + 1e-6, (name, result)
    logs, distributed = result["logs"], result["distributed_logs"]
    assert set(logs) == set(distributed), name
    for key, value in logs.items():
        assert np.isclose(distributed[key], value, rtol=1e-4, atol=1e-5), (name, key, value,
                                                                            distributed[key])


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    backup = tmp_path_factory.mktemp("backup") / "run"
    return run_checks([*FIRST, "--wrong-reduction", "colorizer"],
                      [*SECOND, "--fit-backup", str(backup), "--wrong-reduction", "cgan"])


@pytest.mark.parametrize("name", KINDS)
def test_one_distributed_step_equals_one_step_on_the_global_batch(results, name):
    assert_same_step(name, results[name])


def test_margin_skip_is_one_decision_for_all_replicas(results):
    # Paper A's margin heuristic skipped D's update on every replica (it is
    # taken on the all-reduced errors), as without a strategy.
    result = results["cgan_skip"]
    assert result["logs"]["d_skipped"] == result["distributed_logs"]["d_skipped"] == 1.0


def test_training_fit_with_backup_runs_under_the_strategy(results):
    result = results["fit_backup"]
    assert result == {"first_epochs": 1, "resumed_epochs": 2, "trained_on_resume": [1],
                      "finite": True}


def test_margin_update_is_one_decision_for_all_replicas(results):
    # Both errors above the margin 0.1: D updates on every replica, as without a strategy.
    result = results["cgan_margin"]
    assert result["logs"]["d_skipped"] == result["distributed_logs"]["d_skipped"] == 0.0


@pytest.mark.parametrize("name", ["colorizer", "cgan"])
def test_the_comparison_catches_a_wrong_loss_reduction(results, name):
    result = results["wrong:" + name]
    assert result["max_diff"] > 0.1 * result["max_step"], result
