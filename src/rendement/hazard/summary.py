"""The printed summary of an estimation: text for a terminal, HTML for a notebook.

A :class:`Summary` holds the text a terminal shows (``print(res.summary())``)
and the same content as labelled parts - header lines, titled tables, notes -
that a notebook renders as HTML (``_repr_html_``), as statsmodels' and
lifelines' summaries do.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class SummaryTable:
    """One titled table of a summary (``lines``: notes below the table)."""

    title: str
    frame: pd.DataFrame | None = None
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Summary:
    """What an estimation says about itself: ``str()`` is text, ``_repr_html_()`` HTML."""

    text: str
    header: tuple[str, ...]
    tables: tuple[SummaryTable, ...]

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def __contains__(self, piece: str) -> bool:
        return piece in self.text

    def as_text(self) -> str:
        return self.text

    def as_html(self) -> str:
        """The summary as an HTML fragment (``templates/summary.html.j2``)."""
        from rendement.render import render

        return render("summary.html.j2", summary=self, float_format=lambda x: f"{x:.4g}")

    def _repr_html_(self) -> str:
        return self.as_html()


def format_p(p: float) -> str:
    """A p-value as printed in a summary: three decimals, or ``<0.001``."""
    return "<0.001" if p < 0.001 else f"{p:.3f}"
