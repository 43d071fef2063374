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
    measure: str, value: float, base: float, target: float | None, unit: str = "s"
) -> dict[str, Any]:
    ratio = value / base if base else float("nan")
    return {
        "measure": measure,
        "value": value,
        "base": base,
        "unit": unit,
        "ratio": ratio,
        "target": target,
        "met": None if target is None else ratio <= target,
    }


def ratios(results: dict[str, Any]) -> list[dict[str, Any]]:
    one, rend, cold = results["load_one"], results["render"], results["cold"]
    months = results["history"]["months"]
    rows = [
        ratio_row(
            "1. load-report FILE, fresh process / floor",
            median(one["load_one_s"]),
            median(one["floor_load_s"]),
            2,
        ),
        ratio_row(
            "2. render --period / floor (six views)",
            median(rend["render_s"]),
            median(rend["floor_render_s"]),
            2,
        ),
        ratio_row(
            f"3. verify, {one['verify_months']} / one fresh load",
            median(one["verify_s"]),
            median(one["load_one_s"]),
            6,
        ),
    ]
    for size, views in results["whole_history"].items():
        for view, t in views.items():
            rows.append(
                ratio_row(
                    f"4. select * rapport.{view}, {size} mo / plain",
                    t["view_median_ms"],
                    t["plain_median_ms"],
                    3,
                    "ms",
                )
            )
    rows.append(
        ratio_row(
            "5. first command after db stop / warm",
            median(cold["cold_s"]),
            median(cold["warm_s"]),
            1.5,
        )
    )
    bulk = results["bulk"]
    copy = median(bulk["bare_copy_s"])
    rows.append(
        ratio_row(
            f"6. {months} reports, one load-report / bare COPY",
            median([r["total_s"] for r in bulk["runs"]]),
            copy,
            4,
        )
    )
    window = bulk["runs"][0]["window"]
    rows.append(
        ratio_row(
            f"6. per report, last {window} / first {window} (flat)",
            median([r["last_median_ms"] for r in bulk["runs"]]),
            median([r["first_median_ms"] for r in bulk["runs"]]),
            1.2,
            "ms",
        )
    )
    if isinstance(bulk["pandas_to_sql_s"], list):
        rows.append(
            ratio_row(
                "7. peer: pandas to_sql (default method) / bare COPY",
                median(bulk["pandas_to_sql_s"]),
                copy,
                None,
            )
        )
    return rows


def table(results: dict[str, Any]) -> str:
    head = f"{'measure':<58} {'value':>10} {'base':>10} {'ratio':>7} {'target':>7}  met"
    lines = [head, "-" * len(head)]
    for r in results["ratios"]:
        value = f"{r['value']:.3f} {r['unit']}"
        base = f"{r['base']:.3f} {r['unit']}"
        target = "" if r["target"] is None else f"<= {r['target']:g}"
        met = "" if r["met"] is None else ("met" if r["met"] else "NOT met")
        lines.append(
            f"{r['measure']:<58} {value:>10} {base:>10} {r['ratio']:>7.2f} {target:>7}  {met}"
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
