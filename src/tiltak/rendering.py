"""Rendering: the published tables, read back from the `rapport` views, in every format.

The text format is the publication's own layout (docs/publication.md), so `load-report`
accepts what `tiltak render` writes. CSV and xlsx live in formats.py, the HTML page in htmlpage.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from sqlalchemy import column, select, table
from sqlalchemy.engine import Connection

from tiltak.errors import UsageError
from tiltak.formats import render_csv, render_xlsx
from tiltak.htmlpage import render_html
from tiltak.model import (
    HIDDEN_SHOWN,
    KJONN,
    TABLES,
    TABLES_BY_VIEW,
    TITLE,
    TableSpec,
    format_periode,
)
from tiltak.tables import Block, Row


def select_tables(name: str | None) -> tuple[TableSpec, ...]:
    """All six tables, or the one named by view name (``hovedgrupper``) or number (``1``)."""
    if name is None:
        return TABLES
    by_number = {str(spec.number): spec for spec in TABLES}
    spec = TABLES_BY_VIEW.get(name) or by_number.get(name)
    if spec is None:
        choices = ", ".join(s.view for s in TABLES)
        raise UsageError(f"unknown table {name!r}; choose one of: {choices} (or 1-6)")
    return (spec,)


def fetch_blocks(connection: Connection, periode: date, specs: Iterable[TableSpec]) -> list[Block]:
    """The blocks of the given tables for one month, as the views compute them."""
    blocks: list[Block] = []
    for spec in specs:
        names = ["kjonn", "radnr", "rad", "er_sum", *spec.view_columns]
        if not spec.by_kjonn:
            names.remove("kjonn")
        view = table(spec.view, *(column(n) for n in ["periode", *names]), schema="rapport")
        query = select(*(view.c[n] for n in names)).where(view.c.periode == periode)
        rows = [r._mapping for r in connection.execute(query.order_by(view.c.radnr))]
        for kjonn in KJONN if spec.by_kjonn else (None,):
            block_rows = tuple(
                Row(
                    ("view", r["rad"]),
                    r["rad"],
                    r["er_sum"],
                    tuple(r[c] for c in spec.view_columns),
                )
                for r in rows
                if kjonn is None or r["kjonn"] == kjonn
            )
            if block_rows:
                blocks.append(Block(spec, kjonn, block_rows))
    return blocks


def format_number(value: int | None) -> str:
    """``76393`` → ``'76 393'``, as NAV prints it; None → blank."""
    return "" if value is None else f"{value:,}".replace(",", " ")


def _cells(spec: TableSpec, row: Row) -> list[str]:
    return [_cell(spec, index, value) for index, value in enumerate(row.values)]


def _cell(spec: TableSpec, index: int, value: int | None) -> str:
    if value is None and spec.is_count(index):
        return HIDDEN_SHOWN  # a count the views give as NULL is hidden (a blank count is 0)
    if value == 0 and not spec.has_endring:
        return ""  # tables 5-6 print a zero count as a blank cell
    return format_number(value)


def render_text(periode: date, blocks: Sequence[Block], page_rows: int | None = None) -> str:
    """The publication's text layout: one page per block, loadable by `load-report`.

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
                cells = [row.label, *_cells(block.table, row)]
                if row.is_sum:
                    cells = [f"<b>{c}</b>" if c else "" for c in cells]
                lines.append("\t".join(cells))
            pages.append("\n".join(lines))
    return "\n\n\n\n".join(pages) + "\n"


def _page_rows(block: Block, page_rows: int | None) -> list[tuple[Row, ...]]:
    if page_rows is None or block.table.has_endring or len(block.rows) <= page_rows + 1:
        return [block.rows]
    total, body = block.rows[0], block.rows[1:]
    return [(total, *body[i : i + page_rows]) for i in range(0, len(body), page_rows)]


def render_markdown(periode: date, blocks: Sequence[Block]) -> str:
    """Aligned markdown tables, readable in a terminal and in any markdown viewer."""
    parts = [f"# {TITLE}", "", format_periode(periode)]
    for block in blocks:
        title = f"## {block.table.number}. {block.table.heading}"
        parts += ["", title + (f" — {block.kjonn}" if block.kjonn else ""), ""]
        header = ["", *block.table.columns]
        body = [
            [f"**{row.label}**" if row.is_sum else row.label, *_cells(block.table, row)]
            for row in block.rows
        ]
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        parts.append(_markdown_row(header, widths))
        parts.append("|" + "|".join([":" + "-" * (widths[0] + 1)] + [
            "-" * (w + 1) + ":" for w in widths[1:]
        ]) + "|")  # fmt: skip
        parts += [_markdown_row(r, widths) for r in body]
    return "\n".join(parts) + "\n"


def _markdown_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    first = f" {cells[0]:<{widths[0]}} "
    rest = [f" {c:>{w}} " for c, w in zip(cells[1:], widths[1:], strict=True)]
    return "|" + "|".join([first, *rest]) + "|"


Renderer = Callable[[date, Sequence[Block]], str | bytes]
# Keys are model.RENDER_FORMATS; xlsx is the one binary format.
RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "markdown": render_markdown,
    "csv": render_csv,
    "xlsx": render_xlsx,
    "html": render_html,
}
