"""The experiments of notebooks 01 and 02: paper A's baseline CNN and conditional DCGAN.

``EXPERIMENTS`` maps each name to its settings and its three profiles (see
``kcolor.experiments``). Paper A trains two kinds of model, both on YUV
(``color_space="yuv"``: ``(Y, UV)`` batches) and both with paper A's
preprocessing (``"preprocessing": "koo"``):

* notebook 01 (paper A sections 3.1, 4.1 and 5.1): a ``Colorizer`` on
  ``koo_baseline`` with paper A's preprocessing (contrastive normalisation
  of Y, global U/V standardisation and its inverse; ``fit`` measures the U/V
  statistics if ``adapt`` was not called), the L2 loss and SGD with
  momentum;
* notebook 02 (sections 3.2 and 5.2): a ``CGAN`` whose generator is
  ``koo_generator`` started from the trained baseline
  (``kcolor.models.transfer_baseline_weights``), inside the baseline's
  preprocessing (``kcolor.models.koo_yuv_generator`` and
  ``koo_yuv_discriminator``), so that the GAN, like the baseline, takes raw
  Y and returns raw UV.

Notebook 02 runs a ladder of five GANs, each one change on top of the one
before: ``02_koo_dcgan_saturating`` (paper A: the minimax loss, which
vanishes when D wins), ``..._non_saturating``, ``..._label_smoothing``,
``..._l1`` and ``..._patchgan`` (the fixes papers B and D use).

``PAPER_A`` holds paper A's reported numbers; ``kcolor.metrics.uv_l2``
measures ours in the same units as its validation L2. ``RECIPES`` gives
each experiment's settings as paper A states them, with their sections
(``kcolor.experiments.deviations``); every rung of the ladder is compared
with paper A's GAN, so each rung's added change shows as a deviation.
"""

from kcolor.colorizers import CGAN, Colorizer
from kcolor.experiments.settings import NOT_STATED, merge, recipe

# Paper A, section 5.1: "Starting from a training loss of 0.0118, the system
# achieved a final training loss of 0.0071 and a validation loss of 0.0073"
# (eq. 5: the per-pixel loss of eq. 1, averaged over the images).
PAPER_A = {
    "baseline (L2)": {"data": "CIFAR-10 validation, 60 epochs", "l2_uv": 0.0073},
}
PAPER_A_TRAIN_LOSS = {"first": 0.0118, "final": 0.0071}
# Section 5.2: the generator's gradient norm fell below this.
PAPER_A_VANISHED_NORM = 1e-4

# Section 5.1: minibatch 128, learning rate 1, momentum 0.9 (and a decay of
# 1e-7 per iteration, and halving every 25 epochs), 60 epochs.
_PAPER_A_SGD = {"name": "sgd", "learning_rate": 1.0, "momentum": 0.9}

_SMOKE_DATA = {"dataset": "sample", "image_size": 32, "batch_size": 32}
_QUICK_DATA = {"dataset": "cifar10", "image_size": 32, "batch_size": 64}
_FULL_DATA = {"dataset": "cifar10", "image_size": 32, "batch_size": 128}

# Paper A's adversarial nets (sections 3.2 and 5.2, Algorithm 2): G is the
# baseline with a noise input, D a pooled classifier with dropout and no batch
# norm; the minimax ("saturating") loss; the margin heuristic gamma = 0.5;
# RMSProp with 1e-2 for G and 1e-3 for D ("the best possible learning
# rates"). noise_dim is not in the paper: DCGAN's 100.
# The margin is tested on errorFake alone (margin_on="fake"), not on both
# errors as Algorithm 2 prints it: notebook 02, "Where ours differs", says why.
_PAPER_A_CGAN = {
    "colorizer": CGAN,
    "preprocessing": "koo",
    "color_space": "yuv",
    "warm_start": "01_koo_baseline",
    "generator": {"builder": "koo_generator", "noise_dim": 100},
    "discriminator": {"builder": "koo_discriminator"},
    "gan": {"adversarial_form": "saturating", "margin": 0.5, "margin_on": "fake",
            "one_sided_label_smoothing": 0.0, "l1_weight": 0.0},
    "optimizer": {"name": "rmsprop", "learning_rate": 1e-2},
    "d_optimizer": {"name": "rmsprop", "learning_rate": 1e-3},
    "schedule": "constant",
}
_GAN_PROFILES = {
    "smoke": {**_SMOKE_DATA, "batch_size": 16, "epochs": 3, "steps_per_epoch": 10},
    "quick": {**_QUICK_DATA, "epochs": 3, "steps_per_epoch": 100},
    "full": {**_FULL_DATA, "epochs": 125, "steps_per_epoch": None},
}

