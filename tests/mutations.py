"""Copies of the real March 2014 report, broken or reformatted in code.

Every case is made by editing the shipped file, so each one differs from a report NAV really
published by exactly the fault it names. Rows are found by what they say (``row("Mentor",
table=5)``), never by hard-coded line numbers, so the cases read as what they test.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "2014-03.txt"
ORIGINAL_BYTES = EXAMPLE.read_bytes()
ORIGINAL = ORIGINAL_BYTES.decode("utf-8")
LINES = ORIGINAL.split("\n")  # LINES[n - 1] is line n

HEADINGS = {
    1: "Hovedgrupper",
    2: "Hovedgrupper og kjønn",
    3: "Tiltaksgrupper",
    4: "Tiltaksgrupper og kjønn",
    5: "Tiltak og hovedgrupper",
    6: "Tiltak, hovedgrupper og kjønn",
}
SUPPRESSION_MARKERS = ("*", "..", ":", "-", "–", "x")


# -- where things are in the real file ------------------------------------------------------


@dataclass(frozen=True)
class Page:
    first: int  # line of `# title`
    last: int  # last line before the next page (or the end of the file)
    table: int | None  # None for the 'Om tabellene' page
    kjonn: str | None  # the gender of the page's first block


def pages(lines: list[str] = LINES) -> list[Page]:
    starts = [n for n, line in enumerate(lines, start=1) if line.startswith("# ")]
    found = []
    for first, nxt in zip(starts, [*starts[1:], len(lines) + 1], strict=True):
        body = lines[first - 1 : nxt - 1]
        heading = next((x[3:].strip() for x in body if x.startswith("## ")), "")
        table = next((k for k, v in HEADINGS.items() if v == heading), None)
        genders = [x.removeprefix("### ").strip() for x in body]
        kjonn = next((g for g in genders if g in ("Kvinner", "Menn")), None)
        found.append(Page(first, nxt - 1, table, kjonn))
    return found


def pages_of(table: int, kjonn: str | None = None) -> list[Page]:
    return [p for p in pages() if p.table == table and (kjonn is None or p.kjonn == kjonn)]


def hide_small_counts(*tables: int) -> Callable[[list[str]], None]:
    """An edit printing every count from 1 to 3 in a tiltak row (not a sum row) of `tables`
    as `*`, as NAV's newer editions do; the sums stay as they were."""

    def edit(lines: list[str]) -> None:
        for page in pages():
            if page.table not in tables:
                continue
            for n in range(page.first, page.last + 1):
                line = lines[n - 1]
                if "\t" not in line or line.startswith(("\t", "<b>")):
                    continue
                label, *cells = line.split("\t")
                hidden = ["*" if c.strip() in ("1", "2", "3") else c for c in cells]
                lines[n - 1] = "\t".join([label, *hidden])

    return edit


def label(line: str) -> str:
    first = line.split("\t")[0].strip()
    return first.removeprefix("<b>").removesuffix("</b>").strip()


def rows(name: str, table: int, kjonn: str | None = None) -> list[int]:
    """Every line where the row `name` is printed in `table` (continued pages repeat totals).

    In table 2 both genders share one page: a kjønn there picks the rows after its line.
    """
    found = []
    for page in pages_of(table, None if table == 2 else kjonn):
        gender = page.kjonn
        for n in range(page.first, page.last + 1):
            text = LINES[n - 1].removeprefix("### ").strip()
            if text in ("Kvinner", "Menn"):
                gender = text
            elif "\t" in LINES[n - 1] and label(LINES[n - 1]) == name and kjonn in (None, gender):
                found.append(n)
    assert found, (name, table, kjonn)
    return found


def row(name: str, table: int, kjonn: str | None = None) -> int:
    return rows(name, table, kjonn)[0]


def line_of(text: str, after: int = 0) -> int:
    """The first line after line `after` that is exactly `text` (stripped)."""
    return next(n for n, x in enumerate(LINES, start=1) if n > after and x.strip() == text)


def header_of(page: Page) -> int:
    return next(n for n in range(page.first, page.last + 1) if LINES[n - 1].startswith("\t"))


# -- editing ----------------------------------------------------------------------------------


