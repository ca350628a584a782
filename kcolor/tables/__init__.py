"""Tables for the notebooks: results, and claims with their verdicts.

* ``results``: ``results_table`` scores models on a test set (it runs
  ``kcolor.metrics.evaluate`` itself) and returns a ``ResultsTable``: the
  paper's rows, ours, and the grey and truth reference rows, which a
  notebook shows as a table and asserts on (``table["cGAN"]["acc@5%"]``);
  ``metrics_table`` lays out numbers already computed as a markdown string.
* ``claims``: ``claims_table`` puts a paper's claims beside the numbers that
  test them, each with its criterion and verdict (``VERDICTS``: yes, no,
  within the seed spread, ``STEERED``, ``CANNOT_TELL``); ``claim`` makes a
  row whose test is first shown to fail for the grey predictor and the
  degenerate model; ``beyond_spread`` tells whether a
  difference between two models' scores over several seeds is larger than
  the spread over those seeds.
Both show themselves in Jupyter and under ``print`` through ``kcolor.shown.Shown``,
which the deviations tables of ``kcolor.experiments`` share.

Our accuracies are fractions and print as percentages; the paper's numbers
print as the paper gives them, in its own units.

Example:

>>> table = kcolor.tables.results_table({"cGAN": cgan}, test_ds, profile="smoke",
...                                     data="sample test, 32 px",
...                                     paper={"cGAN": {"acc@5%": 65.5}})
>>> print(kcolor.tables.metrics_table({"cGAN": ours}, paper={"cGAN": {"acc@2%": 24.1}}))
"""

from kcolor.tables.claims import (CANNOT_TELL, STEERED, VERDICTS, Claim, ClaimsTable,
                                  beyond_spread, check_verdict, claim, claims_table)
from kcolor.tables.results import META_KEYS, ResultsTable, metrics_table, results_table

__all__ = ["results_table", "ResultsTable", "metrics_table", "META_KEYS",
           "claims_table", "ClaimsTable", "Claim", "claim", "check_verdict", "beyond_spread",
           "VERDICTS", "STEERED", "CANNOT_TELL"]
