"""The load history by month, for `tiltak periods`: every load of each month, its shape and
hidden cells, and the months missing between the first and the last one loaded.

A report comes in one of two shapes: `full`, all six tables with tables 2, 4 and 6 split by
kjønn, or `partial`, tables 1, 3 and 5 only ("Tiltak. En måned"). Its hidden cells are the
cells it printed as hidden (`*`, `..`, `:`), sums included, as `tiltak verify` counts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from tiltak.database import Connection

Shape = Literal["full", "partial"]
Record = dict[str, Any]

# Both subqueries are one range of publisert_celle's primary key (innlesing_id first).
_LOADS = """
    select i.periode, i.filnavn, i.sha256, i.innlest, i.erstattet,
        exists (
            select 1 from tiltak.publisert_celle as p
            where p.innlesing_id = i.innlesing_id and p.kjonn_id is not null
        ) as split,
        (
            select count(*) from tiltak.publisert_celle as p
            where p.innlesing_id = i.innlesing_id and p.merke is not null
        ) as hidden_cells
    from tiltak.innlesing as i
    order by i.periode, i.innlest, i.innlesing_id
"""
_TIME = "%Y-%m-%d %H:%M:%S%z"


@dataclass(frozen=True)
class Load:
    file: str
    sha256: str
    loaded: datetime
    replaced: datetime | None
    shape: Shape
    hidden_cells: int

    def record(self) -> Record:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "loaded": self.loaded.isoformat(),
            "replaced": self.replaced.isoformat() if self.replaced else None,
            "shape": self.shape,
            "hidden_cells": self.hidden_cells,
        }


@dataclass(frozen=True)
class Month:
    periode: date
    loads: tuple[Load, ...] = ()  # oldest first; none for a missing month

    @property
    def current(self) -> Load | None:
        return next((load for load in self.loads if load.replaced is None), None)

    def record(self) -> Record:
        """One JSON object: the current load's fields at the top, every load under `loads`."""
        current = self.current
        found: Record = {
            "periode": f"{self.periode:%Y-%m}",
            "status": "loaded" if current else "missing",
        }
        if current is not None:
            found |= {k: v for k, v in current.record().items() if k != "replaced"}
        return found | {"loads": [load.record() for load in self.loads]}


@dataclass(frozen=True)
class History:
    months: tuple[Month, ...]  # every month from the first loaded to the last, in order

    @property
    def missing(self) -> list[date]:
        return [month.periode for month in self.months if month.current is None]

    def records(self) -> list[Record]:
        return [month.record() for month in self.months]

    def lines(self) -> list[str]:
        if not self.months:
            return ["no months loaded: run `load-report FILE` first"]
        header = ("periode", "status", "shape", "hidden", "loaded", "replaced", "file", "sha256")
        rows = [_row(month.periode, load) for month in self.months for load in month.loads]
        rows += [(f"{periode:%Y-%m}", "missing") for periode in self.missing]
        rows.sort(key=lambda row: row[0])  # stable: a month's loads stay oldest first
        widths = [max(len(row[i]) for row in [header, *rows] if i < len(row)) for i in range(8)]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                 .rstrip() for row in [header, *rows]]  # fmt: skip
        loads = sum(len(month.loads) for month in self.months)
        loaded = len(self.months) - len(self.missing)
        lines.append(f"{loaded} month(s) loaded, {len(self.missing)} missing, {loads} load(s)")
        return lines


def _row(periode: date, load: Load) -> tuple[str, ...]:
    return (
        f"{periode:%Y-%m}",
        "replaced" if load.replaced else "current",
        load.shape,
        str(load.hidden_cells),
        f"{load.loaded:{_TIME}}",
        f"{load.replaced:{_TIME}}" if load.replaced else "",
        load.file,
        load.sha256,
    )


def load_history(connection: Connection) -> History:
    """Every month from the first loaded to the last, with its loads (none: missing)."""
    by_month: dict[date, list[Load]] = {}
    for row in connection.execute(_LOADS):
        shape: Shape = "full" if row.split else "partial"
        load = Load(row.filnavn, row.sha256, row.innlest, row.erstattet, shape, row.hidden_cells)
        by_month.setdefault(row.periode, []).append(load)
    if not by_month:
        return History(())
    return History(
        tuple(
            Month(periode, tuple(by_month.get(periode, ())))
            for periode in month_range(min(by_month), max(by_month))
        )
    )


def month_range(first: date, last: date) -> Sequence[date]:
    """The first day of every month from `first` to `last`, both included."""
    start, end = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
    return [date(index // 12, index % 12 + 1, 1) for index in range(start, end + 1)]
