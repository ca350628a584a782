"""The experiments of notebooks 06 and 07: paper D's GAN zoo and paper C's GAN variants.

``EXPERIMENTS`` maps each name to its settings and its three profiles (see
``kcolor.experiments``).

* Notebook 06 (paper D, section 3): GAN, DCGAN, LSGAN, EBGAN, EBGAN-PT and
  WGAN as **unconditional** generators of digits (``06_gan`` ... ``06_wgan``;
  ``"gan": {"conditional": False}``). Their data is not colour photos, so
  they are grey (``color_space="gray"``): ``"digits"`` (the offline font
  digits of ``kcolor.data.font_digits``, the smoke profile's MNIST stand-in)
  and ``"mnist"`` (tensorflow-datasets). ``kcolor.digit_scores`` gives the
  notebook its quantitative column: the confidence of a digit classifier on
  generated samples and how many of the ten classes they cover (mode
  collapse shows as few).
* Notebook 07 (paper C, section 4; paper D, section 4): cGAN, LSGAN,
  EBGAN, WGAN with weight clipping and WGAN-GP as **colourisers**, all on
  the same U-Net generator, with an L1 or an L2 reconstruction term and a
  PatchGAN or a global (one score per image) discriminator:
  ``07_<family>_<recon>_<disc>`` (``07_cgan_l1_patch``,
  ``07_wgan_gp_l2_global``), ``<family>`` a key of ``GAN_LOSSES_07``: all
  20 combinations are registered. ``VARIANTS_07`` lists the five notebook
  07 trains, one per family in pix2pix's setting (L1, PatchGAN), each with
  ``SEEDS_07`` seeds, so that a difference between two families is called a
  finding only where it exceeds the spread over seeds (see their comments).
  Their quick profile gives every run the same wall time
  (``time_budget_s``, read by ``kcolor.experiments.fit``).

``RECIPES`` gives notebook 06's models and notebook 07's five variants as
papers D and C state them, with their sections
(``kcolor.experiments.deviations``).
"""

from kcolor.colorizers import CGAN, EBGAN, LSGAN, WGAN
from kcolor.experiments.settings import ADAM_DCGAN, NOT_STATED, merge, recipe

# --------------------------------------------------------------------------- notebook 06

# GAN, DCGAN, LSGAN and EBGAN train with DCGAN's Adam (ADAM_DCGAN: Radford et
# al., section 4; paper D, section 3.1), as LSGAN's and EBGAN's papers do on
# MNIST / LSUN.
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


