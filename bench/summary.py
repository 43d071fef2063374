"""The ratios against their targets, the printed table, and what results.json says of the
machine and the versions."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import psycopg
from procs import HERE, median


def ratio_row(
    measure: str,
    values: list[float],
    bases: list[float],
    target: float | None,
    unit: str = "s",
) -> dict[str, Any]:
    """Medians and their ratio, judged against the target; the ratio of the fastest runs
    beside it, which the machine's noise disturbs less."""
    value, base = median(values), median(bases)
    ratio = value / base if base else float("nan")
    return {
        "measure": measure,
        "value": value,
        "base": base,
        "unit": unit,
        "ratio": ratio,
        "ratio_of_minimums": min(values) / min(bases) if values and min(bases) else None,
        "target": target,
        "met": None if target is None else ratio <= target,
    }


def ratios(results: dict[str, Any]) -> list[dict[str, Any]]:
    one, rend, cold, bulk = results["load_one"], results["render"], results["cold"], results["bulk"]
    rows = [
        ratio_row("1. load-report FILE, fresh process / floor", one["load_one_s"], one["floor_load_s"], 2),
        ratio_row("2. render --period / floor (six views)", rend["render_s"], rend["floor_render_s"], 2),
        ratio_row(f"3. verify, {one['verify_months']} / one fresh load", one["verify_s"], one["load_one_s"], 6),
    ]  # fmt: skip
    for size, views in results["whole_history"].items():
        for view, t in views.items():
            name = f"4. select * rapport.{view}, {size} mo / plain"
            rows.append(ratio_row(name, t["view_ms"], t["plain_ms"], 3, "ms"))
    rows.append(
        ratio_row("5. first command after db stop / warm", cold["cold_s"], cold["warm_s"], 1.5)
    )
    loads, copies = bulk["runs"], bulk["bare_copy_s"]
    months, window = results["history"]["months"], loads[0]["window"]
    rows += [
        ratio_row(f"6. {months} reports, one load-report / bare COPY", [r["total_s"] for r in loads], copies, 4),
        ratio_row(
            f"6. per report, last {window} / first {window} (flat)",
            [r["last_median_ms"] for r in loads], [r["first_median_ms"] for r in loads], 1.2, "ms",
        ),
    ]  # fmt: skip
    if isinstance(bulk["pandas_to_sql_s"], list):
        name = "7. peer: pandas to_sql (default method) / bare COPY"
        rows.append(ratio_row(name, bulk["pandas_to_sql_s"], copies, None))
    return rows


def table(results: dict[str, Any]) -> str:
    head = (
        f"{'measure':<64} {'value':>11} {'base':>11} {'ratio':>7} {'target':>7}  {'met':<7}"
        f" {'min/min':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in results["ratios"]:
        value = f"{r['value']:.3f} {r['unit']}"
        base = f"{r['base']:.3f} {r['unit']}"
        target = "" if r["target"] is None else f"<= {r['target']:g}"
        met = "" if r["met"] is None else ("met" if r["met"] else "NOT met")
        best = "" if r["ratio_of_minimums"] is None else f"{r['ratio_of_minimums']:.2f}"
        lines.append(
            f"{r['measure']:<64} {value:>11} {base:>11} {r['ratio']:>7.2f} {target:>7}  {met:<7}"
            f" {best:>7}"
        )
    bulk = results["bulk"]
    if not isinstance(bulk["pandas_to_sql_s"], list):
        lines.append(f"7. peer: pandas to_sql: {bulk['pandas_to_sql_s']}")
    lines += ["", "one month, select * from rapport.<view> where periode = … (ms, median):"]
    sizes = list(results["one_month_ms"])
    lines.append(f"{'view':<34}" + "".join(f"{s + ' mo':>10}" for s in sizes))
    views = results["one_month_ms"][sizes[0]]
    for view in views:
        cells = "".join(
            f"{results['one_month_ms'][s].get(view, float('nan')):>10.2f}" for s in sizes
        )
        lines.append(f"rapport.{view:<26}{cells}")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    cpu, memory = "?", "?"
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) // 1024 // 1024} GiB"
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "load_average": os.getloadavg(),
        "platform": platform.platform(),
        "node": platform.node(),
    }


def versions(url: str) -> dict[str, Any]:
    found: dict[str, Any] = {"python": platform.python_version()}
    for package in ("tiltak", "psycopg", "sqlalchemy", "alembic", "typer", "pandas"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    with psycopg.connect(url) as conn:
        row = conn.execute("show server_version").fetchone()
    found["postgresql"] = row[0] if row else None
    return found


def git_commit() -> str | None:
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=HERE, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return proc.stdout.strip() or None
