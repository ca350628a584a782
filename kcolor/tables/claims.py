"""Claims and their verdicts: a paper's words against this run's numbers.

``claims_table`` lays out a notebook's "supported here?" table: each row
quotes a paper's claim, shows the number of this run that tests it, the
criterion that decides it, and its verdict. ``beyond_spread`` tells whether
a difference between two models' scores over several seeds is larger than
the spread over those seeds; ``claim`` makes a row whose verdict is
computed by a test that is first shown to fail for reference predictors.

The verdicts (``VERDICTS`` maps each to the words shown):

* ``True``: "yes", the run's number meets the criterion;
* ``False``: "no";
* ``None``: "within the seed spread" (``beyond_spread`` could not tell);
* ``STEERED``: "steered", the quantity is held at a set point by a
  controller (notebook 03's colourfulness under the colour thermostat), so
  meeting the criterion says nothing about the method: the row may not read
  "yes";
* ``CANNOT_TELL``: "cannot tell", the measurement cannot separate the two
  sides (a tie on a capped count).

Any other value is an error: a verdict is never a number or free text.

Every verdict must be able to fail: a row that reads "yes" for the grey
predictor (ab = 0) or for the degenerate model of its kind tests nothing.
``claim`` enforces it. Its ``test`` takes one set of scores and returns a
verdict; it is run on this run's scores and on each reference's, and a
reference that would also read "yes" is a ``ValueError`` naming the row:

>>> row = kcolor.tables.claim(
...     "A", "5.1", "a validation loss of 0.0073",
...     test=lambda s: s["l2_uv"] <= 0.0073 and s["l2_uv"] < grey["l2_uv"],
...     scores={"l2_uv": 0.0061}, references={"grey": grey},
...     evidence="l2_uv 0.0061 vs grey 0.0069",
...     criterion="l2_uv < grey's and <= 0.0073")
>>> kcolor.tables.claims_table([row, ("B", "4.3", "words", "ours", True)])

Plain tuples keep working: ``(paper, section, words, ours, verdict)`` or
with a sixth element, the criterion (``"acc@5% > grey's + 3 spreads"``),
shown in its own column (empty for a 5-tuple).
"""

import html
import math
import numbers

import numpy as np

from kcolor.shown import Shown, html_table, markdown_table


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


#: The verdict of a quantity held at a set point by a controller.
STEERED = "steered"
#: The verdict of a measurement that cannot separate the sides (a tie on a capped count).
CANNOT_TELL = "cannot tell"

#: What the "supported here?" column shows for each verdict of a ``Claim``.
VERDICTS = {True: "yes", False: "no", None: "within the seed spread",
            STEERED: "steered", CANNOT_TELL: "cannot tell"}