def _zoo(cite, what, colorizer, generator, discriminator, gan, optimizer, short=None,
         notes=""):
    """One notebook 06 experiment: an unconditional GAN on grey digits."""
    short = merge(_SHORT_06, short or {})
    return {
        "cite": cite, "what": what, "colorizer": colorizer, "color_space": "gray",
        "generator": dict(generator),
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
        CGAN, _G_MLP, _D_MLP, {"adversarial_form": "non_saturating"}, ADAM_DCGAN,
        short={"generator": {"width": 0.5}, "discriminator": {"width": 0.5}},
        notes="Paper D's appendix with its MLP sizes is cut off; we use 256-512-1024 for G and "
              "1024-512-256 with dropout for D, LeakyReLU instead of maxout. The model is "
              "kcolor.CGAN with conditional=False: the same cross-entropy losses without a "
              "condition."),
    "06_dcgan": _zoo(
        "D, section 3.1 (DCGAN on MNIST, figure 3)",
        "DCGAN: strided (transposed) convolutions, batch norm, ReLU / LeakyReLU, tanh output",
        CGAN, _G_DCGAN, _D_DCGAN, {"adversarial_form": "non_saturating"}, ADAM_DCGAN,
        notes="Paper D shows DCGAN samples after 3 epochs of MNIST."),
    "06_lsgan": _zoo(
        "D, section 3.2 (Mao et al., a = 0, b = 1, c = 1)",
        "LSGAN: the DCGAN networks with least-squares losses",
        LSGAN, _G_DCGAN, _D_DCGAN, {"a": 0.0, "b": 1.0, "c": 1.0}, ADAM_DCGAN,
        notes="Paper D trains LSGAN on LSUN churches; we keep MNIST for every model."),
    "06_ebgan": _zoo(
        "D, section 3.3 (Zhao et al., margin loss, no pull-away term)",
        "EBGAN: the DCGAN generator against an auto-encoder whose energy is its "
        "reconstruction error, margin m",
        EBGAN, _G_DCGAN, _D_EBGAN, {"margin": 1.0, "pull_away_weight": 0.0}, ADAM_DCGAN,
        notes="The margin is in kcolor's energy unit (a per-pixel mean squared error of images "
              "in [-1, 1]). Paper D trains EBGAN on CelebA."),
    "06_ebgan_pt": _zoo(
        "D, section 3.3 (EBGAN-PT: lambda_PT = 0.1)",
        "EBGAN-PT: EBGAN with the pull-away term on the encoder's codes of the fakes",
        EBGAN, _G_DCGAN, _D_EBGAN, {"margin": 1.0, "pull_away_weight": 0.1}, ADAM_DCGAN),
    "06_wgan": _zoo(
        "D, section 3.4 (Arjovsky et al.: n_critic = 5, clipping 0.01, RMSprop 5e-5)",
        "WGAN: the DCGAN networks, the discriminator a critic with clipped weights, five "
        "critic steps per generator step",
        WGAN, _G_DCGAN, _D_DCGAN, {"clip_value": 0.01, "d_steps": 5}, _RMSPROP_WGAN,
        short={"optimizer": {"learning_rate": 5e-4}, "d_optimizer": {"learning_rate": 5e-4}},
        notes="The short profiles raise RMSprop's rate to 5e-4 (paper D: 5e-5 'to avoid "
              "divergence', at the cost of days of training)."),
}

#: Notebook 06's models, in the paper's order.
ZOO_06 = ("06_gan", "06_dcgan", "06_lsgan", "06_ebgan", "06_ebgan_pt", "06_wgan")




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

# D's optimisers: pix2pix's is DCGAN's (ADAM_DCGAN), WGAN's with clipping
# RMSprop 5e-5 as in notebook 06, WGAN-GP's Gulrajani et al.'s Adam.
_ADAM_GP = {"name": "adam", "learning_rate": 1e-4, "beta_1": 0.0, "beta_2": 0.9}

#: The five GAN losses notebook 07 compares, by family name (the ``<family>``
#: of ``07_<family>_<recon>_<disc>``): ``(colorizer class, its options, D's
#: optimiser, paper section, description)``.
GAN_LOSSES_07 = {
    "cgan": (CGAN, {"adversarial_form": "non_saturating"}, ADAM_DCGAN, "C 4.1, D 4",
             "the cross-entropy (DCGAN) loss"),
    "lsgan": (LSGAN, {"a": 0.0, "b": 1.0, "c": 1.0}, ADAM_DCGAN, "C 4.2",
              "least-squares losses, a = 0, b = c = 1"),
    "ebgan": (EBGAN, {"margin": 1.0}, ADAM_DCGAN, "C 4.3",
              "an auto-encoder discriminator with a margin loss"),
    "wgan_clip": (WGAN, {"clip_value": 0.01, "d_steps": 5}, _RMSPROP_WGAN, "C 4.4, D 3.4",
                  "a critic with weights clipped to 0.01, five critic steps per G step"),
    "wgan_gp": (WGAN, {"gradient_penalty": 10.0, "d_steps": 5}, _ADAM_GP,
                "C 4.4 (with Gulrajani et al.'s penalty)",
                "a critic with a gradient penalty (lambda = 10), five critic steps per G step"),
}
RECONSTRUCTIONS_07 = {"l1": "l1_weight", "l2": "l2_weight"}
_RECON_WEIGHT = 100.0  # pix2pix's lambda (paper B, eq. 6), the same for L1 and L2

