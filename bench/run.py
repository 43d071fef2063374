"""Benchmark: where the time of tiltak goes, against the floor it cannot go below.

    python bench/run.py [--months 300] [--runs 5] [--output bench/results]

Starts a fresh embedded PostgreSQL in a temporary directory, generates a history of
monthly reports with tiltak.synth, and measures loading, verification, the views and
memory. Prints a table and writes results.json (and the slowest view's EXPLAIN) to
--output. Not a test: it asserts nothing, it reports what it measured.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import psycopg
from psycopg import sql

BIN = Path(sys.executable).parent
VIEWS = (
    "deltakere",
    "hovedgrupper",
    "hovedgrupper_kjonn",
    "tiltaksgrupper",
    "tiltaksgrupper_kjonn",
    "tiltak_hovedgrupper",
    "tiltak_hovedgrupper_kjonn",
)


def run_measured(args: Sequence[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a command in a fresh process: (wall seconds, peak RSS in KiB, stdout)."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=errors)
        assert proc.stdout is not None
        out = proc.stdout.read()
        # wait4, not wait: it also returns the child's own resource usage (peak RSS).
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            errors.seek(0)
            raise SystemExit(f"{' '.join(args)} failed: {errors.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss, out.decode()


def create_database(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    return admin_url.replace("/tiltak?", f"/{name}?")


def generate_history(directory: Path, months: int) -> list[Path]:
    from tiltak import synth

    return synth.write_history(directory, start=date(2000, 1, 1), months=months, seed=2014)


def median_of(runs: int, measure: callable) -> float:  # type: ignore[valid-type]
    return statistics.median(measure() for _ in range(runs))


def floor_measurements(url: str, env: dict[str, str], runs: int) -> dict[str, float]:
    python = str(BIN / "python")
    interpreter = median_of(runs, lambda: run_measured([python, "-c", "pass"], env)[0])
    imports = median_of(
        runs, lambda: run_measured([python, "-c", "import tiltak.cli, tiltak.commands"], env)[0]
    )
    connect_code = f"import tiltak.cli, tiltak.commands, psycopg; psycopg.connect({url!r}).close()"
    connect = median_of(runs, lambda: run_measured([python, "-c", connect_code], env)[0])
    return {"interpreter_s": interpreter, "imports_s": imports, "imports_connect_s": connect}


def bare_copy_seconds(url: str, rows_per_report: int, reports: int) -> float:
    """COPY the same number of rows into an unindexed table: the database's own floor."""
    rows = [(date(2000, 1, 1), i % 40, i % 3, i % 2, i, 1) for i in range(rows_per_report)]
    with psycopg.connect(url) as conn:
        conn.execute(
            "create temporary table floor_copy (periode date, tiltak_id int, hovedgruppe_id int,"
            " kjonn_id int, antall int, innlesing_id bigint)"
        )
        start = time.perf_counter()
        for _ in range(reports):
            with conn.cursor().copy("copy floor_copy from stdin") as copy:
                for row in rows:
                    copy.write_row(row)
        conn.commit()
        return time.perf_counter() - start


def view_timings(url: str, periode: date, runs: int) -> dict[str, float]:
    """Median client-side time of `select * from rapport.<view> where periode = …`, in ms."""
    timings = {}
    with psycopg.connect(url) as conn:
        for view in VIEWS:
            query = sql.SQL("select * from {} where periode = %s").format(
                sql.Identifier("rapport", view)
            )
            conn.execute(query, (periode,)).fetchall()  # warm the cache and the plan
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                conn.execute(query, (periode,)).fetchall()
                samples.append((time.perf_counter() - start) * 1000)
            timings[view] = statistics.median(samples)
    return timings


def explain(url: str, view: str, periode: date) -> str:
    query = sql.SQL("explain (analyze, buffers) select * from {} where periode = %s").format(
        sql.Identifier("rapport", view)
    )
    with psycopg.connect(url) as conn:
        return "\n".join(row[0] for row in conn.execute(query, (periode,)))


def server_version(url: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute("show server_version").fetchone()
    return str(row[0]) if row else "?"


def machine() -> dict[str, object]:
    cpu = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version()}


