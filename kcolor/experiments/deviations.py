"""Where a profile's settings differ from the paper's recipe: ``deviations(name, profile)``.

Each paper module writes, beside ``EXPERIMENTS``, a dict ``RECIPES``: for
every experiment a notebook trains, its settings as the paper states them,
each with its source (``kcolor.experiments.settings.recipe``; the paper's
letter and section, ``NOT_STATED`` where the paper leaves a setting open).
``deviations`` lays a profile's config beside it, setting by setting, and
returns a ``DeviationsTable``: the settings that differ, those the paper
does not state (with the value this profile chose), and a count of those
that are as the paper states them. The controllers that no paper uses (the
colour thermostat, the adversarial ramp, a wall-time budget, an average of
the weights) are in every recipe as "none", so a profile that adds one
shows it.

A notebook prints it next to its results; in Jupyter it is an HTML table
with the class ``kcolor-deviations``, which ``scripts/build_index.py``
shows on the results page under "Where this run's settings differ from the
paper".

Example:

>>> table = kcolor.experiments.deviations("03_cgan", "quick")
>>> [row["setting"] for row in table.differences][:3]
['batch size', 'epochs', 'steps per epoch']
>>> table.same  # the settings as paper B states them
['data set', 'image size', ...]
"""

import html
import inspect
import math
import numbers

from kcolor.experiments import registry
from kcolor.experiments.settings import NOT_STATED, flatten
from kcolor.models import BUILDERS
from kcolor.shown import Shown, html_table, markdown_table

#: The settings a config holds that are not settings of training: its labels.
_NOT_SETTINGS = {"name", "profile", "cite", "what", "notes", "bins.fit_batches"}

#: Each setting in words, in the order the table lists them. A setting not
#: named here keeps its dotted key and comes after these.
LABELS = {
    "dataset": "data set",
    "image_size": "image size",
    "batch_size": "batch size",
    "epochs": "epochs",
    "steps_per_epoch": "steps per epoch",
    "augment": "augmentation (random horizontal flips)",
    "color_space": "colour space",
    "preprocessing": "preprocessing",
    "colorizer": "model",
    "loss": "loss",
    "bins.kind": "bins",
    "bins.n": "bins per channel",
    "rebalance": "class rebalancing",
    "decode": "decoding",
    "T": "decoding temperature T",
    "network.builder": "network",
    "network.width": "network width (× the builder's channels)",
    "network.dropout": "network dropout rate",
    "network.head": "network head",
    "network.dense": "fully connected head",
    "network.num_classes": "classes per channel",
    "network.output_channels": "network output channels",
    "generator.builder": "generator",
    "generator.width": "generator width (× the builder's channels)",
    "generator.dropout": "generator dropout rate",
    "generator.noise_dim": "noise length",
    "generator.channels": "image channels",
    "generator.head": "generator head",
    "generator.output_channels": "generator output channels",
    "discriminator.builder": "discriminator",
    "discriminator.width": "discriminator width (× the builder's channels)",
    "discriminator.code_dim": "discriminator code length",
    "discriminator.input_channels": "discriminator input channels",
    "discriminator.conv_dropout": "discriminator dropout rate, convolutions",
    "discriminator.dense_dropout": "discriminator dropout rate, dense layer",
    "gan.conditional": "conditional",
    "gan.adversarial_form": "adversarial loss",
    "gan.adversarial_weight": "adversarial weight",
    "gan.l1_weight": "L1 weight",
    "gan.l2_weight": "L2 weight",
    "gan.one_sided_label_smoothing": "one-sided label smoothing (off the real label)",
    "gan.a": "LSGAN a (fake target)",
    "gan.b": "LSGAN b (real target)",
    "gan.c": "LSGAN c (G's target)",
    "gan.margin": "margin",
    "gan.margin_on": "margin tested on",
    "gan.pull_away_weight": "pull-away weight",
    "gan.clip_value": "weight clipping",
    "gan.gradient_penalty": "gradient penalty weight",
    "gan.update_order": "update order",
    "gan.d_steps": "D steps per G step",
    "gan.g_steps": "G steps per D step",
    "warm_start": "warm start",
    "optimizer.name": "optimiser",
    "optimizer.learning_rate": "learning rate",
    "optimizer.beta_1": "beta_1",
    "optimizer.beta_2": "beta_2",
    "optimizer.momentum": "momentum",
    "d_optimizer.name": "D optimiser",
    "d_optimizer.learning_rate": "D learning rate",
    "d_optimizer.beta_1": "D beta_1",
    "d_optimizer.beta_2": "D beta_2",
    "schedule": "learning-rate schedule",
    "gan.color_target": "colour thermostat (L1 weight steered to this × the truth's colour)",
    "gan.color_gain": "colour thermostat gain",
    "gan.color_scale_range": "colour thermostat range",
    "gan.adversarial_warmup": "adversarial ramp (G steps)",
    "time_budget_s": "wall-time budget (s)",
    "optimizer.use_ema": "moving average of the weights (EMA)",
    "d_optimizer.use_ema": "D moving average of the weights (EMA)",
}

