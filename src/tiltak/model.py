"""The publication's vocabulary: its tables, columns, months, and the data a report carries."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal

TITLE = "Deltakere i arbeidsrettede tiltak. Tiltak og kjønn. En måned"
# The title of editions that carry only the tables without kjønn (1, 3 and 5).
TITLE_WITHOUT_KJONN = "Deltakere i arbeidsrettede tiltak. Tiltak. En måned"
KJONN: tuple[str, ...] = ("Kvinner", "Menn")
TOTAL_LABEL = "I alt"

ENDRING_COLUMNS = ("Antall", "Endring fra i fjor Antall", "Endring fra i fjor Prosent")
ENDRING_VIEW_COLUMNS = ("antall", "endring_antall", "endring_prosent")
TILTAK_COLUMNS = (
    "I alt",
    "Andre på tiltak",
    "Arbeidssøkere på tiltak",
    "Nedsatt arbeidsevne, på tiltak",
)
TILTAK_VIEW_COLUMNS = ("i_alt", "andre", "arbeidssokere", "nedsatt_arbeidsevne")
# Hovedgrupper in the order tables 5 and 6 print them as columns (after "I alt").
HOVEDGRUPPE_COLUMNS: tuple[str, ...] = TILTAK_COLUMNS[1:]

TableKind = Literal["hovedgrupper", "tiltaksgrupper", "tiltak"]


@dataclass(frozen=True)
class MonthRange:
    """Months from `first` to `last`, both included; None: the first or last loaded month."""

    first: date | None = None
    last: date | None = None

    def describe(self) -> str:
        first = f"{self.first:%Y-%m}" if self.first else "the first loaded month"
        last = f"{self.last:%Y-%m}" if self.last else "the last loaded month"
        return f"from {first} to {last}"


@dataclass(frozen=True)
class TableSpec:
    """One of the six published tables."""

    number: int
    heading: str
    view: str
    kind: TableKind
    by_kjonn: bool

    @property
    def columns(self) -> tuple[str, ...]:
        return TILTAK_COLUMNS if self.kind == "tiltak" else ENDRING_COLUMNS

    @property
    def view_columns(self) -> tuple[str, ...]:
        return TILTAK_VIEW_COLUMNS if self.kind == "tiltak" else ENDRING_VIEW_COLUMNS

    @property
    def has_endring(self) -> bool:
        return self.kind != "tiltak"

    def is_count(self, index: int) -> bool:
        """Whether column `index` holds counts (which may be hidden), not an Endring."""
        return index == 0 or not self.has_endring

    def total_label(self, kjonn: str | None) -> str:
        # NAV labels the grand total with the gender only in tables 4 and 6.
        if kjonn is not None and self.kind != "hovedgrupper":
            return f"{TOTAL_LABEL} {kjonn.lower()}"
        return TOTAL_LABEL


TABLES: tuple[TableSpec, ...] = (
    TableSpec(1, "Hovedgrupper", "hovedgrupper", "hovedgrupper", False),
    TableSpec(2, "Hovedgrupper og kjønn", "hovedgrupper_kjonn", "hovedgrupper", True),
    TableSpec(3, "Tiltaksgrupper", "tiltaksgrupper", "tiltaksgrupper", False),
    TableSpec(4, "Tiltaksgrupper og kjønn", "tiltaksgrupper_kjonn", "tiltaksgrupper", True),
    TableSpec(5, "Tiltak og hovedgrupper", "tiltak_hovedgrupper", "tiltak", False),
    TableSpec(6, "Tiltak, hovedgrupper og kjønn", "tiltak_hovedgrupper_kjonn", "tiltak", True),
)
TABLES_BY_HEADING = {spec.heading: spec for spec in TABLES}
TABLES_BY_VIEW = {spec.view: spec for spec in TABLES}

MONTHS = (
    "Januar", "Februar", "Mars", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Desember",
)  # fmt: skip
# ASCII digits only: `\d` would also take ٢٠١٤ or ２０１４, which NAV never prints.
_MONTH_LINE = re.compile(r"^(?P<month>[A-Za-zæøåÆØÅ]+)\s+(?P<year>[0-9]{4})$")
FIRST_PLAUSIBLE_MONTH = date(1990, 1, 1)  # before any edition of this publication
# The largest and smallest figure a report may print: the columns are PostgreSQL integers.
LARGEST_FIGURE = 2_147_483_647
SMALLEST_FIGURE = -2_147_483_648


def parse_month_line(text: str) -> tuple[int, int] | None:
    """``'Mars 2014'`` → ``(2014, 3)``; ``None`` when the text is not a month line.

    The year is not checked: ``'Mars 0000'`` is a month line, and no date.
    """
    match = _MONTH_LINE.match(text.strip())
    if not match:
        return None
    names = [m.lower() for m in MONTHS]
    month = match["month"].lower()
    if month not in names:
        return None
    return int(match["year"]), names.index(month) + 1


def plausible_months(today: date) -> tuple[date, date]:
    """The first and last month a report can be for: none is published ahead of next month."""
    index = today.year * 12 + today.month  # the month after `today`, counted from year 0
    return FIRST_PLAUSIBLE_MONTH, date(index // 12, index % 12 + 1, 1)


def format_figure(value: int) -> str:
    """``2147483647`` → ``'2 147 483 647'``, as NAV prints figures."""
    return f"{value:,}".replace(",", " ")


def format_periode(periode: date) -> str:
    return f"{MONTHS[periode.month - 1]} {periode.year}"


def parse_periode(text: str) -> date:
    """``'2014-03'`` (or ``'2014-03-01'``) → the first day of that month."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-01)?", text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"not a month: {text!r} (expected YYYY-MM)")
    return date(int(match[1]), int(match[2]), 1)


