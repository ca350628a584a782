"""kcolor's throughput benchmark: one run, one markdown table per claim.

Three measurements, printed as markdown (progress goes to stderr):

1. **Training steps.** For each colorizer family (``regression``,
   ``classification``, ``cgan``, ``lsgan``, ``wgan-clip``, ``wgan-gp``,
   ``ebgan``) and image size, images per second of

   * kcolor: ``model.fit(ds, epochs=1, steps_per_epoch=N, verbose=0)``, and
   * the peer: a hand-written ``@tf.function`` step with ``tf.GradientTape``
     (``benchmarks/peers.py``) over the same dataset, ``N`` steps,

   on fresh copies of the same networks (same builder, width, seed) with the
   same optimisers and losses, after a warm-up (tracing excluded). The two
   are measured back to back ``--repeats`` times (the order flips every
   round); the table gives the best and median images/s of each, and the
   ratio kcolor / peer as the median over rounds of the ratio of the two
   measurements of the round, which shares that moment's load (claim: >= 1.0,
   within noise).

2. **Data pipelines.** Images per second of iterating ``kcolor.data.sample``,
   ``from_arrays`` and ``from_directory`` (a temporary folder of JPEGs) at
   each size, Lab conversion included, and the ratio to the fastest training
   step measured at that size (claim: >= 10x).

3. **CGAN against the pix2pix tutorial's loop.** ``kcolor.CGAN.fit`` with
   ``update_order="alternating"`` (the default) and ``"simultaneous"``
   against ``reference_step.cgan_step(update_order="simultaneous")``, the
   TensorFlow pix2pix tutorial's ``train_step`` (one generator forward pass,
   two tapes, both optimisers applied, one ``tf.function``), on fresh copies
   of the same U-Net and PatchGAN, the same data and optimisers, the three
   measured in turn in every round; the ratio is kcolor img/s / loop img/s (goal: >= 0.95).
   Runs whenever ``cgan`` is among the families, or alone with
   ``--pix2pix only``.

4. **jit_compile.** ``fit`` images per second of the regression U-Net and
   the U-Net + PatchGAN CGAN at the smallest size with XLA off and on: the
   evidence for ``kcolor.backend.default_jit_compile()``.

One training step is one call of ``train_step``: for a GAN, ``d_steps``
discriminator updates (5 for WGAN) and one generator update; images/s is
``batch_size * steps / seconds`` in every row.

Usage::

    python benchmarks/run.py                          # 32 and 64 px, ~5-10 min on 2 CPU cores
    python benchmarks/run.py --quick                  # 32 px, a few steps: < 1 min
    python benchmarks/run.py --sizes 32 --families regression cgan --steps 20
    python benchmarks/run.py --jit on                 # train with XLA for kcolor and peer
    python benchmarks/run.py --pix2pix only --sizes 32 --width 0.5 --batch-size 64 --jit off
    python benchmarks/run.py --markdown results.md    # also write the tables to a file
"""

import argparse
import datetime
import gc
import os
import platform
import statistics
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import kcolor  # noqa: E402
import peers  # noqa: E402
import reference_step  # noqa: E402
from kcolor.backend import default_jit_compile, has_gpu, keras, tf  # noqa: E402
from kcolor.data.sample_prior import sample_prior  # noqa: E402

FAMILIES = ("regression", "classification") + peers.GAN_FAMILIES
NETWORKS = {
    "regression": "unet (L2)",
    "classification": "colorful + GamutBins",
    "cgan": "unet + patchgan",
    "lsgan": "unet + patchgan",
    "wgan-clip": "unet + patchgan (5 D steps)",
    "wgan-gp": "unet + patchgan (5 D steps)",
    "ebgan": "unet + ebgan_discriminator",
}
JIT_FAMILIES = ("regression", "cgan")
SEED = 0


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Models: the kcolor colorizer and its peer, on identical fresh networks.
# ---------------------------------------------------------------------------
def build_networks(family, size, width):
    """The family's network(s), freshly initialised from ``SEED``."""
    models = kcolor.models
    if family == "regression":
        return (models.unet(size, width=width, seed=SEED),)
    if family == "classification":
        bins = _gamut_bins()
        return (models.colorful(size, head="classes", num_classes=bins.num_classes,
                                width=width, seed=SEED),)
    generator = models.unet(size, width=width, seed=SEED)
    if family == "ebgan":
        return generator, models.ebgan_discriminator(size, width=width, seed=SEED)
    return generator, models.patchgan(size, width=width, seed=SEED)


