"""The embedded ``"sample"`` data set: crops of photos that ship with the wheels.

Six colour photographs of natural scenes come inside the scikit-image and
matplotlib wheels, so this data set needs no network and no download. Crops
are cut from them deterministically (a seed fixes every crop), with scale
jitter and random horizontal flips, and resized to any square size.

Train and test are split BY REGION, inside every photo: each photo is cut
into a ``SAMPLE_GRID`` x ``SAMPLE_GRID`` grid of tiles, the tiles with
``(row - col) % SAMPLE_GRID == 1`` (one per row and per column, a quarter of
the photo) are test tiles and the rest train tiles, and every crop lies
inside a single tile of its split (``split_regions``), so no test pixel is
ever seen in training while every test tile (sky, fur, skin, foliage, metal)
has train tiles of the same photo beside it. The test split therefore
measures new views of seen scenes, not new scenes (the quick profile, on
CIFAR-10, measures new scenes).

How a crop is cut (``_cut_crop``): a tile of its split is chosen at random,
then a square whose side is drawn log-uniformly between ``max(image_size,
half the tile's short side)`` (never more than that short side) and the
tile's short side, at a uniform random position inside the tile; flipped
left-right with probability 1/2; resized with PIL's antialiased bilinear
filter (after box-shrinking photos much larger than the smallest crop, for
speed). Nearly flat crops (standard deviation of the green channel, a
stand-in for luminance, under 4 out of 255) are redrawn, up to 20 times.
Crop ``i`` comes from photo ``SAMPLE_PHOTOS[i % n_photos]`` in both splits,
so every photo gets the same number of crops and any prefix of the array
mixes all photos.

Default counts (``default_count``) keep the uint8 crops at about 25-100 MB:
2000 train / 400 test crops up to 64 px, 1000 / 200 at 128 px, 500 / 100 at
256 px, and in general ``2000 * 64 / size`` train crops (at least 200) and a
fifth of that for test.

Licences, as scikit-image's and matplotlib's documentation state them: see
``data/README.md``.
"""

import collections
import math

import numpy as np

from kcolor.data.pipeline import arrays_to_dataset, check_image_size

# The photographs: natural scenes only (people, a cat, a rocket launch at dusk
# with its blue sky and trees, a cup of coffee, a motorcycle). Microscopy and
# astronomy photos (immunohistochemistry, retina, hubble_deep_field) were
# dropped: their colours teach nothing about scenes. Both splits use every
# photo, in disjoint regions (``split_regions``).
SAMPLE_PHOTOS = (
    "astronaut",
    "chelsea",
    "coffee",
    "stereo_motorcycle",
    "grace_hopper",
    "rocket",
)
SAMPLE_SPLITS = {"train": SAMPLE_PHOTOS, "test": SAMPLE_PHOTOS}
SAMPLE_GRID = 4  # tiles per side; test tiles: (row - col) % SAMPLE_GRID == 1

_MIN_SCALE = 0.5  # smallest crop side, as a fraction of the tile's short side
_MIN_STD = 4.0  # grey-level std (0..255) under which a crop counts as flat
_MAX_REDRAWS = 20
_CACHE_ENTRIES = 8
_PHOTO_CACHE = {}
_CROP_CACHE = collections.OrderedDict()


def load_photo(name):
    """One source photograph as a uint8 RGB array (H, W, 3), read offline.

    Args:
        name: one of ``SAMPLE_PHOTOS``.

    Returns:
        A read-only uint8 array; the photos are read once and kept.
    """
    if name not in SAMPLE_PHOTOS:
        raise ValueError(f"Unknown sample photo {name!r}; known: {', '.join(SAMPLE_PHOTOS)}.")
    if name not in _PHOTO_CACHE:
        if name == "grace_hopper":
            import matplotlib.cbook
            from PIL import Image

            with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as f:
                photo = np.asarray(Image.open(f).convert("RGB"))
        else:
            import skimage.data

            photo = getattr(skimage.data, name)()
            if name == "stereo_motorcycle":
                photo = photo[0]  # (left, right, disparity): the left image
        photo = np.ascontiguousarray(photo, dtype=np.uint8)[..., :3]
        photo.flags.writeable = False
        _PHOTO_CACHE[name] = photo
    return _PHOTO_CACHE[name]


def _check_split(split):
    if split not in SAMPLE_SPLITS:
        raise ValueError(
            f"Unknown split {split!r} for the sample data set; expected one of "
            f"{', '.join(repr(s) for s in SAMPLE_SPLITS)}."
        )


def default_count(split, image_size):
    """Default number of crops for a split and size (see the module docstring)."""
    _check_split(split)
    train = int(min(2000, max(200, round(2000 * 64 / max(image_size, 64)))))
    return train if split == "train" else train // 5


