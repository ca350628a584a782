"""Writes build/index.html: the whole course's outcome on one page.

    python scripts/build_index.py [--notebooks build/notebooks] [--out build/index.html]
        [--figures build/figures] [--label TEXT] [--no-notebook-links]

The page opens with its provenance (when the run finished, the commit, the
versions of kcolor, TensorFlow and Keras, the machine and the command, from
``run.json`` that ``scripts/run_notebooks.py`` writes) and a summary: one row
per notebook with its papers, its one-line finding, the count of its claims
by verdict: this run supports them ("yes"), does not ("no"), finds the
difference within the seed spread, finds the quantity held at a set point
by a controller ("steered"), or cannot separate the sides ("cannot tell"),
its wall time, and links to its section, to the committed notebook on
GitHub and to the notebook on Colab. The claims tables carry each row's
criterion in its own column, and the "why no" box repeats it.

Each notebook's section then shows its claim paragraph and, in notebook
order, its results tables (HTML outputs with the class ``kcolor-results``,
written by ``kcolor.tables``), its deviations tables (HTML outputs with the
class ``kcolor-deviations``, one per model, under one heading where they
follow each other: how the profile's settings differ from the
paper's recipe) and its figures. Under each claims table (class
``kcolor-claims``) every "no" row is followed by the notebook's own
explanation of it: the markdown bullet or paragraph that carries the marker

    <!-- explains: PAPER | SECTION | words -->

(invisible in Jupyter and Colab) explains each row of that paper and
section whose quoted words contain ``words`` (case-insensitive; omit
``| words`` for every row of the section). A "no" with no such marker says
so on the page. The notebook's one-line finding, for the summary, is an HTML
output with the class ``kcolor-finding`` when the notebook prints one; else
the summary shows the first sentence of its claim paragraph.

Each figure is shown at its own size up to the column's width, once (a
figure whose PNG repeats one shown earlier on the page is left out), with a
caption: the first sentence of the markdown cell above the cell that drew
it, the profile and the data; that caption is also its alt text. The
figures are saved as PNG files under ``--figures`` and the page shows them
from there, so they can be linked or copied (the README's gallery).
``--label`` is shown at the top: the profile, data and machine of the run.

A page to publish (``docs/quick/``, written by ``scripts/run_quick.sh``)
passes ``--no-notebook-links`` and a ``--figures`` folder beside the page:
one HTML page, its PNGs and ``results.json``, without the executed notebooks.

Beside the page it writes ``results.json`` (``--out docs/quick/index.html``
-> ``docs/quick/results.json``): the run's numbers, for prose that quotes
them. ``"run"`` is ``run.json`` (commit, finished, versions, command),
``"label"`` the page's label, ``"wall_time_s"`` the total, and
``"notebooks"`` has one entry per notebook, keyed by its two-digit number
(``"03"``): ``"notebook"`` (its file name), ``"wall_time_s"`` (``null`` when
not timed), ``"errors"`` (failed cells), ``"tables"`` (each results table, in
notebook order: ``{"title": caption or null, "rows": {model: {column:
number}}, "paper": {...}}``, our rows in ``"rows"`` and the paper's in
``"paper"``; a cell is parsed to a number as printed, ``"56.12%"`` -> 56.12,
``"0.84x"`` -> 0.84, and a cell that is not a finite number is left out) and
``"claims"`` (each claims table: ``{"title": ..., "rows": {the paper's
words: verdict}}``).

Notebook prose quotes these numbers with a marker right after the number,

    56.1%<!-- quick: 03 | cGAN | acc@5% -->

which ``scripts/quotes.py`` checks against ``results.json`` (its docstring
gives the whole grammar: ratios of two cells, wall times, verdicts, a table
chosen by its number as in ``03#2``); ``tests/test_quoted_numbers.py``
fails when a quoted number differs from ``docs/quick/results.json``.
"""

