"""Points every Colab badge, GitHub link and install cell at one repository and one release.

    python scripts/set_repo.py OWNER/NAME             # a fork or a course's own copy
    python scripts/set_repo.py --ref v0.2.0           # the release (tag) or commit to install
    python scripts/set_repo.py OWNER/NAME --ref SHA   # both at once
    python scripts/set_repo.py --check                # exit 1 if a link disagrees

The repository is named once, in ``pyproject.toml`` (``[project.urls]``,
``Repository = "https://github.com/OWNER/NAME"``). This script writes OWNER/NAME
there and into every link to the repository in the notebooks, README.md,
notebooks/README.md and docs/: the "Run in Google Colab" and "View on GitHub"
buttons, the Colab install cells (``pip install git+https://github.com/...``)
and links to files in the repository. Links to other repositories are left
alone. Running it twice changes nothing the second time. ``--check`` changes
nothing: it lists the files whose links disagree with ``pyproject.toml``.

The ref (``--ref``: a tag such as ``v0.1.0`` or a commit sha) is what a
student gets on Colab: every install cell installs
``git+https://github.com/OWNER/NAME@REF``, and every Colab badge and "View on
GitHub" link opens the notebooks at ``blob/REF``, so that the notebook and the
library come from the same release rather than from whatever ``main`` holds
that day. The notebooks' install cells hold the ref (``current_ref``);
``--check`` also fails when the notebooks or README.md name another ref or
install without one, and warns when this clone has no such tag or commit
(create the tag before publishing: ``git tag v0.1.0 && git push --tags``).
A release: ``set_repo.py --ref vX.Y.Z``, commit, ``git tag vX.Y.Z``, push.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_REPO = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]+"
VALID = re.compile(rf"^{_REPO}$")
VALID_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_REF = r"[A-Za-z0-9][A-Za-z0-9._-]*"
SETTING = re.compile(r'^(Repository\s*=\s*")https://github\.com/(' + _REPO + r')(")', re.M)
# Links that always name this repository, whichever owner/name they hold now:
# Colab badges (they open this repository's notebooks), install lines and
# "View on GitHub" links to its notebooks.
ALWAYS_OURS = [
    re.compile(r"(colab\.research\.google\.com/github/)(" + _REPO + r")(/)"),
    re.compile(r"(git\+https://github\.com/)(" + _REPO + r"?)(?=[\s\"'`)@#]|\.git|\\|$)", re.M),
    re.compile(r"(github\.com/)(" + _REPO + r")(/(?:blob|tree)/[^/\s\"]+/notebooks/)"),
]


# Where a link names the ref: Colab badges and GitHub links to the notebooks
# (``blob/REF/notebooks/``), and install lines (``git+https://github.com/O/N@REF``,
# or without ``@REF``: then they install the default branch).
REF_LINKS = [
    re.compile(r"(colab\.research\.google\.com/github/" + _REPO + r"/blob/)(" + _REF + r")(/)"),
    re.compile(r"(github\.com/" + _REPO + r"/(?:blob|tree)/)(" + _REF + r")(/notebooks/)"),
]
INSTALL = re.compile(r"(git\+https://github\.com/" + _REPO + r"?)(?:\.git)?(@" + _REF
                     + r")?(?=[\s\"'`)#]|\\|$)", re.M)


def refs(text):
    """The refs named by the badges, links and install lines in ``text`` (None: no ref)."""
    found = {m.group(2) for pattern in REF_LINKS for m in pattern.finditer(text)}
    found |= {m.group(2)[1:] if m.group(2) else None for m in INSTALL.finditer(text)}
    return found


def rewrite_ref(text, ref):
    """``text`` with every badge, notebook link and install line at ``ref``."""
    for pattern in REF_LINKS:
        text = pattern.sub(lambda m: m.group(1) + ref + m.group(3), text)
    return INSTALL.sub(lambda m: m.group(1) + "@" + ref, text)


def current_ref(root=ROOT):
    """The ref that the notebooks' install cells install (None when they name none)."""
    for path in sorted((Path(root) / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for m in INSTALL.finditer(path.read_text(encoding="utf-8")):
            return m.group(2)[1:] if m.group(2) else None
    return None


def _ref_exists(ref, root):
    """Whether ``ref`` is a tag or commit of the git clone at ``root`` (None: not a clone)."""
    try:
        proc = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet",
                               f"{ref}^{{commit}}"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.returncode == 0


def _ref_checked(root):
    """The files whose ref ``--check`` verifies: the notebooks and README.md."""
    return [p for p in files(root) if p.suffix == ".ipynb" or p.name == "README.md"
            and p.parent == root]


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
    parser.add_argument("--ref", help="the tag (e.g. v0.1.0) or commit sha to install and open")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a link disagrees with pyproject.toml "
                             "or the notebooks' ref")
    args = parser.parse_args(argv)
    root = Path(root)
    current = setting(root)
    if args.check:
        if args.repo or args.ref:
            parser.error("--check takes no OWNER/NAME or --ref: it checks against pyproject.toml "
                         "and the notebooks' install cells")
        return _check(root, current)
    if not args.repo and not args.ref:
        parser.error("give the repository as OWNER/NAME, or --ref, or --check")
    if args.repo and not VALID.match(args.repo):
        parser.error(f"give the repository as OWNER/NAME (GitHub's spelling), not {args.repo!r}")
    if args.ref is not None and not VALID_REF.match(args.ref):
        parser.error(f"--ref must be a tag or commit sha (letters, digits, '.', '_', '-'), "
                     f"not {args.ref!r}")
    new = args.repo.removesuffix(".git") if args.repo else current
    changed = []
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    updated = SETTING.sub(lambda m: m.group(1) + "https://github.com/" + new + m.group(3), text)
    for path in [pyproject, *files(root)]:
        if path != pyproject:
            text = path.read_text(encoding="utf-8")
            updated = rewrite(text, current, new)
            if args.ref:
                updated = rewrite_ref(updated, args.ref)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed.append(path.relative_to(root).as_posix())
    what = f"{current} -> {new}" + (f" at {args.ref}" if args.ref else "")
    print(f"{what}: {len(changed)} file(s) changed" + "".join(f"\n  {name}" for name in changed))
    if args.ref and _ref_exists(args.ref, root) is False:
        print(f"note: {args.ref} is not yet a tag or commit of this clone; create it before "
              f"publishing (git tag {args.ref} && git push --tags)")
    return 0


def _check(root, current):
    """``--check``: 1 if a link names another repository, or a notebook another ref."""
    bad = {}
    for path in files(root):
        others = disagreements(path.read_text(encoding="utf-8"), current)
        if others:
            bad[path] = others
    for path, others in bad.items():
        print(f"{path.relative_to(root)}: links to {', '.join(others)}, not {current}")
    ref = current_ref(root)
    wrong = 0
    if ref is None:
        wrong += 1
        print("the notebooks' install cells install the default branch: "
              "run set_repo.py --ref TAG_OR_SHA")
    for path in _ref_checked(root):
        others = sorted(str(r) for r in refs(path.read_text(encoding="utf-8")) - {ref})
        if others:
            wrong += 1
            print(f"{path.relative_to(root)}: links or installs at {', '.join(others)}, "
                  f"not {ref}")
    if not bad and not wrong:
        print(f"every link names {current}, every notebook installs and opens {ref}")
    if ref and _ref_exists(ref, root) is False:
        print(f"warning: {ref} is not a tag or commit of this clone: create it before "
              f"publishing (git tag {ref} && git push --tags)")
    return 1 if bad or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
