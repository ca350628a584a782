"""What every table kcolor prints shares (results, claims, deviations): showing itself in
Jupyter and under ``print``. A leaf module, so that the settings and the tables can both
use it without one importing the other."""

import html


def escape(text):
    """``text`` with its ``|`` escaped, for a markdown table cell."""
    return str(text).replace("|", "\\|")


class Shown:
    """Shows a table in Jupyter and under ``print``: markdown with its title above."""

    title = ""

    def _titled(self, table):
        return f"**{self.title}**\n\n{table}" if self.title else table

    def __str__(self):
        return self.markdown

    def _repr_markdown_(self):
        return self.markdown


def markdown_table(header, rows, align=None):
    """A markdown table: ``header``, then one line per row of cells (``|`` escaped).

    ``align`` gives ``"left"`` or ``"right"`` per column (default: all left).
    """
    align = align or ["left"] * len(header)
    lines = ["| " + " | ".join(escape(h) for h in header) + " |",
             "|" + "|".join("---:" if a == "right" else "---" for a in align) + "|"]
    lines += ["| " + " | ".join(escape(c) for c in cells) + " |" for cells in rows]
    return "\n".join(lines)


def html_table(css_class, title, header, rows, *, align=None, row_styles=None, footer=()):
    """An HTML table with a caption: ``rows`` hold cells already as HTML (escape text first).

    ``align`` as in ``markdown_table``; ``row_styles`` an inline style per row
    (``""`` for none); ``footer`` lines of text, each a row spanning the table.
    """
    align = align or ["left"] * len(header)
    out = [f'<table class="{css_class}">']
    if title:
        out.append(f"<caption>{html.escape(title)}</caption>")
    out.append("<thead><tr>" + "".join(f'<th style="text-align:{a}">{html.escape(h)}</th>'
                                       for h, a in zip(header, align)) + "</tr></thead><tbody>")
    for cells, style in zip(rows, row_styles or [""] * len(rows)):
        out.append((f'<tr style="{style}">' if style else "<tr>") + "".join(
            f'<td style="text-align:{a}">{c}</td>' for c, a in zip(cells, align)) + "</tr>")
    for line in footer:
        out.append(f'<tr><td colspan="{len(header)}" style="text-align:left">'
                   f"{html.escape(line)}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


__all__ = ["Shown", "escape", "html_table", "markdown_table"]
