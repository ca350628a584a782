"""kcolor.data: the sample data set, arrays, folders and tensorflow-datasets, offline."""

import hashlib
import os
import socket
import time

import numpy as np
import pytest
from PIL import Image
from skimage import color as skcolor

from kcolor import color, data
from kcolor.backend import tf
from kcolor.data import embedded


def _batches(ds):
    """All batches of a dataset as numpy, concatenated per element position."""
    parts = list(ds.as_numpy_iterator())
    if isinstance(parts[0], tuple):
        return tuple(np.concatenate([p[i] for p in parts]) for i in range(len(parts[0])))
    return np.concatenate(parts)


def _asymmetric_image(size=8):
    """An RGB image whose left-right mirror differs in both L and ab."""
    image = np.zeros((size, size, 3), np.uint8)
    image[:, : size // 2] = (200, 30, 40)  # bright red on the left
    image[:, size // 2 :] = (20, 40, 160)  # dark blue on the right
    image[0, 0] = (255, 255, 0)
    return image


# ---------------------------------------------------------------- sample


def test_every_sample_photo_loads_offline_as_color():
    for name in data.SAMPLE_PHOTOS:
        photo = embedded.load_photo(name)
        assert photo.dtype == np.uint8 and photo.ndim == 3 and photo.shape[-1] == 3, name
        assert min(photo.shape[:2]) >= 256, name
        assert np.abs(photo[..., 0].astype(int) - photo[..., 2]).max() > 0, name  # colour
    assert len(data.SAMPLE_PHOTOS) == 6
    assert data.SAMPLE_SPLITS["train"] == data.SAMPLE_SPLITS["test"] == data.SAMPLE_PHOTOS


def test_sample_regions_tile_every_photo_without_overlap():
    for name in data.SAMPLE_PHOTOS:
        height, width = embedded.load_photo(name).shape[:2]
        cover = np.zeros((height, width), int)
        for split in ("train", "test"):
            boxes = data.split_regions(name, split)
            assert boxes, (name, split)  # every photo is in both splits
            for left, top, right, bottom in boxes:
                cover[top:bottom, left:right] += 1
        assert (cover == 1).all(), name  # disjoint, and together the whole photo
        test_rows = {top for _, top, _, _ in data.split_regions(name, "test")}
        assert len(test_rows) == embedded.SAMPLE_GRID  # a test tile in every row (sky too)


@pytest.mark.parametrize("size", [16, 32, 100])
def test_sample_crops_lie_inside_their_split_regions(size):
    for split in ("train", "test"):
        boxes = data.sample_boxes(split, image_size=size, count=60, seed=3)
        for i, (left, top, right, bottom) in enumerate(boxes):
            name = data.SAMPLE_PHOTOS[i % len(data.SAMPLE_PHOTOS)]
            assert right - left == bottom - top > 0
            assert any(
                l <= left and t <= top and right <= r and bottom <= b
                for l, t, r, b in data.split_regions(name, split)
            ), (split, i, name)


def test_test_crops_read_no_train_pixel(monkeypatch):
    # Paint each photo's train tiles red and test tiles blue (textured): no
    # crop of either split may hold a pixel of the other colour.
    rng = np.random.default_rng(0)

    def fake_photo(name):
        photo = np.zeros((300 + 10 * len(name), 400, 3), np.uint8)
        texture = rng.integers(120, 250, photo.shape[:2])
        for split, channel in (("train", 0), ("test", 2)):
            for left, top, right, bottom in embedded._tile_boxes(400, photo.shape[0], split):
                photo[top:bottom, left:right, channel] = texture[top:bottom, left:right]
        return photo

    monkeypatch.setattr(embedded, "load_photo", fake_photo)
    monkeypatch.setattr(embedded, "_CROP_CACHE", type(embedded._CROP_CACHE)())
    for split, own, other in (("train", 0, 2), ("test", 2, 0)):
        crops = data.sample_images(split, image_size=16, count=48, seed=5)
        assert crops[..., other].max() == 0, split
        assert crops[..., own].min() > 0, split


@pytest.mark.parametrize("size, count", [(32, 12), (64, 8), (128, 4), (256, 2), (45, 3)])
def test_sample_shapes_and_ranges(size, count):
    crops = data.sample_images("train", image_size=size, count=count)
    assert crops.shape == (count, size, size, 3) and crops.dtype == np.uint8
    ds = data.sample("train", image_size=size, count=count, batch_size=4)
    spec_L, spec_ab = ds.element_spec
    assert spec_L.shape.as_list() == [None, size, size, 1] and spec_L.dtype == tf.float32
    assert spec_ab.shape.as_list() == [None, size, size, 2] and spec_ab.dtype == tf.float32
    L, ab = _batches(ds)
    assert L.shape == (count, size, size, 1) and ab.shape == (count, size, size, 2)
    assert L.min() >= -1.0 and L.max() <= 1.0 and np.abs(ab).max() <= 1.0
    assert np.abs(ab).max() > 0.1  # real colour, not grey


def test_sample_test_split_and_default_counts():
    crops = data.sample_images("test", image_size=32, count=6)
    assert crops.shape == (6, 32, 32, 3)
    assert embedded.default_count("train", 32) == 2000
    assert embedded.default_count("train", 64) == 2000
    assert embedded.default_count("test", 64) == 400
    assert embedded.default_count("train", 128) == 1000
    assert embedded.default_count("train", 256) == 500
    assert embedded.default_count("test", 256) == 100


def test_sample_is_deterministic_for_a_seed():
    a = data.sample_images("train", image_size=32, count=10, seed=3)
    embedded._CROP_CACHE.clear()  # rebuilt, not read back from the cache
    b = data.sample_images("train", image_size=32, count=10, seed=3)
    c = data.sample_images("train", image_size=32, count=10, seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # Shuffled batches are deterministic too.
    first = [
        next(iter(data.sample("train", image_size=32, count=10, batch_size=10, seed=s)))[1]
        for s in (7, 7, 8)
    ]
    np.testing.assert_array_equal(first[0].numpy(), first[1].numpy())
    assert not np.array_equal(first[0].numpy(), first[2].numpy())


def test_sample_crops_are_cached_and_returned_as_copies():
    a = data.sample_images("test", image_size=24, count=4, seed=11)
    key = ("test", 24, 4, 11)
    assert key in embedded._CROP_CACHE
    a[:] = 0
    b = data.sample_images("test", image_size=24, count=4, seed=11)
    assert b.max() > 0  # the cached crops were not changed through the copy


def test_sample_shuffles_train_only_by_default():
    crops = data.sample_images("test", image_size=16, count=6)
    L, ab = _batches(data.sample("test", image_size=16, count=6, batch_size=4))
    L_ref, ab_ref = color.rgb_to_l_ab(crops.astype(np.float32) / 255.0)
    np.testing.assert_allclose(L, L_ref, atol=1e-5)
    np.testing.assert_allclose(ab, ab_ref, atol=1e-5)
    L_train, _ = _batches(data.sample("train", image_size=16, count=20, batch_size=20, seed=1))
    train = data.sample_images("train", image_size=16, count=20)
    L_ordered, _ = color.rgb_to_l_ab(train.astype(np.float32) / 255.0)
    assert not np.allclose(L_train, L_ordered)


def test_sample_yuv_and_gray_color_spaces():
    crops = data.sample_images("test", image_size=16, count=4)
    Y, UV = _batches(data.sample("test", image_size=16, count=4, color_space="yuv"))
    assert Y.shape == (4, 16, 16, 1) and UV.shape == (4, 16, 16, 2)
    yuv = skcolor.rgb2yuv(crops)
    np.testing.assert_allclose(Y[..., 0], yuv[..., 0], atol=1e-4)
    np.testing.assert_allclose(UV, yuv[..., 1:], atol=1e-4)
    gray = _batches(data.sample("test", image_size=16, count=4, color_space="gray"))
    assert gray.shape == (4, 16, 16, 1) and gray.min() >= -1 and gray.max() <= 1
    rgb = _batches(data.sample("test", image_size=16, count=4, color_space="rgb"))
    np.testing.assert_allclose(rgb, crops / 127.5 - 1.0, atol=1e-6)


def test_sample_rejects_bad_arguments():
    with pytest.raises(ValueError, match="Unknown split 'validation'.*'train', 'test'"):
        data.sample("validation")
    with pytest.raises(ValueError, match="image_size must be a positive integer"):
        data.sample_images("train", image_size=0)
    with pytest.raises(ValueError, match="count must be a positive integer"):
        data.sample_images("train", image_size=16, count=-1)
    with pytest.raises(ValueError, match="Unknown color_space 'hsv'.*lab, yuv"):
        data.sample("test", image_size=16, count=2, color_space="hsv")


# ---------------------------------------------------------------- from_arrays


def test_from_arrays_matches_color_and_skimage(rng):
    images = rng.integers(0, 256, (5, 12, 10, 3), dtype=np.uint8)
    ds = data.from_arrays(images, batch_size=2)
    assert ds.element_spec[0].shape.as_list() == [None, 12, 10, 1]
    L, ab = _batches(ds)
    L_ref, ab_ref = color.rgb_to_l_ab(images.astype(np.float32) / 255.0)
    np.testing.assert_allclose(L, L_ref, atol=1e-5)
    np.testing.assert_allclose(ab, ab_ref, atol=1e-5)
    lab = skcolor.rgb2lab(images)  # the independent reference
    np.testing.assert_allclose(L[..., 0], lab[..., 0] / 50 - 1, atol=1e-3)
    np.testing.assert_allclose(ab, lab[..., 1:] / 110, atol=1e-3)


def test_from_arrays_single_image_list_and_resize():
    image = _asymmetric_image(8)
    L, ab = _batches(data.from_arrays(image))
    assert L.shape == (1, 8, 8, 1) and ab.shape == (1, 8, 8, 2)
    # Different sizes in a list are resized; centre crop keeps the middle.
    wide = np.zeros((20, 40, 3), np.uint8)
    wide[:, :10] = (255, 0, 0)
    wide[:, 30:] = (255, 0, 0)
    wide[:, 10:30] = (0, 0, 255)  # the centre square is pure blue
    L, ab = _batches(data.from_arrays([wide, image], image_size=10))
    assert L.shape == (2, 10, 10, 1)
    blue_L, blue_ab = color.rgb_to_l_ab(np.array([0.0, 0.0, 1.0], np.float32))
    np.testing.assert_allclose(ab[0], np.broadcast_to(blue_ab, (10, 10, 2)), atol=1e-5)
    with pytest.raises(ValueError, match="different sizes.*image_size"):
        data.from_arrays([wide, image])
    # Integer arrays of another dtype are fine when in 0..255.
    L2, _ = _batches(data.from_arrays(image.astype(np.int64)))
    np.testing.assert_array_equal(L2, _batches(data.from_arrays(image))[0])


@pytest.mark.parametrize(
    "images, error, match",
    [
        (np.zeros((2, 8, 8, 3), np.float32), TypeError, "uint8.*float.*astype"),
        (np.zeros((2, 8, 8, 4), np.uint8), ValueError, "4 channels.*alpha"),
        (np.zeros((8, 8), np.uint8), ValueError, "2-D array.*grey"),
        (np.zeros((2, 8, 8, 1), np.uint8), ValueError, "1 channel.*grey"),
        (np.zeros((2, 8, 8), np.uint8), ValueError, "last \\(channel\\) axis.*grey"),
        (np.zeros((0, 8, 8, 3), np.uint8), ValueError, "empty"),
        (np.zeros((1, 2, 8, 8, 3), np.uint8), ValueError, "rank 5"),
        (np.full((1, 4, 4, 3), 4095, np.uint16), ValueError, "values from 4095 to 4095.*16-bit"),
        (np.zeros((1, 4, 4, 3), bool), TypeError, "uint8 RGB.*bool"),
        ([], ValueError, "empty list"),
    ],
)
def test_from_arrays_bad_input_gets_a_clear_error(images, error, match):
    with pytest.raises(error, match=match):
        data.from_arrays(images)


def test_bad_pipeline_options_get_clear_errors():
    image = _asymmetric_image(8)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        data.from_arrays(image, batch_size=0)
    with pytest.raises(ValueError, match="image_size must be a positive integer.*2.5"):
        data.from_arrays(image, image_size=2.5)
    with pytest.raises(ValueError, match="Unknown color_space"):
        data.from_arrays(image, color_space="LUV")


def test_augment_flips_L_and_ab_together():
    image = _asymmetric_image(8)
    L0, ab0 = (x.numpy() for x in color.rgb_to_l_ab(image.astype(np.float32) / 255.0))
    seen = set()
    ds = data.from_arrays(np.stack([image] * 16), batch_size=16, augment=True, seed=2)
    L, ab = _batches(ds)
    for Li, abi in zip(L, ab):
        if np.allclose(Li, L0, atol=1e-6):
            np.testing.assert_allclose(abi, ab0, atol=1e-6)
            seen.add("kept")
        else:
            np.testing.assert_allclose(Li, L0[:, ::-1], atol=1e-6)
            np.testing.assert_allclose(abi, ab0[:, ::-1], atol=1e-6)
            seen.add("flipped")
    assert seen == {"kept", "flipped"}
    # The same seed gives the same flips; augment=False never flips.
    again = data.from_arrays(np.stack([image] * 16), batch_size=16, augment=True, seed=2)
    np.testing.assert_array_equal(L, _batches(again)[0])
    L_plain, _ = _batches(data.from_arrays(np.stack([image] * 16), batch_size=16))
    np.testing.assert_allclose(L_plain, np.broadcast_to(L0, L_plain.shape), atol=1e-6)


def test_shuffle_is_deterministic_for_a_seed_and_reshuffles_each_epoch():
    values = np.arange(12, dtype=np.uint8) * 20
    images = np.broadcast_to(values[:, None, None, None], (12, 2, 2, 3))
    order = values / 127.5 - 1.0

    def epochs(seed):
        ds = data.from_arrays(images, batch_size=12, shuffle=True, seed=seed, color_space="rgb")
        return [next(iter(ds))[:, 0, 0, 0].numpy() for _ in range(2)]

    (first, second), (again, _), (other, _) = epochs(9), epochs(9), epochs(10)
    np.testing.assert_array_equal(first, again)  # same seed, same order
    np.testing.assert_allclose(np.sort(first), order, atol=1e-6)  # a permutation
    assert not np.allclose(first, order)  # shuffled
    assert not np.allclose(first, second)  # a new order each epoch
    assert not np.allclose(first, other)  # another seed, another order


# ---------------------------------------------------------------- from_directory


def _color_image(size=(24, 16), seed=0):
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))


def _snapshot(folder):
    state = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                state[path] = (os.stat(path).st_mtime_ns, hashlib.sha256(f.read()).hexdigest())
    return state


@pytest.fixture
def photo_folder(tmp_path):
    folder = tmp_path / "photos"
    (folder / "nested" / "deeper").mkdir(parents=True)
    _color_image(seed=1).save(folder / "a.jpg")
    _color_image(seed=2).save(folder / "b.png")
    _color_image(seed=3).save(folder / "c.webp", lossless=True)
    _color_image(seed=4).save(folder / "d.bmp")
    _color_image(seed=5).save(folder / "nested" / "e.tiff")
    _color_image(seed=6).save(folder / "nested" / "deeper" / "F.JPG")
    grey = np.random.default_rng(7).integers(0, 256, (16, 24), dtype=np.uint8)
    Image.fromarray(grey).save(folder / "grey_mode_L.png")
    Image.fromarray(np.stack([grey] * 3, axis=-1)).save(folder / "nested" / "grey_rgb.png")
    (folder / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    (folder / "notes.png").write_text("a text file with an image extension")
    (folder / "readme.txt").write_text("ignored: not an image extension")
    return folder


def test_from_directory_reads_all_formats_and_reports_the_rest(photo_folder):
    before = _snapshot(photo_folder)
    with pytest.warns(UserWarning) as record:
        ds = data.from_directory(photo_folder, image_size=16, batch_size=4)
    messages = " | ".join(str(w.message) for w in record)
    assert "skipped 2 grey image(s)" in messages and "grey_mode_L.png" in messages
    assert "could not read 2 file(s)" in messages
    assert "corrupt.jpg" in messages and "notes.png" in messages
    L, ab = _batches(ds)
    assert L.shape == (6, 16, 16, 1) and ab.shape == (6, 16, 16, 2)
    assert np.abs(ab).max() > 0.1
    with pytest.warns(UserWarning):
        images, paths = data.read_directory(photo_folder, image_size=16)
    names = [os.path.relpath(p, photo_folder) for p in paths]
    nested = [os.path.join("nested", "e.tiff"), os.path.join("nested", "deeper", "F.JPG")]
    assert names == sorted(["a.jpg", "b.png", "c.webp", "d.bmp"] + nested)
    # Lossless formats keep the pixels: centre crop of 24x16 is columns 4..19.
    expected = np.asarray(_color_image(seed=2))[:, 4:20]
    np.testing.assert_array_equal(images[names.index("b.png")], expected)
    assert _snapshot(photo_folder) == before  # nothing written, touched or moved


def test_from_directory_non_recursive(photo_folder):
    with pytest.warns(UserWarning):
        images, paths = data.read_directory(photo_folder, image_size=8, recursive=False)
    assert len(paths) == 4 and not any("nested" in p for p in paths)


def test_from_directory_exif_orientation_and_transparency(tmp_path):
    # Stored with the top half red; EXIF orientation 6 says "rotate 90 clockwise
    # to display", which puts the red half on the right.
    stored = np.zeros((32, 32, 3), np.uint8)
    stored[:16] = (255, 0, 0)
    stored[16:] = (0, 0, 255)
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(stored).save(tmp_path / "rotated.jpg", exif=exif, quality=95)
    image = data.read_directory(tmp_path, image_size=32)[0][0]
    assert image[16, 28, 0] > 200 and image[16, 28, 2] < 60  # right: red
    assert image[16, 3, 2] > 200 and image[16, 3, 0] < 60  # left: blue
    # Transparent pixels are composited onto white.
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[:, :4] = (255, 0, 0, 0)  # fully transparent red
    rgba[:, 4:] = (0, 0, 255, 255)  # opaque blue
    Image.fromarray(rgba, "RGBA").save(tmp_path / "alpha.png")
    images, paths = data.read_directory(tmp_path, image_size=8)
    alpha = images[[os.path.basename(p) for p in paths].index("alpha.png")]
    np.testing.assert_array_equal(alpha[:, :4], 255)
    np.testing.assert_array_equal(alpha[:, 4:], np.broadcast_to([0, 0, 255], (8, 4, 3)))


def test_from_directory_bad_paths_get_clear_errors(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(FileNotFoundError, match="no such folder.*nope"):
        data.from_directory(missing)
    a_file = tmp_path / "one.png"
    _color_image().save(a_file)
    with pytest.raises(NotADirectoryError, match="expects a folder.*one.png.*is a file"):
        data.from_directory(a_file)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no usable colour images in .*empty.*folder is empty"):
        data.from_directory(empty)
    useless = tmp_path / "useless"
    useless.mkdir()
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(useless / "grey.png")
    (useless / "bad.jpg").write_bytes(b"garbage")
    (useless / "list.csv").write_text("1,2")
    with pytest.warns(UserWarning), pytest.raises(
        ValueError, match="useless.*1 grey, 1 unreadable.*ignored 1 file.*list.csv"
    ):
        data.from_directory(useless)


# ---------------------------------------------------------------- load / tfds


def test_load_unknown_name_lists_the_known_ones():
    known = "Unknown data set 'imagenet'.*sample.*cifar10.*mnist.*imagenet64"
    with pytest.raises(ValueError, match=known):
        data.load("imagenet")


@pytest.mark.parametrize(
    "name, canonical", [("cifar10", "cifar10"), ("imagenet64", "imagenet_resized/64x64")]
)
def test_load_offline_fails_fast_naming_dataset_dir_and_command(
    tmp_path, monkeypatch, name, canonical
):
    def no_network(*args, **kwargs):
        raise AssertionError("load(download=False) tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)  # name lookups come first
    start = time.perf_counter()
    with pytest.raises(data.DatasetNotPreparedError) as info:
        data.load(name, data_dir=tmp_path)
    elapsed = time.perf_counter() - start
    # The behaviour asked for: an immediate error, never minutes of download retries.
    assert elapsed < 5.0, f"took {elapsed:.1f} s"
    assert isinstance(info.value, FileNotFoundError)
    message = str(info.value)
    assert repr(canonical) in message and str(tmp_path) in message
    assert f"tfds.builder('{canonical}', data_dir='{tmp_path}').download_and_prepare()" in message
    assert f"tfds build {canonical} --data_dir {tmp_path}" in message
    assert os.listdir(tmp_path) == []  # nothing written to the data dir


def test_load_uses_tfds_data_dir_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "env_dir"))
    with pytest.raises(data.DatasetNotPreparedError, match="mnist.*env_dir.*TFDS_DATA_DIR"):
        data.load("mnist")


def test_load_names_a_prepared_version_it_cannot_use(tmp_path):
    old = tmp_path / "cifar10" / "1.0.0"
    old.mkdir(parents=True)
    (old / "dataset_info.json").write_text("{}")
    with pytest.raises(data.DatasetNotPreparedError, match="found version\\(s\\) 1.0.0"):
        data.load("cifar10", data_dir=tmp_path)


@pytest.fixture(scope="module")
def prepared_data_dir(tmp_path_factory):
    """A data dir with tiny, synthetic but really prepared cifar10 and mnist.

    tensorflow-datasets' own builders write them; only their example
    generators are replaced, so no download happens.
    """
    import tensorflow_datasets as tfds

    data_dir = str(tmp_path_factory.mktemp("tfds"))
    rng = np.random.default_rng(0)
    images = {
        "cifar10": {s: rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)
                    for s, n in (("train", 20), ("test", 6))},
        "mnist": {s: rng.integers(0, 256, (n, 28, 28, 1), dtype=np.uint8)
                  for s, n in (("train", 10), ("test", 4))},
    }

    def examples(name, split):
        for i, image in enumerate(images[name][split]):
            example = {"image": image, "label": i % 10}
            if name == "cifar10":
                example["id"] = f"{split}_{i}"
            yield f"{split}_{i}", example

    tfds.display_progress_bar(False)
    for name in images:
        builder = tfds.builder(name, data_dir=data_dir)
        builder._split_generators = lambda dl_manager, name=name: {
            split: examples(name, split) for split in images[name]
        }
        builder.download_and_prepare()
    tfds.display_progress_bar(True)
    return data_dir, images


def _match_rows(ours, reference):
    """For each row of ours, the index of the equal row of reference (or fail)."""
    flat = reference.reshape(len(reference), -1)
    out = []
    for row in ours.reshape(len(ours), -1):
        hits = np.nonzero(np.all(np.abs(flat - row) < 1e-5, axis=1))[0]
        assert len(hits) == 1
        out.append(int(hits[0]))
    return out


def test_load_prepared_tfds_dataset(prepared_data_dir):
    data_dir, images = prepared_data_dir
    ds = data.load("cifar10", "test", data_dir=data_dir, batch_size=4)
    assert ds.element_spec[0].shape.as_list() == [None, 32, 32, 1]
    L, ab = _batches(ds)
    rgb = images["cifar10"]["test"] / np.float32(255)
    L_ref, ab_ref = (x.numpy() for x in color.rgb_to_l_ab(rgb))
    rows = _match_rows(L, L_ref)
    assert sorted(rows) == list(range(6))
    np.testing.assert_allclose(ab, ab_ref[rows], atol=1e-5)
    # Slicing, resizing and the shuffled train split.
    sliced = data.load(
        "cifar10", "train[:50%]", data_dir=data_dir, image_size=16, batch_size=4, augment=True
    )
    L, ab = _batches(sliced)
    assert L.shape == (10, 16, 16, 1) and ab.shape == (10, 16, 16, 2)
    first = [
        _batches(data.load("cifar10", "train", data_dir=data_dir, seed=s, color_space="rgb"))
        for s in (1, 1, 2)
    ]
    np.testing.assert_array_equal(first[0], first[1])
    assert not np.array_equal(first[0], first[2])
    cached = data.load("cifar10", "train", data_dir=data_dir, cache=True, shuffle=False)
    for _ in range(2):  # the second epoch reads the cache
        assert _batches(cached)[0].shape == (20, 32, 32, 1)
    Y, UV = _batches(data.load("cifar10", "test", data_dir=data_dir, color_space="yuv"))
    assert Y.shape == (6, 32, 32, 1) and UV.shape == (6, 32, 32, 2) and 0 <= Y.min() <= Y.max() <= 1


def test_load_mnist_gives_grey_images_in_minus_one_one(prepared_data_dir):
    data_dir, images = prepared_data_dir
    ds = data.load("mnist", "test", data_dir=data_dir, batch_size=4)
    assert isinstance(ds.element_spec, tf.TensorSpec)
    assert ds.element_spec.shape.as_list() == [None, 28, 28, 1]
    x = _batches(ds)
    reference = images["mnist"]["test"] / 127.5 - 1.0
    rows = _match_rows(x, reference)
    assert sorted(rows) == list(range(4))


def test_load_sample_goes_to_sample():
    L, ab = _batches(data.load("sample", "test", image_size=16, batch_size=8))
    L_ref, ab_ref = _batches(data.sample("test", image_size=16, batch_size=8))
    np.testing.assert_array_equal(L, L_ref)
    np.testing.assert_array_equal(ab, ab_ref)


def test_fit_on_a_sample_dataset_does_not_warn_about_shuffle():
    import warnings

    from kcolor import models
    from kcolor.backend import keras
    from kcolor.colorizers import Colorizer

    model = Colorizer(models.unet(16, width=0.125, seed=0), loss="l2")
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    train = data.sample("train", image_size=16, count=8, batch_size=4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(train, epochs=1, verbose=0)
    assert not [w for w in caught if "shuffle" in str(w.message)]


# ------------------------------------------------------------------ train_and_test


def test_train_and_test_gives_a_data_sets_two_splits():
    train, test = data.train_and_test("sample", image_size=16, batch_size=4, test_batch_size=8,
                                      color_space="yuv")
    Y, UV = next(iter(train))
    assert Y.shape == (4, 16, 16, 1) and UV.shape == (4, 16, 16, 2)
    assert next(iter(test))[0].shape[0] == 8
    digits, held_out = data.train_and_test("digits", image_size=32, batch_size=64,
                                           color_space="gray")
    assert next(iter(digits)).shape == (64, 32, 32, 1)
    assert sum(int(b.shape[0]) for b in held_out) == 1000  # the font digits' test split


def test_train_and_test_refuses_an_unknown_name_and_colour_digits():
    with pytest.raises(ValueError, match="Unknown data set 'cifar100'.*cifar10"):
        data.train_and_test("cifar100", image_size=32, batch_size=4)
    with pytest.raises(ValueError, match="digits are grey"):
        data.train_and_test("digits", image_size=32, batch_size=4)


def test_the_held_out_split_is_test_else_validation():
    assert data.held_out_split("cifar10") == "test"
    assert data.held_out_split("imagenet64") == "validation"  # down-sampled ImageNet has no test
    assert data.held_out_split("places365_small") == "test"
