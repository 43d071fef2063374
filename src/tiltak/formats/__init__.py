"""The output formats: one module per format, each with ``render(months, options)``.

A format module reads nothing from the database: it is given the months as
`tiltak.rendering` read them from the views (`MonthTables`) and returns the text or bytes to
write. A new format is one new module here with a `render` function and one `FormatInfo` line
in `FORMATS`. Modules are imported only when their format is asked for, so that openpyxl and
matplotlib stay out of commands that do not write a workbook or draw a chart.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

from tiltak.tables import Block

Reads = Literal["tables", "cube"]


@dataclass(frozen=True)
class Category:
    """A category of one dimension of the cube: a code a rename never changes, the published
    name, and its rank in published order."""

    code: str
    label: str
    rank: int


@dataclass(frozen=True)
class CubeCell:
    """A cell of kjønn × hovedgruppe × tiltaksgruppe × tiltak, None in a dimension for its
    total (a tiltak always within its tiltaksgruppe): every count the six tables print is
    one. `antall` None: the report hid it."""

    kjonn: Category | None
    hovedgruppe: Category | None
    tiltaksgruppe: Category | None
    tiltak: Category | None
    antall: int | None


@dataclass(frozen=True)
class MonthTables:
    """A month as the views give it: the published tables' blocks, or the cube of every
    printed count."""

    periode: date
    blocks: tuple[Block, ...] = ()
    cube: tuple[CubeCell, ...] = ()
    loaded_at: datetime | None = None  # when the month's current report was loaded (UTC)


@dataclass(frozen=True)
class RenderOptions:
    # Months asked for as a range (--from/--to): rows carry their periode.
    ranged: bool = False
    # Tables 5 and 6 paged as NAV pages them, at most this many rows a page (text only).
    page_rows: int | None = None
    # CSV as Norwegian Excel opens it: UTF-8 with BOM, semicolons, CRLF line ends.
    excel: bool = False
    # The range's months with the tables its charts draw (formats with charts_over_range).
    history: Sequence[MonthTables] = ()


class Renderer(Protocol):
    def __call__(self, months: Sequence[MonthTables], options: RenderOptions) -> str | bytes: ...


@dataclass(frozen=True)
class FormatInfo:
    name: str
    module: str  # under tiltak.formats
    binary: bool = False
    reads: Reads = "tables"
    function: str = "render"  # for a module that writes several formats
    # Over a range: given the last month's tables, and the range's chart tables as history.
    charts_over_range: bool = False


# The one place a format is registered.
FORMATS: Mapping[str, FormatInfo] = {
    info.name: info
    for info in (
        FormatInfo("text", "text"),
        FormatInfo("markdown", "markdown"),
        FormatInfo("csv", "csv"),
        FormatInfo("xlsx", "xlsx", binary=True),
        FormatInfo("html", "html", charts_over_range=True),
        FormatInfo("json-stat", "jsonstat", reads="cube"),
        FormatInfo("svg", "chart", function="render_svg"),
        FormatInfo("png", "chart", binary=True, function="render_png"),
    )
}
RENDER_FORMATS = ("text", "markdown", "csv", "xlsx", "html")
EXPORT_FORMATS = ("json-stat",)
CHART_FORMATS = ("svg", "png")
# The tables a report over a range draws as charts, by view name.
RANGE_CHART_TABLES = ("tiltaksgrupper", "hovedgrupper")


def renderer(name: str) -> Renderer:
    """The function that writes the format `name` (a key of FORMATS)."""
    info = FORMATS[name]
    module = importlib.import_module(f"{__name__}.{info.module}")
    render: Renderer = getattr(module, info.function)
    return render
