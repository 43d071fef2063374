"""Reading the `rapport` views into the months the output formats write (tiltak.formats).

The formats compute no figure: every one comes from here, as the views give it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from psycopg import sql
from psycopg.rows import dict_row

from tiltak.database import Connection
from tiltak.errors import UsageError
from tiltak.formats import Category, CubeCell, MonthTables
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
        query = sql.SQL("select {} from {} where periode = %(periode)s order by radnr").format(
            sql.SQL(", ").join(map(sql.Identifier, names)), sql.Identifier("rapport", spec.view)
        )
        cursor = connection.cursor(row_factory=dict_row)
        rows = cursor.execute(query, {"periode": periode}).fetchall()
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


_LOADED_AT = (
    "select periode, innlest at time zone 'UTC' as innlest from tiltak.innlesing"
    " where erstattet is null and periode = any(%(perioder)s)"
)


def _chosen_months(connection: Connection, periods: Sequence[date] | None) -> list[date]:
    """The months asked for, each loaded (every loaded month if None)."""
    loaded = loaded_periods(connection)
    missing = [p for p in periods or () if p not in loaded]
    if missing:
        raise UsageError(f"no report loaded for {', '.join(f'{p:%Y-%m}' for p in missing)}")
    chosen = sorted(set(periods)) if periods else loaded
    if not chosen:
        raise UsageError("no report loaded: run `load-report FILE` first")
    return chosen


def _loaded_at(connection: Connection, periods: Sequence[date]) -> dict[date, datetime]:
    rows = connection.execute(_LOADED_AT, {"perioder": list(periods)})
    return {r.periode: r.innlest for r in rows}


# Every cell of the cube the tables print (har_antall: a count this month, not only last
# year's). tiltak.kube is the views' own building block: its sums over hidden counts are the
# ones the reports printed.
_CUBE = (
    "select periode, per_kjonn, kjonn, kjonn_rekkefolge, per_hovedgruppe, hovedgruppe_kolonne,"
    " hovedgruppe, hovedgruppe_rekkefolge, per_tiltaksgruppe, tiltaksgruppe_id, tiltaksgruppe,"
    " tiltaksgruppe_rekkefolge, per_tiltak, tiltak_id, tiltak, tiltak_rekkefolge, antall"
    " from tiltak.kube where periode = any(%(perioder)s) and har_antall"
)


def fetch_cube(connection: Connection, periods: Sequence[date] | None) -> list[MonthTables]:
    """Every printed count of the given months (every loaded month if None), month by month.

    Codes: kjønn by its name in lower case, a hovedgruppe by its column in tables 5 and 6,
    a tiltaksgruppe `G<id>` and a tiltak `T<id>` by the database's key, which a rename
    (stored as an alias of the same row) never changes.
    """
    chosen = _chosen_months(connection, periods)
    cube: dict[date, list[CubeCell]] = {p: [] for p in chosen}
    for r in connection.execute(_CUBE, {"perioder": chosen}):
        cube[r.periode].append(_cube_cell(r))
    loaded_at = _loaded_at(connection, chosen)
    return [MonthTables(p, cube=tuple(cube[p]), loaded_at=loaded_at.get(p)) for p in chosen]


def _cube_cell(r: Any) -> CubeCell:
    def category(present: bool, code: str, label: str, rank: int) -> Category | None:
        return Category(code, label, rank) if present else None

    return CubeCell(
        category(r.per_kjonn, (r.kjonn or "").lower(), r.kjonn, r.kjonn_rekkefolge),
        category(r.per_hovedgruppe, r.hovedgruppe_kolonne, r.hovedgruppe, r.hovedgruppe_rekkefolge),
        category(
            r.per_tiltaksgruppe,
            f"G{r.tiltaksgruppe_id}",
            r.tiltaksgruppe,
            r.tiltaksgruppe_rekkefolge,
        ),
        category(r.per_tiltak, f"T{r.tiltak_id}", r.tiltak, r.tiltak_rekkefolge),
        r.antall,
    )
