"""`tiltak export --format json-stat`: every published figure as a JSON-stat 2.0 cube, read
back with pyjstat, a JSON-stat reader from PyPI, and compared with the reports cell by cell."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pyjstat import pyjstat

from conftest import EXAMPLE, Cli
from mutations import ORIGINAL, edited, pages, with_month
from published import Publication, alias_map, canonical, is_hidden, number, read_publication

HOVEDGRUPPE_COLUMNS = {
    "i_alt": "I alt",
    "arbeidssokere": "Arbeidssøkere på tiltak",
    "nedsatt_arbeidsevne": "Nedsatt arbeidsevne, på tiltak",
    "andre": "Andre på tiltak",
}
COUNT_COLUMNS = ("antall", *HOVEDGRUPPE_COLUMNS)
# pyjstat's own dataframe writer calls a function of its own it has deprecated; not ours.
pytestmark = pytest.mark.filterwarnings("ignore:Shouldn't use this function:DeprecationWarning")
Cell = tuple[str, str, str, str]  # (periode, kjønn, hovedgruppe, tiltak) by label
MONTHS = ("Januar", "Februar", "Mars", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Desember")  # fmt: skip


def hide_small_tiltak_counts(lines: list[str]) -> None:
    """Counts from 1 to 3 in the tiltak rows of tables 5 and 6 as `*` (NAV's newer editions)."""
    for page in pages():
        if page.table not in (5, 6):
            continue
        for n in range(page.first, page.last + 1):
            line = lines[n - 1]
            if "\t" in line and not line.startswith(("\t", "<b>")):
                label, *cells = line.split("\t")
                hidden = ["*" if c.strip() in ("1", "2", "3") else c for c in cells]
                lines[n - 1] = "\t".join([label, *hidden])


@pytest.fixture
def two_months(cli: Cli, tmp_path: Path) -> list[Path]:
    """March 2014 as published, and March 2013 with NAV's hidden small counts."""
    hidden = tmp_path / "2013-03.txt"
    hidden.write_text(with_month(edited(hide_small_tiltak_counts), "Mars 2013"), encoding="utf-8")
    for path in (hidden, EXAMPLE):
        result = cli.load_report(path)
        assert result.exit_code == 0, result.output
    return [hidden, EXAMPLE]


def export(cli: Cli, *options: str) -> str:
    result = cli.tiltak("export", "--format", "json-stat", *options)
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def published_cells(publication: Publication, aliases: dict[str, str]) -> dict[Cell, int | None]:
    """Every count the report prints (Endring left out), by the labels of the cube's
    categories; None where hidden, 0 where blank."""
    year, month = int(publication.periode[:4]), int(publication.periode[5:7])
    periode = f"{MONTHS[month - 1]} {year}"
    cells: dict[Cell, int | None] = {}
    for (table, kjonn), block in publication.blocks.items():
        for label, raw in block.rows:
            row = canonical(label, aliases)
            for column, text in zip(block.columns, raw, strict=True):
                if column not in COUNT_COLUMNS:
                    continue
                hovedgruppe = HOVEDGRUPPE_COLUMNS.get(column, "I alt")
                if row in ("I alt", f"I alt {(kjonn or '').lower()}"):
                    tiltak = "I alt"
                elif table in (1, 2):
                    hovedgruppe, tiltak = row, "I alt"
                elif table in (3, 4):
                    tiltak = f"I alt {row.lower()}"  # a tiltaksgruppe: as 5 and 6 label it
                else:
                    tiltak = row
                value = None if is_hidden(text) else (number(text) or 0)
                key = (periode, kjonn or "I alt", hovedgruppe, tiltak)
                assert cells.get(key, value) == value, key  # printed twice, the same both times
                cells[key] = value
    return cells


def test_every_published_count_is_one_cell_read_back_by_pyjstat(
    cli: Cli, db_url: str, two_months: list[Path]
) -> None:
    text = export(cli)
    frame = pyjstat.Dataset.read(text).write("dataframe")
    assert list(frame.columns) == [
        "periode", "kjønn", "hovedgruppe", "tiltaksgruppe og tiltak", "statistikkvariabel",
        "value",
    ]  # fmt: skip
    assert set(frame["statistikkvariabel"]) == {"Deltakere"}
    cube: dict[Cell, Any] = {(r[0], r[1], r[2], r[3]): r[5] for r in frame.itertuples(index=False)}
    assert len(cube) == len(frame)  # every label is one category: no two share a label
    aliases = alias_map(db_url)
    expected: dict[Cell, int | None] = {}
    for path in two_months:
        expected |= published_cells(read_publication(path), aliases)
    assert len(expected) > 1000
    for key, value in expected.items():
        found = cube[key]
        assert math.isnan(found) if value is None else found == value, (key, found, value)
    # Beyond the printed figures only nulls: no cell is made up.
    extra = [v for k, v in cube.items() if k not in expected and not math.isnan(v)]
    assert extra == []


def test_hidden_figures_are_null_with_a_status(cli: Cli, two_months: list[Path]) -> None:
    dataset = json.loads(export(cli))
    hidden = [
        c for b in read_publication(two_months[0]).blocks.values() for _, r in b.rows for c in r
        if is_hidden(c)
    ]  # fmt: skip
    assert len(hidden) > 10
    status = dataset["status"]
    # Each hidden figure of the 2013 copy is a cell of its own (the sums are printed).
    assert len(status) == len(hidden)
    assert set(status.values()) == {"*"}
    assert all(dataset["value"][int(index)] is None for index in status)
    periods = dataset["dimension"]["periode"]["category"]["index"]
    per_month = len(dataset["value"]) // len(periods)
    assert {int(index) // per_month for index in status} == {periods.index("2013-03")}


def test_codes_roles_unit_and_the_tiltak_hierarchy(cli: Cli, db_url: str) -> None:
    assert cli.load_report(EXAMPLE).exit_code == 0
    dataset = json.loads(export(cli, "--period", "2014-03"))
    assert dataset["version"] == "2.0" and dataset["class"] == "dataset"
    assert dataset["id"] == ["periode", "kjonn", "hovedgruppe", "tiltak", "ContentsCode"]
    assert dataset["role"] == {"time": ["periode"], "metric": ["ContentsCode"]}
    dimension = dataset["dimension"]
    metric = dimension["ContentsCode"]["category"]
    assert metric["index"] == ["deltakere"]
    assert metric["unit"]["deltakere"]["decimals"] == 0
    assert dimension["periode"]["category"]["label"] == {"2014-03": "Mars 2014"}
    assert dimension["kjonn"]["category"]["label"] == {
        "i_alt": "I alt", "kvinner": "Kvinner", "menn": "Menn"
    }  # fmt: skip
    assert dimension["hovedgruppe"]["category"]["label"] == HOVEDGRUPPE_COLUMNS
    assert dimension["hovedgruppe"]["category"]["index"] == list(HOVEDGRUPPE_COLUMNS)

    # The hierarchy as table 5 prints it: each group's tiltak, then its sum row.
    tiltak = dimension["tiltak"]["category"]
    label_of = tiltak["label"]
    aliases = alias_map(db_url)
    printed: dict[str, list[str]] = {}
    members: list[str] = []
    for label, _cells in read_publication(EXAMPLE).blocks[5, None].rows[1:]:
        name = canonical(label, aliases)
        if name.startswith("I alt "):
            printed[name], members = members, []
        else:
            members.append(name)
    child = tiltak["child"]
    assert [label_of[g] for g in child["i_alt"]] == list(printed)
    for group in child["i_alt"]:
        assert [label_of[t] for t in child[group]] == printed[label_of[group]]
    assert set(child) == {"i_alt", *child["i_alt"]}
    assert len(tiltak["index"]) == 1 + len(printed) + sum(map(len, printed.values()))

    # Codes are the database's keys, which a rename (an alias) leaves alone.
    with psycopg.connect(db_url) as conn:
        keys = dict(
            conn.execute(
                "select 'G' || tiltaksgruppe_id, navn from tiltak.tiltaksgruppe"
                " union all select 'T' || tiltak_id, navn from tiltak.tiltak"
            ).fetchall()
        )
    for code in tiltak["index"][1:]:
        name = keys[code]
        assert label_of[code] == (f"I alt {name.lower()}" if code.startswith("G") else name)


def test_export_without_period_covers_every_loaded_month(cli: Cli, tmp_path: Path) -> None:
    earlier = tmp_path / "2013-03.txt"
    earlier.write_text(with_month(ORIGINAL, "Mars 2013"), encoding="utf-8")
    assert cli.load_report(EXAMPLE, earlier).exit_code == 0
    target = tmp_path / "all.json"
    assert cli.tiltak("export", "--output", str(target)).exit_code == 0
    dataset = json.loads(target.read_text(encoding="utf-8"))
    assert dataset["dimension"]["periode"]["category"]["index"] == ["2013-03", "2014-03"]
    assert dataset["size"][0] == 2
    values = dataset["value"]
    half = len(values) // 2
    assert values[:half] == values[half:]  # the 2013 copy has the same counts
    assert json.loads(export(cli, "-p", "2014-03"))["value"] == values[half:]


def test_unknown_export_format_is_an_error(cli: Cli) -> None:
    result = cli.tiltak("export", "--format", "sdmx")
    assert result.exit_code == 2  # a usage error
    assert result.stderr.splitlines()[-1].startswith("Error: Invalid value for '--format' / '-f'")
    assert "'sdmx' is not one of 'json-stat'" in result.stderr
