"""Loading behaviour: idempotence, replacement, several files, schema state."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg

from conftest import EXAMPLE, Cli, table_checksums
from mutations import format_variants, one_more_mentor
from published import mismatches, read_publication


def _loads(url: str) -> list[tuple[str, bool]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select filnavn, erstattet is null from tiltak.innlesing order by innlesing_id"
        ).fetchall()
    return [(name, current) for name, current in rows]


def test_loading_the_same_file_twice_is_a_no_op(cli: Cli, db_url: str) -> None:
    assert cli.load_report(EXAMPLE).exit_code == 0
    before = table_checksums(db_url)
    again = cli.load_report(EXAMPLE)
    assert again.exit_code == 0
    assert "already loaded" in again.stdout
    assert table_checksums(db_url) == before


def test_a_new_file_for_a_loaded_month_replaces_it_and_keeps_history(
    cli: Cli, db_url: str, tmp_path: Path
) -> None:
    assert cli.load_report(EXAMPLE).exit_code == 0
    revised = tmp_path / "2014-03-revised.txt"
    revised.write_text(one_more_mentor(), encoding="utf-8")  # one participant more
    result = cli.load_report(revised)
    assert result.exit_code == 0, result.output
    assert "replaced" in result.stdout
    assert _loads(db_url) == [("2014-03.txt", False), ("2014-03-revised.txt", True)]
    assert mismatches(db_url, read_publication(revised)) == []
    with psycopg.connect(db_url) as conn:
        row = conn.execute("select count(*) from tiltak.antall").fetchone()
    assert row == (216,)  # 36 tiltak × 3 hovedgrupper × 2 kjønn, not doubled


def test_the_same_figures_in_another_file_are_a_no_op_that_says_so(
    cli: Cli, db_url: str, tmp_path: Path
) -> None:
    assert cli.load_report(EXAMPLE).exit_code == 0
    before = table_checksums(db_url)
    variants = format_variants()
    for name in ("CRLF line ends", "Windows-1252", "five rows a page"):
        resaved = tmp_path / "2014-03-resaved.txt"
        resaved.write_bytes(variants[name])
        result = cli.load_report(resaved)
        assert result.exit_code == 0, result.output
        assert result.stdout == (
            f"{resaved}: 2014-03 already loaded with the same figures (from 2014-03.txt);"
            " nothing to do\n"
        ), name
        assert table_checksums(db_url) == before, name
    assert _loads(db_url) == [("2014-03.txt", True)]


def test_several_files_load_in_order_and_a_refused_one_does_not_stop_the_rest(
    cli: Cli, db_url: str, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text(EXAMPLE.read_text(encoding="utf-8").replace("82\t6\t11\t65", "82\t6\t11\t66"))
    april = tmp_path / "2014-04.txt"
    april.write_text(EXAMPLE.read_text(encoding="utf-8").replace("Mars 2014", "April 2014"))
    result = cli.load_report(broken, EXAMPLE, april)
    assert result.exit_code == 1
    assert f"Error: {broken}:" in result.stderr
    assert "1 of 3 report(s) refused" in result.stderr
    assert [name for name, _ in _loads(db_url)] == ["2014-03.txt", "2014-04.txt"]


def test_an_empty_database_is_initialised_by_the_first_load(empty_db_url: str) -> None:
    result = Cli(empty_db_url).load_report(EXAMPLE)
    assert result.exit_code == 0, result.output
    assert mismatches(empty_db_url, read_publication(EXAMPLE)) == []


def test_a_database_behind_head_is_not_touched(cli: Cli, db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute("update alembic_version set version_num = '0001'")
    before = table_checksums(db_url)
    result = cli.load_report(EXAMPLE)
    assert result.exit_code == 1
    assert "run `tiltak db upgrade`" in result.stderr
    assert table_checksums(db_url) == before


def test_db_upgrade_is_idempotent_and_keeps_loaded_months(cli: Cli, db_url: str) -> None:
    assert cli.load_report(EXAMPLE).exit_code == 0
    result = cli.tiltak("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "already at" in result.stdout
    assert mismatches(db_url, read_publication(EXAMPLE)) == []


def test_db_url_prints_a_url_psql_accepts(cli: Cli, db_url: str) -> None:
    result = cli.tiltak("db", "url")
    assert result.exit_code == 0
    url = result.stdout.strip()
    assert url.startswith("postgresql://")
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*) from rapport.hovedgrupper").fetchone() == (0,)


def test_db_psql_works_without_psql_on_path(db_url: str, tmp_path: Path) -> None:
    # A machine with only Python has no psql: the one the embedded server ships is used.
    tiltak = Path(sys.executable).parent / "tiltak"
    result = subprocess.run(
        [str(tiltak), "db", "psql", "-At", "-c", "select count(*) from rapport.hovedgrupper"],
        env={"PATH": str(tmp_path), "TILTAK_DATABASE_URL": db_url, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"
