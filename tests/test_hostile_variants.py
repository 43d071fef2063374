"""More hostile reports, beyond tests/mutations.py: each is refused with `Error: <file>:<line>:
<reason>` lines, exit code 1 and the database exactly as before; and more harmless variants,
each of which loads and reproduces every published figure."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLE, Cli, table_checksums
from mutations import LINES, ORIGINAL, row, set_cell
from published import mismatches, read_publication

Lines = list[str]


def _edit(change: Callable[[Lines], None]) -> bytes:
    lines = list(LINES)
    change(lines)
    return "\n".join(lines).encode("utf-8")


def _swap(name_a: str, name_b: str, table: int, kjonn: str | None = None) -> bytes:
    def change(lines: Lines) -> None:
        a, b = row(name_a, table, kjonn), row(name_b, table, kjonn)
        lines[a - 1], lines[b - 1] = lines[b - 1], lines[a - 1]

    return _edit(change)


def _cell(name: str, table: int, column: int, value: str, kjonn: str | None = None) -> bytes:
    return _edit(lambda lines: set_cell(lines, row(name, table, kjonn), column, value))


def _label(name: str, table: int, new: str) -> bytes:
    def change(lines: Lines) -> None:
        n = row(name, table)
        lines[n - 1] = lines[n - 1].replace(name, new, 1)

    return _edit(change)


def _line(number: int, new: str) -> bytes:
    def change(lines: Lines) -> None:
        lines[number - 1] = new

    return _edit(change)


MONTH_LINE = LINES.index("Mars 2014", 15) + 1  # the month of table 1
HOSTILE: dict[str, bytes] = {
    # Control characters anywhere, a byte each (the parser refuses them all).
    **{
        f"control 0x{code:02x} in a label": _label("Jobbklubb", 5, f"Jobb{chr(code)}klubb")
        for code in (0x01, 0x02, 0x08, 0x0E, 0x1B, 0x1F, 0x7F)
    },
    "escape sequence in a count": _cell("Mentor", 5, 1, "\x1b[31m12\x1b[0m"),
    "backspace in the month": _line(MONTH_LINE, "Mars\x08 2014"),
    # Rows out of published order, in every table.
    "table 1 rows swapped": _swap("Arbeidssøkere på tiltak", "Nedsatt arbeidsevne, på tiltak", 1),
    "table 3 last rows swapped": _swap("Tilrettelegging", "Jobbskaping og egenetablering", 3),
    "table 4 rows swapped": _swap("Oppfølging", "Opplæring", 4, "Menn"),
    "table 5 tiltak swapped": _swap("Jobbklubb", "Mentor", 5),
    "table 6 tiltak swapped": _swap("Jobbklubb", "Mentor", 6, "Kvinner"),
    # Labels that only look right.
    "zero-width space in a label": _label("Jobbklubb", 5, "Jobb\u200bklubb"),
    "right-to-left override in a label": _label("Mentor", 5, "\u202eMentor"),
    "Cyrillic o in a label": _label("Mentor", 5, "Ment\u043er"),
    "unclosed bold": _label("I alt oppfølging", 5, "<b>I alt oppfølging"),
    "SQL in a label": _label("Mentor", 5, "Mentor'); drop table tiltak.antall; --"),
    "Python in a label": _label("Mentor", 5, "__import__('os').system('true')"),
    "format string in a label": _label("Mentor", 5, "{0.__class__}"),
    "a very long label": _label("Mentor", 5, "Mentor" * 2000),
    # Numbers that are not counts.
    "Arabic-Indic digits": _cell("Mentor", 5, 1, "١٢"),
    "full-width digits": _cell("Mentor", 5, 1, "１２"),
    "superscript digits": _cell("Mentor", 5, 1, "¹²"),
    "a decimal comma": _cell("Mentor", 5, 1, "12,0"),
    "a decimal point": _cell("Mentor", 5, 1, "12.0"),
    "exponent notation": _cell("Mentor", 5, 1, "1e1"),
    "hexadecimal": _cell("Mentor", 5, 1, "0x0c"),
    "a plus sign": _cell("Mentor", 5, 1, "+12"),
    "a double minus": _cell("I alt", 1, 2, "--2 159"),
    "a trailing minus": _cell("I alt", 1, 2, "2 159-"),
    "a percent sign": _cell("I alt", 1, 3, "-3 %"),
    "a count of 2**63": _cell("Mentor", 5, 1, "9 223 372 036 854 775 808"),
    "a count with 400 digits": _cell("Mentor", 5, 1, "9" * 400),
    "NaN": _cell("Mentor", 5, 1, "NaN"),
    "Infinity": _cell("Mentor", 5, 1, "Infinity"),
    # Structure.
    "a cell too many": _line(row("Mentor", 5), LINES[row("Mentor", 5) - 1] + "\t1"),
    "a cell too few": _line(row("Mentor", 5), LINES[row("Mentor", 5) - 1].rsplit("\t", 1)[0]),
    "month of another year in one table": _line(MONTH_LINE, "Mars 2013"),
    "month misspelt": _line(MONTH_LINE, "Marts 2014"),
    "month as a number": _line(MONTH_LINE, "03.2014"),
    "a table heading misspelt": _line(LINES.index("## Tiltaksgrupper") + 1, "## Tiltaksgruper"),
    "the title only": f"# {LINES[0][2:]}\n".encode(),
    "a report twice in one file": (ORIGINAL + "\n" + ORIGINAL).encode(),
    "UTF-16": ORIGINAL.encode("utf-16"),
    "gzip of the report": b"\x1f\x8b\x08\x00" + b"\x00" * 40,
}  # fmt: skip

ERROR_LINE = re.compile(r"^Error: (?P<file>.+?):(?P<line>\d+): \S")


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_report_is_refused_and_nothing_is_written(
    cli: Cli, db_url: str, tmp_path: Path, content: bytes
) -> None:
    assert cli.load_report(EXAMPLE).exit_code == 0  # a month already there must stay intact
    before = table_checksums(db_url)
    path = tmp_path / "2014-03.txt"
    path.write_bytes(content)
    result = cli.load_report(path)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    *problems, summary = result.stderr.splitlines()
    assert summary == "Error: 1 of 1 report(s) refused; nothing written for those"
    assert problems
    for line in problems:
        match = ERROR_LINE.match(line)
        assert match, line
        assert match["file"] == str(path)
        assert 1 <= int(match["line"]) <= max(content.count(b"\n") + 1, 1)
    assert table_checksums(db_url) == before
    assert mismatches(db_url, read_publication(EXAMPLE)) == []


def _trailing_spaces() -> bytes:
    return "\n".join(line + "  " if line else line for line in LINES).encode()


HARMLESS: dict[str, bytes] = {
    "classic Mac line ends (CR)": ORIGINAL.replace("\n", "\r").encode(),
    "CRLF, cp1252, last newline": (ORIGINAL.replace("\n", "\r\n") + "\r\n").encode("cp1252"),
    "a hundred blank lines at the end": (ORIGINAL + "\n" * 100).encode(),
    "blank lines at the start": ("\n\n\n" + ORIGINAL).encode(),
    "form feed between pages": ORIGINAL.replace("\n# ", "\n\x0c\n# ").encode(),
    "trailing spaces on every line": _trailing_spaces(),
    "a label in upper case": _label("Mentor", 5, "MENTOR"),
    "thin spaces between thousands": re.sub(r"(\d) (\d{3})", "\\1\u2009\\2", ORIGINAL).encode(),
}  # fmt: skip


@pytest.mark.parametrize("content", HARMLESS.values(), ids=HARMLESS.keys())
def test_a_harmless_variant_loads_with_every_figure(
    cli: Cli, db_url: str, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "2014-03.txt"
    path.write_bytes(content)
    result = cli.load_report(path)
    assert result.exit_code == 0, result.output
    assert mismatches(db_url, read_publication(EXAMPLE)) == []
