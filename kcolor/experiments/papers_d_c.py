"""The experiments of notebooks 06 and 07: paper D's GAN zoo and paper C's GAN variants.

``EXPERIMENTS`` maps each name to its settings and its three profiles (see
``kcolor.experiments``).

* Notebook 06 (paper D, section 3): GAN, DCGAN, LSGAN, EBGAN, EBGAN-PT and
  WGAN as **unconditional** generators of digits (``06_gan`` ... ``06_wgan``;
  ``"gan": {"conditional": False}``). Their data is not colour photos, so
  this module gives ``SOURCES``: ``"digits"`` (the offline font digits of
  ``kcolor.data.font_digits``, the smoke profile's MNIST stand-in) and
  ``"mnist"`` (tensorflow-datasets). ``labelled_digits``,
  ``train_digit_classifier`` and ``sample_quality`` give the notebook its
  quantitative column: the confidence of a digit classifier on generated
  samples and how many of the ten classes they cover (mode collapse shows
  as few).
* Notebook 07 (paper C, section 4; paper D, section 4): cGAN, LSGAN,
  EBGAN, WGAN with weight clipping and WGAN-GP as **colourisers**, all on
  the same U-Net generator, with an L1 or an L2 reconstruction term and a
  PatchGAN or a global (one score per image) discriminator:
  ``07_<family>_<recon>_<disc>`` (``07_cgan_l1_patch``,
  ``07_wgan_gp_l2_global``). ``VARIANTS_07`` lists the names notebook 07
  trains (a factorial subset of the 20 combinations; see its docstring).
  Their quick profile gives every variant the same wall time
  (``time_budget_s``, read by ``kcolor.experiments.fit``).
"""

import numpy as np

from kcolor.backend import keras
from kcolor.experiments.merge import merge

# --------------------------------------------------------------------------- notebook 06

# DCGAN's optimiser (Radford et al., section 4; paper D, section 3.1), also
# LSGAN's and EBGAN's in their papers' MNIST / LSUN runs.
_ADAM_DCGAN = {"name": "adam", "learning_rate": 2e-4, "beta_1": 0.5}
# WGAN (paper D, section 3.4): RMSprop, "a very small learning rate ... 5e-5".
_RMSPROP_WGAN = {"name": "rmsprop", "learning_rate": 5e-5}

_NOISE = 100  # length of z, as in DCGAN
_G_MLP = {"builder": "mlp_generator", "noise_dim": _NOISE, "channels": 1}
_D_MLP = {"builder": "mlp_discriminator", "input_channels": 1}
_G_DCGAN = {"builder": "dcgan_generator", "noise_dim": _NOISE, "channels": 1}
_D_DCGAN = {"builder": "dcgan_discriminator", "input_channels": 1}
_D_EBGAN = {"builder": "ebgan_discriminator", "input_channels": 1}

# The three profiles every notebook 06 model shares. 32 px everywhere: the
# EBGAN auto-encoder halves a power of two down to 4 x 4, and one size lets
# one classifier score every model (MNIST's 28 px digits are resized).
_SMOKE_06 = {"dataset": "digits", "image_size": 32, "batch_size": 64, "epochs": 5,
             "steps_per_epoch": 20}
_QUICK_06 = {"dataset": "mnist", "image_size": 32, "batch_size": 64, "epochs": 5,
             "steps_per_epoch": 200}
_FULL_06 = {"dataset": "mnist", "image_size": 32, "batch_size": 64, "epochs": 25,
            "steps_per_epoch": None}
# The smoke and quick profiles train narrow networks with a faster rate.
_SHORT_06 = {"generator": {"width": 0.25}, "discriminator": {"width": 0.25},
             "optimizer": {"learning_rate": 1e-3}, "d_optimizer": {"learning_rate": 1e-3}}


def _zoo(cite, what, family, generator, discriminator, gan, optimizer, short=None, notes=""):
    """One notebook 06 experiment: an unconditional GAN on digits."""
    short = merge(_SHORT_06, short or {})
    return {
        "cite": cite, "what": what, "family": family, "generator": dict(generator),
        "discriminator": dict(discriminator), "gan": {"conditional": False, **gan},
        "optimizer": dict(optimizer), "d_optimizer": dict(optimizer), "schedule": "constant",
        "profiles": {"smoke": {**_SMOKE_06, **short}, "quick": {**_QUICK_06, **short},
                     "full": dict(_FULL_06)},
        "notes": notes,
    }