import argparse
import base64
import hashlib
import html
import importlib.util
import json
import math
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 1.5em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { border-top: 1px solid #ddd; padding-top: 1em; }
.meta { color: #555; font-size: 0.9em; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.85em; }
table caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; vertical-align: top; }
table.summary td.n { text-align: right; white-space: nowrap; }
td.no, td.no b { color: #a00; }
.why { margin: -0.3em 0 1em 0; padding: 0.5em 0.9em; background: #fbf7f0;
       border-left: 4px solid #d9a441; font-size: 0.9em; }
.why h4 { margin: 0.2em 0 0.4em 0; }
.why .row { font-style: italic; }
.why ul { margin: 0.2em 0 0.6em 0; }
.deviations { border-left: 4px solid #6a8caf; padding-left: 0.7em; }
figure { margin: 1.2em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; max-width: 60em; }
.failed { color: #b00; font-weight: bold; }
.label { font-size: 1.05em; background: #f4f4f4; padding: 0.4em 0.7em; border-left: 4px solid #888; }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: 0.1em 1em;
                font-size: 0.9em; }
dl.provenance dt { color: #555; } dl.provenance dd { margin: 0; overflow-wrap: anywhere; }
"""

# The verdicts of kcolor.tables.VERDICTS, in the summary's column order.
VERDICTS = ("yes", "no", "within the seed spread", "steered", "cannot tell")
MARKER = re.compile(r"<!--\s*explains:\s*(.*?)\s*-->", re.S)

# Parts of experiment names (``07_wgan_clip_l1_patch``) in words, for the tables.
_WORDS = {
    "cgan": "cGAN", "lsgan": "LSGAN", "wgan": "WGAN", "ebgan": "EBGAN", "dcgan": "DCGAN",
    "gan": "GAN", "clip": "clipped critic", "gp": "gradient penalty", "l1": "L1", "l2": "L2",
    "patch": "PatchGAN", "global": "global D", "pt": "pull-away term", "unet": "U-Net",
    "koo": "paper A's", "baseline": "baseline", "huber": "smooth L1", "dropout": "dropout",
    "mlp": "MLP", "class": "classifier", "classes": "classifier", "bins": "bins",
    "colorful": "Zhang et al.'s network", "rebalanced": "rebalanced", "sat": "saturating",
    "nonsat": "non-saturating",
}


def _text(source):
    return "".join(source) if isinstance(source, list) else source


_ABBREVIATIONS = ("et al", "e.g", "i.e", "cf", "vs", "fig", "eq", "sec", "approx")


def _plain(text):
    """Markdown to one line of plain text: no markers, headings, tags, emphasis or links."""
    text = MARKER.sub("", text)
    text = " ".join(line.strip() for line in text.splitlines()
                    if line.strip() and not line.startswith("#")
                    and not line.lstrip().startswith("<"))
    text = re.sub(r"^\*\*[^*]{1,40}[.:]\*\*\s*", "", text)  # a lead-in: **The claim.**
    text = re.sub(r"\*\*|__|`", "", text)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)


def _sentences(text):
    """The sentences of a plain text; "et al.", "e.g." and the like end none."""
    out, start = [], 0
    for match in re.finditer(r"[.!?](?=\s|$)", text):
        before = text[start:match.start()].lower()
        if before.endswith(_ABBREVIATIONS):
            continue
        out.append(text[start:match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    return [x for x in out + ([rest] if rest else []) if x]


def _short(sentence, limit=220):
    sentence = sentence.strip().rstrip(":;,").strip()
    return sentence if len(sentence) <= limit else sentence[:limit - 1].rsplit(" ", 1)[0] + "…"


def _first_paragraph(text):
    """The first paragraph of a markdown text, up to a list that follows its opening words."""
    lines = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.lstrip().startswith("<"):
            if lines and not line.strip():
                break
            continue
        if lines and re.match(r"\s*([*-]|\d+\.)\s", line):
            break
        lines.append(line)
    return "\n".join(lines)


def _first_sentence(text, limit=220):
    """The first sentence of a markdown text, without headings, markers or markup."""
    sentences = _sentences(_plain(_first_paragraph(text)))
    return _short(sentences[0], limit) if sentences else ""


def _lead_in(text, limit=220):
    """What a markdown cell says of the output below it.

    The last sentence that points below (``below:`` or a closing colon), else
    the first sentence of its first paragraph.
    """
    sentences = _sentences(_plain(text))
    pointing = [x for x in sentences if re.search(r"\bbelow\b[^.]*:|:$", x)]
    return _short(pointing[-1], limit) if pointing else _first_sentence(text, limit)


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
    """Yields ``(kind, payload, cell index, context)`` for tables and figures, in notebook order.

    kind is ``"claims"``, ``"table"`` (a results table), ``"deviations"``,
    ``"finding"`` or ``"figure"`` (payload: base64 PNG). context says which
    run a figure belongs to, from what the cell printed before it: the last
    ``--- NAME: what`` line (``kcolor.experiments`` prints one as a run starts)
    and the last ``Epoch k/n``; ``""`` when it printed neither.
    """
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        run, epoch = "", ""
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                for line in _text(output.get("text", "")).splitlines():
                    header = re.match(r"^--- (\S+?):\s*(.*)$", line.strip())
                    if header:
                        run, epoch = header.group(2) or human_name(header.group(1)), ""
                    found = re.match(r"^Epoch (\d+)/(\d+)", line.strip())
                    if found:
                        epoch = f"epoch {found.group(1)} of {found.group(2)}"
                continue
            data = output.get("data", {})
            page = _text(data.get("text/html", ""))
            if "kcolor-finding" in page:
                yield "finding", page, index, ""
            elif "kcolor-deviations" in page:
                yield "deviations", page, index, ""
            elif "kcolor-claims" in page:
                yield "claims", page, index, ""
            elif "kcolor-results" in page:
                yield "table", page, index, ""
            elif "image/png" in data:
                yield "figure", _text(data["image/png"]).strip(), index, \
                    ", ".join(x for x in (run, epoch) if x)


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


def _cell_text(cell_html):
    return html.unescape(re.sub(r"<[^>]+>", "", cell_html)).strip()


def claim_criteria(table_html):
    """Each row's criterion of a claims table's HTML, in order (``""`` where it has none)."""
    head = [_cell_text(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", table_html, re.S)]
    if "criterion" not in head:
        return [""] * len(claim_rows(table_html))
    column = head.index("criterion")
    out = []
    for row in re.findall(r"<tr>(.*?)</tr>", table_html, re.S):
        cells = [_cell_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if len(cells) >= 5:
            out.append(cells[column] if column < len(cells) else "")
    return out


# A printed number: "56.12%", "0.84x", "8.15", "4.9e-08", "2,000", "-3.1".
_NUMBER = re.compile(r"^\s*([-+\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?)"
                     r"\s*(?:%|x|\u00d7)?\s*$")


def cell_number(text):
    """The number a table cell prints, or None: ``"56.12%"`` -> 56.12, ``"0.84x"`` -> 0.84.

    Percentages stay in percent, as printed. ``"inf"``, ``"nan"``, ``"< 1e-04"``,
    an empty cell or words give None.
    """
    match = _NUMBER.match(text)
    if not match:
        return None
    number = match.group(1).replace(",", "").replace("\u2212", "-")
    value = float(number)
    if not math.isfinite(value):
        return None
    return int(value) if re.fullmatch(r"[-+]?\d+", number) else value


def table_numbers(table_html):
    """A results table's HTML as ``{"title", "rows", "paper"}`` (see the module docstring).

    The first column names the row; a ``source`` column that says ``paper``
    puts the row in ``"paper"``, any other row is ours. A row name seen twice
    among ours gets `` (2)``, `` (3)``, ... after it.
    """
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", table_html, re.S)
    head = [_cell_text(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", table_html, re.S)]
    out = {"title": _cell_text(caption.group(1)) if caption else None, "rows": {}, "paper": {}}
    source = head.index("source") if "source" in head else None
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table_html, re.S):
        cells = [_cell_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if not cells or not head:
            continue
        side = "paper" if source is not None and source < len(cells) \
            and cells[source] == "paper" else "rows"
        numbers = {}
        for column, text in zip(head[1:], cells[1:]):
            value = cell_number(text)
            if value is not None and column != "source":
                numbers[column] = value
        name, k = cells[0], 1
        while name in out[side]:
            k += 1
            name = f"{cells[0]} ({k})"
        out[side][name] = numbers
    return out


def claim_verdicts(table_html):
    """A claims table's HTML as ``{"title", "rows": {the paper's words: verdict}}``."""
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", table_html, re.S)
    return {"title": _cell_text(caption.group(1)) if caption else None,
            "rows": {words: verdict for _, _, words, verdict in claim_rows(table_html)}}


def notebook_results(nb, timing):
    """One notebook's entry of ``results.json``: wall time, results and claims tables."""
    entry = {"wall_time_s": timing.get("seconds"), "errors": _errors(nb), "tables": [],
             "claims": []}
    for kind, payload, _, _ in _outputs(nb):
        if kind == "table":
            entry["tables"].append(table_numbers(payload))
        elif kind == "claims":
            entry["claims"].append(claim_verdicts(payload))
    return entry


def claim_rows(table_html):
    """``[(paper, section, words, verdict)]`` of a claims table's HTML."""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table_html, re.S):
        cells = [_cell_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if len(cells) >= 5:
            rows.append((cells[0], cells[1], cells[2], cells[-1]))
    return rows


def _norm(text):
    return re.sub(r"\s+", " ", text.replace("§", "")).strip().lower()


def explanations(nb):
    """``[(paper, section, words fragment or "", markdown)]``: every marked explanation.

    A marker explains the list item (or, outside a list, the paragraph) it
    stands in; see the module docstring.
    """
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = _text(cell["source"])
        if "explains:" not in text:
            continue
        # Split into top-level list items and paragraphs.
        blocks = re.split(r"\n(?=[*-] )|\n\s*\n(?![ \t])", text)
        for block in blocks:
            keys = MARKER.findall(block)
            if not keys:
                continue
            body = re.sub(r"^[*-]\s+", "", MARKER.sub("", block).strip())
            for key in keys:
                parts = [p.strip() for p in key.split("|")]
                paper, section = parts[0], parts[1] if len(parts) > 1 else ""
                fragment = parts[2] if len(parts) > 2 else ""
                found.append((paper, section, fragment, body.strip()))
    return found


def explanation_for(row, marked):
    """The markdown texts that explain a claims row ``(paper, section, words, verdict)``."""
    paper, section, words, _ = row
    return [body for p, s, fragment, body in marked
            if _norm(p) == _norm(paper) and _norm(s) == _norm(section)
            and _norm(fragment) in _norm(words)]


def _why_block(table_html, marked):
    """The "why no" box under a claims table: each "no" row and its explanation."""
    rows = [(row, criterion) for row, criterion in
            zip(claim_rows(table_html), claim_criteria(table_html)) if row[3] == "no"]
    if not rows:
        return ""
    parts = ['<div class="why"><h4>Why "no": the notebook\'s own explanation</h4>']
    for row, criterion in rows:
        paper, section, words, _ = row
        quoted = words if words[:1] in "“\"‘'" else f"“{words}”"
        tested = f" (criterion: {html.escape(criterion)})" if criterion else ""
        parts.append(f'<p class="row">Paper {html.escape(paper)}, {html.escape(section)}: '
                     f'{html.escape(quoted)}{tested}</p>')
        bodies = explanation_for(row, marked)
        if bodies:
            parts.append("<ul>" + "".join(f"<li>{_markdown(b)}</li>" for b in bodies) + "</ul>")
        else:
            parts.append("<ul><li>The notebook does not explain this row: see its "
                         "“Where ours differs” section.</li></ul>")
    parts.append("</div>")
    return "\n".join(parts)


def human_name(name):
    """``"07_wgan_clip_l1_patch"`` -> ``"WGAN, clipped critic, L1, PatchGAN"``."""
    words = [_WORDS.get(part, part) for part in name.split("_")[1:]]
    return ", ".join(w for w in words if w) or name


def humanize(page):
    """Table cells that hold an experiment's internal name show it in words."""
    def cell(match):
        name = match.group(2)
        return (f'{match.group(1)}<span title="{html.escape(name)}">'
                f"{html.escape(human_name(name))}</span>{match.group(3)}")

    page = re.sub(r"(<td[^>]*>)\s*(\d\d_[a-z][a-z0-9_]*)\s*(</td>)", cell, page)
    return re.sub(r"\bdev npz\b", "CIFAR-10 development subset", page)


def _scroll(table_html):
    return f'<div class="scroll">{humanize(table_html)}</div>'


def _data(name, run):
    """The data a notebook of this run used, in words."""
    profile = run.get("profile", "smoke")
    if name.startswith("06_"):
        if profile == "smoke" or run.get("digits"):
            return "digits drawn from matplotlib's fonts"
        return "MNIST"
    if profile == "smoke":
        return "the embedded sample photos"
    if run.get("dev_npz"):
        return "a CIFAR-10 development subset"
    return "CIFAR-10 (tensorflow-datasets)" if profile == "quick" else "the profile's data set"


def _caption_sources(nb):
    """{code cell index: first sentence of the nearest markdown cell above it}."""
    out, last = {}, ""
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            sentence = _lead_in(_text(cell["source"]))
            if sentence:
                last = sentence
        else:
            out[index] = last
    return out


def _set_repo():
    spec = importlib.util.spec_from_file_location("set_repo", ROOT / "scripts" / "set_repo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _repository():
    """``(OWNER/NAME, ref)`` of the published notebooks, or ``(None, None)``."""
    try:
        module = _set_repo()
        return module.setting(ROOT), module.current_ref(ROOT) or "main"
    except (OSError, SystemExit, AttributeError):
        return None, None


def _provenance(folder, run):
    """The provenance list: from ``run.json``, else marked as unknown."""
    def item(term, value):
        return f"<dt>{term}</dt><dd>{html.escape(str(value)) if value else 'not recorded'}</dd>"

    commit = run.get("commit")
    if commit and run.get("uncommitted_changes"):
        commit = f"{commit} (with uncommitted changes)"
    versions = ", ".join(f"{name} {run[key]}" for name, key in
                         [("kcolor", "kcolor"), ("TensorFlow", "tensorflow"), ("Keras", "keras"),
                          ("Python", "python")] if run.get(key))
    return ('<dl class="provenance">' + item("finished", run.get("finished"))
            + item("commit", commit) + item("versions", versions)
            + item("machine", run.get("machine")) + item("command", run.get("command"))
            + "</dl>")


def _summary(rows):
    head = ("notebook", "papers", "finding", "yes", "no", "within the seed spread", "steered",
            "cannot tell", "wall time", "links")
    out = ['<div class="scroll"><table class="summary"><thead><tr>'
           + "".join(f'<th style="text-align:left">{h}</th>' for h in head)
           + "</tr></thead><tbody>"]
    for r in rows:
        counts = [f'<td class="n{" no" if k == "no" and r["counts"][k] else ""}">'
                  f'{r["counts"][k] if r["claims"] else "–"}</td>' for k in VERDICTS]
        out.append(
            f'<tr><td><a href="#{r["anchor"]}">{html.escape(r["title"])}</a></td>'
            f'<td>{html.escape(r["papers"]) or "–"}</td><td>{r["finding"]}</td>'
            + "".join(counts)
            + f'<td class="n">{r["time"]}</td><td>{" · ".join(r["links"])}</td></tr>')
    out.append("</tbody></table></div>")
    return "\n".join(out)


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
    out.parent.mkdir(parents=True, exist_ok=True)
    timings = {}
    if (folder / "timings.json").exists():
        timings = json.loads((folder / "timings.json").read_text())
    run = {}
    if (folder / "run.json").exists():
        run = json.loads((folder / "run.json").read_text())
    repo, ref = _repository()

    sections, summary, total, seen, n_figures = [], [], 0.0, {}, 0
    numbers = {}
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        title, claim = _title_and_claim(nb)
        title = title or path.stem
        anchor = path.stem
        timing = {**run, **timings.get(path.name, {})}
        numbers[path.name[:2]] = {"notebook": path.name,
                                  **notebook_results(nb, timings.get(path.name, {}))}
        profile = timing.get("profile", "?")
        data = _data(path.name, timing)
        meta = [f"{profile} profile", data]
        time_text = "–"
        if "seconds" in timing:
            time_text = _duration(timing["seconds"])
            meta.append(f"ran in {time_text}")
            total += timing["seconds"]
        links = []
        if repo:
            github = f"https://github.com/{repo}/blob/{ref}/notebooks/{path.name}"
            colab = f"https://colab.research.google.com/github/{repo}/blob/{ref}/notebooks/{path.name}"
            links = [f'<a href="{github}">notebook</a>', f'<a href="{colab}">Colab</a>']
        if args.notebook_links:
            page = path.with_suffix(".html")
            _notebook_html(path, page)
            links += [f'<a href="{_link(page, out)}">executed copy</a>',
                      f'<a href="{_link(path, out)}">(.ipynb)</a>']
        errors = _errors(nb)
        parts = [f'<h2 id="{anchor}">{html.escape(title)}</h2>',
                 f'<p class="meta">{" · ".join(meta + links)}</p>']
        if errors:
            parts.append(f'<p class="failed">{errors} cell(s) failed: see the notebook.</p>')
        if claim:
            parts.append(_markdown(claim))
        marked = explanations(nb)
        captions = _caption_sources(nb)
        counts = {k: 0 for k in VERDICTS}
        papers, n_claims, finding = [], 0, None
        used = {}
        for kind, payload, index, context in _outputs(nb):
            if kind == "finding":
                finding = payload
            elif kind == "claims":
                parts.append(_scroll(payload))
                for row in claim_rows(payload):
                    n_claims += 1
                    counts[row[3]] = counts.get(row[3], 0) + 1
                    if row[0] not in papers:
                        papers.append(row[0])
                parts.append(_why_block(payload, marked))
            elif kind == "deviations":
                if parts and parts[-1].startswith('<div class="deviations">'):
                    # a notebook's tables, one per model, under one heading
                    parts[-1] = parts[-1][:-len("</div>")] + f"{_scroll(payload)}</div>"
                else:
                    parts.append(f'<div class="deviations"><h4>Where this run\'s settings '
                                 f'differ from the paper</h4>{_scroll(payload)}</div>')
            elif kind == "table":
                parts.append(_scroll(payload))
            else:
                png = base64.b64decode(payload)
                digest = hashlib.sha256(png).hexdigest()
                if digest in seen:
                    continue
                n_figures += 1
                name = f"{path.stem}_{sum(1 for v in seen.values() if v == path.stem) + 1}.png"
                seen[digest] = path.stem
                (figures / name).write_bytes(png)
                link = _link(figures / name, out)
                what = captions.get(index) or title
                if context:
                    what = f"{what.rstrip('.')} — {context}"
                used[what] = used.get(what, 0) + 1
                if used[what] > 1:
                    what = f"{what} (figure {used[what]})"
                caption = f"{what} ({profile} profile; its data: {data})"
                parts.append(f'<figure><a href="{link}"><img src="{link}" '
                             f'alt="{html.escape(caption)}"></a>'
                             f"<figcaption>{html.escape(caption)}</figcaption></figure>")
        sections.append("\n".join(p for p in parts if p))
        if finding is None:
            finding = "Claim: " + html.escape(_first_sentence(claim, 150)) if claim else "–"
        summary.append({"anchor": anchor, "title": title, "papers": ", ".join(papers),
                        "finding": finding, "counts": counts, "claims": n_claims,
                        "time": time_text, "links": links})

    label = f'<p class="label">{html.escape(args.label)}</p>\n' if args.label else ""
    ran = f" All notebooks together ran in {_duration(total)}." if total else ""
    source = (f"the executed notebooks in <code>{html.escape(str(folder))}</code>"
              if args.notebook_links else "the course's notebooks, run one at a time")
    totals = {k: sum(r["counts"][k] for r in summary) for k in VERDICTS}
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kcolor: the course's results</title>
<style>{CSS}</style></head><body>
<h1>kcolor: the course's results</h1>
{label}<p class="meta">Every number and figure on this page comes from {source}, in the profile
each section names; rows labelled "paper" are the papers' own numbers.{ran}</p>
{_provenance(folder, run)}
<h2 id="summary">Summary</h2>
<p>{sum(totals.values())} claims of the papers checked by this run: {totals["yes"]} supported
here, {totals["no"]} not, {totals["within the seed spread"]} within the seed spread (this run
cannot tell), {totals["steered"]} steered (the quantity is held at a set point by a controller,
so the run says nothing of it), {totals["cannot tell"]} that the measurement cannot separate
(a tie on a capped count). Each "no" is explained under its notebook's claims table. “Finding”: the
notebook's own one-line finding where it prints one, else the first sentence of its claim.</p>
{_summary(summary)}
{''.join(sections)}
</body></html>
"""
    out.write_text(page, encoding="utf-8")
    results = out.with_name("results.json")
    results.write_text(json.dumps({
        "about": "The numbers of the run behind the page beside this file, written by "
                 "scripts/build_index.py; prose quotes them with <!-- quick: ... --> markers, "
                 "which scripts/quotes.py checks.",
        "run": run, "label": args.label, "wall_time_s": round(total, 1) if total else None,
        "notebooks": numbers}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}, {results.name} ({len(paths)} notebooks) and {n_figures} figures "
          f"in {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
