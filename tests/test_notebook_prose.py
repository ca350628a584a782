"""The notebooks read in one sitting: no markdown cell over 350 words, no notebook over 2,500.

Prose is what a student reads: HTML comments (the page's markers), code
blocks, inline code, LaTeX, markdown tables and link targets are left out,
and a word is a whitespace-separated token with a letter or digit in it.
Long tuning diaries belong in benchmarks/README.md, with a link.
"""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("0*.ipynb"))
CELL_WORDS, NOTEBOOK_WORDS = 350, 2500


def prose_words(markdown):
    """The words a reader reads in one markdown cell."""
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.DOTALL)
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.DOTALL)
    text = re.sub(r"\$[^$\n]+\$", " ", text)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("|"))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return [word for word in text.split() if re.search(r"[A-Za-z0-9]", word)]


def test_prose_words_counts_what_is_read():
    cell = ("Two words <!-- explains: A | 1 --> `code here` $x^2$ [a link](http://x.y/z)\n"
            "| table | row |\n```\nblock of code\n```\n<b>bold</b>")
    assert prose_words(cell) == ["Two", "words", "a", "link", "bold"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_cells_and_notebook_within_the_reading_limits(path):
    cells = json.loads(path.read_text())["cells"]
    counts = {i: len(prose_words("".join(c["source"])))
              for i, c in enumerate(cells) if c["cell_type"] == "markdown"}
    long = {i: n for i, n in counts.items() if n > CELL_WORDS}
    assert not long, f"{path.name}: markdown cells over {CELL_WORDS} words: {long}"
    total = sum(counts.values())
    assert total <= NOTEBOOK_WORDS, (
        f"{path.name}: {total} words of prose (at most {NOTEBOOK_WORDS})")
