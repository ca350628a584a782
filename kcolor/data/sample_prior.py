"""The sample data set's class prior, and the derived files in ``data/``.

``kcolor.quantize`` knows nothing of data sets; this module ties its
``GamutBins`` to kcolor's embedded sample data set (``kcolor.data.sample``):

* ``sample_prior(bins)``: the class prior of the sample train split (32 px
  crops), read from the repository's ``data/prior_sample.npz`` when it was
  made for the same class centres, else computed (a few seconds). Pass it as
  ``GamutBins(prior=sample_prior)``.
* ``regenerate_data_files()``: writes ``data/gamut_bins_10.npy`` and
  ``data/prior_sample.npz`` again; run it whenever the way sample crops are
  cut changes (``tests/test_quantize.py`` fails until then)::

      python -c "from kcolor.data import sample_prior; sample_prior.regenerate_data_files()"

kcolor never requires those files (a pip-installed kcolor has no ``data/``
folder and computes them); they are kept for inspection and tests.

Example:

>>> from kcolor.data.sample_prior import sample_prior
>>> bins = kcolor.quantize.GamutBins(prior=sample_prior)
"""

import os
import pathlib
import warnings

import numpy as np

from kcolor.data.embedded import sample_images
from kcolor.quantize import GamutBins, gamut_bin_centers

# The repository's data/ folder (outside the installed package).
DATA_DIR = pathlib.Path(__file__).resolve().parents[2] / "data"
SAMPLE_PRIOR_SPLIT = "train"
SAMPLE_PRIOR_IMAGE_SIZE = 32


def gamut_bins_path(grid=10, data_dir=None):
    """Where ``regenerate_data_files`` writes the gamut bin centres."""
    return pathlib.Path(data_dir or DATA_DIR) / f"gamut_bins_{float(grid):g}.npy"


def sample_prior_path(data_dir=None):
    """Where ``regenerate_data_files`` writes the sample prior."""
    return pathlib.Path(data_dir or DATA_DIR) / "prior_sample.npz"


def compute_sample_prior(bins=None):
    """The hard-encoded class prior (Q,) of the sample train split at 32 px (all crops)."""
    bins = GamutBins() if bins is None else bins
    images = sample_images(SAMPLE_PRIOR_SPLIT, image_size=SAMPLE_PRIOR_IMAGE_SIZE)
    return bins.prior_from(images)


def sample_prior(bins=None, data_dir=None):
    """The sample data set's class prior for ``bins``: the stored file, or computed.

    Args:
        bins: a ``GamutBins`` (default: ``GamutBins()``).
        data_dir: where the stored file is (default: the repository's ``data/``).

    Returns:
        float32 (Q,) class frequencies. A convenience: fit your own data
        set's prior with ``bins.fit(train_ds)`` for real runs.
    """
    centers = gamut_bin_centers() if bins is None else bins.centers
    path = sample_prior_path(data_dir)
    if path.exists():
        with np.load(path) as stored:
            if stored["centers"].shape == centers.shape and np.allclose(stored["centers"], centers):
                return stored["prior"].astype(np.float32)
        warnings.warn(f"{path} was made for other bin centres; computing the prior instead.")
    return compute_sample_prior(GamutBins(centers=centers) if bins is None else bins)


def regenerate_data_files(out_dir=None, grid=10):
    """Writes the derived files in ``data/``: gamut bin centres and the sample prior.

    * ``gamut_bins_10.npy``: float32 (Q, 2) centres in Lab units
      (``kcolor.quantize.gamut_bin_centers(10)``).
    * ``prior_sample.npz``: ``centers`` (Q, 2), ``prior`` (Q,) the hard-encoded
      empirical prior of the sample train split at 32 px, ``smoothed_prior``
      and ``weights`` (the rebalancing weights, lam 0.5, sigma 5).

    Args:
        out_dir: folder to write to (default: the repository's ``data/``).
        grid: the cell side in Lab units.

    Returns:
        list of the written paths.
    """
    out_dir = pathlib.Path(out_dir or DATA_DIR)
    os.makedirs(out_dir, exist_ok=True)
    centers = np.array(gamut_bin_centers(grid))
    bins_path = gamut_bins_path(grid, out_dir)
    np.save(bins_path, centers)
    bins = GamutBins(grid=grid, centers=centers)
    bins.set_prior(compute_sample_prior(bins))
    prior_path = sample_prior_path(out_dir)
    np.savez(
        prior_path,
        centers=centers,
        prior=bins.prior,
        smoothed_prior=bins.smoothed_prior,
        weights=bins.rebalance_weights(),
        image_size=np.int32(SAMPLE_PRIOR_IMAGE_SIZE),
        split=np.str_(SAMPLE_PRIOR_SPLIT),
    )
    return [bins_path, prior_path]


__all__ = [
    "DATA_DIR",
    "sample_prior",
    "compute_sample_prior",
    "regenerate_data_files",
    "gamut_bins_path",
    "sample_prior_path",
]
