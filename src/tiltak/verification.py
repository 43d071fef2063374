"""Verification: every stored published cell against what the `rapport` views compute.

A load keeps the figures as printed (tiltak.publisert_celle) beside the counts they were
derived from; verifying re-reads the views and compares cell by cell, so a changed count,
view or hierarchy that no longer reproduces the publication is caught and named. It also
notes where a month's Endring columns imply last year's counts that differ from the counts
loaded for that earlier month: NAV revises old figures, so these are notes, not failures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from psycopg import sql
from psycopg.rows import dict_row

from tiltak.catalog import load_catalog
from tiltak.database import Connection
from tiltak.errors import UsageError, VerificationError
from tiltak.hidden import PublishedCell, check_hidden
from tiltak.model import TABLES, Hidden, TableSpec
from tiltak.tables import TOTAL_KEY, RowKey, coordinate, group_sum_label

# Columns where the publication prints a zero count as a blank; elsewhere blank = unknown.
_ENDRING_COLUMNS = ("endring_antall", "endring_prosent")

ViewKey = tuple[int, str | None, str]  # (table number, kjønn, row label)
MISMATCH = "Mismatch: "
NOTE = "Note: "


@dataclass
class Verification:
    periods: list[date] = field(default_factory=list)
    cells: int = 0
    blank_cells: int = 0
    hidden_cells: int = 0
    mismatches: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def lines(self) -> list[str]:
        months = ", ".join(f"{p:%Y-%m}" for p in self.periods)
        if len(self.periods) > 6:
            months = f"{self.periods[0]:%Y-%m} … {self.periods[-1]:%Y-%m}"
        summary = (
            f"{len(self.periods)} period(s) ({months}), {self.cells} published cells checked"
            f" ({self.cells - self.blank_cells - self.hidden_cells} figures,"
            f" {self.blank_cells} blank, {self.hidden_cells} hidden),"
            f" {len(self.mismatches)} mismatch(es), {len(self.notes)} note(s)"
        )
        return [*self.mismatches, *self.notes, summary]

    def record(self) -> dict[str, Any]:
        """The result as one JSON object, for scripts (`tiltak verify --json`)."""
        return {
            "ok": self.ok,
            "periods": [f"{p:%Y-%m}" for p in self.periods],
            "cells": self.cells,
            "figures": self.cells - self.blank_cells - self.hidden_cells,
            "blank": self.blank_cells,
            "hidden": self.hidden_cells,
            "mismatches": [line.removeprefix(MISMATCH) for line in self.mismatches],
            "notes": [line.removeprefix(NOTE) for line in self.notes],
        }

    def raise_for_mismatches(self) -> None:
        if self.mismatches:
            raise VerificationError(
                f"{len(self.mismatches)} of {self.cells} published cells are not reproduced"
                " by the views"
            )


def loaded_periods(connection: Connection) -> list[date]:
    rows = connection.execute(
        "select periode from tiltak.innlesing where erstattet is null order by periode"
    )
    return [row.periode for row in rows]


def verify(connection: Connection, periods: Sequence[date] | None = None) -> Verification:
    """Compare every period's published cells with the views (all loaded periods if None)."""
    loaded = loaded_periods(connection)
    missing = [p for p in periods or () if p not in loaded]
    if missing:
        months = ", ".join(f"{p:%Y-%m}" for p in missing)
        raise UsageError(f"no report loaded for {months}")
    result = Verification(periods=sorted(set(periods)) if periods else loaded)
    for periode in result.periods:
        _verify_period(connection, periode, result)
        result.notes += revision_notes(connection, periode)
    return result


def _view_rows(
    connection: Connection, periode: date, spec: TableSpec
) -> dict[ViewKey, tuple[int, dict[str, int | None]]]:
    """(table, kjønn, rad) → (radnr, {view column: value}) for one table and month."""
    names = ["radnr", "rad", *spec.view_columns] + (["kjonn"] if spec.by_kjonn else [])
    query = sql.SQL("select {} from {} where periode = %(periode)s").format(
        sql.SQL(", ").join(map(sql.Identifier, names)), sql.Identifier("rapport", spec.view)
    )
    found = {}
    for values in connection.cursor(row_factory=dict_row).execute(query, {"periode": periode}):
        kjonn = values["kjonn"] if spec.by_kjonn else None
        found[spec.number, kjonn, values["rad"]] = (
            values["radnr"],
            {c: values[c] for c in spec.view_columns},
        )
    return found


_PUBLISHED = (
    "select p.tabell, k.navn as kjonn, p.radnr, p.rad, p.linje, p.kolonne, p.verdi, p.merke,"
    " i.filnavn"
    " from tiltak.publisert_celle as p"
    " join tiltak.innlesing as i on i.innlesing_id = p.innlesing_id"
    " left join tiltak.kjonn as k on k.kjonn_id = p.kjonn_id"
    " where i.periode = %(periode)s and i.erstattet is null"
    " order by p.tabell, k.rekkefolge nulls first, p.radnr, p.linje, p.kolonne"
)


