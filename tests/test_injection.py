"""Text from a report never becomes SQL: hostile labels are unknown labels, a hostile file
name is stored as text, and the linter flags SQL built by string formatting."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import psycopg
import pytest

from conftest import Cli, table_checksums
from mutations import (
    EXAMPLE,
    ROOT,
    cell,
    edited,
    executable,
    line_of,
    pages_of,
    replace_line,
    row,
)
from published import mismatches, read_publication

HOSTILE = [
    "Avklaring'); drop table tiltak.antall; --",
    'Avklaring"; delete from tiltak.innlesing; --',
    "x' or '1'='1",
    "Avklaring; truncate tiltak.antall cascade",
    "$$; drop schema tiltak cascade; $$",
    "Avklaring\\'; drop table tiltak.tiltak; --",
    "%",  # a LIKE pattern that would match every name
    "Avklaring%s%(x)s{}",
    "Robert'); DROP TABLE tiltak.publisert_celle;--",
]
PLACES = {
    "tiltak": (row("Avklaring", 6, "Kvinner"), "unknown tiltak"),
    "group sum": (row("I alt oppfølging", 5), "unknown tiltaksgruppe"),
    "tiltaksgruppe": (row("Oppfølging", 3), "unknown tiltaksgruppe"),
    "hovedgruppe": (row("Andre på tiltak", 1), "unknown hovedgruppe"),
}


def _run(url: str, path: Path) -> list[str]:
    result = Cli(url).load_report(path)
    assert result.exit_code == 1, result.output
    return result.stderr.splitlines()


@pytest.mark.parametrize("place", PLACES)
def test_hostile_labels_are_unknown_labels_and_nothing_runs(
    place: str, loaded_url: str, tmp_path: Path
) -> None:
    line, reason = PLACES[place]
    before = table_checksums(loaded_url)
    for i, label in enumerate(HOSTILE):
        text = edited(cell(line, 0, label))
        if place == "group sum":
            text = edited(cell(line, 0, f"I alt {label}"))
        path = tmp_path / f"{i}.txt"
        path.write_text(text, encoding="utf-8")
        errors = _run(loaded_url, path)
        assert errors[0].startswith(f"Error: {path}:{line}: "), errors
        assert reason in errors[0], errors
        after = table_checksums(loaded_url)
        assert after == before  # every table still there, not a row changed
    assert mismatches(loaded_url, read_publication(EXAMPLE)) == []


def test_hostile_headings_and_month_lines_are_refused(loaded_url: str, tmp_path: Path) -> None:
    before = table_checksums(loaded_url)
    heading = pages_of(3)[0].first + 2
    month = line_of("Mars 2014", after=pages_of(4, "Menn")[0].first)
    cases = [
        (heading, f"## {HOSTILE[0]}", "unknown table"),
        (month, "Mars 2014'; drop table tiltak.antall; --", "unexpected line"),
    ]
    for i, (line, text, reason) in enumerate(cases):
        path = tmp_path / f"{i}.txt"
        path.write_text(edited(replace_line(line, text)), encoding="utf-8")
        errors = _run(loaded_url, path)
        assert any(e.startswith(f"Error: {path}:{line}: {reason}") for e in errors), errors
        assert table_checksums(loaded_url) == before


def test_a_hostile_file_name_is_stored_as_text(db_url: str, tmp_path: Path) -> None:
    name = "2014-03'); drop table tiltak.antall; --\"$$.txt"
    path = tmp_path / name
    path.write_bytes(EXAMPLE.read_bytes())
    result = Cli(db_url).load_report(path)
    assert result.exit_code == 0, result.output
    with psycopg.connect(db_url) as conn:
        stored = conn.execute("select filnavn from tiltak.innlesing").fetchall()
    assert stored == [(name,)]
    assert mismatches(db_url, read_publication(EXAMPLE)) == []


def test_the_linter_flags_sql_built_from_strings(tmp_path: Path) -> None:
    """S608 (ruff's flake8-bandit) is on in pyproject.toml and passes on the sources."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def query(conn, name):\n"
        "    return conn.execute(f\"select * from tiltak.tiltak where navn = '{name}'\")\n"
    )
    config = ["--no-cache", "--config", str(ROOT / "pyproject.toml")]
    flagged = subprocess.run(
        [executable("ruff"), "check", *config, str(sample)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert flagged.returncode == 1
    assert re.search(r"\bS608\b", flagged.stdout), flagged.stdout
    clean = subprocess.run(
        [executable("ruff"), "check", *config, "--select", "S608", str(ROOT / "src")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert clean.returncode == 0, clean.stdout
