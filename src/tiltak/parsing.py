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

from tiltak.errors import Problem, ReportError
from tiltak.model import (
    KJONN,
    TABLES_BY_HEADING,
    TableSpec,
    format_periode,
    normalize_label,
    parse_month_line,
)

MAX_REPORT_BYTES = 5_000_000  # a real monthly report is about 15 kB
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_INTEGER = re.compile(r"-?\d+")
_BOLD = re.compile(r"^<b>(.*)</b>$", re.DOTALL)
_LOOKS_LIKE_MONTH = re.compile(r"^\S+\s+\d{4}$")
# Markers statistics agencies print for a hidden (suppressed) or unavailable cell.
_SUPPRESSION_MARKS = {"*", "..", "...", "…", ":", "-", "–", "—", "x", "X"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
# C0 controls other than tab, line breaks and form feed: not something a text report holds.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ParsedRow:
    line: int
    label: str
    is_sum: bool
    cells: tuple[int | None, ...]  # None where the cell is blank


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


def read_report(path: Path) -> ParsedReport:
    """Read and parse one report file; raises ReportError naming file and line."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise ReportError(
                [Problem(name, 1, f"file is {size:,} bytes; a monthly report is far smaller")]
            )
        with path.open("rb") as stream:
            raw = stream.read(MAX_REPORT_BYTES + 1)  # a pipe or a device tells no size first
    except OSError as exc:
        raise ReportError([Problem(name, 1, f"cannot read file: {exc.strerror}")]) from exc
    if len(raw) > MAX_REPORT_BYTES:
        message = f"file is over {MAX_REPORT_BYTES:,} bytes; a monthly report is far smaller"
        raise ReportError([Problem(name, 1, message)])
    return parse_report(raw, name)


def parse_report(raw: bytes, path: str) -> ParsedReport:
    text = decode(raw, path)
    lines = _LINE_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # a final line break does not start another line
    parser = _Parser(path)
    for number, line in enumerate(lines, start=1):
        parser.feed(number, line)
    return parser.finish(hashlib.sha256(raw).hexdigest(), len(lines))


def decode(raw: bytes, path: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; binary and empty files are refused."""
    if b"\x00" in raw:
        line = _line_at(raw, raw.index(b"\x00"))
        raise ReportError([Problem(path, line, "binary file: NUL byte; expected a text report")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        text = _decode_not_utf8(raw, path, utf8_error)
    if not text.strip():
        raise ReportError([Problem(path, 1, "file is empty")])
    control = _CONTROL.search(text)
    if control:
        line = len(_LINE_BREAK.split(text[: control.start()]))
        char = ord(control.group())
        raise ReportError(
            [Problem(path, line, f"binary file: control character 0x{char:02x}; expected text")]
        )
    return text


def _decode_not_utf8(raw: bytes, path: str, utf8_error: UnicodeDecodeError) -> str:
    """Windows-1252, unless the file is UTF-8 up to a broken byte: then it is refused."""
    start = utf8_error.start
    if any(byte >= 0x80 for byte in raw[:start]):
        # Letters before this byte were valid UTF-8: a Windows-1252 reading would garble them.
        line = _line_at(raw, start)
        if utf8_error.end == len(raw) and "end of data" in utf8_error.reason:
            message = "file ends in the middle of a UTF-8 character: is it truncated?"
        else:
            message = f"byte 0x{raw[start]:02x} is not valid UTF-8 (the file is UTF-8 before it)"
        raise ReportError([Problem(path, line, message)]) from None
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as cp1252_error:
        line = _line_at(raw, cp1252_error.start)
        byte = raw[cp1252_error.start]
        raise ReportError(
            [Problem(path, line, f"byte 0x{byte:02x} is neither UTF-8 nor Windows-1252")]
        ) from None


def _line_at(raw: bytes, offset: int) -> int:
    return len(_LINE_BREAK_BYTES.split(raw[:offset]))


def parse_cell(text: str) -> int | None:
    """``'76 393'`` → 76393, ``'−12'`` → -12, ``''`` → None; raises ValueError otherwise."""
    value = text.strip()
    bold = _BOLD.match(value)
    if bold:
        value = bold.group(1).strip()
    if not value:
        return None
    if value in _SUPPRESSION_MARKS:
        raise ValueError(
            f"hidden (suppressed) cell {value!r}: a report with hidden cells is refused,"
            " as its tables cannot be rebuilt from the counts"
        )
    compact = _SPACES.sub("", value.replace("\u2212", "-"))
    if not _INTEGER.fullmatch(compact):
        raise ValueError(f"not a number: {value!r}")
    return int(compact)


def _parse_label(text: str) -> tuple[str, bool]:
    value = text.strip()
    bold = _BOLD.match(value)
    return (bold.group(1).strip(), True) if bold else (value, False)


class _Parser:
    """A line-by-line state machine over pages (``# title``), tables (``## name``) and rows."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.blocks: dict[BlockKey, ParsedBlock] = {}
        self.periode: date | None = None
        self.periode_line = 0
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
            self.problem(number, f"unknown table {heading!r}")
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
            self._month(number, month)
        elif _LOOKS_LIKE_MONTH.match(text):
            self.problem(number, f"unparsable month {text!r} (expected e.g. 'Mars 2014')")
        else:
            self.problem(number, f"unexpected line in table: {text[:60]!r}")

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
                f"table {spec.number} columns are {list(found)}, expected {list(spec.columns)}",
            )
        key = (spec.number, self.kjonn)
        self.skip_repeated_total = key in self.blocks
        self.block = self.blocks.setdefault(key, ParsedBlock(spec, self.kjonn, number))

    def _row(self, number: int, block: ParsedBlock, cells: list[str]) -> None:
        label, is_sum = _parse_label(cells[0])
        where = f"table {block.table.number}{_kjonn_text(block.kjonn)}, row {label!r}"
        if len(cells) - 1 != len(block.table.columns):
            return self.problem(
                number, f"{where}: {len(cells) - 1} cells, header has {len(block.table.columns)}"
            )
        values: list[int | None] = []
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
        if self.periode is None:
            self.problem(line_count, "no month line (e.g. 'Mars 2014') anywhere in the file")
        for spec in TABLES_BY_HEADING.values():
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


def _kjonn_text(kjonn: str | None) -> str:
    return f" ({kjonn})" if kjonn else ""
