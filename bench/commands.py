"""Measures of whole commands in fresh processes: one load, render, verify, cold start."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from procs import HERE, LOAD_REPORT, PYTHON, TILTAK, Server, interleaved, run_measured
from psycopg import sql

# What a report itself carries, as tiltak stores it: finest counts, last year's counts,
# hidden sums and the published cells. Summary tables a load may add are not the floor.
REPORT_TABLES = (
    "antall",
    "antall_sum",
    "fjorar_hovedgruppe",
    "fjorar_tiltaksgruppe",
    "publisert_celle",
)


def report_tables(conn: psycopg.Connection[Any]) -> list[str]:
    """Those of REPORT_TABLES this schema has (another revision may rename one)."""
    return [
        t
        for t in REPORT_TABLES
        if conn.execute("select to_regclass(%s)", (f"tiltak.{t}",)).fetchone() != (None,)
    ]


def rows_by_load(url: str) -> dict[int, dict[str, list[tuple[Any, ...]]]]:
    """Every current load's stored rows, per table, keyed by innlesing_id."""
    by_load: dict[int, dict[str, list[tuple[Any, ...]]]] = {}
    with psycopg.connect(url) as conn:
        loads = conn.execute(
            "select innlesing_id from tiltak.innlesing where erstattet is null order by periode"
        ).fetchall()
        for (load_id,) in loads:
            by_load[load_id] = {}
        for table in report_tables(conn):
            query = sql.SQL("select * from {} where innlesing_id = any(%s)").format(
                sql.Identifier("tiltak", table)
            )
            cursor = conn.execute(query, ([load_id for (load_id,) in loads],))
            columns = [c.name for c in cursor.description or ()]
            at = columns.index("innlesing_id")
            for row in cursor:
                by_load[row[at]].setdefault(table, []).append(tuple(row))
    return by_load


def write_floor_rows(rows: dict[str, list[tuple[Any, ...]]], path: Path) -> int:
    """One report's rows as JSON for floor_load.py; how many rows."""
    path.write_text(json.dumps(rows, default=str), encoding="utf-8")
    return sum(len(r) for r in rows.values())


def load_and_verify(
    server: Server, new_reports: list[Path], floor_rows: Path, runs: int
) -> dict[str, list[float]]:
    """Measures 1 and 3: the floor of one report, one `load-report FILE` of a month not yet
    loaded (the database warm), and `tiltak verify` of every loaded month, interleaved."""
    env = server.env
    floor = [PYTHON, str(HERE / "floor_load.py"), server.url, str(floor_rows)]
    return interleaved(
        runs,
        {
            "floor_load_s": lambda _: run_measured(floor, env),
            "load_one_s": lambda run: run_measured([LOAD_REPORT, str(new_reports[run])], env),
            "verify_s": lambda _: run_measured([TILTAK, "verify"], env, check=False),
        },
    )


def render(server: Server, periode: date, runs: int) -> dict[str, list[float]]:
    """Measure 2: the floor of one month's six views against `tiltak render --period`."""
    env = server.env
    floor = [PYTHON, str(HERE / "floor_render.py"), server.url, periode.isoformat()]
    command = [TILTAK, "render", "--period", f"{periode:%Y-%m}"]
    return interleaved(
        runs,
        {
            "floor_render_s": lambda _: run_measured(floor, env),
            "render_s": lambda _: run_measured(command, env),
        },
    )


def cold_start(server: Server, periode: date, runs: int) -> dict[str, list[float]]:
    """Measure 5: a command right after `tiltak db stop` (it starts the server), then the
    same command again, warm."""
    command = [TILTAK, "render", "--period", f"{periode:%Y-%m}", "--table", "hovedgrupper"]
    samples: dict[str, list[float]] = {"cold_s": [], "warm_s": []}
    for _ in range(runs):
        server.stop()
        samples["cold_s"].append(run_measured(command, server.env))
        samples["warm_s"].append(run_measured(command, server.env))
    return samples


def cold_command() -> str:
    return "tiltak render --period P --table hovedgrupper"
