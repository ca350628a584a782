"""``import kcolor`` is enough to load any model kcolor saved, with ``keras.models.load_model``.

Each model is saved here, then loaded in a fresh Python process that does
nothing but ``import kcolor, keras`` and ``keras.models.load_model(path)``: no
``custom_objects``, no touching ``kcolor.Colorizer`` first. That process
predicts on the same input and the outputs must match this process's.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kcolor import models, sample_model
from kcolor.backend import keras
from kcolor.colorizers import CGAN, EBGAN, LSGAN, WGAN, ClassColorizer, Colorizer
from kcolor.quantize import UniformBins

ROOT = Path(__file__).resolve().parent.parent
SIZE = 16

# Loads every .keras file named in argv[1] (a JSON {name: [model, input]} map),
# predicts, and prints {name: output file} as JSON.
LOADER = """
import json, sys
import numpy as np
import kcolor, keras
jobs = json.loads(open(sys.argv[1]).read())
out = {}
for name, (model_path, input_path) in jobs.items():
    model = keras.models.load_model(model_path)
    result = np.asarray(model.predict(np.load(input_path), verbose=0))
    np.save(model_path + ".out.npy", result)
    out[name] = [type(model).__name__, model_path + ".out.npy"]
print("RESULT " + json.dumps(out))
"""


def _unet(seed):
    return models.unet(SIZE, width=1 / 16, seed=seed)


def _gan_generator(family):
    """A tiny GAN of ``family``, built and called once; returns what kcolor saves (G)."""
    if family == "cgan":
        gan = CGAN(_unet(1), models.patchgan(SIZE, width=1 / 16, seed=2))
    elif family == "lsgan":
        gan = LSGAN(models.koo_baseline(SIZE, seed=3),
                    models.patchgan(SIZE, width=1 / 16, seed=4))
    elif family == "wgan":
        gan = WGAN(_unet(5), critic=models.patchgan(SIZE, width=1 / 16, seed=6),
                   gradient_penalty=10.0)
    else:
        gan = EBGAN(_unet(7), models.ebgan_discriminator(SIZE, width=1 / 16, seed=8))
    return gan.generator


def _saved_models(folder):
    """{name: (model, input batch)} for every kind of model kcolor saves."""
    rng = np.random.default_rng(0)
    L = rng.uniform(0, 100, (2, SIZE, SIZE, 1)).astype("float32")
    regression = Colorizer(_unet(0), loss="l1")
    koo = Colorizer(models.koo_baseline(SIZE, seed=9), preprocessing="koo")
    bins = UniformBins(10)  # 2 x 10 logits: a's ten, then b's
    classes = ClassColorizer(models.colorful(SIZE, num_classes=20, width=1 / 16,
                                             seed=10), bins)
    built = {"Colorizer": regression, "Colorizer with Koo preprocessing": koo,
             "ClassColorizer": classes}
    for family in ("cgan", "lsgan", "wgan", "ebgan"):
        built[f"{family} generator"] = _gan_generator(family)
    out = {}
    for i, (name, model) in enumerate(built.items()):
        model.predict(L, verbose=0)  # builds every layer
        path = folder / f"model{i}.keras"
        model.save(path)
        out[name] = (path, L)
    return out


def test_import_kcolor_is_enough_to_load_every_saved_model(tmp_path):
    saved = _saved_models(tmp_path)
    jobs, expected = {}, {}
    for i, (name, (path, L)) in enumerate(saved.items()):
        np.save(tmp_path / f"input{i}.npy", L)
        jobs[name] = [str(path), str(tmp_path / f"input{i}.npy")]
        # The reference: loaded in this process, where every kcolor module is imported.
        expected[name] = np.asarray(keras.models.load_model(path).predict(L, verbose=0))
    # The packaged sample colorizer, copied (the loader writes its output beside it).
    packaged = tmp_path / "sample_colorizer.keras"
    packaged.write_bytes(sample_model.PACKAGED.read_bytes())
    sample_input = np.random.default_rng(1).uniform(
        0, 100, (2, sample_model.IMAGE_SIZE, sample_model.IMAGE_SIZE, 1)).astype("float32")
    np.save(tmp_path / "sample_input.npy", sample_input)
    jobs["sample colorizer"] = [str(packaged), str(tmp_path / "sample_input.npy")]
    expected["sample colorizer"] = np.asarray(
        keras.models.load_model(packaged).predict(sample_input, verbose=0))
    (tmp_path / "jobs.json").write_text(json.dumps(jobs))

    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", LOADER, str(tmp_path / "jobs.json")],
                          capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")][-1]
    loaded = json.loads(line.removeprefix("RESULT "))
    assert set(loaded) == set(expected)
    for name, (kind, output) in loaded.items():
        got = np.load(output)
        assert got.shape == expected[name].shape, name
        np.testing.assert_allclose(got, expected[name], rtol=1e-5, atol=1e-4, err_msg=name)
    assert loaded["Colorizer"][0] == "Colorizer"
    assert loaded["ClassColorizer"][0] == "ClassColorizer"


def _registering_modules():
    """Every kcolor module whose source registers a Keras-serializable object."""
    names = set()
    for path in (ROOT / "kcolor").rglob("*.py"):
        if "register_keras_serializable" in path.read_text(encoding="utf-8"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(names)


def test_import_kcolor_imports_every_module_that_registers_keras_objects():
    # A module that registers a class but is imported lazily would break
    # keras.models.load_model after a bare `import kcolor` (issue 34).
    wanted = _registering_modules()
    assert "kcolor.layers" in wanted and "kcolor.models.blocks" in wanted
    script = ("import json, sys, kcolor; "
              f"print(json.dumps([m for m in {wanted!r} if m not in sys.modules]))")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    missing = json.loads(proc.stdout.strip().splitlines()[-1])
    assert missing == [], f"add to kcolor.REGISTERING: {missing}"
