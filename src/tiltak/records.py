"""Results of `load-report` as JSON objects, one per file, for scripts (`--json`).

The `outcome` of a file is one of `loaded`, `replaced`, `unchanged` (this very file is the
month's current load), `same figures` (another file with the same figures is) or `refused`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tiltak.errors import ReportError
from tiltak.loading import LoadResult

Record = dict[str, Any]


def load_record(result: LoadResult) -> Record:
    return {
        "file": result.path,
        "periode": f"{result.periode:%Y-%m}",
        "outcome": result.outcome,
        "counts": result.counts,
        # For `same figures`: the file the month stays loaded from.
        "current_file": result.current_file or None,
        "notes": [{"line": note.line, "message": note.message} for note in result.notes],
    }


def refused_record(path: Path, error: ReportError) -> Record:
    return {
        "file": str(path),
        "outcome": "refused",
        "problems": [
            {"line": problem.line, "message": problem.message} for problem in error.problems
        ],
    }
