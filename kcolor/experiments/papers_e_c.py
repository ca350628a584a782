"""The experiments of notebooks 04 and 05: paper E's losses and paper C's colourful colourization.

``EXPERIMENTS`` maps each name to its settings and its three profiles (see
``kcolor.experiments``):

* notebook 04 (paper E, Tables 1 and 2): one network, paper E's nine 5x5
  convolutions (``kcolor.models.deep_cnn``), trained six ways: ``04_l2``,
  ``04_l2_dropout``, ``04_smooth_l1`` (regression, ``kcolor.Colorizer``)
  and ``04_ce10``, ``04_ce30``, ``04_ce50`` (cross-entropy over 10, 30 and 50
  uniform bins per channel, ``kcolor.ClassColorizer``);
* notebook 05 (paper C, section 3): Zhang et al.'s network
  (``kcolor.models.colorful``) as a classifier over the in-gamut ab bins
  with class rebalancing (``05_colorful``), as an L1 and an L2 regressor
  (``05_colorful_l1``, ``05_colorful_l2``) and as the generator of a
  conditional GAN (``05_colorful_cgan``).

``PAPER_E_TABLE_1`` and ``PAPER_E_TABLE_2`` are paper E's tables as printed.
``RECIPES`` gives each experiment's settings as paper E or C states them,
with their sections (``kcolor.experiments.deviations``).

A classifier's bins need the training data before training: the bin means
that decode paper E's classes (``UniformBins.fit``) and the class prior that
Zhang et al.'s rebalancing inverts (``GamutBins.fit``).
``kcolor.experiments.fit_bins(model, train, name, profile)`` does it on the
profile's ``bins["fit_batches"]`` batches. ``kcolor.quantize.decoder``
scores one trained classifier with several decodings.
"""

from kcolor.colorizers import CGAN, ClassColorizer, Colorizer
from kcolor.experiments.settings import NOT_STATED, recipe

# Paper E, section 4.2.8: Adam with its default betas, learning rate 1e-3
# ("decayed to 1e-4 when the loss started to plateau"), batch 250, 200 epochs.
_PAPER_E_ADAM = {"name": "adam", "learning_rate": 1e-3}

# Paper E's Table 1 (the "Euclidean loss on test set", section 5.3, its unit
# unstated; the paper's metric is the pixel-wise Euclidean ab distance) and
# Table 2 (classification accuracy in percent, section 5.4), as printed.
# Their model is trained on down-sampled ImageNet at 64 px; Table 1's
# cross-entropy model has 10 bins per channel (section 4.2.8).
_PAPER_E_DATA = "ImageNet 64 px, 200 epochs"
PAPER_E_TABLE_1 = {
    "L2": {"data": _PAPER_E_DATA, "euclid_ab": 15.65},
    "L2 + dropout": {"data": _PAPER_E_DATA, "euclid_ab": 18.67},
    "smooth L1": {"data": _PAPER_E_DATA, "euclid_ab": 13.45},
    "cross-entropy, 10 bins": {"data": _PAPER_E_DATA, "euclid_ab": 11.27},
}
PAPER_E_TABLE_2 = {
    "cross-entropy, 10 bins": {"data": _PAPER_E_DATA, "bin_acc@10": 41.5},
    "cross-entropy, 30 bins": {"data": _PAPER_E_DATA, "bin_acc@30": 27.8},
    "cross-entropy, 50 bins": {"data": _PAPER_E_DATA, "bin_acc@50": 18.9},
}
# The row name of each experiment of notebook 04 in those tables.
PAPER_E_ROWS = {
    "04_l2": "L2",
    "04_l2_dropout": "L2 + dropout",
    "04_smooth_l1": "smooth L1",
    "04_ce10": "cross-entropy, 10 bins",
    "04_ce30": "cross-entropy, 30 bins",
    "04_ce50": "cross-entropy, 50 bins",
}

