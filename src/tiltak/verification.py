"""Verification: every stored published cell against what the `rapport` views compute.

A load keeps the figures as printed (tiltak.publisert_celle) beside the counts they were
derived from; verifying compares every cell with what the views compute (set-based, all
months at once: tiltak.comparison), so a changed count, view or hierarchy that no longer
reproduces the publication is caught and named. It also notes where a month's Endring
columns imply last year's counts that differ from the counts loaded for that earlier month:
NAV revises old figures, so these are notes, not failures (tiltak.verification_notes).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import psycopg
from psycopg import sql

from tiltak.comparison import MISMATCH, cell_totals, compare_tables
from tiltak.errors import UsageError, VerificationError
from tiltak.precompute import COSTLY_VIEWS, OTHER_VIEWS, differences
from tiltak.verification_notes import NOTE, recoverable_notes, revision_notes


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


def loaded_periods(connection: psycopg.Connection[Any]) -> list[date]:
    rows = connection.execute(
        "select periode from tiltak.innlesing where erstattet is null order by periode"
    )
    return [periode for (periode,) in rows]


def verify(
    connection: psycopg.Connection[Any],
    periods: Sequence[date] | None = None,
    *,
    beside: psycopg.Connection[Any] | None = None,
) -> Verification:
    """Compare every period's published cells with the views (all loaded periods if None).

    `beside`, a second connection in the same snapshot (`share_snapshot`), takes half of
    proving the stored rows while this one compares the cells: the server works on both.
    """
    loaded = loaded_periods(connection)
    loaded_set = set(loaded)
    missing = [p for p in periods or () if p not in loaded_set]
    if missing:
        months = ", ".join(f"{p:%Y-%m}" for p in missing)
        raise UsageError(f"no report loaded for {months}")
    result = Verification(periods=sorted(set(periods)) if periods else loaded)
    # The comparison hashes every cell of the requested months and the views sort all their
    # rows: with the default 4 MB these spill to disk at a few hundred months. Local to these
    # (read-only) transactions.
    for each in (connection, beside):
        if each is not None:
            each.execute("set local work_mem = '64MB'")
    with ThreadPoolExecutor(max_workers=1) as pool:
        costly = pool.submit(_stale_rows, beside, result.periods, COSTLY_VIEWS) if beside else None
        _compare(connection, result)
        result.mismatches += (
            costly.result() if costly else _stale_rows(connection, result.periods, COSTLY_VIEWS)
        )
    return result


def share_snapshot(connection: psycopg.Connection[Any], beside: psycopg.Connection[Any]) -> None:
    """Start `beside`'s transaction (read only) in the snapshot of `connection`'s."""
    row = connection.execute("select pg_export_snapshot()").fetchone()
    assert row is not None
    beside.execute("set transaction isolation level repeatable read, read only")
    # The snapshot id comes from the server, not from input; SET takes no parameters.
    beside.execute(sql.SQL("set transaction snapshot {}").format(sql.Literal(row[0])))


def _stale_rows(
    connection: psycopg.Connection[Any], periods: Sequence[date], views: Sequence[str]
) -> list[str]:
    """One line per stored table of `views` whose rows in `periods` differ from what the
    counts give."""
    return [
        f"{MISMATCH}{table} holds {count} row(s) that differ from what the counts give;"
        " `tiltak db upgrade` recomputes them"
        for table, count in differences(connection, periods, views).items()
        if count
    ]


def _compare(connection: psycopg.Connection[Any], result: Verification) -> None:
    """The published cells, the cheaper half of the stored rows, and the notes."""
    totals = cell_totals(connection, result.periods)
    result.cells, result.blank_cells, result.hidden_cells = (
        totals.cells,
        totals.blank,
        totals.hidden,
    )
    result.mismatches = [
        message for _, message in sorted(compare_tables(connection, result.periods))
    ]
    # The views read stored rows: they must be what the counts give, or every figure above
    # could agree with a stale copy (the costly half: see verify).
    result.mismatches += _stale_rows(connection, result.periods, OTHER_VIEWS)
    revised = revision_notes(connection, result.periods)
    hidden = set(totals.months_with_hidden)
    for periode in result.periods:
        if periode in hidden:
            result.notes += recoverable_notes(connection, periode)
        result.notes += revised.get(periode, [])