def format_count(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def number(cell: str) -> int:
    bare = cell.strip().removeprefix("<b>").removesuffix("</b>").strip()
    return int(re.sub(r"\s", "", bare) or 0)


def set_cell(lines: list[str], n: int, column: int, value: str) -> None:
    """Column 0 is the label; a bold cell stays bold."""
    cells = lines[n - 1].split("\t")
    old = cells[column].strip()
    bold = old.startswith("<b>") and value != ""
    cells[column] = f"<b>{value}</b>" if bold else value
    lines[n - 1] = "\t".join(cells)


def bump(lines: list[str], n: int, column: int, delta: int) -> None:
    set_cell(lines, n, column, format_count(number(lines[n - 1].split("\t")[column]) + delta))


Edit = Callable[[list[str]], None]


def edited(*edits: Edit) -> str:
    lines = list(LINES)
    for edit in edits:
        edit(lines)
    return "\n".join(lines)


def cell(n: int, column: int, value: str) -> Edit:
    return lambda lines: set_cell(lines, n, column, value)


def plus(n: int, *columns: int, delta: int = 1) -> Edit:
    def edit(lines: list[str]) -> None:
        for column in columns:
            bump(lines, n, column, delta)

    return edit


def replace_line(n: int, text: str) -> Edit:
    def edit(lines: list[str]) -> None:
        lines[n - 1] = text

    return edit


def without_lines(first: int, last: int) -> str:
    return "\n".join(LINES[: first - 1] + LINES[last:])


def with_lines_after(n: int, extra: list[str]) -> str:
    return "\n".join(LINES[:n] + extra + LINES[n:])


def page_text(page: Page) -> list[str]:
    return LINES[page.first - 1 : page.last]


def with_month(text: str, month: str) -> str:
    """The same report for another month: every page's month line rewritten."""
    return re.sub(r"(?m)^Mars 2014$", month, text)


def one_more_mentor() -> str:
    """A valid report with other figures: one woman more on Mentor among 'Andre på tiltak'.

    Every figure that counts her moves by one, on every page that prints it; last year's
    counts stay, so each Endring moves by one too (no percentage changes: checked by hand).
    """
    edits: list[Edit] = []
    # Tables 5 and 6: the row, its group sum and the grand total (every page): I alt, Andre.
    for table, kjonn, total in ((6, "Kvinner", "I alt kvinner"), (5, None, "I alt")):
        targets = [row("Mentor", table, kjonn), row("I alt oppfølging", table, kjonn)]
        edits += [plus(n, 1, 2) for n in [*targets, *rows(total, table, kjonn)]]
    # Tables 1-4: the row and the total: Antall and Endring.
    for table, kjonn, name, total in (
        (1, None, "Andre på tiltak", "I alt"),
        (2, "Kvinner", "Andre på tiltak", "I alt"),
        (3, None, "Oppfølging", "I alt"),
        (4, "Kvinner", "Oppfølging", "I alt kvinner"),
    ):
        edits += [plus(row(name, table, kjonn), 1, 2), plus(row(total, table, kjonn), 1, 2)]
    return edited(*edits)


# -- the corpus of refused reports ----------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """A refused report: the line the error must name and words its reason must contain."""

    name: str
    data: bytes
    line: int
    reason: str  # a regular expression searched in the reason of the named line
    repeat: int = 1  # the file is `data` this many times (kept lazy: 50 MB cases)

    def write(self, path: Path) -> None:
        with path.open("wb") as out:
            for _ in range(self.repeat):
                out.write(self.data)


def _text(name: str, text: str, line: int, reason: str) -> Broken:
    return Broken(name, text.encode("utf-8"), line, reason)


def _truncations() -> Iterator[Broken]:
    # Cut after a line: in the first page, in every table, and in the last rows.
    for n in (9, 24, 50, 70, 95, 130, 170, 215, 250, 300, 340):
        text = "\n".join(LINES[:n])
        yield _text(f"truncated after line {n}", text, n, "is missing|cut short")
    last = rows("Egenetablering", 6, "Menn")[-1]
    yield _text("truncated in the last rows", "\n".join(LINES[:last]), last, "cut short")
    # Cut inside a figure, and inside a two-byte letter.
    figure = row("Tidsbegrenset lønnstilskudd", 6, "Menn")
    cut = "\n".join(LINES[: figure - 1]) + "\n" + LINES[figure - 1][:-3]
    yield _text("truncated inside a figure", cut, figure, "cut short")
    letter = row("Arbeidspraksis i ordinær virksomhet", 6, "Menn")
    raw = "\n".join(LINES[: letter - 1]).encode() + b"\nArbeidspraksis i ordin\xc3"
    yield Broken("truncated inside a letter", raw, letter, "UTF-8.*truncated")


def _missing_and_doubled() -> Iterator[Broken]:
    end = len(LINES)
    for table, kjonn in ((1, None), (2, None), (3, None), (4, "Menn"), (6, "Kvinner")):
        chosen = pages_of(table, kjonn)
        text = without_lines(chosen[0].first, chosen[-1].last)
        removed = chosen[-1].last - chosen[0].first + 1
        yield _text(f"table {table} {kjonn or ''} missing", text, end - removed, "is missing")
    middle = pages_of(5)[1]
    yield _text(
        "a page of table 5 missing",
        without_lines(middle.first, middle.last),
        row("Arbeidsmarkedsopplæring (AMO)", 5),
        "printed in group 'Tilrettelagt arbeid' but belongs to 'Opplæring'",
    )
    # A table twice: the page again right after itself; rows then appear twice.
    for table, kjonn in ((1, None), (4, "Menn"), (3, None)):
        page = pages_of(table, kjonn)[0]
        copy = page_text(page)
        header = header_of(page) - page.first
        first_row = page.last + header + 3  # the copy's first row after its repeated total
        yield _text(
            f"table {table} twice",
            with_lines_after(page.last, copy),
            first_row,
            "appears twice",
        )
    mentor = row("Mentor", 5)
    yield _text(
        "a row twice",
        with_lines_after(mentor, [LINES[mentor - 1]]),
        mentor + 1,
        f"appears twice \\(first on line {mentor}\\)",
    )
    group = row("Avklaringstiltak", 3)
    yield _text(
        "a row twice, changed",
        with_lines_after(group, ["Avklaringstiltak\t3 015\t159\t6"]),
        group + 1,
        "appears twice",
    )


def _columns_and_cells() -> Iterator[Broken]:
    mentor = row("Mentor", 5)
    yield _text(
        "a column missing",
        edited(replace_line(mentor, "Mentor\t82\t6\t11")),
        mentor,
        "3 cells, header has 4",
    )
    yield _text(
        "a column extra",
        edited(replace_line(mentor, "Mentor\t82\t6\t11\t65\t0")),
        mentor,
        "5 cells, header has 4",
    )
    yield _text(
        "a trailing tab",
        edited(replace_line(mentor, LINES[mentor - 1] + "\t")),
        mentor,
        "5 cells, header has 4",
    )
    header = header_of(pages_of(1)[0])
    short = "\tAntall\tEndring fra i fjor Antall"
    yield _text(
        "a header column missing", edited(replace_line(header, short)), header, "columns are"
    )
    header6 = header_of(pages_of(6, "Menn")[1])
    extra = LINES[header6 - 1] + "\tUkjent"
    yield _text(
        "a header column extra", edited(replace_line(header6, extra)), header6, "columns are"
    )
    not_numbers = [
        ("2 3x0", "Jobbklubb", 5, None, 1),
        ("12.5", "Andre på tiltak", 1, None, 3),
        ("1,234", "Avklaring", 6, "Menn", 2),
        ("+5", "Mentor", 6, "Kvinner", 3),
        ("(5)", "Oppfølging", 3, None, 2),
        ("1e3", "Utdanning", 6, "Menn", 4),
    ]
    for text, *where in not_numbers:
        name, table, kjonn, column = where
        assert isinstance(name, str) and isinstance(table, int) and isinstance(column, int)
        n = row(name, table, kjonn)
        yield _text(f"not a number {text!r}", edited(cell(n, column, text)), n, "not a number")
    finansiering = row("Resultatbasert finansiering", 6, "Kvinner")
    yield _text(
        "a negative count",
        edited(cell(finansiering, 2, "-1"), plus(finansiering, 1, delta=-1)),
        finansiering,
        "negative count -1",
    )
    andre = row("Andre på tiltak", 2, "Kvinner")
    yield _text(
        "a count implying a negative count last year",
        edited(cell(andre, 2, "1 600")),
        andre,
        "negative count last year",
    )


def _sums() -> Iterator[Broken]:
    avklaring = row("Avklaring", 6, "Kvinner")
    yield _text(
        "row sum off by one (table 6)",
        edited(plus(avklaring, 1)),
        avklaring,
        "'I alt': published 308, expected 307",
    )
    avklaring5 = row("Avklaring", 5)
    yield _text(
        "row sum off by one (table 5)",
        edited(plus(avklaring5, 1)),
        avklaring5,
        "'I alt': published 585, expected 584",
    )
    group = row("I alt oppfølging", 6, "Menn")
    yield _text(
        "group sum off by one", edited(plus(group, 1, 2)), group, "published 96, expected 95"
    )
    totals = rows("I alt", 5)
    yield _text(
        "grand total off by one on every page",
        edited(*(plus(n, 1, 2) for n in totals)),
        totals[0],
        "published 2464, expected 2463",
    )
    yield _text(
        "grand total off by one on a continued page",
        edited(plus(totals[2], 1, 2)),
        totals[2],
        f"repeats the total of line {totals[0]} with other figures",
    )
    # Table 5 consistent in itself (row, group and totals moved together) but not
    # Kvinner + Menn of table 6.
    mentor = row("Mentor", 5)
    yield _text(
        "kvinner + menn off by one (table 5 against table 6)",
        edited(*(plus(n, 1, 2) for n in [mentor, row("I alt oppfølging", 5), *totals])),
        mentor,
        "published 7, expected 6",
    )
    hoved = [row("Andre på tiltak", 1), row("I alt", 1)]
    yield _text(
        "kvinner + menn off by one (table 1 against table 2)",
        edited(*(plus(n, 1, 2) for n in hoved)),
        hoved[0],
        "published 2464, expected 2463",
    )
    groups = [row("Oppfølging", 3), row("I alt", 3)]
    yield _text(
        "cross-table off by one (table 3 against table 5)",
        edited(*(plus(n, 1, 2) for n in groups)),
        groups[0],
        "published 12417, expected 12416",
    )
    soker = row("Arbeidssøkere på tiltak", 1)
    yield _text(
        "Endring off by one", edited(plus(soker, 2)), soker, "published -408, expected -409"
    )
    total3 = row("I alt", 3)
    yield _text(
        "Endring of the total off by one",
        edited(plus(total3, 2, delta=-1)),
        total3,
        "published -2160, expected -2159",
    )
    tilrettelegging = row("Tilrettelegging", 3)
    yield _text(
        "Prosent off by one",
        edited(plus(tilrettelegging, 3)),
        tilrettelegging,
        "published 45, expected 44",
    )
    nedsatt = row("Nedsatt arbeidsevne, på tiltak", 2, "Menn")  # -2.507 %
    yield _text(
        "Prosent rounded towards zero",
        edited(cell(nedsatt, 3, "-2")),
        nedsatt,
        "published -2, expected -3",
    )
    andre = row("Andre på tiltak", 1)
    yield _text(
        "Prosent left blank", edited(cell(andre, 3, "")), andre, "published blank, expected 6"
    )


def _labels_and_structure() -> Iterator[Broken]:
    cases = [
        ("unknown tiltak", ("Avklaring", 6, "Kvinner"), "Avklaringx", "unknown tiltak"),
        (
            "unknown hovedgruppe",
            ("Andre på tiltak", 2, "Menn"),
            "Andre på tiltakk",
            "unknown hovedgruppe",
        ),
        (
            "unknown tiltaksgruppe",
            ("Oppfølging", 4, "Kvinner"),
            "Oppfølgingg",
            "unknown tiltaksgruppe",
        ),
        (
            "unknown group sum",
            ("I alt oppfølging", 5, None),
            "I alt oppfølgingg",
            "unknown tiltaksgruppe",
        ),
        ("a blank label", ("Mentor", 5, None), "", "a row without a label"),
    ]
    for name, (old, table, kjonn), new, reason in cases:
        n = row(old, table, kjonn)
        yield _text(name, edited(cell(n, 0, new)), n, reason)
    heading = pages_of(3)[0].first + 2
    yield _text(
        "an unknown table heading",
        edited(replace_line(heading, "## Tiltaksgruppene")),
        heading,
        "unknown table 'Tiltaksgruppene'",
    )
    page3 = pages_of(3)[0]
    yield _text(
        "a table without its header",
        edited(replace_line(header_of(page3), "")),
        header_of(page3) + 1,
        "row before the column header",
    )
    gender = line_of("Menn", after=pages_of(6, "Menn")[1].first)
    yield _text(
        "a page without its Kvinner/Menn line",
        edited(replace_line(gender, "")),
        header_of(pages_of(6, "Menn")[1]),
        "no Kvinner/Menn line",
    )
    menn = line_of("### Menn")
    yield _text(
        "Kvinner twice instead of Menn",
        edited(replace_line(menn, "### Kvinner")),
        menn,
        "'Kvinner' twice on one page",
    )
    stray = pages_of(1)[0].last - 1
    yield _text(
        "text between tables", edited(replace_line(stray, "Kilde: NAV")), stray, "unexpected line"
    )


def _months() -> Iterator[Broken]:
    page3 = pages_of(3)[0]
    month3 = line_of("Mars 2014", after=page3.first)
    yield _text(
        "a month line missing", edited(replace_line(month3, "")), header_of(page3), "no month line"
    )
    no_months = with_month(ORIGINAL, "")
    yield _text("no month line anywhere", no_months, header_of(pages_of(1)[0]), "no month line")
    page4 = pages_of(4, "Menn")[0]
    month4 = line_of("Mars 2014", after=page4.first)
    for bad in ("Marz 2014", "Mars 14", "Mars 2O14", "2014-03", "Mars 2014 (foreløpig)"):
        yield _text(
            f"an unparsable month {bad!r}",
            edited(replace_line(month4, bad)),
            month4,
            "month|unexpected line",
        )
    page5 = pages_of(5)[1]
    month5 = line_of("Mars 2014", after=page5.first)
    first_month = line_of("Mars 2014", after=pages_of(1)[0].first)
    yield _text(
        "months disagreeing between pages",
        edited(replace_line(month5, "April 2014")),
        month5,
        f"'April 2014' disagrees with 'Mars 2014' on line {first_month}",
    )
    two = ORIGINAL + "\n\n" + with_month(ORIGINAL, "April 2014")
    april = len(LINES) + 1 + first_month
    yield _text("two months in one file", two, april, "'April 2014' disagrees")


def _files() -> Iterator[Broken]:
    yield Broken("an empty file", b"", 1, "file is empty")
    yield Broken("only blank lines", b"\n\n \r\n\t\n", 1, "file is empty")
    yield Broken("only a byte order mark", b"\xef\xbb\xbf", 1, "file is empty")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    yield Broken("a binary file", png, 3, "binary file")  # \r\n, then \n: NUL on line 3
    rng = random.Random(5)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(4000))
    yield Broken("binary noise without NUL bytes", noise, 1, "neither UTF-8 nor Windows-1252")
    copies = 50_000_000 // (len(ORIGINAL_BYTES) + 1) + 1
    yield Broken(
        "a 50 MB file", ORIGINAL_BYTES + b"\n", 1, r"file is 50,\d{3},\d{3} bytes", repeat=copies
    )
    mentor = row("Mentor", 5)
    bad_utf8 = "\n".join(LINES[: mentor - 1]).encode() + b"\nMentor\xff\t82\t6\t11\t65\n"
    yield Broken(
        "invalid UTF-8", bad_utf8 + "\n".join(LINES[mentor:]).encode(), mentor, "not valid UTF-8"
    )
    cp1252 = ORIGINAL.encode("cp1252")
    at = cp1252.index(b"Mentor")
    yield Broken(
        "invalid Windows-1252",
        cp1252[:at] + b"\x81" + cp1252[at:],
        mentor,
        "0x81 is neither UTF-8 nor Windows-1252",
    )
    mixed = ORIGINAL_BYTES.replace(b"Jobbklubb", "Jobbkl\xf8bb".encode("cp1252"), 1)
    yield Broken(
        "UTF-8 with one Windows-1252 letter", mixed, row("Jobbklubb", 5), "not valid UTF-8"
    )


