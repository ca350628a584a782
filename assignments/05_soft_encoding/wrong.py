"""A seeded wrong answer: the cross-entropy's mean over the bins instead of the sum.

``scripts/assignments.sh check`` appends these definitions to the solution's
cells (replacing the right ones) and grades the result: it must score
strictly between zero and full marks, and a failing test must name the
mistake (``EXPECT``).
"""

EXPECT = "took the mean over the bins where the sum belongs"


def soft_cross_entropy(targets, logits):
    log_probs = ops.log_softmax(ops.convert_to_tensor(logits, "float32"), axis=-1)
    return ops.mean(-ops.convert_to_tensor(targets, "float32") * log_probs)  # the mistake
