"""Reading the `rapport` views into the months the output formats write (tiltak.formats).

The formats compute no figure: every one comes from here, as the views give it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import column, select, table, text
from sqlalchemy.engine import Connection

from tiltak.errors import UsageError
from tiltak.formats import Cell, MonthTables
from tiltak.model import KJONN, TABLES, TABLES_BY_VIEW, MonthRange, TableSpec
from tiltak.tables import Block, Row
from tiltak.verification import loaded_periods


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


def months_in_range(connection: Connection, wanted: MonthRange) -> tuple[list[date], list[date]]:
    """The loaded months in the range, and the months between its ends that are not loaded."""
    loaded = loaded_periods(connection)
    if not loaded:
        raise UsageError("no report loaded: run `load-report FILE` first")
    if wanted.first and wanted.last and wanted.first > wanted.last:
        raise UsageError(f"--from {wanted.first:%Y-%m} is after --to {wanted.last:%Y-%m}")
    first, last = wanted.first or loaded[0], wanted.last or loaded[-1]
    chosen = [p for p in loaded if first <= p <= last]
    if not chosen:
        raise UsageError(f"no report loaded {wanted.describe()}: run `load-report FILE` first")
    return chosen, [p for p in _months_between(first, last) if p not in set(chosen)]


def _month_index(month: date) -> int:
    return month.year * 12 + month.month - 1


def _months_between(first: date, last: date) -> list[date]:
    indexes = range(_month_index(first), _month_index(last) + 1)
    return [date(index // 12, index % 12 + 1, 1) for index in indexes]


def describe_months(months: Sequence[date]) -> str:
    """``'2014-05, 2014-07–2014-09'``: sorted months, runs of consecutive ones joined."""
    runs: list[list[date]] = []
    for month in sorted(months):
        if runs and _month_index(month) == _month_index(runs[-1][-1]) + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(
        f"{run[0]:%Y-%m}" + (f"–{run[-1]:%Y-%m}" if len(run) > 1 else "") for run in runs
    )


def fetch_months(
    connection: Connection, periods: Iterable[date], specs: Sequence[TableSpec]
) -> list[MonthTables]:
    """The blocks of the given tables, month by month."""
    return [MonthTables(p, tuple(fetch_blocks(connection, p, specs))) for p in periods]


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


# Each dimension of rapport.deltakere's cells with the query of its categories in published order.
_CATEGORY_QUERIES: Mapping[str, str] = {
    "kjonn": "select navn from tiltak.kjonn order by rekkefolge",
    "hovedgruppe": "select navn from tiltak.hovedgruppe order by rekkefolge",
    "tiltaksgruppe": "select navn from tiltak.tiltaksgruppe order by rekkefolge",
    "tiltak": "select navn from tiltak.tiltak order by rekkefolge",
}
_CELLS = text(
    "select periode, kjonn, hovedgruppe, tiltaksgruppe, tiltak, antall, prikket"
    " from rapport.deltakere where periode = any(:perioder)"
)
_LOADED_AT = text(
    "select periode, innlest at time zone 'UTC' as innlest from tiltak.innlesing"
    " where erstattet is null and periode = any(:perioder)"
)


def fetch_cells(connection: Connection, periods: Sequence[date] | None) -> list[MonthTables]:
    """rapport.deltakere for the given months (every loaded month if None), month by month."""
    loaded = loaded_periods(connection)
    missing = [p for p in periods or () if p not in loaded]
    if missing:
        raise UsageError(f"no report loaded for {', '.join(f'{p:%Y-%m}' for p in missing)}")
    chosen = sorted(set(periods)) if periods else loaded
    if not chosen:
        raise UsageError("no report loaded: run `load-report FILE` first")
    cells: dict[date, list[Cell]] = {p: [] for p in chosen}
    for r in connection.execute(_CELLS, {"perioder": chosen}):
        cells[r.periode].append(
            Cell(r.kjonn, r.hovedgruppe, r.tiltaksgruppe, r.tiltak, r.antall, r.prikket)
        )
    loaded_at: dict[date, datetime] = {
        r.periode: r.innlest for r in connection.execute(_LOADED_AT, {"perioder": chosen})
    }
    return [MonthTables(p, cells=tuple(cells[p]), loaded_at=loaded_at.get(p)) for p in chosen]


def fetch_categories(connection: Connection) -> dict[str, list[str]]:
    """Each dimension of the cells, its categories in published order."""
    return {
        dim: [name for (name,) in connection.execute(text(query))]
        for dim, query in _CATEGORY_QUERIES.items()
    }