# Smoke: the embedded sample photos at 16 px, equal steps (every variant trains
# the same number of generator steps; WGAN's critic 2 steps per G step, not 5).
# Quick: CIFAR-10 at 32 px and equal wall time: every run stops after
# time_budget_s seconds (kcolor.experiments.fit's time budget; the epochs
# below are an upper bound it never reaches on a CPU). 38 s keeps notebook
# 07's 15 runs within the quick profile's 15 minutes (how it was chosen:
# benchmarks/README.md, "How notebook 07's time budget was chosen").
_SMOKE_07 = {"dataset": "sample", "image_size": 16, "batch_size": 16, "epochs": 2,
             "steps_per_epoch": 10, "augment": True, "schedule": "cosine"}
_QUICK_07 = {"dataset": "cifar10", "image_size": 32, "batch_size": 64, "epochs": 100,
             "steps_per_epoch": 50, "augment": True, "schedule": "constant",
             "time_budget_s": 38}
_FULL_07 = {"dataset": "cifar10", "image_size": 32, "batch_size": 128, "epochs": 200,
            "steps_per_epoch": None, "augment": True}


def name_07(family, recon, disc):
    """``07_<family>_<recon>_<disc>``, e.g. ``07_wgan_gp_l2_global``."""
    return f"07_{family}_{recon}_{disc}"


def _variant(family, recon, disc):
    cls, options, d_optimizer, cite, what = GAN_LOSSES_07[family]
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
        "what": f"a U-Net colouriser trained as a conditional {cls.__name__} ({what}), with an "
                f"{recon.upper()} term x {_RECON_WEIGHT:g} and a "
                f"{'PatchGAN' if disc == 'patch' else 'global'} discriminator",
        "colorizer": cls,
        "generator": dict(_UNET),
        "discriminator": dict(table[disc]),
        "gan": {**options, RECONSTRUCTIONS_07[recon]: _RECON_WEIGHT},
        "optimizer": dict(ADAM_DCGAN),
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
    for family in GAN_LOSSES_07:
        for recon in RECONSTRUCTIONS_07:
            for disc in ("patch", "global"):
                out[name_07(family, recon, disc)] = _variant(family, recon, disc)
    return out


EXPERIMENTS.update(_all_variants())

#: The variants notebook 07 trains: the five families in pix2pix's setting
#: (L1 term, PatchGAN), the setting paper D adopts, one variant per family.
#: One run of each of the 15 one-factor-at-a-time variants (these five, and
#: each family with L2 and with a global discriminator) could not tell its
#: differences from seed noise: in two quick runs two of its five claims
#: flipped. So notebook 07 trains fewer variants, each with ``SEEDS_07``
#: seeds, in the same 15 runs; the other 15 combinations stay registered,
#: and its first exercise trains the L2 and global ones over the same seeds.
VARIANTS_07 = tuple(name_07(family, "l1", "patch") for family in GAN_LOSSES_07)

#: How many seeds notebook 07 trains each variant with: ``SEED``,
#: ``SEED + 1``, ... A difference is a finding only where it exceeds the
#: spread of the values over these seeds (``kcolor.tables.beyond_spread``).
SEEDS_07 = 3


# --------------------------------------------------------------------------- recipes

# The settings as papers D and C state them, with their sections. Paper D
# gives no optimiser, batch size or image size for its own runs (its
# appendix, which would hold its networks, is cut off after "Here we show").
_OPEN_D = ("D does not say", {
    "image_size": NOT_STATED, "batch_size": NOT_STATED, "steps_per_epoch": NOT_STATED,
    "augment": NOT_STATED,
    "generator": {"noise_dim": NOT_STATED, "width": NOT_STATED},
    "discriminator": {"width": NOT_STATED},
    "optimizer": {"name": NOT_STATED, "learning_rate": NOT_STATED, "beta_1": NOT_STATED},
    "d_optimizer": {"name": NOT_STATED, "learning_rate": NOT_STATED, "beta_1": NOT_STATED},
    "schedule": NOT_STATED, "epochs": NOT_STATED})
_NO_CONTROLLERS = {"time_budget_s": None, "warm_start": None,
                   "optimizer": {"use_ema": False}, "d_optimizer": {"use_ema": False},
                   "gan": {"color_target": None, "adversarial_warmup": 0}}
