"""Writes build/index.html: the whole course's outcome on one page.

    python scripts/build_index.py [--notebooks build/notebooks] [--out build/index.html]
        [--figures build/figures] [--label TEXT] [--no-notebook-links]

For every executed notebook in ``--notebooks`` (written by
``scripts/run_notebooks.py``) the page shows its title, its claim paragraph,
its results tables (the outputs of ``kcolor.tables.results_table``), its
figures, how long it ran and in which profile (``timings.json``, written by
``run_notebooks.py``), and links to a readable HTML copy of the executed
notebook (written beside it) and to the ``.ipynb``. The figures are saved as
PNG files under ``--figures`` and the page shows them from there, so that
they can be linked or copied (the README's gallery). ``--label`` is shown at
the top: the profile, data and machine of the run.

A page to publish (``docs/quick/``, written by ``scripts/run_quick.sh``)
passes ``--no-notebook-links`` and a ``--figures`` folder beside the page:
one HTML page and its PNGs, without the executed notebooks.
"""

import argparse
import base64
import html
import json
import os
import sys
from pathlib import Path

CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { border-top: 1px solid #ddd; padding-top: 1em; }
.meta { color: #666; font-size: 0.9em; }
table.kcolor-results { border-collapse: collapse; margin: 0.8em 0; font-size: 0.85em; }
table.kcolor-results caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
table.kcolor-results th, table.kcolor-results td { border-bottom: 1px solid #ddd;
       padding: 0.25em 0.6em; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.figures img { max-width: 520px; max-height: 420px; border: 1px solid #eee; }
.failed { color: #b00; font-weight: bold; }
.label { font-size: 1.1em; background: #f4f4f4; padding: 0.4em 0.7em; border-left: 4px solid #888; }
"""


def _text(source):
    return "".join(source) if isinstance(source, list) else source


def _title_and_claim(nb):
    title, claim = None, None
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = _text(cell["source"])
        for line in text.splitlines():
            if title is None and line.startswith("# "):
                title = line[2:].strip()
        for paragraph in text.split("\n\n"):
            if claim is None and paragraph.strip().startswith("**The claim"):
                claim = paragraph.strip()
        if title and claim:
            break
    return title, claim


def _outputs(nb):
    """Yields ``(kind, payload)`` for result tables and figures, in notebook order."""
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            page = _text(data.get("text/html", ""))
            if "kcolor-results" in page:
                yield "table", page
            elif "image/png" in data:
                yield "figure", _text(data["image/png"]).strip()


def _errors(nb):
    return sum(1 for cell in nb["cells"] if cell["cell_type"] == "code"
               for output in cell.get("outputs", []) if output.get("output_type") == "error")


def _markdown(text):
    from nbconvert.filters import markdown2html

    return markdown2html(text)


def _notebook_html(path, target):
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_filename(str(path))
    target.write_text(body, encoding="utf-8")


def _duration(seconds):
    """``61`` -> ``"61 s"``, ``754`` -> ``"12 min 34 s"``."""
    seconds = round(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 120 else f"{seconds} s"


def _link(path, page):
    """``path`` relative to the folder of the HTML ``page``, wherever each lies."""
    return Path(os.path.relpath(path.resolve(), page.parent.resolve())).as_posix()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", default="build/notebooks")
    parser.add_argument("--out", default="build/index.html")
    parser.add_argument("--figures", default="build/figures")
    parser.add_argument("--label", default=None,
                        help='shown at the top, e.g. "quick profile, CIFAR-10, 2-core CPU"')
    parser.add_argument("--no-notebook-links", dest="notebook_links", action="store_false",
                        help="no HTML copies of the executed notebooks, and no links to them")
    args = parser.parse_args(argv)

    folder, out, figures = Path(args.notebooks), Path(args.out), Path(args.figures)
    paths = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        print(f"no executed notebooks in {folder}; run scripts/run_notebooks.py first")
        return 1
    figures.mkdir(parents=True, exist_ok=True)
    timings = {}
    if (folder / "timings.json").exists():
        timings = json.loads((folder / "timings.json").read_text())

    sections, toc, total = [], [], 0.0
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        title, claim = _title_and_claim(nb)
        title = title or path.stem
        anchor = path.stem
        run = timings.get(path.name, {})
        meta = [f"profile: {run.get('profile', '?')}"]
        if "seconds" in run:
            meta.append(f"ran in {_duration(run['seconds'])}")
            total += run["seconds"]
        if args.notebook_links:
            page = path.with_suffix(".html")
            _notebook_html(path, page)
            meta += [f'<a href="{_link(page, out)}">executed notebook (HTML)</a>',
                     f'<a href="{_link(path, out)}">.ipynb</a>']
        errors = _errors(nb)
        parts = [f'<h2 id="{anchor}">{html.escape(title)}</h2>',
                 f'<p class="meta">{" · ".join(meta)}</p>']
        if errors:
            parts.append(f'<p class="failed">{errors} cell(s) failed: see the notebook.</p>')
        if claim:
            parts.append(_markdown(claim))
        shown = []
        for kind, payload in _outputs(nb):
            if kind == "table":
                parts.append(payload)
            else:
                shown.append(payload)
        if shown:
            parts.append('<div class="figures">')
            for k, png in enumerate(shown, 1):
                name = f"{path.stem}_{k}.png"
                (figures / name).write_bytes(base64.b64decode(png))
                link = _link(figures / name, out)
                parts.append(f'<a href="{link}"><img src="{link}" alt="{name}"></a>')
            parts.append("</div>")
        sections.append("\n".join(parts))
        toc.append(f'<li><a href="#{anchor}">{html.escape(title)}</a>'
                   + (f' ({_duration(run["seconds"])})' if "seconds" in run else "") + "</li>")

    label = f'<p class="label">{html.escape(args.label)}</p>\n' if args.label else ""
    ran = f" All notebooks together ran in {_duration(total)}." if total else ""
    source = (f"the executed notebooks in <code>{html.escape(str(folder))}</code>"
              if args.notebook_links else "the course's notebooks, run one at a time")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kcolor: the course's results</title>
<style>{CSS}</style></head><body>
<h1>kcolor: the course's results</h1>
{label}<p class="meta">Every number and figure on this page comes from {source}, in the profile
each section names; rows labelled "paper" are the papers' own numbers.{ran}</p>
<ul>{''.join(toc)}</ul>
{''.join(sections)}
</body></html>
"""
    out.write_text(page, encoding="utf-8")
    print(f"wrote {out} ({len(paths)} notebooks) and {len(list(figures.glob('*.png')))} figures "
          f"in {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
