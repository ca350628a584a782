"""The steps and encodings the notebooks write out on screen equal the library's.

Notebooks 03, 05 and 07 each write one of kcolor's computations in a few
lines of plain numpy, Keras or TensorFlow, to show the idea (the cGAN's
train step, Zhang et al.'s soft encoding and rebalancing weights, WGAN-GP's
gradient penalty), and
assert in a cell that it gives the library's numbers. These tests make the
same checks on small, fixed inputs (the cGAN's with 03_cgan's own settings and
plain SGD, and shown to fail for a 10% error in one loss term), so that a change to the library that
breaks the equality fails here and not only in a notebook run. The cGAN
step written out is ``benchmarks/reference_step.py``'s, shared with the
benchmarks; the other hand-written versions below are the notebooks',
copied so that the test stands alone.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import kcolor
from kcolor.backend import keras, tf
from kcolor.color import AB_SCALE
from kcolor.colorizers.options import from_settings
from kcolor.colorizers.weights import ColorThermostat
from kcolor.colorizers.wgan import gradient_penalty
from kcolor.quantize import GamutBins

pytestmark = pytest.mark.tf_only


# --- notebook 03: the cGAN step, pix2pix's way -------------------------------------------
# The written-out step is benchmarks/reference_step.py's, the one copy the
# benchmarks time the library against; notebook 03 shows the same on screen.

_CGAN_SIZE = 16
_CGAN_L1_WEIGHT = 100.0
# Plain SGD: a step is the learning rate times the gradient, so the check
# compares gradients' sizes, not only their signs (Adam's first step is
# about lr * sign(g), which a loss term off by 10% barely moves).
_CGAN_LR = 0.01
# The largest |hand's move - library's move| / |library's move| over a
# network's trainable weights that still counts as the same step. Float32
# rounding gave up to 1.4e-7 (G) and 3.2e-6 (D) over batches 0 to 4 and
# the quick and full settings; a 10% error in the adversarial term, small
# beside L1 x 350, moves G's step by 4.3e-5 or more.
_CGAN_STEP_TOLERANCE = {"G": 1e-6, "D": 1e-5}


def _load_reference_step():
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "reference_step.py"
    spec = importlib.util.spec_from_file_location("reference_step", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference_step = _load_reference_step()


def _cgan_networks():
    """A half-width-of-a-quarter U-Net and PatchGAN, from one seed (batch norm in both)."""
    return (kcolor.models.unet(_CGAN_SIZE, width=0.125, seed=0),
            kcolor.models.patchgan(_CGAN_SIZE, width=0.125, seed=0))


def _cgan_sgd():
    return keras.optimizers.SGD(_CGAN_LR)


def _cgan_state(g, d):
    """Every weight (batch-norm statistics included) and each network's trainable ones."""
    return {"all": [w for net in (g, d) for w in net.get_weights()],
            "G": [v.numpy() for v in g.trainable_variables],
            "D": [v.numpy() for v in d.trainable_variables]}


def _cgan_one_step_each(L, ab, settings=None, hand_l1_factor=1.0, **options):
    """(start, library, written out): each network's state after one SGD step of each.

    ``settings`` are an experiment's flat ``gan`` settings (as
    ``experiments.config(...)["gan"]``), turned into ``kcolor.CGAN``'s options
    by ``from_settings``; ``options`` are ``kcolor.CGAN``'s, on top. A
    ``ColorThermostat`` L1 weight reaches the written-out step as its weight
    and its multiplier. ``hand_l1_factor`` puts an error into the written-out
    step's L1 weight (1.0: none).
    """
    library_g, library_d = _cgan_networks()
    hand_g, hand_d = _cgan_networks()
    for hand, library in ((hand_g, library_g), (hand_d, library_d)):
        hand.set_weights(library.get_weights())
    start = _cgan_state(library_g, library_d)

    options = {"l1_weight": _CGAN_L1_WEIGHT, **from_settings(settings or {}), **options}
    gan = kcolor.CGAN(library_g, library_d, **options)
    gan.compile(g_optimizer=_cgan_sgd(), d_optimizer=_cgan_sgd())
    assert options.pop("adversarial_form", "non_saturating") == "non_saturating"
    weight = gan.l1_weight
    if isinstance(weight, ColorThermostat):
        options.update(l1_weight=weight.value, l1_scale=float(weight.scale))
    options["l1_weight"] *= hand_l1_factor
    gan.train_on_batch(L, ab)

    g_opt, d_opt = _cgan_sgd(), _cgan_sgd()
    g_opt.build(hand_g.trainable_variables)
    d_opt.build(hand_d.trainable_variables)
    reference_step.cgan_step(hand_g, hand_d, g_opt, d_opt, **options)(L, ab)
    return start, _cgan_state(library_g, library_d), _cgan_state(hand_g, hand_d)


