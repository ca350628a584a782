"""The experiments of notebooks 00 and 03: paper B's U-Net and conditional GAN.

``EXPERIMENTS`` maps each name to its settings and its three profiles (see
``kcolor.experiments``); ``RECIPES`` gives each trained one's settings as
paper B states them, with their sections (``kcolor.experiments.deviations``
compares a profile with them); ``PAPER_B_TABLE_1`` is paper B's Table 1 as
printed.
"""

from kcolor.colorizers import CGAN, Colorizer

# Paper B's optimiser for both networks (section 3.3, "Reduced Momentum"),
# after DCGAN and pix2pix: Adam(2e-4, beta_1=0.5).
from kcolor.experiments.settings import ADAM_DCGAN, NOT_STATED, recipe

# Paper B's conditional GAN (sections 2.1, 3.2, 3.3): the U-Net generator with
# dropout as its noise, the text's discriminator (one output per image), the
# non-saturating loss, one-sided label smoothing (real label 0.9), L1 x 100.
_PAPER_B_CGAN = {
    "colorizer": CGAN,
    "generator": {"builder": "unet", "width": 1.0, "dropout": 0.5},
    "discriminator": {"builder": "dcgan_discriminator", "width": 1.0},
    "gan": {"adversarial_form": "non_saturating", "one_sided_label_smoothing": 0.1,
            "l1_weight": 100.0},
    "optimizer": dict(ADAM_DCGAN),
    "d_optimizer": dict(ADAM_DCGAN),
    "schedule": "constant",
}

# Paper B's Table 1, as printed (MAE in the paper's unstated unit; accuracies
# in percent). Notebook 03 prints it beside ours.
PAPER_B_TABLE_1 = {
    "U-Net (L2)": {"data": "CIFAR-10, 200 epochs", "mae": 7.9, "acc@2%": 13.7, "acc@5%": 37.2},
    "cGAN": {"data": "CIFAR-10, 200 epochs", "mae": 5.1, "acc@2%": 24.1, "acc@5%": 65.5},
    "cGAN (Places365)": {"data": "Places365, 256 px, 20 epochs", "mae": 7.5, "acc@2%": 18.3,
                         "acc@5%": 47.3},
}

# The quick profile's shared settings, for a quarter-width U-Net at 32 px
# (benchmarks/quality.py prints each model's training speed in img/s).
_QUICK_DATA = {"dataset": "cifar10", "image_size": 32, "batch_size": 64, "augment": True}

