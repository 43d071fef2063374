"""Where the remaining time goes: `-X importtime` of a command, summed by top-level package,
and a cProfile of one load in process. Written to --output as profile-*.txt."""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from procs import HERE, PYTHON, Server, run_measured

# "import time: self [us] | cumulative | imported package"; the name's indent is its depth.
_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def importtime_summary(stderr: str, top: int = 15) -> tuple[float, list[tuple[str, float]]]:
    """(all imports in ms, [(top-level package, ms)]) from `-X importtime` output: each
    module's own time, summed over its top-level package (so nothing is counted twice)."""
    by_root: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        match = _LINE.match(line)
        if match:
            by_root[match[4].split(".")[0]] += int(match[1]) / 1000
    ranked = sorted(by_root.items(), key=lambda item: -item[1])
    return sum(by_root.values()), ranked[:top]


def importtime(server: Server, command: Sequence[str], out: Path) -> dict[str, object]:
    """Run `command` (a console script of this venv) under `python -X importtime`."""
    start_wall = run_measured([PYTHON, "-c", "pass"], server.env)
    proc = subprocess.run(
        [PYTHON, "-X", "importtime", *command],
        env=server.env,
        capture_output=True,
        text=True,
        check=False,
    )
    total, ranked = importtime_summary(proc.stderr)
    lines = [
        f"$ python -X importtime {Path(command[0]).name} {' '.join(command[1:])}",
        f"exit code {proc.returncode}; bare interpreter start {start_wall * 1000:.0f} ms (wall)",
        f"all imports: {total:.0f} ms; by top-level package (own time of its modules, ms):",
        *(f"  {name:<28} {ms:8.1f}" for name, ms in ranked),
        "",
        "== raw -X importtime output",
        proc.stderr,
    ]
    out.write_text("\n".join(lines), encoding="utf-8")
    return {"imports_ms": total, "top": ranked, "file": out.name}


def cprofile_load(server: Server, first: Path, second: Path, out: Path) -> dict[str, object]:
    """Two loads in one process, each profiled: with the imports, and one load's own work."""
    proc = subprocess.run(
        [PYTHON, str(HERE / "profile_load.py"), str(out), str(first), str(second)],
        env=server.env,
        capture_output=True,
        text=True,
        check=False,
    )
    return {"exit_code": proc.returncode, "file": out.name, "stderr": proc.stderr[-1000:]}
