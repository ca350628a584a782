"""The quick asserts' quantities over seeds, from ``quality.py``'s per-seed rows.

    python benchmarks/margins.py build/margins/fold0 [--chosen]

Reads ``FOLDER/NN/seedS/rows.json`` (written by ``benchmarks/quality.py
... --seeds 0 1 2 --out FOLDER/NN``; ``NN`` is 03, 04, 05 or 07) and prints,
for every quantity a quick assert of notebook NN tests, its value on each
seed, the smallest, and the seed spread (max - min). Each quantity is
written so that the assert reads ``quantity >= margin``.

The rule the notebooks follow: a margin is at least three times the seed
spread measured on a validation split of the development subset's training
images (``quality.py --val 2000``, fold 0), and the assert is kept only
where the smallest seed clears that margin. ``--chosen`` also prints the
margins the notebooks assert (``CHOSEN`` below, set from fold 0) and
whether every seed clears them: run it on fold 1, the second validation
sample that no choice used.

The formulas repeat the notebooks' assert cells, on the same quantities
(``kcolor.metrics.above_slider`` for the slider gaps).
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

# The margins the quick asserts use, chosen on fold 0: 3 x the seed spread, rounded up to
# one significant figure (two where one would exceed the smallest seed's value).
# Filled in from `python benchmarks/margins.py build/margins/fold0`.
CHOSEN = {
    # Notebook 07 asserts on means over its three seeds: some variant's mean mae_ab gap
    # at least 0.68 with a mean colour of at least 0.05 x truth (read the mean column).
    "03": {"cGAN above the U-Net's slider at its colour (acc@5%, points)": 3,
           "cGAN colour minus the U-Net's (x truth)": 0.09,
           "U-Net mae_ab below grey's": 0.2,
           "U-Net acc@5% above grey's (points)": 2,
           "U-Net colour below 0.6 x truth (sepia)": 0.05},
    # The colour floor is a bound, not a margin: 0.4 sits 0.11 (4 x 3 spreads) below fold 0.
    "05": {"classifier's colour minus the L2 regressor's (x truth)": 0.04,
           "classifier above the L2 regressor's slider at its colour (acc@5%, points)": 3,
           # Chosen at 0.34 (3 x the spread of seeds 0 and 1); the published run's first
           # attempt missed it (0.335), and fold 1's three seeds had already put 3 x the
           # spread (0.395) above their smallest value: printed, not asserted.
           "cGAN above the L2 regressor's slider at its colour (acc@5%, points)": 5},
    "04": {"10-bin classifier's bin accuracy above grey's at 10 bins (points)": 2,
           "10-bin classifier's colour (x truth)": 0.4},
}


def _rel(rows, name):
    return rows[name]["colorfulness"] / rows["truth"]["colorfulness"]


def _gap(record, base, name, key="acc@5%"):
    value = record["slider"][base][name][key]
    return None if value is None else 100 * value


def quantities_03(record):
    rows = record["rows"]
    unet, gan, grey = rows["03_unet_l2"], rows["03_cgan"], rows["grey"]
    return {
        "cGAN above the U-Net's slider at its colour (acc@5%, points)":
            _gap(record, "03_unet_l2", "03_cgan"),
        "cGAN colour minus the U-Net's (x truth)": _rel(rows, "03_cgan") - _rel(rows, "03_unet_l2"),
        "U-Net mae_ab below grey's": grey["mae_ab"] - unet["mae_ab"],
        "U-Net acc@5% above grey's (points)": 100 * (unet["acc@5%"] - grey["acc@5%"]),
        "U-Net colour below 0.6 x truth (sepia)": 0.6 - _rel(rows, "03_unet_l2"),
        "cGAN colour above 0.6 x truth": _rel(rows, "03_cgan") - 0.6,
        "(not asserted) cGAN mae_ab below grey's": grey["mae_ab"] - gan["mae_ab"],
        "(not asserted) cGAN acc@5% above grey's (points)": 100 * (gan["acc@5%"] - grey["acc@5%"]),
    }


def quantities_04(record):
    rows = record["rows"]
    grey, ce10, ce30 = rows["grey"], rows["04_ce10"], rows["04_ce30"]
    return {
        "(smoke only) 30-bin classifier's bin accuracy above grey's at 30 bins (points)":
            100 * (ce30["bin_acc@30"] - grey["bin_acc@30"]),
        "10-bin classifier's bin accuracy above grey's at 10 bins (points)":
            100 * (ce10["bin_acc@10"] - grey["bin_acc@10"]),
        "10-bin classifier's colour (x truth)": _rel(rows, "04_ce10"),
        "(smoke only) 10-bin classifier's colour minus L2's (x truth)":
            _rel(rows, "04_ce10") - _rel(rows, "04_l2"),
        "(not asserted) 10-bin classifier above L2's slider at its colour (acc@5%, points)":
            _gap(record, "04_l2", "04_ce10"),
        "(not asserted) 10-bin acc@5% above grey's (points)":
            100 * (ce10["acc@5%"] - grey["acc@5%"]),
    }


def quantities_05(record):
    rows = record["rows"]
    grey = rows["grey"]
    return {
        "classifier's colour minus the L2 regressor's (x truth)":
            _rel(rows, "05_colorful") - _rel(rows, "05_colorful_l2"),
        "classifier above the L2 regressor's slider at its colour (acc@5%, points)":
            _gap(record, "05_colorful_l2", "05_colorful"),
        "cGAN's colour minus the L1 regressor's (x truth)":
            _rel(rows, "05_colorful_cgan") - _rel(rows, "05_colorful_l1"),
        "cGAN above the L2 regressor's slider at its colour (acc@5%, points)":
            _gap(record, "05_colorful_l2", "05_colorful_cgan"),
        "(not asserted: beyond x 3) cGAN above the L1 regressor's slider (acc@5%, points)":
            _gap(record, "05_colorful_l1", "05_colorful_cgan"),
        **quantities_05c(record),
        "(not asserted) cGAN acc@5% above grey's (points)":
            100 * (rows["05_colorful_cgan"]["acc@5%"] - grey["acc@5%"]),
        "(not asserted) classifier acc@5% above grey's (points)":
            100 * (rows["05_colorful"]["acc@5%"] - grey["acc@5%"]),
    }


def quantities_05c(record):
    """Notebook 05's decodings asserts (every profile): the annealed mean against the mean."""
    rows = record["rows"]
    mean = rows.get("05_colorful@mean")  # absent from runs before quality.py scored it
    return {
        "annealed mean's colour over the mean's (T = 1), minus 1.05":
            None if mean is None
            else rows["05_colorful"]["colorfulness"] / mean["colorfulness"] - 1.05,
        "annealed mean's colour above 0.4 x truth": _rel(rows, "05_colorful") - 0.4,
    }