# --------------------------------------------------------------------------
# Notebook 04: paper E
#
# The profiles every paper-E experiment shares (one data pipeline for all
# six). The network keeps paper E's nine 5x5 convolutions at full resolution
# in every profile; the short profiles narrow them (``width`` scales the
# first eight). Every profile uses the per-pixel 1x1 head (``dense=False``):
# paper E's fully connected head maps the whole image to every output value,
# 67 M weights for regression at 64 px, and 671 M to 3.4 G for 10 to 50 bins
# per channel, which no run here could hold; the same head for all six
# losses keeps Tables 1 and 2 comparisons of losses, not of heads.
_E_PROFILES = {
    "smoke": {"dataset": "sample", "image_size": 32, "batch_size": 32, "epochs": 2,
              "steps_per_epoch": 25, "augment": True, "schedule": "cosine",
              "network": {"width": 0.25},
              "optimizer": {"learning_rate": 3e-3}},
    "quick": {"dataset": "cifar10", "image_size": 32, "batch_size": 64, "epochs": 3,
              "steps_per_epoch": 100, "augment": True, "schedule": "cosine",
              "network": {"width": 0.25},
              "optimizer": {"learning_rate": 2e-3}},
    "full": {"dataset": "imagenet_resized/64x64", "image_size": 64, "batch_size": 250,
             "epochs": 200, "steps_per_epoch": None, "augment": False,
             "schedule": "constant"},
}
_E_NOTES = ("Paper E's figure 4 gives the channel counts only in its drawing (see "
            "kcolor.models.deep_cnn for ours) and a fully connected head; every profile "
            "here uses a 1x1 convolution head (dense=False) so that the six losses share "
            "one network of a size that trains. Paper E decays the learning rate to 1e-4 "
            "by hand around epoch 150; the full profile keeps it constant, the short "
            "profiles decay it to zero (cosine).")


def _paper_e(loss_settings, what, cite, *, dropout=0.0):
    network = {"builder": "deep_cnn", "dense": False, "width": 1.0, "dropout": dropout}
    if loss_settings["colorizer"] is ClassColorizer:
        network.update(head="classes", num_classes=loss_settings["bins"]["n"])
    else:
        network["head"] = "regression"
    return {"cite": cite, "what": what, **loss_settings, "network": network,
            "optimizer": dict(_PAPER_E_ADAM), "profiles": _E_PROFILES, "notes": _E_NOTES}


def _uniform(n):
    """Paper E's classifier: n uniform bins per channel, no rebalancing, argmax decoding."""
    return {"colorizer": ClassColorizer,
            "bins": {"kind": "uniform", "n": n, "fit_batches": 50},
            "rebalance": False, "decode": "argmax", "T": 0.38}


EXPERIMENTS = {
    "04_l2": _paper_e({"colorizer": Colorizer, "loss": "l2"},
                      "paper E's nine-convolution CNN regressing ab with the L2 loss",
                      "E, sections 4.2.3-4.2.4 and Table 1 (L2)"),
    "04_l2_dropout": _paper_e({"colorizer": Colorizer, "loss": "l2"},
                              "paper E's CNN with L2 and dropout after every block, rate 0.6 "
                              "(paper E keeps a neuron active with probability p = 0.4)",
                              "E, section 4.2.7 and Table 1 (L2 w Dropout)", dropout=0.6),
    "04_smooth_l1": _paper_e({"colorizer": Colorizer, "loss": "huber"},
                             "paper E's CNN regressing ab with the smooth L1 (Huber) loss",
                             "E, section 4.2.4 and Table 1 (Smooth L1)"),
    "04_ce10": _paper_e(_uniform(10), "paper E's CNN classifying a and b into 10 uniform bins "
                        "each (cross-entropy)", "E, section 4.2.2, Tables 1 and 2 (10 bins)"),
    "04_ce30": _paper_e(_uniform(30), "paper E's CNN classifying a and b into 30 uniform bins "
                        "each (cross-entropy)", "E, section 5.4 and Table 2 (30 bins)"),
    "04_ce50": _paper_e(_uniform(50), "paper E's CNN classifying a and b into 50 uniform bins "
                        "each (cross-entropy)", "E, section 5.4 and Table 2 (50 bins)"),
}

