"""How ``pytest -n 2`` (pytest-xdist) shares the tests between its workers.

``scripts/test.sh`` runs the unit tests and the notebooks on two workers. A
work unit is one test file or one notebook, so a file's module fixtures are
built once and a notebook's cells run in order in one kernel. Two pairs of
notebooks share a unit, because the second reads the model the first saves:
01 -> 02 and 03 -> 08 (each would otherwise train it again). Units start
longest first (the notebooks, then the files with the most tests), so that
no worker is left alone with a long notebook at the end.
"""

from pathlib import PurePosixPath

#: Notebook -> the notebook whose saved model it reads, and so whose unit it joins.
SAME_UNIT = {"02_koo_dcgan.ipynb": "01_koo_baseline.ipynb",
             "08_colorize_your_photos.ipynb": "03_unet_vs_cgan.ipynb"}


def work_unit(nodeid):
    """``"notebooks/08_x.ipynb::Cell 3"`` -> ``"notebooks/03_unet_vs_cgan.ipynb"``."""
    path = PurePosixPath(nodeid.split("::", 1)[0])
    partner = SAME_UNIT.get(path.name)
    return str(path.with_name(partner)) if partner else str(path)


def pytest_collection_modifyitems(config, items):
    """Orders the units longest first; keeps the order inside each unit."""
    sizes = {}
    for item in items:
        unit = work_unit(item.nodeid)
        sizes[unit] = sizes.get(unit, 0) + 1
    items.sort(key=lambda item: (not work_unit(item.nodeid).endswith(".ipynb"),
                                 -sizes[work_unit(item.nodeid)]))


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class WorkUnits(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return work_unit(nodeid)

    config.option.loadscopereorder = False  # keep the order made above
    return WorkUnits(config, log)