def normalize_label(label: str) -> str:
    """The form labels are matched in: case and runs of white space do not matter."""
    return " ".join(label.split()).lower()


@dataclass(frozen=True)
class Catalog:
    """The category hierarchy as it stood in one month, with every known alias."""

    periode: date
    hovedgrupper: tuple[str, ...]  # in the row order of tables 1 and 2
    tiltaksgrupper: tuple[str, ...]  # in published order
    tiltak: tuple[tuple[str, str], ...]  # (tiltak, tiltaksgruppe) valid this month, in order
    hovedgruppe_aliases: Mapping[str, str]  # normalized label -> canonical name
    tiltaksgruppe_aliases: Mapping[str, str]
    tiltak_aliases: Mapping[str, str]  # every tiltak ever known, valid this month or not

    def group_of(self, tiltak: str) -> str | None:
        return self._groups.get(tiltak)

    @cached_property
    def _groups(self) -> Mapping[str, str]:
        # Asked for every printed cell of a tiltak: ~1 000 times a report.
        return dict(self.tiltak)


# Where a count is hidden, the largest value each marker may stand for: NAV prints `*` for
# every count from 1 to 3 ("Celler under 4 er prikket"); `..` (missing) and `:`
# (confidential) come from agencies that publish no threshold. A hidden count is never 0.
HIDDEN_MARKERS: Mapping[str, int | None] = {"*": 4 - 1, "..": None, ":": None}


@dataclass(frozen=True)
class Hidden:
    """A count printed as a marker: known only to lie between 1 and the marker's bound."""

    marker: str

    @property
    def lowest(self) -> int:
        return 1

    @property
    def highest(self) -> int | None:
        return HIDDEN_MARKERS[self.marker]

    def __str__(self) -> str:
        return self.marker


CellValue = int | Hidden | None  # a printed cell: a number, hidden, or blank
# How the renderings show a hidden count (the views know only that it is hidden: NULL).
HIDDEN_SHOWN = "*"
HIDDEN_LEGEND = "* Prikket: tallet er skjult (hos NAV: 1 til 3 deltakere)."

# (kjonn, tiltak, hovedgruppe) -> participants; kjonn None in a month without kjønn split.
CellKey = tuple[str | None, str, str]
Counts = dict[CellKey, int]
# A cell of the cube: (kjonn, hovedgruppe, tiltaksgruppe, tiltak), None for "all".
Coordinate = tuple[str | None, str | None, str | None, str | None]


@dataclass
class ReportData:
    """What a report says at the finest grain: everything else is arithmetic on this,
    except where a sum covers a hidden cell: such a sum is a fact of its own (`sums`)."""

    periode: date
    counts: Counts = field(default_factory=dict)
    # Last year's counts that the Endring columns imply, by (kjonn, category).
    fjor_hovedgruppe: dict[tuple[str | None, str], int] = field(default_factory=dict)
    fjor_tiltaksgruppe: dict[tuple[str | None, str], int] = field(default_factory=dict)
    hidden: dict[CellKey, Hidden] = field(default_factory=dict)  # finest cells hidden
    # Published cells above the finest grain that cover a hidden cell or are hidden
    # themselves (None): the views read these instead of summing.
    sums: dict[Coordinate, int | None] = field(default_factory=dict)
