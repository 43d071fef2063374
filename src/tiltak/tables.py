"""The publication's arithmetic: the six tables as NAV builds them from the finest counts.

Validation compares a report with what this module builds from the report's own finest
figures; the report generator for tests writes what it builds. The SQL views are an
independent implementation of the same rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from tiltak.model import (
    HOVEDGRUPPE_COLUMNS,
    KJONN,
    TABLES,
    Catalog,
    Coordinate,
    ReportData,
    TableSpec,
)

RowKey = tuple[str, str]  # (kind, canonical name): total/hovedgruppe/tiltaksgruppe/tiltak/gruppesum
TOTAL_KEY: RowKey = ("total", "")


@dataclass(frozen=True)
class Row:
    key: RowKey
    label: str
    is_sum: bool
    values: tuple[int | None, ...]
    fjor: int | None = None  # last year's count behind the Endring columns, where known


@dataclass(frozen=True)
class Block:
    """One table, or one gender's part of a gendered table."""

    table: TableSpec
    kjonn: str | None
    rows: tuple[Row, ...]


def percent_change(endring: int, fjor: int) -> int | None:
    """100 × endring / fjor rounded half away from zero, as NAV rounds; None when fjor is 0."""
    if fjor <= 0:
        return None
    ratio = Fraction(100 * endring, fjor)
    magnitude = int(abs(ratio) + Fraction(1, 2))
    return magnitude if ratio >= 0 else -magnitude


def group_sum_label(group: str) -> str:
    return f"I alt {group.lower()}"


def endring_values(antall: int, fjor: int | None) -> tuple[int | None, ...]:
    if fjor is None:
        return (antall, None, None)
    return (antall, antall - fjor, percent_change(antall - fjor, fjor))


def _in_block(counted: str | None, kjonn: str | None) -> bool:
    """Whether a count of kjønn `counted` (None: not split) is part of a block of `kjonn`."""
    return kjonn is None or counted == kjonn


def _hovedgruppe_block(
    spec: TableSpec, kjonn: str | None, catalog: Catalog, data: ReportData
) -> Block:
    antall: dict[str, int] = defaultdict(int)
    for (k, _tiltak, hovedgruppe), n in data.counts.items():
        if _in_block(k, kjonn):
            antall[hovedgruppe] += n
    fjor: dict[str, int] = defaultdict(int)
    for (k, hovedgruppe), n in data.fjor_hovedgruppe.items():
        if _in_block(k, kjonn):
            fjor[hovedgruppe] += n
    present = [h for h in catalog.hovedgrupper if h in antall or h in fjor]
    return _endring_block(spec, kjonn, "hovedgruppe", present, antall, fjor)


def _tiltaksgruppe_block(
    spec: TableSpec, kjonn: str | None, catalog: Catalog, data: ReportData
) -> Block:
    group_of = dict(catalog.tiltak)
    antall: dict[str, int] = defaultdict(int)
    for (k, tiltak, _hovedgruppe), n in data.counts.items():
        if _in_block(k, kjonn):
            antall[group_of[tiltak]] += n
    fjor: dict[str, int] = defaultdict(int)
    for (k, group), n in data.fjor_tiltaksgruppe.items():
        if _in_block(k, kjonn):
            fjor[group] += n
    present = [g for g in catalog.tiltaksgrupper if g in antall or g in fjor]
    return _endring_block(spec, kjonn, "tiltaksgruppe", present, antall, fjor)


def _endring_block(
    spec: TableSpec,
    kjonn: str | None,
    kind: str,
    present: list[str],
    antall: dict[str, int],
    fjor: dict[str, int],
) -> Block:
    rows = [
        Row(
            TOTAL_KEY,
            spec.total_label(kjonn),
            True,
            endring_values(sum(antall[n] for n in present), sum(fjor[n] for n in present)),
            sum(fjor[n] for n in present),
        )
    ]
    rows += [
        Row((kind, name), name, False, endring_values(antall[name], fjor.get(name)), fjor.get(name))
        for name in present
    ]
    return Block(spec, kjonn, tuple(rows))


def _tiltak_values(cells: Iterable[int]) -> tuple[int, ...]:
    by_column = tuple(cells)
    return (sum(by_column), *by_column)


def _tiltak_block(spec: TableSpec, kjonn: str | None, catalog: Catalog, data: ReportData) -> Block:
    cells: dict[tuple[str, str], int] = defaultdict(int)
    printed: set[str] = set()
    for (k, tiltak, hovedgruppe), n in data.counts.items():
        if _in_block(k, kjonn):
            cells[tiltak, hovedgruppe] += n
            printed.add(tiltak)
    columns = HOVEDGRUPPE_COLUMNS
    body: list[Row] = []
    grand = [0] * len(columns)
    for group in catalog.tiltaksgrupper:
        members = [t for t, g in catalog.tiltak if g == group and t in printed]
        if not members:
            continue
        group_sum = [0] * len(columns)
        for tiltak in members:
            values = [cells[tiltak, h] for h in columns]
            group_sum = [a + b for a, b in zip(group_sum, values, strict=True)]
            body.append(Row(("tiltak", tiltak), tiltak, False, _tiltak_values(values)))
        grand = [a + b for a, b in zip(grand, group_sum, strict=True)]
        body.append(
            Row(("gruppesum", group), group_sum_label(group), True, _tiltak_values(group_sum))
        )
    total = Row(TOTAL_KEY, spec.total_label(kjonn), True, _tiltak_values(grand))
    return Block(spec, kjonn, (total, *body))


_BUILDERS = {
    "hovedgrupper": _hovedgruppe_block,
    "tiltaksgrupper": _tiltaksgruppe_block,
    "tiltak": _tiltak_block,
}


def build_block(spec: TableSpec, kjonn: str | None, catalog: Catalog, data: ReportData) -> Block:
    return _BUILDERS[spec.kind](spec, kjonn, catalog, data)


def build_tables(catalog: Catalog, data: ReportData) -> list[Block]:
    """All blocks of the publication, in published order."""
    blocks = []
    for spec in TABLES:
        for kjonn in KJONN if spec.by_kjonn else (None,):
            blocks.append(build_block(spec, kjonn, catalog, data))
    return blocks


def coordinate(
    spec: TableSpec, kjonn: str | None, key: RowKey, index: int, catalog: Catalog
) -> Coordinate:
    """The cube cell a count prints: row `key`, column `index` of a block of `spec`."""
    kind, name = key
    hovedgruppe = name if kind == "hovedgruppe" else None
    if spec.kind == "tiltak" and index > 0:
        hovedgruppe = HOVEDGRUPPE_COLUMNS[index - 1]
    if kind in ("tiltaksgruppe", "gruppesum"):
        return (kjonn, hovedgruppe, name, None)
    if kind == "tiltak":
        return (kjonn, hovedgruppe, catalog.group_of(name), name)
    return (kjonn, hovedgruppe, None, None)