_BINS = []


def _gamut_bins():
    if not _BINS:
        _BINS.append(kcolor.quantize.GamutBins(prior=sample_prior))
    return _BINS[0]


def regression_optimizer():
    return keras.optimizers.Adam(1e-3)


def build_kcolor(family, networks, jit_compile):
    """The compiled kcolor colorizer of ``family`` on ``networks``."""
    if family == "regression":
        model = kcolor.Colorizer(networks[0], loss="l2")
        model.compile(optimizer=regression_optimizer(), jit_compile=jit_compile)
        return model
    if family == "classification":
        model = kcolor.ClassColorizer(networks[0], _gamut_bins())
        model.compile(optimizer=regression_optimizer(), jit_compile=jit_compile)
        return model
    generator, discriminator = networks
    options = dict(l1_weight=peers.L1_WEIGHT)
    if family == "cgan":
        model = kcolor.CGAN(generator, discriminator, **options)
    elif family == "lsgan":
        model = kcolor.LSGAN(generator, discriminator, **options)
    elif family == "wgan-clip":
        model = kcolor.WGAN(generator, discriminator, clip_value=peers.WGAN_CLIP, **options)
    elif family == "wgan-gp":
        model = kcolor.WGAN(generator, discriminator, gradient_penalty=peers.WGAN_GP_WEIGHT,
                            **options)
    else:
        model = kcolor.EBGAN(generator, discriminator, margin=peers.EBGAN_MARGIN, **options)
    model.compile(jit_compile=jit_compile)  # the family's default optimisers
    return model


def fresh_copy(optimizer):
    """A new optimiser with the same class and hyper-parameters (no state)."""
    return optimizer.__class__.from_config(optimizer.get_config())


def build_peer(family, networks, jit_compile, model):
    """The hand-written step of ``family`` on ``networks``, with ``model``'s optimisers' twins."""
    if family in ("regression", "classification"):
        optimizer = fresh_copy(model.optimizer)
        optimizer.build(networks[0].trainable_variables)
        if family == "regression":
            return peers.regression_step(networks[0], optimizer, "l2", jit_compile)
        return peers.classification_step(networks[0], _gamut_bins(), optimizer,
                                         jit_compile=jit_compile)
    generator, discriminator = networks
    g_opt, d_opt = fresh_copy(model.g_optimizer), fresh_copy(model.d_optimizer)
    g_opt.build(generator.trainable_variables)
    d_opt.build(discriminator.trainable_variables)
    return peers.gan_step(family, generator, discriminator, g_opt, d_opt, model.d_steps,
                          jit_compile)


def training_dataset(size, batch_size):
    """An in-memory, repeated dataset of ``(L, ab)`` batches of sample crops."""
    images = kcolor.data.sample_images("train", image_size=size, count=8 * batch_size)
    L, ab = kcolor.color.rgb_to_l_ab(images.astype("float32") / 255.0)
    ds = tf.data.Dataset.from_tensor_slices((np.asarray(L), np.asarray(ab)))
    return ds.batch(batch_size, drop_remainder=True).repeat().prefetch(tf.data.AUTOTUNE)


