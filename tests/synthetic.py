"""Helpers for tests of generated histories: writing them, migrating for their categories,
and an independent reading of what their Endring columns say about last year."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from conftest import EXAMPLE, Cli
from published import Publication, number, read_publication
from tiltak import synth

VERSIONS_ENV = "TILTAK_VERSIONS_DIR"


@pytest.fixture
def versions_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Category revisions go here, never into the repository's alembic/versions."""
    directory = tmp_path / "versions"
    monkeypatch.setenv(VERSIONS_ENV, str(directory))
    return directory


def write_history(
    directory: Path,
    months: int,
    seed: int,
    changes: tuple[synth.Change, ...] = (),
    revision_rate: float = 0.0,
) -> dict[date, Path]:
    """Generated reports from March 2014 (the shipped edition's figures), by month."""
    paths = synth.write_history(
        directory,
        months=months,
        seed=seed,
        changes=changes,
        revision_rate=revision_rate,
        first=synth.seed_month(EXAMPLE),
    )
    return {synth_month(path): path for path in paths}


def synth_month(path: Path) -> date:
    year, month = path.stem.split("-")
    return date(int(year), int(month), 1)


def plan_and_upgrade(cli: Cli, report: Path) -> Path | None:
    """`tiltak categories plan REPORT` then `tiltak db upgrade`; the revision written."""
    planned = cli.tiltak("categories", "plan", str(report))
    assert planned.exit_code == 0, planned.output
    if not planned.stdout.strip():
        return None
    path = Path(planned.stdout.strip())
    upgraded = cli.tiltak("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    return path


def implied_last_year(publication: Publication) -> dict[tuple[str, str], int]:
    """(kjønn, category) -> last year's count, as Antall - Endring of tables 2 and 4."""
    found = {}
    for (table, kjonn), block in publication.blocks.items():
        if table in (2, 4) and kjonn:
            for label, cells in block.rows[1:]:
                found[kjonn, label] = (number(cells[0]) or 0) - (number(cells[1]) or 0)
    return found


def published_counts(publication: Publication) -> dict[tuple[str, str], int]:
    """(kjønn, category) -> this month's count, as tables 2 and 4 print it."""
    found = {}
    for (table, kjonn), block in publication.blocks.items():
        if table in (2, 4) and kjonn:
            for label, cells in block.rows[1:]:
                found[kjonn, label] = number(cells[0]) or 0
    return found


def revised(reports: dict[date, Path]) -> set[tuple[str, str, str]]:
    """(earlier month, category, kjønn) wherever a month's report implies last year's count
    differently from what the report of that month printed."""
    found = set()
    for month, path in reports.items():
        earlier = date(month.year - 1, month.month, 1)
        if earlier not in reports:
            continue
        implied = implied_last_year(read_publication(path))
        printed = published_counts(read_publication(reports[earlier]))
        for (kjonn, category), count in implied.items():
            if printed.get((kjonn, category), 0) != count:
                found.add((f"{earlier:%Y-%m}", category, kjonn))
    return found


NOTE = re.compile(
    r"^Note: (?P<month>\d{4}-\d{2}) \w+ '(?P<category>[^']+)' (?P<kjonn>Kvinner|Menn):"
)


def notes(output: str) -> set[tuple[str, str, str]]:
    """(earlier month, category, kjønn) of every `Note: ` line of `tiltak verify`."""
    found = set()
    for line in output.splitlines():
        match = NOTE.match(line)
        if match:
            found.add((match["month"], match["category"], match["kjonn"]))
    return found
