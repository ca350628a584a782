"""A GAN's options, checked once when it is built, and built from flat settings.

``AdversarialColorizer`` calls ``check`` in its constructor (and
``check_compile`` in ``compile``), so that options that cannot train, or a
generator and a discriminator that do not fit together, fail there with a
message that says how to fix them, instead of deep inside the first traced
step. ``condition_and_target`` splits a batch, and refuses L alone.

``from_settings`` turns the flat numbers of an experiment's ``gan``
settings (``l1_weight: 350, color_target: 0.84, adversarial_warmup: 600``)
into the constructor's keyword arguments.

Conditional (the default): the generator sees L (plus noise: a plane with
``noise="input"``, a vector ``z`` with ``noise_dim``) and predicts ab; the
discriminator sees ``concat(L, ab)``. Unconditional (paper D, section 3):
the generator maps ``z ~ N(0, 1)`` to an image; the discriminator sees the
image alone.
"""

import numpy as np

from kcolor.backend import keras
from kcolor.colorizers.weights import ColorThermostat, LinearRamp, is_number

NOISE_MODES = (None, "dropout", "input")
UPDATE_ORDERS = ("alternating", "simultaneous")


def from_settings(settings):
    """An experiment's flat ``gan`` settings -> the GAN constructor's keyword arguments.

    ``color_target`` (with ``color_gain`` and ``color_scale_range``) makes
    ``l1_weight`` a ``ColorThermostat``; ``color_target=None`` keeps the
    number. ``adversarial_warmup=N`` (N >= 1) makes ``adversarial_weight`` a
    ``LinearRamp`` over N generator updates; 0 keeps the number.

    Args:
        settings: a dict of plain values, e.g. ``{"l1_weight": 350,
            "color_target": 0.84, "adversarial_warmup": 600}``.

    Returns:
        A new dict of keyword arguments; keys it does not know pass through.

    Example:
        >>> from_settings({"l1_weight": 100, "adversarial_warmup": 600, "margin": 0.5})
        {'l1_weight': 100, 'margin': 0.5, 'adversarial_weight': LinearRamp(1.0, steps=600)}
    """
    kwargs = dict(settings)
    target = kwargs.pop("color_target", None)
    color = {key: kwargs.pop("color_" + key) for key in ("gain", "scale_range")
             if "color_" + key in kwargs}
    if target is not None:
        kwargs["l1_weight"] = ColorThermostat(kwargs.get("l1_weight", 0.0), target, **color)
    warmup = kwargs.pop("adversarial_warmup", 0)
    check_loss_options(conditional=True, weights={}, steps={},
                       warmup={"adversarial_warmup": warmup})
    if warmup:
        kwargs["adversarial_weight"] = LinearRamp(kwargs.get("adversarial_weight", 1.0), warmup)
    return kwargs


def check(generator, discriminator, *, conditional, noise, noise_dim, weights, d_steps,
          g_steps, update_order):
    """Every check of a GAN's constructor; returns the noise vector's shape (``noise_shape``)."""
    check_loss_options(conditional=conditional, weights=weights,
                       steps={"d_steps": d_steps, "g_steps": g_steps})
    check_update_order(update_order, d_steps=d_steps, g_steps=g_steps)
    check_networks(generator, discriminator, conditional=conditional, noise=noise,
                   noise_dim=noise_dim)
    return noise_shape(generator, discriminator, conditional=conditional, noise=noise,
                       noise_dim=noise_dim)


def check_compile(name, kwargs, g_optimizer, d_optimizer):
    """Raises for ``compile`` arguments a GAN does not take, or one optimiser for two networks."""
    if kwargs:
        raise (ValueError if "optimizer" in kwargs else TypeError)(
            f"{name}.compile() got {sorted(kwargs)}: a GAN has two optimisers, "
            "compile(g_optimizer=..., d_optimizer=...); its losses are constructor options.")
    if g_optimizer is d_optimizer:
        raise ValueError("g_optimizer and d_optimizer are the same object; give each "
                         "network its own optimiser (their states must not mix).")


