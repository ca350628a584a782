"""The course guide (docs/course.md) covers every notebook and quotes the published quick times.

``docs/quick/index.html`` is the published quick run: each notebook's section
says how long it ran ("profile: quick · ran in 2 min 16 s"). The guide copies
those wall times into its lab-time table and into each notebook's "Lab time"
section; these tests fail when a copy differs from the page (for example after
the page is rebuilt by a new quick run), when a notebook of ``notebooks/`` has
no section in the guide, or when a section lacks one of its parts.
"""

import html
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "course.md"
PAGE = ROOT / "docs" / "quick" / "index.html"

# The parts every notebook's section has, as "### " headings, in this order.
PARTS = ("Learning objectives", "Prerequisites", "Lab time", "Key equations",
         "Discussion questions", "Common mistakes")
# How many numbered items two of the parts hold (the brief).
COUNTS = {"Learning objectives": (3, 5), "Discussion questions": (2, 3)}
DURATION = r"(?:\d+ min \d{2} s|\d+ s)"  # "14 s", "2 min 16 s": the page's format


def notebook_numbers():
    """``{"00": "00_colour_data_metrics", ...}`` for the numbered notebooks."""
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    return {p.stem[:2]: p.stem for p in paths}


def page_quick_times(text):
    """``{notebook stem: "2 min 16 s"}`` from the published page's section headers."""
    times = {}
    for stem, body in re.findall(r'<h2 id="([^"]+)">(.*?)(?=<h2 id=|\Z)', text, re.S):
        # "profile: quick · ran in 2 min 16 s" (pages before the summary layout) or
        # "quick profile · <data> · ran in 2 min 16 s · <links>".
        meta = (re.search(r'<p class="meta">profile: quick [^<]*?ran in ([^<]+)</p>', body)
                or re.search(r'<p class="meta">quick profile [^<]*?ran in ([^<·]+?)\s*(?:·|</p>)',
                             body))
        if meta:
            times[stem] = html.unescape(meta.group(1)).strip()
    return times


def page_total(text):
    """The page's "All notebooks together ran in ..." time, or None."""
    match = re.search(r"All notebooks together ran in (" + DURATION + r")", text)
    return match.group(1) if match else None


def guide_table_times(text):
    """``{"00": (smoke, quick, colab)}`` from the guide's lab-time table."""
    rows = {}
    for line in text.splitlines():
        match = re.match(r"\|\s*(\d\d) · [^|]*\|([^|]*)\|([^|]*)\|([^|]*)\|\s*$", line)
        if match:
            number, *cells = match.groups()
            rows[number] = tuple(cell.strip() for cell in cells)
    return rows


def guide_sections(text):
    """``{"00": section text}`` for each ``## NN · title`` section of the guide."""
    parts = re.split(r"^## ", text, flags=re.M)[1:]
    return {part[:2]: part for part in parts if re.match(r"\d\d · ", part)}


def section_parts(section):
    """``{"Learning objectives": text, ...}`` for the ``### `` parts of one section."""
    pieces = re.split(r"^### (.+)$", section, flags=re.M)
    return {title.strip(): body for title, body in zip(pieces[1::2], pieces[2::2])}


def numbered_items(body):
    return re.findall(r"^\d+\. ", body, flags=re.M)


def section_problems(number, section):
    """What is missing or malformed in one notebook's section (empty when none)."""
    problems = []
    parts = section_parts(section)
    missing = [part for part in PARTS if part not in parts]
    if missing:
        return [f"{number}: no {', '.join(missing)} part"]
    if list(p for p in parts if p in PARTS) != list(PARTS):
        problems.append(f"{number}: parts out of order: {list(parts)}")
    for part, (low, high) in COUNTS.items():
        n = len(numbered_items(parts[part]))
        if not low <= n <= high:
            problems.append(f"{number}: {part} has {n} numbered items, wants {low} to {high}")
    if "Notebooks:" not in parts["Prerequisites"] or "Concepts:" not in parts["Prerequisites"]:
        problems.append(f"{number}: Prerequisites must name concepts and notebooks")
    if "$" not in parts["Key equations"]:
        problems.append(f"{number}: Key equations holds no equation")
    if len(re.findall(r"^\* ", parts["Common mistakes"], flags=re.M)) < 2:
        problems.append(f"{number}: Common mistakes lists fewer than two")
    lab = " ".join(parts["Lab time"].split())
    if not re.search(r"Smoke " + DURATION + r" \(measured here\)", lab):
        problems.append(f"{number}: Lab time has no measured smoke time")
    if not re.search(r"Colab GPU [^·]*\(estimate", lab):
        problems.append(f"{number}: Lab time has no Colab GPU estimate labelled as one")
    return problems


