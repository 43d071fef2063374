"""`tiltak verify` and `tiltak periods`: stored published cells against the views."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import psycopg
import pytest

from conftest import EXAMPLE, Cli
from published import number, read_publication
from tiltak import precompute

SUMMARY = re.compile(
    r"^(?P<periods>\d+) period\(s\) \((?P<months>[^)]*)\), (?P<cells>\d+) published cells checked"
    r" \((?P<figures>\d+) figures, (?P<blank>\d+) blank, (?P<hidden>\d+) hidden\),"
    r" (?P<mismatches>\d+) mismatch\(es\), (?P<notes>\d+) note\(s\)$"
)


@pytest.fixture
def loaded(cli: Cli) -> Cli:
    result = cli.load_report(EXAMPLE)
    assert result.exit_code == 0, result.output
    return cli


def summary(output: str) -> dict[str, str]:
    match = SUMMARY.match(output.strip().splitlines()[-1])
    assert match, output
    return match.groupdict()


def test_verify_passes_on_march_2014(loaded: Cli) -> None:
    result = loaded.tiltak("verify", "--period", "2014-03")
    assert result.exit_code == 0, result.output
    found = summary(result.stdout)
    publication = read_publication(EXAMPLE)
    cells = sum(len(c) for b in publication.blocks.values() for _, c in b.rows)
    assert found == {
        "periods": "1", "months": "2014-03", "cells": str(cells), "figures": "597",
        "blank": str(cells - 597), "hidden": "0", "mismatches": "0", "notes": "0",
    }  # fmt: skip
    assert result.stderr == ""


def test_verify_fails_and_names_the_cell_when_a_count_is_altered(loaded: Cli, db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        changed = conn.execute(
            "update tiltak.antall set antall = antall + 7"
            " where tiltak_id = (select tiltak_id from tiltak.tiltak where navn = 'Jobbklubb')"
            " and kjonn_id = (select kjonn_id from tiltak.kjonn where navn = 'Kvinner')"
            " and hovedgruppe_id = (select hovedgruppe_id from tiltak.hovedgruppe"
            "                       where navn = 'Arbeidssøkere på tiltak')"
        ).rowcount
        # As a load writing these counts would: the stored rows follow them.
        precompute.refresh_all(conn)
    assert changed == 1
    result = loaded.tiltak("verify")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    # The published Kvinner/Jobbklubb/Arbeidssøkere cell of table 6 is 889 (examples/2014-03.txt).
    assert any(
        line.startswith("Mismatch: 2014-03 table 6 Kvinner row 'Jobbklubb' column arbeidssokere")
        and line.endswith("published 889, views 896")
        for line in lines
    ), lines
    named = set()
    for line in lines:
        if line.startswith("Mismatch"):
            match = MISMATCH.match(line)
            assert match, line
            named.add((int(match[1]), match[2], match[3], match[4]))
    assert named == cells_fed_by_jobbklubb_kvinner_arbeidssokere()
    assert summary(result.stdout)["mismatches"] == str(len(named))
    assert result.stderr.startswith("Error: ")
    assert "not reproduced" in result.stderr


MISMATCH = re.compile(
    r"^Mismatch: 2014-03 table (\d)(?: (Kvinner|Menn))? row '([^']*)' column (\w+) "
)


def cells_fed_by_jobbklubb_kvinner_arbeidssokere() -> set[tuple[int, str | None, str, str]]:
    """Every published cell one more Kvinner/Jobbklubb/Arbeidssøkere count changes."""
    cells: set[tuple[int, str | None, str, str]] = set()
    for table, kjonn in [(5, None), (6, "Kvinner")]:
        total = "I alt kvinner" if kjonn else "I alt"
        for row in ["Jobbklubb", "I alt oppfølging", total]:
            cells |= {(table, kjonn, row, "i_alt"), (table, kjonn, row, "arbeidssokere")}
    publication = read_publication(EXAMPLE)
    rows = [
        (1, None, "I alt"), (1, None, "Arbeidssøkere på tiltak"),
        (2, "Kvinner", "I alt"), (2, "Kvinner", "Arbeidssøkere på tiltak"),
        (3, None, "I alt"), (3, None, "Oppfølging"),
        (4, "Kvinner", "I alt kvinner"), (4, "Kvinner", "Oppfølging"),
    ]  # fmt: skip
    for table, kjonn, label in rows:
        cells |= {(table, kjonn, label, "antall"), (table, kjonn, label, "endring_antall")}
        printed = dict(publication.blocks[table, kjonn].rows)[label]
        antall, endring, prosent = (number(c) for c in printed)
        assert antall is not None and endring is not None
        last_year = antall - endring
        ratio = Decimal(100 * (endring + 7)) / last_year
        if int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP)) != prosent:
            cells.add((table, kjonn, label, "endring_prosent"))
    return cells


def test_verify_fails_when_a_stored_published_figure_disagrees(loaded: Cli, db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute(
            "update tiltak.publisert_celle set verdi = 76000"
            " where tabell = 1 and rad = 'I alt' and kolonne = 'antall'"
        )
    result = loaded.tiltak("verify")
    assert result.exit_code == 1
    mismatches = [line for line in result.stdout.splitlines() if line.startswith("Mismatch")]
    assert len(mismatches) == 1
    assert re.fullmatch(
        r"Mismatch: 2014-03 table 1 row 'I alt' column antall \(2014-03\.txt line \d+\):"
        r" published 76000, views 76393",
        mismatches[0],
    )


def test_verify_of_a_month_not_loaded_is_an_error(loaded: Cli) -> None:
    result = loaded.tiltak("verify", "--period", "2015-01")
    assert result.exit_code == 2  # a usage error
    assert result.stderr.startswith("Error: no report loaded for 2015-01")


def march_2013_copy(cli: Cli, tmp_path: Path) -> Path:
    """The March 2014 figures, rendered and relabelled as March 2013: a consistent report
    whose counts differ from what the 2014 report implies wherever Endring is not 0."""
    rendered = tmp_path / "rendered.txt"
    assert cli.tiltak("render", "-p", "2014-03", "-o", str(rendered)).exit_code == 0
    copy = tmp_path / "2013-03.txt"
    copy.write_text(
        rendered.read_text(encoding="utf-8").replace("Mars 2014", "Mars 2013"), encoding="utf-8"
    )
    return copy


NOTE = re.compile(
    r"^Note: 2013-03 (?P<level>hovedgruppe|tiltaksgruppe) '(?P<name>[^']+)'"
    r" (?P<kjonn>Kvinner|Menn):"
    r" the 2014-03 report implies (?P<implied>\d+), loaded (?P<loaded>\d+) \(revised by [+-]\d+\)$"
)


def test_revised_last_year_counts_are_notes_not_failures(
    loaded: Cli, db_url: str, tmp_path: Path
) -> None:
    result = loaded.load_report(march_2013_copy(loaded, tmp_path))
    assert result.exit_code == 0, result.output
    result = loaded.tiltak("verify")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stdout.splitlines() if line.startswith("Note")]
    found = set()
    for line in notes:
        match = NOTE.match(line)
        assert match, line
        found.add((match["level"], match["kjonn"], int(match["implied"]), int(match["loaded"])))
    # Expected from the published tables 2 and 4: last year = Antall - Endring Antall; the
    # 2013 copy loaded this year's Antall. A category with Endring 0 was not revised.
    expected = set()
    publication = read_publication(EXAMPLE)
    for number_, level in [(2, "hovedgruppe"), (4, "tiltaksgruppe")]:
        for kjonn in ("Kvinner", "Menn"):
            for _label, cells in publication.blocks[number_, kjonn].rows[1:]:  # not I alt
                antall, endring = (int(c.replace(" ", "")) for c in cells[:2])
                if endring:
                    expected.add((level, kjonn, antall - endring, antall))
    assert found == expected
    assert len(notes) == len(expected) > 20
    assert summary(result.stdout)["notes"] == str(len(notes))
    assert summary(result.stdout)["periods"] == "2"


def test_an_unrevised_category_has_no_note(loaded: Cli, db_url: str, tmp_path: Path) -> None:
    assert loaded.load_report(march_2013_copy(loaded, tmp_path)).exit_code == 0
    with psycopg.connect(db_url) as conn:
        # Make the 2014 report's implied count for Kvinner/Opplæring what 2013 loaded.
        conn.execute(
            "update tiltak.fjorar_tiltaksgruppe as f set antall = ("
            "  select sum(a.antall) from tiltak.antall as a"
            "  join tiltak.tiltak_medlemskap as m using (tiltak_id)"
            "  where a.periode = '2013-03-01' and m.tiltaksgruppe_id = f.tiltaksgruppe_id"
            "  and a.kjonn_id = f.kjonn_id)"
            " where f.periode = '2014-03-01'"
            " and f.tiltaksgruppe_id = (select tiltaksgruppe_id from tiltak.tiltaksgruppe"
            "                           where navn = 'Opplæring')"
            " and f.kjonn_id = (select kjonn_id from tiltak.kjonn where navn = 'Kvinner')"
        )
        # As a load writing these counts would: the stored rows follow them.
        precompute.refresh_all(conn)
    result = loaded.tiltak("verify", "--period", "2014-03")
    notes = [line for line in result.stdout.splitlines() if line.startswith("Note")]
    assert notes and not any("'Opplæring' Kvinner" in line for line in notes)
    assert any("'Opplæring' Menn" in line for line in notes)


def test_periods_lists_every_load_current_and_replaced(
    loaded: Cli, db_url: str, tmp_path: Path
) -> None:
    first = march_2013_copy(loaded, tmp_path)
    assert loaded.load_report(first).exit_code == 0
    # A revision with other figures, not only other bytes: the same figures again are a no-op.
    generated = tmp_path / "generated"
    synth = loaded.tiltak("synth", str(generated), "--months", "2", "--start", "2013-02")
    assert synth.exit_code == 0, synth.output
    second = tmp_path / "2013-03-revised.txt"
    (generated / "2013-03.txt").rename(second)
    assert loaded.load_report(second).exit_code == 0
    result = loaded.tiltak("periods")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "periode", "status", "shape", "hidden", "loaded", "replaced", "file", "sha256"
    ]  # fmt: skip
    with psycopg.connect(db_url) as conn:
        loads = conn.execute(
            "select periode, filnavn, sha256, erstattet is not null from tiltak.innlesing"
            " order by periode, innlest"
        ).fetchall()
    missing = [line for line in lines[1:-1] if line.split()[1] == "missing"]
    assert [line.split() for line in missing] == [
        [f"{year}-{month:02d}", "missing"] for year, month in [(2013, m) for m in range(4, 13)]
        + [(2014, 1), (2014, 2)]
    ]  # fmt: skip
    shown = [line for line in lines[1:-1] if line not in missing]
    assert len(shown) == len(loads)
    for line, (periode, filnavn, sha256, replaced) in zip(shown, loads, strict=True):
        assert line.startswith(f"{periode:%Y-%m}  {'replaced' if replaced else 'current '}")
        assert line.split()[-2:] == [filnavn, sha256]
    assert [r[1] for r in loads] == ["2013-03.txt", "2013-03-revised.txt", "2014-03.txt"]
    assert lines[-1] == "2 month(s) loaded, 11 missing, 3 load(s)"


@pytest.fixture
def three_months(cli: Cli, tmp_path: Path) -> Cli:
    """Three generated months, 2014-03 to 2014-05, loaded."""
    reports = tmp_path / "reports"
    assert cli.tiltak("synth", str(reports), "--months", "3").exit_code == 0
    result = cli.load_report(*sorted(reports.glob("*.txt")))
    assert result.exit_code == 0, result.output
    return cli


def published_cell(
    db_url: str, periode: str, tabell: int, rad: str, kolonne: str, kjonn: str | None = None
) -> tuple[str, int, int]:
    """(file name, line, value) of one stored published cell of a month's current load."""
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "select i.filnavn, p.linje, p.verdi from tiltak.publisert_celle as p"
            " join tiltak.innlesing as i using (innlesing_id)"
            " left join tiltak.kjonn as k using (kjonn_id)"
            " where i.periode = %s and i.erstattet is null and p.tabell = %s and p.rad = %s"
            " and p.kolonne = %s and k.navn is not distinct from %s",
            (periode, tabell, rad, kolonne, kjonn),
        ).fetchone()
    assert row is not None
    return row