# Section 3: z ~ N(0, 1) mapped to a sample; no condition.
_D_UNCONDITIONAL = ("D §3 (G maps z to a sample)", {"gan": {"conditional": False}})
# MNIST digits are grey; LSUN and CelebA are colour photos.
_D_GREY = ("D §3 and §3.1 (MNIST, figures 2 and 3)",
           {"dataset": "mnist", "color_space": "gray", "generator": {"channels": 1},
            "discriminator": {"input_channels": 1}})


def _d_colour(dataset, source):
    return (source, {"dataset": dataset, "color_space": "rgb", "generator": {"channels": 3},
                     "discriminator": {"input_channels": 3}})


def _d_recipe(*groups):
    return recipe(_OPEN_D, ("D: no such controller in the paper", _NO_CONTROLLERS),
                  _D_UNCONDITIONAL, *groups)


# Section 3.1: strided convolutions, batch norm, ReLU in G and LeakyReLU in D.
_D_DCGAN_NETS = ("D §3.1", {"generator": {"builder": "dcgan_generator"},
                            "discriminator": {"builder": "dcgan_discriminator"}})
# Section 3: "G is trained to maximize log D(G(z)), rather than minimize
# log(1 - D(G(z)))".
_D_NON_SATURATING = ("D §3 ('G is trained to maximize log D(G(z))')",
                     {"colorizer": CGAN, "gan": {"adversarial_form": "non_saturating"}})
# Section 3.3: the discriminator "is structured as an auto-encoder with a mean
# squared error loss"; m "a positive margin" (no value); trained on CelebA.
_D_EBGAN = (("D §3.3 (an auto-encoder D; CelebA)",
             {"colorizer": EBGAN, "discriminator": {"builder": "ebgan_discriminator"}}),
            ("D §3.3: m is 'a positive margin', no value; G not described",
             {"gan": {"margin": NOT_STATED}, "generator": {"builder": NOT_STATED}}),
            _d_colour("celeb_a", "D §3.3 ('I trained an EBGAN on the CelebA dataset')"))

RECIPES = {
    "06_gan": _d_recipe(
        _D_GREY, _D_NON_SATURATING,
        # Section 3: "G is a MLP", D "a second MLP"; figure 2 after "about 65
        # epochs".
        ("D §3 (G and D are MLPs) and figure 2 (about 65 epochs)",
         {"generator": {"builder": "mlp_generator"},
          "discriminator": {"builder": "mlp_discriminator"}, "epochs": 65})),
    "06_dcgan": _d_recipe(
        _D_GREY, _D_DCGAN_NETS, _D_NON_SATURATING,
        ("D figure 3 ('DCGANs on MNIST after only 3 epochs')", {"epochs": 3})),
    # Section 3.2: a = 0, b = 1, c = 1; networks "very similar to those used
    # in DCGANs"; "I trained LSGANs on the churches class of LSUN".
    "06_lsgan": _d_recipe(
        _d_colour("lsun/church_outdoor", "D §3.2 (LSUN churches)"), _D_DCGAN_NETS,
        ("D §3.2", {"colorizer": LSGAN, "gan": {"a": 0.0, "b": 1.0, "c": 1.0}})),
    "06_ebgan": _d_recipe(*_D_EBGAN, ("D §3.3 (EBGAN, without the PT term)",
                                      {"gan": {"pull_away_weight": 0.0}})),
    "06_ebgan_pt": _d_recipe(*_D_EBGAN, ("D §3.3 ('lambda was chose to be 0.1')",
                                         {"gan": {"pull_away_weight": 0.1}})),
    # Section 3.4: "one update on the generator for every five updates on the
    # critic"; "a very small learning rate must be used (alpha = 5e-5)"; the
    # weights "are clamped to some range" (no value); CelebA, figure 7.
    "06_wgan": _d_recipe(
        _d_colour("celeb_a", "D §3.4 (CelebA, figure 7)"), _D_DCGAN_NETS,
        ("D §3.4", {"colorizer": WGAN, "gan": {"d_steps": 5},
                    "optimizer": {"learning_rate": 5e-5},
                    "d_optimizer": {"learning_rate": 5e-5}}),
        ("D §3.4: weights 'clamped to some range', no value",
         {"gan": {"clip_value": NOT_STATED}})),
}

