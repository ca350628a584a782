"""Checks every number the prose quotes from the published quick run against its results.json.

    python scripts/quotes.py [--results docs/quick/results.json] [FILES...]

FILES are notebooks (their markdown cells are read) and markdown files;
the default is ``notebooks/*.ipynb``, ``README.md`` and ``docs/course.md``.
``results.json`` is written beside the page by ``scripts/build_index.py``
(``docs/quick/results.json`` by ``bash scripts/run_quick.sh``).

A quoted number carries a marker right after it, an HTML comment that
Jupyter, Colab and GitHub do not show::

    56.1%<!-- quick: 03 | cGAN | acc@5% -->
    0.85×<!-- quick: 03 | cGAN | colorfulness / truth | colorfulness -->
    12.6 min<!-- quick: 03 | wall time | min -->
    12 min 52 s<!-- quick: 07 | wall time -->
    "no"<!-- quick: 02 | verdict | too good -->

The grammar (spaces around each part are ignored; names compare without
regard to case or repeated spaces)::

    marker  = "<!--" "quick:" NB "|" quote "-->"
    NB      = two digits ("03"), optionally "#K": the K-th results table of
              that notebook (claims table for a verdict), counted from 1
              in notebook order; "all" for the whole run's wall time
    quote   = ROW "|" COLUMN                        one cell
            | ROW "|" COLUMN " / " ROW "|" COLUMN   a ratio of two cells
            | "wall time" [ "|" UNIT ]              UNIT: s (default), min, h
            | "verdict" "|" WORDS                   a claims row's verdict

ROW is a row of our numbers (the "ours" rows, never the paper's), COLUMN
a column header, as the notebook's results table prints them (an
experiment's name such as ``07_wgan_clip_l1_patch``, which the page shows
in words). The ratio's " / " has a
space on each side, so a column such as ``img/s`` stays one name; a name
cannot hold ``|`` or `` / ``. Without ``#K`` the row and column may be in
several tables of the notebook only where they print the same value there;
otherwise the marker is ambiguous and must name its table. WORDS is part of
the paper's words that the claims row quotes (case-insensitive) and must
pick one verdict.

What is compared: the number written right before the marker (digits with
an optional sign, decimal point and thousands commas, then optionally
``%``, ``×`` or ``x``, spaces, ``**`` emphasis, or for a wall time ``s``,
``min`` or ``h``) against the value from results.json rounded half-up to
as many decimals as the prose wrote. A percentage is compared as the table
prints it (the prose's "56.1%" against the table's 56.12); a ratio quoted
with ``%`` is compared as a percentage (0.823 -> "82%"). A verdict marker
needs the verdict's words ("yes", "no", "within the seed spread",
"steered", "cannot tell") right before it, quotes and emphasis allowed.

Prints one line per marker: OK, STALE (with the value to write) or ERROR
(a row, column, table or notebook that results.json does not have, or a
marker that does not parse), and exits 1 when any is not OK, 2 when
results.json is missing.
"""

import argparse
import json
import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RESULTS = ROOT / "docs" / "quick" / "results.json"

MARKER = re.compile(r"<!--\s*quick\b(.*?)-->", re.DOTALL)
# The number the prose writes right before a marker, with its unit.
QUOTED = re.compile(r"(?<![\w.,@#/^])(?P<number>[-+\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
                    r"(?P<unit>\s*(?:%|\u00d7|x|s|min|h)?)[\s*_]*$")
# A wall time written as the results page writes it: "12 min 52 s".
CLOCK = re.compile(r"(?<!\w)(?P<clock>\d+ min \d\d s)[\s*_]*$")
VERDICTS = ("yes", "no", "within the seed spread", "steered", "cannot tell")
UNITS = {"s": 1.0, "min": 60.0, "h": 3600.0}


class MarkerError(ValueError):
    """A marker that does not parse, or names what results.json does not hold."""


def _norm(text):
    return re.sub(r"\s+", " ", text).strip().lower()


