"""Training at scale: ``tf.distribute`` replicas and mixed-precision loss scaling.

Every colorizer's train step reads like one device in float32; what
several devices (``MirroredStrategy``, ``MultiWorkerMirroredStrategy``) and
``mixed_float16`` need is here, behind a few named calls:

* ``with_loss_scaling(optimizer, policy)``: in ``compile``, the optimiser
  wrapped for dynamic loss scaling under ``mixed_float16``.
* ``loss_to_differentiate(optimizer, loss)``: before ``tape.gradient``,
  this replica's share of the global-batch mean, times the optimiser's loss
  scale (``LossScaleOptimizer``; 1 otherwise). ``optimizer.apply``
  unscales the gradients, or skips a step that overflowed.
* ``gradient_norm(optimizer, grads)``: the global norm of the gradient of
  the global-batch loss (replicas summed, scale removed), for logging.
* ``apply_if(optimizer, update, grads, variables)``: an update that may be
  skipped in the graph (paper A's margin heuristic), decided once for all
  replicas.
* ``global_mean(value)`` and ``all_gather(value)``: a value averaged over
  (or a batch gathered from) every replica.

Without a strategy and in float32 each of them is the identity, or the
plain call, and costs nothing.

Reference:
    TensorFlow, "Custom training with tf.distribute.Strategy" (loss
    scaling by the global batch); Micikevicius et al., "Mixed Precision
    Training", 2018 (dynamic loss scaling).
"""

from kcolor.backend import keras, tf

ops = keras.ops


def num_replicas():
    """How many replicas train in sync (``tf.distribute``); 1 without a strategy."""
    return tf.distribute.get_strategy().num_replicas_in_sync


def replica_share(loss):
    """One replica's share of a global-batch mean: ``loss / num_replicas()``.

    Every replica sees ``global_batch / num_replicas`` samples and the
    optimiser *sums* the replicas' gradients; differentiating each replica's
    mean loss divided by the number of replicas therefore gives the gradient
    of the mean over the global batch (what Keras's own losses do).

    Args:
        loss: a scalar, the mean loss over this replica's batch.

    Returns:
        The scalar to differentiate (``loss`` itself without a strategy).
    """
    n = num_replicas()
    if n == 1:
        return loss
    return ops.multiply(loss, ops.cast(1.0 / n, loss.dtype))


def loss_to_differentiate(optimizer, loss):
    """``replica_share(loss)`` times ``optimizer``'s loss scale (if any)."""
    return optimizer.scale_loss(replica_share(loss))


def with_loss_scaling(optimizer, policy):
    """``optimizer`` in a ``LossScaleOptimizer`` when ``policy`` computes in float16.

    Keras's rule (``Trainer.compile``): float16 gradients underflow without
    dynamic loss scaling (a step that overflows is skipped and the scale
    halved); bfloat16 has float32's range and needs none.
    """
    scaled = keras.optimizers.LossScaleOptimizer
    if policy.compute_dtype != "float16" or isinstance(optimizer, scaled):
        return optimizer
    return scaled(optimizer)


def _all_reduce(reduction, values):
    return tf.distribute.get_replica_context().all_reduce(reduction, values)


def gradient_norm(optimizer, grads):
    """``||dL/dtheta||_2`` of the global-batch loss (paper A, section 5.2).

    Call it before ``optimizer.apply`` (which may change the loss scale).
    A float16 step that overflowed gives a non-finite norm: that step is
    skipped by the optimiser, not a divergence.
    """
    grads = [g for g in grads if g is not None]
    if num_replicas() > 1:
        grads = _all_reduce("sum", grads)
    norm = tf.linalg.global_norm([ops.cast(g, "float32") for g in grads])
    scale = getattr(optimizer, "dynamic_scale", None)
    return norm if scale is None else norm / ops.cast(scale, "float32")


def global_mean(value):
    """``value`` averaged over the replicas (the value itself without a strategy)."""
    if num_replicas() == 1:
        return value
    return _all_reduce("mean", ops.cast(value, "float32"))


def all_gather(value):
    """The replicas' batches of ``value`` concatenated on axis 0 (differentiable)."""
    if num_replicas() == 1:
        return value
    return tf.distribute.get_replica_context().all_gather(value, axis=0)


def apply_if(optimizer, update, grads, variables):
    """Applies ``grads`` when the boolean tensor ``update`` holds; else does nothing.

    A skipped update leaves the variables and the optimiser's state
    (moments, iterations) untouched. ``update`` must be the same on every
    replica (take it on ``global_mean`` values). Under ``tf.distribute`` the
    optimiser all-reduces inside a ``merge_call``, which a ``tf.cond`` in a
    replica context cannot hold: the decision is taken in the cross-replica
    context, as ``LossScaleOptimizer`` does.

    Returns:
        1.0 if the update was skipped, 0.0 if it was applied (a float tensor).
    """

    def apply():
        optimizer.apply(grads, variables)
        return tf.constant(0.0)

    if num_replicas() == 1:
        return tf.cond(update, apply, lambda: tf.constant(1.0))

    def cross_replica(strategy, update, grads):
        def apply_on_each_replica():
            strategy.extended.call_for_each_replica(optimizer.apply, args=(grads, variables))
            return tf.constant(0.0)

        update = strategy.experimental_local_results(update)[0]
        return tf.cond(update, apply_on_each_replica, lambda: tf.constant(1.0))

    return tf.distribute.get_replica_context().merge_call(cross_replica, args=(update, grads))


__all__ = [
    "num_replicas",
    "replica_share",
    "with_loss_scaling",
    "loss_to_differentiate",
    "gradient_norm",
    "global_mean",
    "all_gather",
    "apply_if",
]