def time_fit(model, ds, steps):
    start = time.perf_counter()
    model.fit(ds, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
    return time.perf_counter() - start


def time_peer(step, ds, steps):
    start = time.perf_counter()
    peers.run_steps(step, ds, steps)
    return time.perf_counter() - start


def alternate(runs, repeats):
    """Times each function in turn, ``repeats`` rounds, reversing the order every round.

    Returns ``{name: [seconds, ...]}``; round ``i`` of every name ran back to
    back, so their ratio shares the machine's load at that moment.
    """
    seconds = {name: [] for name in runs}
    names = list(runs)
    for i in range(repeats):
        for name in names if i % 2 == 0 else names[::-1]:
            seconds[name].append(runs[name]())
    return seconds


def paired_ratio(seconds, numerator, denominator):
    """Median over rounds of the rate ratio ``numerator / denominator`` (same round)."""
    return statistics.median(
        d / n for n, d in zip(seconds[numerator], seconds[denominator])
    )


def clear():
    keras.backend.clear_session()
    gc.collect()


def calibrate(run_steps_for, args):
    """Steps per measurement: ``--steps``, or enough for about ``--seconds`` each."""
    if args.steps:
        return args.steps
    probe = 2
    seconds = min(run_steps_for(probe) for _ in range(2))
    return int(min(args.max_steps, max(3, round(args.seconds * probe / seconds))))


def summarize(seconds, images_per_step, steps):
    rates = [images_per_step * steps / s for s in seconds]
    return dict(best=max(rates), median=statistics.median(rates), rates=rates)


def bench_family(family, size, args, jit_compile):
    """One row of the training table: kcolor fit vs the peer, alternated."""
    ds = training_dataset(size, args.batch_size)
    keras.utils.set_random_seed(SEED)  # before any trace: it discards traced functions
    model = build_kcolor(family, build_networks(family, size, args.width), jit_compile)
    d_steps = getattr(model, "d_steps", 1)
    peer = build_peer(family, build_networks(family, size, args.width), jit_compile, model)
    params = model.count_params()

    warmup = {}
    start = time.perf_counter()
    time_fit(model, ds, args.warmup)  # trace + warm up
    warmup["kcolor"] = time.perf_counter() - start
    start = time.perf_counter()
    time_peer(peer, ds, args.warmup)
    warmup["peer"] = time.perf_counter() - start
    steps = calibrate(lambda n: time_peer(peer, ds, n), args)

    seconds = alternate(
        {
            "kcolor": lambda: time_fit(model, ds, steps),
            "peer": lambda: time_peer(peer, ds, steps),
        },
        args.repeats,
    )
    kc = summarize(seconds["kcolor"], args.batch_size, steps)
    pe = summarize(seconds["peer"], args.batch_size, steps)
    row = dict(family=family, size=size, params=params, d_steps=d_steps, steps=steps,
               kcolor=kc, peer=pe, warmup_s=warmup,
               ratio=paired_ratio(seconds, "kcolor", "peer"),
               ratio_best=kc["best"] / pe["best"])
    del model, peer
    clear()
    return row


UPDATE_ORDERS = ("alternating", "simultaneous")


def bench_pix2pix(size, args, jit_compile):
    """``kcolor.CGAN.fit`` in both update orders vs the pix2pix loop, alternated.

    The loop is ``reference_step.cgan_step(update_order="simultaneous")``.
    """
    ds = training_dataset(size, args.batch_size)
    keras.utils.set_random_seed(SEED)  # before any trace (see bench_jit)
    models = {}
    for order in UPDATE_ORDERS:
        generator, discriminator = build_networks("cgan", size, args.width)
        models[order] = kcolor.CGAN(generator, discriminator, l1_weight=peers.L1_WEIGHT,
                                    update_order=order)
        models[order].compile(jit_compile=jit_compile)
    generator, discriminator = build_networks("cgan", size, args.width)
    model = models["alternating"]
    g_opt, d_opt = fresh_copy(model.g_optimizer), fresh_copy(model.d_optimizer)
    g_opt.build(generator.trainable_variables)
    d_opt.build(discriminator.trainable_variables)
    loop = reference_step.cgan_step(generator, discriminator, g_opt, d_opt,
                                    l1_weight=peers.L1_WEIGHT, update_order="simultaneous",
                                    jit_compile=jit_compile)

    for order, model in models.items():
        time_fit(model, ds, args.warmup)  # trace + warm up
    time_peer(loop, ds, args.warmup)
    steps = calibrate(lambda n: time_peer(loop, ds, n), args)
    runs = {order: (lambda m=m: time_fit(m, ds, steps)) for order, m in models.items()}
    runs["loop"] = lambda: time_peer(loop, ds, steps)
    seconds = alternate(runs, args.repeats)
    rates = {name: summarize(s, args.batch_size, steps) for name, s in seconds.items()}
    row = dict(size=size, steps=steps, params=model.count_params(), rates=rates,
               ratios={order: paired_ratio(seconds, order, "loop") for order in UPDATE_ORDERS},
               ratios_best={order: rates[order]["best"] / rates["loop"]["best"]
                            for order in UPDATE_ORDERS})
    del models, loop
    clear()
    return row


def bench_jit(family, size, args):
    """kcolor fit with XLA off vs on (alternated), for the jit_compile evidence."""
    ds = training_dataset(size, args.batch_size)
    # Build every model before the first trace: keras.utils.set_random_seed
    # (tf.random.set_seed) discards traced tf.functions, so a model built
    # after another one's warm-up would make that one retrace when timed.
    keras.utils.set_random_seed(SEED)
    models = {jit: build_kcolor(family, build_networks(family, size, args.width), jit)
              for jit in (False, True)}
    compile_s = {}
    for jit, model in models.items():
        start = time.perf_counter()
        time_fit(model, ds, args.warmup)
        compile_s[jit] = time.perf_counter() - start
    steps = calibrate(lambda n: time_fit(models[False], ds, n), args)
    seconds = alternate(
        {jit: (lambda m=m: time_fit(m, ds, steps)) for jit, m in models.items()},
        args.repeats,
    )
    off = summarize(seconds[False], args.batch_size, steps)
    on = summarize(seconds[True], args.batch_size, steps)
    del models
    clear()
    return dict(family=family, size=size, off=off, on=on, steps=steps,
                ratio=paired_ratio(seconds, True, False), ratio_best=on["best"] / off["best"],
                compile_off=compile_s[False], compile_on=compile_s[True])


# ---------------------------------------------------------------------------
# Data pipelines.
# ---------------------------------------------------------------------------
def write_jpegs(folder, count, size=128):
    """``count`` JPEG photos (sample crops, ``size`` px) written to ``folder``."""
    from PIL import Image

    crops = kcolor.data.sample_images("train", image_size=size, count=count, seed=1)
    for i, crop in enumerate(crops):
        Image.fromarray(crop).save(os.path.join(folder, f"photo_{i:04d}.jpg"), quality=90)
    return folder


def consume(ds, min_images):
    """Iterates whole epochs of ``ds`` until ``min_images`` are seen; images/s."""
    seen = 0
    start = time.perf_counter()
    while seen < min_images:
        for L, _ in ds:
            seen += int(L.shape[0])
    return seen / (time.perf_counter() - start)


def bench_pipelines(size, args, jpeg_folder):
    sources = {
        "sample": lambda: kcolor.data.sample("train", image_size=size,
                                             batch_size=args.batch_size),
        "from_arrays": lambda: kcolor.data.from_arrays(
            kcolor.data.sample_images("train", image_size=size, seed=2),
            batch_size=args.batch_size, shuffle=True),
        "from_directory": lambda: kcolor.data.from_directory(
            jpeg_folder, image_size=size, batch_size=args.batch_size, shuffle=True),
    }
    rows = []
    for name, make in sources.items():
        start = time.perf_counter()
        ds = make()
        build_s = time.perf_counter() - start
        consume(ds, 1)  # first batches: iterator start-up, shuffle buffer
        rates = [consume(ds, args.pipeline_images) for _ in range(args.repeats)]
        rows.append(dict(pipeline=name, size=size, build_s=build_s, rate=max(rates),
                         rate_median=statistics.median(rates)))
        log(f"  pipeline {name:15s} {size:4d} px: {max(rates):9.0f} img/s best, "
            f"{statistics.median(rates):9.0f} median (built in {build_s:.1f} s)")
    return rows


# ---------------------------------------------------------------------------
# Report.
# ---------------------------------------------------------------------------
def machine_description():
    device = "GPU: " + ", ".join(
        d.name for d in tf.config.list_physical_devices("GPU")) if has_gpu() else "CPU only"
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores, {device}; "
            f"Python {platform.python_version()}, TensorFlow {tf.__version__}, "
            f"Keras {keras.__version__}")


