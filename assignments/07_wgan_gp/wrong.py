"""A seeded wrong answer: the gradient penalty subtracted from the critic's loss.

``scripts/assignments.sh check`` appends these definitions to the solution's
cells (replacing the right ones) and grades the result: it must score
strictly between zero and full marks, and a failing test must name the
mistake (``EXPECT``).
"""

EXPECT = "wrong sign in the penalty"


def critic_loss(critic, real, fake, alpha, gp_weight=10.0):
    wasserstein = ops.mean(critic(fake, training=True)) - ops.mean(critic(real, training=True))
    return wasserstein - gp_weight * gradient_penalty(critic, real, fake, alpha)  # the mistake
