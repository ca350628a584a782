"""Tests for kcolor.models: shapes, the papers' layer structure, save / load, errors."""

import math

import numpy as np
import pytest

from kcolor import models, quantize
from kcolor.backend import keras, tf
from kcolor.models import blocks

SIZES = (32, 64, 128, 256)
_np = keras.ops.convert_to_numpy

# Small configurations of every builder (fast on a shared 2-core CPU) and
# the output shape each must give for an (S, S, .) input.
SMALL = {
    "koo_baseline": (lambda s: models.koo_baseline(s), lambda s: (s, s, 2)),
    "koo_generator": (lambda s: models.koo_generator(s, noise_dim=8), lambda s: (s, s, 2)),
    "unet": (lambda s: models.unet(s, width=0.0625), lambda s: (s, s, 2)),
    "colorful": (lambda s: models.colorful(s, width=0.0625, num_classes=313),
                 lambda s: (s, s, 313)),
    "colorful_regression": (lambda s: models.colorful(s, head="regression", width=0.0625),
                            lambda s: (s, s, 2)),
    "deep_cnn": (lambda s: models.deep_cnn(s, filters=(4,) * 8 + (1,), dense=s <= 32),
                 lambda s: (s, s, 2)),
    "deep_cnn_classes": (
        lambda s: models.deep_cnn(s, head="classes", num_classes=10, dense=False, width=0.125),
        lambda s: (s, s, 2, 10),
    ),
    "dcgan_generator": (lambda s: models.dcgan_generator(s, noise_dim=8, width=0.0625),
                        lambda s: (s, s, 1)),
    "koo_discriminator": (
        lambda s: models.koo_discriminator(s, filters=(4, 4, 4), dense_units=8),
        lambda s: (1,),
    ),
    "dcgan_discriminator": (lambda s: models.dcgan_discriminator(s, width=0.0625),
                            lambda s: (1,)),
    "patchgan": (lambda s: models.patchgan(s, width=0.0625),
                 lambda s: ({32: 6, 64: 6, 128: 14, 256: 30}[s],) * 2 + (1,)),
    "ebgan_discriminator": (lambda s: models.ebgan_discriminator(s, width=0.0625, code_dim=16),
                            lambda s: [(s, s, 3), (16,)]),
}


def _inputs(model, batch, rng):
    arrays = []
    for tensor in model.inputs:
        shape = (batch,) + tuple(tensor.shape[1:])
        arrays.append(rng.uniform(-1, 1, size=shape).astype("float32"))
    return arrays if len(arrays) > 1 else arrays[0]


def _shapes(outputs):
    if isinstance(outputs, (list, tuple)):
        return [tuple(o.shape[1:]) for o in outputs]
    return tuple(outputs.shape[1:])


def _kind(layer):
    return type(layer).__name__


# ------------------------------------------------------------------ registry


def test_builders_registry_names_every_builder():
    expected = {
        "koo_baseline", "koo_generator", "koo_discriminator", "unet", "patchgan",
        "dcgan_discriminator", "ebgan_discriminator", "colorful", "deep_cnn",
        "dcgan_generator", "mlp_generator", "mlp_discriminator",
    }
    assert set(models.BUILDERS) == expected
    for name, builder in models.BUILDERS.items():
        assert builder.__name__ == name
        assert "Reference:" in builder.__doc__ and "Args:" in builder.__doc__
        assert "Example:" in builder.__doc__


# -------------------------------------------------------------------- shapes


@pytest.mark.parametrize("name", sorted(SMALL))
def test_output_shapes(name, rng):
    build, expected = SMALL[name]
    for size in SIZES:  # one test per builder: the per-test clean-up is slow
        model = build(size)
        assert isinstance(model, keras.Model)
        outputs = model(_inputs(model, 1, rng), training=False)
        assert _shapes(outputs) == expected(size), f"{name} at {size} px"
        for out in outputs if isinstance(outputs, (list, tuple)) else [outputs]:
            assert out.dtype == tf.float32
            assert np.all(np.isfinite(_np(out)))


