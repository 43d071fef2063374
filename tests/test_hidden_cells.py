"""Hidden cells and editions without kjønn: NAV's newer editions hide every count from 1 to 3
as `*`, print the sums in full, and some carry only tables 1, 3 and 5. What was published
loads, hidden cells come back NULL, and nothing is invented; a report whose hidden cells
cannot hold a count from 1 to 3 is refused with the database unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from conftest import ROOT, Cli, table_checksums
from mutations import (
    EXAMPLE,
    LINES,
    ORIGINAL,
    Edit,
    cell,
    edited,
    hide_small_counts,
    pages_of,
    row,
    scratch_database,
)
from published import HIDDEN, mismatches, read_publication
from synthetic import plan_and_upgrade, versions_dir
from tiltak.commands import load_reports

__all__ = ["versions_dir"]  # a fixture

MARCH_2024 = ROOT / "examples" / "2024-03-tiltak.txt"
SUMMARY = "Error: 1 of 1 report(s) refused; nothing written for those"


# March 2014 as NAV's newer editions print it: every 1-3 in tiltak rows of tables 5 and 6 `*`.
newer_edition = hide_small_counts(5, 6)


def write(tmp_path: Path, *edits: Edit, name: str = "2014-03.txt") -> Path:
    path = tmp_path / name
    path.write_text(edited(*edits), encoding="utf-8")
    return path


def hidden_cells(path: Path) -> int:
    publication = read_publication(path)
    return sum(
        1
        for block in publication.blocks.values()
        for _label, cells in block.rows
        for c in cells
        if c.strip().removeprefix("<b>").removesuffix("</b>").strip() in HIDDEN
    )


def test_the_newer_edition_of_march_2014_loads_with_every_hidden_cell_null(
    cli: Cli, db_url: str, tmp_path: Path
) -> None:
    path = write(tmp_path, newer_edition)
    hidden = hidden_cells(path)
    assert hidden > 10  # the edit did hide cells: 1-3 are common in the small tiltak
    result = cli.load_report(path)
    assert result.exit_code == 0, result.output
    # Cell by cell: hidden cells NULL, every other of the 597 figures as printed.
    publication = read_publication(path)
    assert publication.figures() == 597
    assert mismatches(db_url, publication) == []
    with psycopg.connect(db_url) as conn:
        stored = conn.execute(
            "select count(*) filter (where antall is null), count(*) filter (where prikket)"
            " from rapport.deltakere"
        ).fetchone()
    finest = hidden_cells_of_table_6()
    assert stored == (finest, finest)

    verified = cli.tiltak("verify")
    assert verified.exit_code == 0, verified.output
    assert f"0 blank, {hidden} hidden)" not in verified.stdout  # blanks stay blanks
    assert f", {hidden} hidden), 0 mismatch(es)" in verified.stdout


def test_a_hidden_cell_one_sum_determines_is_noted_on_load_and_in_verify(
    cli: Cli, tmp_path: Path
) -> None:
    # Mentor (Kvinner): 32 = * + 4 + 25, so the hidden cell is 3 by subtraction.
    mentor = row("Mentor", 6, "Kvinner")
    path = write(tmp_path, cell(mentor, 2, "*"))
    loaded = cli.load_report(path)
    assert loaded.exit_code == 0, loaded.output
    notes = [line for line in loaded.stdout.splitlines() if line.startswith("Note: ")]
    assert len(notes) == 1, loaded.stdout
    assert notes[0].startswith(f"Note: {path}:{mentor}: table 6 (Kvinner), row 'Mentor'")
    assert "recoverable by subtraction" in notes[0]
    assert " 3" not in notes[0].split("rule")[0]  # the value is not printed
    verified = cli.tiltak("verify")
    assert verified.exit_code == 0, verified.output
    assert sum(line.startswith("Note: 2014-03 table 6 (Kvinner), row 'Mentor'")
               for line in verified.stdout.splitlines()) == 1  # fmt: skip


def test_a_marker_without_bound_may_hide_a_large_count_where_star_may_not(
    cli: Cli, db_url: str, tmp_path: Path
) -> None:
    mentor = row("Mentor", 6, "Kvinner")  # Nedsatt arbeidsevne: 25
    assert cli.load_report(write(tmp_path, cell(mentor, 4, "*"))).exit_code == 1
    result = cli.load_report(write(tmp_path, cell(mentor, 4, ".."), name="dots.txt"))
    assert result.exit_code == 0, result.output
    with psycopg.connect(db_url) as conn:
        shown = conn.execute(
            "select nedsatt_arbeidsevne, i_alt from rapport.tiltak_hovedgrupper_kjonn"
            " where kjonn = 'Kvinner' and rad = 'Mentor'"
        ).fetchone()
    assert shown == (None, 32)


def test_a_small_group_sum_may_be_hidden_too(cli: Cli, db_url: str, tmp_path: Path) -> None:
    # Jobbskaping og egenetablering (Kvinner), Andre: 1, hidden in its tiltak row as well.
    group_sum = row("I alt jobbskaping og egenetablering", 6, "Kvinner")
    path = write(tmp_path, newer_edition, cell(group_sum, 2, "*"))
    result = cli.load_report(path)
    assert result.exit_code == 0, result.output
    assert mismatches(db_url, read_publication(path)) == []


def test_the_text_rendering_prints_hidden_cells_and_loads_back(
    cli: Cli, tmp_path: Path, server_url: str, template_name: str
) -> None:
    path = write(tmp_path, newer_edition)
    assert cli.load_report(path).exit_code == 0
    rendered = cli.tiltak("render", "--period", "2014-03")
    assert rendered.exit_code == 0, rendered.output
    again = tmp_path / "rendered.txt"
    again.write_text(rendered.stdout, encoding="utf-8")
    assert hidden_cells(again) == hidden_cells(path)
    with scratch_database(server_url, template_name) as other:
        load_reports([again], other)
        assert mismatches(other, read_publication(path)) == []


def test_march_2024_loads_beside_march_2014_after_its_categories(
    cli: Cli, db_url: str, versions_dir: Path
) -> None:
    assert cli.load_report(EXAMPLE).exit_code == 0
    march_2014 = cli.tiltak("render", "--period", "2014-03")
    assert cli.load_report(MARCH_2024).exit_code == 1  # its 2024 tiltak are unknown yet
    assert plan_and_upgrade(cli, MARCH_2024) is not None
    loaded = cli.load_report(MARCH_2024)
    assert loaded.exit_code == 0, loaded.output
    assert mismatches(db_url, read_publication(MARCH_2024)) == []
    assert mismatches(db_url, read_publication(EXAMPLE)) == []
    assert cli.tiltak("render", "--period", "2014-03").stdout == march_2014.stdout
    verified = cli.tiltak("verify")
    assert verified.exit_code == 0, verified.output
    with psycopg.connect(db_url) as conn:
        by_kjonn = conn.execute(
            "select (select count(*) from rapport.hovedgrupper_kjonn where periode = %(p)s)"
            " + (select count(*) from rapport.tiltaksgrupper_kjonn where periode = %(p)s)"
            " + (select count(*) from rapport.tiltak_hovedgrupper_kjonn where periode = %(p)s)",
            {"p": "2024-03-01"},
        ).fetchone()
        kjonn = conn.execute(
            "select distinct kjonn from rapport.deltakere where periode = '2024-03-01'"
        ).fetchall()
    assert by_kjonn == (0,)
    assert kjonn == [(None,)]


# -- refused, with the database unchanged ----------------------------------------------------


def refused(url: str, path: Path) -> list[tuple[int, str]]:
    before = table_checksums(url)
    result = Cli(url).load_report(path)
    assert result.exit_code == 1, result.output
    *lines, summary = result.stderr.splitlines()
    assert summary == SUMMARY, result.stderr
    found = []
    for line in lines:
        match = re.fullmatch(rf"Error: {re.escape(str(path))}:(\d+): (\S.*)", line)
        assert match, line
        found.append((int(match[1]), match[2]))
    assert table_checksums(url) == before
    return found


def _row_line(name: str, kjonn: str = "Kvinner") -> int:
    return row(name, 6, kjonn)


# (case, edits, line the refusal names, words of its reason)
BOUNDS: list[tuple[str, list[Edit], str, str]] = [
    (
        "a hidden cell that would have to be 0",  # blank in the original
        [cell(_row_line("Resultatbasert finansiering"), 2, "*")],
        "Resultatbasert finansiering",
        "leaves 0 for 1 hidden cell(s)",
    ),
    (
        "a hidden cell that would have to be 4",
        [cell(_row_line("Mentor"), 3, "*")],
        "Mentor",
        "leaves 4 for 1 hidden cell(s)",
    ),
    (
        "a hidden cell that would have to be negative",
        [newer_edition, cell(_row_line("Egenetablering"), 1, "70")],  # 70 = * + 31 + 40
        "Egenetablering",
        "leaves -1 for 1 hidden cell(s)",
    ),
    (
        "a sum too small for its hidden parts",
        [newer_edition, cell(_row_line("Avklaring i skjermet virksomhet"), 1, "1 181")],
        "Avklaring i skjermet virksomhet",
        "leaves 1 for 2 hidden cell(s)",
    ),
    (
        "a sum too large for its hidden parts",
        [newer_edition, cell(_row_line("Avklaring i skjermet virksomhet"), 1, "1 190")],
        "Avklaring i skjermet virksomhet",
        "leaves 10 for 2 hidden cell(s)",
    ),
    (
        "a hidden sum cell out of bounds",
        [cell(_row_line("I alt arbeidsrettet rehabilitering"), 2, "*")],
        "I alt arbeidsrettet rehabilitering",
        "the sum is hidden (*: 1 to 3), but its parts hold 200 to 200",
    ),
]


@pytest.mark.parametrize(
    ("edits", "where", "reason"), [c[1:] for c in BOUNDS], ids=[c[0] for c in BOUNDS]
)
def test_hidden_cells_out_of_bounds_are_refused(
    edits: list[Edit], where: str, reason: str, loaded_url: str, tmp_path: Path
) -> None:
    path = write(tmp_path, *edits)
    found = refused(loaded_url, path)
    line = _row_line(where)
    assert any(n == line and reason in text for n, text in found), found
    assert any("hidden" in text for _n, text in found)


def _without_table(text: str, heading: str) -> str:
    pages_kept = [p for p in text.split("\n# ") if f"## {heading}\n" not in p]
    return "\n# ".join(pages_kept)


@pytest.mark.parametrize(
    ("source", "heading", "reason"),
    [
        (MARCH_2024, "Tiltak og hovedgrupper", "table 5 'Tiltak og hovedgrupper' is missing"),
        (EXAMPLE, "Tiltak, hovedgrupper og kjønn", "table 6 'Tiltak, hovedgrupper og kjønn'"),
    ],
    ids=["no-kjønn shape without table 5", "full shape without table 6"],
)
def test_a_shape_without_its_finest_table_is_refused(
    source: Path, heading: str, reason: str, loaded_url: str, tmp_path: Path
) -> None:
    text = ORIGINAL if source == EXAMPLE else source.read_text(encoding="utf-8")
    path = tmp_path / source.name
    path.write_text(_without_table(text, heading), encoding="utf-8")
    assert f"## {heading}\n" not in path.read_text(encoding="utf-8")
    found = refused(loaded_url, path)
    assert any(reason in text for _n, text in found), found


def test_every_rendering_shows_hidden_cells_distinctly_with_a_legend(
    cli: Cli, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    path = write(tmp_path, newer_edition)
    assert cli.load_report(path).exit_code == 0
    hidden = hidden_cells(path)
    csv_text = cli.tiltak("render", "-p", "2014-03", "-f", "csv").stdout
    assert sum(line.endswith(",*") for line in csv_text.splitlines()) == hidden
    html = cli.tiltak("render", "-p", "2014-03", "-f", "html").stdout
    assert html.count('<td class="tall prikket" title="Prikket">*</td>') == hidden
    assert "<p>* Prikket: tallet er skjult" in html
    target = tmp_path / "2014-03.xlsx"
    assert cli.tiltak("render", "-p", "2014-03", "-f", "xlsx", "-o", str(target)).exit_code == 0
    workbook = load_workbook(target)
    values = [c.value for sheet in workbook for r in sheet.iter_rows() for c in r]
    assert values.count("*") == hidden
    assert sum(str(v).startswith("* Prikket") for v in values) == 2  # the sheets of 5 and 6


def test_json_stat_marks_hidden_values_with_a_status(cli: Cli, tmp_path: Path) -> None:
    import json

    path = write(tmp_path, newer_edition)
    assert cli.load_report(path).exit_code == 0
    exported = cli.tiltak("export", "--format", "json-stat")
    assert exported.exit_code == 0, exported.output
    dataset = json.loads(exported.stdout)
    status = dataset["status"]
    # Every printed figure is a cell of the cube; the hidden ones of tables 5 and 6 are
    # cells of their own (the sums over them are printed).
    assert len(status) == hidden_cells(path) > hidden_cells_of_table_6()
    assert all(dataset["value"][int(index)] is None and s == "*" for index, s in status.items())


def hidden_cells_of_table_6() -> int:
    return sum(
        1
        for page in pages_of(6)
        for n in range(page.first, page.last + 1)
        if "\t" in LINES[n - 1] and not LINES[n - 1].startswith(("\t", "<b>"))
        for c in LINES[n - 1].split("\t")[2:]
        if c.strip() in ("1", "2", "3")
    )
