"""A seeded wrong answer: colourfulness with the sample standard deviation.

``scripts/assignments.sh check`` appends these definitions to the solution's
cells (replacing the right ones) and grades the result: it must score
strictly between zero and full marks, and a failing test must name the
mistake (``EXPECT``).
"""

EXPECT = "sample standard deviation"


def colorfulness(rgb255):
    rgb = np.asarray(rgb255, np.float64)
    if rgb.ndim == 3:
        rgb = rgb[None]
    rgb = rgb.reshape(len(rgb), -1, 3)
    rg = rgb[..., 0] - rgb[..., 1]
    yb = 0.5 * (rgb[..., 0] + rgb[..., 1]) - rgb[..., 2]
    spread = np.sqrt(rg.var(axis=1, ddof=1) + yb.var(axis=1, ddof=1))  # the mistake: ddof=1
    offset = np.sqrt(rg.mean(axis=1) ** 2 + yb.mean(axis=1) ** 2)
    return float(np.mean(spread + 0.3 * offset))
