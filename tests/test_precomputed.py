"""The rapport views read stored rows: every load and migration keeps them equal to what the
stored counts give (tiltak.precompute), and `differences` shows where they are not."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from conftest import Cli
from synthetic import plan_and_upgrade, versions_dir, write_history
from tiltak import precompute, synth

__all__ = ["versions_dir"]  # a fixture

MARCH = date(2014, 3, 1)


def differences(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return precompute.differences(conn)


def stored_rows(url: str) -> dict[str, int]:
    found: dict[str, int] = {}
    with psycopg.connect(url) as conn:
        for name in precompute.STORED_VIEWS:
            query = sql.SQL("select count(*) from {}").format(sql.Identifier("rapport", name))
            row = conn.execute(query).fetchone()
            assert row is not None
            found[name] = row[0]
    return found


NONE_DIFFER = {f"tiltak.lagret_{name}": 0 for name in precompute.STORED_VIEWS}


@pytest.fixture
def months(cli: Cli, tmp_path: Path) -> dict[date, Path]:
    reports = write_history(tmp_path / "reports", 14, seed=31)
    result = cli.load_report(*reports.values())
    assert result.exit_code == 0, result.output[-3000:]
    return reports


def test_loads_store_the_rows_the_counts_give(cli: Cli, months: dict[date, Path]) -> None:
    assert differences(cli.url) == NONE_DIFFER
    rows = stored_rows(cli.url)
    assert all(count > 0 for count in rows.values()), rows
    with psycopg.connect(cli.url) as conn:
        periods = conn.execute("select count(distinct periode) from rapport.tidsserie").fetchone()
    assert periods == (len(months),)


def test_a_replaced_month_stores_its_new_rows(
    cli: Cli, months: dict[date, Path], tmp_path: Path
) -> None:
    other = write_history(tmp_path / "other", 14, seed=32)
    last = max(other)
    before = _month(cli.url, last)
    result = cli.load_report(other[last])
    assert result.exit_code == 0 and "replaced" in result.output, result.output
    assert _month(cli.url, last) != before
    assert differences(cli.url) == NONE_DIFFER


def _month(url: str, periode: date) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select * from rapport.tiltak_hovedgrupper_kjonn where periode = %s", (periode,)
        ).fetchall()


@pytest.mark.parametrize("relation", ["stored", "counts"])
def test_rows_that_differ_from_the_counts_are_found(
    cli: Cli, months: dict[date, Path], relation: str
) -> None:
    with psycopg.connect(cli.url) as conn:
        if relation == "stored":
            conn.execute(
                "update tiltak.lagret_tiltaksgrupper set antall = antall + 1"
                " where periode = %s and er_sum",
                (MARCH,),
            )
        else:  # a count changed by hand, bypassing the load that would refresh the month
            conn.execute(
                "update tiltak.antall set antall = antall + 1 where (periode, tiltak_id) = ("
                " select periode, min(tiltak_id) from tiltak.antall where periode = %s"
                " group by periode) and kjonn_id = 1 and hovedgruppe_id = 1",
                (MARCH,),
            )
    found = {name: count for name, count in differences(cli.url).items() if count}
    if relation == "stored":
        # The stored row, and the computed row it should be.
        assert found == {"tiltak.lagret_tiltaksgrupper": 2}
    else:
        # Every table holds a figure the count is part of, in deltakere its own row.
        assert found.keys() == NONE_DIFFER.keys(), found
        assert found["tiltak.lagret_deltakere"] == 2


def test_db_upgrade_recomputes_every_month(cli: Cli, months: dict[date, Path]) -> None:
    with psycopg.connect(cli.url) as conn:
        conn.execute("delete from tiltak.lagret_tidsserie where periode = %s", (MARCH,))
    assert differences(cli.url)["tiltak.lagret_tidsserie"] > 0
    assert cli.tiltak("db", "upgrade").exit_code == 0
    assert differences(cli.url) == NONE_DIFFER


def test_downgrade_and_upgrade_again_restore_the_rows(cli: Cli, months: dict[date, Path]) -> None:
    rows = stored_rows(cli.url)
    result = cli.tiltak("db", "downgrade", "0005")
    assert result.exit_code == 0, result.output
    with psycopg.connect(cli.url) as conn:
        left = conn.execute(
            "select count(*) from pg_tables where schemaname = 'tiltak'"
            " and tablename like 'lagret\\_%%'"
        ).fetchone()
    assert left == (0,)
    result = cli.tiltak("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert stored_rows(cli.url) == rows
    assert differences(cli.url) == NONE_DIFFER


def test_a_category_revision_regroups_the_stored_months(
    cli: Cli, tmp_path: Path, versions_dir: Path
) -> None:
    # NAV moves a tiltak to another group in July 2015: the revision arrives after its month.
    reports = write_history(tmp_path / "reports", 18, seed=29, changes=synth.NAV_CHANGES[:1])
    move = synth.NAV_CHANGES[0].periode
    earlier = [path for month, path in reports.items() if month < move]
    assert cli.load_report(*earlier).exit_code == 0
    assert plan_and_upgrade(cli, reports[move]) is not None
    assert differences(cli.url) == NONE_DIFFER
    later = [path for month, path in reports.items() if month >= move]
    assert cli.load_report(*later).exit_code == 0
    assert differences(cli.url) == NONE_DIFFER


# One table verify proves on its own connection, one it proves on the second connection it
# runs beside (tiltak.verification.verify, `beside`).
@pytest.mark.parametrize(
    ("table", "row_filter"),
    [
        ("lagret_hovedgrupper", "rad = 'I alt'"),
        (
            "lagret_tidsserie",
            "kjonn = 'I alt' and hovedgruppe = 'I alt' and tiltaksgruppe = 'I alt'",
        ),
    ],
)
def test_verify_fails_on_a_stored_row_the_counts_do_not_give(
    cli: Cli, months: dict[date, Path], table: str, row_filter: str
) -> None:
    assert table.removeprefix("lagret_") in (precompute.OTHER_VIEWS + precompute.COSTLY_VIEWS)
    with psycopg.connect(cli.url) as conn:
        changed = conn.execute(
            sql.SQL("update {} set antall = antall + 1 where periode = %s and {}").format(
                sql.Identifier("tiltak", table), sql.SQL(row_filter)
            ),
            (MARCH,),
        )
        assert changed.rowcount == 1
    # The stored row and the computed one it should be: 2 rows differ. Table 1's total for
    # March now also disagrees with its published cell; other months are not affected.
    result = cli.tiltak("verify")
    assert result.exit_code == 1, result.output
    stale = [line for line in result.stdout.splitlines() if "tiltak.lagret_" in line]
    assert stale == [
        f"Mismatch: tiltak.{table} holds 2 row(s) that differ from what the counts"
        " give; `tiltak db upgrade` recomputes them"
    ]
    other = cli.tiltak("verify", "--period", "2014-04")
    assert other.exit_code == 0, other.output
    repaired = cli.tiltak("db", "upgrade")
    assert repaired.exit_code == 0, repaired.output
    assert cli.tiltak("verify").exit_code == 0
