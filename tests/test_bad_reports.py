"""A corpus of broken copies of the real report: each is refused with exit code 1 and a
reason naming its line, and leaves every table of a database holding the month unchanged."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import Cli, table_checksums
from mutations import (
    LINES,
    SUPPRESSION_MARKERS,
    Broken,
    broken_reports,
    executable,
    row,
    suppressed,
)
from tiltak.model import HIDDEN_MARKERS

CASES = broken_reports()
SUMMARY = "Error: 1 of 1 report(s) refused; nothing written for those"


def problems(stderr: str, path: Path) -> list[tuple[int, str]]:
    """(line, reason) of every `Error: <file>:<line>: <reason>` line; nothing else allowed
    but the closing summary."""
    *lines, summary = stderr.splitlines()
    assert summary == SUMMARY, stderr
    assert lines, stderr
    found = []
    for line in lines:
        match = re.fullmatch(rf"Error: {re.escape(str(path))}:(\d+): (\S.*)", line)
        assert match, f"not `Error: <file>:<line>: <reason>`: {line!r}"
        found.append((int(match[1]), match[2]))
    return found


def assert_refused(case: Broken, stdout: str, stderr: str, path: Path) -> None:
    found = problems(stderr, path)
    named = [reason for line, reason in found if line == case.line]
    assert any(re.search(case.reason, reason) for reason in named), (
        f"no reason matching {case.reason!r} on line {case.line}:\n{stderr}"
    )
    assert stdout == ""


def test_the_corpus_is_big_and_every_case_is_a_different_file() -> None:
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)
    assert len({(case.data, case.repeat) for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_broken_report_is_refused_naming_its_line_and_changes_nothing(
    case: Broken, loaded_url: str, before: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "2014-03.txt"
    case.write(path)
    result = Cli(loaded_url).load_report(path)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert_refused(case, result.stdout, result.stderr, path)
    assert table_checksums(loaded_url) == before


def test_the_installed_command_refuses_each_file_the_same_way(
    loaded_url: str, before: dict[str, str], tmp_path: Path
) -> None:
    names = ["truncated after line 130", "a binary file", "UTF-8 with one Windows-1252 letter"]
    cases = [next(case for case in CASES if case.name == name) for name in names]
    paths = [tmp_path / f"report{i}.txt" for i in range(len(cases))]
    for case, path in zip(cases, paths, strict=True):
        case.write(path)
    done = subprocess.run(
        [executable("load-report"), "--database-url", loaded_url, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    *lines, summary = done.stderr.splitlines()
    assert summary == "Error: 3 of 3 report(s) refused; nothing written for those"
    for case, path in zip(cases, paths, strict=True):
        mine = "\n".join(line for line in lines if line.startswith(f"Error: {path}:"))
        assert_refused(case, "", f"{mine}\n{SUMMARY}", path)
    assert done.stdout == ""
    assert table_checksums(loaded_url) == before


# Where a hidden cell is tried: a blank count, a figure, a bold total, a percentage.
PLACES = {
    "blank count": (row("Resultatbasert finansiering", 6, "Kvinner"), 2),
    "figure": (row("Mentor", 5), 1),
    "total": (row("I alt menn", 4, "Menn"), 1),
    "percentage": (row("Tilrettelegging", 3), 3),
}


# `*`, `..` and `:` are read as hidden cells (test_hidden_cells.py); a dash or an x is not.
AMBIGUOUS_MARKERS = [marker for marker in SUPPRESSION_MARKERS if marker not in HIDDEN_MARKERS]


@pytest.mark.parametrize("marker", AMBIGUOUS_MARKERS)
@pytest.mark.parametrize("place", PLACES)
def test_an_ambiguous_marker_is_refused_with_a_clear_reason(
    marker: str, place: str, loaded_url: str, before: dict[str, str], tmp_path: Path
) -> None:
    line, column = PLACES[place]
    path = tmp_path / "2014-03.txt"
    path.write_bytes(suppressed(marker, line, column))
    assert marker in path.read_text(encoding="utf-8").split("\n")[line - 1]
    result = Cli(loaded_url).load_report(path)
    assert result.exit_code == 1
    found = problems(result.stderr, path)
    assert len(found) == 1, result.stderr
    number, reason = found[0]
    assert number == line
    label = LINES[line - 1].split("\t")[0].removeprefix("<b>").removesuffix("</b>")
    assert f"row {label!r}" in reason
    assert f"hidden or missing cell {marker!r} is ambiguous" in reason
    assert table_checksums(loaded_url) == before


def test_a_file_that_is_not_there_or_not_a_file_is_refused(
    loaded_url: str, before: dict[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.txt"
    result = Cli(loaded_url).load_report(missing, tmp_path)
    assert result.exit_code == 1
    assert f"Error: {missing}:1: cannot read file: No such file or directory" in result.stderr
    assert f"Error: {tmp_path}:1: not a regular file but a directory" in result.stderr
    assert "2 of 2 report(s) refused" in result.stderr
    assert table_checksums(loaded_url) == before


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_an_endless_stream_is_refused_without_reading_it(
    loaded_url: str, before: dict[str, str]
) -> None:
    result = Cli(loaded_url).load_report("/dev/zero")
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first == "Error: /dev/zero:1: not a regular file but a character device", first
    assert table_checksums(loaded_url) == before
