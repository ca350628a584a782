"""scripts/build_index.py: one page with every notebook's claim, tables and figures."""

import base64
import importlib.util
import io
import json
import re
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
    assert "smoke profile" in page and "ran in 61 s" in page
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
    """What scripts/run_quick.sh writes to docs/quick/: a page, PNGs, numbers, no notebooks."""
    folder = tmp_path / "run"
    folder.mkdir()
    for stem, colour in (("00_data", (200, 0, 0)), ("03_unet_vs_cgan", (0, 0, 200))):
        nbformat.write(new_notebook(cells=[
            new_markdown_cell(f"# {stem}\n\n**The claim.** Something about {stem}."),
            new_code_cell("fig", outputs=[new_output("display_data",
                                                     data={"image/png": _png_of(colour)})]),
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
    # No local notebook: .ipynb appears only in the GitHub and Colab links.
    assert "executed copy" not in page
    assert all(m.startswith(("https://github.com/", "https://colab.research.google.com/"))
               for m in re.findall(r'href="([^"]*\.ipynb)"', page))
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        "figures/00_data_1.png", "figures/03_unet_vs_cgan_1.png", "index.html", "results.json"]
    assert not list(folder.glob("*.html"))  # no HTML copies of the notebooks either


def _png_of(colour, size=(4, 6)):
    buffer = io.BytesIO()
    Image.fromarray(np.full((*size, 3), colour, np.uint8)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def _claims_html(rows):
    from kcolor import tables

    return tables.claims_table(rows, title="smoke profile, sample")._repr_html_()


def _course(folder):
    """Two executed notebooks: claims of every verdict, explanations, figures."""
    from kcolor import tables

    folder.mkdir(parents=True)
    shared = _png_of((10, 200, 10))
    claims = _claims_html([
        ("B", "4", "colors that were more vibrant", "0.8x vs 0.4x", True),
        ("B", "Table 1", "Accuracy ε = 5%: U-Net 37.2%, GAN 65.5%", "56.1% vs 61.0%", False),
        ("B", "Table 1", "MAE: U-Net 7.9, GAN 5.1", "9.00 vs 8.14", False,
         "mae_ab < the U-Net's and < grey's"),
        ("B", "4", "the results from CNN suffered from a light hue", "-", None),
        ("B", "4", "the GAN colours are brighter", "0.84x (thermostat)", tables.STEERED,
         "colourfulness > the U-Net's"),
        ("D", "3.2", "LSGAN covers more modes", "10 vs 10 classes", tables.CANNOT_TELL),
    ])
    deviations = ('<table class="kcolor-deviations"><tr><th>setting</th><th>paper</th>'
                  "<th>ours</th></tr><tr><td>L1 weight</td><td>100</td><td>350</td></tr></table>")
    nbformat.write(new_notebook(cells=[
        new_markdown_cell("# 03 · U-Net against the cGAN\n\n**The claim.** The GAN paints "
                          "brighter colours. It also scores higher."),
        new_markdown_cell("Grey, the two models and the truth on the first test photos. More."),
        new_code_cell("fig", outputs=[new_output("display_data", data={"image/png": shared})]),
        new_code_cell("t", outputs=[new_output("display_data", data={
            "text/html": ('<table class="kcolor-results"><tr><td>07_wgan_clip_l1_patch</td>'
                          "<td>dev npz test, 32 px</td></tr></table>")})]),
        new_code_cell("d", outputs=[
            new_output("display_data", data={"text/html": deviations}),
            new_output("display_data", data={"text/html": deviations.replace(
                "L1 weight", "warm start")})]),
        new_code_cell("c", outputs=[new_output("display_data", data={"text/html": claims})]),
        new_markdown_cell(
            "## Where ours differs\n\n"
            "* <!-- explains: B | Table 1 | Accuracy --> **Accuracy reverses.** The U-Net wins"
            " on acc@5%\n  because grey scores high.\n"
            "* **Training time.** Minutes, not 200 epochs.\n"),
    ]), folder / "03_unet_vs_cgan.ipynb")
    nbformat.write(new_notebook(cells=[
        new_markdown_cell("# 04 · Losses\n\n**The claim.** Cross-entropy is brighter."),
        new_markdown_cell("The same photos again: grey and truth."),
        new_code_cell("fig", outputs=[new_output("display_data", data={"image/png": shared})]),
        new_markdown_cell("One row per loss."),
        new_code_cell("fig", outputs=[
            new_output("stream", name="stdout", text="--- 04_l2: the L2 regressor\nEpoch 1/2\n"),
            new_output("display_data", data={"image/png": _png_of((0, 0, 250))}),
            new_output("stream", name="stdout", text="Epoch 2/2\n"),
            new_output("display_data", data={"image/png": _png_of((0, 0, 240))})]),
        new_code_cell("f", outputs=[new_output("display_data", data={
            "text/html": '<p class="kcolor-finding">Classification paints most colour.</p>'})]),
    ]), folder / "04_losses.ipynb")
    (folder / "timings.json").write_text(json.dumps({
        "03_unet_vs_cgan.ipynb": {"seconds": 498.0, "profile": "smoke", "status": "ok"},
        "04_losses.ipynb": {"seconds": 61.0, "profile": "smoke", "status": "ok"}}))
    (folder / "run.json").write_text(json.dumps({
        "finished": "2026-12-07 19:00 UTC", "commit": "abc123", "uncommitted_changes": False,
        "kcolor": "0.1.0", "tensorflow": "2.21.0", "keras": "3.15.1", "python": "3.11.7",
        "machine": "2-core Some CPU, no GPU", "command": "bash scripts/main.sh",
        "profile": "smoke"}))


def _build(tmp_path):
    folder = tmp_path / "run"
    _course(folder)
    site = tmp_path / "site"
    assert _load_script().main(["--notebooks", str(folder), "--out", str(site / "index.html"),
                                "--figures", str(site / "figures"),
                                "--no-notebook-links"]) == 0
    return (site / "index.html").read_text(), site


def test_the_page_opens_with_provenance_and_a_summary_row_per_notebook(tmp_path):
    page, _ = _build(tmp_path)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    for text in ("2026-12-07 19:00 UTC", "abc123", "kcolor 0.1.0", "TensorFlow 2.21.0",
                 "Keras 3.15.1", "2-core Some CPU, no GPU", "bash scripts/main.sh"):
        assert text in page, text
    summary = page[page.index('<table class="summary">'):]
    summary = summary[:summary.index("</table>")]
    assert page.index('<table class="summary">') < page.index('<h2 id="03_unet_vs_cgan">')
    rows = re.findall(r"<tr>(.*?)</tr>", summary, re.S)[1:]
    assert len(rows) == 2
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                   rows[0], re.S)]
    head = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", summary)]
    assert head[3:8] == ["yes", "no", "within the seed spread", "steered", "cannot tell"]
    assert cells[:9] == ["03 · U-Net against the cGAN", "B, D",
                         "Claim: The GAN paints brighter colours.", "1", "2", "1", "1", "1",
                         "8 min 18 s"]
    assert 'href="#03_unet_vs_cgan"' in rows[0]
    assert "/blob/" in rows[0] and "colab.research.google.com/github/" in rows[0]
    assert "Classification paints most colour." in rows[1]  # the notebook's own finding
    assert "6 claims of the papers checked by this run: 1 supported" in page
    assert "1 steered" in page and "1 that the measurement cannot separate" in page


def test_every_no_shows_the_notebooks_explanation_or_says_it_has_none(tmp_path):
    page, _ = _build(tmp_path)
    why = page[page.index('<div class="why">'):]
    why = why[:why.index("</div>")]
    assert "Accuracy ε = 5%" in why and "The U-Net wins on acc@5%" in why
    assert "because grey scores high" in why  # the whole bullet, continuation included
    assert "MAE: U-Net 7.9" in why and "does not explain this row" in why
    assert "(criterion: mae_ab &lt; the U-Net&#x27;s and &lt; grey&#x27;s)" in why
    assert "brighter" not in why and "more modes" not in why  # steered, cannot tell
    assert "light hue" not in why and "Minutes, not 200 epochs" not in why  # not a "no"
    assert "explains:" not in why
    assert page.index('class="kcolor-results kcolor-claims"') < page.index('<div class="why">')
    claims = page[page.index('class="kcolor-results kcolor-claims"'):]
    assert "<th" in claims and ">criterion</th>" in claims[:claims.index("</table>")]


def test_deviations_scrolling_tables_and_human_names(tmp_path):
    page, _ = _build(tmp_path)
    assert '<div class="deviations">' in page and "L1 weight" in page
    # Two tables in a row (one per model) share one box and one heading.
    assert page.count('<div class="deviations">') == 1
    box = page[page.index('<div class="deviations">'):]
    box = box[:box.index("</div></div>")]
    assert box.count("Where this run's settings differ") == 1
    assert "L1 weight" in box and "warm start" in box
    tables = re.findall(r"(.{0,40})<table class=\"kcolor-", page)
    assert tables and all('<div class="scroll">' in before for before in tables)
    assert "07_wgan_clip_l1_patch</td>" not in page
    assert "WGAN, clipped critic, L1, PatchGAN" in page
    assert "dev npz" not in page and "CIFAR-10 development subset test, 32 px" in page


def test_figures_are_captioned_full_width_and_shown_once(tmp_path):
    page, site = _build(tmp_path)
    figures = re.findall(r'<img src="([^"]+)" alt="([^"]+)">', page)
    # The grey/truth figure of 03 repeats in 04: shown once.
    assert len(figures) == 3
    assert sorted(p.name for p in (site / "figures").glob("*.png")) == [
        "03_unet_vs_cgan_1.png", "04_losses_1.png", "04_losses_2.png"]
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page)
    assert captions[0].startswith("Grey, the two models and the truth on the first test photos")
    assert "smoke profile" in captions[0] and "embedded sample photos" in captions[0]
    # Which run and epoch a figure belongs to, from what its cell printed before it.
    assert captions[1].startswith("One row per loss — the L2 regressor, epoch 1 of 2")
    assert captions[2].startswith("One row per loss — the L2 regressor, epoch 2 of 2")
    for src, alt in figures:
        assert alt in captions and not alt.endswith(".png")
    assert "max-width: 100%" in page and "max-height" not in page


