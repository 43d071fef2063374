"""Measures 6 and 7: many reports in one `load-report` call against bare COPY of the same
rows, and pandas `DataFrame.to_sql` of them (a peer), interleaved run by run."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import psycopg
from procs import LOAD_REPORT, Server, median, run_measured
from psycopg import sql

Rows = dict[int, dict[str, list[tuple[Any, ...]]]]  # innlesing_id -> table -> rows
COPY_SCHEMA, PEER_SCHEMA = "bench_copy", "bench_peer"


def load_all(server: Server, url: str, reports: list[Path]) -> dict[str, Any]:
    """All reports in one `load-report` call into an empty database at head."""
    total = run_measured(
        [LOAD_REPORT, "--quiet", "--database-url", url, *map(str, reports)], server.env
    )
    # Each report is one transaction and its load row is stamped by the clock as it starts
    # writing (tiltak.innlesing.innlest): the gaps between stamps are the reports' own times.
    with psycopg.connect(url) as conn:
        stamps = [r[0] for r in conn.execute("select innlest from tiltak.innlesing order by 1")]
    per_report = [1000 * (b - a).total_seconds() for a, b in itertools.pairwise(stamps)]
    window = min(50, max(1, len(per_report) // 3))
    return {
        "total_s": total,
        "reports_loaded": len(stamps),
        "per_report_ms": per_report,
        "window": window,
        "first_median_ms": median(per_report[:window]),
        "last_median_ms": median(per_report[-window:]),
    }


def _empty_tables(url: str, schema: str, rows: Rows) -> list[str]:
    """Unindexed tables shaped like tiltak's in `schema`, empty; their names."""
    tables = sorted({t for by_table in rows.values() for t in by_table})
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("create schema {}").format(sql.Identifier(schema)))
        for table in tables:
            conn.execute(
                sql.SQL("create table {} (like {})").format(
                    sql.Identifier(schema, table), sql.Identifier("tiltak", table)
                )
            )
    return tables


def drop_schemas(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for schema in (COPY_SCHEMA, PEER_SCHEMA):
            conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))


def bare_copy(url: str, rows: Rows) -> float:
    """Every report's rows, a COPY per table and a commit per report, as tiltak commits."""
    _empty_tables(url, COPY_SCHEMA, rows)
    with psycopg.connect(url) as conn:
        start = time.perf_counter()
        for by_table in rows.values():
            for table, table_rows in by_table.items():
                target = sql.Identifier(COPY_SCHEMA, table)
                with conn.cursor().copy(sql.SQL("copy {} from stdin").format(target)) as copy:
                    for row in table_rows:
                        copy.write_row(row)
            conn.commit()
        return time.perf_counter() - start


class PandasPeer:
    """pandas `to_sql` (default method: executemany INSERTs through SQLAlchemy and psycopg),
    a DataFrame per table and a transaction per report, as tiltak commits."""

    def __init__(self, url: str, rows: Rows) -> None:
        import pandas
        import sqlalchemy

        self.pandas, self.url, self.rows = pandas, url, rows
        self.columns = _columns(url, rows)
        self.engine = sqlalchemy.create_engine(
            url.replace("postgresql://", "postgresql+psycopg://", 1)
        )

    def __call__(self, _run: int) -> float:
        _empty_tables(self.url, PEER_SCHEMA, self.rows)
        start = time.perf_counter()
        for by_table in self.rows.values():
            with self.engine.begin() as conn:
                for table, table_rows in by_table.items():
                    frame = self.pandas.DataFrame(table_rows, columns=self.columns[table])
                    frame.to_sql(table, conn, schema=PEER_SCHEMA, if_exists="append", index=False)
        return time.perf_counter() - start

    def close(self) -> None:
        self.engine.dispose()  # its pooled connections would outlive a `tiltak db stop`


def pandas_peer(url: str, rows: Rows) -> PandasPeer | str:
    """The peer, or why there is none (pandas is not a dependency of tiltak)."""
    try:
        return PandasPeer(url, rows)
    except ImportError as exc:
        return f"not measured: {exc.name} is not installed"


def _columns(url: str, rows: Rows) -> dict[str, list[str]]:
    tables = sorted({t for by_table in rows.values() for t in by_table})
    with psycopg.connect(url) as conn:
        return {
            table: [
                c.name
                for c in conn.execute(
                    sql.SQL("select * from {} limit 0").format(sql.Identifier("tiltak", table))
                ).description
                or ()
            ]
            for table in tables
        }