def quantities_07(record):
    rows = record["rows"]
    grey = rows["grey"]
    out = {}
    for name in record["names"]:
        short = name[3:].replace("_l1_patch", "")
        out[f"{short}: mae_ab below grey's"] = grey["mae_ab"] - rows[name]["mae_ab"]
        out[f"{short}: colour (x truth)"] = _rel(rows, name)
        out[f"{short}: acc@5% above grey's (points)"] = 100 * (rows[name]["acc@5%"]
                                                                - grey["acc@5%"])
    return out


QUANTITIES = {"03": quantities_03, "04": quantities_04, "05": quantities_05,
              "05c": quantities_05c, "07": quantities_07}


def load(folder):
    """``{notebook: {seed: record}}`` for every ``NN/seedS/rows.json`` under ``folder``."""
    found = {}
    for path in sorted(Path(folder).glob("*/seed*/rows.json")):
        record = json.loads(path.read_text())
        found.setdefault(path.parent.parent.name, {})[record["seed"]] = record
    return found


def table(notebook, records, chosen=None):
    """Markdown lines: each quantity per seed, its minimum and spread (and margin)."""
    seeds = sorted(records)
    values = {}
    for seed in seeds:
        for key, value in QUANTITIES[notebook](records[seed]).items():
            values.setdefault(key, {})[seed] = value
    head = ("| quantity | " + " | ".join(f"seed {s}" for s in seeds)
            + " | mean | smallest | spread | 3 x spread |")
    lines = [head, "|---|" + "---:|" * (len(seeds) + 4)]
    if chosen:
        lines[0] = head + " margin | holds |"
        lines[1] += "---:|---|"
    for key, per_seed in values.items():
        got = np.array([per_seed[s] for s in seeds if per_seed.get(s) is not None], float)
        cells = [f"{per_seed[s]:.3f}" if per_seed.get(s) is not None else "off curve"
                 for s in seeds]
        mean, low, spread = ((got.mean(), got.min(), np.ptp(got)) if len(got)
                             else (np.nan, np.nan, np.nan))
        line = (f"| {key} | " + " | ".join(cells)
                + f" | {mean:.3f} | {low:.3f} | {spread:.3f} | {3 * spread:.3f} |")
        if chosen and key in chosen:
            holds = len(got) == len(seeds) and low >= chosen[key]
            line += f" {chosen[key]:.3f} | {'yes' if holds else 'NO'} |"
        elif chosen:
            line += " | |"
        lines.append(line)
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="quality.py --out folders' parent, e.g. build/margins/fold1")
    parser.add_argument("--chosen", action="store_true", help="compare with the chosen margins")
    args = parser.parse_args(argv)
    found = load(args.folder)
    if not found:
        raise SystemExit(f"no NN/seedS/rows.json under {args.folder}: run benchmarks/quality.py "
                         "with --seeds and --out FOLDER/NN first")
    for notebook, records in found.items():
        if notebook not in QUANTITIES:
            continue
        data = next(iter(records.values()))["data"]
        print(f"\n### Notebook {notebook}: {data}, seeds {sorted(records)}\n")
        print("\n".join(table(notebook, records, CHOSEN.get(notebook) if args.chosen else None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
