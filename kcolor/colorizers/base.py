"""The ``keras.Model`` every kcolor colorizer is built on."""

from kcolor.backend import keras, tf


class ColorizerModel(keras.Model):
    """A ``keras.Model`` whose ``fit`` knows that kcolor's data sets shuffle themselves.

    ``keras.Model.fit`` defaults to ``shuffle=True`` and, given a
    ``tf.data.Dataset`` (which it cannot shuffle), warns on every call that it
    ignores it. kcolor's pipelines (``kcolor.data``) shuffle each epoch on
    their own, so for a data set ``fit`` passes ``shuffle=False`` unless the
    caller chose. Nothing else differs from ``keras.Model``.
    """

    def fit(self, x=None, y=None, *args, **kwargs):
        # ``shuffle`` is fit's 9th parameter: only set it when not given.
        if isinstance(x, tf.data.Dataset) and "shuffle" not in kwargs and len(args) < 7:
            kwargs["shuffle"] = False
        return super().fit(x, y, *args, **kwargs)