EXPERIMENTS = {
    "06_gan": _zoo(
        "D, section 3 (Goodfellow et al.'s GAN on MNIST, figure 2)",
        "the original GAN: fully connected generator and discriminator, non-saturating loss",
        "CGAN", _G_MLP, _D_MLP, {"generator_loss": "non_saturating"}, _ADAM_DCGAN,
        short={"generator": {"width": 0.5}, "discriminator": {"width": 0.5}},
        notes="Paper D's appendix with its MLP sizes is cut off; we use 256-512-1024 for G and "
              "1024-512-256 with dropout for D, LeakyReLU instead of maxout. The family is "
              "kcolor.CGAN with conditional=False: the same cross-entropy losses without a "
              "condition."),
    "06_dcgan": _zoo(
        "D, section 3.1 (DCGAN on MNIST, figure 3)",
        "DCGAN: strided (transposed) convolutions, batch norm, ReLU / LeakyReLU, tanh output",
        "CGAN", _G_DCGAN, _D_DCGAN, {"generator_loss": "non_saturating"}, _ADAM_DCGAN,
        notes="Paper D shows DCGAN samples after 3 epochs of MNIST."),
    "06_lsgan": _zoo(
        "D, section 3.2 (Mao et al., a = 0, b = 1, c = 1)",
        "LSGAN: the DCGAN networks with least-squares losses",
        "LSGAN", _G_DCGAN, _D_DCGAN, {"a": 0.0, "b": 1.0, "c": 1.0}, _ADAM_DCGAN,
        notes="Paper D trains LSGAN on LSUN churches; we keep MNIST for every model."),
    "06_ebgan": _zoo(
        "D, section 3.3 (Zhao et al., margin loss, no pull-away term)",
        "EBGAN: the DCGAN generator against an auto-encoder whose energy is its "
        "reconstruction error, margin m",
        "EBGAN", _G_DCGAN, _D_EBGAN, {"margin": 1.0, "pull_away_weight": 0.0}, _ADAM_DCGAN,
        notes="The margin is in kcolor's energy unit (a per-pixel mean squared error of images "
              "in [-1, 1]). Paper D trains EBGAN on CelebA."),
    "06_ebgan_pt": _zoo(
        "D, section 3.3 (EBGAN-PT: lambda_PT = 0.1)",
        "EBGAN-PT: EBGAN with the pull-away term on the encoder's codes of the fakes",
        "EBGAN", _G_DCGAN, _D_EBGAN, {"margin": 1.0, "pull_away_weight": 0.1}, _ADAM_DCGAN),
    "06_wgan": _zoo(
        "D, section 3.4 (Arjovsky et al.: n_critic = 5, clipping 0.01, RMSprop 5e-5)",
        "WGAN: the DCGAN networks, the discriminator a critic with clipped weights, five "
        "critic steps per generator step",
        "WGAN", _G_DCGAN, _D_DCGAN, {"clip_value": 0.01, "d_steps": 5}, _RMSPROP_WGAN,
        short={"optimizer": {"learning_rate": 5e-4}, "d_optimizer": {"learning_rate": 5e-4}},
        notes="The short profiles raise RMSprop's rate to 5e-4 (paper D: 5e-5 'to avoid "
              "divergence', at the cost of days of training)."),
}

#: Notebook 06's models, in the paper's order.
ZOO_06 = ("06_gan", "06_dcgan", "06_lsgan", "06_ebgan", "06_ebgan_pt", "06_wgan")


def _load_digits(cfg, *, image_size, seed, test_batch_size, data_dir):
    """The font digits (``kcolor.data.font_digits``): 6,000 train and 1,000 test images."""
    from kcolor import data

    train, _ = data.digit_datasets(image_size=image_size, batch_size=cfg["batch_size"],
                                   seed=seed)
    _, test = data.digit_datasets(image_size=image_size, batch_size=test_batch_size, seed=seed,
                                  n_train=10)
    return train, test