def test_outputs_stay_float32_under_mixed_precision(rng):
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        for name, (build, expected) in sorted(SMALL.items()):
            model = build(32)
            assert model.get_layer(index=3).compute_dtype == "float16", name
            outputs = model(_inputs(model, 1, rng), training=False)
            for out in outputs if isinstance(outputs, (list, tuple)) else [outputs]:
                assert out.dtype == tf.float32, name
            assert _shapes(outputs) == expected(32), name
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_dcgan_generator_makes_mnist_sized_images_in_tanh_range(rng):
    g = models.dcgan_generator(28, noise_dim=16, width=0.125)
    images = _np(g(rng.normal(size=(2, 16)).astype("float32"), training=False))
    assert images.shape == (2, 28, 28, 1)
    assert np.all(np.abs(images) <= 1.0)
    assert g.get_layer("project_reshape").output.shape[1:3] == (7, 7)


def test_discriminators_take_any_channel_count_and_output_logits(rng):
    for builder in (models.koo_discriminator, models.dcgan_discriminator, models.patchgan,
                    models.ebgan_discriminator):
        for channels in (1, 2, 3):
            kwargs = {"filters": (4, 4, 4), "dense_units": 8} if builder is \
                models.koo_discriminator else {"width": 0.0625}
            d = builder(32, input_channels=channels, **kwargs)
            assert d.inputs[0].shape[-1] == channels
        for layer in d.layers:
            assert getattr(layer, "activation", None) is not keras.activations.sigmoid
    # Logits are unbounded: a large input drives them outside (0, 1).
    d = models.dcgan_discriminator(32, width=0.0625, seed=3)
    logits = _np(d(10 * rng.normal(size=(8, 32, 32, 3)).astype("float32")))
    assert logits.shape == (8, 1)
    assert np.any((logits < 0) | (logits > 1))


# ------------------------------------------------------------- koo_baseline


def test_koo_baseline_layers_follow_paper_a_figure_2():
    model = models.koo_baseline(32)
    convs = [layer for layer in model.layers if _kind(layer) == "Conv2D"]
    assert [c.filters for c in convs] == [32, 32, 64, 32, 2]
    assert [c.kernel_size for c in convs] == [(3, 3)] * 3 + [(1, 1)] * 2
    assert all(c.strides == (1, 1) and c.padding == "same" for c in convs)
    kinds = [_kind(layer) for layer in model.layers]
    assert not any("Pool" in k or "UpSampling" in k or "Transpose" in k for k in kinds)
    # conv -> BN -> ReLU after every convolution but the last, which is linear.
    assert kinds == ["InputLayer"] + ["Conv2D", "BatchNormalization", "ReLU"] * 4 + ["Conv2D"]
    assert convs[-1].activation is keras.activations.linear
    assert model.output_shape == (None, 32, 32, 2)
    assert models.receptive_field(model) == 7  # three 3x3 convolutions
    assert models.koo_baseline(48).output_shape == (None, 48, 48, 2)
    tanh = models.koo_baseline(32, output_activation="tanh")
    assert _kind(tanh.layers[-1]) == "Activation"


def test_koo_baseline_uses_untruncated_he_initialisation():
    # Paper A, eq. 3: w = z / sqrt(n_l / 2), z ~ N(0, 1).
    model = models.koo_baseline(32, seed=0)
    kernel = model.get_layer("conv3").get_weights()[0]  # 3x3x32x64 = 18,432 weights
    fan_in = 3 * 3 * 32
    expected_std = math.sqrt(2.0 / fan_in)
    assert abs(kernel.mean()) < 0.05 * expected_std
    assert kernel.std() == pytest.approx(expected_std, rel=0.05)
    # Untruncated: about 0.27% of N(0, 1) draws lie beyond 3 sigma (~50 here);
    # Keras's truncated "he_normal" has none beyond 2 sigma of its own scale.
    assert np.sum(np.abs(kernel) > 3 * expected_std) > 10