def load_average():
    try:
        return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except (AttributeError, OSError):
        return "n/a"


def _rate(summary):
    return f"{summary['best']:.1f} ({summary['median']:.1f})"


def format_report(args, jit_main, load_start, rows, pipes, jits, elapsed, pix=()):
    out = []
    out.append(f"Machine: {machine_description()}.  ")
    out.append(f"Date: {datetime.date.today().isoformat()}; load average (1, 5, 15 min) "
               f"{load_start} at start, {load_average()} at end; total {elapsed:.0f} s.  ")
    steps = (f"{args.steps} timed steps" if args.steps
             else f"timed steps chosen for about {args.seconds:g} s per measurement")
    out.append(f"Settings: batch {args.batch_size}, network width {args.width:g}, {steps} "
               f"after {args.warmup} warm-up steps, {args.repeats} alternating repetitions"
               f"{f', {args.threads} TensorFlow threads' if args.threads else ''}; "
               f"jit_compile={jit_main} for kcolor and peer (default_jit_compile() here: "
               f"{default_jit_compile()}). Rates: best (median) of the repetitions; ratios: median "
               f"over repetitions of the ratio of the two measurements taken back to back.")
    if rows:
        out += ["", "Training step, images/s: kcolor `fit` vs the hand-written "
                "`tf.GradientTape` loop (peer) on the same networks:", "",
                "| family | networks | size | params | steps | kcolor fit | peer loop "
                "| kcolor/peer | kcolor/peer of bests |",
                "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            out.append(f"| {r['family']} | {NETWORKS[r['family']]} | {r['size']} | "
                       f"{r['params']:,} | {r['steps']} | {_rate(r['kcolor'])} | "
                       f"{_rate(r['peer'])} | {r['ratio']:.2f} | {r['ratio_best']:.2f} |")
    if pix:
        out += ["", "CGAN, images/s: kcolor `fit` in each update order vs the pix2pix "
                "tutorial's loop (`reference_step.cgan_step`, simultaneous: one G pass, two "
                "tapes) on the same networks "
                f"({NETWORKS['cgan']}):", "",
                "| size | params | steps | kcolor alternating | kcolor simultaneous | pix2pix loop "
                "| alternating/loop | simultaneous/loop | of bests (alt. / sim.) |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for p in pix:
            r = p["rates"]
            out.append(f"| {p['size']} | {p['params']:,} | {p['steps']} | "
                       f"{_rate(r['alternating'])} | {_rate(r['simultaneous'])} | "
                       f"{_rate(r['loop'])} | {p['ratios']['alternating']:.2f} | "
                       f"{p['ratios']['simultaneous']:.2f} | "
                       f"{p['ratios_best']['alternating']:.2f} / "
                       f"{p['ratios_best']['simultaneous']:.2f} |")
    if pipes:
        out += ["", "Data pipelines (Lab conversion included; consumed by a Python loop), "
                "images/s, vs the fastest training step at the same size:", "",
                "| pipeline | size | build s | images/s | fastest model img/s "
                "| pipeline/model |",
                "|---|---:|---:|---:|---:|---:|"]
        for p in pipes:
            fastest = p.get("fastest")
            ratio = f"{p['rate'] / fastest:.1f}x" if fastest else "n/a"
            fast = f"{fastest:.0f}" if fastest else "n/a"
            out.append(f"| {p['pipeline']} | {p['size']} | {p['build_s']:.2f} | "
                       f"{p['rate']:.0f} ({p['rate_median']:.0f}) | {fast} | {ratio} |")
    if jits:
        out += ["", "jit_compile: kcolor `fit` images/s with XLA off vs on:", "",
                "| family | networks | size | steps | jit off | jit on | on/off "
                "| on/off of bests | warm-up s off / on |",
                "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        for j in jits:
            out.append(f"| {j['family']} | {NETWORKS[j['family']]} | {j['size']} | "
                       f"{j['steps']} | {_rate(j['off'])} | {_rate(j['on'])} | "
                       f"{j['ratio']:.2f} | {j['ratio_best']:.2f} | "
                       f"{j['compile_off']:.1f} / {j['compile_on']:.1f} |")
    out += ["", "Claims:"]
    if rows:
        worst = min(rows, key=lambda r: r["ratio"])
        ratios = [r["ratio"] for r in rows]
        out.append(f"- kcolor fit / peer: median {statistics.median(ratios):.2f}, lowest "
                   f"{worst['ratio']:.2f} ({worst['family']}, {worst['size']} px); "
                   f"{sum(x >= 0.95 for x in ratios)}/{len(ratios)} rows >= 0.95.")
    for p in pix:
        out.append(f"- kcolor CGAN / pix2pix loop, {p['size']} px: "
                   + ", ".join(f"{order} {p['ratios'][order]:.2f}" for order in UPDATE_ORDERS)
                   + " (goal >= 0.95).")
    timed = [p for p in pipes if p.get("fastest")]
    if timed:
        worst = min(timed, key=lambda p: p["rate"] / p["fastest"])
        ratio = worst["rate"] / worst["fastest"]
        out.append(f"- pipelines vs the fastest model: lowest {ratio:.1f}x ({worst['pipeline']}, "
                   f"{worst['size']} px); claim >= 10x {'holds' if ratio >= 10 else 'FAILS'}.")
    for j in jits:
        out.append(f"- XLA, {j['family']} {j['size']} px: on/off {j['ratio']:.2f} "
                   f"(jit {'on' if j['ratio'] > 1 else 'off'} is faster here).")
    return "\n".join(out)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=None,
                        help="image sizes (default 32 64; 32 with --quick)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="images per batch (default 16; 8 with --quick)")
    parser.add_argument("--steps", type=int, default=None,
                        help="timed steps per measurement (default: about --seconds each)")
    parser.add_argument("--seconds", type=float, default=None,
                        help="target seconds per measurement when --steps is not given "
                        "(default 0.6; 0.2 with --quick)")
    parser.add_argument("--max-steps", type=int, default=50, help=argparse.SUPPRESS)
    parser.add_argument("--warmup", type=int, default=None,
                        help="warm-up steps (default 2; 1 with --quick)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="alternating repetitions (default 8; 1 with --quick)")
    parser.add_argument("--width", type=float, default=None,
                        help="network width multiplier (default 0.25; 0.125 with --quick)")
    parser.add_argument("--families", nargs="+", default=None, choices=FAMILIES,
                        help="colorizer families to time (default: all; "
                        "regression cgan with --quick)")
    parser.add_argument("--jit", choices=("both", "on", "off"), default="both",
                        help="both (default): train at default_jit_compile() and also compare "
                        "XLA off / on; on, off: train with XLA on / off (kcolor and peer), "
                        "no comparison")
    parser.add_argument("--pix2pix", choices=("auto", "only", "off"), default="auto",
                        help="auto (default): time kcolor's CGAN in both update orders against "
                        "the pix2pix tutorial's loop when cgan is among the families; only: "
                        "that comparison alone (no other table); off: skip it")
    parser.add_argument("--no-pipelines", action="store_true", help="skip the data pipelines")
    parser.add_argument("--pipeline-images", type=int, default=None,
                        help="images consumed per pipeline measurement (default 2000)")
    parser.add_argument("--quick", action="store_true",
                        help="32 px, small networks, few steps: checks that it runs (< 1 min)")
    parser.add_argument("--threads", type=int, default=None,
                        help="TensorFlow intra- and inter-op threads (default: TensorFlow's)")
    parser.add_argument("--markdown", default=None, help="also write the tables to this file")
    args = parser.parse_args(argv)
    quick = args.quick
    defaults = dict(
        sizes=[32] if quick else [32, 64],
        batch_size=8 if quick else 16,
        seconds=0.2 if quick else 0.6,
        repeats=1 if quick else 8,
        width=0.125 if quick else 0.25,
        families=["regression", "cgan"] if quick else list(FAMILIES),
        pipeline_images=400 if quick else 2000,
        warmup=1 if quick else 2,
    )
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    for name in ("warmup", "repeats", "batch_size", "pipeline_images", "max_steps"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.steps is not None and args.steps < 1:
        parser.error("--steps must be >= 1")
    if args.width <= 0 or args.seconds <= 0:
        parser.error("--width and --seconds must be > 0")
    if any(size < 16 for size in args.sizes):
        parser.error("--sizes must be at least 16 (the networks halve the image 4 times)")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    started = time.perf_counter()
    load_start = load_average()
    if args.jit == "both":
        jit_main = default_jit_compile()
        if jit_main == "auto":  # what Keras does with "auto" on an accelerator
            jit_main = has_gpu()
    else:
        jit_main = args.jit == "on"
    log(f"kcolor benchmark: {machine_description()}; load average {load_start}")

    rows, pipes, jits, pix = [], [], [], []
    if args.pix2pix == "only":
        args.families, args.no_pipelines = [], True
    if args.pix2pix == "only" or (args.pix2pix == "auto" and "cgan" in args.families):
        for size in args.sizes:
            p = bench_pix2pix(size, args, jit_main)
            pix.append(p)
            log(f"  cgan vs pix2pix {size:4d} px: " + ", ".join(
                f"{name} {_rate(p['rates'][name])} img/s" for name in p["rates"])
                + f"; ratios {p['ratios']}")
    for size in args.sizes:
        for family in args.families:
            row = bench_family(family, size, args, jit_main)
            rows.append(row)
            log(f"  {family:15s} {size:4d} px: kcolor {_rate(row['kcolor'])} img/s, peer "
                f"{_rate(row['peer'])} img/s, ratio {row['ratio']:.2f} "
                f"({row['steps']} steps; warm-up {row['warmup_s']['kcolor']:.1f} s / "
                f"{row['warmup_s']['peer']:.1f} s)")
    if not args.no_pipelines:
        with tempfile.TemporaryDirectory(prefix="kcolor_bench_") as folder:
            write_jpegs(folder, 50 if args.quick else 200)
            for size in args.sizes:
                measured = [max(r["kcolor"]["best"], r["peer"]["best"])
                            for r in rows if r["size"] == size]
                for p in bench_pipelines(size, args, folder):
                    p["fastest"] = max(measured) if measured else None
                    pipes.append(p)
    if args.jit == "both" and args.pix2pix != "only":
        size = min(args.sizes)
        for family in JIT_FAMILIES:
            if args.quick and family != "regression":
                continue
            j = bench_jit(family, size, args)
            jits.append(j)
            log(f"  jit {family:11s} {size:4d} px: off {_rate(j['off'])} img/s, on "
                f"{_rate(j['on'])} img/s, on/off {j['ratio']:.2f}")

    report = format_report(args, jit_main, load_start, rows, pipes, jits,
                           time.perf_counter() - started, pix)
    print(report)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(report + "\n")
    return rows, pipes, jits, pix


if __name__ == "__main__":
    main()