# In a GAN the optimiser is the generator's.
_GAN_LABELS = {"optimizer.name": "G optimiser", "optimizer.learning_rate": "G learning rate",
               "optimizer.beta_1": "G beta_1", "optimizer.beta_2": "G beta_2",
               "optimizer.use_ema": "G moving average of the weights (EMA)"}

# Values that a config leaves to a default, where no signature says it.
_DEFAULTS = {"time_budget_s": None, "preprocessing": None, "augment": False,
             "warm_start": None, "gan.color_target": None, "gan.adversarial_warmup": 0}
_OPTIMIZER_DEFAULTS = {"use_ema": False, "adam": {"beta_1": 0.9, "beta_2": 0.999},
                       "sgd": {"momentum": 0.0}}

#: The controllers no paper uses, by setting, in words: a verdict on a
#: quantity one of them holds at a set point reads "steered"
#: (``kcolor.tables.claim(..., steered_by=...)``).
CONTROLLERS = {"gan.color_target": "the colour thermostat",
               "gan.adversarial_warmup": "the adversarial ramp",
               "time_budget_s": "a wall-time budget",
               "optimizer.use_ema": "a moving average of the weights",
               "d_optimizer.use_ema": "a moving average of D's weights"}

#: A setting that neither the config nor any default gives.
ABSENT = "—"

# How a value reads, by setting, where the plain form would mislead.
_NONE_READS = {"steps_per_epoch": "the whole split", "warm_start": "none (from scratch)",
               "gan.color_target": "off", "time_budget_s": "none",
               "preprocessing": "none", "gan.clip_value": "none",
               "gan.gradient_penalty": "none", "gan.margin": "none"}


def _signature_defaults(function):
    defaults = {}
    for cls in (function.__mro__ if inspect.isclass(function) else (function,)):
        init = cls.__init__ if inspect.isclass(function) else cls
        try:
            parameters = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            continue
        for p in parameters:
            if p.default is not inspect.Parameter.empty and p.name not in defaults:
                defaults[p.name] = p.default
    return defaults


def _default(cfg, key):
    """The value a config leaves to a default for the dotted ``key``, or ``ABSENT``."""
    if key in _DEFAULTS:
        return _DEFAULTS[key]
    head, _, rest = key.partition(".")
    if head == "gan" and cfg.get("colorizer") is not None:
        return _signature_defaults(cfg["colorizer"]).get(rest, ABSENT)
    if head in ("optimizer", "d_optimizer") and isinstance(cfg.get(head), dict):
        if rest == "use_ema":
            return False
        return _OPTIMIZER_DEFAULTS.get(cfg[head].get("name"), {}).get(rest, ABSENT)
    if head in ("network", "generator", "discriminator") and isinstance(cfg.get(head), dict):
        builder = BUILDERS.get(cfg[head].get("builder"))
        return ABSENT if builder is None else _signature_defaults(builder).get(rest, ABSENT)
    return ABSENT


def profile_settings(cfg):
    """A config's training settings as one dict of dotted keys (``"gan.l1_weight"``)."""
    out = {k: v for k, v in flatten(cfg).items() if k not in _NOT_SETTINGS}
    if out.get("decode") == "argmax":
        out.pop("T", None)  # argmax decoding has no temperature
    return out


def _same(ours, paper):
    if paper == NOT_STATED or ours is ABSENT:
        return False
    if isinstance(ours, bool) or isinstance(paper, bool) or ours is None or paper is None:
        return ours is paper or (ours == paper and type(ours) is type(paper))
    if isinstance(ours, numbers.Real) and isinstance(paper, numbers.Real):
        return math.isclose(float(ours), float(paper), rel_tol=1e-9, abs_tol=1e-12)
    return ours == paper