def rows_per_report(url: str) -> int:
    """Rows one load writes: counts, last year's counts and published cells."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select (select count(*) from tiltak.antall)"
            " + (select count(*) from tiltak.fjorar_hovedgruppe)"
            " + (select count(*) from tiltak.fjorar_tiltaksgruppe)"
            " + (select count(*) from tiltak.publisert_celle),"
            " (select count(*) from tiltak.innlesing)"
        ).fetchone()
    assert row is not None
    return int(row[0]) // int(row[1])


def load_many(url: str, reports: list[Path], env: dict[str, str]) -> dict[str, float]:
    """All reports in one load-report call, into a database at head with nothing loaded."""
    run_measured([str(BIN / "tiltak"), "db", "upgrade", "--database-url", url], env)
    total, peak, _ = run_measured(
        [str(BIN / "load-report"), "--quiet", "--database-url", url, *map(str, reports)], env
    )
    # Each report is one transaction, stamped with its start (innlest = now()): the gaps
    # between consecutive stamps are the reports' own times.
    with psycopg.connect(url) as conn:
        stamps = [r[0] for r in conn.execute("select innlest from tiltak.innlesing order by 1")]
    per_report = [(b - a).total_seconds() for a, b in itertools.pairwise(stamps)]
    return {
        "reports": len(reports),
        "total_s": total,
        "per_report_ms": 1000 * total / len(reports),
        "first_50_median_ms": 1000 * statistics.median(per_report[:50]),
        "last_50_median_ms": 1000 * statistics.median(per_report[-50:]),
        "peak_rss_mib": peak / 1024,
    }


def load_one(url: str, reports: list[Path], env: dict[str, str]) -> dict[str, float]:
    """Each report in a fresh process, as a user runs it, on a warm database."""
    times, peaks = [], []
    for report in reports:
        elapsed, peak, _ = run_measured(
            [str(BIN / "load-report"), "--database-url", url, str(report)], env
        )
        times.append(elapsed)
        peaks.append(peak)
    return {
        "median_s": statistics.median(times),
        "runs": len(times),
        "peak_rss_mib": max(peaks) / 1024,
    }


def verify_seconds(url: str, env: dict[str, str]) -> float | None:
    tiltak = str(BIN / "tiltak")
    if "verify" not in run_measured([tiltak, "--help"], env)[2]:
        return None
    return run_measured([tiltak, "verify", "--database-url", url], env)[0]


def help_seconds(env: dict[str, str], runs: int) -> float:
    return median_of(runs, lambda: run_measured([str(BIN / "load-report"), "--help"], env)[0])


def measure(admin_url: str, reports: list[Path], extra: list[Path], runs: int, out: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "TILTAK_DATABASE_URL"}
    results: dict[str, object] = {"machine": machine(), "postgresql": server_version(admin_url)}
    big = create_database(admin_url, "bench_history")
    results["load_all"] = load_many(big, reports, env)
    small = create_database(admin_url, "bench_year")
    run_measured([str(BIN / "tiltak"), "db", "upgrade", "--database-url", small], env)
    run_measured([str(BIN / "load-report"), "--database-url", small, *map(str, reports[:12])], env)
    results["load_one"] = load_one(small, extra, env)
    results["floor"] = floor_measurements(small, env, runs)
    rows = rows_per_report(big)
    results["bare_copy"] = {
        "rows_per_report": rows,
        "total_s": bare_copy_seconds(big, rows, len(reports)),
    }
    results["verify_all_s"] = verify_seconds(big, env)
    periode = _periode_of(reports[6])
    at_12, at_all = view_timings(small, periode, runs * 4), view_timings(big, periode, runs * 4)
    results["views_ms"] = {v: {"12": at_12[v], str(len(reports)): at_all[v]} for v in VIEWS}
    slowest = max(VIEWS, key=lambda v: at_all[v])
    (out / f"explain-{slowest}.txt").write_text(explain(big, slowest, periode), encoding="utf-8")
    results["help_s"] = help_seconds(env, runs)
    return results


def _periode_of(report: Path) -> date:
    from tiltak.parsing import read_report

    return read_report(report).periode


def print_table(results: dict) -> None:
    load_all, load_one_, floor = results["load_all"], results["load_one"], results["floor"]
    n = load_all["reports"]
    lines = [
        f"machine: {results['machine']}; PostgreSQL {results['postgresql']}",
        "",
        f"{'measure':<52} {'value':>12}",
        f"{'load-report, one report, fresh process (median)':<52} {load_one_['median_s']:>10.3f} s",
        f"{'floor: interpreter start-up':<52} {floor['interpreter_s']:>10.3f} s",
        f"{'floor: start-up + imports of load-report':<52} {floor['imports_s']:>10.3f} s",
        f"{'floor: start-up + imports + connect':<52} {floor['imports_connect_s']:>10.3f} s",
        f"{'one report / floor (target <= 2)':<52} {load_one_['median_s'] / floor['imports_connect_s']:>12.2f}",
        f"{f'load-report, {n} reports in one call (target <= 15 s)':<52} {load_all['total_s']:>10.2f} s",
        f"{'  per report':<52} {load_all['per_report_ms']:>9.1f} ms",
        f"{'  first 50, median':<52} {load_all['first_50_median_ms']:>9.1f} ms",
        f"{'  last 50, median (target <= 1.2 x first 50)':<52} {load_all['last_50_median_ms']:>9.1f} ms",
        f"{f'bare COPY of the same rows, {n} reports':<52} {results['bare_copy']['total_s']:>10.2f} s",
        f"{f'tiltak verify, {n} months (target <= 10 s)':<52} "
        + (f"{results['verify_all_s']:>10.2f} s" if results["verify_all_s"] else f"{'n/a':>12}"),
        f"{'load-report --help (target <= 0.3 s)':<52} {results['help_s']:>10.3f} s",
        f"{'peak RSS, one report':<52} {load_one_['peak_rss_mib']:>8.1f} MiB",
        f"{f'peak RSS, {n} reports':<52} {load_all['peak_rss_mib']:>8.1f} MiB",
        "",
        f"{'view, one period (target <= 10 ms, ratio <= 1.5)':<36} {'12 months':>10} {f'{n} months':>11} {'ratio':>6}",
    ]
    for view, t in results["views_ms"].items():
        small, big = t["12"], t[str(n)]
        lines.append(f"rapport.{view:<28} {small:>7.2f} ms {big:>8.2f} ms {big / small:>6.2f}")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--months", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each timing")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tiltak-bench-") as tmp:
        os.environ["TILTAK_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ.pop("TILTAK_DATABASE_URL", None)
        from tiltak.database import embedded_url, stop_embedded

        try:
            admin_url = embedded_url()
            reports = generate_history(Path(tmp) / "reports", args.months + args.runs)
            results = measure(
                admin_url, reports[: args.months], reports[args.months :], args.runs, args.output
            )
        finally:
            stop_embedded()
    results["date"] = time.strftime("%Y-%m-%d")
    (args.output / "results.json").write_text(json.dumps(results, indent=2, default=str))
    print_table(results)
    print(f"\nwrote {args.output / 'results.json'}")


if __name__ == "__main__":
    main()
