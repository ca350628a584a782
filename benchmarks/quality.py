"""Trains experiments' quick (or other) profiles and prints the notebook's table.

    python benchmarks/quality.py 03_unet_l2 03_cgan [--npz ../shared/data/cifar10_dev.npz]
                                 [--profile quick] [--out build/quality]
    python benchmarks/quality.py 01_koo_baseline 02_koo_dcgan_saturating ...  # paper A

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
    parser.add_argument("names", nargs="+", help="experiment names (kcolor.experiments.NAMES)")
    parser.add_argument("--npz", help="uint8 arrays x_train, x_test (e.g. cifar10_dev.npz)")
    parser.add_argument("--profile", default=os.environ.get("KCOLOR_PROFILE", "quick"))
    parser.add_argument("--out", default="build/quality")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="NAME:KEY=VALUE",
                        help="override a setting of one experiment, e.g. "
                             "03_cgan:gan.l1_weight=50 or 03_cgan:epochs=8 (repeatable)")
    args = parser.parse_args(argv)

    import kcolor
    from kcolor.backend import keras

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
    for name in args.names:
        kcolor.experiments.config(name, args.profile, overrides.get(name))  # fail fast
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    models, extra, test = {}, {}, None
    for name in args.names:
        keras.utils.set_random_seed(args.seed)
        changes = overrides.get(name)
        train, test = kcolor.experiments.datasets(name, args.profile, npz=args.npz,
                                                  seed=args.seed, overrides=changes)
        start_from = kcolor.experiments.config(name, args.profile, changes).get("warm_start")
        model = kcolor.experiments.build(name, args.profile, seed=args.seed, overrides=changes,
                                         warm_start=models.get(start_from))
        print(kcolor.experiments.describe(name, args.profile), "Overrides:", changes, flush=True)
        if isinstance(model, kcolor.ClassColorizer):  # bin means and class prior from the data
            kcolor.experiments.fit_bins(model, train, name, args.profile, changes)
        history = kcolor.experiments.fit(model, train, name, args.profile, overrides=changes)
        print(f"{name}: trained in {history.wall_time:.0f} s", flush=True)
        models[name] = model
        extra[name] = {"train_s": round(history.wall_time)}
        if history.steps:  # images per second of training (notebook 07's column)
            batch = kcolor.experiments.config(name, args.profile, changes)["batch_size"]
            extra[name].update(steps=history.steps,
                               **{"img/s": round(history.steps * batch / history.wall_time)})

    data = f"{Path(args.npz).name} test" if args.npz else "test split"
    cfg = kcolor.experiments.config(args.names[0], args.profile)
    # Paper E's Table 2: bin accuracy at the bin counts of the uniform-bin classifiers.
    bins = sorted({m.bins.n for m in models.values()
                   if isinstance(getattr(m, "bins", None), kcolor.quantize.UniformBins)})
    table = kcolor.tables.results_table(
        models, test, profile=args.profile, data=f"{data}, {cfg['image_size']} px", extra=extra,
        bins=bins or None, color_space=cfg["color_space"],  # paper A: (Y, UV) through Lab
        columns=["mae_ab", "mae_rgb", "euclid_ab", "acc@2%", "acc@5%", "psnr", "ssim",
                 "colorfulness", *(f"bin_acc@{n}" for n in bins), "train_s", "steps", "img/s"])
    print(table)
    total = sum(e["train_s"] for e in extra.values())
    print(f"\ntotal training wall time: {total} s ({total / 60:.1f} min)")
    rows = table.rows
    truth = rows["truth"]["colorfulness"]
    for name, row in rows.items():
        if name in ("grey", "truth"):
            continue
        print(f"{name}: colourfulness {row['colorfulness'] / truth:.2f} x truth; "
              f"acc@5% {100 * row['acc@5%']:.1f}% vs grey {100 * rows['grey']['acc@5%']:.1f}%")
    (out / "table.md").write_text(str(table) + f"\n\ntotal training wall time: {total} s\n")
    fig = kcolor.plot.compare(test, model=models, n=8, color_space=cfg["color_space"])
    fig.savefig(out / "compare.png", dpi=90, bbox_inches="tight")
    print(f"wrote {out / 'table.md'} and {out / 'compare.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
