"""``ClassColorizer``: colourization as per-pixel classification over ab bins.

Zhang et al. (adopted by paper C, section 3.1) predict, at every pixel, a
distribution over Q = 313 in-gamut ab classes, train it with a cross-entropy
against soft-encoded targets weighted to favour rare colours, and decode the
distribution with an annealed mean. Paper E (section 4.2.2) bins a and b
independently into n uniform bins and decodes the most likely bin to its
mean. ``ClassColorizer`` does both, depending on the bins it holds
(``kcolor.quantize.GamutBins``, ``UniformBins`` or any ``kcolor.quantize.Bins``):
the data stay ``(L, ab)``, and the ab targets are encoded into classes inside
the train step.
"""

import math
import warnings

import numpy as np

from kcolor import losses
from kcolor.backend import keras, tf
from kcolor.colorizers import replicas
from kcolor.colorizers.base import ColorizerModel
from kcolor.colorizers.regression import Colorizer, compile_from_config
from kcolor.quantize import DECODE_METHODS, DEFAULT_T, Bins

ops = keras.ops


def _check_bins(bins):
    if isinstance(bins, dict):
        bins = keras.saving.deserialize_keras_object(bins)
    if not isinstance(bins, Bins):
        raise TypeError(
            "ClassColorizer: bins must be a kcolor.quantize.Bins (GamutBins, UniformBins or "
            f"a subclass of your own), got {type(bins).__name__}."
        )
    return bins


