"""The geometry behind ``GamutBins``: which ab cells hold an sRGB colour, and nearest centres.

* ``gamut_bin_centers(grid)``: the centres of the ``grid``-unit ab cells
  that hold an 8-bit sRGB colour (261 for Zhang et al.'s grid of 10).
* ``smoothing_matrix(centers, sigma)``: the Gaussian that smooths a class
  prior over neighbouring centres (Zhang et al., section 2.2).
* ``CentreLookup(centers, grid)``: the k nearest centres of every pixel,
  fast, in a graph (for the soft encoding) or in numpy (for the prior).

All in Lab units; ``GamutBins`` converts from normalised ab.
"""

import functools

import numpy as np

from kcolor.backend import keras
from kcolor.color import rgb_to_lab

ops = keras.ops

# CentreLookup's table: grid step and range in Lab units, and the number of
# candidate centres stored per grid point.
_TABLE_STEP = 2.0
_TABLE_RANGE = 130.0
_CANDIDATES = 16


def srgb_surface_colors():
    """Every 8-bit sRGB colour on the surface of the RGB cube, (393216, 3) in [0, 1].

    The ab footprint of the whole gamut equals the footprint of its surface:
    along any line of constant (a, b) the colour of largest L inside the
    gamut lies on the gamut's boundary, and the boundary is the image of the
    cube's faces. We checked once that the 8-bit surface and all 16.7 M
    8-bit colours occupy exactly the same 10-unit cells.
    """
    levels = np.arange(256, dtype=np.float32) / 255.0
    u, v = (x.ravel() for x in np.meshgrid(levels, levels, indexing="ij"))
    faces = []
    for value in (0.0, 1.0):
        k = np.full_like(u, value)
        faces += [np.stack(f, axis=-1) for f in ((k, u, v), (u, k, v), (u, v, k))]
    return np.concatenate(faces)


@functools.lru_cache(maxsize=8)
def _gamut_centers(grid):
    lab = np.asarray(rgb_to_lab(srgb_surface_colors()), dtype=np.float64)
    cells = np.unique(np.round(lab[:, 1:] / grid).astype(np.int64), axis=0)
    centers = (cells * grid).astype(np.float32)
    centers.flags.writeable = False
    return centers


def gamut_bin_centers(grid=10):
    """Centres (Q, 2), in Lab units, of the ab grid cells that hold an sRGB colour.

    The ab plane is cut into square cells of side ``grid`` centred on the
    multiples of ``grid`` (as Zhang et al.'s grid, whose centres are multiples
    of 10); a cell is kept when at least one 8-bit sRGB colour (any L) has
    its ab inside it. For ``grid=10`` this gives **261** cells (sorted by a,
    then b), against Zhang et al.'s 313. Their set is more inclusive: a rule
    that keeps each of the four grid points around every in-gamut colour
    (i.e. a cell whose centre is within one grid step of a colour in both a
    and b) gives 309 here, close to 313; the rest of the gap is their Lab
    conversion and sampling, which the paper does not state. Fewer, truly
    occupied classes lose nothing: the extra classes are colours no sRGB
    pixel can have.

    Computed in about half a second the first time, then cached.

    Args:
        grid: float, the cell side in Lab units (Zhang et al.: 10).

    Returns:
        float32 array (Q, 2) of (a, b) centres in Lab units (read-only).

    Reference:
        Zhang, Isola and Efros, "Colorful Image Colorization", ECCV 2016,
        section 2.1 (Q = 313 in-gamut bins of grid size 10).
    """
    grid = float(grid)
    if not grid > 0:
        raise ValueError(f"grid must be > 0, got {grid}.")
    return _gamut_centers(grid)


def smoothing_matrix(centers, sigma):
    """K[q, r] = N(c_q; c_r, sigma^2), each column normalised over the centres.

    ``K @ prior`` is the prior smoothed by a Gaussian of ``sigma`` Lab units.
    """
    centers = np.asarray(centers, dtype=np.float64)
    d2 = np.sum((centers[:, None, :] - centers[None, :, :]) ** 2, axis=-1)
    kernel = np.exp(-d2 / (2.0 * sigma**2))
    return kernel / kernel.sum(axis=0, keepdims=True)