def parse_marker(body):
    """A marker's text after ``quick`` as a dict: ``{"notebook", "table", "kind", ...}``.

    kind ``"cell"`` has ``"terms"`` (one or two ``(row, column)``), ``"wall
    time"`` has ``"unit"``, ``"verdict"`` has ``"words"``. Raises
    ``MarkerError`` for text outside the grammar of the module docstring.
    """
    text = body.strip()
    if not text.startswith(":"):
        raise MarkerError("a marker reads <!-- quick: NB | ... -->")
    pieces = re.split(r"\s/\s", text[1:], maxsplit=1)
    head = [p.strip() for p in pieces[0].split("|")]
    found = re.fullmatch(r"(\d\d|all)(?:#(\d+))?", head[0])
    if not found or (found.group(1) == "all" and found.group(2)):
        raise MarkerError(f"{head[0]!r} is no notebook: write its two digits (03), or 03#2 for "
                          "its second table, or 'all' for the whole run's wall time")
    marker = {"notebook": found.group(1),
              "table": int(found.group(2)) if found.group(2) else None}
    if found.group(2) == "0":
        raise MarkerError("tables count from 1: 03#1 is the first")
    what = _norm(head[1]) if len(head) > 1 else ""
    if what == "wall time" and len(pieces) == 1:
        unit = head[2] if len(head) > 2 else "s"
        if len(head) > 3 or unit not in UNITS:
            raise MarkerError(f"a wall time reads '| wall time' or '| wall time | UNIT' with "
                              f"UNIT one of {', '.join(UNITS)}; got {text[1:].strip()!r}")
        return {**marker, "kind": "wall time", "unit": unit}
    if marker["notebook"] == "all":
        raise MarkerError("'all' quotes only the whole run's wall time: all | wall time")
    if what == "verdict" and len(pieces) == 1:
        if len(head) != 3 or not head[2]:
            raise MarkerError("a verdict reads NB | verdict | words of the claim")
        return {**marker, "kind": "verdict", "words": head[2]}
    terms = [head[1:]]
    if len(pieces) > 1:  # a ratio: the denominator's ROW | COLUMN
        terms.append([p.strip() for p in pieces[1].split("|")])
    for term in terms:
        if len(term) != 2 or not all(term):
            raise MarkerError(f"expected ROW | COLUMN (or ROW | COLUMN / ROW | COLUMN) after "
                              f"the notebook; got {text[1:].strip()!r}")
    return {**marker, "kind": "cell", "terms": [tuple(t) for t in terms]}


def _notebook(results, number):
    notebooks = results.get("notebooks", {})
    if number not in notebooks:
        raise MarkerError(f"results.json has no notebook {number} (it has "
                          f"{', '.join(sorted(notebooks)) or 'none'})")
    return notebooks[number]


def _tables(entry, marker, key):
    """``[(K, table)]``: the tables a marker may look in (K counts from 1)."""
    tables = list(enumerate(entry.get(key, []), 1))
    if marker["table"] is not None:
        tables = [(k, t) for k, t in tables if k == marker["table"]]
        if not tables:
            raise MarkerError(f"notebook {marker['notebook']} has {len(entry.get(key, []))} "
                              f"{'claims' if key == 'claims' else 'results'} table(s), no "
                              f"#{marker['table']}")
    return tables


def _cell(entry, marker, row, column):
    """The value of ``row``/``column`` of our rows in the marker's table(s)."""
    hits, rows_seen = [], []
    for k, table in _tables(entry, marker, "tables"):
        for name, values in table.get("rows", {}).items():
            rows_seen.append(name)
            if _norm(name) != _norm(row):
                continue
            for col, value in values.items():
                if _norm(col) == _norm(column):
                    hits.append((k, value))
    where = f"notebook {marker['notebook']}" + (f" table {marker['table']}"
                                                  if marker["table"] else "")
    if not hits:
        if any(_norm(name) == _norm(row) for name in rows_seen):
            raise MarkerError(f"{where}: row {row!r} has no number in column {column!r}")
        names = ", ".join(dict.fromkeys(rows_seen)) or "none"
        raise MarkerError(f"{where}: no row {row!r} among our rows ({names})")
    if len({value for _, value in hits}) > 1:
        raise MarkerError(f"{where}: {row} | {column} differs between tables "
                          f"{', '.join(str(k) for k, _ in hits)}; name one, e.g. "
                          f"{marker['notebook']}#{hits[0][0]}")
    return hits[0][1]


def value_of(marker, results):
    """What a parsed marker quotes from results.json: a number, or a verdict's words."""
    if marker["kind"] == "wall time":
        if marker["notebook"] == "all":
            seconds = results.get("wall_time_s")
        else:
            seconds = _notebook(results, marker["notebook"]).get("wall_time_s")
        if seconds is None:
            raise MarkerError(f"results.json has no wall time for {marker['notebook']}")
        return seconds / UNITS[marker["unit"]]
    entry = _notebook(results, marker["notebook"])
    if marker["kind"] == "verdict":
        verdicts = {}
        for _, table in _tables(entry, marker, "claims"):
            for words, verdict in table.get("rows", {}).items():
                if _norm(marker["words"]) in _norm(words):
                    verdicts[words] = verdict
        if not verdicts:
            raise MarkerError(f"notebook {marker['notebook']}: no claims row quotes "
                              f"{marker['words']!r}")
        if len(set(verdicts.values())) > 1:
            raise MarkerError(f"notebook {marker['notebook']}: {marker['words']!r} matches rows "
                              f"with different verdicts ({'; '.join(verdicts)}): quote more "
                              "of the words")
        return next(iter(verdicts.values()))
    values = [_cell(entry, marker, row, column) for row, column in marker["terms"]]
    if len(values) == 1:
        return values[0]
    if values[1] == 0:
        raise MarkerError(f"the ratio's denominator {' | '.join(marker['terms'][1])} is 0")
    return values[0] / values[1]


def _rounded(value, decimals):
    step = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP)