def test_a_corrupted_figure_in_one_of_several_months_is_reported_once(
    three_months: Cli, db_url: str
) -> None:
    filnavn, linje, verdi = published_cell(db_url, "2014-04-01", 4, "Opplæring", "antall", "Menn")
    with psycopg.connect(db_url) as conn:
        changed = conn.execute(
            "update tiltak.publisert_celle as p set verdi = verdi + 1"
            " from tiltak.innlesing as i"
            " where i.innlesing_id = p.innlesing_id and i.periode = '2014-04-01'"
            " and i.erstattet is null and p.linje = %s and p.kolonne = 'antall'",
            (linje,),
        ).rowcount
    assert changed == 1
    result = three_months.tiltak("verify")
    assert result.exit_code == 1
    mismatches = [line for line in result.stdout.splitlines() if line.startswith("Mismatch")]
    assert mismatches == [
        f"Mismatch: 2014-04 table 4 Menn row 'Opplæring' column antall ({filnavn} line {linje}):"
        f" published {verdi + 1}, views {verdi}"
    ]
    found = summary(result.stdout)
    assert (found["periods"], found["months"], found["mismatches"]) == (
        "3", "2014-03, 2014-04, 2014-05", "1",
    )  # fmt: skip
    # The other months alone are whole; the corrupted one alone fails with the same line.
    assert three_months.tiltak("verify", "-p", "2014-03", "-p", "2014-05").exit_code == 0
    alone = three_months.tiltak("verify", "--period", "2014-04")
    assert alone.exit_code == 1
    assert [line for line in alone.stdout.splitlines() if line.startswith("Mismatch")] == (
        mismatches
    )


