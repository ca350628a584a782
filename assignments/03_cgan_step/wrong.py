"""A seeded wrong answer: the alternating step where the simultaneous one is asked.

D is updated first and G's loss is then computed against the updated D.
``scripts/assignments.sh check`` appends these definitions to the solution's
cells (replacing the right ones) and grades the result: it must score
strictly between zero and full marks, and a failing test must name the
mistake (``EXPECT``).
"""

EXPECT = "against the updated discriminator"


def train_step(generator, discriminator, g_optimizer, d_optimizer, L, ab, l1_weight=100.0):
    L = ops.convert_to_tensor(L, "float32")
    ab = ops.convert_to_tensor(ab, "float32")
    fake = generator(L, training=True)
    with tf.GradientTape() as d_tape:
        real_logits = discriminator(ops.concatenate([L, ab], axis=-1), training=True)
        fake_logits = discriminator(ops.concatenate([L, fake], axis=-1), training=True)
        d_loss = cgan_discriminator_loss(real_logits, fake_logits)
    d_grads = d_tape.gradient(d_loss, discriminator.trainable_variables)
    d_optimizer.apply(d_grads, discriminator.trainable_variables)
    with tf.GradientTape() as g_tape:  # the mistake: D has already moved
        fake = generator(L, training=True)
        fake_logits = discriminator(ops.concatenate([L, fake], axis=-1), training=True)
        g_loss = cgan_generator_loss(fake_logits, fake, ab, l1_weight)
    g_grads = g_tape.gradient(g_loss, generator.trainable_variables)
    g_optimizer.apply(g_grads, generator.trainable_variables)
    return {"g_loss": g_loss, "d_loss": d_loss}
