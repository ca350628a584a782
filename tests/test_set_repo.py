"""scripts/set_repo.py: one setting names the repository; every link follows it."""

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "set_repo.py"
FOREIGN = "https://github.com/tensorflow/docs/blob/master/site/en/tutorials/generative/pix2pix.ipynb"


def _load_script():
    spec = importlib.util.spec_from_file_location("set_repo", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def copy(tmp_path):
    """The files the script edits, copied into a temporary repository root."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copy(ROOT / "README.md", tmp_path)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "models"))
    if (ROOT / "docs").is_dir():
        shutil.copytree(ROOT / "docs", tmp_path / "docs",
                        ignore=shutil.ignore_patterns("*.png", "*.jpg"))
    with open(tmp_path / "README.md", "a", encoding="utf-8") as readme:
        readme.write(f"\nA link to another repository stays: {FOREIGN}\n")
    return tmp_path


def _texts(root):
    script = _load_script()
    return {p.relative_to(root): p.read_text(encoding="utf-8")
            for p in [root / "pyproject.toml", *script.files(root)]}


def test_the_real_repository_agrees_with_its_setting(capsys):
    script = _load_script()
    assert script.main(["--check"]) == 0, capsys.readouterr().out
    current = script.setting()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"github.com/{current}" in readme
    for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        text = notebook.read_text(encoding="utf-8")
        for link in (f"colab.research.google.com/github/{current}/blob/main/notebooks/"
                     f"{notebook.name}",
                     f"github.com/{current}/blob/main/notebooks/{notebook.name}",
                     f"pip install -q git+https://github.com/{current}"):
            assert link in text, (notebook.name, link)


def test_a_fork_gets_every_link_and_nothing_else(copy, capsys):
    script = _load_script()
    old = script.setting(copy)
    before = _texts(copy)
    assert script.main(["alice/colour-course"], root=copy) == 0
    after = _texts(copy)
    assert script.setting(copy) == "alice/colour-course"
    changed = [name for name in before if before[name] != after[name]]
    assert Path("pyproject.toml") in changed and Path("README.md") in changed
    assert len([n for n in changed if n.suffix == ".ipynb"]) == 9
    for name, text in after.items():
        assert f"github.com/{old}" not in text, name  # every link changed...
        # ...and nothing else: putting the old name back gives the file as it was.
        assert text.replace("alice/colour-course", old) == before[name], name
    assert FOREIGN in after[Path("README.md")]
    nb = after[Path("notebooks/03_unet_vs_cgan.ipynb")]
    assert ("colab.research.google.com/github/alice/colour-course/blob/main/notebooks/"
            "03_unet_vs_cgan.ipynb") in nb
    assert "%pip install -q git+https://github.com/alice/colour-course" in nb
    assert script.main(["--check"], root=copy) == 0
    capsys.readouterr()

    # Idempotent: the same repository again changes nothing.
    assert script.main(["alice/colour-course"], root=copy) == 0
    assert "0 file(s) changed" in capsys.readouterr().out
    assert _texts(copy) == after


def test_check_lists_the_files_that_disagree(copy, capsys):
    script = _load_script()
    notebook = copy / "notebooks" / "08_colorize_your_photos.ipynb"
    current = script.setting(copy)
    notebook.write_text(notebook.read_text(encoding="utf-8").replace(
        f"git+https://github.com/{current}", "git+https://github.com/someone/else"),
        encoding="utf-8")
    assert script.main(["--check"], root=copy) == 1
    out = capsys.readouterr().out
    assert "notebooks/08_colorize_your_photos.ipynb" in out and "someone/else" in out
    assert "README.md" not in out
    # set_repo repairs it: the install line follows the setting again.
    assert script.main([current], root=copy) == 0
    assert script.main(["--check"], root=copy) == 0


@pytest.mark.parametrize("bad", ["kcolor", "a/b/c", "https://github.com/a/b", "_a/b", "a b/c"])
def test_a_bad_repository_name_is_refused_and_nothing_changes(copy, bad, capsys):
    script = _load_script()
    before = _texts(copy)
    with pytest.raises(SystemExit):
        script.main([bad], root=copy)
    assert "OWNER/NAME" in capsys.readouterr().err
    assert _texts(copy) == before