EXPERIMENTS = {
    "00_metrics": {
        "cite": "B eq. 10 (acc@eps), E Table 1 (euclidean ab), Hasler and Suesstrunk "
                "(colourfulness)",
        "what": "no model: the test data that notebook 00 scores the grey predictor on",
        "colorizer": None,
        "profiles": {
            "smoke": {"dataset": "sample", "image_size": 32, "batch_size": 100},
            "quick": {"dataset": "cifar10", "image_size": 32, "batch_size": 250},
            "full": {"dataset": "cifar10", "image_size": 32, "batch_size": 250},
        },
    },
    "03_unet_l2": {
        "cite": "B, section 3.1 (baseline U-Net, eq. 9) and Table 1 (U-Net row)",
        "what": "paper B's U-Net trained to regress ab with the L2 loss",
        "colorizer": Colorizer,
        "loss": "l2",
        "network": {"builder": "unet", "width": 1.0, "dropout": 0.0},
        "optimizer": dict(ADAM_DCGAN),
        "schedule": "constant",
        "profiles": {
            "smoke": {"dataset": "sample", "image_size": 32, "batch_size": 32, "epochs": 5,
                      "steps_per_epoch": 60, "augment": True,
                      "network": {"width": 0.25}, "schedule": "cosine",
                      "optimizer": {"learning_rate": 2e-3, "beta_1": 0.9}},
            "quick": {**_QUICK_DATA, "epochs": 4, "steps_per_epoch": 200,
                      "network": {"width": 0.25}, "schedule": "cosine",
                      "optimizer": {"learning_rate": 2e-3, "beta_1": 0.9}},
            "full": {"dataset": "cifar10", "image_size": 32, "batch_size": 128, "epochs": 200,
                     "steps_per_epoch": None, "augment": True},
        },
        "notes": "Paper B decays the learning rate by 10 'whenever the loss function started to "
                 "plateau' (by hand); the full profile keeps it constant. Paper B's eq. 9 "
                 "averages over L, a and b; we predict ab only, as its released code does.",
    },
    "03_cgan": {
        "cite": "B, sections 2.1, 3.2 and 3.3 (eqs. 7-8) and Table 1 (GAN row)",
        "what": "paper B's conditional GAN: the U-Net generator with dropout noise, a "
                "convolutional discriminator on (L, ab), L1 x 100, one-sided label "
                "smoothing 0.9, Adam(2e-4, 0.5)",
        **_PAPER_B_CGAN,
        "profiles": {
            "smoke": {"dataset": "sample", "image_size": 32, "batch_size": 32, "epochs": 5,
                      "steps_per_epoch": 60, "augment": True,
                      "generator": {"width": 0.25},
                      "discriminator": {"builder": "patchgan", "width": 0.25},
                      "schedule": "cosine",
                      "optimizer": {"learning_rate": 2e-3}},
            # Tuned on photos held out of CIFAR-10's training images: how
            # each number was chosen is in benchmarks/README.md, "How
            # notebook 03's quick cGAN was tuned".
            "quick": {**_QUICK_DATA, "epochs": 12, "steps_per_epoch": 200,
                      "generator": {"width": 0.25},
                      "discriminator": {"builder": "patchgan", "width": 0.25},
                      "gan": {"l1_weight": 350.0, "update_order": "simultaneous",
                              "color_target": 0.84},
                      "warm_start": "03_unet_l2",
                      "schedule": "cosine",
                      "optimizer": {"learning_rate": 1e-3},
                      "d_optimizer": {"learning_rate": 1e-4}},
            "full": {"dataset": "cifar10", "image_size": 32, "batch_size": 128, "epochs": 200,
                     "steps_per_epoch": None, "augment": True},
        },
        "notes": "Paper B's text (section 3.2) gives a discriminator that maps the whole "
                 "image to one probability: the full profile uses it (dcgan_discriminator). "
                 "The smoke and quick profiles use pix2pix's PatchGAN (paper B's reference "
                 "[5]), which gives the generator a signal per patch and learns faster in a "
                 "short run. Paper B's released code runs two generator steps per "
                 "discriminator step; its text does not say so, and g_steps stays 1. The "
                 "learning rate was decayed by hand on plateaus; the full profile keeps it "
                 "constant. Places365 at 256 px: config('03_cgan_places365', 'full').",
    },
    "03_cgan_places365": {
        "cite": "B, section 4 and Table 1 (Places365 row)",
        "what": "paper B's conditional GAN on Places365 at 256 px",
        **_PAPER_B_CGAN,
        "profiles": {
            "smoke": {"dataset": "sample", "image_size": 64, "batch_size": 16, "epochs": 1,
                      "steps_per_epoch": 10, "generator": {"width": 0.25},
                      "discriminator": {"width": 0.25}},
            "quick": {"dataset": "places365_small", "image_size": 64, "batch_size": 32,
                      "epochs": 2, "steps_per_epoch": 200, "generator": {"width": 0.25},
                      "discriminator": {"width": 0.25}},
            "full": {"dataset": "places365_small", "image_size": 256, "batch_size": 16,
                     "epochs": 20, "steps_per_epoch": None, "augment": True},
        },
        "notes": "The released code's 256 px generator starts 64-64-128-256-512...; ours keeps "
                 "one rule for every size (see kcolor.models.unet).",
    },
}

# Notebook 03's frontier: the same U-Net and settings, trained with L1. L2's
# answer is the conditional mean of the colours, L1's their median, which a
# threshold metric such as acc@eps rewards.
EXPERIMENTS["03_unet_l1"] = {
    **EXPERIMENTS["03_unet_l2"],
    "cite": "B, section 3.1 (the U-Net) with the L1 distance of its eq. 6; notebook 03's "
            "frontier plot",
    "what": "paper B's U-Net trained to regress ab with the L1 loss (the median colour, "
            "where L2 gives the mean)",
    "loss": "l1",
    # Smoke trains it 2 of the L2 U-Net's 5 epochs: a point of a plot that the
    # smoke profile only draws, kept short for CI.
    "profiles": {**EXPERIMENTS["03_unet_l2"]["profiles"],
                 "smoke": {**EXPERIMENTS["03_unet_l2"]["profiles"]["smoke"], "epochs": 2}},
    "notes": "Not a row of paper B's Table 1: a point of notebook 03's accuracy-against-"
             "colourfulness plot. Every setting but the loss is 03_unet_l2's (in the smoke "
             "profile it trains 2 epochs instead of 5).",
}


# --------------------------------------------------------------------------
# Paper B's recipes: its settings as it states them, with their sections.

# Section 4: "Some of the preliminary results using the CIFAR-10 (32 x 32)
# dataset"; Table 1 ("Training results"): CIFAR-10, batch size 128, 200
# epochs, for both the U-Net and the GAN.
_B_CIFAR = ("B §4 (CIFAR-10, 32 × 32) and Table 1 (batch 128, 200 epochs)",
            {"dataset": "cifar10", "image_size": 32, "batch_size": 128, "epochs": 200,
             "steps_per_epoch": None})
# Section 3.1: "The number of channels in the output layer is 3 with L*a*b*
# color space" (eq. 9 averages over the three channels).
_B_LAB = ("B §3.1 (L*a*b*)", {"color_space": "lab"})
_B_OPEN = ("B does not say", {"augment": NOT_STATED})
# Section 3.3: "weight initialization as proposed by [16]": trained from scratch.
_B_SCRATCH = ("B §3.3 (initialised as in [16]: from scratch)", {"warm_start": None})
# No controller of ours is in paper B: its losses have fixed weights, its
# runs fixed epochs, its optimisers no average of the weights.
_B_NO_CONTROLLERS = ("B: no such controller in the paper",
                     {"time_budget_s": None, "optimizer": {"use_ema": False}})
