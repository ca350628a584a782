"""kcolor's command line: ``python -m kcolor {colorize,evaluate,train-sample} ...``.

Examples::

    python -m kcolor colorize photo.jpg old_photos/ --model sample --out colour/
    python -m kcolor evaluate --model my.keras --data sample
    python -m kcolor train-sample --out my_sample_colorizer.keras
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Formats Pillow writes, by file extension; anything else is written as PNG.
_WRITE_FORMATS = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".png": "PNG",
    ".webp": "WEBP",
    ".bmp": "BMP",
    ".tif": "TIFF",
    ".tiff": "TIFF",
}
_NO_ALPHA = {"JPEG", "BMP"}


def _collect(inputs, extensions):
    """Expands files and folders into (source, relative output path) pairs.

    Returns the pairs, plus error lines for inputs that do not exist and the
    number of non-image files skipped inside folders.
    """
    pairs, errors, skipped = [], [], 0
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file())
            for p in found:
                if p.suffix.lower() in extensions:
                    pairs.append((p, Path(path.name) / p.relative_to(path)))
                else:
                    skipped += 1
        elif path.exists():
            pairs.append((path, Path(path.name)))
        else:
            errors.append(f"{path}: no such file or folder")
    return pairs, errors, skipped


def _target(out_dir, relative, suffix, has_alpha):
    ext = relative.suffix.lower()
    fmt = _WRITE_FORMATS.get(ext, "PNG")
    if has_alpha and fmt in _NO_ALPHA:
        fmt = "PNG"
    if fmt == "PNG" and ext != ".png":
        ext = ".png"
    return out_dir / relative.parent / f"{relative.stem}{suffix}{ext}", fmt


def _write_atomically(array, target, fmt):
    """Writes to a temporary file beside ``target`` and renames it into place."""
    from PIL import Image

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".kcolor-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        Image.fromarray(array).save(tmp, format=fmt)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _resolve_model(spec):
    """Loads ``--model`` ('sample' or a .keras path); prints the error and returns None."""
    from kcolor import inference, sample_model

    try:
        return sample_model.load() if spec == "sample" else inference.load_colorizer(spec)
    except (FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return None


def cmd_colorize(args):
    from tqdm.auto import tqdm

    from kcolor import inference

    model = _resolve_model(args.model)
    if model is None:
        return 2
    out_dir = Path(args.out)
    if out_dir.exists() and not out_dir.is_dir():
        print(f"error: --out {out_dir} exists and is not a folder", file=sys.stderr)
        return 2
    pairs, errors, skipped = _collect(args.inputs, inference.IMAGE_EXTENSIONS)
    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    sources = {p.resolve() for p, _ in pairs}
    written = 0
    bar = tqdm(pairs, unit="image", disable=len(pairs) < 2 or args.quiet, file=sys.stderr)
    for source, relative in bar:
        try:
            result = inference.colorize(source, model, size=args.size)
            target, fmt = _target(out_dir, relative, args.suffix, result.shape[-1] == 4)
            if target.resolve() in sources:
                raise ValueError(f"refusing to write over the input file {target}")
            if target.exists() and not args.overwrite:
                raise FileExistsError(f"{target} exists (use --overwrite to replace it)")
            _write_atomically(result, target, fmt)
            written += 1
        except (OSError, ValueError) as err:
            message = str(err) if str(source) in str(err) else f"{source}: {err}"
            errors.append(message)
            bar.write(f"error: {message}", file=sys.stderr)
    if not args.quiet:
        note = f", {skipped} non-image files skipped" if skipped else ""
        print(f"colourised {written} of {len(pairs)} images into {out_dir}{note}")
    return 1 if errors else 0


def cmd_evaluate(args):
    from kcolor import data, metrics, tables

    model = _resolve_model(args.model)
    if model is None:
        return 2
    from kcolor.inference import model_image_size

    size = args.image_size or model_image_size(model) or 64
    try:
        if args.data == "sample":
            ds = data.sample("test", image_size=size, batch_size=args.batch_size)
        elif Path(args.data).is_dir():
            ds = data.from_directory(args.data, image_size=size, batch_size=args.batch_size)
        else:
            ds = data.load(
                args.data, split=args.split, image_size=size, batch_size=args.batch_size
            )
    except (FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    rows = {
        "model": metrics.evaluate(model, ds, max_batches=args.max_batches),
        "grey (ab = 0)": metrics.evaluate(metrics.grey_predictor, ds, max_batches=args.max_batches),
    }
    print(f"data: {args.data} ({args.split if args.data != 'sample' else 'test'}), {size} px")
    print(tables.metrics_table(rows))
    return 0


def cmd_train_sample(args):
    from kcolor import sample_model

    verbose = 1 if sys.stdout.isatty() else 2
    path = sample_model.train(
        args.out, epochs=args.epochs, overwrite=args.overwrite, verbose=verbose
    )
    print(f"saved {path}")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m kcolor",
        description="Automatic image colorization with CNNs and GANs (Keras 3).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    c = sub.add_parser(
        "colorize",
        help="colourise photos (files and folders, any size and common format)",
        description="Colourise photos with a trained kcolor model. Folders are searched "
        "recursively; each output keeps the input's size (and alpha). Existing files are "
        "never overwritten unless --overwrite, input files never. Exit status 1 if any "
        "image failed (each failure gets a one-line message), 2 for a bad model or --out.",
    )
    c.add_argument("inputs", nargs="+", help="image files and/or folders")
    c.add_argument(
        "--model", required=True, help="a .keras colorizer, or 'sample' for the bundled model"
    )
    c.add_argument("--out", required=True, help="output folder (created if needed)")
    c.add_argument("--suffix", default="", help="added to each output file name, e.g. _color")
    c.add_argument("--overwrite", action="store_true", help="replace existing output files")
    c.add_argument("--size", type=int, default=None, help="prediction resolution (default: the model's)")
    c.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    c.set_defaults(func=cmd_colorize)

    e = sub.add_parser(
        "evaluate",
        help="print the papers' metrics for a model on a data set",
        description="Evaluate a colorizer: mae_ab, mae_rgb, acc@2%%, acc@5%%, euclid_ab, "
        "PSNR, SSIM and colourfulness, next to the grey (ab = 0) reference row.",
    )
    e.add_argument("--model", required=True, help="a .keras colorizer, or 'sample'")
    e.add_argument(
        "--data", default="sample", help="'sample', a tensorflow-datasets name, or a folder"
    )
    e.add_argument("--split", default="test", help="split for tfds data sets (tfds slicing ok)")
    e.add_argument("--image-size", type=int, default=None)
    e.add_argument("--batch-size", type=int, default=32)
    e.add_argument("--max-batches", type=int, default=None)
    e.set_defaults(func=cmd_evaluate)

    t = sub.add_parser(
        "train-sample",
        help="train the small sample colorizer on the embedded sample data (CPU, minutes)",
    )
    t.add_argument("--out", required=True, help="where to save the .keras file")
    t.add_argument("--epochs", type=int, default=None)
    t.add_argument("--overwrite", action="store_true")
    t.set_defaults(func=cmd_train_sample)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