def _cgan_batch(seed=0):
    images = kcolor.data.sample_images("train", image_size=_CGAN_SIZE, count=8, seed=seed)
    L, ab = kcolor.color.rgb_to_l_ab(images.astype("float32") / 255.0)
    return np.asarray(L), np.asarray(ab)


def _moves(before, after):
    return np.concatenate([(a - b).ravel() for a, b in zip(after, before)])


def _step_gap(start, library, hand):
    """Per network: |hand's move - library's move| / |library's move| (trainable weights)."""
    return {net: float(np.linalg.norm(_moves(library[net], hand[net]))
                       / np.linalg.norm(_moves(start[net], library[net]))) for net in ("G", "D")}


def _assert_same_step(start, library, hand, what):
    gap = _step_gap(start, library, hand)
    assert all(gap[net] < _CGAN_STEP_TOLERANCE[net] for net in gap), (what, gap)
    for i, (a, b) in enumerate(zip(library["all"], hand["all"])):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6, err_msg=f"{what}, weight {i}")


def test_cgan_step_written_out_matches_library():
    L, ab = _cgan_batch()
    after = {}
    for order in ("alternating", "simultaneous"):
        start, library, hand = _cgan_one_step_each(L, ab, update_order=order)
        # the step moved the weights
        assert np.linalg.norm(_moves(start["G"], library["G"])) > 1e-4
        _assert_same_step(start, library, hand, order)
        after[order] = library["all"]
    # the two orders are different steps: G trains against D before / after its update
    assert any(not np.allclose(a, b, rtol=1e-4, atol=1e-6)
               for a, b in zip(after["alternating"], after["simultaneous"]))


@pytest.mark.parametrize("profile", ["smoke", "quick", "full"])
def test_cgan_step_written_out_matches_library_with_the_profiles_settings(profile):
    """Notebook 03's check: the written-out step with 03_cgan's own loss settings."""
    settings = kcolor.experiments.config("03_cgan", profile)["gan"]
    L, ab = _cgan_batch()
    start, library, hand = _cgan_one_step_each(L, ab, settings)
    _assert_same_step(start, library, hand, profile)


def test_cgan_step_written_out_matches_library_with_its_options():
    """Label smoothing and a steered L1 weight change the step; both sides agree."""
    L, ab = _cgan_batch()
    _, plain, _ = _cgan_one_step_each(L, ab)
    thermostat = ColorThermostat(_CGAN_L1_WEIGHT, target=0.8)
    thermostat.build()
    thermostat.log_scale.assign(np.log(1.5))  # as if it had steered for a while
    for name, options in (("smoothing", {"one_sided_label_smoothing": 0.1}),
                          ("thermostat", {"l1_weight": thermostat,
                                          "update_order": "simultaneous"})):
        start, library, hand = _cgan_one_step_each(L, ab, **options)
        _assert_same_step(start, library, hand, name)
        assert any(not np.allclose(a, b, rtol=1e-4, atol=1e-6)
                   for a, b in zip(library["all"], plain["all"]))


def _off_by_ten_percent(term):
    """The reference step's loss function with one term 10% too large."""
    if term == "adversarial":
        original = reference_step.generator_loss

        def generator_loss(fake_logits, fake, target, l1_weight):
            total, adversarial, l1 = original(fake_logits, fake, target, l1_weight)
            return total + 0.1 * adversarial, 1.1 * adversarial, l1

        return "generator_loss", generator_loss
    original = reference_step.discriminator_loss

    def discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):  # the real term
        real = reference_step.bce(real_logits, 1.0 - label_smoothing)
        return original(real_logits, fake_logits, label_smoothing) + 0.1 * real

    return "discriminator_loss", discriminator_loss


