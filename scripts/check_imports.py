"""Checks two import rules of the kcolor package; prints the offenders, if any.

1. No module of ``kcolor/experiments/`` imports ``kcolor.inference``,
   ``kcolor.plot`` or ``kcolor.tables``: the settings and the runner stay
   below the user-facing layer.
2. No kcolor module imports a private name (one ``_leading`` underscore,
   not a ``__dunder__``) from another kcolor package: a name a package keeps
   to itself is not another package's to use.

Reads the source with ``ast`` (nothing is imported), so it runs in a second.
Exits 0 and prints nothing when both rules hold, else prints one line per
offending import (``path:line: what``) and exits 1.

Usage::

    python scripts/check_imports.py [ROOT]     # ROOT: the repository (default: here)
"""

import ast
import sys
from pathlib import Path

FORBIDDEN_IN_EXPERIMENTS = ("kcolor.inference", "kcolor.plot", "kcolor.tables")


def module_name(path, root):
    """``kcolor/experiments/runner.py`` -> ``kcolor.experiments.runner``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def room(module):
    """The package a module belongs to: ``kcolor.experiments.runner`` -> ``kcolor.experiments``."""
    return ".".join(module.split(".")[:2])


def is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def imports(tree, module, is_package):
    """``(line, imported module, imported name or None)`` for every import in ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # a relative import, resolved against this module
                anchor = module.split(".")
                anchor = anchor[:len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                yield node.lineno, base, alias.name


def offences(path, root):
    """The rule-breaking imports of one source file, as ``path:line: what`` lines."""
    module = module_name(path, root)
    tree = ast.parse(path.read_text(), filename=str(path))
    out = []
    for line, imported, name in imports(tree, module, path.name == "__init__.py"):
        if not imported.startswith("kcolor"):
            continue
        where = f"{path.relative_to(root)}:{line}"
        full = imported if name is None else f"{imported}.{name}"
        if module.startswith("kcolor.experiments") and any(
                full == f or full.startswith(f + ".") for f in FORBIDDEN_IN_EXPERIMENTS):
            out.append(f"{where}: experiments imports {full}")
        target_room = room(full) if imported == "kcolor" else room(imported)
        if target_room == room(module):
            continue
        private = [part for part in full.split(".")[1:] if is_private(part)]
        if private:
            out.append(f"{where}: {module} imports the private {full} from {target_room}")
    return out


def check(root):
    """Every offence under ``root/kcolor``, in file order."""
    root = Path(root)
    out = []
    for path in sorted((root / "kcolor").rglob("*.py")):
        out += offences(path, root)
    return out


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    found = check(root)
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
