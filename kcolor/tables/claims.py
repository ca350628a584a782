"""Claims and their verdicts: a paper's words against this run's numbers.

``claims_table`` lays out a notebook's "supported here?" table: each row
quotes a paper's claim, shows the number of this run that tests it, and
says yes, no, or "within the seed spread". ``beyond_spread`` is that last
verdict's statistic: whether a difference between two models' scores over
several seeds is larger than the spread over those seeds.
"""

import html
import math
import numbers

import numpy as np

from kcolor.tables.shown import Shown, escape


def _seed_values(values, what):
    """``values`` as a non-empty list of finite floats, one per seed; a clear error otherwise."""
    if isinstance(values, numbers.Real) and not isinstance(values, (bool, np.bool_)):
        values = [values]  # one value: a single seed, or a reference row without seeds
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise TypeError(f"beyond_spread: {what} must be a sequence of numbers, one per seed; "
                        f"got {values!r:.80}.")
    out = []
    for value in values:
        if isinstance(value, (bool, np.bool_, str, bytes)):
            raise TypeError(f"beyond_spread: {what} must hold numbers, got {value!r:.40} in "
                            f"{values!r:.80}.")
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"beyond_spread: {what} must hold numbers, got {value!r:.40} in "
                            f"{values!r:.80}.") from None
        if not math.isfinite(value):
            raise ValueError(f"beyond_spread: {what} holds {value}, which no spread can "
                             "be compared with (a diverged run?).")
        out.append(value)
    if not out:
        raise ValueError(f"beyond_spread: {what} is empty; give at least one value (one "
                         "per seed).")
    return out


def beyond_spread(a, b):
    """Whether ``a`` is above or below ``b`` by more than the spread over seeds, or neither.

    ``a`` and ``b`` are one metric's values for two models (or a model and a
    reference row), one value per seed. The difference of their means is a
    finding only where it is larger than the larger of their two spreads
    (max - min over the seeds); otherwise the seeds alone could have made
    it, and the run cannot tell which is higher. With a single seed on both
    sides the spreads are 0 and this is a plain comparison; a reference row
    without seeds (grey, truth) is one value, with no spread of its own.

    Args:
        a, b: sequences of numbers (lists, tuples, NumPy arrays), one per
            seed, not empty; the two may have different lengths. A single
            number counts as one value.

    Returns:
        ``True`` when ``mean(a) - mean(b)`` is larger than the larger
        spread, ``False`` when ``mean(b) - mean(a)`` is, and ``None`` when
        the difference is within the seed spread. A ``None`` shows as
        "within the seed spread" in a ``claims_table``.

    Raises:
        TypeError: a value that is not a number (a string, a bool).
        ValueError: an empty sequence, or a NaN or infinite value.

    Example:

    >>> beyond_spread([0.571, 0.565, 0.579], [0.520, 0.514, 0.526])  # spreads 0.014, 0.012
    True
    >>> beyond_spread([0.52, 0.56], [0.53, 0.54])  # 0.005 apart, spread 0.04
    >>> beyond_spread([0.40, 0.41], 0.556)  # against grey's single value
    False
    """
    a, b = _seed_values(a, "a"), _seed_values(b, "b")
    difference = sum(a) / len(a) - sum(b) / len(b)
    spread = max(max(a) - min(a), max(b) - min(b))
    if difference > spread:
        return True
    if -difference > spread:
        return False
    return None


#: What the "supported here?" column shows for each answer of a ``Claim``.
VERDICTS = {True: "yes", False: "no", None: "within the seed spread"}


class Claim:
    """One row of a "supported here?" table: a paper's words against our number.

    Args:
        paper: the paper's letter, ``"A"`` to ``"E"``.
        section: where the words are, e.g. ``"4.1"`` or ``"Table 1"``.
        words: the paper's own words (quoted) or a close paraphrase of them.
        ours: what this run measured that tests them, as text
            (``"acc@5% 61.2% vs grey 55.6%"``).
        supported: ``True`` or ``False``, computed from this run's numbers;
            or ``None`` where this run cannot tell (a difference within the
            spread over seeds, ``beyond_spread``), shown as "within the seed
            spread".
    """

    __slots__ = ("paper", "section", "words", "ours", "supported")

    def __init__(self, paper, section, words, ours, supported):
        if not isinstance(words, str) or not words.strip():
            raise ValueError("Claim: words must be the paper's claim as non-empty text")
        self.paper, self.section, self.words, self.ours = paper, section, words, ours
        # numpy booleans (np.bool_) are the usual result of a comparison
        self.supported = None if supported is None else bool(supported)

    @property
    def verdict(self):
        """``"yes"``, ``"no"`` or ``"within the seed spread"``."""
        return VERDICTS[self.supported]

    def __repr__(self):
        return f"Claim({self.paper} {self.section}: {self.words!r} -> {self.verdict})"