def test_many_mismatches_in_several_months_are_all_reported_in_month_order(
    three_months: Cli, db_url: str
) -> None:
    with psycopg.connect(db_url) as conn:
        # Every figure of table 1 in March and May off by one.
        figures = conn.execute(
            "update tiltak.publisert_celle as p set verdi = verdi + 1"
            " from tiltak.innlesing as i"
            " where i.innlesing_id = p.innlesing_id and i.erstattet is null"
            " and i.periode in ('2014-03-01', '2014-05-01') and p.tabell = 1"
            " and p.verdi is not null"
        ).rowcount
        # April: table 3's total row published as a row the views do not have.
        renamed = conn.execute(
            "update tiltak.publisert_celle as p set rad = 'Ingen slik rad'"
            " from tiltak.innlesing as i"
            " where i.innlesing_id = p.innlesing_id and i.erstattet is null"
            " and i.periode = '2014-04-01' and p.tabell = 3 and p.rad = 'I alt'"
        ).rowcount
    assert figures > 6 and renamed == 3
    result = three_months.tiltak("verify", "--json")
    assert result.exit_code == 1
    record = json.loads(result.stdout)
    mismatches: list[str] = record["mismatches"]
    months = [line[:7] for line in mismatches]
    assert months == sorted(months)
    table_1 = [m for m in mismatches if re.match(r"2014-0[35] table 1 row '[^']+' column \w+ ", m)]
    assert len(table_1) == figures
    assert all(re.search(r": published (-?\d+), views (-?\d+)$", m) for m in table_1)
    for line in table_1:
        published, views = re.findall(r"-?\d+", line.rsplit(": ", 1)[1])
        assert int(published) == int(views) + 1
    april = [m for m in mismatches if m.startswith("2014-04")]
    assert [m.split(": ", 1)[0].split(" (")[0] for m in april] == [
        "2014-04 table 3 row 'Ingen slik rad' column antall",
        "2014-04 table 3 row 'Ingen slik rad' column endring_antall",
        "2014-04 table 3 row 'Ingen slik rad' column endring_prosent",
        "2014-04 table 3 row 'I alt'",
    ]
    assert all(m.endswith("no such view row") for m in april[:3])
    assert april[3].endswith("in the views but not in the published report")
    assert len(mismatches) == figures + 4
