"""The adversarial losses, one small function per equation.

Every function here takes the discriminator's raw outputs (logits, critic
scores or energies) and returns a scalar, so the shared train step in
``kcolor.colorizers.adversarial`` reads like the papers' equations. The
discriminator losses return their two terms separately, ``(real_term,
fake_term)``, because paper A's margin heuristic looks at each on its own;
the discriminator's loss is their sum.

Outputs of any shape are accepted: a single logit per image, ``(N, 1)``, or a
PatchGAN map of logits, ``(N, h, w, 1)``, where every patch counts as one
prediction and the losses average over all of them.

References:
    A: Koo, "Automatic Colorization with Deep Convolutional Generative
    Adversarial Networks", sections 3.2 and 5.2.
    B: Nazeri, Ng and Ebrahimi, "Image Colorization using Generative
    Adversarial Networks", section 2 (eqs. 1 to 8) and 3.3.
    C: "Colorful colorization and GAN variants", section 4 (DCGAN, LSGAN,
    EBGAN, WGAN, each with L1 and L2 terms).
    D: Fabbri, "A Comparative Study of Generative Adversarial Networks Towards
    Automatic Image Colorization", section 3.
"""

from kcolor.backend import keras, tf

ops = keras.ops


# --- reconstruction terms (papers B, eq. 6, and C, section 4) ---------------


def l1_loss(target, prediction):
    """Mean absolute error, ``E ||y - G(x)||_1`` per element (paper B, eq. 6)."""
    return ops.mean(ops.abs(target - prediction))


def l2_loss(target, prediction):
    """Mean squared error, ``E (y - G(x))^2`` per element (paper C, section 4)."""
    return ops.mean(ops.square(target - prediction))


# --- the original GAN: cross-entropy on logits (papers A and B) -------------


def sigmoid_cross_entropy(logits, label):
    """Mean of ``-[y log sigmoid(l) + (1 - y) log(1 - sigmoid(l))]``.

    Written as ``softplus(l) - y * l``, which is exact and stable for logits
    of any size (the sigmoid never saturates to 0 or 1 in float32).
    """
    return ops.mean(ops.softplus(logits) - label * logits)


def discriminator_cross_entropy(real_logits, fake_logits, real_label=1.0):
    """The discriminator's two cross-entropy errors (paper A, Algorithm 2).

    ``errorReal = -E log D(y|x)`` and ``errorFake = -E log(1 - D(G(x)|x))``;
    the discriminator minimises their sum (paper B, eq. 8, negated).

    Args:
        real_logits: D's logits on real pairs.
        fake_logits: D's logits on generated pairs.
        real_label: the target for real pairs: 1, or 0.9 with one-sided label
            smoothing (paper B, section 3.3; Salimans et al.). The fake label
            stays 0.

    Returns:
        ``(error_real, error_fake)``, two scalars.
    """
    return (
        sigmoid_cross_entropy(real_logits, real_label),
        sigmoid_cross_entropy(fake_logits, 0.0),
    )


def saturating_generator_loss(fake_logits):
    """The minimax generator loss ``E log(1 - D(G(x)))`` (paper B, eq. 1).

    Minimised by G. Its gradient vanishes when D confidently rejects the
    fakes, which is what paper A (section 5.2) ran into.
    """
    # log(1 - sigmoid(l)) = -softplus(l)
    return -ops.mean(ops.softplus(fake_logits))


def non_saturating_generator_loss(fake_logits):
    """The non-saturating generator loss ``-E log D(G(x))`` (paper B, eq. 5)."""
    # -log(sigmoid(l)) = softplus(-l)
    return ops.mean(ops.softplus(-fake_logits))


# --- least squares GAN (papers C 4.2, D 3.2) ---------------------------------


def least_squares_discriminator_loss(real_scores, fake_scores, a=0.0, b=1.0):
    """``1/2 E (D(x, y) - b)^2`` and ``1/2 E (D(x, G(x)) - a)^2``.

    Returns:
        ``(real_term, fake_term)``; D minimises their sum.
    """
    return (
        0.5 * ops.mean(ops.square(real_scores - b)),
        0.5 * ops.mean(ops.square(fake_scores - a)),
    )


def least_squares_generator_loss(fake_scores, c=1.0):
    """``1/2 E (D(x, G(x)) - c)^2`` (paper D, section 3.2)."""
    return 0.5 * ops.mean(ops.square(fake_scores - c))


# --- Wasserstein GAN (papers C 4.4, D 3.4) -----------------------------------


def wasserstein_critic_loss(real_scores, fake_scores):
    """The critic maximises ``E f(y) - E f(G(x))``; this returns the negation.

    Returns:
        ``(-E f(real), E f(fake))``; the critic minimises their sum, which is
        minus its estimate of the Earth Mover distance.
    """
    return -ops.mean(real_scores), ops.mean(fake_scores)


def wasserstein_generator_loss(fake_scores):
    """``-E f(G(x))``: the generator raises the critic's score of its fakes."""
    return -ops.mean(fake_scores)


