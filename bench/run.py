"""Benchmark of issue #12: every goal measured against its floor and its peers, in one run.

    python bench/run.py [--months 300] [--big-months 1200] [--runs 5] [--output bench/results]

Run it with the python of a venv where tiltak is installed from a wheel (not editable): the
commands timed are that venv's `load-report` and `tiltak`. It starts an embedded PostgreSQL
of its own in a temporary TILTAK_DATA_DIR, writes a synthetic history with `tiltak synth`
(from January 1990, seed 2014), prints one table of every measure with its ratio, target and
whether it is met, and writes results.json (every raw number) and profile-*.txt to --output.
It asserts nothing: it reports. bench/README.md says what each measure means.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import bulk
import commands
import profiles
import summary
import views
from procs import HERE, LOAD_REPORT, PYTHON, TILTAK, Server, loaded_months, run_measured

START, SEED = date(1990, 1, 1), 2014
SMALL = 12  # months of the small history, the baseline of the one-month queries


def periode_of(report: Path) -> date:
    year, month = report.stem.split("-")
    return date(int(year), int(month), 1)


def synth(server: Server, directory: Path, months: int) -> list[Path]:
    run_measured(
        [TILTAK, "synth", str(directory), "--months", str(months), "--seed", str(SEED),
         "--start", f"{START:%Y-%m}"],
        server.env,
    )  # fmt: skip
    return sorted(directory.glob("*.txt"))


def measure_bulk(
    server: Server, history: list[Path], runs: int
) -> tuple[dict[str, Any], bulk.Rows]:
    """Measure 6 and 7; leaves the history loaded in the default database."""
    run_measured([TILTAK, "db", "upgrade"], server.env)
    loads = [bulk.load_all(server, server.url, history)]
    rows = commands.rows_by_load(server.url)
    peer = bulk.pandas_peer(server.url, rows)
    copies: list[float] = []
    peers: list[float] = []
    for run in range(runs):
        if run:  # the load of run 0 is the default database's; later ones go to a scratch one
            url = server.create_database("bench_bulk")
            loads.append(bulk.load_all(server, url, history))
            server.drop_database("bench_bulk")
        copies.append(bulk.bare_copy(server.url, rows))
        if isinstance(peer, bulk.PandasPeer):
            peers.append(peer(run))
    if isinstance(peer, bulk.PandasPeer):
        peer.close()
    bulk.drop_schemas(server.url)
    result: dict[str, Any] = {
        "runs": loads,
        "bare_copy_s": copies,
        "pandas_to_sql_s": peers if isinstance(peer, bulk.PandasPeer) else peer,
        "pandas_method": "default (None: executemany INSERT through SQLAlchemy + psycopg)",
        "rows_total": sum(len(r) for by_table in rows.values() for r in by_table.values()),
    }
    return result, rows


def measure_sizes(
    server: Server, reports: list[Path], months: int, big: int, runs: int
) -> dict[str, Any]:
    """Measure 4 at `months` (the default database) and `big`; one-month queries at 12 too."""
    periode = periode_of(reports[min(6, months - 1)])
    whole = {str(months): views.whole_history(server.url, runs)}
    small_url = server.create_database("bench_small")
    run_measured(
        [LOAD_REPORT, "--quiet", "--database-url", small_url, *map(str, reports[:SMALL])],
        server.env,
    )
    one = {str(SMALL): views.one_month(small_url, periode, runs * 4)}
    server.drop_database("bench_small")
    one[str(months)] = views.one_month(server.url, periode, runs * 4)
    result: dict[str, Any] = {
        "whole_history": whole,
        "one_month_ms": one,
        "one_month_periode": periode,
    }
    if big:
        big_url = server.create_database("bench_big")
        far = [PYTHON, str(HERE / "load_far.py"), "--quiet", "--database-url", big_url]
        result["big_load_s"] = run_measured(
            [*far, *map(str, reports[:big])], server.env, check=False
        )
        loaded = loaded_months(big_url)
        result["big_months_loaded"] = loaded
        whole[str(loaded)] = views.whole_history(big_url, runs)
        one[str(loaded)] = views.one_month(big_url, periode, runs * 4)
        server.drop_database("bench_big")
    return result


def measure(server: Server, args: argparse.Namespace, big: int, tmp: Path) -> dict[str, Any]:
    months, runs, out = args.months, args.runs, args.output
    extra = runs + 3  # months loaded one by one after the history, three more for profiles
    reports = synth(server, tmp / "reports", max(months + extra, big, SMALL))
    history, new = reports[:months], reports[months : months + runs]
    results: dict[str, Any] = {
        "history": {"months": months, "big_months": big, "start": f"{START:%Y-%m}", "seed": SEED}
    }
    print(
        f"loading {months} reports in one call, {runs} run(s), against bare COPY and pandas …",
        flush=True,
    )
    results["bulk"], rows = measure_bulk(server, history, runs)
    floor_rows = out / "floor-rows.json"
    results["history"]["rows_per_report"] = commands.write_floor_rows(rows[max(rows)], floor_rows)
    print("whole-history and one-month queries …", flush=True)
    results.update(measure_sizes(server, reports, months, big, runs))
    print("one report, verify, render, cold start …", flush=True)
    results["load_one"] = commands.load_and_verify(server, new, floor_rows, runs)
    results["load_one"]["verify_months"] = (
        f"{months}-{months + runs - 1} months" if runs > 1 else f"{months} months"
    )
    periode = periode_of(history[len(history) // 2])
    results["render"] = commands.render(server, periode, runs)
    results["cold"] = commands.cold_start(server, periode, runs)
    results["cold"]["command"] = commands.cold_command()
    print("profiles …", flush=True)
    results["profiles"] = {
        "load_importtime": profiles.importtime(
            server, [LOAD_REPORT, str(reports[months + runs])], out / "profile-importtime-load.txt"
        ),
        "render_importtime": profiles.importtime(
            server,
            [TILTAK, "render", "--period", f"{periode:%Y-%m}"],
            out / "profile-importtime-render.txt",
        ),
        "load_cprofile": profiles.cprofile_load(
            server,
            reports[months + runs + 1],
            reports[months + runs + 2],
            out / "profile-cprofile-load.txt",
        ),
    }
    results["versions"] = summary.versions(server.url)
    return results


def big_default(months: int) -> int:
    """1 200 for a history of 300 months or more; else four times the history, so that a
    small run (CI's 13 months) still takes every path, quickly."""
    return 1200 if months >= 300 else 4 * months


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--months", type=int, default=300, help="history size (default 300)")
    parser.add_argument(
        "--big-months", type=int, default=None,
        help="the large history of measure 4 (default 1200, or 4 x --months below 300; 0 skips it)",
    )  # fmt: skip
    parser.add_argument("--runs", type=int, default=5, help="repetitions; medians are reported")
    parser.add_argument("--output", type=Path, default=HERE / "results")
    args = parser.parse_args()
    last = START.year * 12 + START.month - 1 + args.months + args.runs + 3
    if args.months < SMALL or args.runs < 1 or date(last // 12, last % 12 + 1, 1) > date.today():
        parser.error(
            f"--months from {SMALL}, --runs from 1; --months + --runs + 3 months from"
            f" {START:%Y-%m} must end by this month, the last a report can be loaded for"
        )
    return args


def main() -> None:
    args = parse_args()
    big = big_default(args.months) if args.big_months is None else args.big_months
    args.output.mkdir(parents=True, exist_ok=True)
    started = time.time()
    with TemporaryDirectory(prefix="tiltak-bench-") as tmp:
        server = Server(Path(tmp) / "data")
        server.start()
        try:
            results = measure(server, args, big, Path(tmp))
        finally:
            server.stop()
    results |= {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "wall_s": time.time() - started,
        "options": {"months": args.months, "big_months": big, "runs": args.runs},
        "machine": summary.machine(),
        "git_commit": summary.git_commit(),
    }
    results["ratios"] = summary.ratios(results)
    (args.output / "results.json").write_text(json.dumps(results, indent=1, default=str))
    print(f"\n{results['date']}; {results['machine']['cpu']}, {results['machine']['cores']} cores;"
          f" {results['versions']}\n")  # fmt: skip
    print(summary.table(results))
    print(f"\nwrote {args.output / 'results.json'} and profile-*.txt ({results['wall_s']:.0f} s)")


if __name__ == "__main__":
    main()
