"""``Colorizer``: a network that regresses ab from L, and knows its loss.

Papers A (section 3.1, L2 on YUV), B (section 3.1, the U-Net baseline, L2),
C (section 3.2, Zhang's network with L1 or L2) and E (section 4.2.4, L2, L2
with dropout, smooth L1) all train a network to output the colour channels
directly. ``Colorizer`` wraps any such network (``kcolor.models.unet``,
``koo_baseline``, ``colorful(head="regression")``, ``deep_cnn``) with its
loss, so ``compile(optimizer=...)`` is enough and ``fit`` / ``evaluate`` /
``predict`` / ``save`` work as for any Keras model.
"""

from kcolor import losses
from kcolor.backend import keras, tf
from kcolor.colorizers import replicas
from kcolor.colorizers.base import ColorizerModel
from kcolor.layers import KooPreprocessing


def _serialize_loss(loss):
    if isinstance(loss, str):
        return loss
    return keras.saving.serialize_keras_object(loss)


def _deserialize_loss(config):
    if isinstance(config, str) or config is None:
        return config
    return keras.saving.deserialize_keras_object(config)


@keras.saving.register_keras_serializable(package="kcolor")
class ScalarLoss(keras.losses.Loss):
    """A loss function that returns a batch mean, made right under ``tf.distribute``.

    Keras divides a loss by the number of replicas (so that the summed
    replica gradients are the gradient of the global-batch mean) only when
    the loss function returns per-sample values. kcolor's regression losses
    (and most user callables) return the batch mean, a scalar: this wrapper
    divides such a scalar by ``num_replicas_in_sync`` itself
    (``kcolor.colorizers.replicas.replica_share``) and leaves per-sample values to Keras.
    Without a strategy it is the wrapped function, computed in float32.
    ``Colorizer.compile`` wraps its loss in it; you never need to.

    Args:
        fn: a callable ``fn(y_true, y_pred)``, or a name for
            ``kcolor.losses.get``.
        name: the loss's name (default: the function's).
    """

    def __init__(self, fn, name=None, reduction="sum_over_batch_size", dtype=None):
        if isinstance(fn, dict):
            fn = keras.saving.deserialize_keras_object(fn)
        fn = losses.get(fn)
        super().__init__(
            name=name or getattr(fn, "__name__", type(fn).__name__),
            reduction=reduction,
            dtype=dtype,
        )
        self.fn = fn

    def call(self, y_true, y_pred):
        value = self.fn(y_true, y_pred)
        if len(getattr(value, "shape", ())) == 0:
            value = replicas.replica_share(value)
        return value

    def get_config(self):
        return {
            "fn": _serialize_loss(self.fn),
            "name": self.name,
            "reduction": self.reduction,
            "dtype": self.dtype,
        }


def compile_from_config(model, config):
    """Re-compiles a loaded colorizer from its saved compile config.

    Keras skips this step (with a warning) for models that override
    ``compile``; kcolor's colorizers accept every argument Keras saves.
    """
    config = keras.saving.deserialize_keras_object(config)
    model.compile(**config)
    if getattr(model, "optimizer", None) is not None and model.built:
        model.optimizer.build(model.trainable_variables)


