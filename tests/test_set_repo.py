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
    current, ref = script.setting(), script.current_ref()
    assert ref and ref != "main", "the notebooks must install a release or commit, not main"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"github.com/{current}" in readme
    for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        text = notebook.read_text(encoding="utf-8")
        for link in (f"colab.research.google.com/github/{current}/blob/{ref}/notebooks/"
                     f"{notebook.name}",
                     f"github.com/{current}/blob/{ref}/notebooks/{notebook.name}",
                     f"pip install -q git+https://github.com/{current}@{ref}\\n"):
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
    ref = script.current_ref(copy)
    assert (f"colab.research.google.com/github/alice/colour-course/blob/{ref}/notebooks/"
            "03_unet_vs_cgan.ipynb") in nb
    assert f"%pip install -q git+https://github.com/alice/colour-course@{ref}" in nb
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


def test_ref_moves_every_install_badge_and_notebook_link_and_nothing_else(copy, capsys):
    script = _load_script()
    old = script.current_ref(copy)
    before = _texts(copy)
    assert script.main(["--ref", "0123abc"], root=copy) == 0
    after = _texts(copy)
    assert script.current_ref(copy) == "0123abc"
    repo = script.setting(copy)
    nb = after[Path("notebooks/08_colorize_your_photos.ipynb")]
    assert f"%pip install -q git+https://github.com/{repo}@0123abc\\n" in nb
    assert f"colab.research.google.com/github/{repo}/blob/0123abc/notebooks/" in nb
    assert f"github.com/{repo}/blob/0123abc/notebooks/08_colorize_your_photos.ipynb" in nb
    assert "0123abc" in after[Path("README.md")]
    for name, text in after.items():
        # Nothing else changed: the old ref back gives the file as it was (an
        # install line that named no ref, e.g. in prose, gains one).
        was = f"@{old}" if f"@{old}" in before[name] else ""
        assert text.replace("@0123abc", was).replace("/0123abc/", f"/{old}/") \
            == before[name], name
    assert FOREIGN in after[Path("README.md")]  # another repository's blob/master stays
    assert script.main(["--check"], root=copy) == 0
    capsys.readouterr()
    assert script.main(["--ref", "0123abc"], root=copy) == 0  # idempotent
    assert "0 file(s) changed" in capsys.readouterr().out


def test_check_fails_on_a_notebook_that_installs_main_or_another_ref(copy, capsys):
    script = _load_script()
    ref, repo = script.current_ref(copy), script.setting(copy)
    notebook = copy / "notebooks" / "05_colorful_colorization.ipynb"
    text = notebook.read_text(encoding="utf-8")
    notebook.write_text(text.replace(f"{repo}@{ref}", repo), encoding="utf-8")
    assert script.main(["--check"], root=copy) == 1
    assert "05_colorful_colorization.ipynb" in capsys.readouterr().out
    notebook.write_text(text.replace(f"blob/{ref}/notebooks/05", "blob/v9.9/notebooks/05"),
                        encoding="utf-8")
    assert script.main(["--check"], root=copy) == 1
    assert "v9.9" in capsys.readouterr().out
    assert script.main(["--ref", ref], root=copy) == 0
    assert script.main(["--check"], root=copy) == 0


@pytest.mark.parametrize("bad", ["", "a b", "../x", "-rf", "v1/2"])
def test_a_bad_ref_is_refused_and_nothing_changes(copy, bad, capsys):
    script = _load_script()
    before = _texts(copy)
    with pytest.raises(SystemExit):
        script.main(["--ref", bad], root=copy)
    assert "--ref" in capsys.readouterr().err
    assert _texts(copy) == before


def _code_cells(path):
    import nbformat

    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def _quick_times():
    """{notebook stem: "ran in" text} from the published quick run's page."""
    import re

    page = (ROOT / "docs" / "quick" / "index.html").read_text(encoding="utf-8")
    return dict(re.findall(r'<h2 id="([0-9][0-9]_\w+)">.*?ran in ([0-9][^<·]*?\bs)\b', page, re.S))


def test_notebooks_default_to_the_course_on_colab_and_to_smoke_elsewhere():
    import nbformat

    times = _quick_times()
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)  # every cell has an id
        assert nb.metadata["accelerator"] == "GPU", path.name  # Colab opens a GPU runtime
        assert nb.metadata["colab"]["gpuType"], path.name
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name
        source = "\n".join(_code_cells(path))
        assert 'MOUNT_DRIVE = True  #@param {type:"boolean"}' in source, path.name
        assert 'PROFILE = "quick"  #@param ["smoke", "quick", "full"]' in source, path.name
        # Run the parameters lines outside Colab, on Colab, and with KCOLOR_PROFILE set.
        params = next(c for c in _code_cells(path) if "#@param [" in c)
        lines = "\n".join(line for line in params.splitlines() if "PROFILE" in line
                          or line.startswith(("import", "    from kcolor", "    print", "          ")))
        for on_colab, env, gpu, expected in [(False, {}, False, "smoke"),
                                             (True, {}, True, "quick"),
                                             (True, {"KCOLOR_PROFILE": "smoke"}, False, "smoke"),
                                             (False, {"KCOLOR_PROFILE": "full"}, False, "full")]:
            printed = []
            scope = {"ON_COLAB": on_colab, "print": lambda *a: printed.append(" ".join(a))}
            fake_os = _FakeOs(env, gpu)
            exec(lines.replace("import os", ""), {**scope, "os": fake_os})
            assert fake_os.profile(scope, lines) == expected
        # The quick profile on a CPU-only Colab runtime prints one line with the
        # time the published quick run took for this notebook.
        printed = []
        exec(lines.replace("import os", ""), {"ON_COLAB": True, "os": _FakeOs({}, False),
                                              "print": lambda *a: printed.append(" ".join(a))})
        assert len(printed) == 1 and "No GPU" in printed[0], path.name
        assert times[path.stem] in printed[0], (path.name, times[path.stem], printed[0])


class _FakeOs:
    """Just enough of ``os`` for a parameters cell: an environment and a GPU device or none."""

    def __init__(self, env, gpu):
        self.environ, self._gpu = dict(env), gpu
        self.path = self

    def exists(self, path):
        return self._gpu and path == "/dev/nvidia0"

    def profile(self, scope, lines):
        namespace = {"ON_COLAB": scope["ON_COLAB"], "os": self, "print": lambda *a: None}
        exec(lines.replace("import os", ""), namespace)
        return namespace["PROFILE"]
