"""Trains experiments' quick (or other) profiles and prints the notebook's table.

    python benchmarks/quality.py 03_unet_l2 03_cgan [--npz ../shared/data/cifar10_dev.npz]
                                 [--profile quick] [--out build/quality]
    python benchmarks/quality.py 01_koo_baseline 02_koo_dcgan_saturating ...  # paper A
    python benchmarks/quality.py 03_unet_l2 03_cgan --npz DEV.npz --val 2000 --seeds 0 1 2
    python benchmarks/quality.py 03_unet_l2 03_cgan 03_cgan@sim --set 03_cgan@sim:gan.update_order=simultaneous ...

Experiments of one run share a colour space (paper A's are YUV, scored
through Lab). A ``warm_start`` experiment must come after the one it starts
from.

Each experiment is built with ``kcolor.experiments.build(name, profile)``,
trained with ``kcolor.experiments.fit`` on the ``--npz`` file's ``x_train``
(default: the profile's own data set through tensorflow-datasets), and scored
on its ``x_test`` with the grey and truth reference rows, as the notebooks do.
The table gives each model's training wall time, and the claims of paper B
that notebook 03 asserts are checked and printed. ``--out`` also gets a
comparison grid (``compare.png``) and the table (``table.md``).

``--val N`` holds out N of the file's *training* photos (a fixed draw, the
same for every seed) as the test set and trains on the rest: tune settings
there, and keep ``x_test`` for the numbers you report. ``--seeds`` trains
and scores every experiment once per seed, and then prints each model's
mean and spread (max - min) over the seeds: a difference between two models
smaller than their spread is not a finding.

``--fold K`` holds out the K-th block of N photos of the same fixed draw
(fold 0 is the default): a second validation sample, disjoint from the
first, for confirming on photos no choice used. ``--frontier LABEL`` adds
the saturation slider of that (regression) model: for every other model,
how far its acc@5% and acc@2% sit above the slider curve at its own
colourfulness (``kcolor.metrics.above_slider``). Each seed's rows, with
these gaps, go to ``seedN/rows.json`` for ``benchmarks/margins.py``.

A classifier's other decodings (the mean, T = 1; the argmax; the annealed
mean, T = 0.38; whichever it is not configured with) are scored as rows
``NAME@mean``, ``NAME@argmax`` and ``NAME@annealed`` of the same trained
model.

``NAME@LABEL`` trains another variant of experiment ``NAME`` in the same run,
as the row ``LABEL`` (its ``--set`` options are given as ``NAME@LABEL:KEY=VALUE``);
every variant warm-starts from the same trained model, so a lever is measured
against the same start.

Every run trains from scratch (``retrain=True``), with its checkpoints in
``--out/models`` (under ``KCOLOR_MODELS`` when set); a variant's run is
labelled with its ``LABEL`` (``kcolor.experiments.fit(run=LABEL)``), so
every variant keeps its own folder and a finished run with other data or
settings is never reused.

Results on the development subset are development figures: say so when you
report them. The project never needs the file.
"""

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="+",
                        help="experiment names (kcolor.experiments.NAMES), or NAME@LABEL for "
                             "another variant of NAME")
    parser.add_argument("--npz", help="uint8 arrays x_train, x_test (e.g. cifar10_dev.npz)")
    parser.add_argument("--profile", default=os.environ.get("KCOLOR_PROFILE", "quick"))
    parser.add_argument("--out", default="build/quality")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="seeds to train and score with (default 0); with more than "
                             "one, a mean and spread table follows")
    parser.add_argument("--val", type=int, default=0, metavar="N",
                        help="score on N photos held out of the npz's x_train (tuning), "
                             "not on x_test (reporting)")
    parser.add_argument("--fold", type=int, default=0, metavar="K",
                        help="with --val N: hold out the K-th block of N photos of the fixed "
                             "draw (default 0); another fold is a disjoint validation sample")
    parser.add_argument("--frontier", action="append", default=[], metavar="LABEL",
                        help="score every other model against LABEL's saturation slider "
                             "(repeatable)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME:KEY=VALUE",
                        help="override a setting of one experiment (or NAME@LABEL), e.g. "
                             "03_cgan:gan.l1_weight=50 or 03_cgan:epochs=8 (repeatable)")
    args = parser.parse_args(argv)

    import kcolor
    from kcolor.experiments import runs

    kcolor.experiments.check_profile(args.profile)
    overrides = {}
    for item in args.set:
        target, _, assignment = item.partition(":")
        key, _, value = assignment.partition("=")
        node = overrides.setdefault(target, {})
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        try:
            node[leaf] = json.loads(value)  # numbers, true/false/null, lists
        except json.JSONDecodeError:
            node[leaf] = value  # a plain string
    if len(set(args.names)) != len(args.names):
        parser.error("each name once; NAME@LABEL trains another variant of NAME")
    for unknown in set(overrides) - set(args.names):
        parser.error(f"--set {unknown}:...: {unknown} is not among the names to train")
    for name in args.names:
        kcolor.experiments.config(experiment(name), args.profile, overrides.get(name))
        try:
            runs.check_run(variant(name))
        except ValueError as error:
            parser.error(f"{name}: the LABEL of NAME@LABEL names its checkpoints: {error}")
    for label in args.frontier:
        if label not in args.names:
            parser.error(f"--frontier {label}: not among the names to train")
    if args.val and not args.npz:
        parser.error("--val carves its photos from --npz's x_train: give --npz")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KCOLOR_MODELS", str(out.resolve() / "models"))
    npz, data = args.npz, (f"{Path(args.npz).name} test" if args.npz else "test split")
    if args.val:
        npz = validation_split(args.npz, args.val, out / "validation_split.npz", args.fold)
        data = (f"{args.val} photos held out of {Path(args.npz).name} train"
                + (f", fold {args.fold}" if args.fold else ""))

    tables = {}
    for seed in args.seeds:
        print(f"\n=== seed {seed} ===", flush=True)
        tables[seed] = run(args.names, args.profile, npz, seed, overrides, data,
                           out / (f"seed{seed}" if len(args.seeds) > 1 else ""), args.frontier)
    if len(args.seeds) > 1:
        summary = spread_table(tables)
        print(f"\nover seeds {args.seeds} (mean, spread = max - min):\n{summary}")
        (out / "spread.md").write_text(summary + "\n")
        print(f"wrote {out / 'spread.md'}")
    return 0


