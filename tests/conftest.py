"""Shared pytest set-up: quiet TensorFlow, a non-interactive Matplotlib, fixtures."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import matplotlib  # noqa: E402

# Agg in this process only: an MPLBACKEND variable would reach the notebook
# kernels that nbval starts, and their figures would never be drawn.
matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kcolor  # noqa: E402,F401  (imports TensorFlow quietly, once)
from kcolor.backend import keras  # noqa: E402


# No backend skip: importing kcolor raises unless Keras runs on TensorFlow
# (kcolor.backend), so every test here runs on it; ``tf_only`` documents which
# tests would need it.


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same random state."""
    keras.utils.set_random_seed(1234)
    yield


@pytest.fixture(autouse=True, scope="module")
def _fresh_session_per_module():
    """Frees Keras's global state between test files (not per test: it costs ~1 s)."""
    yield
    keras.backend.clear_session()


@pytest.fixture(autouse=True, scope="session")
def _models_folder(tmp_path_factory):
    """experiments.fit checkpoints under KCOLOR_MODELS: a temporary folder, not ./models."""
    mp = pytest.MonkeyPatch()
    mp.setenv("KCOLOR_MODELS", str(tmp_path_factory.mktemp("models")))
    yield
    mp.undo()


@pytest.fixture
def rng():
    return np.random.default_rng(0)