def _load_mnist(cfg, *, image_size, seed, test_batch_size, data_dir):
    """MNIST from tensorflow-datasets, grey images in [-1, 1] (no labels)."""
    from kcolor import data

    options = dict(image_size=image_size, data_dir=data_dir, color_space="gray")
    train = data.load("mnist", "train", batch_size=cfg["batch_size"], shuffle=True, seed=seed,
                      **options)
    test = data.load("mnist", "test", batch_size=test_batch_size, **options)
    return train, test


SOURCES = {"digits": _load_digits, "mnist": _load_mnist}


def labelled_digits(dataset, split, n, *, image_size=32, seed=0, data_dir=None):
    """``(images, labels)``: ``n`` digits with their labels, images in [-1, 1].

    The same images as the GANs see (resized by the same pipeline), for the
    classifier that scores their samples.

    Args:
        dataset: ``"digits"`` (offline font digits) or ``"mnist"`` (tfds).
        split: ``"train"`` or ``"test"``.
        n: number of images (at most the split's size).
        image_size, seed, data_dir: as for the GANs' data.
    """
    from kcolor.data.pipeline import arrays_to_dataset

    if dataset == "digits":
        raw, labels = _font_split(split, n, seed)
    elif dataset == "mnist":
        import tensorflow_datasets as tfds

        ds = tfds.load("mnist", split=split, as_supervised=True, data_dir=data_dir,
                       download=False).take(n)
        raw, labels = map(np.asarray, zip(*tfds.as_numpy(ds)))
    else:
        raise ValueError(f"Unknown digit data set {dataset!r}; expected 'digits' or 'mnist'.")
    images = arrays_to_dataset(raw, image_size=image_size, batch_size=1024, color_space="gray")
    return np.concatenate([np.asarray(b) for b in images]), np.asarray(labels, np.int64)


def _font_split(split, n, seed):
    from kcolor.data import font_digits

    # digit_datasets draws train with `seed` and test with `seed + 1`.
    return font_digits(n, seed=seed if split == "train" else seed + 1)


def digit_classifier(image_size=32, *, width=16, seed=None):
    """A small CNN that tells the ten digits apart (the judge of notebook 06's samples).

    Two 3 x 3 convolution blocks with max pooling, a dense layer, ten
    logits. Not from a paper: a yardstick, trained once on real digits.
    """
    init = keras.initializers.HeNormal(seed)
    inputs = keras.Input((image_size, image_size, 1), name="image")
    x = inputs
    for i, filters in enumerate((width, 2 * width)):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu",
                                kernel_initializer=init, name=f"conv{i + 1}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"pool{i + 1}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(4 * width, activation="relu", kernel_initializer=init,
                           name="dense")(x)
    logits = keras.layers.Dense(10, kernel_initializer=init, name="logits")(x)
    return keras.Model(inputs, logits, name="digit_classifier")