class CentreLookup:
    """The nearest class centres of ab points, found through precomputed tables.

    Finding the k nearest of Q centres for every pixel by brute force costs a
    (pixels, Q) distance matrix and a top-k over it, which dominated the
    train step on CPU. Instead a table, on a 2-unit grid over [-130, 130]^2,
    lists the 16 nearest centres of each grid point; a pixel looks up the
    candidates of its grid point and keeps the k nearest of those by exact
    distance. Because a pixel is within 1.5 units of its grid point and, on
    a 10-unit lattice, the 16th-nearest centre of a point is always well
    beyond its k-th (k <= 10) plus 3 units, this equals the brute-force
    search (the tests check it against numpy on random points).

    Args:
        centers: (Q, 2) class centres in Lab units.
        grid: the lattice step of the centres (for ``nearest_numpy``).
    """

    def __init__(self, centers, grid):
        self.centers = np.asarray(centers, dtype=np.float32)
        self.grid = float(grid)
        self._candidates = None
        self._cells = None

    def k_nearest(self, lab, k):
        """The ``k`` nearest centres of each point, nearest first, in a graph.

        Args:
            lab: float32 tensor (..., 2) of ab in Lab units.
            k: how many, at most 16.

        Returns:
            ``(index, d2)``: int32 (..., k) centre indices and float32 (..., k)
            squared distances, sorted by distance.
        """
        table, size = self._candidate_table()
        k = min(k, table.shape[1])
        grid_pos = ops.cast(
            ops.round((ops.clip(lab, -_TABLE_RANGE, _TABLE_RANGE) + _TABLE_RANGE) / _TABLE_STEP),
            "int32",
        )
        cell = grid_pos[..., 0] * size + grid_pos[..., 1]
        candidates = ops.take(ops.convert_to_tensor(table), cell, axis=0)  # (..., 16)
        centers = ops.take(ops.convert_to_tensor(self.centers), candidates, axis=0)
        d2 = ops.sum(ops.square(lab[..., None, :] - centers), axis=-1)  # (..., 16)
        negative, order = ops.top_k(-d2, k, sorted=True)
        return ops.take_along_axis(candidates, order, axis=-1), -negative

    def _candidate_table(self):
        if self._candidates is None:
            axis = np.arange(-_TABLE_RANGE, _TABLE_RANGE + _TABLE_STEP / 2, _TABLE_STEP)
            points = np.stack(np.meshgrid(axis, axis, indexing="ij"), -1).reshape(-1, 2)
            d2 = np.sum((points[:, None, :] - self.centers[None].astype(np.float64)) ** 2, -1)
            q = len(self.centers)
            m = min(_CANDIDATES, q)
            nearest = np.argpartition(d2, m - 1, axis=1)[:, :m] if m < q else (
                np.broadcast_to(np.arange(m), (len(points), m)))
            self._candidates = (np.ascontiguousarray(nearest, dtype=np.int32), len(axis))
        return self._candidates

    def nearest_numpy(self, lab):
        """The nearest centre of each point, in numpy: a cell look-up, exact search if needed.

        A point's nearest centre is the centre of the grid cell it lies in
        whenever that cell is a class (the Voronoi cells of a square lattice
        are its squares), which holds for every sRGB pixel; the other points
        fall back to the exhaustive search.

        Args:
            lab: float array (..., 2) of ab in Lab units.

        Returns:
            int64 array (...) of centre indices.
        """
        lab = np.asarray(lab, dtype=np.float64)
        flat = lab.reshape(-1, 2)
        table, offset = self._cell_table()
        cells = np.round(flat / self.grid).astype(np.int64) + offset
        inside = np.all((cells >= 0) & (cells < table.shape[0]), axis=1)
        index = np.full(len(flat), -1, np.int64)
        index[inside] = table[cells[inside, 0], cells[inside, 1]]
        missing = index < 0
        if np.any(missing):
            d2 = np.sum((flat[missing, None, :] - self.centers[None].astype(np.float64)) ** 2, -1)
            index[missing] = np.argmin(d2, axis=1)
        return index.reshape(lab.shape[:-1])

    def _cell_table(self):
        if self._cells is None:
            cells = np.round(self.centers / self.grid).astype(np.int64)
            offset = -cells.min() + 1
            size = cells.max() + offset + 2
            table = np.full((size, size), -1, np.int64)
            if np.allclose(cells * self.grid, self.centers):  # centres on the lattice
                table[cells[:, 0] + offset, cells[:, 1] + offset] = np.arange(len(cells))
            self._cells = (table, offset)
        return self._cells


__all__ = ["gamut_bin_centers", "srgb_surface_colors", "smoothing_matrix", "CentreLookup"]
