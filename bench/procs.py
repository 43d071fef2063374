"""Fresh processes, timed; the embedded server and its databases, reached through the CLI."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

BIN = Path(sys.executable).parent
PYTHON = str(BIN / "python")
TILTAK = str(BIN / "tiltak")
LOAD_REPORT = str(BIN / "load-report")
HERE = Path(__file__).resolve().parent


def run_measured(args: Sequence[str], env: dict[str, str], check: bool = True) -> float:
    """Run a command in a fresh process, its output to a pipe: wall seconds until it exits."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=errors, check=False)
        elapsed = time.perf_counter() - start
        if check and proc.returncode:
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {tail}")
    return elapsed


def output_of(args: Sequence[str], env: dict[str, str]) -> str:
    return subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout


def interleaved(runs: int, measures: dict[str, Callable[[int], float]]) -> dict[str, list[float]]:
    """Each measure once per run, in turn, so that the machine's noise hits them all alike;
    every other run in reverse order, so that neither always goes first (a warm cache)."""
    samples: dict[str, list[float]] = {name: [] for name in measures}
    names = list(measures)
    for run in range(runs):
        for name in names if run % 2 == 0 else reversed(names):
            samples[name].append(measures[name](run))
    return samples


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


@dataclass
class Server:
    """The embedded PostgreSQL in a data directory of the bench's own."""

    data_dir: Path
    url: str = ""  # the default database, the one commands without --database-url use
    env: dict[str, str] = field(default_factory=dict)

    def start(self) -> None:
        self.env = {k: v for k, v in os.environ.items() if k != "TILTAK_DATABASE_URL"}
        self.env["TILTAK_DATA_DIR"] = str(self.data_dir)
        self.url = output_of([TILTAK, "db", "url"], self.env).strip()

    def stop(self) -> None:
        run_measured([TILTAK, "db", "stop"], self.env, check=False)

    def database_url(self, name: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def create_database(self, name: str) -> str:
        """A new database at the schema's head, empty; its URL."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
        url = self.database_url(name)
        run_measured([TILTAK, "db", "upgrade", "--database-url", url], self.env)
        return url

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {}").format(sql.Identifier(name)))


def loaded_months(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select count(*) from tiltak.innlesing where erstattet is null"
        ).fetchone()
    return int(row[0]) if row else 0
