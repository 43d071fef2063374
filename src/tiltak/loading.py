"""Loading: one validated report → one transaction that replaces its month atomically."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import psycopg

from tiltak import precompute
from tiltak.catalog import Ids, load_catalog
from tiltak.database import Connection
from tiltak.errors import Problem, ReportError
from tiltak.model import Hidden
from tiltak.parsing import ParsedReport, read_report
from tiltak.validation import ValidReport, row_label, validate

Outcome = Literal["loaded", "replaced", "unchanged", "same figures"]


@dataclass(frozen=True)
class LoadResult:
    path: str
    periode: date
    outcome: Outcome
    counts: int
    current_file: str = ""  # for "same figures": the file the month stays loaded from
    notes: tuple[Problem, ...] = ()  # hidden cells a rule determines

    def describe(self) -> str:
        month = f"{self.periode:%Y-%m}"
        if self.outcome == "unchanged":
            return f"{self.path}: {month} already loaded from this file; nothing to do"
        if self.outcome == "same figures":
            return (
                f"{self.path}: {month} already loaded with the same figures"
                f" (from {self.current_file}); nothing to do"
            )
        verb = "replaced" if self.outcome == "replaced" else "loaded"
        lines = [f"Note: {note}" for note in self.notes]
        return "\n".join([*lines, f"{self.path}: {month} {verb} ({self.counts} counts)"])


def load_file(connection: Connection, path: Path) -> LoadResult:
    """Parse, validate and store one report in the caller's transaction.

    Raises ReportError (nothing written) when the report is refused.
    """
    report = read_report(path)
    # Serialise loads of one month: the second waits, then sees the first's result.
    connection.execute(
        "select pg_advisory_xact_lock(hashtext('tiltak.load'), %(month)s)",
        {"month": report.periode.year * 12 + report.periode.month},
    )
    current = connection.execute(
        "select innlesing_id, sha256, filnavn from tiltak.innlesing"
        " where periode = %(periode)s and erstattet is null",
        {"periode": report.periode},
    ).fetchone()
    if current is not None and current.sha256 == report.sha256:
        return LoadResult(str(path), report.periode, "unchanged", 0)
    catalog, ids = load_catalog(connection, report.periode)
    valid = validate(report, catalog)
    if current is not None and _figures(valid, ids) == _stored_figures(
        connection, report.periode, current.innlesing_id
    ):
        # The same report re-saved (CRLF, Windows-1252, re-paged): no new history row.
        return LoadResult(str(path), report.periode, "same figures", 0, current.filnavn)
    if current is not None:
        _retire(connection, report.periode)
    try:
        _write(connection, valid, ids)
    except psycopg.errors.DataException as exc:
        # Validation bounds every figure; this is the last guard, not the expected path.
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        message = f"a figure the database cannot store ({reason}); nothing written"
        raise ReportError([Problem(str(path), report.periode_line, message)]) from exc
    # Precomputed rows: the rapport views' stored rows of this month, from the counts just
    # written (tiltak.precompute), in this transaction.
    precompute.refresh_months(connection, [report.periode])
    outcome: Outcome = "replaced" if current is not None else "loaded"
    counts = len(valid.data.counts) + len(valid.data.hidden)
    notes = tuple(valid.notes)
    return LoadResult(str(path), report.periode, outcome, counts, notes=notes)


def _write(connection: Connection, valid: ValidReport, ids: Ids) -> None:
    load_id = _insert_load(connection, valid.report)
    _copy_counts(connection, valid, ids, load_id)
    _insert_sums(connection, valid, ids, load_id)
    _insert_last_year(connection, valid, ids, load_id)
    _copy_published_cells(connection, valid, ids, load_id)


Figures = tuple[frozenset[tuple[Any, ...]], ...]


def _figures(valid: ValidReport, ids: Ids) -> Figures:
    """What a load stores, as sets of rows, without where in its file each figure stood."""
    data = valid.data
    return (
        frozenset(_finest_rows(valid, ids)),
        frozenset(
            (ids["hovedgruppe", h], _kjonn_id(ids, k), n)
            for (k, h), n in data.fjor_hovedgruppe.items()
        ),
        frozenset(
            (ids["tiltaksgruppe", g], _kjonn_id(ids, k), n)
            for (k, g), n in data.fjor_tiltaksgruppe.items()
        ),
        frozenset(
            (column, number, kjonn_id, radnr, label, value, marker)
            for _, _, column, number, kjonn_id, radnr, label, _, value, marker in _published_cells(
                valid, ids, 0
            )
        ),
        frozenset(_sum_rows(valid, ids)),
    )


def _stored_figures(connection: Connection, periode: date, load_id: int) -> Figures:
    """The same sets for the month's current load, as the database holds them."""

    def rows(query: str) -> frozenset[tuple[Any, ...]]:
        params = {"periode": periode, "load": load_id}
        return frozenset(tuple(row) for row in connection.execute(query, params))

    return (
        rows(
            "select tiltak_id, hovedgruppe_id, kjonn_id, antall from tiltak.antall"
            " where periode = %(periode)s"
        ),
        rows(
            "select hovedgruppe_id, kjonn_id, antall from tiltak.fjorar_hovedgruppe"
            " where periode = %(periode)s"
        ),
        rows(
            "select tiltaksgruppe_id, kjonn_id, antall from tiltak.fjorar_tiltaksgruppe"
            " where periode = %(periode)s"
        ),
        rows(
            "select kolonne, tabell, kjonn_id, radnr, rad, verdi, merke from tiltak.publisert_celle"
            " where innlesing_id = %(load)s"
        ),
        rows(
            "select kjonn_id, hovedgruppe_id, tiltaksgruppe_id, tiltak_id, antall"
            " from tiltak.antall_sum where periode = %(periode)s"
        ),
    )