# The ladder of notebook 02: each run adds one change to the one before.
LADDER = (
    ("02_koo_dcgan_saturating", "paper A's GAN: the minimax (saturating) generator loss",
     {}),
    ("02_koo_dcgan_non_saturating", "+ the non-saturating generator loss -log D(G(z))",
     {"gan": {"adversarial_form": "non_saturating"}}),
    ("02_koo_dcgan_label_smoothing", "+ one-sided label smoothing (real label 0.9)",
     {"gan": {"one_sided_label_smoothing": 0.1}}),
    ("02_koo_dcgan_l1", "+ an L1 term x 100 between G's UV and the truth's",
     {"gan": {"l1_weight": 100.0}}),
    ("02_koo_dcgan_patchgan", "+ a PatchGAN instead of the pooled discriminator",
     {"discriminator": {"builder": "patchgan", "width": 0.5}}),
)


def _ladder():
    experiments, settings = {}, dict(_PAPER_A_CGAN)
    for step, (name, change, override) in enumerate(LADDER):
        settings = merge(settings, override)
        experiments[name] = {
            "cite": "A, sections 3.2 and 5.2, Algorithm 2" + (
                "; the fixes of B section 3.3 and D section 4 (pix2pix)" if step else ""),
            "what": f"paper A's conditional DCGAN on YUV, {change}",
            **settings,
            "profiles": {profile: dict(values) for profile, values in _GAN_PROFILES.items()},
            "notes": "Paper A's D dropout '0.8 ... and 0.5' is read as keep probabilities "
                     "(koo_discriminator). Its per-iteration decay of 1e-7 and its halving "
                     "every 25 epochs are left out. The generator and D see paper A's "
                     "preprocessed Y and standardised UV (koo_yuv_generator / "
                     "koo_yuv_discriminator); the L1 term is on raw UV. The margin is "
                     "tested on errorFake alone (margin_on='fake'); Algorithm 2 prints "
                     "both errors (margin_on='both'), see notebook 02.",
        }
    return experiments


EXPERIMENTS = {
    "01_koo_baseline": {
        "cite": "A, sections 3.1, 4.1 and 5.1 (figure 2, eq. 1, Algorithm 1)",
        "what": "paper A's baseline CNN: Y to UV with contrastive normalisation, U/V "
                "standardisation, the L2 loss and SGD with momentum",
        "colorizer": Colorizer,
        "preprocessing": "koo",
        "color_space": "yuv",
        "loss": "l2",
        "network": {"builder": "koo_baseline"},
        "optimizer": dict(_PAPER_A_SGD),
        "schedule": "constant",
        "profiles": {
            # The paper's lr 1 gave NaN in the first smoke epoch (batch 32);
            # 0.3 with the paper's momentum trains, decayed to zero (cosine)
            # so that the short runs end calm.
            "smoke": {**_SMOKE_DATA, "epochs": 5, "steps_per_epoch": 40,
                      "schedule": "cosine", "optimizer": {"learning_rate": 0.3}},
            "quick": {**_QUICK_DATA, "epochs": 5, "steps_per_epoch": 300,
                      "schedule": "cosine", "optimizer": {"learning_rate": 0.3}},
            "full": {**_FULL_DATA, "epochs": 60, "steps_per_epoch": None},
        },
        "notes": "Paper A's per-iteration decay of 1e-7 and its halving every 25 epochs are "
                 "left out of the full profile (constant rate). Paper A's eq. 1 sums the "
                 "squared error over U and V; Keras's L2 here averages over them, half of "
                 "it (the notebook reports the paper's units with uv_l2).",
    },
    **_ladder(),
}


# --------------------------------------------------------------------------
# Paper A's recipes: its settings as it states them, with their sections.

# Section 4: CIFAR-10, 32 x 32, "We withhold 10,000 images for the validation
# set, leaving 50,000 images for the training set"; section 4.1: the
# preprocessing (contrastive normalisation of Y, U/V standardisation).
_A_DATA = ("A §4 and §4.1", {"dataset": "cifar10", "image_size": 32, "steps_per_epoch": None,
                             "color_space": "yuv", "preprocessing": "koo"})
_A_OPEN = ("A does not say", {"augment": NOT_STATED})
_A_NO_CONTROLLERS = ("A: no such controller in the paper",
                     {"time_budget_s": None, "optimizer": {"use_ema": False}})