# ------------------------------------------------------------ koo_generator


def _randomise(model, rng):
    for layer in model.layers:
        weights = layer.get_weights()
        if weights:
            layer.set_weights([rng.uniform(0.5, 1.5, size=w.shape).astype("float32")
                               * rng.choice([-1, 1], size=w.shape).astype("float32")
                               if "variance" not in v.path else
                               rng.uniform(0.5, 1.5, size=w.shape).astype("float32")
                               for w, v in zip(weights, layer.weights)])


def test_koo_generator_noise_path_shapes():
    g = models.koo_generator(32)
    assert [tuple(t.shape) for t in g.inputs] == [(None, 32, 32, 1), (None, 100)]
    assert g.get_layer("noise_dense").units == 32 * 32  # paper A: 1024 = 32x32
    assert g.get_layer("noise_plane").output.shape[1:] == (32, 32, 1)
    assert models.koo_generator(16, noise_dim=7).get_layer("noise_dense").units == 256


def test_koo_generator_weight_transfer_reproduces_the_baseline(rng):
    baseline = models.koo_baseline(16, seed=1)
    _randomise(baseline, rng)  # stands in for training (incl. BN moving stats)
    generator = models.koo_generator(16, noise_dim=4, baseline=baseline)
    shared = [layer.name for layer in baseline.layers if layer.weights]
    assert len(shared) == 9  # 5 convolutions, 4 batch norms
    for name in shared:
        for a, b in zip(baseline.get_layer(name).get_weights(),
                        generator.get_layer(name).get_weights()):
            np.testing.assert_array_equal(a, b)
    gray = rng.uniform(-1, 1, size=(2, 16, 16, 1)).astype("float32")
    z = rng.normal(size=(2, 4)).astype("float32")
    expected = _np(baseline(gray, training=False))
    # With z's contribution on, the output differs; zeroed, it is the baseline.
    noisy = _np(generator([gray, z], training=False))
    assert np.max(np.abs(noisy - expected)) > 1e-3
    dense = generator.get_layer("noise_dense")
    dense.set_weights([np.zeros_like(w) for w in dense.get_weights()])
    np.testing.assert_allclose(_np(generator([gray, z], training=False)), expected,
                               atol=1e-5, rtol=1e-5)


def test_transfer_baseline_weights_rejects_mismatched_models():
    generator = models.koo_generator(16, noise_dim=4)
    with pytest.raises(ValueError, match="conv5"):
        models.transfer_baseline_weights(generator, models.koo_baseline(16, output_channels=3))
    with pytest.raises(ValueError, match="no layer named"):
        models.transfer_baseline_weights(generator, models.unet(16, width=0.0625))
    with pytest.raises(TypeError, match="baseline"):
        models.koo_generator(16, baseline="weights.keras")


# --------------------------------------------------------------------- unet


def _source_layer(tensor):
    return tensor._keras_history[0].name


def test_unet_follows_paper_b_cifar10_layer_list():
    model = models.unet(32)
    encoder = [model.get_layer(f"enc{i}_conv") for i in range(5)]
    assert [c.filters for c in encoder] == [64, 128, 256, 512, 512]
    assert [c.strides for c in encoder] == [(1, 1)] + [(2, 2)] * 4
    assert all(c.kernel_size == (4, 4) for c in encoder)
    assert model.get_layer("enc4_conv").output.shape[1:3] == (2, 2)  # 2x2 bottleneck
    decoder = [model.get_layer(f"dec{j}_conv") for j in range(4)]
    assert all(_kind(d) == "Conv2DTranspose" and d.strides == (2, 2) for d in decoder)
    assert [d.filters for d in decoder] == [512, 256, 128, 64]
    assert _kind(model.get_layer("enc1_act")) == "LeakyReLU"
    assert model.get_layer("enc1_act").negative_slope == pytest.approx(0.2)
    assert model.get_layer("dec0_act").activation is keras.activations.relu
    assert model.get_layer("output").activation is keras.activations.tanh
    assert model.get_layer("output").kernel_size == (1, 1)