def gradient_penalty(critic, real, fake, alpha, condition=None, training=True):
    """Gulrajani et al.'s penalty ``E (||grad f(x_hat)||_2 - 1)^2``.

    ``x_hat = alpha * real + (1 - alpha) * fake`` with one ``alpha`` per
    sample. For a conditional critic the condition (the grey L) is the same
    for both and is not interpolated: the gradient is taken with respect to
    the interpolated colours only. A PatchGAN critic's score of an image is
    the mean of its patch scores (as in the Wasserstein loss above).

    Args:
        critic: a callable ``critic(inputs, training=...)``.
        real: real samples (ab, or whole images when unconditional).
        fake: generated samples, same shape.
        alpha: interpolation factors, shape ``(N, 1, ..., 1)`` broadcastable
            to ``real``; draw them from U[0, 1].
        condition: the grey input, concatenated in front of the colours on
            the last axis, or ``None``.
        training: passed to the critic (batch statistics and dropout).

    Returns:
        The penalty, a scalar (without the weight lambda).

    Reference:
        Gulrajani et al., "Improved Training of Wasserstein GANs", 2017,
        Algorithm 1; papers C and D use WGAN with weight clipping.
    """
    interpolated = ops.convert_to_tensor(alpha * real + (1.0 - alpha) * fake)
    with tf.GradientTape() as tape:
        tape.watch(interpolated)
        inputs = interpolated
        if condition is not None:
            inputs = ops.concatenate([condition, interpolated], axis=-1)
        scores = ops.cast(critic(inputs, training=training), "float32")
        per_sample = ops.mean(ops.reshape(scores, (ops.shape(scores)[0], -1)), axis=1)
        total = ops.sum(per_sample)
    grads = tape.gradient(total, interpolated)
    grads = ops.reshape(grads, (ops.shape(grads)[0], -1))
    # The tiny constant keeps the square root differentiable at a zero gradient.
    norms = ops.sqrt(ops.sum(ops.square(grads), axis=1) + 1e-12)
    return ops.mean(ops.square(norms - 1.0))


def clip_weights(variables, clip_value):
    """Clamps every variable to ``[-c, c]`` in place (Arjovsky et al.'s WGAN).

    Keeps the critic's weights in a compact set, so that it is K-Lipschitz
    for some K (paper D, section 3.4). Called after every critic update.
    """
    for variable in variables:
        variable.assign(ops.clip(variable, -clip_value, clip_value))


# --- energy-based GAN (papers C 4.3, D 3.3) -----------------------------------


def reconstruction_energy(reconstruction, inputs):
    """The autoencoder discriminator's energy: per-sample mean squared error.

    Returns:
        A vector of shape ``(N,)``: ``D(x) = mean((Dec(Enc(x)) - x)^2)``.
    """
    n = ops.shape(inputs)[0]
    error = ops.reshape(ops.square(reconstruction - inputs), (n, -1))
    return ops.mean(error, axis=1)


def energy_discriminator_loss(real_energy, fake_energy, margin):
    """``D(x) + max(0, m - D(G(z)))`` (paper D, section 3.3).

    Returns:
        ``(E D(x), E max(0, m - D(G(z))))``; the hinge is taken per sample.
    """
    return ops.mean(real_energy), ops.mean(ops.relu(margin - fake_energy))


def energy_generator_loss(fake_energy):
    """``D(G(z))``: the generator lowers the energy of its samples."""
    return ops.mean(fake_energy)


def pull_away_term(codes):
    """Zhao et al.'s pull-away term on a batch of encoder codes (paper D, PT).

    ``PT = 1 / (N (N - 1)) sum_i sum_{j != i} (S_i . S_j / (|S_i| |S_j|))^2``:
    the mean squared cosine similarity between different samples' codes. It
    is small when the codes point in different directions, so adding it to
    G's loss discourages mode collapse.

    Args:
        codes: ``(N, d)`` (any trailing shape is flattened), N >= 2.

    Returns:
        A scalar in [0, 1].
    """
    n = ops.shape(codes)[0]
    codes = ops.reshape(codes, (n, -1))
    unit = codes / (ops.sqrt(ops.sum(ops.square(codes), axis=1, keepdims=True)) + 1e-8)
    cosine = ops.matmul(unit, ops.transpose(unit))
    n = ops.cast(n, cosine.dtype)
    # The diagonal holds |S_i|^2 / |S_i|^2 = 1 (up to the epsilon): remove it.
    off_diagonal = ops.sum(ops.square(cosine)) - ops.sum(ops.square(ops.diagonal(cosine)))
    return off_diagonal / (n * (n - 1.0))


__all__ = [
    "l1_loss",
    "l2_loss",
    "sigmoid_cross_entropy",
    "discriminator_cross_entropy",
    "saturating_generator_loss",
    "non_saturating_generator_loss",
    "least_squares_discriminator_loss",
    "least_squares_generator_loss",
    "wasserstein_critic_loss",
    "wasserstein_generator_loss",
    "gradient_penalty",
    "clip_weights",
    "reconstruction_energy",
    "energy_discriminator_loss",
    "energy_generator_loss",
    "pull_away_term",
]
