"""What the paper modules' settings share: ``merge`` and the DCGAN optimiser.

Nothing here builds anything: the paper modules import these to write their
dictionaries, and the registry (``kcolor.experiments.registry``) lays
profiles and overrides over them with ``merge``.
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


__all__ = ["ADAM_DCGAN", "merge"]
