"""An Excel workbook of the published tables: one sheet per table, figures as numbers."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from itertools import groupby
from typing import Any

from tiltak.formats import MonthTables, RenderOptions
from tiltak.model import HIDDEN_LEGEND, HIDDEN_SHOWN, TITLE, format_periode
from tiltak.tables import Block

# Excel number formats. The third section of a format is for zero: tables 5 and 6 print a
# zero count as a blank cell, so the workbook shows it blank too while storing the number 0.
_COUNT_FORMAT = "#,##0"
_BLANK_ZERO_FORMAT = "#,##0;-#,##0;"
_PERCENT_FORMAT = "0"


def render(months: Sequence[MonthTables], options: RenderOptions) -> bytes:
    """A workbook with one sheet per table; figures are numbers, sum rows bold."""
    periode, blocks = months[-1].periode, months[-1].blocks
    # Lazy: openpyxl takes longer to import than the whole CLI needs to start.
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for _number, table_blocks in groupby(blocks, key=lambda b: b.table.number):
        table_blocks_list = list(table_blocks)
        sheet = workbook.create_sheet(title=table_blocks_list[0].table.heading[:31])
        _fill_sheet(sheet, periode, table_blocks_list)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill_sheet(sheet: Any, periode: date, blocks: Sequence[Block]) -> None:
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    spec = blocks[0].table
    any_hidden = False
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"{spec.number}. {spec.heading}"])
    sheet["A2"].font = bold
    sheet.append([format_periode(periode)])
    for block in blocks:
        sheet.append([])
        if block.kjonn:
            sheet.append([block.kjonn])
            sheet.cell(sheet.max_row, 1).font = bold
        sheet.append(["", *spec.columns])
        for cell in sheet[sheet.max_row][1:]:
            cell.font = bold
            cell.alignment = Alignment(horizontal="right", wrap_text=True)
        for row in block.rows:
            hidden = [v is None and spec.is_count(i) for i, v in enumerate(row.values)]
            any_hidden = any_hidden or any(hidden)
            shown = [HIDDEN_SHOWN if h else v for h, v in zip(hidden, row.values, strict=True)]
            sheet.append([row.label, *shown])
            formats = _number_formats(spec.has_endring, len(row.values))
            for cell, number_format, is_hidden in zip(
                sheet[sheet.max_row][1:], formats, hidden, strict=True
            ):
                cell.number_format = number_format
                if is_hidden:
                    cell.alignment = Alignment(horizontal="right")
            if row.is_sum:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
    if any_hidden:
        sheet.append([])
        sheet.append([HIDDEN_LEGEND])
    widest = max(len(row.label) for block in blocks for row in block.rows)
    sheet.column_dimensions["A"].width = max(widest + 2, 20)
    for letter in "BCDE"[: len(spec.columns)]:
        sheet.column_dimensions[letter].width = 16


def _number_formats(has_endring: bool, count: int) -> list[str]:
    if has_endring:  # Antall, Endring Antall, Endring Prosent
        return [_COUNT_FORMAT, _COUNT_FORMAT, _PERCENT_FORMAT]
    return [_BLANK_ZERO_FORMAT] * count