def _retire(connection: Connection, periode: date) -> None:
    """Mark the month's current load replaced and drop its figures (the load row stays)."""
    params = {"periode": periode}
    connection.execute(
        # The clock, not now(): a load that waited for the month's lock started before
        # the load it replaces was stamped, and `erstattet >= innlest` must hold.
        "update tiltak.innlesing set erstattet = clock_timestamp()"
        " where periode = %(periode)s and erstattet is null",
        params,
    )
    for statement in _DELETE_MONTH:
        connection.execute(statement, params)


_DELETE_MONTH = (
    "delete from tiltak.antall where periode = %(periode)s",
    "delete from tiltak.antall_sum where periode = %(periode)s",
    "delete from tiltak.fjorar_hovedgruppe where periode = %(periode)s",
    "delete from tiltak.fjorar_tiltaksgruppe where periode = %(periode)s",
)


def _insert_load(connection: Connection, report: ParsedReport) -> int:
    connection.execute(
        "insert into tiltak.periode (periode) values (%(periode)s) on conflict do nothing",
        {"periode": report.periode},
    )
    inserted = connection.execute(
        "insert into tiltak.innlesing (periode, filnavn, sha256, innlest)"
        " values (%(periode)s, %(filnavn)s, %(sha256)s, clock_timestamp())"
        " returning innlesing_id",
        {"periode": report.periode, "filnavn": Path(report.path).name, "sha256": report.sha256},
    ).fetchone()
    assert inserted is not None  # RETURNING of one inserted row
    return int(inserted.innlesing_id)


def _kjonn_id(ids: Ids, kjonn: str | None) -> int | None:
    return None if kjonn is None else ids["kjonn", kjonn]


def _finest_rows(valid: ValidReport, ids: Ids) -> Iterator[tuple[int, int, int | None, int | None]]:
    """(tiltak_id, hovedgruppe_id, kjonn_id, antall): a hidden count NULL, never 0 nor a guess."""
    cells: dict[tuple[str | None, str, str], int | None] = {
        **valid.data.counts,
        **dict.fromkeys(valid.data.hidden),
    }
    for (kjonn, tiltak, hovedgruppe), count in cells.items():
        yield (ids["tiltak", tiltak], ids["hovedgruppe", hovedgruppe], _kjonn_id(ids, kjonn), count)