def _is_test_tile(row, col):
    return (row - col) % SAMPLE_GRID == 1


def _tile_boxes(width, height, split):
    """The tiles of a ``width`` x ``height`` image in ``split``, as boxes.

    Boxes are ``(left, top, right, bottom)`` in pixels (right and bottom
    exclusive), in row-major order; tile edges are ``round(k * size / grid)``.
    """
    xs = [int(round(k * width / SAMPLE_GRID)) for k in range(SAMPLE_GRID + 1)]
    ys = [int(round(k * height / SAMPLE_GRID)) for k in range(SAMPLE_GRID + 1)]
    want_test = split == "test"
    return [
        (xs[col], ys[row], xs[col + 1], ys[row + 1])
        for row in range(SAMPLE_GRID)
        for col in range(SAMPLE_GRID)
        if _is_test_tile(row, col) == want_test
    ]


def split_regions(name, split):
    """The regions of photo ``name`` that ``split``'s crops are cut from.

    Args:
        name: one of ``SAMPLE_PHOTOS``.
        split: ``"train"`` or ``"test"``.

    Returns:
        list of ``(left, top, right, bottom)`` boxes in the photo's pixels
        (right and bottom exclusive). The train and test boxes of a photo
        tile it without overlap.
    """
    _check_split(split)
    height, width = load_photo(name).shape[:2]
    return _tile_boxes(width, height, split)


def _cut_crop(tiles, image_size, rng):
    """Draws one square crop inside one of ``tiles``, resized to ``image_size``.

    ``tiles`` holds ``(box, image)`` pairs: a tile's box in the photo and the
    tile cut out as its own PIL image, so that the resize filter never reads
    a pixel of a neighbouring tile. Returns the crop and its box ``(left,
    top, right, bottom)`` in the photo's pixels.
    """
    from PIL import Image

    for _ in range(_MAX_REDRAWS):
        (t_left, t_top, _, _), tile = tiles[int(rng.integers(len(tiles)))]
        width, height = tile.size
        short = min(width, height)
        low = min(short, max(image_size, int(_MIN_SCALE * short)))
        side = int(round(math.exp(rng.uniform(math.log(low), math.log(short)))))
        side = min(max(side, 1), short)
        left = int(rng.integers(0, width - side + 1))
        top = int(rng.integers(0, height - side + 1))
        flip = bool(rng.random() < 0.5)
        crop = tile.resize(
            (image_size, image_size),
            resample=Image.BILINEAR,
            box=(left, top, left + side, top + side),
            reducing_gap=3.0,  # box-reduce big crops first: faster, same look
        )
        crop = np.asarray(crop)
        if crop[::2, ::2, 1].std() >= _MIN_STD:  # green ~ luminance
            break
    crop = crop[:, ::-1] if flip else crop
    left, top = left + t_left, top + t_top
    return crop, (left, top, left + side, top + side)


