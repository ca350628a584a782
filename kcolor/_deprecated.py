"""Old names that keep working for one release, with a warning that names the new one."""

import importlib
import warnings


def warn(old, new):
    """Warns that ``old`` is deprecated and will go in the next release: use ``new``."""
    warnings.warn(f"{old} is deprecated and will be removed in the next release; use {new}.",
                  DeprecationWarning, stacklevel=3)


def moved(module_name, renames):
    """A module ``__getattr__`` that serves each old name from its new home, with a warning.

    Args:
        module_name: the module's ``__name__``.
        renames: ``{old name: "kcolor.module.new_name"}``.

    Returns:
        A function to assign to the module's ``__getattr__``: an old name
        warns (``DeprecationWarning``) and returns the new object; any other
        name raises ``AttributeError``.

    Example:

    >>> __getattr__ = moved(__name__, {"metrics_table": "kcolor.tables.metrics_table"})
    """

    def __getattr__(name):
        if name not in renames:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        warn(f"{module_name}.{name}", renames[name])
        module, _, attribute = renames[name].rpartition(".")
        return getattr(importlib.import_module(module), attribute)

    return __getattr__
