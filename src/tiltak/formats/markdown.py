"""Aligned markdown tables, readable in a terminal and in any markdown viewer.

Months of a range follow each other, each under its own title.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tiltak.formats import MonthTables, RenderOptions
from tiltak.formats.text import cells
from tiltak.model import TITLE, format_periode
from tiltak.tables import Block


def render(months: Sequence[MonthTables], options: RenderOptions) -> str:
    return "\n".join(render_month(month.periode, month.blocks) for month in months)


def render_month(periode: date, blocks: Sequence[Block]) -> str:
    parts = [f"# {TITLE}", "", format_periode(periode)]
    for block in blocks:
        title = f"## {block.table.number}. {block.table.heading}"
        parts += ["", title + (f" — {block.kjonn}" if block.kjonn else ""), ""]
        header = ["", *block.table.columns]
        body = [
            [f"**{row.label}**" if row.is_sum else row.label, *cells(block.table, row)]
            for row in block.rows
        ]
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        parts.append(_markdown_row(header, widths))
        parts.append("|" + "|".join([":" + "-" * (widths[0] + 1)] + [
            "-" * (w + 1) + ":" for w in widths[1:]
        ]) + "|")  # fmt: skip
        parts += [_markdown_row(r, widths) for r in body]
    return "\n".join(parts) + "\n"


def _markdown_row(row_cells: Sequence[str], widths: Sequence[int]) -> str:
    first = f" {row_cells[0]:<{widths[0]}} "
    rest = [f" {c:>{w}} " for c, w in zip(row_cells[1:], widths[1:], strict=True)]
    return "|" + "|".join([first, *rest]) + "|"
