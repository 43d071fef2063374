"""Published cells against the `rapport` views, set-based: one query per table for all months.

Each query joins the stored published cells (tiltak.publisert_celle of each month's current
load) to the view rows they must equal and returns only what differs, so Python formats a
message for mismatches alone: verifying 300 months touches ~210 000 cells and, when they all
agree, formats none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import class_row

from tiltak.model import TABLES, TableSpec

# Columns where the publication prints a zero count as a blank; elsewhere blank = unknown.
ENDRING_COLUMNS = ("endring_antall", "endring_prosent")
MISMATCH = "Mismatch: "


@dataclass
class CellTotals:
    """How many published cells the requested months hold, and which months hide some."""

    cells: int
    blank: int
    hidden: int
    months_with_hidden: list[date]


_TOTALS = """
    select count(*) as cells,
        count(*) filter (where p.verdi is null and p.merke is null) as blank,
        count(*) filter (where p.merke is not null) as hidden,
        coalesce(array_agg(distinct i.periode) filter (where p.merke is not null), '{}')
            as months_with_hidden
    from tiltak.publisert_celle as p
    join tiltak.innlesing as i on i.innlesing_id = p.innlesing_id
    where i.erstattet is null and i.periode = any(%(periodes)s)
"""


def cell_totals(connection: psycopg.Connection[Any], periods: Sequence[date]) -> CellTotals:
    with connection.cursor(row_factory=class_row(CellTotals)) as cursor:
        row = cursor.execute(_TOTALS, {"periodes": list(periods)}).fetchone()
    assert row is not None  # an aggregate without group by returns one row
    row.months_with_hidden.sort()
    return row


@dataclass(frozen=True)
class _Difference:
    """A row of the comparison: a published cell that differs ('cell'), or a view row no
    published cell names ('extra', with only periode, kjonn, radnr and rad)."""

    kind: str
    periode: date
    filnavn: str | None
    kjonn: str | None
    kjonn_rekkefolge: int | None
    radnr: int
    rad: str
    linje: int | None
    kolonne: str | None
    expected: int | None
    view_radnr: int | None
    no_view_row: bool | None
    view_value: int | None


# Published cells of one table fully joined to its view's rows, the view's value picked for
# the cell's column by `case`. A row comes back only where something differs: a published
# cell whose view row is missing, whose value differs from the expected one, or whose view row
# sits at another row number (kind 'cell'); or a view row no published cell names (kind
# 'extra'). One full join reads the view once for every requested month. kjønn is matched
# through coalesce so the join stays a hash join while NULL (no kjønn) still equals NULL, as
# the Python keys of the month-by-month verification did.
_COMPARE = """
    with published as (
        select i.periode, i.filnavn, k.navn as kjonn, k.rekkefolge as kjonn_rekkefolge,
            p.radnr, p.rad, p.linje, p.kolonne,
            -- A blank count cell means zero; a blank Endring cell is unknown (NULL); a hidden
            -- cell must come back NULL.
            case when p.verdi is null and p.merke is null
                and p.kolonne <> all(%(endring)s)
                then 0 else p.verdi end as expected
        from tiltak.publisert_celle as p
        join tiltak.innlesing as i on i.innlesing_id = p.innlesing_id
        left join tiltak.kjonn as k on k.kjonn_id = p.kjonn_id
        where i.erstattet is null and i.periode = any(%(periodes)s) and p.tabell = %(tabell)s
    ),
    computed as (
        select periode, {kjonn} as kjonn, radnr, rad, {columns}
        from {view}
        where periode = any(%(periodes)s)
    )
    select
        case when p.periode is null then 'extra' else 'cell' end as kind,
        coalesce(p.periode, v.periode) as periode, p.filnavn,
        coalesce(p.kjonn, v.kjonn) as kjonn, p.kjonn_rekkefolge,
        coalesce(p.radnr, v.radnr) as radnr, coalesce(p.rad, v.rad) as rad,
        p.linje, p.kolonne, p.expected, v.radnr as view_radnr, v.periode is null as no_view_row,
        case p.kolonne {cases} end as view_value
    from published as p
    full join computed as v
        on v.periode = p.periode and v.rad = p.rad
        and coalesce(v.kjonn, '') = coalesce(p.kjonn, '')
    where p.periode is null or v.periode is null
        or v.radnr <> p.radnr
        or (case p.kolonne {cases} end) is distinct from p.expected
"""


def _compare_query(spec: TableSpec) -> sql.Composed:
    """The comparison for one table; only fixed identifiers of the table are composed in."""
    columns = [sql.Identifier(c) for c in spec.view_columns]
    cases = sql.SQL(" ").join(
        sql.SQL("when {} then v.{}").format(sql.Literal(name), ident)
        for name, ident in zip(spec.view_columns, columns, strict=True)
    )
    return sql.SQL(_COMPARE).format(
        kjonn=sql.Identifier("kjonn") if spec.by_kjonn else sql.SQL("null::text"),
        columns=sql.SQL(", ").join(columns),
        view=sql.Identifier("rapport", spec.view),
        cases=cases,
    )


# Messages are sorted as the month-by-month verification printed them: by month; within a
# month each cell in published order (its value, then its row number), then the view rows no
# cell names, in the order of their (table, kjønn, row) key as text.
SortKey = tuple[date, int, Any, int]
Message = tuple[SortKey, str]


def compare_tables(connection: psycopg.Connection[Any], periods: Sequence[date]) -> list[Message]:
    """Every difference between the published cells of `periods` and the views, with a key
    that orders them."""
    found: list[Message] = []
    with connection.cursor(row_factory=class_row(_Difference)) as cursor:
        for spec in TABLES:
            params = {
                "periodes": list(periods),
                "tabell": spec.number,
                "endring": list(ENDRING_COLUMNS),
            }
            for row in cursor.execute(_compare_query(spec), params):
                found += _messages(spec.number, row)
    return found


def _messages(tabell: int, row: _Difference) -> list[Message]:
    kjonn = f" {row.kjonn}" if row.kjonn else ""
    if row.kind == "extra":
        key = (tabell, row.kjonn, row.rad)
        return [
            (
                (row.periode, 1, str(key), 0),
                f"{MISMATCH}{row.periode:%Y-%m} table {tabell}{kjonn}"
                f" row {row.rad!r}: in the views but not in the published report",
            )
        ]
    where = (
        f"{row.periode:%Y-%m} table {tabell}{kjonn} row {row.rad!r} column {row.kolonne}"
        f" ({row.filnavn} line {row.linje})"
    )
    order = (
        tabell,
        row.kjonn_rekkefolge is not None,
        row.kjonn_rekkefolge or 0,
        row.radnr,
        row.linje,
        row.kolonne,
    )
    if row.no_view_row:
        return [
            (
                (row.periode, 0, order, 0),
                f"{MISMATCH}{where}: published {row.expected}, no such view row",
            )
        ]
    found: list[Message] = []
    if row.view_value != row.expected:
        found.append(
            (
                (row.periode, 0, order, 0),
                f"{MISMATCH}{where}: published {row.expected}, views {row.view_value}",
            )
        )
    if row.view_radnr != row.radnr:
        found.append(
            (
                (row.periode, 0, order, 1),
                f"{MISMATCH}{where}: published as row {row.radnr},"
                f" views put it at row {row.view_radnr}",
            )
        )
    return found