@keras.saving.register_keras_serializable(package="kcolor")
class Colorizer(ColorizerModel):
    """Regression colorizer: ``predict(L)`` returns normalised ab.

    Args:
        network: a ``keras.Model`` mapping ``L`` (H, W, 1) to ``ab`` (H, W, 2)
            (or Y to UV for paper A).
        loss: ``"l2"`` (papers A, B, E), ``"l1"`` (paper C), ``"huber"``
            (paper E's smooth L1; see ``kcolor.losses``), any Keras loss name,
            or a callable ``loss(y_true, y_pred)`` (register it with
            ``keras.saving.register_keras_serializable`` to save the model).
        preprocessing: None, ``"koo"``, or a ``kcolor.layers.KooPreprocessing``
            (paper A, section 4.1): contrastive normalisation of the input,
            and global standardisation of the targets: the loss is computed
            on standardised targets, ``predict`` returns un-standardised ones.
            Call ``adapt(train_ds)`` before ``fit`` to measure the targets'
            mean and std; a ``fit`` that finds them unmeasured measures them
            on the first ``ADAPT_BATCHES`` batches of its data set.

    Example:

    >>> # a quarter-width U-Net: a first run sized for a laptop CPU
    >>> model = kcolor.Colorizer(kcolor.models.unet(32, width=0.25), loss="l2")
    >>> model.compile(optimizer="adam")           # the loss is the colorizer's
    >>> model.fit(kcolor.data.sample("train", image_size=32), epochs=2)
    >>> ab = model.predict(L)                     # (N, 32, 32, 2), normalised

    A paper-A baseline (YUV, contrastive normalisation, U/V standardisation,
    L2, SGD with momentum; paper A sections 3.1, 4.1, 5.1)::

        train = kcolor.data.load("cifar10", color_space="yuv", batch_size=128)
        model = kcolor.Colorizer(kcolor.models.koo_baseline(32), "l2",
                                 preprocessing="koo")
        model.adapt(train)
        model.compile(optimizer=keras.optimizers.SGD(1.0, momentum=0.9))

    Reference:
        Paper A section 3.1 (eq. 1); paper B section 3.1 (eq. 9); paper C
        section 3.2; paper E section 4.2.4.
    """

    #: Batches ``fit`` measures the target statistics on when ``adapt`` was not called.
    ADAPT_BATCHES = 50

    def __init__(self, network, loss="l2", *, preprocessing=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(network, keras.Model):
            raise TypeError(
                f"Colorizer: network must be a keras.Model, got {type(network).__name__}."
            )
        if isinstance(preprocessing, str):
            if preprocessing.lower() != "koo":
                raise ValueError(
                    f"Colorizer: preprocessing must be None, 'koo' or a KooPreprocessing layer, "
                    f"got {preprocessing!r}."
                )
            preprocessing = KooPreprocessing()
        if preprocessing is not None and not isinstance(preprocessing, KooPreprocessing):
            raise TypeError(
                "Colorizer: preprocessing must be None, 'koo' or a "
                f"kcolor.layers.KooPreprocessing, got {type(preprocessing).__name__}."
            )
        self.network = network
        self.preprocessing = preprocessing
        self.loss_name = loss if isinstance(loss, str) else None
        self._loss_spec = loss
        self.loss_fn = losses.get(loss)
        self.built = network.built

    # -- Keras API ------------------------------------------------------------
    def call(self, inputs, training=None):
        x = inputs
        if self.preprocessing is not None:
            x = self.preprocessing(x)
        ab = self.network(x, training=training)
        if self.preprocessing is not None:
            ab = self.preprocessing.destandardize(ab)
        return ab

    def compile(self, optimizer="adam", loss=None, *, jit_compile=None, **kwargs):
        """Keras ``compile`` with this colorizer's loss and kcolor's XLA default.

        Args:
            optimizer: any Keras optimizer or name.
            loss: None for the colorizer's own loss (the usual case), or an
                override (a name or a callable).
            jit_compile: None for ``kcolor.backend.default_jit_compile()``
                (off on CPU, where XLA is slower).
            **kwargs: passed to ``keras.Model.compile`` (``metrics``, ...).
        """
        loss = self.loss_fn if loss is None else losses.get(loss)
        if not isinstance(loss, keras.losses.Loss):
            # A function returning the batch mean must be divided by the
            # replicas under tf.distribute (Keras's Loss objects already are).
            loss = ScalarLoss(loss)
        super().compile(optimizer=optimizer, loss=loss, jit_compile=jit_compile, **kwargs)

    def compile_from_config(self, config):
        compile_from_config(self, config)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        # Paper A trains on standardised U and V: compare in those units.
        if self.preprocessing is not None and y is not None and y_pred is not None:
            y = self.preprocessing.standardize(y)
            y_pred = self.preprocessing.standardize(y_pred)
        return super().compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training
        )

    def fit(self, x=None, y=None, *args, **kwargs):
        """Keras ``fit``; with preprocessing never adapted, it adapts first (paper A)."""
        if (self.preprocessing is not None and not self.preprocessing.adapted
                and isinstance(x, tf.data.Dataset)):
            self.adapt(x.take(self.ADAPT_BATCHES))
        return super().fit(x, y, *args, **kwargs)

    def adapt(self, data):
        """Paper A: measures the targets' global mean and std (needs preprocessing).

        Args:
            data: a dataset of ``(Y, UV)`` (or ``(L, ab)``) batches.

        Returns:
            self.
        """
        if self.preprocessing is None:
            raise ValueError("Colorizer.adapt: this colorizer has no preprocessing to adapt.")
        self.preprocessing.adapt(data)
        return self

    def build(self, input_shape):
        if self.preprocessing is not None and not self.preprocessing.built:
            self.preprocessing.build(input_shape)
        self.built = True

    # -- config ---------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update(
            network=keras.saving.serialize_keras_object(self.network),
            loss=_serialize_loss(self._loss_spec),
            preprocessing=(
                None
                if self.preprocessing is None
                else keras.saving.serialize_keras_object(self.preprocessing)
            ),
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        network = keras.saving.deserialize_keras_object(config.pop("network"))
        loss = _deserialize_loss(config.pop("loss", "l2"))
        preprocessing = config.pop("preprocessing", None)
        if preprocessing is not None:
            preprocessing = keras.saving.deserialize_keras_object(preprocessing)
        return cls(network, loss, preprocessing=preprocessing, **config)


__all__ = ["Colorizer", "ScalarLoss"]