def test_unet_skip_connections_and_no_batch_norm_on_first_layer():
    depth = 5
    model = models.unet(64, width=0.125)
    names = [layer.name for layer in model.layers]
    assert "enc0_bn" not in names and "enc1_bn" in names
    batch_norms = [n for n in names if n.endswith("_bn")]
    assert len(batch_norms) == 2 * depth  # every down and up layer but the first
    concats = [layer for layer in model.layers if _kind(layer) == "Concatenate"]
    assert len(concats) == depth
    for j, concat in enumerate(concats):
        up, skip = concat.input
        assert _source_layer(up) == f"dec{j}_act"
        level = depth - 1 - j
        assert _source_layer(skip) == f"enc{level}_act"
        assert up.shape[1:3] == skip.shape[1:3]
    # The output head reads the full-resolution skip.
    assert model.get_layer("output").input.shape[1:3] == (64, 64)


def test_unet_depth_follows_image_size_and_can_be_set():
    assert sum(1 for layer in models.unet(256, width=0.0625).layers
               if layer.name.endswith("_conv") and layer.name.startswith("enc")) == 8
    shallow = models.unet(32, width=0.125, depth=2)
    assert shallow.get_layer("enc2_conv").output.shape[1:3] == (8, 8)
    assert shallow.output_shape == (None, 32, 32, 2)
    two = models.unet(32, width=0.125, input_channels=2)  # L plus a noise plane
    assert two.input_shape == (None, 32, 32, 2)
    capped = models.unet(256, max_filters=128, width=1.0)
    assert max(layer.filters for layer in capped.layers if _kind(layer) == "Conv2D") == 128


def test_unet_dropout_is_active_only_in_training(rng):
    x = rng.uniform(-1, 1, size=(2, 32, 32, 1)).astype("float32")
    model = models.unet(32, width=0.125, dropout=0.5)
    drops = [layer for layer in model.layers if _kind(layer) == "Dropout"]
    assert [d.name for d in drops] == ["dec0_dropout"]  # paper B's CIFAR-10 net: one block
    assert [d.name for d in models.unet(256, width=0.0625, dropout=0.5).layers
            if _kind(d) == "Dropout"] == ["dec0_dropout", "dec1_dropout", "dec2_dropout"]
    np.testing.assert_array_equal(_np(model(x, training=False)),
                                  _np(model(x, training=False)))
    a, b = _np(model(x, training=True)), _np(model(x, training=True))
    assert np.max(np.abs(a - b)) > 1e-4
    plain = models.unet(32, width=0.125)
    assert not any(_kind(layer) == "Dropout" for layer in plain.layers)
    np.testing.assert_array_equal(_np(plain(x, training=True)),
                                  _np(plain(x, training=True)))


# ----------------------------------------------------------------- patchgan


def test_patchgan_is_the_70x70_patchgan_at_256_px():
    model = models.patchgan(256, width=0.125)
    assert model.output_shape == (None, 30, 30, 1)
    assert models.receptive_field(model) == 70
    assert models.patchgan_receptive_field(3) == 70
    convs = [layer for layer in model.layers if _kind(layer) == "Conv2D"]
    assert [c.strides for c in convs] == [(2, 2)] * 3 + [(1, 1)] * 2
    assert all(c.kernel_size == (4, 4) for c in convs)
    full = models.patchgan(256)
    assert [c.filters for c in full.layers if _kind(c) == "Conv2D"] == [64, 128, 256, 512, 1]


def test_patchgan_receptive_field_per_size():
    for size, n_layers, field, side in [(16, 1, 16, 6), (32, 2, 34, 6), (64, 3, 70, 6),
                                        (128, 3, 70, 14), (256, 3, 70, 30)]:
        model = models.patchgan(size, width=0.0625)
        assert models.receptive_field(model) == field == models.patchgan_receptive_field(n_layers)
        assert model.output_shape[1] == side == models.patchgan_output_size(size, n_layers)
    assert models.patchgan_receptive_field(4) == 142
    assert models.patchgan(256, width=0.0625, n_layers=4).output_shape == (None, 14, 14, 1)


