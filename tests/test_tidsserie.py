"""The series across months: rapport.tidsserie holds every group-level figure the reports
printed, and rapport.tidsserie_gruppert_som regroups it as of another month."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from conftest import EXAMPLE, Cli
from published import COLUMNS, Publication, alias_map, canonical, number, read_publication
from synthetic import plan_and_upgrade, versions_dir, write_history
from test_reader_role import as_role, login_role
from tiltak import synth

__all__ = ["login_role", "versions_dir"]  # fixtures

ALT = "I alt"
MOVE = date(2015, 7, 1)  # Utvidet avklaring og oppfølging i NAV: Oppfølging → Avklaringstiltak
LOADED = (date(2014, 3, 1), date(2015, 5, 1), date(2015, 6, 1), date(2015, 7, 1), date(2015, 8, 1))
HEADER_OF = {column: header for header, column in COLUMNS.items()}  # "andre" → "Andre på tiltak"

Cell = tuple[date, str, str, str]  # periode, kjønn, hovedgruppe, tiltaksgruppe
Finest = tuple[date, str, str, str]  # periode, kjønn, hovedgruppe, tiltak


def _count(raw: str) -> int:
    return number(raw) or 0  # a blank count is zero


def _periode(publication: Publication) -> date:
    return date.fromisoformat(publication.periode)


def _group_of_total(label: str, aliases: dict[str, str]) -> str:
    """ "I alt", "I alt kvinner" → I alt; "I alt oppfølging" (tables 5, 6) → the group."""
    rest = " ".join(label.split()).lower().removeprefix("i alt").strip()
    return aliases[rest] if rest not in ("", "kvinner", "menn") else ALT


def published_cells(publication: Publication, aliases: dict[str, str]) -> dict[Cell, int]:
    """Every group-level count the report printed, in tables 1-4 and the group totals of 5-6."""
    found: dict[Cell, int] = {}

    def put(cell: Cell, value: int) -> None:
        assert found.setdefault(cell, value) == value, f"{cell} printed as two figures"

    periode = _periode(publication)
    for (table, kjonn), block in publication.blocks.items():
        k = kjonn or ALT
        for label, cells in block.rows:
            is_total = label.lower().startswith(ALT.lower())
            if table in (1, 2):
                put((periode, k, ALT if is_total else label, ALT), _count(cells[0]))
            elif table in (3, 4):
                put(
                    (periode, k, ALT, ALT if is_total else canonical(label, aliases)),
                    _count(cells[0]),
                )
            elif is_total:
                group = _group_of_total(label, aliases)
                for column, raw in zip(block.columns, cells, strict=True):
                    put((periode, k, HEADER_OF[column], group), _count(raw))
    return found


def finest_cells(
    publication: Publication, aliases: dict[str, str]
) -> tuple[dict[Finest, int], dict[str, str]]:
    """Table 6's counts per kjønn × hovedgruppe × tiltak, and each tiltak's group as table 5
    prints it (its rows come before their group's "I alt" row)."""
    periode = _periode(publication)
    counts: dict[Finest, int] = {}
    groups: dict[str, str] = {}
    for (table, kjonn), block in publication.blocks.items():
        pending: list[str] = []
        for label, cells in block.rows:
            if label.lower().startswith(ALT.lower()):
                if table == 5 and _group_of_total(label, aliases) != ALT:
                    groups.update(dict.fromkeys(pending, _group_of_total(label, aliases)))
                pending = []
                continue
            tiltak = canonical(label, aliases)
            pending.append(tiltak)
            if table == 6 and kjonn:
                for column, raw in zip(block.columns, cells, strict=True):
                    if column != "i_alt":
                        counts[periode, kjonn, HEADER_OF[column], tiltak] = _count(raw)
    return counts, groups


def series(url: str, query: str, *params: Any) -> dict[Cell, int | None]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(query, params).fetchall()
    found = {(p, k, h, g): antall for p, k, h, g, antall, _prikket in rows}
    assert len(found) == len(rows), "a cell twice"
    assert not any(prikket for *_, prikket in rows)  # these reports hide nothing
    return found


@pytest.fixture
def history(cli: Cli, tmp_path: Path, versions_dir: Path) -> dict[date, Publication]:
    """Five months loaded, around NAV moving a tiltak to another group in July 2015."""
    reports = write_history(tmp_path / "reports", 18, seed=29, changes=synth.NAV_CHANGES[:1])
    assert plan_and_upgrade(cli, reports[MOVE]) is not None
    result = cli.load_report(*(reports[m] for m in LOADED))
    assert result.exit_code == 0, result.output[-3000:]
    return {m: read_publication(reports[m]) for m in LOADED}


def test_the_series_is_every_group_figure_the_reports_printed(
    history: dict[date, Publication], db_url: str
) -> None:
    aliases = alias_map(db_url)
    expected: dict[Cell, int | None] = {}
    for publication in history.values():
        expected.update(published_cells(publication, aliases))
    # 3 kjønn × 4 hovedgrupper × (10 groups + I alt), each month; every member's total too.
    assert len(expected) == len(LOADED) * 3 * 4 * 11
    assert series(db_url, "select * from rapport.tidsserie") == expected


def _regrouped_expectation(
    history: dict[date, Publication], aliases: dict[str, str], maaned: date
) -> dict[Cell, int | None]:
    """The finest published counts summed by the group each tiltak has in `maaned`'s report
    (its own month's where that report lacks it); totals over all groups as printed."""
    target = finest_cells(history[maaned], aliases)[1]
    expected: dict[Cell, int | None] = {}
    sums: dict[Cell, int] = defaultdict(int)
    for periode, publication in history.items():
        expected.update(
            (cell, count)
            for cell, count in published_cells(publication, aliases).items()
            if cell[3] == ALT
        )
        counts, own = finest_cells(publication, aliases)
        for (_, kjonn, hovedgruppe, tiltak), count in counts.items():
            group = target.get(tiltak, own[tiltak])
            for k in (kjonn, ALT):
                for h in (hovedgruppe, ALT):
                    sums[periode, k, h, group] += count
    return expected | dict(sums)


@pytest.mark.parametrize("maaned", [date(2014, 3, 1), MOVE], ids=["as-2014-03", "as-2015-07"])
def test_regrouped_series_moves_the_tiltak_and_keeps_the_totals(
    history: dict[date, Publication], db_url: str, maaned: date
) -> None:
    aliases = alias_map(db_url)
    expected = _regrouped_expectation(history, aliases, maaned)
    found = series(db_url, "select * from rapport.tidsserie_gruppert_som(%s)", maaned)
    assert found == expected
    as_published = series(db_url, "select * from rapport.tidsserie")
    moved = {cell for cell in found if found[cell] != as_published.get(cell)}
    # The months on the other side of the move differ, in exactly the two groups it touches.
    other_side = {m for m in LOADED if (m < MOVE) != (maaned < MOVE)}
    assert {p for p, *_ in moved} == other_side
    assert {g for *_, g in moved} == {"Avklaringstiltak", "Oppfølging"}
    assert all(cell[3] != ALT for cell in moved)


def test_a_regrouping_as_of_a_month_is_that_months_own_series(
    history: dict[date, Publication], db_url: str
) -> None:
    for periode in (date(2014, 3, 1), MOVE):
        own = series(db_url, "select * from rapport.tidsserie where periode = %s", periode)
        regrouped = series(
            db_url,
            "select * from rapport.tidsserie_gruppert_som(%s) where periode = %s",
            periode,
            periode,
        )
        assert own and regrouped == own


def test_the_reader_role_reads_the_series_and_regroups_it(
    history: dict[date, Publication], cli: Cli, db_url: str, login_role: str
) -> None:
    granted = cli.tiltak("db", "grant-reader", login_role)
    assert granted.exit_code == 0, granted.output
    with as_role(db_url, login_role) as conn:
        plain = conn.execute("select count(*) from rapport.tidsserie").fetchone()
        regrouped = conn.execute(
            "select count(*) from rapport.tidsserie_gruppert_som('2015-07-01')"
        ).fetchone()
    assert plain == regrouped == (len(LOADED) * 3 * 4 * 11,)
    # EXECUTE is the role's, not everyone's.
    with psycopg.connect(db_url) as conn:
        public = conn.execute(
            "select has_function_privilege('public', 'rapport.tidsserie_gruppert_som(date)',"
            " 'execute')"
        ).fetchone()
    assert public == (False,)


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


_TABLE_SCANS = ("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Index Scan")


def _unreached_scans(url: str, column: str, member: object) -> list[str]:
    """Scans of the series' stored rows that do not go straight to the filter's rows: with
    sequential scans priced out, a filter no index reaches still reads the table whole, by a
    sequential scan or by walking an index that does not lead with the filtered column."""
    query = sql.SQL("explain (format json) select * from rapport.tidsserie where {} = %s")
    with psycopg.connect(url) as conn:
        conn.execute("set enable_seqscan = off")
        row = conn.execute(query.format(sql.Identifier(column)), (member,)).fetchone()
        assert row is not None
        nodes = list(_nodes(row[0][0]["Plan"]))
        leading = {
            name: conn.execute(
                "select a.attname from pg_index as i"
                " join pg_attribute as a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]"
                " where i.indexrelid = ('tiltak.' || %s)::regclass",
                (name,),
            ).fetchone()
            for name in {node["Index Name"] for node in nodes if "Index Name" in node}
        }
    # The view reads its stored rows only; tiltak.beregnet_tidsserie computed them.
    assert {node["Relation Name"] for node in nodes if "Relation Name" in node} == {
        "lagret_tidsserie"
    }
    scans = [node for node in nodes if node["Node Type"] in _TABLE_SCANS]
    assert scans
    return [
        f"{node['Node Type']} on {node.get('Index Name') or node.get('Relation Name')}"
        for node in scans
        if node["Node Type"] != "Bitmap Heap Scan"
        and (leading.get(node.get("Index Name", "")) != (column,) or column not in _condition(node))
    ]


def _condition(node: dict[str, Any]) -> str:
    return str(node.get("Index Cond") or node.get("Recheck Cond") or "")


@pytest.fixture
def march(cli: Cli) -> str:
    result = cli.load_report(EXAMPLE)
    assert result.exit_code == 0, result.output
    return cli.url


@pytest.mark.parametrize(
    ("column", "member"),
    [
        ("periode", date(2014, 3, 1)),
        ("kjonn", "Kvinner"),
        ("hovedgruppe", "Andre på tiltak"),
        ("tiltaksgruppe", "Opplæring"),
        ("kjonn", ALT),
    ],
)
def test_a_filter_on_periode_or_a_member_reaches_an_index(
    march: str, column: str, member: object
) -> None:
    assert _unreached_scans(march, column, member) == []


@pytest.mark.slow
def test_ten_years_of_series_are_the_figures_every_month_printed(
    cli: Cli, db_url: str, tmp_path: Path, versions_dir: Path
) -> None:
    # All of NAV's changes, a group printed without tiltak for a year (2021) among them.
    reports = write_history(tmp_path / "reports", 121, seed=2024, changes=synth.NAV_CHANGES)
    for change in synth.NAV_CHANGES:
        plan_and_upgrade(cli, reports[change.periode])
    result = cli.load_report(*reports.values())
    assert result.exit_code == 0, result.output[-3000:]
    aliases = alias_map(db_url)
    expected: dict[Cell, int | None] = {}
    for path in reports.values():
        expected.update(published_cells(read_publication(path), aliases))
    assert series(db_url, "select * from rapport.tidsserie") == expected
