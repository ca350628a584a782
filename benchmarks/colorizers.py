"""Training-step throughput of every colorizer, in images per second.

Times ``train_on_batch`` on one in-memory batch of the sample data set for:

* ``Colorizer`` (L2) with ``koo_baseline``, ``unet``, ``colorful`` (regression
  head) and ``deep_cnn`` (paper E, per-pixel head: its dense head does not fit
  a CPU at 64 px);
* ``ClassColorizer`` with ``colorful`` (classes) + ``GamutBins`` (rebalanced,
  soft-encoded) and ``deep_cnn`` (classes) + ``UniformBins(10)``.

Models are at full width (``width=1``) unless ``--width`` says otherwise.
Warm-up steps (tracing, first allocations) are excluded. XLA follows
``kcolor.backend.default_jit_compile()`` (off on CPU).

Usage::

    python benchmarks/colorizers.py                      # 32 and 64 px, batch 16
    python benchmarks/colorizers.py --sizes 32 --batch-size 32 --steps 10
"""

import argparse
import time

import numpy as np

import kcolor
from kcolor.backend import keras
from kcolor.colorizers.classification import ClassColorizer
from kcolor.colorizers.regression import Colorizer
from kcolor.data.sample_prior import sample_prior
from kcolor.quantize import GamutBins, UniformBins


def builders(size, width):
    gamut = GamutBins(prior=sample_prior)
    uniform = UniformBins(10)
    models = kcolor.models
    return {
        "Colorizer koo_baseline (L2)": lambda: Colorizer(models.koo_baseline(size), "l2"),
        "Colorizer unet (L2)": lambda: Colorizer(models.unet(size, width=width), "l2"),
        "Colorizer colorful regression (L2)": lambda: Colorizer(
            models.colorful(size, head="regression", width=width), "l2"),
        "Colorizer deep_cnn 1x1 head (L2)": lambda: Colorizer(
            models.deep_cnn(size, dense=False, width=width), "l2"),
        "ClassColorizer colorful + GamutBins": lambda: ClassColorizer(
            models.colorful(size, head="classes", num_classes=gamut.num_classes, width=width),
            gamut),
        "ClassColorizer deep_cnn + UniformBins(10)": lambda: ClassColorizer(
            models.deep_cnn(size, head="classes", num_classes=10, dense=False, width=width),
            uniform, rebalance=False, decode="argmax"),
    }


def time_train_step(model, L, ab, warmup, steps):
    model.compile(optimizer="adam")
    for _ in range(warmup):
        model.train_on_batch(L, ab)
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(L, ab)
    return steps * len(L) / (time.perf_counter() - start)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[32, 64])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--width", type=float, default=1.0)
    args = parser.parse_args(argv)

    rows = []
    for size in args.sizes:
        images = kcolor.data.sample_images("train", image_size=size, count=args.batch_size)
        L, ab = (np.asarray(t) for t in kcolor.color.rgb_to_l_ab(images.astype("float32") / 255))
        for name, build in builders(size, args.width).items():
            keras.utils.set_random_seed(0)
            model = build()
            rate = time_train_step(model, L, ab, args.warmup, args.steps)
            rows.append((name, size, rate, model.count_params()))
            print(f"{name:45s} {size:4d} px  {rate:8.1f} img/s", flush=True)
            keras.backend.clear_session()

    print(f"\nbatch size {args.batch_size}, {args.steps} timed steps after {args.warmup} "
          f"warm-up steps, width {args.width:g}, jit_compile="
          f"{kcolor.backend.default_jit_compile()}")
    print("| model | size | images/s | parameters |\n|---|---:|---:|---:|")
    for name, size, rate, params in rows:
        print(f"| {name} | {size} | {rate:.1f} | {params:,} |")


if __name__ == "__main__":
    main()
