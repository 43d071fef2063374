"""`tiltak verify` and `tiltak periods`: stored published cells against the views."""

from __future__ import annotations

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
