"""A tidy CSV: a line per figure, named by table (view), kjønn, row and view column.

Counts the publication prints blank are 0, as the views give them; a hidden count is `*`;
an unknown `endring_prosent` is an empty value. Over a range each line starts with its
periode (YYYY-MM), so that the months stay apart in one long table.

With `options.excel` the file is what Norwegian Excel opens by a double click: a UTF-8 byte
order mark (else Excel reads Windows-1252 and garbles ø), semicolons (a Norwegian Excel
separates fields by ';', as the comma is its decimal sign) and CRLF line ends. Every figure
is a whole number, so none needs a decimal comma.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from tiltak.formats import MonthTables, RenderOptions
from tiltak.model import HIDDEN_SHOWN

CSV_HEADER = ("table", "kjønn", "radnr", "rad", "column", "value")
PERIODE_COLUMN = "periode"
BYTE_ORDER_MARK = "\ufeff"


def render(months: Sequence[MonthTables], options: RenderOptions) -> str:
    out = io.StringIO()
    if options.excel:
        out.write(BYTE_ORDER_MARK)
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    else:
        writer = csv.writer(out, lineterminator="\n")
    first: tuple[str, ...] = (PERIODE_COLUMN,) if options.ranged else ()
    writer.writerow((*first, *CSV_HEADER))
    for month in months:
        periode: tuple[str, ...] = (f"{month.periode:%Y-%m}",) if options.ranged else ()
        for block in month.blocks:
            for radnr, row in enumerate(block.rows, start=1):
                columns = zip(block.table.view_columns, row.values, strict=True)
                for index, (column, value) in enumerate(columns):
                    hidden = value is None and block.table.is_count(index)
                    shown = HIDDEN_SHOWN if hidden else value
                    line = (block.table.view, block.kjonn or "", radnr, row.label, column, shown)
                    writer.writerow((*periode, *line))
    return out.getvalue()