def experiment(label):
    """The experiment of a name or ``NAME@LABEL``."""
    return label.partition("@")[0]


def variant(label):
    """The ``LABEL`` of ``NAME@LABEL``, or None for a plain experiment name."""
    return label.partition("@")[2] or None


def validation_split(npz, n, path, fold=0):
    """Writes an npz whose ``x_test`` is ``n`` photos drawn from ``npz``'s ``x_train``.

    The draw is fixed (seed 0), so every seed and every setting tunes on the
    same held-out photos; they are not in the new ``x_train``. Fold ``k``
    holds out the k-th block of ``n`` photos of that draw, so folds are
    disjoint.
    """
    import numpy as np

    with np.load(npz) as arrays:
        x_train = arrays["x_train"]
    if fold < 0 or not 0 < n * (fold + 1) < len(x_train):
        raise SystemExit(f"--val {n} --fold {fold}: choose between 1 and "
                         f"{(len(x_train) - 1) // (fold + 1)} ({npz} has {len(x_train)} training "
                         f"photos; fold {fold} holds out photos {fold * n} to {(fold + 1) * n - 1} "
                         "of the draw)")
    order = np.random.default_rng(0).permutation(len(x_train))
    held = order[fold * n:(fold + 1) * n]
    kept = np.concatenate([order[:fold * n], order[(fold + 1) * n:]])
    np.savez(path, x_train=x_train[kept], x_test=x_train[held])
    return path


