"""The rapport views' rows, stored: tiltak.lagret_<view> holds what tiltak.beregnet_<view>
computes from the stored counts, so that a select of the whole history reads stored rows
rather than summing the cube of every month.

Whatever writes the counts or the categories they are grouped by refreshes the months it
touched in its own transaction: a load its month (tiltak.loading), a migration every month
(tiltak.migrations; a category revision moves tiltak between groups in past months).
`differences` proves the stored rows equal what the counts give (for `tiltak verify`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import psycopg
from psycopg import sql

# Every rapport view whose rows are stored, by the name shared by its three relations:
# rapport.<name>, tiltak.beregnet_<name> (computing) and tiltak.lagret_<name> (stored).
STORED_VIEWS = (
    "deltakere",
    "hovedgrupper",
    "hovedgrupper_kjonn",
    "tiltaksgrupper",
    "tiltaksgrupper_kjonn",
    "tiltak_hovedgrupper",
    "tiltak_hovedgrupper_kjonn",
    "tidsserie",
)


def _stored(name: str) -> sql.Identifier:
    return sql.Identifier("tiltak", f"lagret_{name}")


def _computing(name: str) -> sql.Identifier:
    return sql.Identifier("tiltak", f"beregnet_{name}")


def _columns(conn: psycopg.Connection[Any], name: str) -> sql.Composed:
    """The stored table's columns, named: insert and compare by name, not by position."""
    rows = conn.execute(
        "select attname from pg_catalog.pg_attribute"
        " where attrelid = %s::regclass and attnum > 0 and not attisdropped order by attnum",
        (f"tiltak.lagret_{name}",),
    ).fetchall()
    return sql.SQL(", ").join(sql.Identifier(row[0]) for row in rows)


def refresh_months(conn: psycopg.Connection[Any], periods: Iterable[date]) -> None:
    """Recompute the stored rows of `periods` (loaded, replaced or gone) from their counts."""
    months = sorted(set(periods))
    if not months:
        return
    for name in STORED_VIEWS:
        columns = _columns(conn, name)
        conn.execute(
            sql.SQL("delete from {} where periode = any(%s)").format(_stored(name)), (months,)
        )
        # The filter on periode reaches the counts' indexes through the computing view
        # (tests/test_views.py), so a month costs what a single-month select of the view costs.
        conn.execute(
            sql.SQL("insert into {} ({}) select {} from {} where periode = any(%s)").format(
                _stored(name), columns, columns, _computing(name)
            ),
            (months,),
        )


def refresh_all(conn: psycopg.Connection[Any]) -> None:
    """Recompute every stored row: after a migration, which may regroup any month."""
    for name in STORED_VIEWS:
        columns = _columns(conn, name)
        conn.execute(sql.SQL("delete from {}").format(_stored(name)))
        conn.execute(
            sql.SQL("insert into {} ({}) select {} from {}").format(
                _stored(name), columns, columns, _computing(name)
            )
        )


def differences(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """Per stored table, the rows it holds that the counts do not give, plus the rows the
    counts give that it lacks (0 everywhere: the stored rows are the computed ones)."""
    found: dict[str, int] = {}
    for name in STORED_VIEWS:
        columns = _columns(conn, name)
        query = sql.SQL(
            "select (select count(*) from (select {c} from {s} except all select {c} from {v}))"
            " + (select count(*) from (select {c} from {v} except all select {c} from {s}))"
        ).format(c=columns, s=_stored(name), v=_computing(name))
        row = conn.execute(query).fetchone()
        found[f"tiltak.lagret_{name}"] = int(row[0]) if row is not None else 0
    return found
