"""Many months: generated histories load in any order and every month keeps its own figures."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from conftest import EXAMPLE, Cli
from published import mismatches, read_publication
from synthetic import (
    implied_last_year,
    notes,
    plan_and_upgrade,
    published_counts,
    revised,
    versions_dir,
    write_history,
)
from tiltak import synth
from tiltak.model import ReportData

__all__ = ["versions_dir"]  # a fixture


def _load(cli: Cli, paths: list[Path]) -> None:
    result = cli.load_report(*paths)
    assert result.exit_code == 0, result.stderr[-3000:]


def _reproduced(url: str, paths: list[Path]) -> dict[str, list[str]]:
    found = {path.name: mismatches(url, read_publication(path)) for path in paths}
    return {name: problems for name, problems in found.items() if problems}


@pytest.mark.slow
def test_ten_years_in_shuffled_order_reproduce_every_published_figure(
    cli: Cli, db_url: str, tmp_path: Path, versions_dir: Path
) -> None:
    reports = write_history(
        tmp_path / "reports", 121, seed=2024, changes=synth.NAV_CHANGES, revision_rate=0.2
    )
    assert min(reports) == date(2014, 3, 1) and max(reports) == date(2024, 3, 1)
    # The categories first, in the order NAV changed them; the 2021 change only ends tiltak,
    # which needs no revision.
    written = [plan_and_upgrade(cli, reports[change.periode]) for change in synth.NAV_CHANGES]
    assert [path is not None for path in written] == [True, True, True, True, False]
    assert {path.parent for path in written if path} == {versions_dir}
    shuffled = sorted(reports.values())
    random.Random(7).shuffle(shuffled)
    _load(cli, shuffled)

    assert _reproduced(db_url, shuffled) == {}
    verified = cli.tiltak("verify")
    assert verified.exit_code == 0, verified.output[-3000:]
    assert verified.stdout.splitlines()[-1].startswith("121 period(s)")
    expected = revised(reports)
    assert len(expected) >= 10  # the history revises some of last year's counts
    assert notes(verified.stdout) == expected


def test_months_load_in_any_order_with_gaps(cli: Cli, db_url: str, tmp_path: Path) -> None:
    reports = write_history(tmp_path, 30, seed=11)
    months = sorted(reports)
    first = months[::-3]  # later before earlier, two months missing between them
    _load(cli, [reports[m] for m in first])
    assert _reproduced(db_url, [reports[m] for m in first]) == {}
    with psycopg.connect(db_url) as conn:
        shown = conn.execute("select distinct periode from rapport.hovedgrupper").fetchall()
    assert sorted(row[0] for row in shown) == sorted(first)

    rest = [m for m in months if m not in first]
    random.Random(3).shuffle(rest)
    _load(cli, [reports[m] for m in rest])
    assert _reproduced(db_url, list(reports.values())) == {}


@pytest.mark.parametrize("later_first", [False, True], ids=["earlier-first", "later-first"])
def test_a_revised_last_year_keeps_both_months_reproducing(
    cli: Cli, db_url: str, tmp_path: Path, later_first: bool
) -> None:
    # March 2015, evolved from the shipped March 2014, compares with March 2014 as printed...
    march = list(synth.history(13, seed=5, first=synth.seed_month(EXAMPLE)))[-1]
    assert march.periode == date(2015, 3, 1)
    # (The shipped edition misprints Lønnstilskudd as Lønnskudd in table 4, Menn.)
    printed_2014 = {
        (kjonn, "Lønnstilskudd" if label == "Lønnskudd" else label): count
        for (kjonn, label), count in published_counts(read_publication(EXAMPLE)).items()
    }
    unrevised = tmp_path / "unrevised.txt"
    unrevised.write_text(march.text(), encoding="utf-8")
    assert implied_last_year(read_publication(unrevised)) == printed_2014
    # ... until NAV revises five women in Oppfølging, job seekers, of March 2014.
    march.data.fjor_tiltaksgruppe["Kvinner", "Oppfølging"] += 5
    march.data.fjor_hovedgruppe["Kvinner", "Arbeidssøkere på tiltak"] += 5
    report = tmp_path / "2015-03.txt"
    report.write_text(march.text(), encoding="utf-8")

    _load(cli, [report, EXAMPLE] if later_first else [EXAMPLE, report])
    assert _reproduced(db_url, [EXAMPLE, report]) == {}
    verified = cli.tiltak("verify")
    assert verified.exit_code == 0, verified.output
    assert notes(verified.stdout) == {
        ("2014-03", "Oppfølging", "Kvinner"),
        ("2014-03", "Arbeidssøkere på tiltak", "Kvinner"),
    }
    for line in verified.stdout.splitlines():
        if line.startswith("Note: ") and "Oppfølging" in line:
            before = printed_2014["Kvinner", "Oppfølging"]
            assert str(before) in line and str(before + 5) in line, line


def test_an_absent_tiltak_has_no_rows_and_a_blank_row_is_zeros(
    cli: Cli, db_url: str, tmp_path: Path
) -> None:
    seed = synth.seed_month(EXAMPLE)
    april = date(2014, 4, 1)
    shape = tuple(
        (group, tuple(t for t in members if t != "Mentor"))
        for group, members in synth.hierarchy_of(seed.catalog)
    )
    counts = {
        cell: 0 if cell[1] == "Resultatbasert finansiering" else count
        for cell, count in seed.data.counts.items()
        if cell[1] != "Mentor"
    }
    data = ReportData(
        april, counts, dict(seed.data.fjor_hovedgruppe), dict(seed.data.fjor_tiltaksgruppe)
    )
    report = tmp_path / "2014-04.txt"
    report.write_text(
        synth.report_text(synth.make_catalog(april, shape, seed.catalog.hovedgrupper), data),
        encoding="utf-8",
    )
    text = report.read_text(encoding="utf-8")
    assert "Mentor" not in text
    assert text.count("\nResultatbasert finansiering\t\t\t\t\n") == 3  # tables 5, 6 K, 6 M

    _load(cli, [EXAMPLE, report])
    assert _reproduced(db_url, [EXAMPLE, report]) == {}
    with psycopg.connect(db_url) as conn:
        for view in ("tiltak_hovedgrupper", "tiltak_hovedgrupper_kjonn"):
            query = sql.SQL(
                "select periode, rad, i_alt, andre, arbeidssokere, nedsatt_arbeidsevne"
                " from {} where rad in ('Mentor', 'Resultatbasert finansiering')"
            ).format(sql.Identifier("rapport", view))
            rows = conn.execute(query).fetchall()
            in_april = [r for r in rows if r[0] == april]
            assert [r[1] for r in in_april] == ["Resultatbasert finansiering"] * len(in_april)
            assert in_april and all(r[2:] == (0, 0, 0, 0) for r in in_april)
            assert {r[1] for r in rows if r[0] == date(2014, 3, 1)} == {
                "Mentor",
                "Resultatbasert finansiering",
            }
        cells = conn.execute(
            "select tiltak, antall from rapport.deltakere where periode = %s"
            " and tiltak in ('Mentor', 'Resultatbasert finansiering')",
            (april,),
        ).fetchall()
    assert cells == [("Resultatbasert finansiering", 0)] * 6  # 2 kjønn × 3 hovedgrupper


def test_the_generator_is_deterministic_and_pages_like_the_publication(tmp_path: Path) -> None:
    first = synth.seed_month(EXAMPLE)
    runs = [
        synth.write_history(tmp_path / name, months=24, seed=seed, first=first)
        for name, seed in (("a", 3), ("b", 3), ("c", 4))
    ]
    contents = [[path.read_bytes() for path in run] for run in runs]
    assert contents[0] == contents[1]
    assert contents[0][0] == contents[2][0]  # March 2014 itself, then they part
    assert all(a != c for a, c in zip(contents[0][1:], contents[2][1:], strict=True))

    # Paged as the shipped edition: as many pages, and each continued page of tables 5
    # and 6 repeats the header and the grand total of its first.
    generated = runs[0][0].read_text(encoding="utf-8")
    shipped = EXAMPLE.read_text(encoding="utf-8")
    for heading in ("## Tiltak og hovedgrupper\n", "## Tiltak, hovedgrupper og kjønn\n"):
        assert generated.count(heading) == shipped.count(heading)
    pages = [page for page in generated.split("\n# ") if "## Tiltak og hovedgrupper" in page]
    assert len(pages) == 3
    assert len({_first_row(page) for page in pages}) == 1
    # The first month has the shipped edition's figures, cell for cell.
    ours, theirs = read_publication(runs[0][0]), read_publication(EXAMPLE)
    assert ours.blocks.keys() == theirs.blocks.keys()
    for key, block in theirs.blocks.items():
        assert [cells for _label, cells in ours.blocks[key].rows] == [c for _l, c in block.rows]


def _first_row(page: str) -> str:
    lines = page.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("\t"))
    return lines[header + 1]


def test_tiltak_synth_writes_loadable_reports(cli: Cli, db_url: str, tmp_path: Path) -> None:
    result = cli.tiltak("synth", str(tmp_path), "--months", "3", "--seed", "9")
    assert result.exit_code == 0, result.output
    written = sorted(tmp_path.glob("*.txt"))
    assert [p.name for p in written] == ["2014-03.txt", "2014-04.txt", "2014-05.txt"]
    _load(cli, written)
    assert _reproduced(db_url, written) == {}