# --------------------------------------------------------------------------
# Notebook 05: paper C, section 3 (Zhang et al.'s network)
#
# Paper C, section 3.2: batch 32, 100K iterations, on CelebA (primarily) and
# 200K images of Places2; the optimiser is not stated, so Zhang et al.'s Adam
# (3e-5, beta_1 0.9, beta_2 0.99) is the full profile's.
_C_ADAM = {"name": "adam", "learning_rate": 3e-5, "beta_1": 0.9, "beta_2": 0.99}
# The short profiles are notebook 04's, with a narrower network in smoke
# (Zhang et al.'s is wider than paper E's).
_C_PROFILES = {
    "smoke": {**_E_PROFILES["smoke"], "network": {"width": 0.125}},
    "quick": _E_PROFILES["quick"],
    "full": {"dataset": "places365_small", "image_size": 256, "batch_size": 32,
             "epochs": 100, "steps_per_epoch": 1000, "augment": True,
             "schedule": "constant"},
}
_C_NOTES = ("Paper C trains on CelebA (195K photos) and, separately, 200K Places2 photos; "
            "the full profile uses places365_small at 256 px (CelebA: overrides="
            "{'dataset': 'celeb_a'}). Paper C states no optimiser; the full profile uses "
            "Zhang et al.'s Adam(3e-5, 0.9, 0.99). The short profiles narrow the network "
            "(width) and decay a larger learning rate to zero (cosine).")


def _colorful(settings, what, cite, head):
    # The network is a GAN's generator in 05_colorful_cgan, a colorizer's
    # network in the others.
    key = "generator" if settings["colorizer"] is CGAN else "network"
    return {"cite": cite, "what": what, **settings,
            key: {"builder": "colorful", "head": head, "width": 1.0},
            "optimizer": dict(_C_ADAM), "profiles": _C_PROFILES, "notes": _C_NOTES}


def _as_generator(profile):
    """A regressor's profile for the GAN on its network: ``network`` becomes ``generator``."""
    out = {key: value for key, value in profile.items() if key != "network"}
    if "network" in profile:
        out["generator"] = profile["network"]
    return out


_C_CGAN_PROFILES = {
    **_C_PROFILES,
    # A short run starts the generator from the trained L1 regressor (as
    # notebook 03's quick cGAN starts from its L2 U-Net); the full profile
    # trains from scratch.
    "smoke": {**_as_generator(_C_PROFILES["smoke"]), "warm_start": "05_colorful_l1",
              "discriminator": {"width": 0.125}, "steps_per_epoch": 20,
              "optimizer": {"learning_rate": 1e-3, "beta_1": 0.5},
              "d_optimizer": {"learning_rate": 1e-3}},
    "quick": {**_as_generator(_C_PROFILES["quick"]), "warm_start": "05_colorful_l1",
              "discriminator": {"width": 0.25},
              "optimizer": {"learning_rate": 5e-4, "beta_1": 0.5},
              "d_optimizer": {"learning_rate": 5e-4}},
}

EXPERIMENTS.update({
    "05_colorful": _colorful(
        {"colorizer": ClassColorizer,
         "bins": {"kind": "gamut", "fit_batches": 100},
         "rebalance": True, "decode": "annealed_mean", "T": 0.38},
        "Zhang et al.'s network classifying every pixel into the in-gamut ab bins, soft "
        "encoding, class rebalancing, annealed-mean decoding",
        "C, section 3.1 (Zhang et al. 2016, sections 2.1-2.3)", "classes"),
    "05_colorful_l1": _colorful(
        {"colorizer": Colorizer, "loss": "l1"},
        "Zhang et al.'s network regressing ab with the L1 loss",
        "C, section 3.2 and figure 3a", "regression"),
    "05_colorful_l2": _colorful(
        {"colorizer": Colorizer, "loss": "l2"},
        "Zhang et al.'s network regressing ab with the L2 loss",
        "C, section 3.2 and figure 3b", "regression"),
    "05_colorful_cgan": {
        **_colorful({"colorizer": CGAN},
                    "Zhang et al.'s regression network as the generator of a conditional GAN "
                    "(non-saturating loss, L1 x 100, a PatchGAN discriminator)",
                    "C, section 3.3 and figure 3c (Col. Col. (GAN)); section 4 (eq. for "
                    "G*)", "regression"),
        "discriminator": {"builder": "patchgan", "width": 1.0},
        "gan": {"adversarial_form": "non_saturating", "l1_weight": 100.0},
        "d_optimizer": dict(_C_ADAM),
        "profiles": _C_CGAN_PROFILES,
        "notes": _C_NOTES + " Paper C does not describe the discriminator of its "
                 "Col. Col. (GAN); we use pix2pix's PatchGAN and paper C's section 4 "
                 "objective with lambda_1 = 1, lambda_2 (L1) = 100, lambda_3 (L2) = 0.",
    },
})