def _verify_period(connection: Connection, periode: date, result: Verification) -> None:
    views: dict[ViewKey, tuple[int, dict[str, int | None]]] = {}
    for spec in TABLES:
        views.update(_view_rows(connection, periode, spec))
    published_rows: set[ViewKey] = set()
    cells = connection.execute(_PUBLISHED, {"periode": periode}).fetchall()
    for cell in cells:
        key: ViewKey = (cell.tabell, cell.kjonn, cell.rad)
        published_rows.add(key)
        result.cells += 1
        result.blank_cells += cell.verdi is None and cell.merke is None
        result.hidden_cells += cell.merke is not None
        where = (
            f"{periode:%Y-%m} table {cell.tabell}{' ' + cell.kjonn if cell.kjonn else ''}"
            f" row {cell.rad!r} column {cell.kolonne} ({cell.filnavn} line {cell.linje})"
        )
        expected = cell.verdi
        if expected is None and cell.merke is None and cell.kolonne not in _ENDRING_COLUMNS:
            expected = 0  # a blank count cell means zero; a hidden one must come back NULL
        if key not in views:
            result.mismatches.append(f"Mismatch: {where}: published {expected}, no such view row")
            continue
        radnr, values = views[key]
        if values[cell.kolonne] != expected:
            result.mismatches.append(
                f"Mismatch: {where}: published {expected}, views {values[cell.kolonne]}"
            )
        if radnr != cell.radnr:
            result.mismatches.append(
                f"Mismatch: {where}: published as row {cell.radnr}, views put it at row {radnr}"
            )
    for number, kjonn, rad in sorted(views.keys() - published_rows, key=str):
        result.mismatches.append(
            f"Mismatch: {periode:%Y-%m} table {number}{' ' + kjonn if kjonn else ''}"
            f" row {rad!r}: in the views but not in the published report"
        )
    if result.hidden_cells:
        result.notes += _recoverable_notes(connection, periode, cells)


def _recoverable_notes(connection: Connection, periode: date, cells: Sequence[Any]) -> list[str]:
    """One `Note: ` line per hidden cell the stored published sums determine."""
    catalog, _ids = load_catalog(connection, periode)
    group_sums = {group_sum_label(g): g for g in catalog.tiltaksgrupper}
    published = []
    for cell in cells:
        spec = TABLES[cell.tabell - 1]
        if spec.has_endring and cell.kolonne in _ENDRING_COLUMNS:
            continue
        key = _row_key(spec, cell.radnr, cell.rad, group_sums)
        index = spec.view_columns.index(cell.kolonne)
        kjonn = f" ({cell.kjonn})" if cell.kjonn else ""
        published.append(
            PublishedCell(
                coordinate(spec, cell.kjonn, key, index, catalog),
                Hidden(cell.merke) if cell.merke else cell.verdi or 0,
                cell.linje,
                f"table {cell.tabell}{kjonn}, row {cell.rad!r}, column {cell.kolonne!r}",
                cell.tabell,
            )
        )
    split = any(cell.kjonn for cell in cells)
    filnavn = cells[0].filnavn
    return [
        f"Note: {periode:%Y-%m} {text} ({filnavn} line {line})"
        for line, text in check_hidden(published, split).notes()
    ]


def _row_key(spec: TableSpec, radnr: int, rad: str, group_sums: dict[str, str]) -> RowKey:
    if radnr == 1:
        return TOTAL_KEY
    if spec.kind != "tiltak":
        return ("hovedgruppe" if spec.kind == "hovedgrupper" else "tiltaksgruppe", rad)
    return ("gruppesum", group_sums[rad]) if rad in group_sums else ("tiltak", rad)


# Last year's counts as month M's report implies them, beside the counts loaded for M - 12
# (summed to the same category; tiltaksgrupper as the tiltak were grouped in M - 12).
# Both months are bound as constants, so each side is one index range of its table.
_REVISIONS = """
    with implied as (
        select 1 as nivaa, 'hovedgruppe' as kategori, h.navn, h.rekkefolge, f.kjonn_id,
            f.antall, coalesce(loaded.antall, 0) as lastet
        from tiltak.fjorar_hovedgruppe as f
        join tiltak.hovedgruppe as h on h.hovedgruppe_id = f.hovedgruppe_id
        left join (
            select hovedgruppe_id, kjonn_id, sum(antall) as antall
            from tiltak.antall
            where periode = %(earlier)s
            group by hovedgruppe_id, kjonn_id
        ) as loaded on loaded.hovedgruppe_id = f.hovedgruppe_id and loaded.kjonn_id = f.kjonn_id
        where f.periode = %(periode)s
        union all
        select 2, 'tiltaksgruppe', g.navn, g.rekkefolge, f.kjonn_id,
            f.antall, coalesce(loaded.antall, 0)
        from tiltak.fjorar_tiltaksgruppe as f
        join tiltak.tiltaksgruppe as g on g.tiltaksgruppe_id = f.tiltaksgruppe_id
        left join (
            select tiltaksgruppe_id, kjonn_id, sum(antall) as antall
            from tiltak.celle
            where periode = %(earlier)s
            group by tiltaksgruppe_id, kjonn_id
        ) as loaded
            on loaded.tiltaksgruppe_id = f.tiltaksgruppe_id and loaded.kjonn_id = f.kjonn_id
        where f.periode = %(periode)s
    )
    select i.kategori, i.navn, k.navn as kjonn, i.antall, i.lastet
    from implied as i
    join tiltak.kjonn as k on k.kjonn_id = i.kjonn_id
    where i.antall <> i.lastet
        and exists (
            select 1 from tiltak.innlesing where periode = %(earlier)s and erstattet is null
        )
    order by i.nivaa, i.rekkefolge, k.rekkefolge
    """


def revision_notes(connection: Connection, periode: date) -> list[str]:
    """One `Note: ` line per category × kjønn whose implied last-year count was revised."""
    earlier = periode.replace(year=periode.year - 1)
    return [
        f"Note: {earlier:%Y-%m} {row.kategori} {row.navn!r} {row.kjonn}:"
        f" the {periode:%Y-%m} report implies {row.antall}, loaded {row.lastet}"
        f" (revised by {row.antall - row.lastet:+d})"
        for row in connection.execute(_REVISIONS, {"periode": periode, "earlier": earlier})
    ]
