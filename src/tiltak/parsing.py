"""Parsing: the text layout of the publication (docs/publication.md) → blocks of labelled rows.

The parser knows the layout, not the categories: labels stay as printed and are resolved
by validation against the hierarchy in the database.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tiltak.errors import Problem, ReportError, quoted
from tiltak.model import (
    HIDDEN_MARKERS,
    KJONN,
    LARGEST_FIGURE,
    SMALLEST_FIGURE,
    TABLES,
    TABLES_BY_HEADING,
    CellValue,
    Hidden,
    TableSpec,
    format_figure,
    format_periode,
    normalize_label,
    parse_month_line,
    plausible_months,
)
from tiltak.reading import LINE_BREAK, decode, read_regular_file

_SEPARATORS = " \u00a0\u202f\u2009"  # what NAV's editions put between groups of three digits
_SPACES = re.compile(f"[{_SEPARATORS}]")
_DIGITS_AND_SEPARATORS = re.compile(f"[0-9{_SEPARATORS}]*[0-9][0-9{_SEPARATORS}]*")
_GROUPED = re.compile(f"[1-9][0-9]{{0,2}}(?:[{_SEPARATORS}][0-9]{{3}})+")
_MAX_DIGITS = len(str(LARGEST_FIGURE))
_BOLD = re.compile(r"^<b>(.*)</b>$", re.DOTALL)
_LOOKS_LIKE_MONTH = re.compile(r"^\S+\s+\d{4}$")
# Markers other agencies print for a hidden or unavailable cell, which this tool cannot read:
# SSB prints `-` for a true zero, others for a hidden count, so a lone dash is ambiguous.
_UNREADABLE_MARKS = {"...", "…", "-", "–", "—", "x", "X"}


@dataclass(frozen=True)
class ParsedRow:
    line: int
    label: str
    is_sum: bool
    cells: tuple[CellValue, ...]  # None where the cell is blank, Hidden where hidden


@dataclass
class ParsedBlock:
    table: TableSpec
    kjonn: str | None
    header_line: int
    rows: list[ParsedRow] = field(default_factory=list)

    @property
    def last_line(self) -> int:
        return self.rows[-1].line if self.rows else self.header_line


BlockKey = tuple[int, str | None]


@dataclass
class ParsedReport:
    path: str
    sha256: str
    periode: date
    periode_line: int
    line_count: int
    blocks: dict[BlockKey, ParsedBlock]

    @property
    def split_by_kjonn(self) -> bool:
        """Whether the report is of the full shape (six tables) rather than without kjønn."""
        return any(kjonn is not None for _number, kjonn in self.blocks)

    @property
    def finest_table(self) -> int:
        return 6 if self.split_by_kjonn else 5


def read_report(path: Path) -> ParsedReport:
    """Read and parse one report file; raises ReportError naming file and line."""
    return parse_report(read_regular_file(path), str(path))


def parse_report(raw: bytes, path: str, today: date | None = None) -> ParsedReport:
    """Parse a report's bytes; `today` (default: the clock's) bounds the plausible months."""
    text = decode(raw, path)
    lines = LINE_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # a final line break does not start another line
    parser = _Parser(path, plausible_months(today or date.today()))
    for number, line in enumerate(lines, start=1):
        parser.feed(number, line)
    return parser.finish(hashlib.sha256(raw).hexdigest(), len(lines))


def parse_cell(text: str) -> CellValue:
    """``'76 393'`` → 76393, ``'−12'`` → -12, ``''`` → None, ``'*'`` → Hidden('*');
    raises ValueError otherwise."""
    value = text.strip()
    bold = _BOLD.match(value)
    if bold:
        value = bold.group(1).strip()
    if not value:
        return None
    if value in HIDDEN_MARKERS:
        return Hidden(value)
    if value in _UNREADABLE_MARKS:
        markers = ", ".join(repr(m) for m in HIDDEN_MARKERS)
        raise ValueError(
            f"hidden or missing cell {value!r} is ambiguous (a zero for some agencies, a hidden"
            f" count for others): print a hidden count as one of {markers}, a zero as a blank"
        )
    return parse_figure(value)


def parse_figure(value: str) -> int:
    """A figure as NAV prints it: ASCII digits, grouped by three or not at all, no leading
    zero, within what the database stores; raises ValueError naming what is wrong."""
    negative = value[:1] in ("-", "\u2212")
    body = value[1:] if negative else value
    foreign = next((c for c in body if c.isdigit() and not "0" <= c <= "9"), None)
    if foreign is not None:
        raise ValueError(f"{foreign!r} is not an ASCII digit (0-9), in {quoted(value)}")
    if not _DIGITS_AND_SEPARATORS.fullmatch(body):
        raise ValueError(f"not a number: {quoted(value)}")
    digits = _SPACES.sub("", body)
    if len(digits) > 1 and digits[0] == "0":
        raise ValueError(f"leading zero in {quoted(value)}")
    if negative and digits == "0":
        raise ValueError(f"{quoted(value)} is a signed zero; a zero is printed 0")
    if digits != body and not _GROUPED.fullmatch(body):
        raise ValueError(f"thousands separator out of place in {quoted(value)}")
    # Length first: int() of a 4 301-digit string raises, and printing one floods a terminal.
    if len(digits) > _MAX_DIGITS:
        shown = f"a number of {len(digits):,} digits"
    else:
        number = -int(digits) if negative else int(digits)
        if SMALLEST_FIGURE <= number <= LARGEST_FIGURE:
            return number
        shown = format_figure(number)
    bound = format_figure(SMALLEST_FIGURE if negative else LARGEST_FIGURE)
    which = "smallest" if negative else "largest"
    raise ValueError(f"{shown} is beyond the {which} figure stored ({bound})")


def _parse_label(text: str) -> tuple[str, bool]:
    value = text.strip()
    bold = _BOLD.match(value)
    return (bold.group(1).strip(), True) if bold else (value, False)


class _Parser:
    """A line-by-line state machine over pages (``# title``), tables (``## name``) and rows."""

    def __init__(self, path: str, plausible: tuple[date, date]) -> None:
        self.path = path
        self.plausible = plausible
        self.problems: list[Problem] = []
        self.blocks: dict[BlockKey, ParsedBlock] = {}
        self.periode: date | None = None
        self.periode_line = 0
        self.month_refused = False
        self.seen_title = False
        self._new_page()

    def _new_page(self) -> None:
        self.table: TableSpec | None = None
        self.in_other_section = False
        self.page_periode: date | None = None
        self.kjonn: str | None = None
        self.page_genders: dict[str, int] = {}  # gender line -> its line number, this page
        self.block: ParsedBlock | None = None
        self.skip_repeated_total = False

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def feed(self, number: int, line: str) -> None:
        stripped = line.strip()
        if line.startswith("# "):
            self.seen_title = True
            self._new_page()
        elif line.startswith("## "):
            self._heading(number, line[3:].strip())
        elif not stripped or stripped == "---" or self.in_other_section:
            return
        elif not self.seen_title or self.table is None:
            self.problem(number, f"unexpected text outside a table: {stripped[:60]!r}")
        elif "\t" in line:
            self._table_line(number, line)
        else:
            self._text_line(number, stripped)

    def _heading(self, number: int, heading: str) -> None:
        self.table = TABLES_BY_HEADING.get(heading)
        if self.table is None and heading != "Om tabellene":
            self.problem(number, f"unknown table {quoted(heading)}")
        self.in_other_section = self.table is None

    def _text_line(self, number: int, text: str) -> None:
        gender = text.removeprefix("### ").strip()
        if gender in KJONN:
            if gender in self.page_genders:
                first = self.page_genders[gender]
                self.problem(number, f"{gender!r} twice on one page (first on line {first})")
            self.page_genders[gender] = number
            self.kjonn = gender
            self.block = None
            return
        month = parse_month_line(text)
        if month is not None:
            self._month_line(number, text, month)
        elif _LOOKS_LIKE_MONTH.match(text):
            self.problem(number, f"unparsable month {quoted(text)} (expected e.g. 'Mars 2014')")
        else:
            self.problem(number, f"unexpected line in table: {text[:60]!r}")

    def _month_line(self, number: int, text: str, year_month: tuple[int, int]) -> None:
        first, last = self.plausible
        index = year_month[0] * 12 + year_month[1]
        if not first.year * 12 + first.month <= index <= last.year * 12 + last.month:
            self.problem(
                number,
                f"month {quoted(text)} is implausible: expected one"
                f" from {format_periode(first)} to {format_periode(last)}",
            )
            # Read on as if the page had a month, so that the fault is named once, not again
            # as a page without a month line.
            self.page_periode, self.month_refused = first, True
            return
        self._month(number, date(*year_month, 1))

    def _month(self, number: int, month: date) -> None:
        if self.periode is None:
            self.periode, self.periode_line = month, number
        elif month != self.periode:
            self.problem(
                number,
                f"month {format_periode(month)!r} disagrees with {format_periode(self.periode)!r}"
                f" on line {self.periode_line}",
            )
        self.page_periode = month

    def _table_line(self, number: int, line: str) -> None:
        if line.startswith("\t"):
            self._header(number, line.split("\t")[1:])
        elif self.block is None:
            self.problem(number, "table row before the column header")
        else:
            self._row(number, self.block, line.split("\t"))

    def _header(self, number: int, columns: list[str]) -> None:
        assert self.table is not None
        spec = self.table
        if any(c.strip() for c in columns) and all(_is_figure(c) for c in columns):
            # Figures after a leading tab: a row whose label is blank, not a new header.
            return self.problem(number, f"table {spec.number}: a row without a label")
        self.block = None
        if self.page_periode is None:
            return self.problem(number, f"table {spec.number} page has no month line before it")
        if spec.by_kjonn and self.kjonn is None:
            return self.problem(number, f"table {spec.number} page has no Kvinner/Menn line")
        if not spec.by_kjonn and self.kjonn is not None:
            return self.problem(number, f"table {spec.number} is not split by kjønn")
        found = tuple(c.strip() for c in columns)
        if found != spec.columns:
            return self.problem(
                number,
                f"table {spec.number} columns are {_quoted_list(found)},"
                f" expected {list(spec.columns)}",
            )
        key = (spec.number, self.kjonn)
        self.skip_repeated_total = key in self.blocks
        self.block = self.blocks.setdefault(key, ParsedBlock(spec, self.kjonn, number))

    def _row(self, number: int, block: ParsedBlock, cells: list[str]) -> None:
        label, is_sum = _parse_label(cells[0])
        where = f"table {block.table.number}{_kjonn_text(block.kjonn)}, row {quoted(label)}"
        if len(cells) - 1 != len(block.table.columns):
            return self.problem(
                number, f"{where}: {len(cells) - 1} cells, header has {len(block.table.columns)}"
            )
        values: list[CellValue] = []
        for column, text in zip(block.table.columns, cells[1:], strict=True):
            try:
                values.append(parse_cell(text))
            except ValueError as exc:
                return self.problem(number, f"{where}, column {column!r}: {exc}")
        row = ParsedRow(number, label, is_sum, tuple(values))
        if self.skip_repeated_total:
            # A continued page repeats the table's grand total: the same row, already seen.
            self.skip_repeated_total = False
            first = block.rows[0] if block.rows else None
            if first is not None and _same_row(row, first):
                return
            if first is not None and _same_total(row, first):
                return self.problem(
                    number, f"{where}: repeats the total of line {first.line} with other figures"
                )
        block.rows.append(row)

    def finish(self, sha256: str, line_count: int) -> ParsedReport:
        if self.periode is None and not self.month_refused:
            self.problem(line_count, "no month line (e.g. 'Mars 2014') anywhere in the file")
        # The full shape has all six tables; an edition without kjønn has tables 1, 3 and 5.
        full_shape = any(kjonn is not None for _number, kjonn in self.blocks)
        for spec in TABLES:
            if spec.by_kjonn and not full_shape:
                continue
            for kjonn in KJONN if spec.by_kjonn else (None,):
                if (spec.number, kjonn) not in self.blocks:
                    self.problem(
                        line_count,
                        f"table {spec.number} {spec.heading!r}{_kjonn_text(kjonn)} is missing",
                    )
        if not self.problems:
            self._check_last_block()
        if self.problems:
            raise ReportError(self.problems)
        assert self.periode is not None
        return ParsedReport(
            self.path, sha256, self.periode, self.periode_line, line_count, self.blocks
        )

    def _check_last_block(self) -> None:
        """A file cut short ends in a block with fewer rows than its siblings: say so.

        The blocks of one kind (tables 1-2, 3-4, 5-6) print the same rows, so the last block
        of the file is shorter than all the others only when rows are missing at its end.
        """
        last = max(self.blocks.values(), key=lambda block: block.last_line)
        peers = [b for b in self.blocks.values() if b.table.kind == last.table.kind]
        others = [b for b in peers if b is not last]
        shortest = min(others, key=lambda block: len(block.rows), default=None)
        if shortest is not None and len(last.rows) < len(shortest.rows):
            self.problem(
                last.last_line,
                f"table {last.table.number}{_kjonn_text(last.kjonn)} ends after"
                f" {len(last.rows)} rows, table {shortest.table.number}"
                f"{_kjonn_text(shortest.kjonn)} has {len(shortest.rows)}: is the file cut short?",
            )


def _is_figure(text: str) -> bool:
    try:
        parse_cell(text)
    except ValueError:
        return False
    return True


def _same_row(a: ParsedRow, b: ParsedRow) -> bool:
    return (a.label, a.is_sum, a.cells) == (b.label, b.is_sum, b.cells)


def _same_total(a: ParsedRow, b: ParsedRow) -> bool:
    return a.is_sum and b.is_sum and normalize_label(a.label) == normalize_label(b.label)


def _quoted_list(items: tuple[str, ...], limit: int = 8) -> str:
    shown = [quoted(item) for item in items[:limit]]
    more = [f"… {len(items) - limit:,} more"] if len(items) > limit else []
    return f"[{', '.join(shown + more)}]"


def _kjonn_text(kjonn: str | None) -> str:
    return f" ({kjonn})" if kjonn else ""