def run(names, profile, npz, seed, overrides, data, out, frontier=()):
    """Trains and scores ``names`` with one seed; prints and writes the table."""
    import kcolor
    from kcolor.backend import keras

    out.mkdir(parents=True, exist_ok=True)
    models, extra, test = {}, {}, None
    for label in names:
        keras.utils.set_random_seed(seed)
        name, changes = experiment(label), overrides.get(label)
        train, test = kcolor.experiments.datasets(name, profile, npz=npz, seed=seed,
                                                  overrides=changes)
        start_from = kcolor.experiments.config(name, profile, changes).get("warm_start")
        if start_from and start_from not in models:
            raise SystemExit(f"{label} warm-starts from {start_from}: put {start_from} "
                             "before it among the names")
        model = kcolor.experiments.build(name, profile, seed=seed, overrides=changes,
                                         warm_start=models.get(start_from))
        print(kcolor.experiments.describe(name, profile), "Overrides:", changes, flush=True)
        if isinstance(model, kcolor.ClassColorizer):  # bin means and class prior from the data
            kcolor.experiments.fit_bins(model, train, name, profile, changes)
        # Each variant its own checkpoints: its label is the run's.
        history = kcolor.experiments.fit(model, train, name, profile, overrides=changes,
                                         retrain=True, run=variant(label))
        print(f"{label}: trained in {history.wall_time:.0f} s", flush=True)
        logged = getattr(history, "history", {})
        if "l1_scale" in logged:  # the colour thermostat's state at the end
            print(f"{label}: last epoch's color_ratio (chroma of the fakes over the "
                  f"truth's, training batches) {logged['color_ratio'][-1]:.3f}, "
                  f"l1_scale {logged['l1_scale'][-1]:.3f}", flush=True)
        models[label] = model
        extra[label] = {"train_s": round(history.wall_time)}
        if history.steps:  # images per second of training (notebook 07's column)
            batch = kcolor.experiments.config(name, profile, changes)["batch_size"]
            extra[label].update(steps=history.steps,
                               **{"img/s": round(history.steps * batch / history.wall_time)})

    for label in [n for n in models if isinstance(models[n], kcolor.ClassColorizer)]:
        # The classifier's other decodings, as rows (no training): notebooks 04 and 05 compare them.
        cfg_label = kcolor.experiments.config(experiment(label), profile, overrides.get(label))
        own = (cfg_label.get("decode"), cfg_label.get("T") if cfg_label.get("decode") != "argmax"
               else None)
        for row, (how, T) in {"mean": ("annealed_mean", 1.0), "argmax": ("argmax", None),
                              "annealed": ("annealed_mean", 0.38)}.items():
            if (how, T) != own:  # the configured decoding is the model's own row
                args = (how,) if T is None else (how, T)
                models[f"{label}@{row}"] = kcolor.quantize.decoder(models[label], *args)

    cfg = kcolor.experiments.config(experiment(names[0]), profile)
    # Paper E's Table 2: bin accuracy at the bin counts of the uniform-bin classifiers.
    bins = sorted({m.bins.n for m in models.values()
                   if isinstance(getattr(m, "bins", None), kcolor.quantize.UniformBins)})
    table = kcolor.tables.results_table(
        models, test, profile=profile, data=f"{data}, {cfg['image_size']} px, seed {seed}",
        extra=extra,
        bins=bins or None, color_space=cfg["color_space"],  # paper A: (Y, UV) through Lab
        columns=["mae_ab", "mae_rgb", "euclid_ab", "acc@2%", "acc@5%", "psnr", "ssim",
                 "colorfulness", *(f"bin_acc@{n}" for n in bins), "train_s", "steps", "img/s"])
    print(table)
    total = sum(e["train_s"] for e in extra.values())
    print(f"\ntotal training wall time: {total} s ({total / 60:.1f} min)")
    rows = table.rows
    for name, row in rows.items():
        if name in ("grey", "truth"):
            continue
        print(f"{name}: colourfulness {relative(rows, name):.2f} x truth; "
              f"acc@5% {100 * row['acc@5%']:.1f}% vs grey {100 * rows['grey']['acc@5%']:.1f}%")
    (out / "table.md").write_text(str(table) + f"\n\ntotal training wall time: {total} s\n")
    record = {"seed": seed, "profile": profile, "data": data, "names": list(names),
              "rows": {name: {k: v for k, v in row.items() if isinstance(v, (int, float))}
                       for name, row in rows.items()},
              "slider": slider_gaps(models, test, frontier)}
    (out / "rows.json").write_text(json.dumps(record, indent=1) + "\n")
    fig = kcolor.plot.compare(test, model=models, n=8, color_space=cfg["color_space"])
    fig.savefig(out / "compare.png", dpi=90, bbox_inches="tight")
    print(f"wrote {out / 'table.md'} and {out / 'compare.png'}")
    return table


