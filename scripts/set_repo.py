"""Points every Colab badge, GitHub link and install cell at one repository.

    python scripts/set_repo.py OWNER/NAME     # a fork or a course's own copy
    python scripts/set_repo.py --check        # exit 1 if a link disagrees

The repository is named once, in ``pyproject.toml`` (``[project.urls]``,
``Repository = "https://github.com/OWNER/NAME"``). This script writes OWNER/NAME
there and into every link to the repository in the notebooks, README.md,
notebooks/README.md and docs/: the "Run in Google Colab" and "View on GitHub"
buttons, the Colab install cells (``pip install git+https://github.com/...``)
and links to files in the repository. Links to other repositories are left
alone. Running it twice changes nothing the second time. ``--check`` changes
nothing: it lists the files whose links disagree with ``pyproject.toml``.
"""

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_REPO = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]+"
VALID = re.compile(rf"^{_REPO}$")
SETTING = re.compile(r'^(Repository\s*=\s*")https://github\.com/(' + _REPO + r')(")', re.M)
# Links that always name this repository, whichever owner/name they hold now:
# Colab badges (they open this repository's notebooks), install lines and
# "View on GitHub" links to its notebooks.
ALWAYS_OURS = [
    re.compile(r"(colab\.research\.google\.com/github/)(" + _REPO + r")(/)"),
    re.compile(r"(git\+https://github\.com/)(" + _REPO + r"?)(?=[\s\"'`)@#]|\.git|\\|$)", re.M),
    re.compile(r"(github\.com/)(" + _REPO + r")(/(?:blob|tree)/[^/\s\"]+/notebooks/)"),
]


def files(root):
    """The files whose links this script keeps in step."""
    paths = [root / "README.md", root / "notebooks" / "README.md"]
    paths += sorted((root / "notebooks").glob("*.ipynb"))
    docs = root / "docs"
    if docs.is_dir():
        paths += sorted(p for p in docs.rglob("*") if p.suffix in (".md", ".html", ".ipynb"))
    return [p for p in paths if p.is_file()]


def setting(root=ROOT):
    """The ``OWNER/NAME`` that ``pyproject.toml`` names."""
    found = SETTING.search((root / "pyproject.toml").read_text(encoding="utf-8"))
    if not found:
        raise SystemExit('pyproject.toml has no [project.urls] Repository = '
                         '"https://github.com/OWNER/NAME" line')
    return found.group(2)


def _other_links(old):
    """Links into the repository ``old``: ``github.com/old`` then ``/``, ``"`` or the end."""
    return re.compile(r"(github\.com/)(" + re.escape(old) + r")(?=[/\"'\s)`#]|\.git|\\|$)", re.M)


def rewrite(text, old, new):
    """``text`` with every link to this repository (now ``old``) pointing at ``new``."""
    for pattern in ALWAYS_OURS:
        text = pattern.sub(lambda m: m.group(1) + new + (m.group(3) if m.lastindex >= 3 else ""),
                           text)
    return _other_links(old).sub(lambda m: m.group(1) + new, text)


def disagreements(text, repo):
    """The repositories named by this repository's links in ``text`` other than ``repo``."""
    found = {m.group(2) for pattern in ALWAYS_OURS for m in pattern.finditer(text)}
    return sorted(found - {repo})


def main(argv=None, root=ROOT):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", nargs="?", help="OWNER/NAME on GitHub")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a link disagrees with pyproject.toml")
    args = parser.parse_args(argv)
    root = Path(root)
    current = setting(root)
    if args.check:
        if args.repo:
            parser.error("--check takes no OWNER/NAME: it checks against pyproject.toml")
        bad = {}
        for path in files(root):
            others = disagreements(path.read_text(encoding="utf-8"), current)
            if others:
                bad[path] = others
        for path, others in bad.items():
            print(f"{path.relative_to(root)}: links to {', '.join(others)}, not {current}")
        if not bad:
            print(f"every link names {current}")
        return 1 if bad else 0
    if not args.repo or not VALID.match(args.repo):
        parser.error(f"give the repository as OWNER/NAME (GitHub's spelling), not {args.repo!r}")
    new = args.repo.removesuffix(".git")
    changed = []
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    updated = SETTING.sub(lambda m: m.group(1) + "https://github.com/" + new + m.group(3), text)
    for path in [pyproject, *files(root)]:
        if path != pyproject:
            text = path.read_text(encoding="utf-8")
            updated = rewrite(text, current, new)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed.append(path.relative_to(root).as_posix())
    print(f"{current} -> {new}: {len(changed)} file(s) changed" +
          "".join(f"\n  {name}" for name in changed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