def test_the_page_shows_the_deviations_table_of_the_library(tmp_path):
    from kcolor import experiments

    folder = tmp_path / "run"
    folder.mkdir()
    table = experiments.deviations("03_cgan", "quick")
    nbformat.write(new_notebook(cells=[
        new_markdown_cell("# 03 · U-Net against the cGAN"),
        new_code_cell("experiments.deviations('03_cgan', PROFILE)", outputs=[new_output(
            "execute_result", data={"text/html": table._repr_html_(), "text/plain": str(table)},
            execution_count=1)]),
    ]), folder / "03_unet_vs_cgan.ipynb")
    out = tmp_path / "index.html"
    assert _load_script().main(["--notebooks", str(folder), "--out", str(out), "--figures",
                                str(tmp_path / "figures"), "--no-notebook-links"]) == 0
    page = out.read_text()
    box = page[page.index('<div class="deviations">'):]
    assert "Where this run's settings differ from the paper" in box
    assert "03_cgan, quick profile, against paper B" in box
    assert '<td style="text-align:left">L1 weight</td><td style="text-align:left">100</td>' \
        '<td style="text-align:left">350</td>' in box
    # The warm start's experiment name reads in words, as in the other tables.
    assert "U-Net, L2" in box
    assert 'class="kcolor-results' not in page  # not taken for a results or claims table


