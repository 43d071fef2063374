"""Measure 4: the rapport views read whole (a BI tool's query) against the same rows from a
plain table, and each view for one month, client-side through psycopg."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import psycopg
from procs import interleaved, median
from psycopg import sql

TABLE_VIEWS = (
    "deltakere",
    "hovedgrupper",
    "hovedgrupper_kjonn",
    "tiltaksgrupper",
    "tiltaksgrupper_kjonn",
    "tiltak_hovedgrupper",
    "tiltak_hovedgrupper_kjonn",
)
PLAIN = "bench_plain"  # schema of the plain copies, dropped afterwards


def views_of(conn: psycopg.Connection[Any]) -> list[str]:
    """The table views, and rapport.tidsserie where this schema has it."""
    present = {
        row[0]
        for row in conn.execute(
            "select table_name from information_schema.views where table_schema = 'rapport'"
        )
    }
    return [v for v in (*TABLE_VIEWS, "tidsserie") if v in present]


def _fetch_ms(conn: psycopg.Connection[Any], query: sql.Composable, *params: object) -> float:
    start = time.perf_counter()
    conn.execute(query, params or None).fetchall()
    return (time.perf_counter() - start) * 1000


def whole_history(url: str, runs: int) -> dict[str, dict[str, Any]]:
    """Per view: `select *` of the view and of a plain table holding the same rows (ms)."""
    results: dict[str, dict[str, Any]] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(PLAIN)))
        conn.execute(sql.SQL("create schema {}").format(sql.Identifier(PLAIN)))
        try:
            for view in views_of(conn):
                rapport, plain = sql.Identifier("rapport", view), sql.Identifier(PLAIN, view)
                conn.execute(sql.SQL("create table {} as select * from {}").format(plain, rapport))
                conn.execute(sql.SQL("analyze {}").format(plain))
                view_query = sql.SQL("select * from {}").format(rapport)
                plain_query = sql.SQL("select * from {}").format(plain)
                # Once each untimed: the pages in shared buffers and the plans cached alike.
                _fetch_ms(conn, view_query)
                _fetch_ms(conn, plain_query)
                samples = interleaved(
                    runs,
                    {
                        "view_ms": lambda _, q=view_query: _fetch_ms(conn, q),
                        "plain_ms": lambda _, q=plain_query: _fetch_ms(conn, q),
                    },
                )
                rows = conn.execute(sql.SQL("select count(*) from {}").format(plain)).fetchone()
                results[view] = {
                    **samples,
                    "rows": rows[0] if rows else 0,
                    "view_median_ms": median(samples["view_ms"]),
                    "plain_median_ms": median(samples["plain_ms"]),
                }
        finally:
            conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(PLAIN)))
    return results


def one_month(url: str, periode: date, runs: int) -> dict[str, float]:
    """Per view: median ms of `select * from rapport.<view> where periode = …`."""
    timings = {}
    with psycopg.connect(url) as conn:
        for view in views_of(conn):
            query = sql.SQL("select * from {} where periode = %s").format(
                sql.Identifier("rapport", view)
            )
            _fetch_ms(conn, query, periode)  # warm the cache and the plan
            timings[view] = median([_fetch_ms(conn, query, periode) for _ in range(runs)])
    return timings
