"""What every table kcolor prints shares (results, claims, deviations): showing itself in
Jupyter and under ``print``. A leaf module, so that the settings and the tables can both
use it without one importing the other."""


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


__all__ = ["Shown", "escape"]