def _unlisted(key, recipe, ours):
    """The source cell of a setting the recipe does not list."""
    network, _, _ = key.partition(".")
    builder = recipe.get(f"{network}.builder", (None, ""))
    if builder[0] not in (None, NOT_STATED) and builder[0] != ours.get(f"{network}.builder"):
        return (f"{builder[1][:1]}: the paper's {network} ({builder[0]}) has no such "
                "setting")
    return "not in the paper's recipe"


def _ours(value, key, ours):
    """The "this profile" cell: the value, or which of our networks lacks the setting."""
    if value is not ABSENT:
        return show(value, key)
    builder = ours.get(f"{key.partition('.')[0]}.builder")
    return f"{ABSENT} ({builder} has no such setting)" if builder else ABSENT


def show(value, key=""):
    """A setting's value in words: ``None`` as "none" (or what it means there), numbers short."""
    if value is None:
        return _NONE_READS.get(key, "none")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, type):
        return value.__name__
    if isinstance(value, numbers.Real):
        return f"{value:g}"
    if isinstance(value, (tuple, list)):
        return ", ".join(show(v) for v in value)
    return str(value)


def _rank(key):
    order = list(LABELS)
    return (order.index(key), key) if key in order else (len(order), key)


class DeviationsTable(Shown):
    """How one profile's settings differ from its paper's recipe.

    Made by ``deviations``. Shows itself in Jupyter as an HTML table with the
    class ``kcolor-deviations`` (which ``scripts/build_index.py`` publishes)
    and as markdown under ``print``.

    Attributes:
        name, profile: the experiment and profile compared.
        paper: the paper's letter(s) of the recipe's sources (``"B"``).
        rows: every setting that differs or that the paper leaves open, in
            order (the table shows the first kind, and lists the second under
            it): dicts with ``"setting"`` (in words), ``"key"`` (dotted, as
            in the config), ``"paper"``,
            ``"this profile"``, ``"source"`` and ``"status"``
            (``"differs"`` or ``"not stated"``: the paper leaves it open).
        same: the settings (in words) that are as the paper states them.
        title: the caption.
        controllers: the controllers the profile adds (``CONTROLLERS``).
    """

    HEADER = ("setting", "paper", "this profile", "source")

    def __init__(self, name, profile, rows, same, paper=""):
        self.name, self.profile, self.paper = name, profile, paper
        self.rows, self.same = list(rows), list(same)
        differ, open_ = len(self.differences), len(self.not_stated)
        several = " and " in paper
        papers, say = ("papers", "") if several else ("paper", "s")
        self.title = (f"{name}, {profile} profile, against {papers} {paper}'s recipe: "
                      f"{differ} setting{'s differ' if differ != 1 else ' differs'}, "
                      f"{open_} the {papers} {'do' if several else 'does'} not state, "
                      f"{len(self.same)} as the {papers} state{say} them")

    @property
    def differences(self):
        """The rows whose setting differs from what the paper states."""
        return [r for r in self.rows if r["status"] == "differs"]

    @property
    def not_stated(self):
        """The rows of settings the paper leaves open (this profile's choice shown)."""
        return [r for r in self.rows if r["status"] == "not stated"]

    @property
    def controllers(self):
        """The controllers this profile adds to the paper's recipe, in words (``CONTROLLERS``).

        ``["the colour thermostat"]`` for notebook 03's quick cGAN; ``[]``
        where the profile trains as the paper's recipe does. A notebook
        passes them to ``kcolor.tables.claim(..., steered_by=...)`` for a
        row whose quantity one of them steers.
        """
        return [CONTROLLERS[r["key"]] for r in self.differences if r["key"] in CONTROLLERS]

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, setting):
        """The row of a setting, by its words (``"L1 weight"``) or key (``"gan.l1_weight"``)."""
        for row in self.rows:
            if setting in (row["setting"], row["key"]):
                return row
        raise KeyError(f"{setting!r} is not a row of {self.name}'s deviations (it may be as "
                       f"the paper states it: {', '.join(self.same) or 'none'}).")

    def _cells(self):
        """The table shows what differs; what the paper leaves open goes in the footer."""
        return [tuple(r[h] for h in self.HEADER) for r in self.differences]

    def _footer(self):
        lines = []
        if self.not_stated:
            papers = "papers" if " and " in self.paper else "paper"
            lines.append(f"Not stated by the {papers} (this profile's choice): " + "; ".join(
                f"{r['setting']} {r['this profile']}" for r in self.not_stated) + ".")
        if self.same:
            papers = "papers state" if " and " in self.paper else "paper states"
            lines.append(f"As the {papers} them: " + ", ".join(self.same) + ".")
        return lines

    @property
    def markdown(self):
        footer = "".join(f"\n\n{line}" for line in self._footer())
        return self._titled(markdown_table(self.HEADER, self._cells()) + footer)

    def __repr__(self):
        return self.markdown

    def _repr_html_(self):
        rows = [[html.escape(str(c)) for c in cells] for cells in self._cells()]
        return html_table("kcolor-deviations", self.title, self.HEADER, rows,
                          footer=self._footer())