class ClaimsTable(Shown):
    """A notebook's "supported here?" table: one row per claim: yes, no, or within the seed spread.

    Made by ``claims_table``. It shows itself in Jupyter (HTML with the CSS
    classes ``kcolor-results kcolor-claims``, so ``scripts/build_index.py``
    publishes it beside the results tables) and as markdown under ``print``.

    Attributes:
        claims: the ``Claim`` rows, in order.
        title: the caption (which profile and data produced "ours").
    """

    HEADER = ("paper", "section", "the paper says", "ours", "supported here?")

    def __init__(self, claims, title=""):
        self.claims = list(claims)
        self.title = title

    def __len__(self):
        return len(self.claims)

    def __iter__(self):
        return iter(self.claims)

    @property
    def supported(self):
        """``{words: True/False/None}`` for asserts and the closing prose (None: can't tell)."""
        return {c.words: c.supported for c in self.claims}

    def _cells(self):
        return [(str(c.paper), str(c.section), c.words, str(c.ours), c.verdict)
                for c in self.claims]

    @property
    def markdown(self):
        lines = ["| " + " | ".join(self.HEADER) + " |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(escape(x) for x in row[:-1])
                  + f" | {'**no**' if row[-1] == 'no' else row[-1]} |" for row in self._cells()]
        return self._titled("\n".join(lines))

    def _repr_html_(self):
        out = ['<table class="kcolor-results kcolor-claims">']
        if self.title:
            out.append(f"<caption>{html.escape(self.title)}</caption>")
        out.append("<thead><tr>" + "".join(
            f'<th style="text-align:left">{html.escape(h)}</th>' for h in self.HEADER)
            + "</tr></thead><tbody>")
        for row in self._cells():
            cells = [html.escape(x) for x in row]
            if row[-1] == "no":
                cells[-1] = f"<b>{cells[-1]}</b>"
            out.append("<tr>" + "".join(f'<td style="text-align:left">{c}</td>' for c in cells)
                       + "</tr>")
        out.append("</tbody></table>")
        return "".join(out)


def claims_table(claims, *, title=""):
    """Lays out a paper's claims against this run's numbers: the "supported here?" table.

    Every paper notebook ends its results with one: each row quotes the
    paper's words and section, shows the number of this run that tests
    them, and says yes or no, computed from that number, so the answer
    changes with the profile and is never typed by hand. A row whose
    ``supported`` is ``None`` says "within the seed spread": the run
    cannot tell (``beyond_spread`` found the difference within the spread
    over seeds).

    Args:
        claims: ``Claim`` objects, or tuples ``(paper, section, words, ours,
            supported)`` in that order; ``supported`` is True, False or None.
        title: the caption; name the profile and data (e.g.
            ``"quick profile, CIFAR-10"``).

    Returns:
        A ``ClaimsTable``.

    Example:

    >>> kcolor.tables.claims_table([
    ...     ("B", "4.3", "the cGAN is more accurate than the U-Net at 5%",
    ...      f"{100 * cgan_acc:.1f}% vs {100 * unet_acc:.1f}%", cgan_acc > unet_acc),
    ... ], title="smoke profile, sample photos")
    """
    rows = []
    for claim in claims:
        if isinstance(claim, Claim):
            rows.append(claim)
        elif isinstance(claim, (tuple, list)) and len(claim) == 5:
            rows.append(Claim(*claim))
        else:
            raise TypeError("claims_table: each claim is a Claim or a tuple "
                            f"(paper, section, words, ours, supported), got {claim!r}")
    return ClaimsTable(rows, title=title)


__all__ = ["claims_table", "ClaimsTable", "Claim", "beyond_spread", "VERDICTS"]