def broken_reports() -> list[Broken]:
    return [
        *_truncations(),
        *_missing_and_doubled(),
        *_columns_and_cells(),
        *_sums(),
        *_labels_and_structure(),
        *_months(),
        *_files(),
    ]


def suppressed(marker: str, n: int, column: int) -> bytes:
    return edited(cell(n, column, marker)).encode("utf-8")


# -- format variants that must load ---------------------------------------------------------

_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_MINUS = re.compile(r"(?<=[\t>])-(?=\d)")


def _in_cells(text: str, pattern: re.Pattern[str], replacement: str) -> str:
    """Apply `pattern` to the figure cells only, never to labels."""
    out = []
    for line in text.split("\n"):
        if "\t" in line:
            first, *cells = line.split("\t")
            line = "\t".join([first, *(pattern.sub(replacement, "\t" + c)[1:] for c in cells)])
        out.append(line)
    return "\n".join(out)


def repaged(size: int) -> str:
    """Tables 5 and 6 re-paged: `size` rows a page, each page repeating the header lines and
    the grand total as NAV does; the other tables unchanged."""
    out: list[str] = []
    for table, kjonn in ((5, None), (6, "Kvinner"), (6, "Menn")):
        chosen = pages_of(table, kjonn)
        head = LINES[chosen[0].first - 1 : header_of(chosen[0])]  # title … column header
        total = LINES[header_of(chosen[0])]
        body = [
            LINES[n - 1]
            for page in chosen
            for n in range(header_of(page) + 2, page.last + 1)
            if LINES[n - 1].strip()
        ]
        for start in range(0, len(body), size):
            out += [*head, total, *body[start : start + size], "", "", ""]
    first5 = pages_of(5)[0].first
    return "\n".join(LINES[: first5 - 1] + out)


