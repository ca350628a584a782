"""kcolor.colorize and the bad-input corpus (issue 5)."""

import os

import numpy as np
import pytest
from PIL import Image

import kcolor
from kcolor import color, inference
from kcolor.backend import keras


def _tiny_colorizer(size=16):
    """A fixed, deterministic L -> ab network (no training needed)."""
    inp = keras.Input((size, size, 1))
    out = keras.layers.Conv2D(
        2, 3, padding="same", activation="tanh",
        kernel_initializer=keras.initializers.RandomNormal(seed=3),
        bias_initializer=keras.initializers.Constant([0.3, -0.2]),
    )(inp)
    return keras.Model(inp, out)


@pytest.fixture(scope="module")
def model():
    return _tiny_colorizer()


def _snapshot(folder):
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_output_has_input_size_and_keeps_full_resolution_l(model, rng):
    image = rng.integers(0, 256, (37, 53, 3), dtype=np.uint8)
    out = kcolor.colorize(image, model)
    assert out.shape == (37, 53, 3) and out.dtype == np.uint8
    # The L channel is the original's, at full resolution (up to 8-bit rounding).
    L_in = color.rgb_to_lab(image / 255.0).numpy()[..., 0]
    L_out = color.rgb_to_lab(out / 255.0).numpy()[..., 0]
    assert np.abs(L_in - L_out).mean() < 1.0


def test_color_comes_from_the_model(model):
    grey = np.full((20, 30), 128, np.uint8)
    out = kcolor.colorize(grey, model).astype(int)
    assert out.shape == (20, 30, 3)
    assert np.abs(out[..., 0] - out[..., 1]).mean() > 2, "ab from the model should tint grey"
    zero = kcolor.colorize(grey, lambda L: np.zeros(L.shape[:-1] + (2,), np.float32), size=8)
    assert np.abs(zero[..., 0] - zero[..., 1]).max() <= 1, "ab = 0 keeps a grey image grey"


def test_batched_list_matches_single_calls(model, rng):
    images = [rng.integers(0, 256, s + (3,), dtype=np.uint8) for s in [(16, 16), (9, 40), (64, 8)]]
    batched = kcolor.colorize(images, model, batch_size=2)
    assert [b.shape for b in batched] == [i.shape for i in images]
    for image, out in zip(images, batched):
        np.testing.assert_array_equal(out, kcolor.colorize(image, model))


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda: np.zeros((1, 1, 3), np.uint8), (1, 1, 3)),
        (lambda: np.zeros((3, 7, 3), np.uint8), (3, 7, 3)),
        (lambda: np.zeros((2, 900, 3), np.uint8), (2, 900, 3)),
        (lambda: np.zeros((700, 3), np.uint8), (700, 3, 3)),
        (lambda: np.full((5, 6, 1), 200, np.uint8), (5, 6, 3)),
        (lambda: np.full((5, 6), 40000, np.uint16), (5, 6, 3)),
        (lambda: np.linspace(0, 1, 30).reshape(5, 6), (5, 6, 3)),
        (lambda: np.ones((4, 4, 3), bool), (4, 4, 3)),
        (lambda: np.dstack([np.zeros((5, 6, 3), np.uint8), np.full((5, 6), 77, np.uint8)]), (5, 6, 4)),
        (lambda: Image.new("P", (6, 5), 3), (5, 6, 3)),
        (lambda: Image.new("LA", (6, 5), (100, 50)), (5, 6, 4)),
        (lambda: Image.new("CMYK", (6, 5), (10, 200, 30, 0)), (5, 6, 3)),
    ],
)
def test_odd_but_valid_inputs_give_correct_output(model, make, shape):
    out = kcolor.colorize(make(), model)
    assert out.shape == shape and out.dtype == np.uint8


def test_alpha_is_reattached_unchanged(model, rng):
    rgba = rng.integers(0, 256, (12, 10, 4), dtype=np.uint8)
    out = kcolor.colorize(rgba, model)
    np.testing.assert_array_equal(out[..., 3], rgba[..., 3])


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.full((4, 4, 3), np.nan, np.float32), "NaN"),
        (np.full((4, 4, 3), 7.0), r"\[0, 1\]"),
        (np.full((4, 4, 3), -0.5), r"\[0, 1\]"),
        (np.zeros((4, 4, 5), np.uint8), "shape"),
        (np.zeros((0, 4, 3), np.uint8), "empty"),
        (np.zeros((4, 4, 3), np.int32) - 3, "integer"),
        ("definitely/not/here.png", "no such file"),
        (object(), "cannot colourise"),
    ],
)
def test_bad_arrays_and_objects_get_clear_errors(model, bad, message):
    with pytest.raises((inference.ImageError, FileNotFoundError), match=message):
        kcolor.colorize(bad, model)


