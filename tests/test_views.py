"""The rapport views as slices of one cube: a filter on periode reaches the tables' indexes,
and every grain of the cube holds the month's participants once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import psycopg
import pytest
from psycopg import sql

from conftest import EXAMPLE, Cli

MARCH = date(2014, 3, 1)
VIEWS = (
    "deltakere", "hovedgrupper", "hovedgrupper_kjonn", "tiltaksgrupper",
    "tiltaksgrupper_kjonn", "tiltak_hovedgrupper", "tiltak_hovedgrupper_kjonn", "tidsserie",
)  # fmt: skip
TABLES_BY_PERIODE = {"antall", "fjorar_hovedgruppe", "fjorar_tiltaksgruppe"}


@pytest.fixture
def loaded(cli: Cli) -> Cli:
    result = cli.load_report(EXAMPLE)
    assert result.exit_code == 0, result.output
    return cli


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _condition(node: dict[str, Any]) -> str:
    return str(node.get("Index Cond") or node.get("Recheck Cond") or "")


@pytest.mark.parametrize("view", VIEWS)
def test_a_filter_on_periode_reaches_the_indexes(loaded: Cli, view: str) -> None:
    # With sequential scans priced out, a table the filter does not reach is still read
    # whole (by a sequential scan or a full index scan): its scan has no condition on periode.
    query = sql.SQL("explain (format json) select * from {} where periode = %s").format(
        sql.Identifier("rapport", view)
    )
    with psycopg.connect(loaded.url) as conn:
        conn.execute("set enable_seqscan = off")
        row = conn.execute(query, (MARCH,)).fetchone()
    assert row is not None
    scans = [
        node for node in _nodes(row[0][0]["Plan"]) if node.get("Relation Name") in TABLES_BY_PERIODE
    ]
    assert scans, f"rapport.{view} reads none of {sorted(TABLES_BY_PERIODE)}"
    unfiltered = [
        f"{node['Node Type']} on {node['Relation Name']}"
        for node in scans
        if "periode" not in _condition(node)
    ]
    assert unfiltered == []


def test_every_grain_of_the_cube_holds_the_month_once(loaded: Cli) -> None:
    with psycopg.connect(loaded.url) as conn:
        stored = conn.execute(
            "select sum(antall) from tiltak.antall where periode = %s", (MARCH,)
        ).fetchone()
        grains = conn.execute(
            "select per_kjonn, per_hovedgruppe, per_tiltaksgruppe, per_tiltak, sum(antall)"
            " from tiltak.kube where periode = %s group by 1, 2, 3, 4 order by 1, 2, 3, 4",
            (MARCH,),
        ).fetchall()
    assert stored is not None and stored[0] > 0
    assert len(grains) == 12
    assert {total for *_, total in grains} == {stored[0]}
