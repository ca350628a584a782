"""The registry: every experiment's settings by name, in three profiles.

The paper modules (``paper_a``, ``paper_b``, ``papers_e_c``, ``papers_d_c``)
each give ``EXPERIMENTS``, a dict of plain settings; this module collects
them and answers ``config(name, profile)``. It builds nothing: the
``factory`` makes models and data from a config, the ``runner`` trains and
saves them.
"""

from kcolor.experiments import paper_a, paper_b, papers_d_c, papers_e_c
from kcolor.experiments.settings import merge

PROFILES = ("smoke", "quick", "full")

#: The notebook groups, in course order. A module adds its experiments here.
MODULES = (paper_b, paper_a, papers_e_c, papers_d_c)


def collect(modules, attribute="EXPERIMENTS"):
    """The modules' ``EXPERIMENTS`` (or another dict ``attribute``) joined in one dict.

    A name that two modules give (two experiments ``"03_cgan"``) is an
    error: the later module would otherwise replace the earlier one's
    without a word.
    """
    experiments = {}
    for module in modules:
        entries = getattr(module, attribute, {})
        repeated = sorted(set(entries) & set(experiments))
        if repeated:
            raise ValueError(f"{module.__name__}.{attribute} repeats {repeated}, which an "
                             "earlier module already registers; names must be unique.")
        experiments.update(entries)
    return experiments


EXPERIMENTS = collect(MODULES)
NAMES = tuple(EXPERIMENTS)
#: Each experiment's settings as its paper states them, with their sources
#: (``kcolor.experiments.settings.recipe``); ``kcolor.experiments.deviations``
#: compares a profile with them.
RECIPES = collect(MODULES, "RECIPES")


def check_profile(profile):
    """Returns ``profile`` if it is one of ``PROFILES``, else raises ValueError."""
    if profile not in PROFILES:
        raise ValueError(
            f"Unknown profile {profile!r}; expected one of {', '.join(map(repr, PROFILES))}."
        )
    return profile


def check_name(name):
    """Returns ``name`` if it is one of ``NAMES``, else raises ValueError."""
    if name not in EXPERIMENTS:
        raise ValueError(
            f"Unknown experiment {name!r}; known experiments: {', '.join(NAMES)}."
        )
    return name


def config(name, profile="smoke", overrides=None):
    """The settings of one experiment in one profile, as a new dict.

    Args:
        name: one of ``NAMES``, e.g. ``"03_cgan"``.
        profile: ``"smoke"``, ``"quick"`` or ``"full"``.
        overrides: a dict merged over the profile's settings, nested dicts
            key by key: ``{"gan": {"l1_weight": 0}, "epochs": 2}``. For
            exercises and tuning; an unknown top-level key is an error.

    Returns:
        A dict with ``name``, ``profile``, ``cite``, ``what``, ``dataset``,
        ``image_size``, ``batch_size``, ``epochs``, ``steps_per_epoch``
        (``None``: the whole split), ``augment``, ``color_space``,
        ``warm_start`` (the experiment whose trained model this one starts
        from, or ``None``) and ``colorizer``: the class trained
        (``kcolor.Colorizer``, ``kcolor.ClassColorizer``, ``kcolor.CGAN``,
        ...; ``None`` for no model). A trained experiment also has
        ``optimizer`` (and a GAN ``d_optimizer``), ``schedule``
        (``"constant"``, or ``"cosine"`` decay to zero over the run),
        ``notes``, and the settings of its networks, each
        ``{"builder": <a name of kcolor.models.BUILDERS>, its options}``:

        * a ``Colorizer`` or ``ClassColorizer``: ``network``, and ``loss``
          (or ``bins``, ``rebalance``, ``decode`` and ``T``);
          ``"preprocessing": "koo"`` adds paper A's;
        * a GAN: ``generator`` and ``discriminator``, and ``gan``, flat
          plain numbers and words for its constructor
          (``kcolor.colorizers.options.from_settings``).

    Example:

    >>> kcolor.experiments.config("03_cgan", "full")["optimizer"]
    {'name': 'adam', 'learning_rate': 0.0002, 'beta_1': 0.5}
    """
    check_name(name)
    check_profile(profile)
    base = {k: v for k, v in EXPERIMENTS[name].items() if k != "profiles"}
    base.setdefault("augment", False)
    base.setdefault("epochs", None)
    base.setdefault("steps_per_epoch", None)
    base.setdefault("warm_start", None)
    base.setdefault("color_space", "lab")
    cfg = merge(base, EXPERIMENTS[name]["profiles"][profile])
    unknown = sorted(set(overrides or {}) - set(cfg))
    if unknown:
        raise ValueError(f"Unknown settings {unknown} for {name}; it has {sorted(cfg)}.")
    cfg = merge(cfg, overrides or {})
    return {"name": name, "profile": profile, **cfg}


def total_steps(cfg):
    """Training steps in a run of ``cfg``, or None when an epoch is a whole split."""
    if cfg["steps_per_epoch"] is None or cfg["epochs"] is None:
        return None
    return cfg["steps_per_epoch"] * cfg["epochs"]


def describe(name, profile="smoke"):
    """A one-paragraph markdown summary of an experiment's configuration."""
    cfg = config(name, profile)
    steps = total_steps(cfg)
    run = (f"{cfg['epochs']} epochs of {cfg['steps_per_epoch']} steps" if steps
           else f"{cfg['epochs']} epochs over the whole split")
    lines = [f"**{name}** ({profile} profile): {cfg['what']}.",
             f"Data: {cfg['dataset']} at {cfg['image_size']} px, batch {cfg['batch_size']}, "
             f"{run}. Source: paper {cfg['cite']}."]
    if cfg["colorizer"] is not None:
        opt = cfg["optimizer"]
        lines.append(f"Model: {cfg['colorizer'].__name__}. Optimiser: {opt['name']}, "
                     f"learning rate {opt['learning_rate']:g} ({cfg['schedule']}).")
    if cfg.get("notes"):
        lines.append(f"Notes: {cfg['notes']}")
    return " ".join(lines)


__all__ = ["PROFILES", "MODULES", "EXPERIMENTS", "NAMES", "RECIPES", "collect", "check_profile",
           "check_name", "config", "total_steps", "describe"]
