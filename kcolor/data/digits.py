"""An offline stand-in for MNIST: the digits 0-9 drawn from matplotlib's own fonts.

Paper D (section 3) trains its unconditional GANs on MNIST, which the smoke
profile may not download. ``font_digits`` draws the ten digits in the fonts
that every matplotlib installation ships (``mpl-data/fonts/ttf``: DejaVu,
STIX and Computer Modern), each one centred in a 20 x 20 box of a 28 x 28
black canvas like MNIST's, then moves every copy by a random affine map
(rotation, scale, shear, shift) and a random stroke gain. The result is
white digits on black, uint8, with their labels, deterministic given the
seed, and it takes a second or two for a few thousand images.

It is not handwriting: the strokes are cleaner and the shapes fewer. It is
enough to see a GAN go from noise to digit-like strokes, and a classifier
trained on it scores generated samples the way notebook 06 does on MNIST.

Example:

>>> images, labels = kcolor.data.font_digits(1000, seed=0)
>>> images.shape, images.dtype, labels[:5]
((1000, 28, 28, 1), dtype('uint8'), array([...]))
>>> train, test = kcolor.data.digit_datasets(image_size=32, batch_size=64)  # tf.data, [-1, 1]
"""

import functools
import os

import numpy as np

from kcolor.data.pipeline import arrays_to_dataset

#: The font files used, in matplotlib's ``mpl-data/fonts/ttf``; a missing one is skipped.
FONT_FILES = (
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique.ttf", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf",
    "DejaVuSerif-Italic.ttf", "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf",
    "STIXGeneral.ttf", "STIXGeneralBol.ttf", "STIXGeneralItalic.ttf", "cmr10.ttf",
    "cmss10.ttf", "cmtt10.ttf",
)

SIZE = 28  # MNIST's canvas
_BOX = 20  # MNIST's digits fit a 20 x 20 box, centred by their centre of mass


def font_folder():
    """matplotlib's folder of TrueType fonts."""
    import matplotlib

    return os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "fonts", "ttf")


def _centre(glyph):
    """A glyph (float, any size) scaled into a 20 x 20 box, centred by mass in 28 x 28."""
    from PIL import Image

    rows, cols = np.nonzero(glyph > 0.05)
    glyph = glyph[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    h, w = glyph.shape
    scale = _BOX / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = np.asarray(Image.fromarray((255 * glyph).astype(np.uint8)).resize(
        size, Image.LANCZOS), dtype=np.float32) / 255.0
    canvas = np.zeros((SIZE, SIZE), np.float32)
    top, left = (SIZE - size[1]) // 2, (SIZE - size[0]) // 2
    canvas[top:top + size[1], left:left + size[0]] = small
    # Shift so that the centre of mass sits in the middle, as MNIST does.
    from scipy import ndimage

    cy, cx = ndimage.center_of_mass(canvas)
    return ndimage.shift(canvas, ((SIZE - 1) / 2 - cy, (SIZE - 1) / 2 - cx), order=1)


@functools.lru_cache(maxsize=1)
def templates():
    """``(fonts, 10, 28, 28)`` float32 in [0, 1]: each digit in each available font."""
    from PIL import Image, ImageDraw, ImageFont

    out = []
    for name in FONT_FILES:
        path = os.path.join(font_folder(), name)
        if not os.path.exists(path):
            continue
        font = ImageFont.truetype(path, 64)
        digits = []
        for digit in "0123456789":
            image = Image.new("L", (128, 128), 0)
            ImageDraw.Draw(image).text((20, 10), digit, fill=255, font=font)
            glyph = np.asarray(image, dtype=np.float32) / 255.0
            if glyph.max() < 0.5:  # the font has no such glyph
                break
            digits.append(_centre(glyph))
        if len(digits) == 10:
            out.append(digits)
    if not out:
        raise RuntimeError(f"No usable digit font in {font_folder()}.")
    return np.asarray(out, dtype=np.float32)


def font_digits(n, *, seed=0, rotation=15.0, scale=(0.85, 1.15), shear=0.25, shift=2.0):
    """``n`` digits drawn from matplotlib's fonts, each moved by a random affine map.

    Args:
        n: number of images.
        seed: the images and labels are a function of the seed alone.
        rotation: maximum rotation in degrees (uniform in ``[-r, r]``).
        scale: range of the isotropic scale factor.
        shear: maximum horizontal shear (uniform in ``[-s, s]``).
        shift: maximum translation in pixels, per axis.

    Returns:
        ``(images, labels)``: uint8 ``(n, 28, 28, 1)`` white digits on black
        (MNIST's convention), and int64 ``(n,)`` labels 0-9, balanced up to one.
    """
    from scipy import ndimage

    if n < 1:
        raise ValueError(f"n must be a positive number of images, got {n!r}.")
    rng = np.random.default_rng(seed)
    glyphs = templates()
    labels = rng.permutation(np.arange(n) % 10)
    fonts = rng.integers(0, len(glyphs), size=n)
    angles = np.deg2rad(rng.uniform(-rotation, rotation, size=n))
    scales = rng.uniform(*scale, size=n)
    shears = rng.uniform(-shear, shear, size=n)
    shifts = rng.uniform(-shift, shift, size=(n, 2))
    gains = rng.uniform(0.8, 1.6, size=n)  # thicker or thinner strokes after clipping
    centre = np.array([(SIZE - 1) / 2, (SIZE - 1) / 2])
    images = np.empty((n, SIZE, SIZE), np.float32)
    for i in range(n):
        c, s = np.cos(angles[i]), np.sin(angles[i])
        # The map from output (row, col) to input (row, col): the inverse of
        # rotate(scale(shear(.))), about the centre.
        forward = np.array([[c, -s], [s, c]]) @ np.array([[1.0, 0.0], [shears[i], 1.0]])
        forward = forward * scales[i]
        inverse = np.linalg.inv(forward)
        offset = centre - inverse @ (centre + shifts[i])
        images[i] = ndimage.affine_transform(glyphs[fonts[i], labels[i]], inverse, offset,
                                             order=1)
    images = np.clip(images * gains[:, None, None], 0.0, 1.0)
    return (np.round(255 * images).astype(np.uint8)[..., None], labels.astype(np.int64))


def digit_datasets(*, image_size=28, batch_size=64, n_train=6000, n_test=1000, seed=0,
           shuffle=True):
    """The font digits as ``(train, test)`` ``tf.data`` sets of grey images in [-1, 1].

    The same pipeline as MNIST's (``kcolor.data.load("mnist", ...)`` with
    ``color_space="gray"``): each element is a batch of images
    ``(batch, image_size, image_size, 1)``, with no label, for an
    unconditional GAN. Train and test are drawn with different seeds.

    Args:
        image_size: resized from 28 (32 suits the power-of-two discriminators).
        batch_size: batch size of both sets.
        n_train, n_test: number of images of each split.
        seed: the data's seed (the test split uses ``seed + 1``) and the
            training set's shuffling seed.
        shuffle: shuffle the training set every epoch.
    """
    x_train, _ = font_digits(n_train, seed=seed)
    x_test, _ = font_digits(n_test, seed=seed + 1)
    options = dict(image_size=image_size, batch_size=batch_size, color_space="gray")
    train = arrays_to_dataset(x_train, shuffle=shuffle, seed=seed, **options)
    test = arrays_to_dataset(x_test, **options)
    return train, test


__all__ = ["FONT_FILES", "font_digits", "digit_datasets", "templates", "font_folder"]
