"""The ``keras.Model`` every kcolor colorizer is built on."""

from kcolor.backend import default_jit_compile, keras, tf


class ColorizerModel(keras.Model):
    """A ``keras.Model`` with kcolor's XLA default, whose ``fit`` knows that data sets shuffle.

    Two things differ from ``keras.Model``:

    * ``compile(jit_compile=None)`` (the default here) uses
      ``kcolor.backend.default_jit_compile()``: XLA off on CPU, Keras's
      ``"auto"`` on GPU. Every colorizer's ``compile`` passes its
      ``jit_compile`` through to this one.
    * ``keras.Model.fit`` defaults to ``shuffle=True`` and, given a
      ``tf.data.Dataset`` (which it cannot shuffle), warns on every call that
      it ignores it. kcolor's pipelines (``kcolor.data``) shuffle each epoch
      on their own, so for a data set ``fit`` passes ``shuffle=False`` unless
      the caller chose.
    """

    def compile(self, *args, jit_compile=None, **kwargs):
        """``keras.Model.compile``; ``jit_compile=None``: ``default_jit_compile()``."""
        if jit_compile is None:
            jit_compile = default_jit_compile()
        super().compile(*args, jit_compile=jit_compile, **kwargs)

    def fit(self, x=None, y=None, *args, **kwargs):
        # ``shuffle`` is fit's 9th parameter: only set it when not given.
        if isinstance(x, tf.data.Dataset) and "shuffle" not in kwargs and len(args) < 7:
            kwargs["shuffle"] = False
        return super().fit(x, y, *args, **kwargs)
