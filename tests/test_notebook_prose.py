"""The notebooks read in one sitting: no markdown cell over 350 words, no notebook over 2,500.

Prose is what a student reads: LaTeX, inline code, HTML tags and comments
(the page's markers) and bare URLs are left out; a word starts with a letter
(``[A-Za-z][A-Za-z'-]*``), so numbers and symbols do not count, and the words
of a markdown table do. Long tuning diaries belong in benchmarks/README.md,
with a link.
"""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("0*.ipynb"))
CELL_WORDS, NOTEBOOK_WORDS = 350, 2500
_NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|<[^>]+>|https?://\S+", re.DOTALL)


def prose_words(markdown):
    """The words a reader reads in one markdown cell."""
    return re.findall(r"[A-Za-z][A-Za-z'-]*", _NOT_PROSE.sub(" ", markdown))


def test_prose_words_counts_what_is_read():
    cell = ("Two words <!-- explains: A | 1 --> `code here` $x^2$ see https://x.y/z 3.5\n"
            "| table | row |\n<b>bold</b> isn't")
    assert prose_words(cell) == ["Two", "words", "see", "table", "row", "bold", "isn't"]


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
