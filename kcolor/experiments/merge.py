"""One rule for layering settings, shared by the registry and its modules."""

import copy


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
