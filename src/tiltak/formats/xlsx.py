"""An Excel workbook of the published tables: one sheet per table, figures as numbers.

A month's sheet is laid out as the publication prints the table; a range's sheet is one long
table with a periode (a date shown as YYYY-MM) and kjønn column, ready for a filter or a
pivot table. Either way the panes are frozen below the header and beside the labels, and the
sheet prints in landscape, one page wide, its header row repeated on every page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from tiltak.formats import MonthTables, RenderOptions
from tiltak.model import HIDDEN_LEGEND, HIDDEN_SHOWN, TITLE, TableKind, TableSpec, format_periode
from tiltak.tables import Block, Row

# Excel number formats. The third section of a format is for zero: tables 5 and 6 print a
# zero count as a blank cell, so the workbook shows it blank too while storing the number 0.
_COUNT_FORMAT = "#,##0"
_BLANK_ZERO_FORMAT = "#,##0;-#,##0;"
_PERCENT_FORMAT = "0"
_PERIODE_FORMAT = "yyyy-mm"
_LABEL_HEADINGS: dict[TableKind, str] = {
    "hovedgrupper": "Hovedgruppe",
    "tiltaksgrupper": "Tiltaksgruppe",
    "tiltak": "Tiltak",
}


def render(months: Sequence[MonthTables], options: RenderOptions) -> bytes:
    """A workbook with one sheet per table; figures are numbers, sum rows bold."""
    # Lazy: openpyxl takes longer to import than the whole CLI needs to start.
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    first, last = months[0].periode, months[-1].periode
    when = (
        format_periode(last) if first == last else f"{format_periode(first)}–{format_periode(last)}"
    )
    workbook.properties.title = f"{TITLE}, {when}"
    workbook.properties.creator = "tiltak"
    specs = {block.table for month in months for block in month.blocks}
    for spec in sorted(specs, key=lambda spec: spec.number):
        sheet = workbook.create_sheet(title=spec.heading[:31])
        _title(sheet, spec, when)
        if options.ranged:
            header_row, label_column = _fill_long_table(sheet, spec, months)
        else:
            blocks = [b for b in months[-1].blocks if b.table == spec]
            header_row, label_column = _fill_month(sheet, spec, blocks), 1
        _print_setup(sheet, header_row, label_column)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _title(sheet: Any, spec: TableSpec, when: str) -> None:
    from openpyxl.styles import Font

    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"{spec.number}. {spec.heading}"])
    sheet["A2"].font = Font(bold=True)
    sheet.append([when])


def _fill_month(sheet: Any, spec: TableSpec, blocks: Sequence[Block]) -> int:
    """The table as published, a part per kjønn; the row of the first header."""
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    first_header = 0
    for block in blocks:
        sheet.append([])
        if block.kjonn:
            sheet.append([block.kjonn])
            sheet.cell(sheet.max_row, 1).font = bold
        sheet.append(["", *spec.columns])
        first_header = first_header or sheet.max_row
        for cell in sheet[sheet.max_row][1:]:
            cell.font = bold
            cell.alignment = Alignment(horizontal="right", wrap_text=True)
        for row in block.rows:
            _append_row(sheet, spec, row, [row.label])
    _legend(sheet, [row for block in blocks for row in block.rows], spec)
    widest = max(len(row.label) for block in blocks for row in block.rows)
    sheet.column_dimensions["A"].width = max(widest + 2, 20)
    for letter in "BCDE"[: len(spec.columns)]:
        sheet.column_dimensions[letter].width = 16
    return first_header


def _fill_long_table(sheet: Any, spec: TableSpec, months: Sequence[MonthTables]) -> tuple[int, int]:
    """Every month's rows under one header; the header's row and the label column."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    kjonn_column = ["Kjønn"] if spec.by_kjonn else []
    sheet.append([])
    sheet.append(["Periode", *kjonn_column, _LABEL_HEADINGS[spec.kind], *spec.columns])
    header_row, label_column = sheet.max_row, 2 + len(kjonn_column)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(
            horizontal="left" if cell.column <= label_column else "right", wrap_text=True
        )
    rows: list[Row] = []
    for month in months:
        for block in (b for b in month.blocks if b.table == spec):
            for row in block.rows:
                kjonn = [block.kjonn or ""] if spec.by_kjonn else []
                _append_row(sheet, spec, row, [month.periode, *kjonn, row.label])
                sheet.cell(sheet.max_row, 1).number_format = _PERIODE_FORMAT
                rows.append(row)
    last_column = get_column_letter(label_column + len(spec.columns))
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{sheet.max_row}"
    _legend(sheet, rows, spec)
    widths = [10, *([10] * len(kjonn_column)), max(len(r.label) for r in rows) + 2]
    widths += [16] * len(spec.columns)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return header_row, label_column


def _append_row(sheet: Any, spec: TableSpec, row: Row, leading: list[str | date]) -> None:
    from openpyxl.styles import Alignment, Font

    hidden = _hidden(spec, row)
    shown = [HIDDEN_SHOWN if h else v for h, v in zip(hidden, row.values, strict=True)]
    sheet.append([*leading, *shown])
    figures = sheet[sheet.max_row][len(leading) :]
    formats = _number_formats(spec.has_endring, len(row.values))
    for cell, number_format, is_hidden in zip(figures, formats, hidden, strict=True):
        cell.number_format = number_format
        if is_hidden:
            cell.alignment = Alignment(horizontal="right")
    if row.is_sum:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)


def _hidden(spec: TableSpec, row: Row) -> list[bool]:
    return [v is None and spec.is_count(i) for i, v in enumerate(row.values)]


def _legend(sheet: Any, rows: Sequence[Row], spec: TableSpec) -> None:
    if any(any(_hidden(spec, row)) for row in rows):
        sheet.append([])
        sheet.append([HIDDEN_LEGEND])


def _print_setup(sheet: Any, header_row: int, label_column: int) -> None:
    """Landscape A4, one page wide and as many long as needed, the header on every page."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = f"{get_column_letter(label_column + 1)}{header_row + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages long as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_options.gridLines = False


def _number_formats(has_endring: bool, count: int) -> list[str]:
    if has_endring:  # Antall, Endring Antall, Endring Prosent
        return [_COUNT_FORMAT, _COUNT_FORMAT, _PERCENT_FORMAT]
    return [_BLANK_ZERO_FORMAT] * count
