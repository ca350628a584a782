"""TensorFlow and Keras, imported once, quietly, with kcolor's device defaults.

Every kcolor module imports ``tf`` and ``keras`` from here, so that:

* Keras runs on the TensorFlow backend (``KERAS_BACKEND=tensorflow``) unless
  the user chose otherwise before importing kcolor;
* TensorFlow's start-up chatter (the oneDNN and CPU-feature INFO lines that
  its C++ core writes to stderr before logging is configured) is dropped,
  while anything else written to stderr during the import (a real warning or
  error) is passed through unchanged;
* ``default_jit_compile()`` gives one place to choose XLA per device type.
"""

import os
import re
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Lines TensorFlow's C++ core prints at import time on every machine. They are
# informational (level "I"), or the absl banner that precedes them.
_CHATTER = re.compile(
    r"(^WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|^I0000 .*(port\.cc|cpu_feature_guard\.cc|cuda_)"
    r"|^E0000 .*Unable to register cu(DNN|FFT|BLAS) factory"
    r"|^W0000 .*computation placer already registered"
    r"|^To enable the following instructions: .* in other operations, rebuild)"
)


def _import_quietly():
    """Imports tensorflow with fd 2 captured; re-emits all but the chatter."""
    if "tensorflow" in sys.modules:
        import tensorflow

        return tensorflow
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real fd 2 (some embedded shells)
        import tensorflow

        return tensorflow
    with tempfile.TemporaryFile(mode="w+b") as capture:
        os.dup2(capture.fileno(), 2)
        try:
            import tensorflow
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        capture.seek(0)
        text = capture.read().decode("utf-8", errors="replace")
    kept = [line for line in text.splitlines() if line and not _CHATTER.search(line)]
    if kept:
        sys.stderr.write("\n".join(kept) + "\n")
    return tensorflow


tf = _import_quietly()
import keras  # noqa: E402

if keras.backend.backend() != "tensorflow":
    raise ImportError(
        "kcolor needs Keras on the TensorFlow backend (its GAN train steps use "
        f"tf.GradientTape), but KERAS_BACKEND is {keras.backend.backend()!r}. "
        "Unset KERAS_BACKEND or set it to 'tensorflow' before importing kcolor."
    )


def has_gpu():
    """True when TensorFlow sees at least one GPU."""
    return bool(tf.config.list_physical_devices("GPU"))


def default_jit_compile():
    """XLA compilation choice for ``compile(jit_compile=...)``.

    On CPU, XLA made kcolor's U-Net + PatchGAN training step about 2x slower
    on the machines we measured (see ``benchmarks/README.md``), so it is off;
    on GPU it is left to Keras (``"auto"``), which turns it on. Override with
    the environment variable ``KCOLOR_JIT_COMPILE`` (``1``/``0``/``auto``).
    """
    choice = os.environ.get("KCOLOR_JIT_COMPILE", "").strip().lower()
    if choice in ("1", "true", "yes", "on"):
        return True
    if choice in ("0", "false", "no", "off"):
        return False
    if choice == "auto":
        return "auto"
    return "auto" if has_gpu() else False


__all__ = ["tf", "keras", "has_gpu", "default_jit_compile"]
