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


def _plan(url: str, query: sql.Composable, *params: Any) -> dict[str, Any]:
    with psycopg.connect(url) as conn:
        # Sequential scans priced out: a table the filter does not reach is still read whole
        # (by a sequential scan or a full index scan), and its scan has no condition on periode.
        conn.execute("set enable_seqscan = off")
        row = conn.execute(sql.SQL("explain (format json) {}").format(query), params).fetchone()
    assert row is not None
    plan: dict[str, Any] = row[0][0]["Plan"]
    return plan


@pytest.mark.parametrize("view", VIEWS)
def test_a_filter_on_periode_reaches_the_stored_rows_index(loaded: Cli, view: str) -> None:
    # A month of a rapport view is an index range of its stored rows, nothing else.
    query = sql.SQL("select * from {} where periode = %s").format(sql.Identifier("rapport", view))
    scans = [node for node in _nodes(_plan(loaded.url, query, MARCH)) if "Relation Name" in node]
    assert [node["Relation Name"] for node in scans] == [f"lagret_{view}"]
    assert "periode" in _condition(scans[0]), scans[0]


@pytest.mark.parametrize("view", VIEWS)
def test_a_filter_on_periode_reaches_the_counts_indexes(loaded: Cli, view: str) -> None:
    # The refresh of a load's month computes its rows so (tiltak.precompute.refresh_months),
    # with the plan made for any month: a prepared statement's generic plan.
    computing = sql.Identifier("tiltak", f"beregnet_{view}")
    with psycopg.connect(loaded.url) as conn:
        conn.execute("set enable_seqscan = off")
        conn.execute("set plan_cache_mode = force_generic_plan")
        conn.execute(
            sql.SQL("prepare month(date[]) as select * from {} where periode = any($1)").format(
                computing
            )
        )
        row = conn.execute("explain (format json) execute month('{2014-03-01}')").fetchone()
    assert row is not None
    plan = row[0][0]["Plan"]
    scans = [node for node in _nodes(plan) if node.get("Relation Name") in TABLES_BY_PERIODE]
    assert scans, f"tiltak.beregnet_{view} reads none of {sorted(TABLES_BY_PERIODE)}"
    unfiltered = [
        f"{node['Node Type']} on {node['Relation Name']}"
        for node in scans
        if "periode" not in _condition(node)
    ]
    assert unfiltered == []


@pytest.mark.parametrize("view", VIEWS)
def test_every_month_in_order_is_read_without_sorting(loaded: Cli, view: str) -> None:
    query = sql.SQL("select * from {}").format(sql.Identifier("rapport", view))
    nodes = list(_nodes(_plan(loaded.url, query)))
    assert [node["Relation Name"] for node in nodes if "Relation Name" in node] == [
        f"lagret_{view}"
    ]
    assert [node["Node Type"] for node in nodes if node["Node Type"] == "Sort"] == []


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