def check_verdict(value, where="a claim"):
    """``value`` as a verdict (``True``, ``False``, ``None``, ``STEERED``, ``CANNOT_TELL``).

    NumPy booleans (the usual result of a comparison) become ``bool``.
    Anything else (a number, other text, an array) is a ``ValueError``
    naming ``where``.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, str) and value in (STEERED, CANNOT_TELL):
        return value
    raise ValueError(
        f"{where}: the verdict must be True (yes), False (no), None (within the seed spread), "
        f"kcolor.tables.STEERED ({STEERED!r}) or kcolor.tables.CANNOT_TELL "
        f"({CANNOT_TELL!r}); got {value!r:.80} of type {type(value).__name__}.")


class Claim:
    """One row of a "supported here?" table: a paper's words against our number.

    Args:
        paper: the paper's letter, ``"A"`` to ``"E"``.
        section: where the words are, e.g. ``"4.1"`` or ``"Table 1"``.
        words: the paper's own words (quoted) or a close paraphrase of them.
        ours: what this run measured that tests them, as text
            (``"acc@5% 61.2% vs grey 55.6%"``).
        supported: the verdict, computed from this run's numbers: ``True``,
            ``False``, ``None`` (within the seed spread, ``beyond_spread``),
            ``STEERED`` or ``CANNOT_TELL``; anything else is a ValueError.
        criterion: what decides the verdict, short (``"l2_uv < grey's and
            <= 0.0073"``); ``""`` shows an empty cell.
    """

    __slots__ = ("paper", "section", "words", "ours", "supported", "criterion")

    def __init__(self, paper, section, words, ours, supported, criterion=""):
        if not isinstance(words, str) or not words.strip():
            raise ValueError("Claim: words must be the paper's claim as non-empty text")
        if criterion is None:
            criterion = ""
        if not isinstance(criterion, str):
            raise TypeError(f"Claim {paper} {section} {words!r:.60}: the criterion must be "
                            f"text, got {criterion!r:.60}.")
        self.paper, self.section, self.words, self.ours = paper, section, words, ours
        self.supported = check_verdict(
            supported, f"Claim {paper} {section} {words!r:.60}")
        self.criterion = criterion

    @property
    def verdict(self):
        """``"yes"``, ``"no"``, ``"within the seed spread"``, ``"steered"`` or ``"cannot tell"``."""
        return VERDICTS[self.supported]

    def __repr__(self):
        return f"Claim({self.paper} {self.section}: {self.words!r} -> {self.verdict})"


def claim(paper, section, words, test, scores, references, *, evidence, criterion,
          steered_by=None):
    """A ``Claim`` whose verdict ``test(scores)`` is shown able to fail first.

    ``test`` is run on each reference's scores (the grey predictor, the
    degenerate model of the row's kind: an untrained network, an all-"fake"
    discriminator, the L2 model's colours turned up...). If any of them
    would read "yes", the row tests nothing and this raises.

    Args:
        paper, section, words: as for ``Claim``.
        test: a function of one set of scores returning a verdict (a bool,
            ``None`` for within the seed spread, ``STEERED`` or
            ``CANNOT_TELL``).
        scores: this run's scores, in whatever form ``test`` reads (a dict of
            metrics, a ``ResultsTable`` row, a tuple).
        references: ``{name: scores}``, at least one: each must not read
            "yes" under ``test``.
        evidence: the text of the "ours" cell (this run's numbers).
        criterion: the text of the "criterion" cell: ``test`` in words.
        steered_by: the controller that holds the tested quantity at a set
            point (``"the colour thermostat"``), or None. A "yes" then reads
            ``STEERED``; a "no" stays "no".

    Returns:
        A ``Claim``.

    Raises:
        ValueError: no references; a reference whose verdict is "yes" (the
            message names the row and the reference); a verdict that is not
            one of ``VERDICTS``.
    """
    row = f"claim {paper} {section} {words!r:.60}"
    if not references:
        raise ValueError(f"{row}: give at least one reference (the grey predictor, the "
                         "degenerate model of its kind) on which the test must fail.")
    for name, reference in references.items():
        if check_verdict(test(reference), f"{row}, reference {name!r}") is True:
            raise ValueError(
                f"{row}: the test ({criterion}) reads 'yes' for the reference {name!r} too, "
                "so its verdict could not fail; make the criterion stricter.")
    verdict = check_verdict(test(scores), row)
    if steered_by and verdict is True:
        verdict = STEERED
        evidence = f"{evidence} (held by {steered_by})"
    return Claim(paper, section, words, evidence, verdict, criterion)


class ClaimsTable(Shown):
    """A notebook's "supported here?" table: one row per claim, with its criterion and verdict.

    Made by ``claims_table``. It shows itself in Jupyter (HTML with the CSS
    classes ``kcolor-results kcolor-claims``, so ``scripts/build_index.py``
    publishes it beside the results tables) and as markdown under ``print``.

    Attributes:
        claims: the ``Claim`` rows, in order.
        title: the caption (which profile and data produced "ours").
    """

    HEADER = ("paper", "section", "the paper says", "ours", "criterion", "supported here?")

    def __init__(self, claims, title=""):
        self.claims = list(claims)
        self.title = title

    def __len__(self):
        return len(self.claims)

    def __iter__(self):
        return iter(self.claims)

    @property
    def supported(self):
        """``{words: verdict}`` for asserts and the closing prose (True/False/None/STEERED/...)."""
        return {c.words: c.supported for c in self.claims}

    def _cells(self):
        return [(str(c.paper), str(c.section), c.words, str(c.ours), c.criterion, c.verdict)
                for c in self.claims]

    @property
    def markdown(self):
        rows = [[*row[:-1], "**no**" if row[-1] == "no" else row[-1]] for row in self._cells()]
        return self._titled(markdown_table(self.HEADER, rows))

    def _repr_html_(self):
        rows = [[html.escape(x) for x in row[:-1]]
                + ["<b>no</b>" if row[-1] == "no" else html.escape(row[-1])]
                for row in self._cells()]
        return html_table("kcolor-results kcolor-claims", self.title, self.HEADER, rows)


def claims_table(claims, *, title=""):
    """Lays out a paper's claims against this run's numbers: the "supported here?" table.

    Every paper notebook ends its results with one: each row quotes the
    paper's words and section, shows the number of this run that tests
    them and the criterion that decides, and says yes or no, computed from
    that number, so the answer changes with the profile and is never typed
    by hand. A row whose ``supported`` is ``None`` says "within the seed
    spread" (``beyond_spread`` found the difference within the spread over
    seeds); ``STEERED`` says "steered" (a controller holds the quantity at a
    set point); ``CANNOT_TELL`` says "cannot tell" (a tie on a capped
    count). Rows made with ``claim`` are first shown to read "no" for the
    grey predictor and the degenerate model of their kind.

    Args:
        claims: ``Claim`` objects (``claim`` makes one that is shown able to
            fail), or tuples ``(paper, section, words, ours, supported)`` or
            ``(paper, section, words, ours, supported, criterion)``;
            ``supported`` is one of ``VERDICTS``.
        title: the caption; name the profile and data (e.g.
            ``"quick profile, CIFAR-10"``).

    Returns:
        A ``ClaimsTable``.

    Example:

    >>> kcolor.tables.claims_table([
    ...     ("B", "4.3", "the cGAN is more accurate than the U-Net at 5%",
    ...      f"{100 * cgan_acc:.1f}% vs {100 * unet_acc:.1f}%", cgan_acc > unet_acc,
    ...      "acc@5%: cGAN > U-Net"),
    ... ], title="smoke profile, sample photos")
    """
    rows = []
    for item in claims:
        if isinstance(item, Claim):
            rows.append(item)
        elif isinstance(item, (tuple, list)) and len(item) in (5, 6):
            rows.append(Claim(*item))
        else:
            raise TypeError("claims_table: each claim is a Claim or a tuple "
                            "(paper, section, words, ours, supported[, criterion]), "
                            f"got {item!r}")
    return ClaimsTable(rows, title=title)


__all__ = ["claims_table", "ClaimsTable", "Claim", "claim", "check_verdict", "beyond_spread",
           "VERDICTS", "STEERED", "CANNOT_TELL"]
