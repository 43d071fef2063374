"""Hidden cells: the publication's rules as interval arithmetic over the cube of its counts.

Every published count is a cell of one cube, (kjønn, hovedgruppe, tiltaksgruppe, tiltak) with
None for "all", and every table prints a slice of it. A cell with a total member is the sum
of its children along that dimension: Kvinner + Menn, the hovedgrupper, the tiltak of a group,
the groups. Where such a rule holds a hidden cell, only bounds are known: each hidden count
lies between 1 and its marker's bound, so the rule is satisfiable when the published sum
minus the known parts lies within the sum of the hidden parts' bounds. A rule with exactly
one hidden cell determines it (NAV does no secondary suppression): that is noted, never
stored or shown.

Used on a report being loaded (validation) and on the cells a load stored (verification).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from tiltak.model import Coordinate, Hidden

Dimension = Literal["kjonn", "hovedgruppe", "kategori"]
_NAMED_PER_PROBLEM = 4  # hidden cells named in one problem line; the rest are counted


@dataclass(frozen=True)
class PublishedCell:
    """One printed count (blank: 0), located in the cube and in the file."""

    coordinate: Coordinate
    value: int | Hidden
    line: int
    where: str  # e.g. "table 6 (Kvinner), row 'Mentor', column 'Andre på tiltak'"
    table: int


@dataclass
class HiddenCheck:
    """What the rules say of a report's hidden cells."""

    problems: list[tuple[int, str]] = field(default_factory=list)
    # Cells whose published figure cannot be rebuilt from the known finest counts: hidden
    # themselves, or a sum over a hidden cell. Their published value is a fact of its own.
    involved: dict[Coordinate, int | Hidden] = field(default_factory=dict)
    recoverable: dict[Coordinate, tuple[PublishedCell, str]] = field(default_factory=dict)
    hidden_cells: int = 0

    def notes(self) -> list[tuple[int, str]]:
        """(line, text) of one note per hidden cell a rule determines."""
        return [
            (
                cell.line,
                f"{cell.where}: hidden ({cell.value}), but recoverable by subtraction"
                f" ({rule}); it stays hidden",
            )
            for cell, rule in sorted(self.recoverable.values(), key=lambda r: r[0].line)
        ]


def check_hidden(cells: Iterable[PublishedCell], split_by_kjonn: bool) -> HiddenCheck:
    """Check every rule that involves a hidden cell; see the module's docstring."""
    cells = list(cells)
    if not any(isinstance(cell.value, Hidden) for cell in cells):
        # Every edition before 2020: validation checks all rules exactly already.
        return HiddenCheck()
    by_coordinate: dict[Coordinate, list[PublishedCell]] = defaultdict(list)
    for cell in cells:
        by_coordinate[cell.coordinate].append(cell)
    # A cell printed in several tables is read from the one of tables 5-6, which print all.
    primary = {c: max(found, key=lambda x: x.table) for c, found in by_coordinate.items()}
    result = HiddenCheck()
    result.hidden_cells = sum(isinstance(c.value, Hidden) for c in primary.values())
    involved = _involved(primary, split_by_kjonn)
    result.involved = {c: primary[c].value for c in involved}
    for coordinate in sorted(involved, key=lambda c: primary[c].line):
        _check_copies(by_coordinate[coordinate], result)
    determined: dict[Coordinate, tuple[int, str]] = {}
    for (parent, dimension), children in sorted(
        _children(primary, split_by_kjonn).items(), key=lambda item: primary[item[0][0]].line
    ):
        if parent in involved or any(child in involved for child in children):
            cells_of_rule = [primary[parent], *(primary[c] for c in children)]
            _check_rule(cells_of_rule, dimension, result, determined)
    return result


def _involved(primary: dict[Coordinate, PublishedCell], split_by_kjonn: bool) -> set[Coordinate]:
    found = {c for c, cell in primary.items() if isinstance(cell.value, Hidden)}
    for coordinate in list(found):
        if _is_finest(coordinate, split_by_kjonn):
            found.update(a for a in _ancestors(coordinate) if a in primary)
    return found


def _is_finest(coordinate: Coordinate, split_by_kjonn: bool) -> bool:
    kjonn, hovedgruppe, _group, tiltak = coordinate
    return hovedgruppe is not None and tiltak is not None and (kjonn is not None) == split_by_kjonn


def _ancestors(coordinate: Coordinate) -> set[Coordinate]:
    kjonn, hovedgruppe, group, tiltak = coordinate
    categories = {(group, tiltak), (group, None), (None, None)}
    return {
        (k, h, g, t) for k in {kjonn, None} for h in {hovedgruppe, None} for g, t in categories
    } - {coordinate}


def _parents(coordinate: Coordinate) -> Iterable[tuple[Coordinate, Dimension]]:
    kjonn, hovedgruppe, group, tiltak = coordinate
    if kjonn is not None:
        yield (None, hovedgruppe, group, tiltak), "kjonn"
    if hovedgruppe is not None:
        yield (kjonn, None, group, tiltak), "hovedgruppe"
    if tiltak is not None:
        yield (kjonn, hovedgruppe, group, None), "kategori"
    elif group is not None:
        yield (kjonn, hovedgruppe, None, None), "kategori"