def test_patchgan_receptive_field_matches_gradients():
    # Independent check of the analytic 70: the input pixels one output logit
    # depends on (non-zero gradient) span 70 x 70.
    model = models.patchgan(256, width=0.0625, input_channels=1, seed=0)
    x = tf.Variable(tf.random.normal((1, 256, 256, 1), seed=1))
    with tf.GradientTape() as tape:
        logit = model(x, training=False)[0, 15, 15, 0]
    grad = np.abs(tape.gradient(logit, x).numpy()[0, :, :, 0])
    rows = np.flatnonzero(grad.sum(axis=1) > 0)
    cols = np.flatnonzero(grad.sum(axis=0) > 0)
    assert rows[-1] - rows[0] + 1 == 70
    assert cols[-1] - cols[0] + 1 == 70


# ------------------------------------------------------ other architectures


def test_colorful_follows_zhang_et_al():
    model = models.colorful(64, num_classes=313)
    convs = [layer for layer in model.layers if layer.name.startswith("conv")
             and _kind(layer) in ("Conv2D", "Conv2DTranspose")]
    assert len(convs) == 2 + 2 + 3 + 3 + 3 + 3 + 3 + 3
    assert not any("Pool" in _kind(layer) for layer in model.layers)
    assert model.get_layer("conv3_3").output.shape[1:] == (8, 8, 256)  # 1/8
    assert model.get_layer("conv5_1").dilation_rate == (2, 2)
    assert model.get_layer("conv6_3").dilation_rate == (2, 2)
    assert model.get_layer("conv7_1").dilation_rate == (1, 1)
    assert _kind(model.get_layer("conv8_1")) == "Conv2DTranspose"
    assert model.get_layer("conv8_3").output.shape[1:] == (16, 16, 256)  # 1/4
    assert model.get_layer("class_logits").output.shape[1:] == (16, 16, 313)
    assert model.output_shape == (None, 64, 64, 313)  # upsampled logits
    default = models.colorful(32, width=0.0625)
    assert default.output_shape[-1] == quantize.GamutBins().num_classes, "matches default bins"
    assert sum(_kind(layer) == "BatchNormalization" for layer in model.layers) == 8
    widths = [model.get_layer(f"conv{b}_1").filters for b in range(1, 9)]
    assert widths == [64, 128, 256, 512, 512, 512, 512, 256]
    regression = models.colorful(32, head="regression", width=0.0625)
    assert regression.output_shape == (None, 32, 32, 2)
    assert _kind(regression.layers[-1]) == "Activation"


def test_deep_cnn_follows_paper_e():
    model = models.deep_cnn(32)
    convs = [layer for layer in model.layers if _kind(layer) == "Conv2D"]
    assert len(convs) == 9
    assert all(c.kernel_size == (5, 5) and c.strides == (1, 1) for c in convs)
    assert [c.filters for c in convs] == list(models.deep_cnn.__globals__["DEEP_CNN_FILTERS"])
    # ReLU then batch norm after every convolution (paper E, section 4.2.6).
    kinds = [_kind(layer) for layer in model.layers]
    assert kinds[1:28] == ["Conv2D", "Activation", "BatchNormalization"] * 9
    assert model.get_layer("dense").units == 32 * 32 * 2
    assert model.output_shape == (None, 32, 32, 2)
    classes = models.deep_cnn(16, head="classes", num_classes=30)
    assert classes.output_shape == (None, 16, 16, 2, 30)
    assert classes.get_layer("dense").units == 16 * 16 * 2 * 30
    per_pixel = models.deep_cnn(16, head="classes", num_classes=50, dense=False, width=0.25)
    assert per_pixel.output_shape == (None, 16, 16, 2, 50)