def test_results_json_beside_the_page_holds_every_table_number_verdict_and_wall_time(tmp_path):
    """The numbers prose quotes (scripts/quotes.py), parsed from the tables as printed."""
    from kcolor import tables

    folder = tmp_path / "run"
    folder.mkdir()
    results = tables.ResultsTable(
        {"U-Net (L2)": {"acc@5%": 0.60724, "mae_ab": 8.1549, "profile": "quick"},
         "cGAN": {"acc@5%": 0.5612, "mae_ab": 9.2071, "colorfulness": float("nan"),
                  "profile": "quick"},
         "grey": {"acc@5%": 0.5556, "mae_ab": 9.07, "colorfulness": 0.0, "profile": "quick"}},
        {"cGAN": {"acc@5%": 65.5, "mae": 5.1, "data": "CIFAR-10, 200 epochs"}},
        title="quick profile, dev test, 32 px")
    # A table written by hand: ratios, a count with a thousands comma, words, a bound, inf.
    slider = ('<table class="kcolor-results"><thead><tr><th>model</th><th>source</th>'
              "<th>colourfulness</th><th>images</th><th>note</th><th>g_grad_norm</th>"
              "<th>psnr</th></tr></thead><tbody><tr><td>U-Net × 1.75</td><td>ours</td>"
              "<td>0.74x</td><td>2,000</td><td>vivid</td><td>&lt; 1e-04</td><td>inf</td></tr>"
              "<tr><td>U-Net × 2.0</td><td>ours</td><td>0.85×</td><td>2,000</td><td></td>"
              "<td>4.9e-08</td><td>-3.5</td></tr></tbody></table>")
    claims = _claims_html([
        ("B", "4", "colors that were more vibrant", "0.8x", tables.STEERED, "> U-Net"),
        ("B", "Table 1", "MAE: U-Net 7.9, GAN 5.1", "9.21 vs 8.15", False, "mae_ab < grey's"),
    ])
    nbformat.write(new_notebook(cells=[
        new_markdown_cell("# 03 · U-Net against the cGAN"),
        new_code_cell("t", outputs=[new_output("execute_result", execution_count=1, data={
            "text/html": results._repr_html_(), "text/plain": results.markdown})]),
        new_code_cell("s", outputs=[new_output("display_data", data={"text/html": slider})]),
        new_code_cell("c", outputs=[new_output("display_data", data={"text/html": claims})]),
        new_code_cell("fig", outputs=[new_output("display_data", data={"image/png": _png()})]),
    ]), folder / "03_unet_vs_cgan.ipynb")
    nbformat.write(new_notebook(cells=[new_markdown_cell("# 00 · Data")]),
                   folder / "00_data.ipynb")
    (folder / "timings.json").write_text(json.dumps(
        {"03_unet_vs_cgan.ipynb": {"seconds": 754.2, "profile": "quick", "status": "ok"}}))
    (folder / "run.json").write_text(json.dumps(
        {"finished": "2026-12-07 19:00 UTC", "commit": "abc123", "profile": "quick"}))
    site = tmp_path / "docs" / "quick"
    assert _load_script().main(["--notebooks", str(folder), "--out", str(site / "index.html"),
                                "--figures", str(site / "figures"), "--label", "quick, dev",
                                "--no-notebook-links"]) == 0
    numbers = json.loads((site / "results.json").read_text())
    assert numbers["run"]["commit"] == "abc123"
    assert numbers["run"]["finished"] == "2026-12-07 19:00 UTC"
    assert numbers["label"] == "quick, dev" and numbers["wall_time_s"] == 754.2
    assert sorted(numbers["notebooks"]) == ["00", "03"]
    assert numbers["notebooks"]["00"] == {"notebook": "00_data.ipynb", "wall_time_s": None,
                                          "errors": 0, "tables": [], "claims": []}
    entry = numbers["notebooks"]["03"]
    assert entry["notebook"] == "03_unet_vs_cgan.ipynb" and entry["wall_time_s"] == 754.2
    first, second = entry["tables"]
    assert first["title"] == "quick profile, dev test, 32 px"
    # As printed (two decimals, percentages in percent); NaN is no number and stays out.
    assert first["rows"]["U-Net (L2)"] == {"acc@5%": 60.72, "mae_ab": 8.15}
    assert first["rows"]["cGAN"] == {"acc@5%": 56.12, "mae_ab": 9.21}
    assert first["rows"]["grey"] == {"acc@5%": 55.56, "mae_ab": 9.07, "colorfulness": 0.0}
    assert list(first["rows"]) == ["U-Net (L2)", "cGAN", "grey"]
    assert first["paper"] == {"cGAN": {"acc@5%": 65.5, "mae": 5.1}}  # the paper's, apart
    assert second["title"] is None
    assert second["rows"] == {
        "U-Net × 1.75": {"colourfulness": 0.74, "images": 2000},
        "U-Net × 2.0": {"colourfulness": 0.85, "images": 2000, "g_grad_norm": 4.9e-08,
                        "psnr": -3.5}}
    assert entry["claims"] == [{"title": "smoke profile, sample", "rows": {
        "colors that were more vibrant": "steered", "MAE: U-Net 7.9, GAN 5.1": "no"}}]