def slider_gaps(models, test, bases):
    """For each base in ``bases``: every other model's distance above its slider.

    Returns ``{base: {label: {"acc@5%": gap, "acc@2%": gap, "color": x}}}``,
    gaps in accuracy fractions, ``color`` the model's colourfulness over the
    truth's; a model whose colour is beyond the curve gets None.
    """
    import numpy as np

    import kcolor

    if not bases:
        return {}
    L, ab = (np.concatenate(part) for part in zip(*test))
    colours = {label: np.concatenate([kcolor.metrics.predictor(m)(L[i:i + 250], ab[i:i + 250])
                                      for i in range(0, len(L), 250)])
               for label, m in models.items()}  # each model's ab, predicted once
    points = {label: kcolor.metrics.score(L, pred, ab) for label, pred in colours.items()}
    gaps = {}
    for base in bases:
        curve = kcolor.metrics.saturation_slider(L, colours[base], ab)
        gaps[base] = {}
        for label, point in points.items():
            if label == base:
                continue
            entry = {"color": kcolor.metrics.relative_color(point)}
            for key in ("acc@5%", "acc@2%"):
                try:
                    entry[key] = kcolor.metrics.above_slider(point, curve, key)
                except ValueError:
                    entry[key] = None
            gaps[base][label] = entry
            print(f"{label} against {base}'s slider: colour {entry['color']:.3f} x truth, "
                  + ", ".join(f"{k} {100 * v:+.2f} points" if v is not None else f"{k} off curve"
                              for k, v in entry.items() if k != "color"), flush=True)
    return gaps


SPREAD_COLUMNS = ("acc@2%", "acc@5%", "mae_ab", "euclid_ab", "colour x truth", "train_s")


def spread_table(tables):
    """A markdown table: each row's mean, min and max over the seeds' tables."""
    import numpy as np

    first = next(iter(tables.values())).rows
    columns = [c for c in SPREAD_COLUMNS
               if c == "colour x truth" or any(c in row for row in first.values())]
    lines = ["| row | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    for name in first:
        cells = []
        for column in columns:
            values = [relative(t.rows, name) if column == "colour x truth"
                      else t.rows[name].get(column) for t in tables.values()]
            values = np.array([v for v in values if v is not None], float)
            if not len(values):
                cells.append("")
                continue
            scale = 100 if column.startswith("acc@") else 1
            digits = 0 if column == "train_s" else 2
            low, mean, high = scale * values.min(), scale * values.mean(), scale * values.max()
            cells.append(f"{mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("mean [min, max] over the seeds; acc@ in %; colour x truth: colourfulness "
                 "over the truth row's, per seed.")
    return "\n".join(lines)


def relative(rows, name):
    """``name``'s colourfulness as a multiple of the truth row's."""
    return rows[name]["colorfulness"] / rows["truth"]["colorfulness"]


if __name__ == "__main__":
    sys.exit(main())