def _children(
    primary: dict[Coordinate, PublishedCell], split_by_kjonn: bool
) -> dict[tuple[Coordinate, Dimension], list[Coordinate]]:
    found: dict[tuple[Coordinate, Dimension], list[Coordinate]] = defaultdict(list)
    for coordinate in primary:
        for parent, dimension in _parents(coordinate):
            if parent in primary and (dimension != "kjonn" or split_by_kjonn):
                found[parent, dimension].append(coordinate)
    return found


def _check_copies(copies: Sequence[PublishedCell], result: HiddenCheck) -> None:
    """A cell printed in several tables must be printed alike (hidden or the same figure)."""
    first = max(copies, key=lambda x: x.table)
    for other in copies:
        if other is not first and other.value != first.value:
            if isinstance(other.value, Hidden) and isinstance(first.value, Hidden):
                continue
            result.problems.append(
                (
                    other.line,
                    f"{other.where}: published {other.value}, but {first.value}"
                    f" in {first.where} (line {first.line})",
                )
            )


def _check_rule(
    cells: Sequence[PublishedCell],
    dimension: Dimension,
    result: HiddenCheck,
    determined: dict[Coordinate, tuple[int, str]],
) -> None:
    total, parts = cells[0], cells[1:]
    known = sum(p.value for p in parts if isinstance(p.value, int))
    hidden = [p for p in parts if isinstance(p.value, Hidden)]
    low, high = _bounds(hidden, known)
    rule = f"rule {_rule_text(total.coordinate, dimension)!r} at {total.where}"
    if isinstance(total.value, int):
        if total.value < low or (high is not None and total.value > high):
            result.problems.append(
                (total.line, _too_far(rule, total.value, known, hidden, low, high))
            )
            return
    else:
        top = total.value.highest
        upper = min((b for b in (top, high) if b is not None), default=None)
        if upper is not None and max(low, 1) > upper:
            result.problems.append(
                (
                    total.line,
                    f"{rule}: the sum is hidden ({total.value}: 1 to {_bound(top)}), but its"
                    f" parts hold {low} to {_bound(high)} ({_names(hidden) or 'none hidden'})",
                )
            )
            return
    unknowns = [c for c in cells if isinstance(c.value, Hidden)]
    if len(unknowns) == 1:
        value = total.value - known if isinstance(total.value, int) else known
        _determine(unknowns[0], value, rule, result, determined)


def _rule_text(total: Coordinate, dimension: Dimension) -> str:
    _kjonn, _hovedgruppe, group, _tiltak = total
    if dimension == "kjonn":
        return "without kjønn = Kvinner + Menn"
    if dimension == "hovedgruppe":
        return "I alt = Andre + Arbeidssøkere + Nedsatt arbeidsevne"
    if group is not None:
        return f"I alt {group.lower()} = the sum of its tiltak"
    return "I alt = the sum of the tiltaksgrupper"


def _determine(
    cell: PublishedCell,
    value: int,
    rule: str,
    result: HiddenCheck,
    determined: dict[Coordinate, tuple[int, str]],
) -> None:
    earlier = determined.get(cell.coordinate)
    if earlier is not None and earlier[0] != value:
        result.problems.append(
            (
                cell.line,
                f"{cell.where}: hidden ({cell.value}), but {earlier[1]} makes it {earlier[0]}"
                f" and {rule} makes it {value}",
            )
        )
        return
    determined[cell.coordinate] = (value, rule)
    result.recoverable.setdefault(cell.coordinate, (cell, rule))


def _bounds(hidden: Sequence[PublishedCell], known: int) -> tuple[int, int | None]:
    low = known + sum(h.value.lowest for h in hidden if isinstance(h.value, Hidden))
    highs = [h.value.highest for h in hidden if isinstance(h.value, Hidden)]
    if any(bound is None for bound in highs):
        return low, None
    return low, known + sum(b for b in highs if b is not None)


def _too_far(
    rule: str, total: int, known: int, hidden: Sequence[PublishedCell], low: int, high: int | None
) -> str:
    if not hidden:
        return f"{rule}: published {total}, the parts sum to {known}"
    each = {str(h.value): h.value for h in hidden if isinstance(h.value, Hidden)}
    ranges = ", ".join(f"{m!r}: 1 to {_bound(v.highest)}" for m, v in each.items())
    return (
        f"{rule}: published {total} − known parts {known} leaves {total - known} for"
        f" {len(hidden)} hidden cell(s) ({_names(hidden)}), which hold"
        f" {low - known} to {_bound(None if high is None else high - known)} ({ranges} each)"
    )


def _names(hidden: Sequence[PublishedCell]) -> str:
    named = [f"{h.where} on line {h.line}" for h in hidden[:_NAMED_PER_PROBLEM]]
    if len(hidden) > _NAMED_PER_PROBLEM:
        named.append(f"{len(hidden) - _NAMED_PER_PROBLEM} more")
    return "; ".join(named)


def _bound(value: int | None) -> str:
    return "no bound" if value is None else str(value)