def _reduction(photo_shape, image_size):
    """The integer box-shrink factor a photo's smallest crop allows.

    Every crop is then still at least ``image_size`` wide, but resizing reads
    far fewer pixels: the sample set builds several times faster and looks
    the same.
    """
    tile_short = min(photo_shape[:2]) // SAMPLE_GRID
    return max(1, max(image_size, int(_MIN_SCALE * tile_short)) // image_size)


def _build_crops(split, image_size, count, seed):
    """The crops of a split and their boxes (in the full-size photos)."""
    from PIL import Image

    photos = SAMPLE_PHOTOS
    rng = np.random.default_rng([int(seed), sorted(SAMPLE_SPLITS).index(split)])
    prepared = {}
    for name in photos:
        photo = load_photo(name)
        factor = _reduction(photo.shape, image_size)
        image = Image.fromarray(photo)
        if factor > 1:
            image = image.reduce(factor)
        # Tiles of the reduced image, shrunk inwards so that ``* factor`` maps
        # them back inside the full-size tiles.
        boxes = [
            (-(-left // factor), -(-top // factor), right // factor, bottom // factor)
            for left, top, right, bottom in _tile_boxes(photo.shape[1], photo.shape[0], split)
        ]
        prepared[name] = ([(box, image.crop(box)) for box in boxes], factor)
    crops = np.empty((count, image_size, image_size, 3), dtype=np.uint8)
    boxes = np.empty((count, 4), dtype=np.int32)
    for i in range(count):
        tiles, factor = prepared[photos[i % len(photos)]]
        crops[i], box = _cut_crop(tiles, image_size, rng)
        boxes[i] = [v * factor for v in box]
    return crops, boxes


def _check_count(count):
    if count is None:
        return None
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count <= 0:
        raise ValueError(f"count must be a positive integer or None, got {count!r}.")
    return int(count)


def sample_images(split="train", *, image_size=64, count=None, seed=0):
    """The raw crops of the embedded sample data set, as uint8 RGB.

    For tests, figures and the colourization Turing test, which want RGB
    rather than ``(L, ab)``. The crops are built once per
    ``(split, image_size, count, seed)`` and kept in memory (the last few
    combinations), so repeated calls are instant.

    Args:
        split: ``"train"`` or ``"test"`` (disjoint regions of the same
            photographs: ``split_regions``).
        image_size: side of the square crops, any positive integer.
        count: number of crops; None for ``default_count(split, image_size)``.
        seed: fixes every crop; the same seed gives the same array (None
            means 0: the sample data set is always the same crops).

    Returns:
        uint8 array of shape (count, image_size, image_size, 3) (a copy, yours
        to modify). Crop ``i`` comes from photo
        ``SAMPLE_PHOTOS[i % len(SAMPLE_PHOTOS)]`` (``sample_boxes`` says where).

    Example:

    >>> crops = sample_images("test", image_size=32, count=8)
    >>> crops.shape, crops.dtype
    ((8, 32, 32, 3), dtype('uint8'))
    """
    return _cached(split, image_size, count, seed)[0].copy()


def _cached(split, image_size, count, seed):
    _check_split(split)
    image_size = check_image_size(image_size, required=True)
    count = _check_count(count)
    if count is None:
        count = default_count(split, image_size)
    seed = 0 if seed is None else int(seed)
    key = (split, image_size, count, seed)
    if key in _CROP_CACHE:
        _CROP_CACHE.move_to_end(key)
    else:
        crops, boxes = _build_crops(split, image_size, count, seed)
        crops.flags.writeable = False
        boxes.flags.writeable = False
        _CROP_CACHE[key] = (crops, boxes)
        while len(_CROP_CACHE) > _CACHE_ENTRIES:
            _CROP_CACHE.popitem(last=False)
    return _CROP_CACHE[key]


def sample_boxes(split="train", *, image_size=64, count=None, seed=0):
    """Where each crop of ``sample_images`` (same arguments) was cut from.

    Returns:
        int32 array (count, 4) of ``(left, top, right, bottom)`` boxes in the
        full-size photo ``SAMPLE_PHOTOS[i % len(SAMPLE_PHOTOS)]``, each inside
        one of ``split_regions(photo, split)``.
    """
    return _cached(split, image_size, count, seed)[1].copy()


def sample(
    split="train",
    *,
    image_size=64,
    count=None,
    batch_size=32,
    shuffle=None,
    augment=False,
    color_space="lab",
    seed=0,
):
    """The embedded, offline sample data set as batches of ``(L, ab)``.

    Crops of six colour photographs shipped inside the scikit-image and
    matplotlib wheels (see the module docstring and ``data/README.md``),
    split into train and test by region inside every photo (a grid of tiles,
    ``split_regions``). The test split measures new views of seen scenes, not
    new scenes (the quick profile, on CIFAR-10, measures new scenes). The
    smoke profile of every notebook trains on it.

    Args:
        split: ``"train"`` or ``"test"``.
        image_size: side of the square crops (32, 64, 128, 256 or any other
            positive integer).
        count: number of crops; None for the default (2000 train / 400 test
            up to 64 px, fewer above: ``default_count``).
        batch_size: crops per batch.
        shuffle: shuffle every epoch; None shuffles the train split only.
        augment: random horizontal flips on the fly, on top of the flips the
            crops already have.
        color_space: ``"lab"`` (``(L, ab)``), ``"yuv"`` (``(Y, UV)``),
            ``"gray"`` or ``"rgb"`` (single tensors in [-1, 1]).
        seed: fixes the crops, the shuffling and the flips. None keeps the
            crops of seed 0 but shuffles and flips at random.

    Returns:
        A ``tf.data.Dataset`` of float32 batches, e.g. ``L`` of shape
        (batch, image_size, image_size, 1) and ``ab`` of (..., 2).

    Example:

    >>> train = sample("train", image_size=32)
    >>> test = sample("test", image_size=32)
    >>> L, ab = next(iter(train))   # (32, 32, 32, 1), (32, 32, 32, 2)
    """
    crops = sample_images(split, image_size=image_size, count=count, seed=seed)
    if shuffle is None:
        shuffle = split == "train"
    return arrays_to_dataset(
        crops,
        batch_size=batch_size,
        shuffle=shuffle,
        augment=augment,
        color_space=color_space,
        seed=seed,
    )


__all__ = [
    "sample",
    "sample_images",
    "sample_boxes",
    "split_regions",
    "SAMPLE_SPLITS",
    "SAMPLE_PHOTOS",
    "SAMPLE_GRID",
    "load_photo",
]
