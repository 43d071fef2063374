"""The notes `tiltak verify` prints beside its mismatches: facts worth knowing, not failures.

- A hidden cell that the stored published sums determine (recoverable by subtraction).
- Last year's counts that a month's Endring columns imply, where they differ from the counts
  loaded for that earlier month: NAV revises old figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
from psycopg.rows import class_row

from tiltak.catalog import load_catalog
from tiltak.comparison import ENDRING_COLUMNS
from tiltak.hidden import PublishedCell, check_hidden
from tiltak.model import TABLES, Hidden, TableSpec
from tiltak.tables import TOTAL_KEY, RowKey, coordinate, group_sum_label

NOTE = "Note: "


@dataclass(frozen=True)
class _Cell:
    tabell: int
    kjonn: str | None
    radnr: int
    rad: str
    linje: int
    kolonne: str
    verdi: int | None
    merke: str | None
    filnavn: str


_PUBLISHED = """
    select p.tabell, k.navn as kjonn, p.radnr, p.rad, p.linje, p.kolonne, p.verdi, p.merke,
        i.filnavn
    from tiltak.publisert_celle as p
    join tiltak.innlesing as i on i.innlesing_id = p.innlesing_id
    left join tiltak.kjonn as k on k.kjonn_id = p.kjonn_id
    where i.periode = %(periode)s and i.erstattet is null
    order by p.tabell, k.rekkefolge nulls first, p.radnr, p.linje, p.kolonne
"""


def recoverable_notes(connection: psycopg.Connection[Any], periode: date) -> list[str]:
    """One `Note: ` line per hidden cell of `periode` the stored published sums determine.

    Only months that hide a cell need this (a month without one has nothing to recover), so
    reading a month's cells whole here stays rare.
    """
    with connection.cursor(row_factory=class_row(_Cell)) as cursor:
        cells = cursor.execute(_PUBLISHED, {"periode": periode}).fetchall()
    if not cells:
        return []
    catalog, _ids = load_catalog(connection, periode)
    group_sums = {group_sum_label(g): g for g in catalog.tiltaksgrupper}
    published = []
    for cell in cells:
        spec = TABLES[cell.tabell - 1]
        if spec.has_endring and cell.kolonne in ENDRING_COLUMNS:
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
        f"{NOTE}{periode:%Y-%m} {text} ({filnavn} line {line})"
        for line, text in check_hidden(published, split).notes()
    ]


def _row_key(spec: TableSpec, radnr: int, rad: str, group_sums: dict[str, str]) -> RowKey:
    if radnr == 1:
        return TOTAL_KEY
    if spec.kind != "tiltak":
        return ("hovedgruppe" if spec.kind == "hovedgrupper" else "tiltaksgruppe", rad)
    return ("gruppesum", group_sums[rad]) if rad in group_sums else ("tiltak", rad)


# Last year's counts as month M's report implies them, beside the counts loaded for M - 12
# (summed to the same category; tiltaksgrupper as the tiltak were grouped in M - 12), for
# every requested month M whose M - 12 is loaded. The loaded sums are grouped once over all
# those earlier months (twice as fast as a lateral sum per category at 300 months).
_REVISIONS = """
    with months as (
        select m.periode, (m.periode - interval '1 year')::date as earlier
        from unnest(%(periodes)s::date[]) as m(periode)
        where exists (
            select 1 from tiltak.innlesing as i
            where i.periode = (m.periode - interval '1 year')::date and i.erstattet is null
        )
    ),
    implied as (
        select m.periode, m.earlier, 1 as nivaa, 'hovedgruppe' as kategori, h.navn,
            h.rekkefolge, f.kjonn_id, f.antall, coalesce(loaded.antall, 0) as lastet
        from months as m
        join tiltak.fjorar_hovedgruppe as f on f.periode = m.periode
        join tiltak.hovedgruppe as h on h.hovedgruppe_id = f.hovedgruppe_id
        left join (
            select periode, hovedgruppe_id, kjonn_id, sum(antall) as antall
            from tiltak.antall
            where periode = any(array(select earlier from months))
            group by periode, hovedgruppe_id, kjonn_id
        ) as loaded
            on loaded.periode = m.earlier and loaded.hovedgruppe_id = f.hovedgruppe_id
            and loaded.kjonn_id = f.kjonn_id
        union all
        select m.periode, m.earlier, 2, 'tiltaksgruppe', g.navn, g.rekkefolge, f.kjonn_id,
            f.antall, coalesce(loaded.antall, 0)
        from months as m
        join tiltak.fjorar_tiltaksgruppe as f on f.periode = m.periode
        join tiltak.tiltaksgruppe as g on g.tiltaksgruppe_id = f.tiltaksgruppe_id
        left join (
            select periode, tiltaksgruppe_id, kjonn_id, sum(antall) as antall
            from tiltak.celle
            where periode = any(array(select earlier from months))
            group by periode, tiltaksgruppe_id, kjonn_id
        ) as loaded
            on loaded.periode = m.earlier and loaded.tiltaksgruppe_id = f.tiltaksgruppe_id
            and loaded.kjonn_id = f.kjonn_id
    )
    select i.periode, i.earlier, i.kategori, i.navn, k.navn as kjonn, i.antall, i.lastet
    from implied as i
    join tiltak.kjonn as k on k.kjonn_id = i.kjonn_id
    where i.antall <> i.lastet
    order by i.periode, i.nivaa, i.rekkefolge, k.rekkefolge
"""


def revision_notes(
    connection: psycopg.Connection[Any], periods: Sequence[date]
) -> dict[date, list[str]]:
    """Per month: one `Note: ` line per category × kjønn whose implied last-year count was
    revised."""
    notes: dict[date, list[str]] = defaultdict(list)
    rows = connection.execute(_REVISIONS, {"periodes": list(periods)})
    for periode, earlier, kategori, navn, kjonn, antall, lastet in rows:
        notes[periode].append(
            f"{NOTE}{earlier:%Y-%m} {kategori} {navn!r} {kjonn}:"
            f" the {periode:%Y-%m} report implies {antall}, loaded {lastet}"
            f" (revised by {antall - lastet:+d})"
        )
    return notes
