"""python -m kcolor: colorize and evaluate from the command line (issue 5)."""

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from kcolor.__main__ import main
from tests.test_inference import BROKEN, EXPECTED, _snapshot, _tiny_colorizer, _write_corpus


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "tiny.keras"
    _tiny_colorizer().save(path)
    return path


def test_help_documents_the_commands():
    result = subprocess.run(
        [sys.executable, "-m", "kcolor", "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    for word in ("colorize", "evaluate", "train-sample"):
        assert word in result.stdout
    sub = subprocess.run(
        [sys.executable, "-m", "kcolor", "colorize", "--help"],
        capture_output=True, text=True, timeout=120,
    )
    assert "--overwrite" in sub.stdout and "--suffix" in sub.stdout


def test_colorize_folder_with_mixed_files(model_file, tmp_path, capsys):
    corpus = tmp_path / "photos"
    corpus.mkdir()
    _write_corpus(corpus)
    before = _snapshot(corpus)
    out = tmp_path / "out"
    code = main(["colorize", str(corpus), "--model", str(model_file), "--out", str(out),
                 "--suffix", "_color", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1, "some files are broken, so the exit status is non-zero"
    for name in BROKEN:
        assert sum(name in line for line in err.splitlines()) == 1, f"one line for {name}"
    written = {p.name: p for p in out.rglob("*") if p.is_file()}
    assert not [n for n in written if n.startswith(".kcolor-")], "no partial files left"
    for name, shape in EXPECTED.items():
        stem, ext = name.rsplit(".", 1)
        if shape[-1] == 4 and ext == "jpg":
            ext = "png"
        target = f"{stem}_color.{ext}"
        assert target in written, f"{target} missing; have {sorted(written)}"
        with Image.open(written[target]) as img:
            assert (img.height, img.width) == shape[:2]
    assert (out / "photos" / "sub" / "nested_color.webp").exists(), "folder structure kept"
    assert _snapshot(corpus) == before, "inputs untouched"


def test_refuses_to_overwrite_unless_asked(model_file, tmp_path, capsys):
    photo = tmp_path / "photo.png"
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(photo)
    out = tmp_path / "out"
    assert main(["colorize", str(photo), "--model", str(model_file), "--out", str(out), "--quiet"]) == 0
    first = (out / "photo.png").read_bytes()
    (out / "photo.png").write_bytes(b"user's own file")
    assert main(["colorize", str(photo), "--model", str(model_file), "--out", str(out), "--quiet"]) == 1
    assert "--overwrite" in capsys.readouterr().err
    assert (out / "photo.png").read_bytes() == b"user's own file"
    assert main(["colorize", str(photo), "--model", str(model_file), "--out", str(out),
                 "--overwrite", "--quiet"]) == 0
    assert (out / "photo.png").read_bytes() == first


def test_never_writes_over_an_input_even_with_overwrite(model_file, tmp_path, capsys):
    photo = tmp_path / "photo.png"
    Image.fromarray(np.full((8, 8, 3), 99, np.uint8)).save(photo)
    original = photo.read_bytes()
    code = main(["colorize", str(photo), "--model", str(model_file), "--out", str(tmp_path),
                 "--overwrite", "--quiet"])
    assert code == 1 and "input file" in capsys.readouterr().err
    assert photo.read_bytes() == original


def test_missing_inputs_and_bad_model_fail_clearly(model_file, tmp_path, capsys):
    code = main(["colorize", str(tmp_path / "nope.jpg"), "--model", str(model_file),
                 "--out", str(tmp_path / "o"), "--quiet"])
    assert code == 1 and "nope.jpg: no such file" in capsys.readouterr().err
    (tmp_path / "bad.keras").write_text("nope")
    code = main(["colorize", str(tmp_path), "--model", str(tmp_path / "bad.keras"),
                 "--out", str(tmp_path / "o")])
    assert code == 2 and "not a Keras" in capsys.readouterr().err


def test_evaluate_prints_the_metrics_table(tmp_path, capsys):
    path = tmp_path / "tiny64.keras"
    _tiny_colorizer(64).save(path)
    assert main(["evaluate", "--model", str(path), "--data", "sample", "--max-batches", "1"]) == 0
    out = capsys.readouterr().out
    for key in ("mae_ab", "acc@2%", "colorfulness", "grey"):
        assert key in out
    assert main(["evaluate", "--model", str(path), "--data", "cifar10"]) == 2
    assert "not prepared" in capsys.readouterr().err
