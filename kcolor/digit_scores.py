"""Scoring generated digits with a classifier: how digit-like, and how varied.

An unconditional generator (notebook 06, paper D's GAN zoo) has no truth to
compare with. A small classifier trained on real digits
(``kcolor.models.digit_classifier``) judges its samples instead: its mean
confidence says how digit-like they look, and the number of classes they
cover says how varied they are (mode collapse shows as few classes and a
large share of the most frequent one).

Example:

>>> x, y = labelled_digits("digits", "train", 3000)
>>> judge = train_digit_classifier(x, y)
>>> sample_quality(judge, gan.generate(500))
{'confidence': ..., 'classes': ..., 'top_share': ...}
"""

import numpy as np

from kcolor.backend import keras
from kcolor.data import font_digits
from kcolor.data.pipeline import arrays_to_dataset
from kcolor.models import digit_classifier


def labelled_digits(dataset, split, n, *, image_size=32, seed=0, data_dir=None):
    """``(images, labels)``: ``n`` digits with their labels, images in [-1, 1].

    The same images as the GANs see (resized by the same pipeline as
    ``kcolor.data.digit_datasets`` and MNIST's ``kcolor.data.load``), for the
    classifier that scores their samples.

    Args:
        dataset: ``"digits"`` (the offline font digits,
            ``kcolor.data.font_digits``) or ``"mnist"`` (tensorflow-datasets,
            prepared beforehand).
        split: ``"train"`` or ``"test"``.
        n: number of images (at most the split's size).
        image_size: height and width of the returned images.
        seed: the font digits' seed, as given to ``digit_datasets``.
        data_dir: tensorflow-datasets' data folder (MNIST).

    Returns:
        ``(images, labels)``: float32 ``(n, image_size, image_size, 1)`` and
        int64 ``(n,)``.
    """
    if dataset == "digits":
        # digit_datasets draws train with `seed` and test with `seed + 1`.
        raw, labels = font_digits(n, seed=seed if split == "train" else seed + 1)
    elif dataset == "mnist":
        import tensorflow_datasets as tfds

        ds = tfds.load("mnist", split=split, as_supervised=True, data_dir=data_dir,
                       download=False).take(n)
        raw, labels = map(np.asarray, zip(*tfds.as_numpy(ds)))
    else:
        raise ValueError(f"Unknown digit data set {dataset!r}; expected 'digits' or 'mnist'.")
    images = arrays_to_dataset(raw, image_size=image_size, batch_size=1024, color_space="gray")
    return np.concatenate([np.asarray(b) for b in images]), np.asarray(labels, np.int64)


def train_digit_classifier(images, labels, *, epochs=3, batch_size=128, seed=0, verbose=0):
    """Trains a ``kcolor.models.digit_classifier`` on real digits; returns it.

    Adam (learning rate 2e-3) on the softmax cross-entropy of the labels.

    Args:
        images: ``(n, S, S, 1)`` real digits in [-1, 1] (``labelled_digits``).
        labels: ``(n,)`` ints in 0-9.
        epochs, batch_size, verbose: as for ``keras.Model.fit``.
        seed: seeds the initial weights and the shuffling.

    Returns:
        The trained, compiled classifier (its ``accuracy`` metric logged).
    """
    keras.utils.set_random_seed(seed)
    model = digit_classifier(images.shape[1], seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(2e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(images, labels, epochs=epochs, batch_size=batch_size, verbose=verbose)
    return model


def sample_quality(classifier, images, *, min_share=0.025):
    """How digit-like and how varied a set of images is, by the classifier's eye.

    Args:
        classifier: a trained ``digit_classifier``.
        images: ``(n, S, S, 1)`` in [-1, 1], generated or real.
        min_share: a class is covered when at least this share of the images
            is classified as it (2.5%: a quarter of its fair share of 10%).

    Returns:
        ``{"confidence": mean max-softmax probability, "classes": number of
        classes covered (0-10), "top_share": share of the most frequent
        class}``. Real digits: high confidence, 10 classes, top share near
        10%. Noise: low confidence. Mode collapse: few classes, a large top
        share.
    """
    logits = classifier.predict(np.asarray(images, np.float32), batch_size=256, verbose=0)
    probs = np.asarray(keras.ops.softmax(logits, axis=-1))
    counts = np.bincount(probs.argmax(axis=1), minlength=10)
    shares = counts / counts.sum()
    return {"confidence": float(probs.max(axis=1).mean()),
            "classes": int((shares >= min_share).sum()),
            "top_share": float(shares.max())}


def confidence_over_training(classifier, snapshots):
    """The classifier's mean confidence on each snapshot: a quality curve, one value per epoch.

    Args:
        classifier: a trained ``digit_classifier``.
        snapshots: ``kcolor.callbacks.SampleSnapshots.snapshots`` (samples
            before training, then after each epoch).

    Returns:
        A list of floats, one per snapshot.
    """
    return [sample_quality(classifier, images)["confidence"] for images in snapshots]


__all__ = ["labelled_digits", "train_digit_classifier", "sample_quality",
           "confidence_over_training"]
