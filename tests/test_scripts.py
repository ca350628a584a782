"""scripts/test.sh and scripts/main.sh: what they run, and in which models folder.

Each script runs in a temporary copy of the repository whose ``.venv/bin/python``
is a stand-in that records its arguments and environment, and whose
``scripts/setup.sh`` does nothing: the test checks the scripts' wiring, not
pytest or the notebooks.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RECORDER = """#!{python}
import json, os, sys
if sys.argv[1:2] == ["-c"]:  # a one-line script: run it
    code, sys.argv = sys.argv[2], ["-c", *sys.argv[3:]]
    exec(code)
    sys.exit()
with open(os.environ["RECORD"], "a") as out:
    out.write(json.dumps({{"args": sys.argv[1:], "profile": os.environ.get("KCOLOR_PROFILE"),
                          "models": os.environ.get("KCOLOR_MODELS"),
                          "models_exists": os.path.isdir(os.environ.get("KCOLOR_MODELS", "")),
                          "dev_npz": os.environ.get("KCOLOR_DEV_NPZ"),
                          "digits": os.environ.get("KCOLOR_06_DATASET")}}) + "\\n")
"""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="bash scripts")


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    for name in ("test.sh", "main.sh", "run_quick.sh"):
        shutil.copy(ROOT / "scripts" / name, root / "scripts" / name)
    (root / "scripts" / "setup.sh").write_text("exit 0\n")
    python = root / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(RECORDER.format(python=sys.executable))
    python.chmod(0o755)
    (root / "tests").mkdir()
    (root / "tests" / "test_color.py").write_text("")
    (root / "notebooks").mkdir()
    (root / "notebooks" / "03_unet_vs_cgan.ipynb").write_text("{}")
    return root


def _run(repo, script, *args, **env):
    record = repo / "record.jsonl"
    record.unlink(missing_ok=True)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KCOLOR_")}
    environ.update(RECORD=str(record), **env)
    done = subprocess.run(["bash", f"scripts/{script}", *args], cwd=repo, env=environ,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in record.read_text().splitlines()]


@pytest.mark.parametrize("options", [[], ["-p", "no:cacheprovider"], ["-m", "not slow"]])
def test_test_sh_without_a_path_runs_everything(repo, options):
    (call,) = _run(repo, "test.sh", *options)
    assert call["args"] == ["-m", "pytest", "-n", "2", "tests/", "--nbval", "notebooks/",
                            *options]
    (call,) = _run(repo, "test.sh", *options, KCOLOR_TEST_WORKERS="0")
    assert call["args"] == ["-m", "pytest", "tests/", "--nbval", "notebooks/", *options]


@pytest.mark.parametrize("options", [["-k", "data"], ["-m", "data"], ["-p", "data"],
                                     ["-k", "tests"], ["--deselect", "tests/test_color.py"]])
def test_test_sh_does_not_take_an_options_value_for_a_path(repo, options):
    (repo / "data").mkdir()  # the repository has a data/ folder
    (call,) = _run(repo, "test.sh", *options, KCOLOR_TEST_WORKERS="0")
    assert call["args"] == ["-m", "pytest", "tests/", "--nbval", "notebooks/", *options]
    (call,) = _run(repo, "test.sh", *options, "tests/test_color.py")
    assert call["args"] == ["-m", "pytest", "--nbval", *options, "tests/test_color.py"]


def test_check_imports_passes_on_the_package():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_imports.py")],
                          capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, ""), done.stdout


def test_check_imports_names_each_offence(tmp_path):
    package = tmp_path / "kcolor"
    for folder in ("experiments", "callbacks", "checkpoints"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "experiments" / "runner.py").write_text(
        "from kcolor import plot\nimport kcolor.inference\n"
        "def f():\n    from kcolor.tables.results import results_table\n"
        "from kcolor.experiments.runs import _START\n")  # private, but its own package
    (package / "checkpoints" / "backup.py").write_text(
        "from kcolor.callbacks.nan_guard import _float_logs, NaNGuard\n"
        "from kcolor import _deprecated\nfrom . import _files\n")
    (package / "callbacks" / "nan_guard.py").write_text("from kcolor.checkpoints import fit\n")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_imports.py"),
                           str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert [line.split(":")[:2] for line in lines] == [
        ["kcolor/checkpoints/backup.py", "1"], ["kcolor/checkpoints/backup.py", "2"],
        ["kcolor/experiments/runner.py", "1"], ["kcolor/experiments/runner.py", "2"],
        ["kcolor/experiments/runner.py", "4"]]
    assert "kcolor.callbacks.nan_guard._float_logs" in lines[0]
    assert "experiments imports kcolor.tables.results.results_table" in lines[4]


def test_test_sh_with_a_path_runs_only_that_path(repo):
    (call,) = _run(repo, "test.sh", "tests/test_color.py", "-x")
    assert call["args"] == ["-m", "pytest", "--nbval", "tests/test_color.py", "-x"]
    (call,) = _run(repo, "test.sh", "-p", "no:cacheprovider", "notebooks/03_unet_vs_cgan.ipynb")
    assert call["args"] == ["-m", "pytest", "--nbval", "-p", "no:cacheprovider",
                            "notebooks/03_unet_vs_cgan.ipynb"]
    (call,) = _run(repo, "test.sh", "tests/test_color.py::test_one")
    assert call["args"] == ["-m", "pytest", "--nbval", "tests/test_color.py::test_one"]


def test_test_sh_trains_in_a_fresh_models_folder_in_the_smoke_profile(repo):
    mine = repo / "my_models"
    first, = _run(repo, "test.sh", KCOLOR_MODELS=str(mine), KCOLOR_PROFILE="quick",
                  KCOLOR_DEV_NPZ="cifar.npz")
    second, = _run(repo, "test.sh")
    assert first["profile"] == "smoke" and first["dev_npz"] is None
    assert first["models_exists"] and first["models"] != str(mine)
    assert second["models"] != first["models"]
    assert not Path(first["models"]).exists()  # removed after the run


def test_main_sh_empties_build_models_unless_told_where_models_go(repo):
    stale = repo / "build" / "models" / "03_cgan_smoke.keras"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    calls = _run(repo, "main.sh", "notebooks/03_unet_vs_cgan.ipynb")
    assert [c["args"][:2] for c in calls] == [["-m", "kcolor.demo"],
                                             ["scripts/run_notebooks.py", "--out"],
                                             ["scripts/build_index.py", "--notebooks"]]
    assert calls[1]["args"][-1] == "notebooks/03_unet_vs_cgan.ipynb"
    assert calls[1]["models"] == str(repo / "build" / "models") and not stale.exists()

    mine = repo / "my_models"
    calls = _run(repo, "main.sh", KCOLOR_MODELS=str(mine))
    assert calls[1]["models"] == str(mine)


def test_run_quick_sh_runs_each_notebook_alone_in_the_quick_profile_and_labels_the_page(repo):
    import numpy as np

    (repo / "notebooks" / "00_data.ipynb").write_text("{}")
    np.savez(repo / "dev.npz", x_train=np.zeros((20, 2, 2, 3), np.uint8),
             x_test=np.zeros((4, 2, 2, 3), np.uint8))
    stale = repo / "build" / "quick" / "models" / "03_cgan_quick.keras"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    calls = _run(repo, "run_quick.sh", KCOLOR_DEV_NPZ="dev.npz")
    runs, (index, published) = calls[:-2], calls[-2:]
    # The package's record of the run's times, for the Colab message (kcolor.published).
    assert published["args"] == ["-m", "kcolor.published", "docs/quick/results.json"]
    assert [c["args"][-1] for c in runs] == ["notebooks/00_data.ipynb",
                                            "notebooks/03_unet_vs_cgan.ipynb"]
    assert all(c["args"][0] == "scripts/run_notebooks.py" for c in runs)
    assert {c["profile"] for c in runs} == {"quick"} and not stale.exists()
    assert {c["models"] for c in runs} == {str(repo / "build" / "quick" / "models")}
    assert {c["dev_npz"] for c in runs} == {str(repo / "dev.npz")}
    assert {c["digits"] for c in runs} == {"digits"}
    args = index["args"]
    assert args[0] == "scripts/build_index.py" and "--no-notebook-links" in args
    assert args[args.index("--out") + 1] == "docs/quick/index.html"
    label = args[args.index("--label") + 1]
    assert label.startswith("quick profile, CIFAR-10 development subset (20 train / 4 test), ")
    assert "-core CPU" in label and "notebook 06 on the offline font digits" in label


def _root_conftest():
    import importlib.util

    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_parallel_units_keep_each_notebook_pair_together_and_start_notebooks_first():
    conftest = _root_conftest()
    assert conftest.work_unit("notebooks/08_colorize_your_photos.ipynb::Cell 3") == \
        "notebooks/03_unet_vs_cgan.ipynb"
    assert conftest.work_unit("notebooks/02_koo_dcgan.ipynb::Cell 0") == \
        "notebooks/01_koo_baseline.ipynb"
    assert conftest.work_unit("tests/test_gan.py::test_x[a::b]") == "tests/test_gan.py"

    class Item:
        def __init__(self, nodeid):
            self.nodeid = nodeid

    ids = ["tests/test_a.py::t1", "tests/test_b.py::t1", "tests/test_b.py::t2",
           "notebooks/01_koo_baseline.ipynb::Cell 0", "notebooks/01_koo_baseline.ipynb::Cell 1",
           "notebooks/02_koo_dcgan.ipynb::Cell 0", "notebooks/05_x.ipynb::Cell 0"]
    items = [Item(i) for i in ids]
    conftest.pytest_collection_modifyitems(None, items)
    # Notebooks first, the biggest unit first; inside a unit the order is kept
    # (01's cells before 02's).
    assert [i.nodeid for i in items] == [
        "notebooks/01_koo_baseline.ipynb::Cell 0", "notebooks/01_koo_baseline.ipynb::Cell 1",
        "notebooks/02_koo_dcgan.ipynb::Cell 0", "notebooks/05_x.ipynb::Cell 0",
        "tests/test_b.py::t1", "tests/test_b.py::t2", "tests/test_a.py::t1"]


def test_run_quick_sh_rerun_runs_only_the_named_notebooks_and_deletes_only_their_runs(repo):
    models = repo / "build" / "quick" / "models"
    (models / "checkpoints" / "03_cgan_quick").mkdir(parents=True)
    (models / "checkpoints" / "01_koo_baseline_quick").mkdir(parents=True)
    for name in ("01_koo_baseline_quick.keras", "03_cgan_quick.keras"):
        (models / name).write_text("model")
    kept = repo / "build" / "quick" / "notebooks" / "01_koo_baseline.ipynb"
    kept.parent.mkdir(parents=True)
    kept.write_text("{}")
    calls = _run(repo, "run_quick.sh", "notebooks/03_unet_vs_cgan.ipynb", QUICK_RERUN="1")
    assert [c["args"][-1] for c in calls[:-2]] == ["notebooks/03_unet_vs_cgan.ipynb"]
    assert calls[-2]["args"][0] == "scripts/build_index.py"
    assert calls[-1]["args"][:2] == ["-m", "kcolor.published"]
    assert not (models / "03_cgan_quick.keras").exists()
    assert not (models / "checkpoints" / "03_cgan_quick").exists()
    assert (models / "01_koo_baseline_quick.keras").exists()  # 02 still finds 01's model
    assert (models / "checkpoints" / "01_koo_baseline_quick").exists() and kept.exists()
    done = subprocess.run(["bash", "scripts/run_quick.sh"], cwd=repo, capture_output=True,
                          text=True, env=dict(os.environ, QUICK_RERUN="1",
                                              RECORD=str(repo / "record.jsonl")))
    assert done.returncode == 2 and "name the notebooks" in done.stderr


def test_run_quick_sh_prose_refreshes_only_the_named_copies_and_keeps_every_model(repo):
    models = repo / "build" / "quick" / "models"
    models.mkdir(parents=True)
    (models / "03_cgan_quick.keras").write_text("model")
    calls = _run(repo, "run_quick.sh", "notebooks/03_unet_vs_cgan.ipynb", QUICK_PROSE="1")
    assert [c["args"] for c in calls[:-2]] == [[
        "scripts/run_notebooks.py", "--prose-only", "--out", "build/quick/notebooks",
        "notebooks/03_unet_vs_cgan.ipynb"]]
    assert calls[-2]["args"][0] == "scripts/build_index.py"
    assert calls[-1]["args"][:2] == ["-m", "kcolor.published"]
    assert (models / "03_cgan_quick.keras").exists()


def _notebook(path, markdown, code, output=None):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    cell = new_code_cell(code)
    if output:
        cell.outputs = [new_output("stream", text=output)]
    nbformat.write(new_notebook(cells=[new_markdown_cell(markdown), cell]), path)


def test_prose_only_copies_markdown_and_refuses_a_copy_whose_code_changed(tmp_path):
    import importlib.util

    import nbformat

    spec = importlib.util.spec_from_file_location("run_notebooks",
                                                  ROOT / "scripts" / "run_notebooks.py")
    run_notebooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_notebooks)
    out = tmp_path / "out"
    out.mkdir()
    _notebook(tmp_path / "03_a.ipynb", "new prose", "print(1)")
    _notebook(out / "03_a.ipynb", "old prose", "print(1)", output="1\n")
    assert run_notebooks.main(["--prose-only", "--out", str(out), str(tmp_path / "03_a.ipynb")]) == 0
    refreshed = nbformat.read(out / "03_a.ipynb", as_version=4)
    assert refreshed.cells[0].source == "new prose"
    assert refreshed.cells[1].outputs[0].text == "1\n"  # the run's outputs stay

    _notebook(tmp_path / "04_b.ipynb", "new prose", "print(2)")
    _notebook(out / "04_b.ipynb", "old prose", "print(1)", output="1\n")
    before = (out / "04_b.ipynb").read_text()
    missing = tmp_path / "05_c.ipynb"
    _notebook(missing, "prose", "pass")
    paths = [str(tmp_path / "04_b.ipynb"), str(missing)]
    assert run_notebooks.main(["--prose-only", "--out", str(out), *paths]) == 1
    assert (out / "04_b.ipynb").read_text() == before and not (out / "05_c.ipynb").exists()
    with pytest.raises(SystemExit):
        run_notebooks.main(["--prose-only", "--out", str(out)])  # no notebooks named
