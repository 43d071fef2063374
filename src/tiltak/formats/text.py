"""The publication's own text layout (docs/publication.md): `load-report` loads it back.

Months of a range follow each other, each as the pages of its own report.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tiltak.formats import MonthTables, RenderOptions
from tiltak.model import HIDDEN_SHOWN, TITLE, TableSpec, format_periode
from tiltak.tables import Block, Row

PAGE_BREAK = "\n\n\n\n"


def render(months: Sequence[MonthTables], options: RenderOptions) -> str:
    return PAGE_BREAK.join(
        render_text(month.periode, month.blocks, options.page_rows) for month in months
    )


def format_number(value: int | None) -> str:
    """``76393`` → ``'76 393'``, as NAV prints it; None → blank."""
    return "" if value is None else f"{value:,}".replace(",", " ")


def cells(spec: TableSpec, row: Row) -> list[str]:
    """A row's figures as the publication prints them."""
    return [_cell(spec, index, value) for index, value in enumerate(row.values)]


def _cell(spec: TableSpec, index: int, value: int | None) -> str:
    if value is None and spec.is_count(index):
        return HIDDEN_SHOWN  # a count the views give as NULL is hidden (a blank count is 0)
    if value == 0 and not spec.has_endring:
        return ""  # tables 5-6 print a zero count as a blank cell
    return format_number(value)


def render_text(periode: date, blocks: Sequence[Block], page_rows: int | None = None) -> str:
    """One month in the publication's layout: one page per block.

    With `page_rows`, tables 5 and 6 run over pages of at most that many rows below the
    grand total, which each continued page repeats with the header, as NAV pages them.
    """
    pages = []
    for block in blocks:
        for rows in _page_rows(block, page_rows):
            lines = [f"# {TITLE}", "", f"## {block.table.heading}", "", format_periode(periode), ""]
            if block.kjonn:
                lines += [f"### {block.kjonn}", ""]
            lines.append("\t" + "\t".join(block.table.columns))
            for row in rows:
                row_cells = [row.label, *cells(block.table, row)]
                if row.is_sum:
                    row_cells = [f"<b>{c}</b>" if c else "" for c in row_cells]
                lines.append("\t".join(row_cells))
            pages.append("\n".join(lines))
    return PAGE_BREAK.join(pages) + "\n"


def _page_rows(block: Block, page_rows: int | None) -> list[tuple[Row, ...]]:
    if page_rows is None or block.table.has_endring or len(block.rows) <= page_rows + 1:
        return [block.rows]
    total, body = block.rows[0], block.rows[1:]
    return [(total, *body[i : i + page_rows]) for i in range(0, len(body), page_rows)]