def recipe_of(name):
    """The paper's recipe of experiment ``name``: ``{dotted setting: (value, source)}``.

    Raises:
        ValueError: an unknown experiment, or one without a recipe.
    """
    registry.check_name(name)
    if name not in registry.RECIPES:
        raise ValueError(
            f"{name} has no recipe (the paper's settings) in its paper module's RECIPES; "
            f"experiments with one: {', '.join(sorted(registry.RECIPES))}.")
    return registry.RECIPES[name]


def deviations(name, profile="smoke", overrides=None):
    """How a profile's settings differ from the paper's recipe, as a table.

    Compares ``config(name, profile, overrides)`` with the paper's recipe
    (``RECIPES`` of the experiment's paper module), setting by setting:
    data set, image size, batch, epochs and steps, loss weights, networks
    and their widths, the discriminator, the optimisers and learning rates,
    the update order, label smoothing, the warm start, and the controllers
    no paper uses (colour thermostat, adversarial ramp, wall-time budget,
    EMA). A setting the profile leaves to a default is read from the
    colorizer's or builder's signature.

    Args:
        name: an experiment with a recipe (every one notebooks 01 to 07
            train), e.g. ``"03_cgan"``.
        profile: ``"smoke"``, ``"quick"`` or ``"full"``.
        overrides: as for ``config`` (an exercise's changes show too).

    Returns:
        A ``DeviationsTable``: ``rows`` (settings that differ, and those the
        paper does not state), ``same`` (those as the paper states them),
        ``differences`` and ``not_stated``.

    Raises:
        ValueError: an unknown experiment or profile, or an experiment
            without a recipe.

    Example:

    >>> kcolor.experiments.deviations("03_cgan", "quick")["L1 weight"]
    {'setting': 'L1 weight', 'key': 'gan.l1_weight', 'paper': '100', 'this profile': '350',
     'source': 'B §3.3', 'status': 'differs'}
    """
    recipe = recipe_of(name)
    cfg = registry.config(name, profile, overrides)
    ours = profile_settings(cfg)
    labels = dict(LABELS)
    if "gan" in cfg:
        labels.update(_GAN_LABELS)
    rows, same, papers = [], [], []
    for key in sorted(set(ours) | set(recipe), key=_rank):
        value = ours[key] if key in ours else _default(cfg, key)
        paper, source = recipe.get(key, (ABSENT, _unlisted(key, recipe, ours)))
        letter = source[:1] if key in recipe else ""
        if letter and letter.isupper() and letter not in papers:
            papers.append(letter)
        label = labels.get(key, key)
        if value is ABSENT and paper in (NOT_STATED, ABSENT):
            continue  # neither the paper nor this profile has the setting
        if _same(value, paper):
            same.append(label)
            continue
        rows.append({"setting": label, "key": key,
                     "paper": paper if paper in (NOT_STATED, ABSENT) else show(paper, key),
                     "this profile": _ours(value, key, ours),
                     "source": source,
                     "status": "not stated" if paper == NOT_STATED else "differs"})
    return DeviationsTable(name, profile, rows, same, paper=" and ".join(papers))


__all__ = ["deviations", "DeviationsTable", "recipe_of", "profile_settings", "show", "LABELS",
           "CONTROLLERS", "ABSENT"]