def format_variants() -> dict[str, bytes]:
    nbsp = _in_cells(ORIGINAL, _THOUSANDS, "\u00a0")
    narrow = _in_cells(ORIGINAL, _THOUSANDS, "\u202f")
    minus = _in_cells(ORIGINAL, _MINUS, "\u2212")
    blank_lines = "\n\n" + "\n\n".join(ORIGINAL.split("\n")) + "\n\n\n"
    spaced = "\n".join(
        " \t ".join(line.split("\t")) if "\t" in line and not line.startswith("\t") else line
        for line in LINES
    )
    hashes = re.sub(r"(?m)^(Kvinner|Menn)$", r"### \1", ORIGINAL)
    return {
        "byte order mark": b"\xef\xbb\xbf" + ORIGINAL_BYTES,
        "CRLF line ends": ORIGINAL_BYTES.replace(b"\n", b"\r\n"),
        "old Mac line ends": ORIGINAL_BYTES.replace(b"\n", b"\r"),
        "Windows-1252": ORIGINAL.encode("cp1252"),
        "no-break space thousands": nbsp.encode(),
        "narrow no-break space thousands": narrow.encode(),
        "minus sign U+2212": minus.encode(),
        "extra blank lines": blank_lines.encode(),
        "spaces around cells": spaced.encode(),
        "final line break": ORIGINAL_BYTES + b"\n",
        "'### ' before every gender line": hashes.encode(),
        "one page per block": repaged(1000).encode(),
        "five rows a page": repaged(5).encode(),
        "a page per row": repaged(1).encode(),
        "Windows-1252, CRLF, no-break spaces, blank lines, re-paged": "\r\n\r\n".join(
            _in_cells(repaged(7), _THOUSANDS, "\u00a0").split("\n")
        ).encode("cp1252"),
        "BOM, U+2212, narrow no-break spaces": b"\xef\xbb\xbf"
        + _in_cells(minus, _THOUSANDS, "\u202f").encode(),
    }