def _sum_rows(valid: ValidReport, ids: Ids) -> Iterator[tuple[int | None, ...]]:
    """(kjonn_id, hovedgruppe_id, tiltaksgruppe_id, tiltak_id, antall) of the published sums
    over a hidden count; NULL ids for "all", NULL antall where the sum is hidden too."""
    for (kjonn, hovedgruppe, group, tiltak), count in valid.data.sums.items():
        yield (
            _kjonn_id(ids, kjonn),
            None if hovedgruppe is None else ids["hovedgruppe", hovedgruppe],
            None if group is None else ids["tiltaksgruppe", group],
            None if tiltak is None else ids["tiltak", tiltak],
            count,
        )


def _copy_counts(connection: Connection, valid: ValidReport, ids: Ids, load_id: int) -> None:
    periode = valid.data.periode
    with connection.cursor().copy(
        "copy tiltak.antall (periode, tiltak_id, hovedgruppe_id, kjonn_id, antall, innlesing_id)"
        " from stdin"
    ) as copy:
        for cell in _finest_rows(valid, ids):
            copy.write_row((periode, *cell, load_id))


def _insert_sums(connection: Connection, valid: ValidReport, ids: Ids, load_id: int) -> None:
    periode = valid.data.periode
    with connection.cursor() as cursor:
        cursor.executemany(
            "insert into tiltak.antall_sum (periode, kjonn_id, hovedgruppe_id,"
            " tiltaksgruppe_id, tiltak_id, antall, innlesing_id)"
            " values (%s, %s, %s, %s, %s, %s, %s)",
            [(periode, *cell, load_id) for cell in _sum_rows(valid, ids)],
        )


def _insert_last_year(connection: Connection, valid: ValidReport, ids: Ids, load_id: int) -> None:
    periode = valid.data.periode
    with connection.cursor() as cursor:
        cursor.executemany(
            "insert into tiltak.fjorar_hovedgruppe"
            " (periode, hovedgruppe_id, kjonn_id, antall, innlesing_id)"
            " values (%s, %s, %s, %s, %s)",
            [
                (periode, ids["hovedgruppe", name], _kjonn_id(ids, kjonn), count, load_id)
                for (kjonn, name), count in valid.data.fjor_hovedgruppe.items()
            ],
        )
        cursor.executemany(
            "insert into tiltak.fjorar_tiltaksgruppe"
            " (periode, tiltaksgruppe_id, kjonn_id, antall, innlesing_id)"
            " values (%s, %s, %s, %s, %s)",
            [
                (periode, ids["tiltaksgruppe", name], _kjonn_id(ids, kjonn), count, load_id)
                for (kjonn, name), count in valid.data.fjor_tiltaksgruppe.items()
            ],
        )


def _published_cells(valid: ValidReport, ids: Ids, load_id: int) -> Iterator[tuple[object, ...]]:
    for (number, kjonn), rows in valid.rows.items():
        block = valid.report.blocks[number, kjonn]
        kjonn_id = ids["kjonn", kjonn] if kjonn else None
        for radnr, item in enumerate(rows, start=1):
            label = row_label(item.key, block)
            for column, value in zip(block.table.view_columns, item.row.cells, strict=True):
                hidden = value if isinstance(value, Hidden) else None
                yield (
                    load_id, item.row.line, column, number, kjonn_id,
                    radnr, label, item.row.label, None if hidden else value,
                    hidden and hidden.marker,
                )  # fmt: skip


def _copy_published_cells(
    connection: Connection, valid: ValidReport, ids: Ids, load_id: int
) -> None:
    with connection.cursor().copy(
        "copy tiltak.publisert_celle"
        " (innlesing_id, linje, kolonne, tabell, kjonn_id, radnr, rad, rad_publisert, verdi,"
        " merke)"
        " from stdin"
    ) as copy:
        for cell in _published_cells(valid, ids, load_id):
            copy.write_row(cell)