@pytest.mark.parametrize("order", ["alternating", "simultaneous"])
@pytest.mark.parametrize("term", ["l1", "adversarial", "d_real"])
def test_cgan_step_check_fails_for_a_ten_percent_error_in_one_loss_term(term, order,
                                                                         monkeypatch):
    """The check is sensitive to scale: one loss term 10% off in the written-out step fails it."""
    settings = {**kcolor.experiments.config("03_cgan", "quick")["gan"], "update_order": order}
    L, ab = _cgan_batch()
    if term == "l1":
        start, library, hand = _cgan_one_step_each(L, ab, settings, hand_l1_factor=1.1)
    else:
        monkeypatch.setattr(reference_step, *_off_by_ten_percent(term))
        start, library, hand = _cgan_one_step_each(L, ab, settings)
    gap = _step_gap(start, library, hand)
    assert any(gap[net] > 3 * _CGAN_STEP_TOLERANCE[net] for net in gap), gap
    with pytest.raises(AssertionError):
        _assert_same_step(start, library, hand, term)


def rebalance_by_hand(prior, centers, sigma=5.0, lam=0.5):
    """Zhang et al.'s eq. 4 in numpy: smooth the prior, mix in uniform, invert, E_p~[w] = 1."""
    d2 = ((centers[:, None, :] - centers[None]) ** 2).sum(-1)
    kernel = np.exp(-d2 / (2 * sigma**2))
    kernel /= kernel.sum(0, keepdims=True)  # each column a Gaussian over the centres
    p = kernel @ prior
    p /= p.sum()  # the smoothed prior p~
    w = 1.0 / ((1.0 - lam) * p + lam / len(p))
    return w / (p * w).sum()


def test_rebalancing_weights_written_out_match_the_trained_step():
    """Notebook 05's check: the weights the classifier's train step reads, from its prior."""
    bins = GamutBins()
    bins.fit(_cgan_batch()[1][None])
    model = kcolor.ClassColorizer(kcolor.models.colorful(16, num_classes=bins.num_classes,
                                                         width=0.125), bins=bins, rebalance=True)
    model.compile(optimizer=keras.optimizers.SGD(0.0))
    model.train_on_batch(*_cgan_batch())
    trained = np.asarray(model.class_weights())
    centers = bins.centers.astype(np.float64)
    by_hand = rebalance_by_hand(bins.prior.astype(np.float64), centers,
                                sigma=bins.smoothing_sigma, lam=bins.lam)
    assert trained.max() / trained.min() > 2  # rebalancing: rare colours weigh more
    np.testing.assert_allclose(trained, by_hand, rtol=1e-4)
    # the check is sensitive to scale: lambda 10% off fails it
    off = rebalance_by_hand(bins.prior.astype(np.float64), centers,
                            sigma=bins.smoothing_sigma, lam=1.1 * bins.lam)
    assert not np.allclose(trained, off, rtol=1e-2)


# --- notebook 05: Zhang et al.'s soft encoding -----------------------------------


def soft_encode_by_hand(ab, centers, k=5, sigma=5.0):
    """ab (N, 2) in Lab units -> (N, Q): Gaussian weights on the k nearest centres."""
    d2 = ((ab[:, None, :] - centers[None]) ** 2).sum(-1)  # squared distance to every centre
    nearest = np.argsort(d2, axis=1)[:, :k]  # the k nearest bins
    w = np.exp(-np.take_along_axis(d2, nearest, 1) / (2 * sigma**2))  # a Gaussian of distance
    Z = np.zeros_like(d2)
    np.put_along_axis(Z, nearest, w / w.sum(1, keepdims=True), 1)  # normalised to sum to 1
    return Z