# Sections 5.1 and 5.2: "a learning rate decay of 1e-7 for every iteration,
# and a step decay of 1/2 for every 25 epochs", for both kinds of model.
_A_SCHEDULE = "× 1/2 every 25 epochs, and a decay of 1e-7 per iteration"

RECIPES = {
    "01_koo_baseline": recipe(
        _A_DATA, _A_OPEN, _A_NO_CONTROLLERS,
        # Section 3.1.1 and figure 2: 3x3 convolutions of 32, 32, 64 filters,
        # then 1x1 of 32 and 2; section 3.1.2, eq. 1: the per-pixel L2 loss.
        ("A §3.1.1, figure 2 and eq. 1", {"colorizer": Colorizer, "loss": "l2",
                                          "network": {"builder": "koo_baseline"}}),
        ("A §3.1.2 (weights initialised by eq. 3)", {"warm_start": None}),
        # Section 5.1: "minibatch size of 128 images, an initial learning rate
        # of lambda = 1, momentum of mu = 0.9"; "for 60 epochs".
        ("A §5.1", {"batch_size": 128, "epochs": 60,
                    "optimizer": {"name": "sgd", "learning_rate": 1.0, "momentum": 0.9},
                    "schedule": _A_SCHEDULE}),
    ),
}

# Paper A's adversarial nets; every rung of notebook 02's ladder is compared
# with it.
RECIPES["02_koo_dcgan_saturating"] = recipe(
    _A_DATA, _A_OPEN, _A_NO_CONTROLLERS,
    ("A: no such controller in the paper",
     {"gan": {"color_target": None, "adversarial_warmup": 0},
      "d_optimizer": {"use_ema": False}}),
    # Section 3.2.1: G is the baseline plus z through a fully connected layer
    # of 1024 units (z's length is not given); D three 3x3 convolutions with
    # max-pooling, two dense layers, dropout and no batch norm.
    ("A §3.2.1", {"colorizer": CGAN, "generator": {"builder": "koo_generator"},
                  "discriminator": {"builder": "koo_discriminator"}}),
    ("A §3.2.1: z feeds a dense layer of 1024; its length is not given",
     {"generator": {"noise_dim": NOT_STATED}}),
    # Section 5.2: "dropout probability of 0.8 in the convolutional layers and
    # 0.5 in the penultimate fully-connected layer", read as the probability
    # of keeping a unit (koo_discriminator: rates 0.2 and 0.5).
    ("A §5.2 ('dropout probability of 0.8 ... and 0.5', read as keep probabilities)",
     {"discriminator": {"conv_dropout": 0.2, "dense_dropout": 0.5}}),
    # Section 3.2.2 and Algorithm 2: G descends log(1 + D(G(z))) as printed,
    # Goodfellow's minimax loss; no L1 term, plain labels.
    ("A §3.2.2 (eq. 4) and Algorithm 2",
     {"gan": {"adversarial_form": "saturating", "adversarial_weight": 1.0, "l1_weight": 0.0,
              "one_sided_label_smoothing": 0.0, "update_order": "alternating",
              "g_steps": 1}}),
    # Algorithm 2's caption (printed within section 5.1): "a margin of gamma =
    # 0.5 for the error heuristic"; its line 7: D is updated only "if
    # errorFake > gamma and errorReal > gamma".
    ("A, Algorithm 2 (its caption and line 7)",
     {"gan": {"margin": 0.5, "margin_on": "both"}}),
    # Section 3.2.2: "We also transfer weights from the pre-trained baseline
    # model to initialize the generator model".
    ("A §3.2.2", {"warm_start": "01_koo_baseline"}),
    # Algorithm 2's caption: "used RMSProp [16] for our gradient updates";
    # section 5.2: batch 128, "1e-3 for D and 1e-2 for G", "trained the
    # models overnight for 125 epochs".
    ("A, Algorithm 2's caption (RMSProp)",
     {"optimizer": {"name": "rmsprop"}, "d_optimizer": {"name": "rmsprop"}}),
    ("A §5.2", {"batch_size": 128, "epochs": 125, "optimizer": {"learning_rate": 1e-2},
                "d_optimizer": {"learning_rate": 1e-3}, "schedule": _A_SCHEDULE}),
)
for _name, _change, _override in LADDER[1:]:
    RECIPES[_name] = dict(RECIPES["02_koo_dcgan_saturating"])
