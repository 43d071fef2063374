"""A broken report is refused with a line-numbered reason, and the database is untouched."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLE, table_checksums

ORIGINAL = EXAMPLE.read_text(encoding="utf-8")
LINES = ORIGINAL.split("\n")


def _replace_line(number: int, old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        lines = text.split("\n")
        assert old in lines[number - 1], (number, lines[number - 1])
        lines[number - 1] = lines[number - 1].replace(old, new, 1)
        return "\n".join(lines)

    return mutate


def _line_of(fragment: str) -> int:
    return next(i for i, line in enumerate(LINES, start=1) if fragment in line)


def _drop_table(heading: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        pages = text.split("\n# ")
        return "\n# ".join(p for p in pages if f"## {heading}\n" not in p)

    return mutate


SUBTOTAL = _line_of("<b>I alt oppfølging</b>\t<b>12 416</b>")
NON_NUMBER = _line_of("Jobbklubb\t2 360")
UNKNOWN = _line_of("Mentor\t82")

# (id, mutation, line the error must name, words the reason must contain)
CASES: list[tuple[str, Callable[[str], str], int | None, str]] = [
    (
        "wrong subtotal",
        _replace_line(SUBTOTAL, "<b>12 416</b>", "<b>12 417</b>"),
        SUBTOTAL,
        "published 12417, expected 12416",
    ),
    ("non-number", _replace_line(NON_NUMBER, "2 360", "2 3x0"), NON_NUMBER, "not a number"),
    (
        "unknown tiltak",
        _replace_line(UNKNOWN, "Mentor", "Mentorordning"),
        UNKNOWN,
        "unknown tiltak",
    ),
    ("missing table", _drop_table("Tiltaksgrupper"), None, "table 3 'Tiltaksgrupper'"),
    ("truncated", lambda text: text[: len(text) * 2 // 3], None, "is missing"),
    ("empty", lambda text: "", 1, "file is empty"),
]


@pytest.mark.parametrize(
    ("mutation", "line", "reason"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_broken_report_is_refused_and_changes_nothing(
    cli, db_url: str, tmp_path: Path, mutation: Callable[[str], str], line: int | None, reason: str
) -> None:
    assert cli.load_report(EXAMPLE).exit_code == 0  # a month already there must stay intact
    before = table_checksums(db_url)
    broken = tmp_path / "2014-03-broken.txt"
    broken.write_text(mutation(ORIGINAL), encoding="utf-8")

    result = cli.load_report(broken)

    assert result.exit_code == 1
    errors = [e for e in result.stderr.splitlines() if e.startswith(f"Error: {broken}:")]
    assert errors, result.stderr
    assert any(reason in e for e in errors), result.stderr
    for error in errors:
        assert re.match(rf"Error: {re.escape(str(broken))}:\d+: \S", error), error
    if line is not None:
        assert any(e.startswith(f"Error: {broken}:{line}: ") for e in errors), result.stderr
    assert table_checksums(db_url) == before


def test_refused_report_in_an_empty_database_leaves_only_the_schema(cli, db_url: str) -> None:
    before = table_checksums(db_url)
    result = cli.load_report(EXAMPLE.parent / "does-not-exist.txt")
    assert result.exit_code == 1
    assert "cannot read file" in result.stderr
    assert table_checksums(db_url) == before
