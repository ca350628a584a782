"""A two-minute demo: train tiny L2 and L1 colorizers on the sample data, compare.

    python -m kcolor.demo --out build/demo

Trains two quarter-width U-Nets at 32 px on the embedded sample data (CPU),
one with the L2 loss (papers A, B, E) and one with L1 (paper C), scores both
on the sample test regions (unseen tiles of the same photos) next to the grey (ab = 0) and truth reference rows,
and saves ``comparison.png`` (grey | L2 | L1 | truth), ``history.png`` and
``metrics.md`` in ``--out``. Numbers are from this run (smoke data, CPU), not
the papers'.
"""

import argparse
import sys
import time
from pathlib import Path


def run(out, *, epochs=8, image_size=32, verbose=1):
    from kcolor import data, models, plot, tables
    from kcolor.backend import keras
    from kcolor.colorizers import Colorizer

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(0)
    train = data.sample("train", image_size=image_size, batch_size=32, augment=True)
    test = data.sample("test", image_size=image_size, batch_size=64)

    trained, histories = {}, {}
    for loss in ("l2", "l1"):
        model = Colorizer(models.unet(image_size, width=0.25, seed=0), loss=loss)
        model.compile(optimizer=keras.optimizers.Adam(1e-3))
        start = time.time()
        history = model.fit(train, epochs=epochs, validation_data=test, verbose=verbose and 2)
        print(f"{loss}: trained {epochs} epochs in {time.time() - start:.0f} s")
        trained[loss.upper()] = model
        histories[loss] = history.history

    results = tables.results_table(trained, test, profile="smoke",
                                   data=f"sample test, {image_size} px")
    table = results.markdown
    print(table)
    (out / "metrics.md").write_text(
        f"# kcolor demo: tiny U-Nets, {epochs} epochs on the sample data (CPU)\n\n{table}\n"
    )
    fig = plot.compare(test, model=trained, n=6)
    fig.savefig(out / "comparison.png", dpi=100, bbox_inches="tight")
    fig = plot.history(histories["l1"])
    fig.savefig(out / "history.png", dpi=100, bbox_inches="tight")
    print(f"wrote {out / 'comparison.png'}, {out / 'history.png'}, {out / 'metrics.md'}")
    return results.rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="build/demo")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--image-size", type=int, default=32)
    args = parser.parse_args(argv)
    run(args.out, epochs=args.epochs, image_size=args.image_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