# Temperatures at which notebook 05 decodes the one trained classifier
# (Zhang et al., figure 4: T = 1 is the mean, T -> 0 the mode; 0.38 theirs).
TEMPERATURES = (1.0, 0.38, 0.1)


# --------------------------------------------------------------------------
# The recipes: the settings as papers E and C state them, with their sections.

_NO_CONTROLLERS = {"time_budget_s": None, "optimizer": {"use_ema": False}}

# Paper E, section 4.2.1: down-sampled ImageNet at 64x64, "10,000 images were
# used to train the model" (40 steps of 250 a pass); section 4.2.8: Adam with
# beta_1 0.9 and beta_2 0.999, 1e-3 "decayed to 1e-4 when the loss started
# to plateau (which usually happened around epoch 150)", 200 epochs, batch
# 250; section 4.2.2: L*a*b*, L in, a and b out.
_E_COMMON = (
    ("E §4.2.1 (ImageNet at 64×64, 10,000 training images) and §4.2.8 (batch 250)",
     {"dataset": "imagenet_resized/64x64", "image_size": 64, "batch_size": 250,
      "steps_per_epoch": 40}),
    ("E §4.2.8", {"epochs": 200,
                  "optimizer": {"name": "adam", "learning_rate": 1e-3, "beta_1": 0.9,
                                "beta_2": 0.999},
                  "schedule": "1e-3, then 1e-4 at the plateau (about epoch 150)"}),
    ("E §4.2.2", {"color_space": "lab"}),
    ("E does not say", {"augment": NOT_STATED}),
    ("E §4.2.8 (trained for 200 epochs; no pre-training mentioned)", {"warm_start": None}),
    ("E: no such controller in the paper", _NO_CONTROLLERS),
    # Section 4.2.3 and figure 4: nine 5x5 convolutions (stride 1 in the
    # figure's caption), each with ReLU and batch norm, then a fully
    # connected layer to 64x64x2; the channel counts are in the drawing only.
    ("E §4.2.3 and figure 4 (a fully connected head)",
     {"network": {"builder": "deep_cnn", "dense": True}}),
    ("E figure 4: its channel counts are in the drawing only",
     {"network": {"width": NOT_STATED}}),
    # Section 4.2.7: dropout "observed bad results ... Thus, we left Dropout
    # out of the final model".
    ("E §4.2.7 (no dropout in the final model)", {"network": {"dropout": 0.0}}),
)


def _e_regression(loss, source):
    return recipe(*_E_COMMON, (source, {"colorizer": Colorizer, "loss": loss,
                                        "network": {"head": "regression"}}))


def _e_classes(n, source):
    # Section 4.2.2: bins of equal width over [-100, 100] per channel, "it
    # chooses the class with the highest probability", unbinned to the mean
    # of the bin's pixels; no class weights are mentioned.
    return recipe(*_E_COMMON, (source, {
        "colorizer": ClassColorizer, "bins": {"kind": "uniform", "n": n},
        "rebalance": False, "decode": "argmax",
        "network": {"head": "classes", "num_classes": n}}))