def check_update_order(update_order, *, d_steps, g_steps):
    """Raises ``ValueError`` for an unknown ``update_order`` or one that cannot apply.

    ``"simultaneous"`` takes both losses from one generator pass, so it
    exists only for one D update and one G update per step.
    """
    if update_order not in UPDATE_ORDERS:
        raise ValueError(f"update_order must be one of {UPDATE_ORDERS}, got {update_order!r}.")
    if update_order == "simultaneous" and (d_steps != 1 or g_steps != 1):
        raise ValueError(
            f"update_order='simultaneous' computes both losses from one generator pass, so "
            f"it needs d_steps=1 and g_steps=1 (got d_steps={d_steps}, g_steps={g_steps}; "
            "WGAN's default is d_steps=5). Use update_order='alternating' for several updates.")


def check_loss_options(*, conditional, weights, steps, warmup=None):
    """Raises ``ValueError`` for loss weights and step counts that cannot train.

    Args:
        conditional: whether G sees a condition and has a target colour.
        weights: ``{name: value}`` of the loss weights: finite numbers >= 0,
            or schedules (``kcolor.colorizers.weights``; a ``ColorThermostat``
            for ``l1_weight`` only).
        steps: ``{name: value}`` of the update counts (positive integers).
        warmup: ``{name: value}`` of step counts that may be 0 (integers >= 0).
    """
    counts = [(name, value, 1, "a positive integer") for name, value in steps.items()]
    counts += [(name, value, 0, "an integer >= 0 (a number of steps)")
               for name, value in (warmup or {}).items()]
    for name, value, least, what in counts:
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < least:
            raise ValueError(f"{name} must be {what}, got {value!r}.")
    for name, value in weights.items():
        if isinstance(value, ColorThermostat) and name != "l1_weight":
            raise ValueError(f"A ColorThermostat steers l1_weight; {name} got one.")
        if isinstance(value, (ColorThermostat, LinearRamp)):
            continue  # checked when it was built
        if hasattr(value, "at"):
            raise ValueError(f"{name} must be a number or a LinearRamp / ColorThermostat "
                             f"(kcolor.colorizers.weights), got {value!r}.")
        if not (is_number(value) and value >= 0):
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    if not conditional and (weights.get("l1_weight") or weights.get("l2_weight")):
        raise ValueError(
            "l1_weight and l2_weight need a target colour: they apply to conditional "
            "models only (conditional=False has no ground truth to compare with).")


def condition_and_target(data, conditional):
    """A batch -> ``(L, ab)``, or ``(None, images)`` when unconditional; L alone is refused."""
    x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
    if y is None and isinstance(x, (tuple, list)) and len(x) == 2:
        x, y = x  # fit(x=(L, ab))
    if not conditional:
        return None, (x[0] if isinstance(x, (tuple, list)) else x)
    if y is None:
        raise ValueError(
            "A conditional GAN trains on (L, ab) pairs, e.g. batches from kcolor.data or "
            "fit(L, ab); got L alone. For generation without a condition build the model "
            "with conditional=False.")
    return x, y


def input_shapes(model):
    """The shapes of a functional model's inputs, or ``None`` if unknown."""
    inputs = getattr(model, "inputs", None)
    return [tuple(t.shape) for t in inputs] if inputs else None


def output_shapes(model):
    """The shapes of a functional model's outputs, or ``None`` if unknown."""
    outputs = getattr(model, "outputs", None)
    return [tuple(t.shape) for t in outputs] if outputs else None


def check_networks(generator, discriminator, *, conditional, noise, noise_dim):
    """Raises ``ValueError`` / ``TypeError`` for networks and noise that cannot train."""
    if noise not in NOISE_MODES:
        raise ValueError(f"noise must be one of {NOISE_MODES}, got {noise!r}.")
    if not conditional and noise == "input":
        raise ValueError(
            "noise='input' adds a noise plane to the grey condition; an unconditional "
            "generator takes z of length noise_dim instead.")
    if noise == "input" and noise_dim is not None:
        raise ValueError(
            "Pass either noise='input' (a noise plane) or noise_dim (a vector), not both.")
    for name, model in (("generator", generator), ("discriminator", discriminator)):
        if not isinstance(model, keras.layers.Layer):
            raise TypeError(f"{name} must be a keras.Model, got {type(model).__name__}.")
        if not model.built:
            raise ValueError(
                f"The {name} is not built: pass a model with known input shapes "
                "(e.g. a functional model from kcolor.models).")


