"""``ImageGrid``: a grey | ours | truth grid of fixed images after every few epochs."""

import os

import numpy as np

from kcolor import color
from kcolor.backend import keras, tf


def _to_display(images):
    """Model-range images ([-1, 1]; 1 or 3 channels) -> RGB floats in [0, 1]."""
    images = np.clip((np.asarray(images, dtype="float32") + 1.0) / 2.0, 0.0, 1.0)
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    return images


def grid_rows(L, ab_pred, ab_true=None, color_space="lab"):
    """Builds the rows of an image grid as RGB arrays in [0, 1].

    Args:
        L: normalised L, ``(n, H, W, 1)``.
        ab_pred: predicted normalised ab, ``(n, H, W, 2)``.
        ab_true: true normalised ab or ``None``.
        color_space: ``"yuv"`` when L is paper A's Y and the others UV.

    Returns:
        A list of ``(title, images)`` with images of shape ``(n, H, W, 3)``:
        grey, ours and (with ``ab_true``) truth.
    """
    L = np.asarray(L, dtype="float32")
    if color_space == "yuv":  # paper A: Y with UV = 0, the prediction's UV, the truth's
        rows = [("grey", np.asarray(color.y_uv_to_rgb(L, np.zeros(L.shape[:-1] + (2,),
                                                                   "float32"))))]
        rows += [(title, np.asarray(color.y_uv_to_rgb(L, np.asarray(uv, dtype="float32"))))
                 for title, uv in (("ours", ab_pred), ("truth", ab_true)) if uv is not None]
        return [(title, np.clip(images, 0.0, 1.0)) for title, images in rows]
    rows = [
        ("grey", np.asarray(color.l_to_gray_rgb(L))),
        ("ours", np.asarray(color.l_ab_to_rgb(L, np.asarray(ab_pred, dtype="float32")))),
    ]
    if ab_true is not None:
        truth = color.l_ab_to_rgb(L, np.asarray(ab_true, dtype="float32"))
        rows.append(("truth", np.asarray(truth)))
    return [(title, np.clip(images, 0.0, 1.0)) for title, images in rows]


class ImageGrid(keras.callbacks.Callback):
    """Saves a grey | ours | truth grid of fixed images every few epochs.

    Rows are grey input, the model's colourisation (``model.predict(L)``)
    and the truth; columns are the images. For an unconditional GAN
    (``conditional=False``) pass a fixed batch of noise ``z`` as ``L`` and
    no ``ab``: the grid then shows the generated images in one row.

    Args:
        L: normalised L, ``(n, H, W, 1)`` (at most ``max_images`` are used),
            or ``z`` for an unconditional model.
        ab: the true normalised ab, or ``None`` (no truth row).
        every: draw after every ``every``-th epoch.
        out_dir: folder for ``{prefix}_{epoch:03d}.png`` (epoch counted
            from 1), created if needed; ``None`` saves nothing.
        show: also display the figure (in a notebook); otherwise it is
            closed after saving, so nothing needs a display.
        log_dir: a TensorBoard log folder: each grid is also written as an
            image summary ``tag`` at step ``epoch``.
        max_images: the number of columns.
        prefix: file name prefix.
        tag: the TensorBoard summary name.
        color_space: ``"yuv"`` when ``L`` is paper A's Y and ``ab`` its UV.

    Attributes:
        paths: the PNG files written so far.

    Example:
        >>> L, ab = next(iter(kcolor.data.sample("test", image_size=32)))
        >>> grid = kcolor.callbacks.ImageGrid(L, ab, out_dir="grids")
        >>> gan.fit(data, epochs=5, callbacks=[grid])
    """

    def __init__(
        self,
        L,
        ab=None,
        every=1,
        out_dir=None,
        show=False,
        log_dir=None,
        max_images=8,
        prefix="epoch",
        tag="colourisations",
        color_space="lab",
    ):
        super().__init__()
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a positive integer, got {every!r}.")
        if not isinstance(max_images, int) or max_images < 1:
            raise ValueError(f"max_images must be a positive integer, got {max_images!r}.")
        self.L = np.asarray(L, dtype="float32")[:max_images]
        self.ab = None if ab is None else np.asarray(ab, dtype="float32")[:max_images]
        if self.ab is not None and self.ab.shape[:-1] != self.L.shape[:-1]:
            raise ValueError(
                f"L {self.L.shape} and ab {self.ab.shape} must have the same number of images "
                "and the same height and width."
            )
        self.every = every
        self.out_dir = None if out_dir is None else os.fspath(out_dir)
        self.show = show
        self.log_dir = None if log_dir is None else os.fspath(log_dir)
        if self.log_dir is not None:
            try:
                import tensorboard  # noqa: F401  (tf.summary.image needs it)
            except ImportError as error:
                raise ImportError(
                    "ImageGrid(log_dir=...) writes TensorBoard image summaries, which need the "
                    "tensorboard package: pip install tensorboard (or leave log_dir=None)."
                ) from error
        self.prefix = prefix
        self.tag = tag
        self.color_space = color_space
        self.paths = []
        self._writer = None

    def rows(self):
        """The grid's rows for the current model: a list of ``(title, images)``."""
        prediction = self.model.predict(self.L, batch_size=len(self.L), verbose=0)
        if not getattr(self.model, "conditional", True):
            return [("generated", _to_display(prediction))]
        return grid_rows(self.L, prediction, self.ab, color_space=self.color_space)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        rows = self.rows()
        if self.out_dir is not None or self.show:
            self._draw(rows, epoch)
        if self.log_dir is not None:
            self._summarise(rows, epoch)

    def _draw(self, rows, epoch):
        import matplotlib.pyplot as plt

        n = len(rows[0][1])
        fig, axes = plt.subplots(
            len(rows), n, figsize=(1.3 * n + 0.6, 1.3 * len(rows)), squeeze=False
        )
        for r, (title, images) in enumerate(rows):
            for c in range(n):
                ax = axes[r, c]
                ax.imshow(images[c], interpolation="nearest")
                ax.set_xticks([])
                ax.set_yticks([])
                if c == 0:
                    ax.set_ylabel(title)
        fig.suptitle(f"epoch {epoch + 1}")
        fig.tight_layout()
        if self.out_dir is not None:
            os.makedirs(self.out_dir, exist_ok=True)
            path = os.path.join(self.out_dir, f"{self.prefix}_{epoch + 1:03d}.png")
            fig.savefig(path, dpi=100)
            self.paths.append(path)
        if self.show:
            plt.show()
        plt.close(fig)

    def _summarise(self, rows, epoch):
        if self._writer is None:
            self._writer = tf.summary.create_file_writer(self.log_dir)
        # One picture: rows stacked vertically, images side by side.
        picture = np.concatenate(
            [np.concatenate(list(images), axis=1) for _, images in rows], axis=0
        )
        with self._writer.as_default():
            tf.summary.image(self.tag, picture[None], step=epoch)
        self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None
