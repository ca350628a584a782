"""One train step with and without ``tf.distribute.MirroredStrategy``, compared.

Run by ``tests/test_distribute.py`` in a subprocess, because the two logical
CPU devices must be configured before TensorFlow initialises its devices
(the pytest process already has). Prints one JSON object.

    python tests/distribute_check.py KIND... [--fit-backup DIR] [--wrong-reduction KIND...]

For each colorizer KIND: build it (same seed, so same initial weights; the
weights are also copied), run one ``fit`` step on a global batch of 4
without a strategy, and one under ``MirroredStrategy`` over two CPU devices
(2 samples per replica), then report the largest difference between the two
updated weight sets, the size of the update, and both runs' logs.

So that both runs compute the same function:

* batch normalisation is synchronised (``synchronized=True``, the global
  batch's statistics; an unsynchronised BN normalises each replica's half);
* nothing is random: no dropout, ``noise=None``, and WGAN-GP interpolates
  with a fixed alpha;
* plain SGD, whose update is proportional to the gradient, so a wrong loss
  reduction (gradients summed over replicas without dividing) shows as a
  doubled step (the kinds after ``--wrong-reduction`` run with
  ``kcolor.colorizers.replicas.replica_share`` made the identity, to check that the
  comparison catches it; keep it last on the command line).
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

_cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    _cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)

import numpy as np  # noqa: E402

import kcolor  # noqa: E402
from kcolor.backend import keras  # noqa: E402
from kcolor.quantize import GamutBins, UniformBins  # noqa: E402

SIZE, BATCH = 8, 4


def synchronized_bn(model):
    """A copy of ``model`` whose BatchNormalization layers are synchronised."""

    def clone(layer):
        config = layer.get_config()
        if isinstance(layer, keras.layers.BatchNormalization):
            config["synchronized"] = True
        return layer.__class__.from_config(config)

    copy = keras.models.clone_model(model, clone_function=clone)
    copy.set_weights(model.get_weights())
    return copy


class FixedAlphaWGAN(kcolor.WGAN):
    """WGAN-GP with alpha = 0.3 for every sample, so both runs agree."""

    def interpolation_factors(self, real):
        shape = (keras.ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
        return keras.ops.full(shape, 0.3, dtype=real.dtype)


def batch():
    rng = np.random.default_rng(0)
    L = rng.uniform(-1, 1, (BATCH, SIZE, SIZE, 1)).astype("float32")
    ab = (0.3 * np.tanh(2 * L) * np.array([1.0, -0.5])).astype("float32")
    return L, ab


def build(kind, ab):
    keras.utils.set_random_seed(7)
    unet = synchronized_bn(kcolor.models.unet(SIZE, width=0.125, depth=1))
    sgd = keras.optimizers.SGD
    if kind == "colorizer":
        model = kcolor.Colorizer(unet, "l2")
        model.compile(sgd(0.5))
        return model
    if kind == "colorful":
        bins = GamutBins(k=5).fit(ab)
        network = kcolor.models.colorful(SIZE, head="classes", num_classes=bins.num_classes,
                                         width=0.0625)
        model = kcolor.ClassColorizer(synchronized_bn(network), bins)
        model.compile(sgd(0.5))
        return model
    if kind == "deep_cnn":
        network = kcolor.models.deep_cnn(SIZE, head="classes", num_classes=10, dense=False,
                                         width=0.125)
        model = kcolor.ClassColorizer(synchronized_bn(network), UniformBins(10).fit(ab),
                                      rebalance=False, decode="argmax")
        model.compile(sgd(0.5))
        return model
    critic = synchronized_bn(kcolor.models.patchgan(SIZE, width=0.125, n_layers=1))
    options = dict(noise=None, l1_weight=1.0)
    if kind == "cgan":
        model = kcolor.CGAN(unet, critic, **options)
    elif kind == "cgan_margin":  # both errors above 0.1: D updates, in the cross-replica cond
        model = kcolor.CGAN(unet, critic, margin=0.1, **options)
    elif kind == "cgan_skip":  # errors below 10: D's update is skipped
        model = kcolor.CGAN(unet, critic, margin=10.0, **options)
    elif kind == "lsgan":
        model = kcolor.LSGAN(unet, critic, **options)
    elif kind == "wgan_clip":
        model = kcolor.WGAN(unet, critic, d_steps=2, clip_value=0.05, **options)
    elif kind == "wgan_gp":
        model = FixedAlphaWGAN(unet, critic, d_steps=2, gradient_penalty=10.0, **options)
    elif kind == "ebgan":
        critic = synchronized_bn(kcolor.models.ebgan_discriminator(SIZE, width=0.125))
        model = kcolor.EBGAN(unet, critic, pull_away_weight=0.1, **options)
    else:
        raise SystemExit(f"unknown kind {kind!r}")
    rate = 0.01 if kind == "wgan_gp" else 0.5  # the penalty's gradients are large
    model.compile(g_optimizer=sgd(rate), d_optimizer=sgd(rate))
    return model


def reference_step(kind):
    """One step without a strategy: initial weights, updated weights, logs."""
    L, ab = batch()
    data = tf.data.Dataset.from_tensor_slices((L, ab)).batch(BATCH)
    reference = build(kind, ab)
    initial = [w.copy() for w in reference.get_weights()]
    logs = reference.fit(data, epochs=1, verbose=0, shuffle=False).history
    return initial, reference.get_weights(), {k: float(v[-1]) for k, v in logs.items()}


def compare(kind, strategy, reference):
    """The same step under ``strategy``, from ``reference``'s initial weights."""
    initial, expected, ref_logs = reference
    L, ab = batch()
    data = tf.data.Dataset.from_tensor_slices((L, ab)).batch(BATCH)
    with strategy.scope():
        model = build(kind, ab)
        model.set_weights(initial)
    logs = model.fit(data, epochs=1, verbose=0, shuffle=False).history
    after = model.get_weights()
    return {
        "max_diff": max(float(np.max(np.abs(a - b))) for a, b in zip(after, expected)),
        "max_step": max(float(np.max(np.abs(b - w))) for b, w in zip(expected, initial)),
        "logs": ref_logs,
        "distributed_logs": {k: float(v[-1]) for k, v in logs.items()},
    }