def _generator_noise_shape(g_in, conditional, noise, noise_dim):
    if not conditional:
        if len(g_in) != 1:
            raise ValueError(
                f"An unconditional generator takes one input z; this one takes {len(g_in)}.")
        return tuple(g_in[0][1:])
    shape = ()
    if noise_dim is not None or (len(g_in) == 2 and noise != "input"):
        if len(g_in) != 2:
            raise ValueError(
                f"noise_dim={noise_dim} feeds the generator [L, z], but it takes "
                f"{len(g_in)} input(s). Use a generator with inputs [L, z] "
                "(e.g. kcolor.models.koo_generator) or leave noise_dim=None.")
        shape = tuple(g_in[1][1:])
    elif len(g_in) != 1:
        raise ValueError(f"The generator takes {len(g_in)} inputs; expected L alone.")
    expected = 2 if noise == "input" else 1
    channels = g_in[0][-1]
    if channels is not None and channels != expected:
        hint = ("noise='input' concatenates a noise plane to L: build the generator "
                "with 2 input channels." if noise == "input" else
                "it should take L alone (1 channel); a generator taking "
                "concat(L, noise) needs noise='input'.")
        raise ValueError(
            f"The generator's input has {channels} channels, expected {expected}: {hint}")
    return shape


def _check_discriminator(g_out, d_in, conditional):
    if len(d_in) != 1:
        raise ValueError(f"The discriminator must take one input; it takes {len(d_in)}.")
    colors = g_out[0][-1]
    expected = colors + 1 if conditional else colors
    channels = d_in[0][-1]
    if None not in (colors, channels) and channels != expected:
        what = "concat(L, ab)" if conditional else "the generated image"
        raise ValueError(
            f"The discriminator takes {channels} channels but sees {what}: {expected} "
            f"channels (the generator outputs {colors}).")
    g_hw, d_hw = tuple(g_out[0][1:3]), tuple(d_in[0][1:3])
    if None not in g_hw + d_hw and g_hw != d_hw:
        raise ValueError(
            f"The generator outputs {g_hw[0]}x{g_hw[1]} images but the discriminator "
            f"takes {d_hw[0]}x{d_hw[1]}.")


def noise_shape(generator, discriminator, *, conditional, noise, noise_dim):
    """Checks that G and D fit together; returns the shape of one noise vector ``z``.

    ``()`` when the generator takes no noise vector (L alone, or L and a
    noise plane).
    """
    g_in, g_out = input_shapes(generator), output_shapes(generator)
    d_in = input_shapes(discriminator)
    if g_in is not None:
        shape = _generator_noise_shape(g_in, conditional, noise, noise_dim)
        if noise_dim is not None and shape[-1:] != (noise_dim,):
            raise ValueError(
                f"noise_dim={noise_dim} does not match the generator's noise input "
                f"of shape {shape}.")
    elif not conditional and noise_dim is None:
        raise ValueError(
            "An unconditional model needs noise_dim when the generator's input shape "
            "is unknown.")
    else:
        shape = () if noise_dim is None else (int(noise_dim),)
    if any(d is None for d in shape):
        raise ValueError(f"The generator's noise input shape {shape} must be fully known.")
    if g_out is not None and d_in is not None:
        _check_discriminator(g_out, d_in, conditional)
    return shape


__all__ = ["from_settings", "condition_and_target", "check", "check_compile",
           "check_loss_options", "check_update_order", "check_networks", "noise_shape",
           "input_shapes", "output_shapes", "NOISE_MODES", "UPDATE_ORDERS"]