def _clock(seconds):
    """``754`` -> ``"12 min 34 s"``, as the results page writes a time (from two minutes on)."""
    seconds = round(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 120 else f"{seconds} s"


def compare(before, marker, value):
    """``(quoted text, ok, what to write)`` for the prose ``before`` a marker quoting ``value``.

    Raises ``MarkerError`` when no number (or verdict) stands right before
    the marker.
    """
    if marker["kind"] == "verdict":
        tail = before.rstrip(" \t*_\"'\u201c\u201d\u2018\u2019")
        said = next((v for v in VERDICTS if re.search(rf"(?<!\w){re.escape(v)}$", tail.lower())),
                    None)
        if said is None:
            raise MarkerError("no verdict (" + ", ".join(VERDICTS) + ") right before the marker")
        return said, said == value, value
    clock = CLOCK.search(before) if marker["kind"] == "wall time" else None
    if clock:  # minutes and seconds, as build_index writes them
        right = _clock(value * UNITS[marker["unit"]])
        return clock.group("clock"), clock.group("clock") == right, right
    found = QUOTED.search(before)
    if not found:
        raise MarkerError("no number right before the marker")
    number, unit = found.group("number"), found.group("unit").strip()
    if marker["kind"] == "wall time" and unit in UNITS and unit != marker["unit"]:
        raise MarkerError(f"the prose gives the time in {unit} but the marker in "
                          f"{marker['unit']}: write '| wall time | {unit}'")
    decimals = len(number.split(".")[1]) if "." in number else 0
    if marker["kind"] == "cell" and len(marker["terms"]) == 2 and unit == "%":
        value = value * 100
    written = Decimal(number.replace(",", "").replace("\u2212", "-"))
    right = _rounded(value, decimals)
    text = f"{right:,}" if "," in number else f"{right}"
    return (found.group(0).strip(" *_"), written == right,
            f"{text}{found.group('unit').rstrip()}")


def _cells(path):
    """``[(where, markdown)]`` of a notebook's markdown cells or a markdown file."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return [(f"cell {i}", "".join(c["source"]) if isinstance(c["source"], list)
                 else c["source"]) for i, c in enumerate(nb["cells"])
                if c["cell_type"] == "markdown"]
    return [("", path.read_text(encoding="utf-8"))]


def check_text(text, results):
    """Every marker of a markdown text: ``[(offset, marker text, quoted, status, detail)]``.

    status is ``"OK"``, ``"STALE"`` (detail: the value to write) or
    ``"ERROR"`` (detail: what is wrong).
    """
    found = []
    for match in MARKER.finditer(text):
        label = "quick" + " ".join(match.group(1).split())
        # The prose on the marker's line, after any earlier comment on it.
        before = text[:match.start()].rsplit("\n", 1)[-1].rsplit("-->", 1)[-1]
        try:
            marker = parse_marker(match.group(1))
            quoted, ok, right = compare(before, marker, value_of(marker, results))
        except MarkerError as error:
            found.append((match.start(), label, before[-20:].strip(), "ERROR", str(error)))
            continue
        found.append((match.start(), label, quoted, "OK" if ok else "STALE", right))
    return found


def check_files(paths, results):
    """``[(file, where, marker text, quoted, status, detail)]`` for every marker in ``paths``."""
    out = []
    for path in paths:
        for where, text in _cells(path):
            for offset, label, quoted, status, detail in check_text(text, results):
                if not where:  # a markdown file: the line of the marker
                    here = f"line {text.count(chr(10), 0, offset) + 1}"
                else:
                    here = where
                out.append((path, here, label, quoted, status, detail))
    return out


def default_files(root=ROOT):
    """The course's notebooks, README.md and docs/course.md, those that exist."""
    return sorted((root / "notebooks").glob("*.ipynb")) + [
        p for p in (root / "README.md", root / "docs" / "course.md") if p.exists()]


def _shown(path):
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default=str(DEFAULT_RESULTS),
                        help="the results.json beside the published page")
    parser.add_argument("files", nargs="*", help="notebooks and markdown files "
                        "(default: notebooks/*.ipynb, README.md, docs/course.md)")
    args = parser.parse_args(argv)
    results_path = Path(args.results)
    if not results_path.exists():
        print(f"no {results_path}: it is written beside the page by scripts/build_index.py "
              "(bash scripts/run_quick.sh writes docs/quick/results.json)")
        return 2
    results = json.loads(results_path.read_text(encoding="utf-8"))
    paths = [Path(f) for f in args.files] or default_files()
    rows = check_files(paths, results)
    for path, where, label, quoted, status, detail in rows:
        said = f"{quoted!r}" if quoted else "(nothing)"
        if status == "OK":
            tail = "ok"
        elif status == "STALE":
            tail = f"write {detail}"
        else:
            tail = detail
        print(f"{status:5}  {_shown(path)} {where}: {said} <!-- {label} -->: {tail}")
    bad = sum(1 for row in rows if row[4] != "OK")
    run = results.get("run", {})
    print(f"{len(rows)} quoted number(s) in {len(paths)} file(s), {bad} stale or wrong; "
          f"against {results_path} (commit {run.get('commit', 'not recorded')}, finished "
          f"{run.get('finished', 'not recorded')})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