def train_digit_classifier(images, labels, *, epochs=3, batch_size=128, seed=0, verbose=0):
    """Trains ``digit_classifier`` on real digits; returns the trained model."""
    keras.utils.set_random_seed(seed)
    model = digit_classifier(images.shape[1], seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(2e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(images, labels, epochs=epochs, batch_size=batch_size, verbose=verbose)
    return model


def sample_quality(classifier, images, *, min_share=0.025):
    """How digit-like and how varied a set of images is, by the classifier's eye.

    Args:
        classifier: a trained ``digit_classifier``.
        images: ``(n, S, S, 1)`` in [-1, 1], generated or real.
        min_share: a class is covered when at least this share of the images
            is classified as it (2.5%: a quarter of its fair share of 10%).

    Returns:
        ``{"confidence": mean max-softmax probability, "classes": number of
        classes covered (0-10), "top_share": share of the most frequent
        class}``. Real digits: high confidence, 10 classes, top share near
        10%. Noise: low confidence. Mode collapse: few classes, a large top
        share.
    """
    logits = classifier.predict(np.asarray(images, np.float32), batch_size=256, verbose=0)
    probs = np.asarray(keras.ops.softmax(logits, axis=-1))
    counts = np.bincount(probs.argmax(axis=1), minlength=10)
    shares = counts / counts.sum()
    return {"confidence": float(probs.max(axis=1).mean()),
            "classes": int((shares >= min_share).sum()),
            "top_share": float(shares.max())}


class SampleSnapshots(keras.callbacks.Callback):
    """Keeps an unconditional generator's samples of fixed noise over training.

    ``snapshots[0]`` are the samples before training, ``snapshots[e]`` after
    epoch ``e``: the same ``z`` each time, so the grid shows one sample
    growing from noise into a digit (paper D's figures 2 and 3).

    Args:
        n: number of samples.
        seed: seed of the fixed noise.
    """

    def __init__(self, n=16, seed=0):
        super().__init__()
        self.n, self.seed, self.snapshots, self.z = n, seed, [], None

    def _take(self):
        if self.z is None:
            shape = (self.n,) + tuple(self.model.noise_shape)
            self.z = np.random.default_rng(self.seed).standard_normal(shape).astype("float32")
        self.snapshots.append(np.asarray(self.model.generator(self.z, training=False)))

    def on_train_begin(self, logs=None):
        if not self.snapshots:
            self._take()

    def on_epoch_end(self, epoch, logs=None):
        self._take()


def mosaic(images, columns=4):
    """``(n, S, S, 1)`` images in [-1, 1] -> one ``(rows * S, columns * S)`` array in [0, 1]."""
    images = np.clip((np.asarray(images)[..., 0] + 1.0) / 2.0, 0.0, 1.0)
    n, size = len(images), images.shape[1]
    rows = -(-n // columns)
    out = np.ones((rows * (size + 1) - 1, columns * (size + 1) - 1), np.float32)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        out[r * (size + 1):r * (size + 1) + size, c * (size + 1):c * (size + 1) + size] = image
    return out


def plot_snapshots(snapshots, *, epochs=None, columns=4, cell=2.6):
    """One row per model, one column per chosen epoch: a mosaic of its samples.

    Args:
        snapshots: ``{model name: [samples before training, after epoch 1, ...]}``.
        epochs: the snapshot indices to show (default: before training, the
            middle and the end).
        columns: samples per mosaic row.

    Returns:
        A ``matplotlib.figure.Figure``.
    """
    from matplotlib.figure import Figure

    names = list(snapshots)
    last = len(snapshots[names[0]]) - 1
    epochs = sorted(set(epochs if epochs is not None else (0, last // 2, last)))
    fig = Figure(figsize=(cell * len(epochs) + 1.2, cell * len(names)), layout="constrained")
    axes = fig.subplots(len(names), len(epochs), squeeze=False)
    for r, name in enumerate(names):
        for c, epoch in enumerate(epochs):
            ax = axes[r, c]
            ax.imshow(mosaic(snapshots[name][epoch][:columns * columns], columns), cmap="gray",
                      vmin=0, vmax=1, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title("initialisation" if epoch == 0 else f"epoch {epoch}", fontsize=10)
            if c == 0:
                ax.set_ylabel(name, fontsize=10)
    return fig


def plot_mosaics(images, *, columns=8, cell=2.6):
    """Mosaics side by side: ``{title: (n, S, S, 1) images in [-1, 1]}`` -> a Figure."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(cell * len(images), cell), layout="constrained")
    axes = fig.subplots(1, len(images), squeeze=False)[0]
    for ax, (title, batch) in zip(axes, images.items()):
        ax.imshow(mosaic(np.asarray(batch)[:columns * columns], columns), cmap="gray", vmin=0,
                  vmax=1, interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def confidence_over_training(classifier, snapshots):
    """The classifier's mean confidence on each snapshot: a quality curve, one value per epoch."""
    return [sample_quality(classifier, images)["confidence"] for images in snapshots]


def plot_losses(histories, *, keys=("d_loss", "g_adv_loss"), cell=(3.2, 2.4)):
    """One column per model, one row per logged loss, epochs on the x axis.

    WGAN's ``d_loss`` is minus its critic's Earth Mover estimate (paper D,
    section 3.4, figure 8); the panel says so.
    """
    from matplotlib.figure import Figure

    names = list(histories)
    fig = Figure(figsize=(cell[0] * len(names), cell[1] * len(keys)), layout="constrained")
    axes = fig.subplots(len(keys), len(names), squeeze=False)
    for c, name in enumerate(names):
        logs = getattr(histories[name], "history", histories[name])
        for r, key in enumerate(keys):
            ax = axes[r, c]
            values = np.asarray(logs.get(key, []), np.float64)
            ax.plot(np.arange(1, len(values) + 1), values, marker=".")
            label = key
            if key == "d_loss" and "wgan" in name.lower():
                label = "d_loss = -(critic's EM estimate)"
            ax.set_title(f"{name}: {label}", fontsize=8)
            ax.set_xlabel("epoch", fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
    return fig


# --------------------------------------------------------------------------- notebook 07

# The generator every variant shares: paper B's U-Net (paper D, section 4:
# "I adopted [pix2pix's] model architecture").
_UNET = {"builder": "unet", "width": 1.0, "dropout": 0.5}
_WIDTH_07 = {"smoke": 0.125, "quick": 0.25}

# The two discriminators. "patch": pix2pix's PatchGAN (one logit per patch;
# paper D, section 4). "global": paper B's DCGAN discriminator (one logit per
# image). EBGAN's discriminator is an auto-encoder, so its two versions are
# the auto-encoder with a spatial code (each code cell sees a patch) and with
# a dense bottleneck (one code for the whole image).
_DISCRIMINATORS = {
    "patch": {"builder": "patchgan", "width": 1.0},
    "global": {"builder": "dcgan_discriminator", "width": 1.0},
}
_EBGAN_DISCRIMINATORS = {
    "patch": {"builder": "ebgan_discriminator", "width": 1.0},
    "global": {"builder": "ebgan_discriminator", "width": 1.0, "code_dim": 64},
}

_ADAM_PIX2PIX = {"name": "adam", "learning_rate": 2e-4, "beta_1": 0.5}
_RMSPROP_CLIP = {"name": "rmsprop", "learning_rate": 5e-5}
_ADAM_GP = {"name": "adam", "learning_rate": 1e-4, "beta_1": 0.0, "beta_2": 0.9}

# Each family: (kcolor class, its options, D's optimiser, paper section, description).
FAMILIES_07 = {
    "cgan": ("CGAN", {"generator_loss": "non_saturating"}, _ADAM_PIX2PIX, "C 4.1, D 4",
             "the cross-entropy (DCGAN) loss"),
    "lsgan": ("LSGAN", {"a": 0.0, "b": 1.0, "c": 1.0}, _ADAM_PIX2PIX, "C 4.2",
              "least-squares losses, a = 0, b = c = 1"),
    "ebgan": ("EBGAN", {"margin": 1.0}, _ADAM_PIX2PIX, "C 4.3",
              "an auto-encoder discriminator with a margin loss"),
    "wgan_clip": ("WGAN", {"clip_value": 0.01, "d_steps": 5}, _RMSPROP_CLIP, "C 4.4, D 3.4",
                  "a critic with weights clipped to 0.01, five critic steps per G step"),
    "wgan_gp": ("WGAN", {"gradient_penalty": 10.0, "d_steps": 5}, _ADAM_GP,
                "C 4.4 (with Gulrajani et al.'s penalty)",
                "a critic with a gradient penalty (lambda = 10), five critic steps per G step"),
}
RECONSTRUCTIONS_07 = {"l1": "l1_weight", "l2": "l2_weight"}
_RECON_WEIGHT = 100.0  # pix2pix's lambda (paper B, eq. 6), the same for L1 and L2

# Smoke: the embedded sample photos at 16 px, equal steps (every variant trains
# the same number of generator steps; WGAN's critic 2 steps per G step, not 5). Quick: CIFAR-10 at 32 px and equal wall time: 75
# s per variant, stopped by kcolor.experiments.fit's time budget (the epochs
# below are an upper bound it never reaches on a CPU).
_SMOKE_07 = {"dataset": "sample", "image_size": 16, "batch_size": 16, "epochs": 2,
             "steps_per_epoch": 10, "augment": True, "schedule": "cosine"}
_QUICK_07 = {"dataset": "cifar10", "image_size": 32, "batch_size": 64, "epochs": 100,
             "steps_per_epoch": 50, "augment": True, "schedule": "constant",
             "time_budget_s": 45}
_FULL_07 = {"dataset": "cifar10", "image_size": 32, "batch_size": 128, "epochs": 200,
            "steps_per_epoch": None, "augment": True}


def name_07(family, recon, disc):
    """``07_<family>_<recon>_<disc>``, e.g. ``07_wgan_gp_l2_global``."""
    return f"07_{family}_{recon}_{disc}"


def _variant(family, recon, disc):
    cls, options, d_optimizer, cite, what = FAMILIES_07[family]
    table = _EBGAN_DISCRIMINATORS if family == "ebgan" else _DISCRIMINATORS

    def profile(base, key):
        if key == "full":
            return dict(base)
        width = _WIDTH_07[key]
        out = {**base, "generator": {"width": width, "dropout": 0.0},
               "discriminator": {"width": width},
               "optimizer": {"learning_rate": 1e-3},
               "d_optimizer": {"learning_rate": 5 * d_optimizer["learning_rate"]}}
        if key == "smoke" and "d_steps" in options:
            out["gan"] = {"d_steps": 2}  # each critic step is traced anew: 5 cost 20 s a model
        return out

    return {
        "cite": f"{cite}; L{recon[-1]} term (C, section 4); "
                f"{'PatchGAN' if disc == 'patch' else 'one score per image'} (D, section 4)",
        "what": f"a U-Net colouriser trained as a conditional {cls} ({what}), with an "
                f"{recon.upper()} term x {_RECON_WEIGHT:g} and a "
                f"{'PatchGAN' if disc == 'patch' else 'global'} discriminator",
        "family": cls,
        "generator": dict(_UNET),
        "discriminator": dict(table[disc]),
        "gan": {**options, RECONSTRUCTIONS_07[recon]: _RECON_WEIGHT},
        "optimizer": dict(_ADAM_PIX2PIX),
        "d_optimizer": dict(d_optimizer),
        "schedule": "constant",
        "profiles": {"smoke": profile(_SMOKE_07, "smoke"), "quick": profile(_QUICK_07, "quick"),
                     "full": profile(_FULL_07, "full")},
        "notes": "Paper C gives no values for its lambdas; we use pix2pix's 100 for the "
                 "reconstruction term and 1 for the adversarial one, for every family. The "
                 "short profiles train narrow networks without dropout (paper C: dropout "
                 "noise made 'not much difference') and raise both learning rates. "
                 "WGAN-GP's critics keep their batch norm (Gulrajani et al. advise "
                 "against it); the full profile is the papers' setting on CIFAR-10, since "
                 "paper C's CelebA is not in this course.",
    }


def _all_variants():
    out = {}
    for family in FAMILIES_07:
        for recon in RECONSTRUCTIONS_07:
            for disc in ("patch", "global"):
                out[name_07(family, recon, disc)] = _variant(family, recon, disc)
    return out


EXPERIMENTS.update(_all_variants())

#: The variants notebook 07 trains: every family with L1 and a PatchGAN (the
#: pix2pix setting), and each family's L2 and global-discriminator variants:
#: 15 of the 20 combinations, one factor changed at a time from pix2pix's.
#: The five left out (L2 with a global discriminator) change two factors at
#: once, which a one-factor-at-a-time table cannot attribute; they are
#: registered and can be trained with benchmarks/quality.py.
VARIANTS_07 = tuple(
    name_07(family, recon, disc)
    for family in FAMILIES_07
    for recon, disc in (("l1", "patch"), ("l2", "patch"), ("l1", "global"))
)


def plot_variant_rows(L, ab, models, *, n=6, cell=1.0):
    """One row per colouriser (grey input first, truth last), one column per test image.

    Args:
        L, ab: a test batch (normalised L and ab).
        models: ``{row label: model}`` (anything ``kcolor.metrics.predictor`` takes).
        n: images (columns).

    Returns:
        A ``matplotlib.figure.Figure``.
    """
    from matplotlib.figure import Figure

    from kcolor import color
    from kcolor.metrics import predictor

    L, ab = np.asarray(L, np.float32)[:n], np.asarray(ab, np.float32)[:n]
    rows = [("grey input", np.asarray(color.l_to_gray_rgb(L)))]
    rows += [(name, np.asarray(color.l_ab_to_rgb(L, np.asarray(predictor(m)(L, None)))))
             for name, m in models.items()]
    rows.append(("truth", np.asarray(color.l_ab_to_rgb(L, ab))))
    fig = Figure(figsize=(cell * n + 2.2, cell * len(rows)), layout="constrained")
    axes = fig.subplots(len(rows), n, squeeze=False)
    for r, (name, images) in enumerate(rows):
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(np.clip(images[c], 0, 1), interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(name, fontsize=8, rotation=0, ha="right", va="center")
    return fig