_B_NO_GAN_CONTROLLERS = ("B: no such controller in the paper",
                         {"gan": {"color_target": None, "adversarial_warmup": 0},
                          "d_optimizer": {"use_ema": False}})
# Section 3.1 and figure 2: the U-Net, 4x4 stride-2 convolutions, channels
# doubling from 64 (our width 1.0).
_B_UNET = ("B §3.1 and figure 2", {"network": {"builder": "unet", "width": 1.0}})
# Section 3.1: "The number of channels in the output layer is 3 with L*a*b*
# color space"; ours predict a and b only (2), L being the input.
_B_OUTPUT = "B §3.1 ('The number of channels in the output layer is 3')"
# Section 3.3 states Adam(2e-4) "for both generator and discriminator" and
# beta_1 0.5 for "both networks" of the GAN; the baseline's is not stated.
_B_UNET_OPTIMIZER = ("B §3.3 gives the GAN's optimiser only",
                     {"optimizer": {"name": NOT_STATED, "learning_rate": NOT_STATED,
                                    "beta_1": NOT_STATED}, "schedule": NOT_STATED})


def _b_cgan(data):
    return recipe(
        data, _B_LAB, _B_OPEN, _B_SCRATCH, _B_NO_CONTROLLERS, _B_NO_GAN_CONTROLLERS,
        # Section 2.1: a conditional GAN; eqs. 5 and 7: G maximises log D
        # (the non-saturating form), plus lambda * L1.
        ("B §2.1, eqs. 5 and 7", {"colorizer": CGAN,
                                  "gan": {"adversarial_form": "non_saturating",
                                          "adversarial_weight": 1.0}}),
        # Section 3.2: "The architecture of generator G is the same as the
        # baseline"; noise "only in the form of dropout ... on several
        # layers", its rate not given.
        ("B §3.2 (G is the baseline U-Net)", {"generator": {"builder": "unet", "width": 1.0}}),
        (_B_OUTPUT, {"generator": {"output_channels": 3}}),
        ("B §3.2: dropout 'on several layers', rate not given",
         {"generator": {"dropout": NOT_STATED}}),
        # Section 3.2: D is the contracting path, then "a convolution ... to
        # map to a 1 dimensional output, followed by a sigmoid": one output
        # per image, not a PatchGAN.
        ("B §3.2 (one probability per image)",
         {"discriminator": {"builder": "dcgan_discriminator", "width": 1.0}}),
        # Section 3.3: lambda = 100; "we smooth only the positive labels to
        # 0.9"; Adam, 2e-4 for both networks, beta_1 reduced to 0.5.
        ("B §3.3", {"gan": {"l1_weight": 100.0, "one_sided_label_smoothing": 0.1},
                    "optimizer": dict(ADAM_DCGAN), "d_optimizer": dict(ADAM_DCGAN)}),
        (("B §3.3: 'manually decayed ... by a factor of 10 whenever the loss function "
          "started to plateau'"), {"schedule": "÷10 by hand on plateaus"}),
        # Section 2 says only that both networks "are trained simultaneously";
        # the order of the updates and their counts are not given.
        ("B does not say (§2: both 'are trained simultaneously')",
         {"gan": {"update_order": NOT_STATED, "g_steps": NOT_STATED}}),
    )


RECIPES = {
    "03_unet_l2": recipe(
        _B_CIFAR, _B_LAB, _B_OPEN, _B_SCRATCH, _B_NO_CONTROLLERS, _B_UNET, _B_UNET_OPTIMIZER,
        ("B §3.1, eq. 9 (the Euclidean distance)", {"colorizer": Colorizer, "loss": "l2"}),
        (_B_OUTPUT, {"network": {"output_channels": 3}}),
        # Dropout is the GAN generator's noise (section 3.2); the baseline
        # of section 3.1 has none.
        ("B §3.1 (no dropout; §3.2 adds it to the GAN's G)", {"network": {"dropout": 0.0}}),
    ),
    "03_cgan": _b_cgan(_B_CIFAR),
    # Section 4 and Table 1: Places365 at 256 x 256, batch 16, 20 epochs.
    "03_cgan_places365": _b_cgan(
        ("B §4 (Places365, 256 × 256) and Table 1 (batch 16, 20 epochs)",
         {"dataset": "places365_small", "image_size": 256, "batch_size": 16, "epochs": 20,
          "steps_per_epoch": None})),
}
# Paper B trains no L1 U-Net: notebook 03's frontier point is measured
# against its L2 baseline, so the loss shows as the difference.
RECIPES["03_unet_l1"] = dict(RECIPES["03_unet_l2"])
