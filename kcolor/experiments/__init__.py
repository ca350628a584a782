"""Every experiment the notebooks run, by name, in three profiles.

An experiment is one trained model of one notebook (``"03_unet_l2"``,
``"03_cgan"``): its data, its networks, its losses and its optimisers. Each
runs in three **profiles** that share one code path and differ only in the
numbers of its settings:

* ``smoke``: the embedded sample data, a CPU, seconds to a minute a model.
  It proves the code path and shows what little training can show; CI runs
  it.
* ``quick``: the paper's real data set (CIFAR-10 at 32 px) for about ten
  minutes of a laptop CPU or a free Colab GPU; the course profile, where the
  paper's phenomenon must show in numbers.
* ``full``: the paper's data set and hyper-parameters, for a GPU.

Usage::

    >>> cfg = kcolor.experiments.config("03_cgan", "quick")
    >>> train, test = kcolor.experiments.datasets("03_cgan", "quick")
    >>> model = kcolor.experiments.build("03_cgan", "quick")
    >>> history = kcolor.experiments.fit(model, train, "03_cgan", "quick")

Where things are, one idea per module:

* the settings: one module per notebook group, named after its paper
  (``paper_b`` holds notebooks 00 and 03), each a dict ``EXPERIMENTS`` of
  plain settings that names its classes by reference (``"colorizer":
  CGAN``, imported at the top of the module); ``settings`` holds what they
  share;
* ``registry``: collects them; ``config``, ``NAMES``, ``PROFILES``,
  ``describe``, and ``RECIPES``: each paper module's ``RECIPES``, the
  settings as the paper states them, with their sources;
* ``deviations``: ``deviations(name, profile)``, a table of where a
  profile's settings differ from the paper's recipe;
* ``factory``: a config made into a compiled model (``build``) and its data
  (``datasets``);
* ``runner``: trains resumably (``fit``), saves (``save``, ``model_path``,
  ``models_folder``) and finds a trained model again (``trained``);
  ``runs`` holds its checkpoint folders and time estimates.

Words, one meaning each: a **colorizer** is the class trained (the config's
``"colorizer"``: ``Colorizer``, ``ClassColorizer``, ``CGAN``, ...); a
**model** is one built or trained instance of it; a **network** is the
``keras.Model`` a colorizer wraps (a GAN has two: its **generator** and its
**discriminator**, and only a GAN has a generator); a **builder** is the
function of ``kcolor.models.BUILDERS`` that makes a network, named by the
``"builder"`` of the network's settings.

This package re-exports what the notebooks call.
"""

from kcolor.experiments.deviations import DeviationsTable, deviations
from kcolor.experiments.factory import build, datasets, network, optimizer, start_from
from kcolor.experiments.paper_b import PAPER_B_TABLE_1
from kcolor.experiments.registry import (NAMES, PROFILES, RECIPES, check_profile, config,
                                         describe, total_steps)
from kcolor.experiments.runner import (fit, fit_bins, model_path, models_folder, save,
                                       trained)
from kcolor.experiments.settings import merge

__all__ = ["NAMES", "PROFILES", "RECIPES", "deviations", "DeviationsTable", "PAPER_B_TABLE_1",
           "check_profile", "config", "build", "datasets", "fit", "fit_bins", "total_steps",
           "describe", "model_path", "network", "optimizer", "merge", "start_from",
           "models_folder", "save", "trained"]
