"""Validation: resolve a parsed report's labels, extract its finest figures, and check that
every published figure is what the publication's rules make of them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from tiltak.errors import Problem, ReportError, quoted
from tiltak.hidden import HiddenCheck, PublishedCell, check_hidden
from tiltak.model import (
    HOVEDGRUPPE_COLUMNS,
    LARGEST_FIGURE,
    Catalog,
    CellValue,
    Coordinate,
    Hidden,
    ReportData,
    format_figure,
    normalize_label,
)
from tiltak.parsing import ParsedBlock, ParsedReport, ParsedRow
from tiltak.tables import TOTAL_KEY, Block, Row, RowKey, build_block, coordinate, endring_values


@dataclass(frozen=True)
class ResolvedRow:
    key: RowKey
    row: ParsedRow


@dataclass(frozen=True)
class ValidReport:
    """A report that passed every check, with what the loader stores."""

    report: ParsedReport
    data: ReportData
    rows: dict[tuple[int, str | None], list[ResolvedRow]]
    notes: list[Problem] = field(default_factory=list)  # hidden cells a rule determines


def validate(report: ParsedReport, catalog: Catalog) -> ValidReport:
    """Check `report` against the hierarchy; raise ReportError listing every problem."""
    checker = _Checker(report, catalog)
    resolved = {key: checker.resolve_block(block) for key, block in report.blocks.items()}
    checker.raise_if_problems()
    data = checker.extract(resolved)
    checker.raise_if_problems()
    hidden = check_hidden(checker.published_cells(resolved), report.split_by_kjonn)
    checker.problems += [Problem(report.path, line, text) for line, text in hidden.problems]
    # A hidden count is left out of the sums, which are not compared where they cover one.
    presence = replace(data, counts={**data.counts, **dict.fromkeys(data.hidden, 0)})
    for key, block in report.blocks.items():
        expected = build_block(block.table, block.kjonn, catalog, presence)
        checker.compare(block, resolved[key], expected, hidden)
    checker.problems.sort(key=lambda problem: problem.line)
    checker.raise_if_problems()
    data.sums = {
        c: value if isinstance(value, int) else None
        for c, value in hidden.involved.items()
        if not _is_finest(c, report.split_by_kjonn)
    }
    notes = [Problem(report.path, line, text) for line, text in hidden.notes()]
    return ValidReport(report, data, resolved, notes)


def _is_finest(cell: Coordinate, split_by_kjonn: bool) -> bool:
    kjonn, hovedgruppe, _group, tiltak = cell
    return hovedgruppe is not None and tiltak is not None and (kjonn is not None) == split_by_kjonn


def row_label(key: RowKey, block: ParsedBlock) -> str:
    """The label the views give a row: canonical names, totals as NAV prints them."""
    kind, name = key
    if key == TOTAL_KEY:
        return block.table.total_label(block.kjonn)
    if kind == "gruppesum":
        return f"I alt {name.lower()}"
    return name


class _Checker:
    def __init__(self, report: ParsedReport, catalog: Catalog) -> None:
        self.report = report
        self.catalog = catalog
        self.problems: list[Problem] = []
        self.groups_printed: dict[tuple[int, str | None], dict[int, str]] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.report.path, line, message))

    def raise_if_problems(self) -> None:
        if self.problems:
            raise ReportError(self.problems)

    @staticmethod
    def where(block: ParsedBlock, row: ParsedRow) -> str:
        kjonn = f" ({block.kjonn})" if block.kjonn else ""
        return f"table {block.table.number}{kjonn}, row {quoted(row.label)}"

    # -- labels ---------------------------------------------------------------

    def resolve_block(self, block: ParsedBlock) -> list[ResolvedRow]:
        resolved: list[ResolvedRow] = []
        seen: dict[RowKey, int] = {}
        for row in block.rows:
            key = self._resolve(block, row)
            if key is None:
                continue
            if key in seen:
                self.problem(
                    row.line, f"{self.where(block, row)}: appears twice (first on line {seen[key]})"
                )
                continue
            seen[key] = row.line
            resolved.append(ResolvedRow(key, row))
        if not resolved or resolved[0].key != TOTAL_KEY:
            self.problem(block.header_line, f"table {block.table.number}: no total row first")
        return resolved

    def _resolve(self, block: ParsedBlock, row: ParsedRow) -> RowKey | None:
        label = normalize_label(row.label)
        totals = {"i alt"} | ({f"i alt {block.kjonn.lower()}"} if block.kjonn else set())
        if label in totals:
            return TOTAL_KEY
        kind = block.table.kind
        if kind == "hovedgrupper":
            return self._lookup(block, row, "hovedgruppe", self.catalog.hovedgruppe_aliases, label)
        if kind == "tiltaksgrupper":
            return self._lookup(
                block, row, "tiltaksgruppe", self.catalog.tiltaksgruppe_aliases, label
            )
        if label.startswith("i alt "):
            aliases = self.catalog.tiltaksgruppe_aliases
            return self._lookup(block, row, "gruppesum", aliases, label.removeprefix("i alt "))
        return self._resolve_tiltak(block, row, label)

    def _lookup(
        self, block: ParsedBlock, row: ParsedRow, kind: str, aliases: Mapping[str, str], label: str
    ) -> RowKey | None:
        name = aliases.get(label)
        if name is None:
            noun = "tiltaksgruppe" if kind == "gruppesum" else kind
            hint = "" if kind == "hovedgruppe" else "; add it with `tiltak categories plan`"
            self.problem(row.line, f"{self.where(block, row)}: unknown {noun}{hint}")
            return None
        return (kind, name)

    def _resolve_tiltak(self, block: ParsedBlock, row: ParsedRow, label: str) -> RowKey | None:
        name = self.catalog.tiltak_aliases.get(label)
        if name is None:
            key = (block.table.number, block.kjonn)
            if key not in self.groups_printed:
                self.groups_printed[key] = _groups_printed_after(block)
            group = self.groups_printed[key][row.line]
            self.problem(
                row.line,
                f"{self.where(block, row)}: unknown tiltak (printed in group {quoted(group)});"
                " add it with `tiltak categories plan`",
            )
            return None
        if self.catalog.group_of(name) is None:
            self.problem(
                row.line,
                f"{self.where(block, row)}: tiltak {name!r} is not in the hierarchy"
                f" for {self.report.periode:%Y-%m}; `tiltak categories plan` adds it",
            )
            return None
        return ("tiltak", name)

    # -- the finest figures -----------------------------------------------------

    def extract(self, resolved: dict[tuple[int, str | None], list[ResolvedRow]]) -> ReportData:
        data = ReportData(self.report.periode)
        split = self.report.split_by_kjonn
        for (number, kjonn), rows in resolved.items():
            block = self.report.blocks[number, kjonn]
            if split != (kjonn is not None):
                pass  # sums of the finest figures: the tables by kjønn, where there are such
            elif number == self.report.finest_table:
                self._extract_counts(block, rows, kjonn, data)
            elif block.table.has_endring:
                hovedgrupper = block.table.kind == "hovedgrupper"
                target = data.fjor_hovedgruppe if hovedgrupper else data.fjor_tiltaksgruppe
                self._extract_last_year(block, rows, kjonn, target)
            if block.table.kind == "tiltak":
                self._check_group_placement(block, rows)
        return data

    def _extract_counts(
        self, block: ParsedBlock, rows: list[ResolvedRow], kjonn: str | None, data: ReportData
    ) -> None:
        for item in rows:
            if item.key[0] != "tiltak":
                continue
            # Column 0 is "I alt"; the others are the hovedgrupper.
            for column, value in zip(HOVEDGRUPPE_COLUMNS, item.row.cells[1:], strict=True):
                if isinstance(value, Hidden):
                    data.hidden[kjonn, item.key[1], column] = value
                    continue
                count = value or 0
                if count < 0:
                    self.problem(
                        item.row.line,
                        f"{self.where(block, item.row)}, column {column!r}: negative count {count}",
                    )
                data.counts[kjonn, item.key[1], column] = count

    def _extract_last_year(
        self,
        block: ParsedBlock,
        rows: list[ResolvedRow],
        kjonn: str | None,
        target: dict[tuple[str | None, str], int],
    ) -> None:
        for item in rows:
            antall, endring = item.row.cells[0] or 0, item.row.cells[1]
            if endring is None or isinstance(endring, Hidden):
                continue  # a blank Endring: last year's count is unknown, so none is stored
            if isinstance(antall, Hidden):
                self.problem(
                    item.row.line,
                    f"{self.where(block, item.row)}: Endring {endring} of a hidden count:"
                    " it would reveal the count",
                )
                continue
            where = f"{self.where(block, item.row)}: Antall {antall} and Endring {endring}"
            if antall - endring > LARGEST_FIGURE:
                # Checked on the total too: the views sum last year's counts.
                self.problem(
                    item.row.line,
                    f"{where} imply a count of {antall - endring} last year,"
                    f" beyond the largest figure stored ({format_figure(LARGEST_FIGURE)})",
                )
            if item.key == TOTAL_KEY:
                continue
            if antall - endring < 0:
                self.problem(
                    item.row.line,
                    f"{where} imply a negative count last year ({antall - endring})",
                )
            target[kjonn, item.key[1]] = antall - endring

    def _check_group_placement(self, block: ParsedBlock, rows: list[ResolvedRow]) -> None:
        pending: list[ResolvedRow] = []
        for item in rows:
            if item.key[0] == "tiltak":
                pending.append(item)
            elif item.key[0] == "gruppesum":
                for member in pending:
                    belongs = self.catalog.group_of(member.key[1])
                    if belongs != item.key[1]:
                        self.problem(
                            member.row.line,
                            f"{self.where(block, member.row)}: printed in group {item.key[1]!r}"
                            f" but belongs to {belongs!r} in {self.report.periode:%Y-%m}"
                            "; if NAV moved it, `tiltak categories plan` records the move",
                        )
                pending = []
        for member in pending:
            self.problem(
                member.row.line,
                f"{self.where(block, member.row)}: no 'I alt <group>' row follows it",
            )

    def published_cells(
        self, resolved: dict[tuple[int, str | None], list[ResolvedRow]]
    ) -> Iterator[PublishedCell]:
        """Every printed count (not the Endring columns), located in the cube."""
        for (number, kjonn), rows in resolved.items():
            block = self.report.blocks[number, kjonn]
            counts = len(block.table.columns) if block.table.kind == "tiltak" else 1
            for item in rows:
                for index in range(counts):
                    value = item.row.cells[index]
                    yield PublishedCell(
                        coordinate(block.table, kjonn, item.key, index, self.catalog),
                        0 if value is None else value,
                        item.row.line,
                        f"{self.where(block, item.row)}, column {block.table.columns[index]!r}",
                        number,
                    )

    # -- every figure -------------------------------------------------------------

    def compare(
        self, block: ParsedBlock, rows: list[ResolvedRow], expected: Block, hidden: HiddenCheck
    ) -> None:
        wanted = {row.key: row for row in expected.rows}
        for item in rows:
            row = wanted.get(item.key)
            if row is None:
                self.problem(
                    item.row.line,
                    f"{self.where(block, item.row)}: no such row can be derived"
                    " (missing from the table split by kjønn?)",
                )
                continue
            involved = [
                coordinate(block.table, block.kjonn, item.key, index, self.catalog)
                in hidden.involved
                for index in range(len(block.table.columns))
            ]
            self._compare_cells(block, item.row, row, involved)
        printed = {item.key for item in rows}
        for row in expected.rows:
            if row.key not in printed:
                self.problem(
                    block.last_line,
                    f"table {block.table.number}{_kjonn_text(block.kjonn)}: row {row.label!r}"
                    " is missing",
                )
        order = [item.key for item in rows]
        expected_order = [row.key for row in expected.rows if row.key in printed]
        for got, want, item in zip(order, expected_order, rows, strict=False):
            if got != want:
                self.problem(
                    item.row.line,
                    f"{self.where(block, item.row)}: out of published order"
                    f" (expected {want[1] or 'I alt'!r} here)",
                )
                break

    def _compare_cells(
        self, block: ParsedBlock, printed: ParsedRow, expected: Row, involved: list[bool]
    ) -> None:
        """Each cell against the figure built from the finest counts. A count over a hidden
        cell is checked by the rules of hidden.py instead, and its Endring against it."""
        wanted: tuple[CellValue, ...] = expected.values
        if block.table.has_endring and involved[0]:
            antall = printed.cells[0]
            if not isinstance(antall, int):
                wanted = (antall, None, None)  # hidden: no Endring can be printed for it
            else:
                wanted = endring_values(antall, expected.fjor)
        for index, column in enumerate(block.table.columns):
            published = printed.cells[index]
            is_endring = block.table.has_endring and index > 0
            if isinstance(published, Hidden) and is_endring:
                self.problem(
                    printed.line,
                    f"{self.where(block, printed)}, column {column!r}: hidden ({published}),"
                    " but only counts are hidden",
                )
                continue
            if involved[index] and not is_endring:
                continue
            if published is None and not is_endring:
                published = 0  # a blank count means zero; a blank Endring means unknown
            want = wanted[index]
            if published != want:
                self.problem(
                    printed.line,
                    f"{self.where(block, printed)}, column {column!r}:"
                    f" published {_show(published)}, expected {_show(want)}",
                )


def _groups_printed_after(block: ParsedBlock) -> dict[int, str]:
    """Line → the group a row sits in: named by the next 'I alt <group>' row (or itself).

    One pass from the end: a file of 400 000 unknown rows must not take quadratic time.
    """
    groups: dict[int, str] = {}
    group = "?"
    for candidate in reversed(block.rows):
        if candidate.is_sum and candidate.label.lower().startswith("i alt "):
            group = candidate.label[len("I alt ") :]
        groups[candidate.line] = group
    return groups


def _show(value: CellValue) -> str:
    return "blank" if value is None else str(value)


def _kjonn_text(kjonn: str | None) -> str:
    return f" ({kjonn})" if kjonn else ""