def test_ebgan_discriminator_is_an_autoencoder(rng):
    model = models.ebgan_discriminator(32, width=0.125)
    reconstruction, code = model.outputs
    assert tuple(reconstruction.shape[1:]) == (32, 32, 3)
    assert tuple(code.shape[1:]) == (4 * 4 * 32,)  # flattened 4x4 encoder map
    x = rng.uniform(-1, 1, size=(3, 32, 32, 3)).astype("float32")
    rec, emb = model(x, training=False)
    energy = np.mean((_np(rec) - x) ** 2, axis=(1, 2, 3))
    assert energy.shape == (3,) and np.all(energy > 0)
    assert emb.shape == (3, 512)
    assert models.ebgan_discriminator(64, width=0.125, code_dim=32).output_shape[1] == (None, 32)


# ---------------------------------------------------------------- save/load


@pytest.mark.parametrize("name", sorted(SMALL))
def test_save_load_round_trip_gives_identical_predictions(name, tmp_path, rng):
    size = 16 if name in ("koo_baseline", "koo_generator", "deep_cnn", "deep_cnn_classes") \
        else 32
    model = SMALL[name][0](size)
    x = _inputs(model, 2, rng)
    before = model(x, training=False)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    after = loaded(x, training=False)
    before = before if isinstance(before, (list, tuple)) else [before]
    after = after if isinstance(after, (list, tuple)) else [after]
    assert len(before) == len(after)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(_np(a), _np(b))
    assert loaded.name == model.name


# ------------------------------------------------------------------- errors


BAD_ARGUMENTS = [
    (lambda: models.unet(31), ValueError, "image_size"),
    (lambda: models.unet(32, depth=6), ValueError, "divisible by 64"),
    (lambda: models.unet(32, dropout=1.5), ValueError, "dropout"),
    (lambda: models.unet(32, width=0), ValueError, "width"),
    (lambda: models.unet("32"), TypeError, "image_size"),
    (lambda: models.unet((32, 48)), ValueError, "square"),
    (lambda: models.colorful(36), ValueError, "divisible by 8"),
    (lambda: models.colorful(32, head="softmax"), ValueError, "head"),
    (lambda: models.colorful(32, num_classes=1), ValueError, "num_classes"),
    (lambda: models.deep_cnn(32, head="bins"), ValueError, "head"),
    (lambda: models.deep_cnn(32, filters=(8, 8, 2)), ValueError, "nine"),
    (lambda: models.koo_baseline(32, output_activation="sigmoid"), ValueError,
     "output_activation"),
    (lambda: models.koo_baseline(0), ValueError, "image_size"),
    (lambda: models.koo_generator(32, noise_dim=0), ValueError, "noise_dim"),
    (lambda: models.koo_discriminator(36), ValueError, "divisible by 8"),
    (lambda: models.koo_discriminator(32, conv_dropout=1.0), ValueError, "conv_dropout"),
    (lambda: models.dcgan_generator(7), ValueError, "image_size"),
    (lambda: models.dcgan_discriminator(33), ValueError, "image_size"),
    (lambda: models.patchgan(32, n_layers=5), ValueError, "divisible by 32|too small"),
    (lambda: models.patchgan(8), ValueError, "at least 16"),
    (lambda: models.ebgan_discriminator(48), ValueError, "power of two"),
    (lambda: models.ebgan_discriminator(32, code_dim=0), ValueError, "code_dim"),
]


def test_bad_arguments_raise_clear_errors():
    # One test for all cases: none builds a model, and the per-test session
    # clean-up costs more than the checks themselves.
    for call, error, message in BAD_ARGUMENTS:
        with pytest.raises(error, match=message):
            call()


def test_blocks_helpers():
    assert blocks.halvings(256, smallest=2) == 7
    assert blocks.halvings(28, smallest=4) == 2
    assert blocks.scale_filters(64, 0.001) == 1
    with pytest.raises(ValueError, match="order"):
        blocks.conv_block(keras.Input((8, 8, 1)), 4, 3, order="bn-conv")