# Notebook 07: paper C, section 4, with paper D, section 4 (pix2pix's setting).
# Paper C states the objectives, trains on CelebA ("We evaluated ... on the
# CelebA dataset", sections 4.2 to 4.4) and gives the lambdas no values;
# paper D adopts pix2pix's U-Net with "the discriminator set up as a
# PatchGAN" and the L1 term. Neither gives an optimiser, a batch, a size or a
# length of training.
_OPEN_07 = ("C and D do not say", {
    "image_size": NOT_STATED, "batch_size": NOT_STATED, "epochs": NOT_STATED,
    "steps_per_epoch": NOT_STATED, "augment": NOT_STATED, "schedule": NOT_STATED,
    "optimizer": {"name": NOT_STATED, "learning_rate": NOT_STATED, "beta_1": NOT_STATED},
    "d_optimizer": {"name": NOT_STATED, "learning_rate": NOT_STATED, "beta_1": NOT_STATED,
                    "beta_2": NOT_STATED}})
_COMMON_07 = (
    _OPEN_07,
    ("C and D: no such controller in the papers", {k: v for k, v in _NO_CONTROLLERS.items()
                                                   if k != "warm_start"}),
    ("C §4 (trained on CelebA; L in, ab out)", {"dataset": "celeb_a", "color_space": "lab"}),
    ("C §4 and D §4 (no pre-training mentioned)", {"warm_start": None}),
    ("D §4 ('I adopted their model architecture': pix2pix's U-Net)",
     {"generator": {"builder": "unet", "width": 1.0}}),
    # Section 4.1 of C: "we provide noise in the form of dropout in the
    # generator"; the rate is not given.
    ("C §4.1: dropout in the generator, rate not given", {"generator": {"dropout": NOT_STATED}}),
    ("D §4 ('the discriminator set up as a PatchGAN')",
     {"discriminator": {"builder": "patchgan", "width": 1.0}}),
    ("C §4.1 to §4.4: lambda_1 and lambda_2 'are hyperparameters', no values",
     {"gan": {"adversarial_weight": NOT_STATED, "l1_weight": NOT_STATED}}),
)
RECIPES.update({
    "07_cgan_l1_patch": recipe(
        *_COMMON_07, ("C §4.1 (log(1 − D(x, G(x))) as printed)",
                      {"colorizer": CGAN, "gan": {"adversarial_form": "saturating"}})),
    "07_lsgan_l1_patch": recipe(
        *_COMMON_07, ("C §4.2 ('a = 0 ..., b = 1 ..., and c = 1')",
                      {"colorizer": LSGAN, "gan": {"a": 0.0, "b": 1.0, "c": 1.0}})),
    # Section 4.3 of C: D "is modeled as an autoencoder"; "m is some margin".
    "07_ebgan_l1_patch": recipe(
        *_COMMON_07, ("C §4.3 (an auto-encoder D)",
                      {"colorizer": EBGAN, "discriminator": {"builder": "ebgan_discriminator",
                                                             "width": NOT_STATED}}),
        ("C §4.3: 'm is some margin', no value", {"gan": {"margin": NOT_STATED}})),
    # Section 4.4 of C: the weights "are clamped to some range" and "the
    # critic must be updated multiple times for one update of the generator"
    # (paper D, section 3.4: five, with a learning rate of 5e-5).
    "07_wgan_clip_l1_patch": recipe(
        *_COMMON_07,
        ("C §4.4 (clipped weights, several critic steps; no values)",
         {"colorizer": WGAN, "gan": {"clip_value": NOT_STATED, "d_steps": NOT_STATED}}),
        ("D §3.4 (for WGAN's generation runs: 5e-5)",
         {"optimizer": {"learning_rate": 5e-5}, "d_optimizer": {"learning_rate": 5e-5}})),
    # Paper C's WGAN clips its weights (section 4.4); a gradient penalty is in
    # neither paper: Gulrajani et al.'s, the course's addition.
    "07_wgan_gp_l1_patch": recipe(
        *_COMMON_07,
        ("C §4.4 (clipped weights, no gradient penalty; several critic steps)",
         {"colorizer": WGAN, "gan": {"gradient_penalty": None, "clip_value": NOT_STATED,
                                     "d_steps": NOT_STATED}})),
})
