"""Category changes as migrations: what a report prints that the hierarchy does not hold.

`plan_changes` compares a report with the hierarchy of its month. A label nobody knows
becomes a new tiltak (or tiltaksgruppe), placed in published order in the gaps of
`rekkefolge` and valid from the report's month; a known tiltak printed in another group
moves there from that month, while earlier months keep the old group. The plan becomes a
self-contained alembic revision (tiltak.planned_revision writes it; it must keep working
when this module has changed), which `tiltak db upgrade` applies.

Tiltak the report no longer prints are not ended: an absent tiltak simply has no rows in the
month, whereas an end date would refuse every later report that prints it again (and
remove it from loaded later months). A single report cannot tell an ended tiltak from one
left out for a month, so the revision only lists them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from tiltak.catalog import load_catalog
from tiltak.database import Connection
from tiltak.errors import Problem, ReportError
from tiltak.model import KJONN, Catalog, normalize_label
from tiltak.parsing import ParsedReport, ParsedRow

STEP = 1000  # the gap the seed leaves between neighbours in `rekkefolge`


@dataclass
class Plan:
    """What one revision adds, in the terms of the generated file."""

    periode: date
    report: str
    new_groups: list[tuple[str, int]] = field(default_factory=list)  # (name, rekkefolge)
    new_tiltak: list[tuple[str, int, str]] = field(default_factory=list)  # (+ group)
    group_aliases: dict[str, str] = field(default_factory=dict)  # label -> name
    tiltak_aliases: dict[str, str] = field(default_factory=dict)
    memberships: list[tuple[str, str, date, date | None]] = field(default_factory=list)
    moves: list[tuple[str, str, str]] = field(default_factory=list)  # (tiltak, old, new group)
    absent: list[str] = field(default_factory=list)  # valid this month, not printed

    @property
    def empty(self) -> bool:
        return not (
            self.new_groups
            or self.new_tiltak
            or self.group_aliases
            or self.tiltak_aliases
            or self.memberships
            or self.moves
        )

    def summary(self) -> str:
        parts = [
            (len(self.new_groups), "new tiltaksgruppe", "new tiltaksgrupper"),
            (len(self.new_tiltak), "new tiltak", "new tiltak"),
            (len(self.group_aliases) + len(self.tiltak_aliases), "alias", "aliases"),
            (len(self.memberships), "membership of a known tiltak", "memberships of known tiltak"),
            (len(self.moves), "tiltak moved to another group", "tiltak moved to other groups"),
        ]
        said = [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]
        return ", ".join(said) or "no changes"


def plan_changes(connection: Connection, report: ParsedReport) -> Plan:
    """The changes the hierarchy needs to load `report`; ReportError when it cannot hold
    them (problems located at the report's lines)."""
    catalog, _ids = load_catalog(connection, report.periode)
    planner = _Planner(report, catalog, _Orders.read(connection))
    planner.plan_groups()
    planner.plan_tiltak(connection)
    if planner.problems:
        raise ReportError(planner.problems)
    return planner.plan


@dataclass
class _Orders:
    """`rekkefolge` of every group and tiltak, and every tiltak's memberships."""

    groups: dict[str, int]
    tiltak: dict[str, int]
    memberships: dict[str, list[tuple[date, date | None, str]]]

    @classmethod
    def read(cls, connection: Connection) -> _Orders:
        def pairs(sql: str) -> dict[str, int]:
            return {str(n): int(r) for n, r in connection.execute(sql)}

        memberships: dict[str, list[tuple[date, date | None, str]]] = {}
        for name, start, until, group in connection.execute(
            "select t.navn, m.gyldig_fra, m.gyldig_til, g.navn"
            " from tiltak.tiltak_medlemskap as m"
            " join tiltak.tiltak as t using (tiltak_id)"
            " join tiltak.tiltaksgruppe as g using (tiltaksgruppe_id)"
            " order by t.navn, m.gyldig_fra"
        ):
            memberships.setdefault(name, []).append((start, until, group))
        return cls(
            pairs("select navn, rekkefolge from tiltak.tiltaksgruppe"),
            pairs("select navn, rekkefolge from tiltak.tiltak"),
            memberships,
        )


class _Planner:
    def __init__(self, report: ParsedReport, catalog: Catalog, orders: _Orders) -> None:
        self.report = report
        self.catalog = catalog
        self.orders = orders
        self.plan = Plan(report.periode, report.path)
        self.problems: list[Problem] = []
        self.groups = dict(catalog.tiltaksgruppe_aliases)  # normalised label -> name

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.report.path, line, message))

    def rows(self, number: int, kjonn: str | None = None) -> list[ParsedRow]:
        """The rows below the total of a block; none where an edition without kjønn has none."""
        block = self.report.blocks.get((number, kjonn))
        return block.rows[1:] if block else []

    # -- tiltaksgrupper -------------------------------------------------------------------

    def plan_groups(self) -> None:
        for row in self.rows(1):
            if normalize_label(row.label) not in self.catalog.hovedgruppe_aliases:
                self.problem(
                    row.line,
                    f"unknown hovedgruppe {row.label!r}: a new column of tables 5-6 needs a"
                    " schema change, not a category revision",
                )
        printed: list[tuple[str, ParsedRow, bool]] = []
        for row in self.rows(3):
            name = self.groups.get(normalize_label(row.label))
            printed.append((name or row.label, row, name is not None))
        names = [name for name, _row, _known in printed]
        for kjonn in KJONN:
            for label, name in _positional(self.rows(3), self.rows(4, kjonn), names):
                if normalize_label(label) not in self.groups:
                    self.plan.group_aliases[label] = name
                    self.groups[normalize_label(label)] = name
        orders = self.orders.groups
        self._check_order([(n, r) for n, r, known in printed if known], orders, "tiltaksgruppe")
        for index, (name, row, known) in enumerate(printed):
            if known:
                continue
            lo = _nearest(orders, names[:index], reverse=True)
            hi = _nearest(orders, names[index + 1 :])
            value = self._between(row, lo, hi, orders.values())
            orders[name] = value
            self.plan.new_groups.append((name, value))
            self.groups[normalize_label(name)] = name

    def _group_of_sum(self, row: ParsedRow) -> str | None:
        label = normalize_label(row.label).removeprefix("i alt ")
        group = self.groups.get(label)
        if group is None:
            self.problem(row.line, f"{row.label!r}: no tiltaksgruppe {label!r} in table 3")
        return group

    # -- tiltak ---------------------------------------------------------------------------

    def plan_tiltak(self, connection: Connection) -> None:
        printed = self._printed_tiltak()
        known = self.catalog.tiltak_aliases
        names = [known.get(normalize_label(row.label), row.label) for row, _group in printed]
        for kjonn in KJONN:
            for label, name in _positional(self.rows(5), self.rows(6, kjonn), names):
                if normalize_label(label) not in known:
                    self.plan.tiltak_aliases[label] = name
        orders = self.orders.tiltak
        by_group: dict[str, list[tuple[str, ParsedRow]]] = {}
        for name, (row, group) in zip(names, printed, strict=True):
            if name in orders and name not in by_group.get(group, ()):
                self._known_tiltak(connection, name, group, row)
            by_group.setdefault(group, []).append((name, row))
        for members in by_group.values():
            self._check_order([(n, r) for n, r in members if n in orders], orders, "tiltak")
        for index, (name, (row, group)) in enumerate(zip(names, printed, strict=True)):
            if name in orders:
                continue
            in_group = [n for n, (_r, g) in zip(names, printed, strict=True) if g == group]
            place = in_group.index(name)
            lo = _nearest(orders, in_group[:place], reverse=True)
            hi = _nearest(orders, in_group[place + 1 :])
            # First or last of its group: between the tiltak printed around it.
            lo = lo if lo is not None else _below(_nearest(orders, names[:index], True), hi)
            hi = hi if hi is not None else _above(_nearest(orders, names[index + 1 :]), lo)
            # New tiltak printed one after another share the gap evenly, not by halving it.
            following = len(
                list(itertools.takewhile(lambda n: n not in orders, names[index + 1 :]))
            )
            orders[name] = self._between(row, lo, hi, orders.values(), following)
            self.plan.new_tiltak.append((name, orders[name], group))
        shown = set(names)
        self.plan.absent = [t for t, _g in self.catalog.tiltak if t not in shown]

    def _printed_tiltak(self) -> list[tuple[ParsedRow, str]]:
        printed: list[tuple[ParsedRow, str]] = []
        pending: list[ParsedRow] = []
        for row in self.rows(5):
            if not row.is_sum:
                pending.append(row)
                continue
            group = self._group_of_sum(row)
            if group is not None:
                printed += [(member, group) for member in pending]
            pending = []
        for row in pending:
            self.problem(row.line, f"tiltak {row.label!r}: no 'I alt <group>' row follows it")
        return printed

    def _known_tiltak(self, connection: Connection, name: str, group: str, row: ParsedRow) -> None:
        month = self.report.periode
        current = self.catalog.group_of(name)
        if current == group:
            return
        memberships = self.orders.memberships.get(name, [])
        if current is None:
            later = [start for start, _until, _group in memberships if start > month]
            self.plan.memberships.append((name, group, month, min(later, default=None)))
            return
        until = next(u for s, u, _g in memberships if s <= month and (u is None or month < u))
        # The month itself may be loaded already: this report is about to replace it.
        loaded = [m for m in _loaded_months(connection, name, month, until) if m != month]
        if loaded:
            self.problem(
                row.line,
                f"tiltak {name!r} is printed in {group!r}, but loaded months after"
                f" {month:%Y-%m} print it in {current!r} ({_months(loaded)}):"
                " moving it from this month on would change them",
            )
            return
        self.plan.moves.append((name, current, group))

    # -- order ----------------------------------------------------------------------------

    def _check_order(
        self, printed: Sequence[tuple[str, ParsedRow]], orders: Mapping[str, int], noun: str
    ) -> None:
        for (before, _r), (name, row) in itertools.pairwise(printed):
            if orders[before] > orders[name]:
                self.problem(
                    row.line,
                    f"{noun} {name!r} is printed after {before!r}, but comes before it in the"
                    f" published order of earlier months; one `rekkefolge` cannot give both",
                )

    def _between(
        self,
        row: ParsedRow,
        lo: int | None,
        hi: int | None,
        taken: Iterable[int],
        following: int = 0,
    ) -> int:
        """A free `rekkefolge` above `lo` and below `hi`, leaving room for `following` more."""
        used = sorted(taken)
        if lo is None:
            lo = max((v for v in used if hi is None or v < hi), default=0)
        upper = min((v for v in used if v > lo), default=None)
        if upper is not None and (hi is None or upper < hi):
            hi = upper
        if hi is None:
            return lo + STEP
        if hi - lo < 2:
            self.problem(row.line, f"{row.label!r}: no free `rekkefolge` between {lo} and {hi}")
        return lo + max((hi - lo) // (following + 2), 1)


def _positional(
    plain: Sequence[ParsedRow], gendered: Sequence[ParsedRow], names: Sequence[str]
) -> list[tuple[str, str]]:
    """(label, name) where a table split by kjønn prints another label at the same place as
    the table without: a misprint of that name (e.g. "Lønnskudd" for "Lønnstilskudd")."""
    plain = [row for row in plain if not row.is_sum]
    gendered = [row for row in gendered if not row.is_sum]
    if not len(plain) == len(gendered) == len(names):
        return []
    return [
        (other.label, name)
        for row, other, name in zip(plain, gendered, names, strict=True)
        if normalize_label(row.label) != normalize_label(other.label)
    ]


def _months(months: Sequence[date]) -> str:
    return ", ".join(f"{m:%Y-%m}" for m in months)


def _nearest(orders: Mapping[str, int], names: Sequence[str], reverse: bool = False) -> int | None:
    for name in reversed(names) if reverse else names:
        if name in orders:
            return orders[name]
    return None


def _below(value: int | None, bound: int | None) -> int | None:
    return value if value is None or bound is None or value < bound else None


def _above(value: int | None, bound: int | None) -> int | None:
    return value if value is None or bound is None or value > bound else None


def _loaded_months(
    connection: Connection, tiltak: str, since: date, until: date | None
) -> list[date]:
    """Loaded months in [since, until) with counts of `tiltak`."""
    rows = connection.execute(
        "select distinct a.periode from tiltak.antall as a"
        " join tiltak.tiltak as t using (tiltak_id)"
        " where t.navn = %(navn)s and a.periode >= %(since)s"
        " and (cast(%(until)s as date) is null or a.periode < %(until)s)"
        " order by a.periode",
        {"navn": tiltak, "since": since, "until": until},
    )
    return [r[0] for r in rows]
