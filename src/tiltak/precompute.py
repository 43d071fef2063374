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


def _columns(conn: psycopg.Connection[Any]) -> dict[str, sql.Composed]:
    """Each stored table's columns, named: rows are inserted and compared by name."""
    rows = conn.execute(
        "select c.relname, array_agg(a.attname::text order by a.attnum)"
        " from pg_catalog.pg_class as c"
        " join pg_catalog.pg_namespace as n on n.oid = c.relnamespace"
        " join pg_catalog.pg_attribute as a"
        "   on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped"
        " where n.nspname = 'tiltak' and c.relname = any(%s)"
        " group by c.relname",
        ([f"lagret_{name}" for name in STORED_VIEWS],),
    ).fetchall()
    found = {
        str(relname).removeprefix("lagret_"): sql.SQL(", ").join(map(sql.Identifier, names))
        for relname, names in rows
    }
    missing = [name for name in STORED_VIEWS if name not in found]
    if missing:
        raise psycopg.errors.UndefinedTable(f"no table tiltak.lagret_{missing[0]}")
    return found


def refresh_months(conn: psycopg.Connection[Any], periods: Iterable[date]) -> None:
    """Recompute the stored rows of `periods` (loaded, replaced or gone) from their counts."""
    months = sorted(set(periods))
    if not months:
        return
    columns = _columns(conn)
    setting = conn.execute("select current_setting('plan_cache_mode')").fetchone()
    # One round trip for all the statements. Prepared, with the plan made for any month
    # (generic) rather than for this one: planning the cube costs about what running a month
    # of it does, and the generic plan reaches the same indexes (measured: 10 ms a month
    # instead of 20). Set for these statements only, then back to the session's value.
    with conn.pipeline():
        conn.execute("select set_config('plan_cache_mode', 'force_generic_plan', true)")
        for name in STORED_VIEWS:
            conn.execute(
                sql.SQL("delete from {} where periode = any(%s)").format(_stored(name)),
                (months,),
                prepare=True,
            )
            # The filter on periode reaches the counts' indexes through the computing view
            # (tests/test_views.py): a month costs what a select of that month costs.
            conn.execute(
                sql.SQL("insert into {} ({}) select {} from {} where periode = any(%s)").format(
                    _stored(name), columns[name], columns[name], _computing(name)
                ),
                (months,),
                prepare=True,
            )
        conn.execute(
            "select set_config('plan_cache_mode', %s, true)",
            (setting[0] if setting else "auto",),
        )


def refresh_all(conn: psycopg.Connection[Any]) -> None:
    """Recompute every stored row: after a migration, which may regroup any month."""
    columns = _columns(conn)
    for name in STORED_VIEWS:
        # Truncated, not deleted: no dead copy of every row left for vacuum, and a migration
        # holds the schema to itself already (its views are dropped until it commits).
        conn.execute(sql.SQL("truncate {}").format(_stored(name)))
        conn.execute(
            sql.SQL("insert into {} ({}) select {} from {}").format(
                _stored(name), columns[name], columns[name], _computing(name)
            )
        )


# The computing views that cost most to run over every month, and the others: about even
# halves of the work (at 300 months 0.6 s and 0.35 s), for two connections (tiltak.verification).
COSTLY_VIEWS = ("tidsserie", "tiltak_hovedgrupper_kjonn", "tiltak_hovedgrupper")
OTHER_VIEWS = tuple(name for name in STORED_VIEWS if name not in COSTLY_VIEWS)


def differences(
    conn: psycopg.Connection[Any],
    periods: Iterable[date] | None = None,
    views: Iterable[str] = STORED_VIEWS,
) -> dict[str, int]:
    """Per stored table of `views`, the rows it holds that the counts do not give, plus the
    rows the counts give that it lacks, in `periods` (every month if None); 0 everywhere when
    the stored rows are the computed ones."""
    found: dict[str, int] = {}
    columns = _columns(conn)
    months = None if periods is None else sorted(set(periods))
    # Without months no filter at all: `periode = any(...)` over every month would only cost.
    where = sql.SQL("") if months is None else sql.SQL(" where periode = any(%(months)s)")
    for name in views:
        # Both sides in one pass, each row counted +1 stored and -1 computed: a group that does
        # not sum to 0 is a row one side has more often. The computing view runs once (it is
        # most of the cost), and GROUP BY treats NULLs as equal, as EXCEPT does.
        query = sql.SQL(
            "select coalesce(sum(abs(balance)), 0) from ("
            " select sum(side) as balance from ("
            "  select {c}, 1 as side from {s}{w}"
            "  union all select {c}, -1 from {v}{w}"
            " ) as both_sides group by {c} having sum(side) <> 0"
            ") as unequal"
        ).format(c=columns[name], s=_stored(name), v=_computing(name), w=where)
        row = conn.execute(query, {"months": months}).fetchone()
        found[f"tiltak.lagret_{name}"] = int(row[0]) if row is not None else 0
    return found