# -- databases and commands for the tests -------------------------------------------------


@contextmanager
def scratch_database(server_url: str, template: str) -> Iterator[str]:
    """A database of its own (a copy of `template`) for one test module; dropped after."""
    from conftest import _create_database, _drop_database

    name = f"tiltak_h5_{uuid.uuid4().hex[:12]}"
    url = _create_database(server_url, name, template)
    try:
        yield url
    finally:
        _drop_database(server_url, name)


def executable(name: str) -> str:
    """An installed command (`load-report`, `tiltak`) of the virtualenv running the tests."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is not installed next to {sys.executable}"
    return found


def spawn(command: str, *args: str | Path, url: str, name: str) -> subprocess.Popen[str]:
    """Start an installed command against `url`; its sessions carry application_name `name`."""
    env = {**os.environ, "TILTAK_DATABASE_URL": url, "PGAPPNAME": name}
    return subprocess.Popen(
        [executable(command), *(str(a) for a in args)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def sessions(monitor: psycopg.Connection[Any], name: str, *, waiting: bool = False) -> int:
    """How many sessions named `name` are open (or waiting for a lock) on the server."""
    query = "select count(*) from pg_stat_activity where application_name = %s"
    if waiting:
        query += " and wait_event_type = 'Lock'"
    found = monitor.execute(query, (name,)).fetchone()
    return int(found[0]) if found else 0


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Poll `condition` (a test harness watching other processes, not a way to order them)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.005)