@pytest.mark.parametrize("k, sigma", [(5, 5.0), (10, 5.0), (5, 8.0), (1, 5.0)])
def test_soft_encoding_written_out_matches_library(k, sigma):
    rng = np.random.default_rng(0)
    bins = GamutBins(k=k, sigma=sigma)
    # targets near the class centres (where photos' colours are) and spread
    # over the plane; continuous values, so no two centres tie for k-th place
    near = bins.centers[rng.integers(0, bins.num_classes, 300)] + rng.normal(0, 4, (300, 2))
    spread = rng.uniform(-60, 60, (300, 2))
    ab = (np.concatenate([near, spread]) / AB_SCALE).astype("float32")

    by_hand = soft_encode_by_hand(ab.astype(np.float64) * AB_SCALE,
                                  bins.centers.astype(np.float64), k=k, sigma=sigma)
    library = np.asarray(bins.soft_encode(ab))
    assert library.shape == by_hand.shape == (600, bins.num_classes)
    np.testing.assert_allclose(library, by_hand, atol=1e-5)
    # the check can fail: another width gives other targets (k = 1 is one-hot, width-free)
    if k > 1:
        other = soft_encode_by_hand(ab.astype(np.float64) * AB_SCALE,
                                    bins.centers.astype(np.float64), k=k, sigma=2 * sigma)
        assert not np.allclose(library, other, atol=1e-3)


# --- notebook 07: WGAN-GP's gradient penalty ---------------------------------------


def gradient_penalty_by_hand(critic, L, real, fake, alpha):
    """Gulrajani et al.'s E (||grad_x critic(L, x)||_2 - 1)^2 at x between real and fake."""
    mixed = tf.convert_to_tensor(alpha * real + (1.0 - alpha) * fake)  # on each real-fake line
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        scores = critic(tf.concat([L, mixed], axis=-1), training=False)  # conditioned on L
        scores = tf.reduce_mean(tf.reshape(scores, (len(mixed), -1)), axis=1)  # per image
    grad = tf.reshape(tape.gradient(scores, mixed), (len(mixed), -1))
    return tf.reduce_mean((tf.norm(grad, axis=1) - 1.0) ** 2)


def _patch_critic(size=8):
    """A tiny conditional PatchGAN critic: concat(L, ab) -> a 4 x 4 map of scores."""
    x = keras.Input((size, size, 3))
    # large first weights: tanh saturates, so the gradient depends on where it is taken
    big = keras.initializers.RandomNormal(stddev=1.0, seed=3)
    h = keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="tanh",
                            kernel_initializer=big)(x)
    return keras.Model(x, keras.layers.Conv2D(1, 3, padding="same")(h))


def _generator(size=8):
    L = keras.Input((size, size, 1))
    return keras.Model(L, keras.layers.Conv2D(2, 3, padding="same", activation="tanh")(L))


def test_wgan_gp_penalty_written_out_matches_library():
    rng = np.random.default_rng(2)
    L = rng.uniform(-1, 1, (6, 8, 8, 1)).astype("float32")
    real, fake = (rng.uniform(-1, 1, (6, 8, 8, 2)).astype("float32") for _ in range(2))
    alpha = rng.uniform(size=(6, 1, 1, 1)).astype("float32")
    critic = _patch_critic()

    by_hand = float(gradient_penalty_by_hand(critic, L, real, fake, alpha))
    library = float(gradient_penalty(critic, real, fake, alpha, condition=L, training=False))
    assert by_hand > 1e-3  # a real critic's gradients are not of unit norm
    assert np.isclose(by_hand, library, rtol=1e-5), (by_hand, library)
    # the check can fail: other interpolation weights give another penalty
    other = float(gradient_penalty(critic, real, fake, 1.0 - alpha, condition=L, training=False))
    assert not np.isclose(by_hand, other, rtol=1e-3)

    # and kcolor.WGAN's critic loss is the Earth Mover term plus lambda times it
    model = kcolor.WGAN(_generator(), critic, gradient_penalty=10.0)
    model.interpolation_factors = lambda _real: tf.constant(alpha)  # the same alpha
    outputs = {name: model.discriminate(L, ab, training=False)
               for name, ab in (("real", real), ("fake", fake))}
    logs = model.add_penalty(model.discriminator_loss(outputs["real"], outputs["fake"]),
                             L, real, fake, training=False)
    scores = {name: float(tf.reduce_mean(critic(np.concatenate([L, ab], -1), training=False)))
              for name, ab in (("real", real), ("fake", fake))}
    expected = scores["fake"] - scores["real"] + 10.0 * by_hand
    assert np.isclose(float(logs["d_loss"]), expected, rtol=1e-5, atol=1e-6)
    assert np.isclose(float(logs["gradient_penalty"]), by_hand, rtol=1e-5)