@keras.saving.register_keras_serializable(package="kcolor")
class ClassColorizer(ColorizerModel):
    """Classification colorizer: logits over ab bins, decoded to normalised ab.

    Training (``train_step`` / ``test_step``): the network's logits are
    compared with the ab targets encoded by ``bins`` (soft-encoded for
    ``GamutBins``, one-hot per channel for ``UniformBins``) under
    ``kcolor.losses.rebalanced_cross_entropy``, each pixel weighted by its
    nearest class's rebalancing weight when ``rebalance`` is on (the
    variable ``class_weights()``, assigned from the bins' prior at the start
    of every ``fit`` and ``evaluate``, so a refitted prior reaches an
    already traced step). The metrics
    are ``loss`` and ``bin_accuracy`` (top-1 accuracy of the hard target
    class; per channel, averaged over a and b, for ``UniformBins``).

    Inference (``call``, ``predict``, ``predict_on_batch``,
    ``kcolor.metrics.evaluate``): the logits are decoded to normalised ab by
    ``decode`` (``"annealed_mean"`` with temperature ``T``, ``"mean"`` or
    ``"argmax"``). ``logits(L)`` gives the raw logits.

    Args:
        network: a ``keras.Model`` mapping ``L`` (S, S, 1) to logits:
            (S, S, Q) for ``GamutBins`` (``kcolor.models.colorful(S,
            head="classes", num_classes=bins.num_classes)``), or (S, S, 2, n)
            / (S, S, 2n) for ``UniformBins(n)`` (``kcolor.models.deep_cnn(S,
            head="classes", num_classes=n)``).
        bins: ``GamutBins`` or ``UniformBins``. Their prior (and bin means)
            come from the training data (``bins.fit(train_ds)``), for
            rebalancing and paper E's ``unbin()``; with ``rebalance`` on,
            ``fit`` fits bins that have no prior yet on the first
            ``ADAPT_BATCHES`` batches of its data and says so.
        rebalance: bool, Zhang et al.'s class rebalancing (paper E: False).
        decode: ``"annealed_mean"`` (Zhang et al.), ``"mean"`` or
            ``"argmax"`` (paper E).
        T: float, the annealed-mean temperature (Zhang et al.: 0.38).

    Example:

    >>> bins = kcolor.quantize.GamutBins().fit(train_ds)   # or let fit do it
    >>> model = kcolor.ClassColorizer(
    ...     kcolor.models.colorful(32, head="classes", num_classes=bins.num_classes,
    ...                            width=0.25), bins)   # quarter width: CPU-sized
    >>> model.compile(optimizer="adam")
    >>> model.fit(train_ds, epochs=2)
    >>> ab = model.predict(L)                     # annealed mean, normalised ab

    Paper E's setting: ``ClassColorizer(deep_cnn(64, head="classes",
    num_classes=10), UniformBins(10).fit(train_ds), rebalance=False,
    decode="argmax")``.

    Reference:
        Paper C, section 3.1 (Zhang et al.'s multinomial classification,
        class rebalancing); Zhang et al. 2016, sections 2.1-2.3 (soft
        encoding, rebalancing weights, annealed mean); paper E, section
        4.2.2 (bin()/unbin()) and 4.2.4 (cross-entropy).
    """

    #: Batches ``fit`` fits a missing class prior on (``Colorizer``'s, for its statistics).
    ADAPT_BATCHES = Colorizer.ADAPT_BATCHES

    def __init__(self, network, bins, rebalance=True, decode="annealed_mean", T=DEFAULT_T,
                 **kwargs):
        super().__init__(**kwargs)
        if not isinstance(network, keras.Model):
            raise TypeError(
                f"ClassColorizer: network must be a keras.Model, got {type(network).__name__}."
            )
        if decode not in DECODE_METHODS:
            raise ValueError(
                f"ClassColorizer: decode must be one of {DECODE_METHODS}, got {decode!r}."
            )
        if not float(T) > 0:
            raise ValueError(f"ClassColorizer: T must be > 0, got {T}.")
        self.network = network
        self.bins = _check_bins(bins)
        self.rebalance = bool(rebalance)
        self.decode = decode
        self.T = float(T)
        if hasattr(network, "output"):  # a functional network: check its logits now
            self.bins.check_logits_shape(network.output.shape)
        # The rebalancing weights live in a variable, so that the traced train
        # step reads the weights of the bins' current prior: they are assigned
        # whenever Keras starts a fit, evaluate or *_on_batch (see
        # make_train_function), not frozen into the graph at the first trace.
        self._class_weights = None
        if self.rebalance:
            self._class_weights = self.add_weight(
                shape=tuple(self.bins.logits_shape), initializer="ones", trainable=False,
                name="class_weights",
            )
            self._class_weights.assign(self.bins.rebalance_weights())
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.accuracy_tracker = keras.metrics.Mean(name="bin_accuracy")
        self.built = network.built

    # -- Keras API ------------------------------------------------------------
    def logits(self, inputs, training=None):
        """The network's logits, in the bins' shape ((..., Q) or (..., 2, n))."""
        return self.bins.reshape_logits(self.network(inputs, training=training))

    def call(self, inputs, training=None):
        return self.bins.decode(self.logits(inputs, training=training), self.decode, self.T)

    def compile(self, optimizer="adam", *, jit_compile=None, **kwargs):
        """Keras ``compile``; the loss is the colorizer's own cross-entropy.

        Args:
            optimizer: any Keras optimizer or name.
            jit_compile: None for ``kcolor.backend.default_jit_compile()`` (resolved
                by ``ColorizerModel.compile``).
            **kwargs: passed to ``keras.Model.compile`` (``steps_per_execution``, ...).
        """
        if "loss" in kwargs and kwargs["loss"] is not None:
            raise ValueError(
                "ClassColorizer computes its own (rebalanced) cross-entropy; do not pass loss=."
            )
        kwargs.pop("loss", None)
        super().compile(optimizer=optimizer, jit_compile=jit_compile, **kwargs)

    def compile_from_config(self, config):
        compile_from_config(self, config)

    @property
    def metrics(self):
        return [self.loss_tracker, self.accuracy_tracker]

    def class_weights(self):
        """The rebalancing weights the train step reads, or None when ``rebalance`` is off.

        A non-trainable variable of shape ``bins.logits_shape``, assigned
        ``bins.rebalance_weights()`` at the start of every ``fit``,
        ``evaluate``, ``train_on_batch`` and ``test_on_batch``.
        """
        return self._class_weights

    def _assign_class_weights(self):
        if self._class_weights is None:
            return
        if not self.bins.has_prior:
            warnings.warn(
                "ClassColorizer: rebalance=True but the bins have no class prior, so every "
                "class weighs 1. Fit it on the training data first: bins.fit(train_ds) "
                "(model.fit does it when given a tf.data.Dataset or arrays; "
                "GamutBins(prior=kcolor.data.sample_prior.sample_prior) for the sample "
                "data set).",
                stacklevel=4,
            )
        self._class_weights.assign(self.bins.rebalance_weights())

    # Keras calls these at the start of every fit / evaluate / *_on_batch,
    # before it runs the traced step (traced once, kept until compile).
    def make_train_function(self, force=False):
        self._assign_class_weights()
        return super().make_train_function(force=force)

    def make_test_function(self, force=False):
        self._assign_class_weights()
        return super().make_test_function(force=force)

    def fit(self, x=None, y=None, *args, **kwargs):
        """Keras ``fit``; with ``rebalance`` on and bins with no prior, fits the prior first.

        The prior (and ``UniformBins``' bin means) is fitted on the first
        ``ADAPT_BATCHES`` batches of ``x`` (a ``tf.data.Dataset`` of ``(L,
        ab)`` batches) or of the ab arrays ``y``, as ``Colorizer.fit``
        measures its target statistics, and one line says so.
        """
        if self.rebalance and not self.bins.has_prior and hasattr(self.bins, "fit"):
            batch_size = args[0] if args else kwargs.get("batch_size")
            self._fit_prior(x, y, batch_size or 32)
        return super().fit(x, y, *args, **kwargs)

    def _fit_prior(self, x, y, batch_size):
        """Fits the bins on the first ``ADAPT_BATCHES`` batches of ``x`` or ``y``; one line."""
        batches = 0
        if isinstance(x, tf.data.Dataset):

            def first_batches():  # counted as the bins read them
                nonlocal batches
                for batch in x.take(self.ADAPT_BATCHES):
                    batches += 1
                    yield batch

            self.bins.fit(first_batches())
        elif isinstance(y, np.ndarray) or keras.ops.is_tensor(y):
            ab = np.asarray(y)[: self.ADAPT_BATCHES * batch_size]
            batches = math.ceil(len(ab) / batch_size)
            self.bins.fit(ab)
        else:
            return  # nothing to read: the weights stay 1, and fit warns
        seen = np.count_nonzero(self.bins.prior)
        print(f"ClassColorizer: no class prior yet; fitted it on the first {batches} batches "
              f"of the training data ({seen} of {np.size(self.bins.prior)} classes seen).")

    def compute_class_loss(self, ab, logits):
        """The (rebalanced) cross-entropy and the bin accuracy for one batch.

        Args:
            ab: normalised ab targets (B, H, W, 2).
            logits: the network's logits in the bins' shape.

        Returns:
            ``(loss, accuracy)`` scalar tensors.
        """
        logits = ops.cast(logits, "float32")
        targets, index = self.bins.encode_targets(ab)
        table = self._class_weights
        weights = None if table is None else self.bins.pixel_weights(index, table)
        loss = losses.rebalanced_cross_entropy(targets, logits, weights)
        predicted = ops.cast(ops.argmax(logits, axis=-1), "int32")
        accuracy = ops.mean(ops.cast(ops.equal(predicted, index), "float32"))
        return loss, accuracy

    def train_step(self, data):
        L, ab, _ = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            logits = self.logits(L, training=True)
            loss, accuracy = self.compute_class_loss(ab, logits)
            total = loss + ops.sum(self.losses) if self.losses else loss
            # tf.distribute: this replica's share; mixed_float16: the loss scale.
            scaled = replicas.loss_to_differentiate(self.optimizer, total)
        gradients = tape.gradient(scaled, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        self.loss_tracker.update_state(loss)
        self.accuracy_tracker.update_state(accuracy)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        L, ab, _ = keras.utils.unpack_x_y_sample_weight(data)
        loss, accuracy = self.compute_class_loss(ab, self.logits(L, training=False))
        self.loss_tracker.update_state(loss)
        self.accuracy_tracker.update_state(accuracy)
        return {m.name: m.result() for m in self.metrics}

    def predict_step(self, data):
        L, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        return self(L, training=False)

    def build(self, input_shape):
        self.built = True

    # -- saving ---------------------------------------------------------------
    # The class weights follow from the bins, which the config stores: a
    # .keras file holds no variable of the colorizer's own (as before the
    # weights became a variable, so older files load), and loading assigns
    # them from the reloaded bins.
    def save_own_variables(self, store):
        pass

    def load_own_variables(self, store):
        if self._class_weights is not None:
            self._class_weights.assign(self.bins.rebalance_weights())

    # -- config ---------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update(
            network=keras.saving.serialize_keras_object(self.network),
            bins=keras.saving.serialize_keras_object(self.bins),
            rebalance=self.rebalance,
            decode=self.decode,
            T=self.T,
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        network = keras.saving.deserialize_keras_object(config.pop("network"))
        bins = keras.saving.deserialize_keras_object(config.pop("bins"))
        return cls(network, bins, **config)


__all__ = ["ClassColorizer"]
