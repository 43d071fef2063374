"""Loading: one validated report → one transaction that replaces its month atomically."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import Connection

from tiltak.catalog import Ids, load_catalog
from tiltak.database import driver_connection
from tiltak.errors import Problem, ReportError
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
        return f"{self.path}: {month} {verb} ({self.counts} counts)"


def load_file(connection: Connection, path: Path) -> LoadResult:
    """Parse, validate and store one report in the caller's transaction.

    Raises ReportError (nothing written) when the report is refused.
    """
    report = read_report(path)
    # Serialise loads of one month: the second waits, then sees the first's result.
    connection.execute(
        text("select pg_advisory_xact_lock(hashtext('tiltak.load'), :month)"),
        {"month": report.periode.year * 12 + report.periode.month},
    )
    current = connection.execute(
        text(
            "select innlesing_id, sha256, filnavn from tiltak.innlesing"
            " where periode = :periode and erstattet is null"
        ),
        {"periode": report.periode},
    ).first()
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
    outcome: Outcome = "replaced" if current is not None else "loaded"
    return LoadResult(str(path), report.periode, outcome, len(valid.data.counts))


def _write(connection: Connection, valid: ValidReport, ids: Ids) -> None:
    load_id = _insert_load(connection, valid.report)
    raw = driver_connection(connection)
    _copy_counts(raw, valid, ids, load_id)
    _insert_last_year(raw, valid, ids, load_id)
    _copy_published_cells(raw, valid, ids, load_id)


Figures = tuple[frozenset[tuple[Any, ...]], ...]


def _figures(valid: ValidReport, ids: Ids) -> Figures:
    """What a load stores, as sets of rows, without where in its file each figure stood."""
    data = valid.data
    return (
        frozenset(
            (ids["tiltak", t], ids["hovedgruppe", h], ids["kjonn", k], n)
            for (k, t, h), n in data.counts.items()
        ),
        frozenset(
            (ids["hovedgruppe", h], ids["kjonn", k], n)
            for (k, h), n in data.fjor_hovedgruppe.items()
        ),
        frozenset(
            (ids["tiltaksgruppe", g], ids["kjonn", k], n)
            for (k, g), n in data.fjor_tiltaksgruppe.items()
        ),
        frozenset(
            (column, number, kjonn_id, radnr, label, value)
            for _, _, column, number, kjonn_id, radnr, label, _, value in _published_cells(
                valid, ids, 0
            )
        ),
    )


def _stored_figures(connection: Connection, periode: date, load_id: int) -> Figures:
    """The same sets for the month's current load, as the database holds them."""

    def rows(query: str) -> frozenset[tuple[Any, ...]]:
        params = {"periode": periode, "load": load_id}
        return frozenset(tuple(row) for row in connection.execute(text(query), params))

    return (
        rows(
            "select tiltak_id, hovedgruppe_id, kjonn_id, antall from tiltak.antall"
            " where periode = :periode"
        ),
        rows(
            "select hovedgruppe_id, kjonn_id, antall from tiltak.fjorar_hovedgruppe"
            " where periode = :periode"
        ),
        rows(
            "select tiltaksgruppe_id, kjonn_id, antall from tiltak.fjorar_tiltaksgruppe"
            " where periode = :periode"
        ),
        rows(
            "select kolonne, tabell, kjonn_id, radnr, rad, verdi from tiltak.publisert_celle"
            " where innlesing_id = :load"
        ),
    )


def _retire(connection: Connection, periode: date) -> None:
    """Mark the month's current load replaced and drop its figures (the load row stays)."""
    params = {"periode": periode}
    connection.execute(
        text(
            "update tiltak.innlesing set erstattet = now()"
            " where periode = :periode and erstattet is null"
        ),
        params,
    )
    for statement in _DELETE_MONTH:
        connection.execute(text(statement), params)


_DELETE_MONTH = (
    "delete from tiltak.antall where periode = :periode",
    "delete from tiltak.fjorar_hovedgruppe where periode = :periode",
    "delete from tiltak.fjorar_tiltaksgruppe where periode = :periode",
)


def _insert_load(connection: Connection, report: ParsedReport) -> int:
    connection.execute(
        text("insert into tiltak.periode (periode) values (:periode) on conflict do nothing"),
        {"periode": report.periode},
    )
    load_id = connection.execute(
        text(
            "insert into tiltak.innlesing (periode, filnavn, sha256)"
            " values (:periode, :filnavn, :sha256) returning innlesing_id"
        ),
        {"periode": report.periode, "filnavn": Path(report.path).name, "sha256": report.sha256},
    ).scalar_one()
    return int(load_id)


def _copy_counts(raw: psycopg.Connection[Any], valid: ValidReport, ids: Ids, load_id: int) -> None:
    periode = valid.data.periode
    with raw.cursor().copy(
        "copy tiltak.antall (periode, tiltak_id, hovedgruppe_id, kjonn_id, antall, innlesing_id)"
        " from stdin"
    ) as copy:
        for (kjonn, tiltak, hovedgruppe), count in valid.data.counts.items():
            copy.write_row(
                (
                    periode,
                    ids["tiltak", tiltak],
                    ids["hovedgruppe", hovedgruppe],
                    ids["kjonn", kjonn],
                    count,
                    load_id,
                )
            )


def _insert_last_year(
    raw: psycopg.Connection[Any], valid: ValidReport, ids: Ids, load_id: int
) -> None:
    periode = valid.data.periode
    with raw.cursor() as cursor:
        cursor.executemany(
            "insert into tiltak.fjorar_hovedgruppe"
            " (periode, hovedgruppe_id, kjonn_id, antall, innlesing_id)"
            " values (%s, %s, %s, %s, %s)",
            [
                (periode, ids["hovedgruppe", name], ids["kjonn", kjonn], count, load_id)
                for (kjonn, name), count in valid.data.fjor_hovedgruppe.items()
            ],
        )
        cursor.executemany(
            "insert into tiltak.fjorar_tiltaksgruppe"
            " (periode, tiltaksgruppe_id, kjonn_id, antall, innlesing_id)"
            " values (%s, %s, %s, %s, %s)",
            [
                (periode, ids["tiltaksgruppe", name], ids["kjonn", kjonn], count, load_id)
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
                yield (
                    load_id, item.row.line, column, number, kjonn_id,
                    radnr, label, item.row.label, value,
                )  # fmt: skip


def _copy_published_cells(
    raw: psycopg.Connection[Any], valid: ValidReport, ids: Ids, load_id: int
) -> None:
    with raw.cursor().copy(
        "copy tiltak.publisert_celle"
        " (innlesing_id, linje, kolonne, tabell, kjonn_id, radnr, rad, rad_publisert, verdi)"
        " from stdin"
    ) as copy:
        for cell in _published_cells(valid, ids, load_id):
            copy.write_row(cell)
