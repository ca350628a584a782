"""scripts/build_index.py: one page with every notebook's claim, tables and figures."""

import base64
import importlib.util
import io
import json
from pathlib import Path

import nbformat
import numpy as np
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from PIL import Image

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "build_index.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("build_index", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _png():
    buffer = io.BytesIO()
    Image.fromarray(np.full((4, 6, 3), (200, 30, 30), np.uint8)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_index_collects_claims_tables_figures_and_links(tmp_path):
    from kcolor import tables

    folder = tmp_path / "notebooks"
    folder.mkdir()
    table = tables.ResultsTable({"cGAN": {"acc@5%": 0.61, "profile": "smoke"}},
                                {"cGAN": {"acc@5%": 65.5}}, title="smoke profile, sample")
    nb = new_notebook(cells=[
        new_markdown_cell("# 03 · U-Net against the cGAN\n\nbuttons"),
        new_markdown_cell("**The claim.** The GAN is more vivid.\n\nMore text."),
        new_code_cell("table", outputs=[new_output(
            "execute_result", data={"text/html": table._repr_html_(), "text/plain": "t"},
            execution_count=1)]),
        new_code_cell("fig", outputs=[new_output("display_data", data={"image/png": _png()})]),
        new_code_cell("boom", outputs=[new_output("error", ename="E", evalue="x", traceback=[])]),
    ])
    nbformat.write(nb, folder / "03_unet_vs_cgan.ipynb")
    (folder / "timings.json").write_text(json.dumps(
        {"03_unet_vs_cgan.ipynb": {"seconds": 61.0, "profile": "smoke", "status": "ok"}}))

    out = tmp_path / "index.html"
    assert _load_script().main(["--notebooks", str(folder), "--out", str(out),
                                "--figures", str(tmp_path / "figures")]) == 0
    page = out.read_text()
    assert "03 · U-Net against the cGAN" in page and "The GAN is more vivid." in page
    assert "More text." not in page  # only the claim paragraph
    assert 'class="kcolor-results"' in page and "65.50%" in page and "61.00%" in page
    assert "profile: smoke" in page and "ran in 61 s" in page
    assert "1 cell(s) failed" in page
    assert 'href="notebooks/03_unet_vs_cgan.html"' in page
    assert (folder / "03_unet_vs_cgan.html").stat().st_size > 1000
    figure = tmp_path / "figures" / "03_unet_vs_cgan_1.png"
    assert Image.open(figure).size == (6, 4)


def test_index_without_notebooks_says_what_to_run(tmp_path, capsys):
    assert _load_script().main(["--notebooks", str(tmp_path), "--out",
                                str(tmp_path / "i.html")]) == 1
    assert "run_notebooks.py" in capsys.readouterr().out


def test_index_links_work_when_the_figures_lie_outside_the_page_folder(tmp_path, monkeypatch):
    folder = tmp_path / "run" / "notebooks"
    folder.mkdir(parents=True)
    nb = new_notebook(cells=[
        new_markdown_cell("# 04 · Losses"),
        new_code_cell("fig", outputs=[new_output("display_data", data={"image/png": _png()})]),
    ])
    nbformat.write(nb, folder / "04_losses.ipynb")
    page = tmp_path / "site" / "index.html"
    page.parent.mkdir()
    monkeypatch.chdir(tmp_path)  # the default --figures is relative: build/figures
    assert _load_script().main(["--notebooks", str(folder), "--out", str(page)]) == 0
    html_text = page.read_text()
    assert 'href="../build/figures/04_losses_1.png"' in html_text
    assert 'href="../run/notebooks/04_losses.ipynb"' in html_text
    assert (tmp_path / "build" / "figures" / "04_losses_1.png").exists()


def test_a_published_page_has_its_label_wall_times_and_png_files_only(tmp_path):
    """What scripts/run_quick.sh writes to docs/quick/: one page, PNGs beside it, no notebooks."""
    folder = tmp_path / "run"
    folder.mkdir()
    for stem, seconds in (("00_data", 52.4), ("03_unet_vs_cgan", 754.0)):
        nbformat.write(new_notebook(cells=[
            new_markdown_cell(f"# {stem}\n\n**The claim.** Something about {stem}."),
            new_code_cell("fig", outputs=[new_output("display_data", data={"image/png": _png()})]),
        ]), folder / f"{stem}.ipynb")
    (folder / "timings.json").write_text(json.dumps({
        "00_data.ipynb": {"seconds": 52.4, "profile": "quick", "status": "ok"},
        "03_unet_vs_cgan.ipynb": {"seconds": 754.0, "profile": "quick", "status": "ok"}}))
    site = tmp_path / "docs" / "quick"
    label = "quick profile, CIFAR-10 development subset (20,000 train / 2,000 test), 2-core CPU"
    assert _load_script().main(["--notebooks", str(folder), "--out", str(site / "index.html"),
                                "--figures", str(site / "figures"), "--label", label,
                                "--no-notebook-links"]) == 0
    page = (site / "index.html").read_text()
    assert label in page
    assert "ran in 52 s" in page and "ran in 12 min 34 s" in page
    assert "All notebooks together ran in 13 min 26 s" in page
    assert "data:image" not in page  # figures are files, not inlined
    assert 'src="figures/03_unet_vs_cgan_1.png"' in page
    assert ".ipynb" not in page and "executed notebook (HTML)" not in page
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        "figures/00_data_1.png", "figures/03_unet_vs_cgan_1.png", "index.html"]
    assert not list(folder.glob("*.html"))  # no HTML copies of the notebooks either
