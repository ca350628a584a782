"""What the paper modules' settings share: ``merge``, the DCGAN optimiser, and recipes.

Nothing here builds anything: the paper modules import these to write their
dictionaries, and the registry (``kcolor.experiments.registry``) lays
profiles and overrides over them with ``merge``.

A **recipe** is an experiment's settings as its paper states them, each
with where the paper states it: ``recipe`` writes one from groups of
``(source, settings)``, and ``kcolor.experiments.deviations`` compares a
profile's config with it. ``NOT_STATED`` marks a setting the paper leaves
open.
"""

import copy

# Adam(2e-4, beta_1=0.5): Radford et al.'s DCGAN (section 4; paper D, section
# 3.1), kept by pix2pix and by paper B (section 3.3, "Reduced Momentum") for
# both networks; LSGAN's and EBGAN's papers use it on MNIST and LSUN too.
ADAM_DCGAN = {"name": "adam", "learning_rate": 2e-4, "beta_1": 0.5}


def merge(base, override):
    """A new dict: ``base`` with ``override`` laid over it, nested dicts key by key.

    >>> merge({"gan": {"l1_weight": 100, "margin": 0.5}}, {"gan": {"l1_weight": 0}})
    {'gan': {'l1_weight': 0, 'margin': 0.5}}
    """
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


#: A recipe's value for a setting that its paper does not state.
NOT_STATED = "not stated"


def flatten(settings, prefix=""):
    """Nested settings as one dict of dotted keys (``"gan.l1_weight"``).

    >>> flatten({"epochs": 200, "gan": {"l1_weight": 100.0}})
    {'epochs': 200, 'gan.l1_weight': 100.0}
    """
    out = {}
    for key, value in settings.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def recipe(*groups):
    """An experiment's recipe: ``{dotted setting: (value as the paper states it, source)}``.

    Args:
        groups: ``(source, settings)`` pairs: where in the paper (``"B §3.3"``,
            with a few quoted words where they help) and the settings it
            states there, nested like a config (``{"gan": {"l1_weight":
            100.0}}``); ``NOT_STATED`` for a setting the paper leaves open. A
            later group replaces an earlier one's setting.

    Returns:
        A new dict, e.g. ``{"gan.l1_weight": (100.0, "B §3.3")}``.

    >>> recipe(("B §3.3", {"gan": {"l1_weight": 100.0}}), ("B", {"augment": NOT_STATED}))
    {'gan.l1_weight': (100.0, 'B §3.3'), 'augment': ('not stated', 'B')}
    """
    out = {}
    for source, settings in groups:
        if not isinstance(source, str) or not isinstance(settings, dict):
            raise TypeError(f"recipe: each group is (source text, settings dict), got "
                            f"{(source, settings)!r:.120}")
        for key, value in flatten(settings).items():
            out[key] = (value, source)
    return out


__all__ = ["ADAM_DCGAN", "NOT_STATED", "flatten", "merge", "recipe"]