def guide_quick_problems(guide, page):
    """Every place where the guide's quick times and the page's disagree."""
    problems = []
    published = page_quick_times(page)
    table = guide_table_times(guide)
    sections = guide_sections(guide)
    for number, stem in notebook_numbers().items():
        if stem not in published:
            problems.append(f"{stem}: no quick time on docs/quick/index.html")
            continue
        want = published[stem]
        row = table.get(number)
        if row is None:
            problems.append(f"{number}: no row in the guide's lab-time table")
        elif row[1] != want:
            problems.append(f"{number}: the table says quick {row[1]!r}, the page {want!r}")
        lab = section_parts(sections.get(number, "")).get("Lab time", "")
        said = re.search(r"quick (" + DURATION + r") \(measured", " ".join(lab.split()))
        if said is None or said.group(1) != want:
            problems.append(f"{number}: the Lab time section says quick "
                            f"{said.group(1) if said else None!r}, the page {want!r}")
    total = page_total(page)
    if total is None or f"All nine together: {total}." not in " ".join(guide.split()):
        problems.append(f"the guide does not quote the page's total, {total!r}")
    return problems


@pytest.fixture(scope="module")
def guide():
    return GUIDE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page():
    return PAGE.read_text(encoding="utf-8")


def test_the_parsers_read_every_notebook(guide, page):
    numbers = notebook_numbers()
    assert len(numbers) == 9, numbers
    assert set(page_quick_times(page)) == set(numbers.values())
    assert set(guide_table_times(guide)) == set(numbers)
    assert page_total(page) is not None


def test_quick_lab_times_match_the_published_page(guide, page):
    assert guide_quick_problems(guide, page) == []


def test_every_notebook_has_a_complete_section(guide):
    sections = guide_sections(guide)
    problems = [f"{number} ({stem}): no '## {number} · ' section"
                for number, stem in notebook_numbers().items() if number not in sections]
    for number, section in sections.items():
        problems += section_problems(number, section)
    assert problems == []


def test_sections_link_their_notebook_and_solution(guide):
    sections = guide_sections(guide)
    for number, stem in notebook_numbers().items():
        assert f"notebooks/{stem}.ipynb" in sections[number], number
        assert f"solutions/{stem}.ipynb" in sections[number], number


def test_every_relative_link_resolves(guide):
    # Markdown links such as [`solutions/00_x.ipynb`](../solutions/00_x.ipynb).
    targets = re.findall(r"\]\(((?!https?:)[^)#]+)\)", guide)
    assert len(targets) > 20, targets
    missing = sorted({t for t in targets if not (GUIDE.parent / t).exists()})
    assert missing == [], missing


def test_every_lab_time_is_filled_in(guide):
    for number, (smoke, quick, colab) in guide_table_times(guide).items():
        assert re.fullmatch(DURATION, smoke), (number, smoke)
        assert re.fullmatch(DURATION, quick), (number, quick)
        assert "min" in colab, (number, colab)
    assert "SMOKE_" not in guide


def test_a_changed_quick_time_is_caught(guide, page):
    # 01's quick time, altered on the page and, separately, in the guide.
    published = page_quick_times(page)["01_koo_baseline"]
    altered_page = re.sub(rf"ran in {re.escape(published)}(\s*(?:·|</p>))", r"ran in 9 min 59 s\1",
                          page, count=1)
    assert altered_page != page
    assert any(p.startswith("01:") for p in guide_quick_problems(guide, altered_page))
    altered_guide = guide.replace(f"quick {published} (measured", "quick 9 min 59 s (measured", 1)
    assert altered_guide != guide
    assert any("Lab time section" in p for p in guide_quick_problems(altered_guide, page))


def test_a_missing_part_or_notebook_is_caught(guide):
    section = guide_sections(guide)["05"]
    assert section_problems("05", section.replace("### Common mistakes", "### Pitfalls")) == [
        "05: no Common mistakes part"]
    without_07 = re.sub(r"^## 07 · .*?(?=^## )", "", guide, flags=re.M | re.S)
    assert "07" not in guide_sections(without_07)
