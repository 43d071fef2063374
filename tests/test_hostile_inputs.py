"""Hostile reports (tests/hostile.py): each is refused with exit code 1 and only short
`Error: <file>:<line>: <reason>` lines, leaving a database that holds the month unchanged;
the valid reports at the same edges load and reproduce every figure; files that are not
regular files are refused without being read."""

from __future__ import annotations

import os
import re
import socket
import subprocess
from datetime import date
from pathlib import Path

import pytest

from conftest import Cli, table_checksums
from hostile import accepted_reports, hostile_reports
from mutations import (
    EXAMPLE,
    ORIGINAL,
    _in_cells,
    broken_reports,
    executable,
)
from published import mismatches, read_publication

TODAY = date.today()
CASES = hostile_reports(TODAY)
ACCEPTED = accepted_reports(TODAY)
SUMMARY = "Error: 1 of 1 report(s) refused; nothing written for those"
MAX_LINE = 400  # characters of a reason: a quoted label or figure is shortened to fit
MAX_PROBLEMS = 100
# Anything a terminal would act on: C0 and C1 controls but the line break, bidi overrides.
_UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def problems(stderr: str, path: Path) -> list[tuple[int, str]]:
    """(line, reason) of every `Error: <file>:<line>: <reason>` line, each one short and
    safe on a terminal; nothing else allowed but the closing summary."""
    assert not _UNSAFE.search(stderr), repr(_UNSAFE.search(stderr))
    *lines, summary = stderr.splitlines()
    assert summary == SUMMARY, stderr[:2000]
    assert 0 < len(lines) <= MAX_PROBLEMS + 1, f"{len(lines)} lines"
    found = []
    for line in lines:
        match = re.fullmatch(rf"Error: {re.escape(str(path))}:(\d+): (\S.*)", line)
        assert match, f"not `Error: <file>:<line>: <reason>`: {line[:300]!r}"
        assert len(match[2]) <= MAX_LINE, f"{len(match[2])} characters: {line[:300]!r}"
        found.append((int(match[1]), match[2]))
    return found


def test_the_corpus_is_big_and_new() -> None:
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)
    old = {case.data for case in broken_reports()}
    assert not [case.name for case in CASES if case.data in old]
    assert len({case.data for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_hostile_report_is_refused_cleanly_and_changes_nothing(
    case, loaded_url: str, before: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "2014-03.txt"
    case.write(path)
    result = Cli(loaded_url).load_report(path)
    assert result.exit_code == 1, result.output[:2000]
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert result.stdout == ""
    found = problems(result.stderr, path)
    named = [reason for line, reason in found if line == case.line]
    assert any(re.search(case.reason, reason) for reason in named), (
        f"no reason matching {case.reason!r} on line {case.line}:\n{result.stderr[:3000]}"
    )
    assert table_checksums(loaded_url) == before


def test_a_flood_of_problems_is_listed_up_to_a_cap_with_the_rest_counted(
    loaded_url: str, before: dict[str, str], tmp_path: Path
) -> None:
    case = next(case for case in CASES if case.name == "600 001 malformed rows")
    path = tmp_path / "2014-03.txt"
    case.write(path)
    result = Cli(loaded_url).load_report(path)
    found = problems(result.stderr, path)
    assert len(found) == MAX_PROBLEMS + 1
    assert [line for line, _ in found[:MAX_PROBLEMS]] == list(
        range(case.line, case.line + MAX_PROBLEMS)
    )
    assert found[-1][1] == f"... and {600_001 - MAX_PROBLEMS} more"
    assert table_checksums(loaded_url) == before


def test_a_huge_label_is_shortened_in_the_message(
    loaded_url: str, before: dict[str, str], tmp_path: Path
) -> None:
    case = next(case for case in CASES if case.name == "a 1 MB label")
    path = tmp_path / "2014-03.txt"
    case.write(path)
    [(line, reason)] = problems(Cli(loaded_url).load_report(path).stderr, path)
    assert line == case.line
    assert re.match(r"table 5, row 'M{40,100}…': unknown tiltak", reason), reason


@pytest.mark.parametrize("name", ACCEPTED)
def test_a_report_at_the_edge_loads_and_reproduces_every_figure(
    name: str, cli: Cli, db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "2014-03.txt"
    path.write_text(ACCEPTED[name], encoding="utf-8")
    result = cli.load_report(path)
    assert result.exit_code == 0, result.output[:3000]
    assert "loaded (216 counts)" in result.stdout
    publication = read_publication(path)
    assert publication.figures() == 597
    assert mismatches(db_url, publication) == []


THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")


@pytest.mark.parametrize(
    ("name", "separator"), [("no thousands separators", ""), ("thin spaces", "\u2009")]
)
def test_figures_grouped_otherwise_load_the_same(
    name: str, separator: str, cli: Cli, db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "2014-03.txt"
    text = _in_cells(ORIGINAL, THOUSANDS, separator)
    assert "76 393" not in text and f"76{separator}393" in text, name
    path.write_text(text, encoding="utf-8")
    result = cli.load_report(path)
    assert result.exit_code == 0, result.output
    assert mismatches(db_url, read_publication(EXAMPLE)) == []


# -- files that are not regular files --------------------------------------------------


def _refused_alone(url: str, path: Path, reason: str) -> None:
    """The installed command, so that a tool waiting on the file fails the test, not hangs it."""
    done = subprocess.run(
        [executable("load-report"), "--database-url", url, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines() == [f"Error: {path}:1: {reason}", SUMMARY], done.stderr


def test_a_fifo_is_refused_without_waiting_for_a_writer(
    loaded_url: str, before: dict[str, str], tmp_path: Path
) -> None:
    fifo = tmp_path / "2014-03.txt"
    os.mkfifo(fifo)
    _refused_alone(loaded_url, fifo, "not a regular file but a FIFO (named pipe)")
    assert table_checksums(loaded_url) == before


def test_a_link_to_a_fifo_is_refused(
    loaded_url: str, before: dict[str, str], tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "2014-03.txt"
    link.symlink_to(fifo)
    _refused_alone(loaded_url, link, "not a regular file but a FIFO (named pipe)")
    assert table_checksums(loaded_url) == before


def test_a_socket_is_refused(loaded_url: str, before: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "s"  # a socket's path must be short
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen()
        _refused_alone(loaded_url, path, "not a regular file but a socket")
    assert table_checksums(loaded_url) == before


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null on this system")
def test_a_device_is_refused(loaded_url: str, before: dict[str, str]) -> None:
    _refused_alone(loaded_url, Path("/dev/null"), "not a regular file but a character device")
    assert table_checksums(loaded_url) == before