def _write_corpus(folder):
    """Odd and broken image files, as users have them."""
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (1, 1, 3), dtype=np.uint8)).save(folder / "one_pixel.png")
    Image.fromarray(rng.integers(0, 256, (3, 7, 3), dtype=np.uint8)).save(folder / "three_by_seven.png")
    Image.fromarray(rng.integers(0, 256, (4, 1500, 3), dtype=np.uint8)).save(folder / "banner.jpg")
    Image.fromarray(rng.integers(0, 256, (20, 16), dtype=np.uint8)).save(folder / "grey.png")
    Image.fromarray(rng.integers(0, 256, (20, 16, 4), dtype=np.uint8)).save(folder / "rgba.png")
    pal = Image.fromarray(rng.integers(0, 256, (20, 16, 3), dtype=np.uint8)).convert("P")
    pal.save(folder / "palette.png", transparency=0)
    Image.fromarray(rng.integers(0, 65536, (20, 16), dtype=np.uint16)).save(folder / "sixteen_bit.png")
    Image.new("CMYK", (16, 20), (0, 120, 200, 10)).save(folder / "cmyk.jpg")
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display": stored 24 wide x 12 high, shown 12 x 24
    Image.fromarray(rng.integers(0, 256, (12, 24, 3), dtype=np.uint8)).save(
        folder / "rotated.jpg", exif=exif
    )
    Image.fromarray(rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)).save(folder / "whole.jpg")
    whole = (folder / "whole.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(whole[: len(whole) // 3])
    (folder / "not_an_image.png").write_text("this is text, not a PNG")
    (folder / "notes.txt").write_text("a file that is not an image at all")
    (folder / "sub").mkdir()
    Image.fromarray(rng.integers(0, 256, (9, 9, 3), dtype=np.uint8)).save(folder / "sub" / "nested.webp")


EXPECTED = {  # output shape for each good file of the corpus
    "one_pixel.png": (1, 1, 3),
    "three_by_seven.png": (3, 7, 3),
    "banner.jpg": (4, 1500, 3),
    "grey.png": (20, 16, 3),
    "rgba.png": (20, 16, 4),
    "palette.png": (20, 16, 4),
    "sixteen_bit.png": (20, 16, 3),
    "cmyk.jpg": (20, 16, 3),
    "rotated.jpg": (24, 12, 3),
    "whole.jpg": (40, 40, 3),
    "nested.webp": (9, 9, 3),
}
BROKEN = {"truncated.jpg": "truncated", "not_an_image.png": "not an image"}


def test_bad_input_corpus_files(model, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write_corpus(corpus)
    before = _snapshot(corpus)
    for path in sorted(corpus.rglob("*")):
        if path.name in EXPECTED:
            out = kcolor.colorize(path, model)
            assert out.shape == EXPECTED[path.name], path.name
        elif path.name in BROKEN:
            with pytest.raises(inference.ImageError, match=BROKEN[path.name]) as info:
                kcolor.colorize(path, model)
            assert path.name in str(info.value), "the error names the file"
    with pytest.raises(inference.ImageError, match="folder"):
        kcolor.colorize(corpus / "sub", model)
    assert _snapshot(corpus) == before, "no input file may be modified"


def test_load_colorizer_round_trip_and_errors(model, tmp_path):
    path = tmp_path / "tiny.keras"
    model.save(path)
    loaded = inference.load_colorizer(path)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 1)).astype(np.float32)
    np.testing.assert_allclose(loaded.predict_on_batch(x), model.predict_on_batch(x), atol=1e-6)
    with pytest.raises(FileNotFoundError):
        inference.load_colorizer(tmp_path / "missing.keras")
    (tmp_path / "text.keras").write_text("not a model")
    with pytest.raises(inference.ModelError, match="not a Keras"):
        inference.load_colorizer(tmp_path / "text.keras")
    inp = keras.Input((16, 16, 3))
    classifier = keras.Model(inp, keras.layers.Dense(10)(keras.layers.Flatten()(inp)))
    classifier.save(tmp_path / "classifier.keras")
    with pytest.raises(inference.ModelError, match="not a kcolor colorizer"):
        inference.load_colorizer(tmp_path / "classifier.keras")


@pytest.mark.parametrize("kind", ["regression", "classification", "cgan"])
def test_every_colorizer_type_colorizes(kind, rng):
    from kcolor import models, quantize

    if kind == "regression":
        model = kcolor.Colorizer(models.unet(16, width=0.125), loss="l1")
    elif kind == "classification":
        model = kcolor.ClassColorizer(
            models.colorful(16, head="classes", width=0.0625), quantize.GamutBins()
        )
    else:
        model = kcolor.CGAN(models.unet(16, width=0.125), models.patchgan(16, width=0.125))
    photos = [rng.integers(0, 256, (21, 34, 3), dtype=np.uint8), np.full((9, 9), 99, np.uint8)]
    outs = kcolor.colorize(photos, model, size=16)
    assert [o.shape for o in outs] == [(21, 34, 3), (9, 9, 3)]
