"""Paper A's generator: the baseline network with a noise input (section 3.2.1)."""

from kcolor.backend import keras
from kcolor.models import blocks
from kcolor.models.koo_baseline import check_output_activation, koo_trunk


def koo_generator(
    image_size=32,
    *,
    noise_dim=100,
    input_channels=1,
    output_channels=2,
    output_activation=None,
    baseline=None,
    seed=None,
):
    """Koo's conditional generator ``G(z | x_Y)``: paper A, section 3.2.1.

    "The architecture of the generator G is identical to that of the baseline
    model, with the sole addition of a fully-connected layer from the input
    noise z to an activation vector of size 1024, which is then reshaped into a
    single-channel 32x32 activation layer that is added to the grayscale input
    image before the first convolutional layer." For other image sizes the
    dense layer has ``image_size * image_size * input_channels`` units (1024 at
    32 px), so the noise plane always matches the grey input.

    Paper A also initialises the generator with the weights of a trained
    baseline (section 3.2.2): pass it as ``baseline=`` (or call
    :func:`transfer_baseline_weights` later). The baseline layers keep their
    names, so the transfer copies them layer by layer; the new noise dense
    layer keeps its fresh (Glorot) initialisation. With the noise dense weights at
    zero, the generator computes exactly the baseline's function.

    Args:
        image_size: int, height and width of the (square) input (paper: 32).
        noise_dim: int, length of ``z`` (the paper does not give it; 100 as in
            DCGAN). Sample ``z`` from a standard normal, as paper A does.
        input_channels: int, channels of the grey input.
        output_channels: int, predicted chrominance channels.
        output_activation: None (linear, the paper's) or ``"tanh"``.
        baseline: optional trained :func:`koo_baseline` model whose weights
            initialise the shared layers.
        seed: optional int for reproducible initial weights.

    Returns:
        A functional ``keras.Model`` named ``"koo_generator"`` with two inputs,
        ``[L, z]``: ``L`` of shape ``(image_size, image_size, input_channels)``
        and ``z`` of shape ``(noise_dim,)``; output of shape
        ``(image_size, image_size, output_channels)``. 134,114 parameters at 32
        px with the defaults (the baseline's 30,690 plus the dense layer's
        103,424); 444,386 at 64 px.

    Example:
    >>> g = koo_generator(32, noise_dim=100)
    >>> [tuple(t.shape) for t in g.inputs]
    [(None, 32, 32, 1), (None, 100)]
    >>> g.output_shape
    (None, 32, 32, 2)

    Reference:
        Koo (paper A), section 3.2.1 (architecture) and 3.2.2 (weight transfer
        from the pre-trained baseline).
    """
    name = "koo_generator"
    image_size = blocks.check_image_size(image_size, name)
    noise_dim = blocks.check_int(noise_dim, f"{name}: noise_dim")
    input_channels = blocks.check_int(input_channels, f"{name}: input_channels")
    output_channels = blocks.check_int(output_channels, f"{name}: output_channels")
    output_activation = check_output_activation(output_activation, name)
    if baseline is not None and not isinstance(baseline, keras.Model):
        raise TypeError(
            f"{name}: baseline must be a keras.Model built by koo_baseline, got {type(baseline)!r}"
        )

    gray = keras.Input((image_size, image_size, input_channels), name="L")
    z = keras.Input((noise_dim,), name="z")
    noise = keras.layers.Dense(
        image_size * image_size * input_channels,
        # Paper A prescribes He initialisation for the convolutions only; the
        # dense layer keeps Keras's Glorot default (noise plane std ~0.4 for
        # z ~ N(0, I) at 32 px), which perturbs the grey input without
        # drowning it.
        kernel_initializer=keras.initializers.GlorotUniform(seed),
        name="noise_dense",
    )(z)
    noise = keras.layers.Reshape((image_size, image_size, input_channels), name="noise_plane")(
        noise
    )
    x = keras.layers.Add(name="add_noise")([gray, noise])
    outputs = koo_trunk(
        x,
        output_channels=output_channels,
        output_activation=output_activation,
        seed=None if seed is None else seed + 100,
    )
    model = keras.Model([gray, z], outputs, name=name)
    if baseline is not None:
        transfer_baseline_weights(model, baseline)
    return model


def transfer_baseline_weights(generator, baseline):
    """Copies a trained baseline's weights into a generator, layer by layer.

    Paper A, section 3.2.2: "We also transfer weights from the pre-trained
    baseline model to initialize the generator model". Every layer of
    ``baseline`` that has weights (the convolutions and batch norms, including
    their moving statistics) is matched by name in ``generator``; layers only
    the generator has (the noise dense layer) are left as they are.

    Args:
        generator: a :func:`koo_generator` model.
        baseline: a :func:`koo_baseline` model with the same image and channel
            configuration.

    Returns:
        list of str, the names of the layers copied.

    Raises:
        ValueError: a baseline layer is missing from the generator or its
            weight shapes differ.
    """
    copied = []
    for layer in baseline.layers:
        weights = layer.get_weights()
        if not weights:
            continue
        try:
            target = generator.get_layer(layer.name)
        except ValueError:
            raise ValueError(
                f"transfer_baseline_weights: the generator has no layer named {layer.name!r}; "
                "was it built by koo_generator?"
            ) from None
        target_shapes = [w.shape for w in target.get_weights()]
        source_shapes = [w.shape for w in weights]
        if target_shapes != source_shapes:
            raise ValueError(
                f"transfer_baseline_weights: layer {layer.name!r} has weight shapes "
                f"{source_shapes} in the baseline but {target_shapes} in the generator "
                "(different channels or output activation?)"
            )
        target.set_weights(weights)
        copied.append(layer.name)
    if not copied:
        raise ValueError("transfer_baseline_weights: the baseline has no weights to copy")
    return copied
