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
FAST = ["colorizer", "deep_cnn", "cgan_skip", "wgan_clip", "ebgan"]
SLOW = ["colorful", "cgan", "cgan_margin", "lsgan", "wgan_gp"]


def run_check(*args, timeout=600):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True, text=True, timeout=timeout, env=env,
        cwd=str(SCRIPT.parent.parent),
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stderr[-4000:]
    result = json.loads(lines[-1][len("RESULT "):])
    assert result["replicas"] == 2
    return result


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
def fast_result(tmp_path_factory):
    backup = tmp_path_factory.mktemp("backup")
    return run_check(*FAST, "--fit-backup", str(backup / "run"), "--wrong-reduction", "colorizer")


@pytest.mark.parametrize("name", FAST)
def test_one_distributed_step_equals_one_step_on_the_global_batch(fast_result, name):
    assert_same_step(name, fast_result[name])


def test_margin_skip_is_one_decision_for_all_replicas(fast_result):
    # Paper A's margin heuristic skipped D's update on every replica (it is
    # taken on the all-reduced errors), as without a strategy.
    result = fast_result["cgan_skip"]
    assert result["logs"]["d_skipped"] == result["distributed_logs"]["d_skipped"] == 1.0


def test_training_fit_with_backup_runs_under_the_strategy(fast_result):
    result = fast_result["fit_backup"]
    assert result == {"first_epochs": 1, "resumed_epochs": 1, "finite": True}


def test_the_comparison_catches_a_wrong_loss_reduction(fast_result):
    result = fast_result["wrong:colorizer"]
    assert result["max_diff"] > 0.1 * result["max_step"], result


@pytest.mark.slow
def test_the_other_colorizers_too():
    result = run_check(*SLOW, "--wrong-reduction", "cgan")
    assert result["wrong:cgan"]["max_diff"] > 0.1 * result["wrong:cgan"]["max_step"]
    for name in SLOW:
        assert_same_step(name, result[name])
    assert result["cgan_margin"]["distributed_logs"]["d_skipped"] == 0.0
