"""What the paper modules build their experiments from: settings, networks, optimisers.

* ``merge`` lays one dict of settings over another (profiles over an
  experiment, overrides over a profile).
* ``network`` builds one network of ``kcolor.models`` from its settings.
* ``optimizer`` builds a config's Keras optimiser with its learning-rate
  schedule (``total_steps`` counts the run it decays over).
* ``start_from`` copies a trained model's weights into a network (a warm
  start).
* ``ADAM_DCGAN`` is the optimiser that DCGAN, pix2pix and paper B share.

The registry (``kcolor.experiments``) and every paper module import these;
none of them imports the registry back.
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


def network(settings, image_size, seed):
    """Builds one network from its settings: ``{"builder": "unet", "width": 0.25}``.

    Args:
        settings: ``builder`` names a function of ``kcolor.models.BUILDERS``;
            the other keys are its keyword arguments.
        image_size: the network's input size.
        seed: seeds its initial weights.

    Returns:
        The ``keras.Model`` the builder returns.

    Example:

    >>> network({"builder": "patchgan", "width": 0.25}, 32, seed=1)
    """
    from kcolor.models import BUILDERS

    settings = dict(settings)
    name = settings.pop("builder")
    if name not in BUILDERS:
        raise ValueError(f"Unknown network builder {name!r}; expected one of "
                         f"{', '.join(sorted(BUILDERS))}.")
    return BUILDERS[name](image_size, seed=seed, **settings)


def total_steps(cfg):
    """Training steps in a run of ``cfg``, or None when an epoch is a whole split."""
    if cfg["steps_per_epoch"] is None or cfg["epochs"] is None:
        return None
    return cfg["steps_per_epoch"] * cfg["epochs"]


def optimizer(cfg, key="optimizer"):
    """The Keras optimizer of ``cfg[key]``, with the config's learning-rate schedule.

    Args:
        cfg: an experiment's config; ``cfg[key]`` is ``{"name": ...,
            "learning_rate": ..., other keyword arguments}``.
        key: ``"optimizer"`` (the generator's or the only network's) or
            ``"d_optimizer"`` (a GAN's discriminator).

    Returns:
        A ``keras.optimizers.Optimizer``. A ``"cosine"`` schedule decays the
        rate to zero over ``total_steps(cfg)``; ``"constant"`` keeps it.

    Example:

    >>> optimizer(kcolor.experiments.config("03_cgan", "full"))  # Adam(2e-4, 0.5)
    """
    from kcolor.backend import keras

    settings = dict(cfg[key])
    name = settings.pop("name")
    learning_rate = settings.pop("learning_rate")
    if cfg["schedule"] == "cosine":  # decay to zero over the whole run
        steps = total_steps(cfg)
        if steps is None:
            raise ValueError(f"{cfg['name']} ({cfg['profile']}): a cosine schedule needs "
                             "steps_per_epoch.")
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, steps)
    return keras.optimizers.get({"class_name": name,
                                 "config": {"learning_rate": learning_rate, **settings}})


def start_from(network, trained):
    """Copies ``trained``'s weights into ``network`` (a warm start); ``None`` copies nothing.

    Args:
        network: a ``keras.Model``.
        trained: ``None``, a model of the same shape, or a colorizer whose
            ``network`` has that shape (a trained ``kcolor.Colorizer``).

    Returns:
        ``network``.
    """
    if trained is not None:
        network.set_weights(getattr(trained, "network", trained).get_weights())
    return network