RECIPES = {
    "04_l2": _e_regression("l2", "E §4.2.4 (the L2 loss) and Table 1"),
    "04_l2_dropout": recipe(
        *_E_COMMON, (("E §4.2.7 ('keeping a neuron active with some probability p (0.4 in "
                      "our case)') and Table 1"),
                     {"colorizer": Colorizer, "loss": "l2",
                      "network": {"head": "regression", "dropout": 0.6}})),
    "04_smooth_l1": _e_regression("huber", "E §4.2.4 (smooth L1, Girshick's) and Table 1"),
    "04_ce10": _e_classes(10, "E §4.2.2 ('We use 10 bins') and Tables 1 and 2"),
    "04_ce30": _e_classes(30, "E §5.4 and Table 2 (30 bins)"),
    "04_ce50": _e_classes(50, "E §5.4 and Table 2 (50 bins)"),
}

# Paper C, section 3.2: CelebA "for training primarily" (195K photos), "In a
# separate training, a set of 200K images from Places2"; "100K iterations
# with a batch size 32" (written here as 100 epochs of 1,000 steps). No
# optimiser, learning rate or image size is given.
_C_COMMON = (
    ("C §3.2 (CelebA primarily; '100K iterations with a batch size 32')",
     {"dataset": "celeb_a", "batch_size": 32, "epochs": 100, "steps_per_epoch": 1000}),
    ("C does not say", {"image_size": NOT_STATED, "augment": NOT_STATED,
                        "optimizer": {"name": NOT_STATED, "learning_rate": NOT_STATED,
                                      "beta_1": NOT_STATED, "beta_2": NOT_STATED},
                        "schedule": NOT_STATED, "warm_start": NOT_STATED}),
    ("C §3.2 (L in, ab out)", {"color_space": "lab"}),
    ("C: no such controller in the paper", _NO_CONTROLLERS),
)
# Section 3.1: Zhang et al.'s 8-block network (figure 2).
_C_NET = {"builder": "colorful", "width": 1.0}

RECIPES.update({
    # Section 3.1: 313 in-gamut bins, cross-entropy "augmented with class
    # rebalancing"; the decoding is not given (Zhang et al.'s annealed mean).
    "05_colorful": recipe(
        *_C_COMMON,
        ("C §3.1 (313 bins, class rebalancing) and figure 2",
         {"colorizer": ClassColorizer, "bins": {"kind": "gamut"}, "rebalance": True,
          "network": {**_C_NET, "head": "classes"}}),
        ("C does not say (§3.1 cites Zhang et al.)", {"decode": NOT_STATED, "T": NOT_STATED})),
    "05_colorful_l1": recipe(
        *_C_COMMON, ("C §3.2 (the L1 loss) and figure 3a",
                     {"colorizer": Colorizer, "loss": "l1",
                      "network": {**_C_NET, "head": "regression"}})),
    "05_colorful_l2": recipe(
        *_C_COMMON, ("C §3.2 (the L2 loss) and figure 3b",
                     {"colorizer": Colorizer, "loss": "l2",
                      "network": {**_C_NET, "head": "regression"}})),
    # Section 3.3, figure 3c: the network "as a generator in a GAN"; section
    # 4.1: G* = lambda_1 L_DCGAN + lambda_2 L_L1 + lambda_3 L_L2, with
    # log(1 - D(x, G(x))) as printed, the lambdas "hyperparameters" without
    # values; the discriminator is not described.
    "05_colorful_cgan": recipe(
        *_C_COMMON,
        ("C §3.3 and figure 3c (Col. Col. (GAN))",
         {"colorizer": CGAN, "generator": {**_C_NET, "head": "regression"}}),
        ("C §4.1 (log(1 − D(x, G(x))) as printed)",
         {"gan": {"adversarial_form": "saturating"}}),
        ("C §4.1: lambda_1, lambda_2 'are hyperparameters', no values",
         {"gan": {"adversarial_weight": NOT_STATED, "l1_weight": NOT_STATED}}),
        ("C does not describe its discriminator",
         {"discriminator": {"builder": NOT_STATED, "width": NOT_STATED},
          "d_optimizer": {"name": NOT_STATED, "learning_rate": NOT_STATED,
                          "beta_1": NOT_STATED, "beta_2": NOT_STATED}}),
        ("C: no such controller in the paper",
         {"gan": {"color_target": None, "adversarial_warmup": 0},
          "d_optimizer": {"use_ema": False}})),
})
