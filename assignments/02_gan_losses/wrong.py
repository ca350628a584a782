"""A seeded wrong answer: D's loss on logits without ``from_logits=True``.

``scripts/assignments.sh check`` appends these definitions to the solution's
cells (replacing the right ones) and grades the result: it must score
strictly between zero and full marks, and a failing test must name the
mistake (``EXPECT``).
"""

EXPECT = "missing from_logits=True"


def discriminator_loss(real_logits, fake_logits):
    bce = keras.losses.binary_crossentropy  # the mistake: logits read as probabilities
    return (ops.mean(bce(ops.ones_like(real_logits), real_logits))
            + ops.mean(bce(ops.zeros_like(fake_logits), fake_logits)))