def fit_backup(directory, strategy):
    """``kcolor.checkpoints.fit`` with checkpoints, under the strategy, then resumed."""
    L, ab = batch()
    data = tf.data.Dataset.from_tensor_slices((L, ab)).batch(2)
    with strategy.scope():
        model = build("cgan", ab)
    first = kcolor.checkpoints.fit(model, data, epochs=1, resume_dir=directory, verbose=0)
    with strategy.scope():
        again = build("cgan", ab)
    trained = []  # the epochs the resumed call itself trains
    counter = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: trained.append(epoch))
    second = kcolor.checkpoints.fit(again, data, epochs=2, resume_dir=directory, verbose=0,
                                    callbacks=[counter])
    return {"first_epochs": len(first.history.get("g_loss", [])),
            # the returned history is the whole run's: the stored epoch and the new one
            "resumed_epochs": len(second.history.get("g_loss", [])),
            "trained_on_resume": trained,
            "finite": bool(all(np.all(np.isfinite(w)) for w in again.get_weights()))}


def main(argv):
    args = list(argv)
    wrong = []
    if "--wrong-reduction" in args:  # the kinds after it run with the wrong reduction
        i = args.index("--wrong-reduction")
        args, wrong = args[:i], args[i + 1:]
    backup_dir = None
    if "--fit-backup" in args:
        i = args.index("--fit-backup")
        backup_dir = args[i + 1]
        del args[i:i + 2]
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    result = {"replicas": strategy.num_replicas_in_sync}
    references = {}
    for kind in args:
        references[kind] = reference_step(kind)
        result[kind] = compare(kind, strategy, references[kind])
    if backup_dir is not None:
        result["fit_backup"] = fit_backup(backup_dir, strategy)
    right = kcolor.colorizers.replicas.replica_share
    kcolor.colorizers.replicas.replica_share = lambda loss: loss  # sum over replicas, not mean
    for kind in wrong:  # the reference step (one replica) is the same either way
        reference = references.get(kind) or reference_step(kind)
        result["wrong:" + kind] = compare(kind, strategy, reference)
    kcolor.colorizers.replicas.replica_share = right
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
