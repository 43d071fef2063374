"""Checks each of which, removed from the code, once went unnoticed by the rest of the suite:
verify's row number and extra-row checks, validation's published order, the parser's control
characters; and the views' rounding of an exact half, away from zero as NAV rounds."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from conftest import EXAMPLE, Cli, table_checksums
from mutations import LINES, row
from tiltak import synth


@pytest.fixture
def loaded(cli: Cli) -> Cli:
    result = cli.load_report(EXAMPLE)
    assert result.exit_code == 0, result.output
    return cli


def test_verify_names_a_row_the_views_put_elsewhere(loaded: Cli, db_url: str) -> None:
    # As if the publication had printed Oppfølging first and Avklaringstiltak second.
    with psycopg.connect(db_url) as conn:
        moved = conn.execute(
            "update tiltak.publisert_celle set radnr = case rad"
            " when 'Avklaringstiltak' then 3 when 'Oppfølging' then 2 end"
            " where tabell = 3 and rad in ('Avklaringstiltak', 'Oppfølging')"
        ).rowcount
    assert moved == 6  # two rows of three cells
    result = loaded.tiltak("verify")
    assert result.exit_code == 1, result.output
    mismatches = [line for line in result.stdout.splitlines() if line.startswith("Mismatch")]
    assert len(mismatches) == 6
    assert all(line.startswith("Mismatch: 2014-03 table 3 row ") for line in mismatches)
    assert sum(line.endswith("published as row 3, views put it at row 2") for line in mismatches)
    assert sum(line.endswith("published as row 2, views put it at row 3") for line in mismatches)


def test_verify_names_a_view_row_the_report_did_not_publish(loaded: Cli, db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        removed = conn.execute(
            "delete from tiltak.publisert_celle where tabell = 3 and rad = 'Oppfølging'"
        ).rowcount
    assert removed == 3
    result = loaded.tiltak("verify")
    assert result.exit_code == 1, result.output
    mismatches = [line for line in result.stdout.splitlines() if line.startswith("Mismatch")]
    assert mismatches == [
        "Mismatch: 2014-03 table 3 row 'Oppfølging': in the views but not in the published report"
    ]


def _refused_alone(cli: Cli, db_url: str, path: Path) -> str:
    """The one error line of loading `path`, after checking nothing was written."""
    before = table_checksums(db_url)
    result = cli.load_report(path)
    assert result.exit_code == 1, result.output
    assert table_checksums(db_url) == before
    *problems, summary = result.stderr.splitlines()
    assert summary == "Error: 1 of 1 report(s) refused; nothing written for those"
    [line] = problems
    return line


def test_rows_out_of_published_order_are_refused(cli: Cli, db_url: str, tmp_path: Path) -> None:
    first, second = row("Avklaringstiltak", table=3), row("Oppfølging", table=3)
    assert second == first + 1
    lines = list(LINES)
    lines[first - 1], lines[second - 1] = lines[second - 1], lines[first - 1]
    path = tmp_path / "2014-03.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert _refused_alone(cli, db_url, path) == (
        f"Error: {path}:{first}: table 3, row 'Oppfølging': out of published order"
        " (expected 'Avklaringstiltak' here)"
    )


@pytest.mark.parametrize("control", ["\x01", "\x07", "\x1b", "\x7f"])
def test_a_control_character_is_refused_naming_its_line(
    cli: Cli, db_url: str, tmp_path: Path, control: str
) -> None:
    n = row("Jobbklubb", table=5)
    lines = list(LINES)
    lines[n - 1] = lines[n - 1].replace("Jobbklubb", f"Jobb{control}klubb")
    path = tmp_path / "2014-03.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert _refused_alone(cli, db_url, path) == (
        f"Error: {path}:{n}: binary file: control character 0x{ord(control):02x}; expected text"
    )


def test_the_views_round_an_exact_half_away_from_zero(
    cli: Cli, db_url: str, tmp_path: Path
) -> None:
    """Last year 8, this year 9: +12.5 % prints 13; last year 8, this year 7: -12.5 % prints -13.
    (Rounding half to even would give 12 and -12.)"""
    month = synth.seed_month()
    group = "Jobbskaping og egenetablering"
    in_group = {tiltak for tiltak, g in month.catalog.tiltak if g == group}
    this_year = {"Kvinner": 9, "Menn": 7}
    for kjonn, tiltak, hovedgruppe in sorted(month.data.counts):
        if tiltak in in_group:
            month.data.counts[kjonn, tiltak, hovedgruppe] = this_year[kjonn]
            this_year[kjonn] = 0  # the whole count in the group's first cell
        month.data.fjor_tiltaksgruppe[kjonn, group] = 8
    path = tmp_path / "2014-03.txt"
    path.write_text(month.text(), encoding="utf-8")
    result = cli.load_report(path)
    assert result.exit_code == 0, result.output
    with psycopg.connect(db_url) as conn:
        found = conn.execute(
            "select kjonn, antall, endring_antall, endring_prosent"
            " from rapport.tiltaksgrupper_kjonn where rad = %s order by kjonn",
            (group,),
        ).fetchall()
    assert found == [("Kvinner", 9, 1, 13), ("Menn", 7, -1, -13)]
