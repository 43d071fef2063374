"""`tiltak export --format json-stat`: rapport.deltakere as a JSON-stat 2.0 dataset."""

from __future__ import annotations

import json
from math import prod
from pathlib import Path

import psycopg
import pytest

from conftest import EXAMPLE, Cli
from published import alias_map, canonical, number, read_publication


@pytest.fixture
def loaded(cli: Cli) -> Cli:
    result = cli.load_report(EXAMPLE)
    assert result.exit_code == 0, result.output
    return cli


def value_at(dataset: dict[str, object], **categories: str) -> object:
    """The value of one cell, located as JSON-stat 2.0 specifies (row-major over `id`)."""
    ids, sizes = dataset["id"], dataset["size"]
    assert isinstance(ids, list) and isinstance(sizes, list)
    dimensions = dataset["dimension"]
    assert isinstance(dimensions, dict)
    position = 0
    for dim, size in zip(ids, sizes, strict=True):
        index = dimensions[dim]["category"]["index"]
        at = index.index(categories[dim]) if isinstance(index, list) else index[categories[dim]]
        position = position * size + at
    values = dataset["value"]
    assert isinstance(values, list)
    return values[position]


def test_json_stat_holds_every_row_of_rapport_deltakere(loaded: Cli, db_url: str) -> None:
    result = loaded.tiltak("export", "--period", "2014-03", "--format", "json-stat")
    assert result.exit_code == 0, result.output
    dataset = json.loads(result.stdout)
    assert dataset["version"] == "2.0" and dataset["class"] == "dataset"
    assert dataset["id"] == ["periode", "kjonn", "hovedgruppe", "tiltaksgruppe", "tiltak"]
    assert dataset["size"] == [1, 2, 3, 10, 36]
    assert len(dataset["value"]) == prod(dataset["size"])
    assert dataset["role"]["time"] == ["periode"]
    dimensions = dataset["dimension"]
    assert dimensions["periode"]["category"]["label"] == {"2014-03": "Mars 2014"}
    assert dimensions["kjonn"]["label"] == "kjønn"
    for dim in dataset["id"]:
        category = dimensions[dim]["category"]
        assert set(category["label"]) == set(category["index"])
    assert dimensions["hovedgruppe"]["category"]["index"] == [
        "Arbeidssøkere på tiltak", "Nedsatt arbeidsevne, på tiltak", "Andre på tiltak",
    ]  # fmt: skip
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select kjonn, hovedgruppe, tiltaksgruppe, tiltak, antall from rapport.deltakere"
        ).fetchall()
    assert len(rows) == 216
    for kjonn, hovedgruppe, tiltaksgruppe, tiltak, antall in rows:
        cell = value_at(
            dataset, periode="2014-03", kjonn=kjonn, hovedgruppe=hovedgruppe,
            tiltaksgruppe=tiltaksgruppe, tiltak=tiltak,
        )  # fmt: skip
        assert cell == antall
    # Every other cell is a tiltak outside its tiltaksgruppe: null, not 0.
    assert sum(v is not None for v in dataset["value"]) == len(rows)


def test_json_stat_sums_to_the_published_figures(loaded: Cli, db_url: str) -> None:
    dataset = json.loads(loaded.tiltak("export", "-p", "2014-03").stdout)
    publication = read_publication(EXAMPLE)
    assert sum(v for v in dataset["value"] if v) == number(
        publication.blocks[1, None].rows[0][1][0]
    )
    # Table 6 row by row: I alt of each tiltak and kjønn is the sum over hovedgrupper.
    aliases = alias_map(db_url)
    tiltak = dataset["dimension"]["tiltak"]["category"]["index"]
    groups = dataset["dimension"]["tiltaksgruppe"]["category"]["index"]
    hovedgrupper = dataset["dimension"]["hovedgruppe"]["category"]["index"]
    checked = 0
    for kjonn in ("Kvinner", "Menn"):
        for label, cells in publication.blocks[6, kjonn].rows:
            name = canonical(label, aliases)
            if name not in tiltak:
                continue  # a sum row
            found = [
                value_at(dataset, periode="2014-03", kjonn=kjonn, hovedgruppe=h,
                         tiltaksgruppe=g, tiltak=name)
                for h in hovedgrupper for g in groups
            ]  # fmt: skip
            assert sum(v for v in found if v) == (number(cells[0]) or 0), (kjonn, name)
            checked += 1
    assert checked == 72


def test_export_without_period_covers_every_loaded_month(loaded: Cli, tmp_path: Path) -> None:
    rendered = tmp_path / "rendered.txt"
    assert loaded.tiltak("render", "-p", "2014-03", "-o", str(rendered)).exit_code == 0
    earlier = tmp_path / "2013-03.txt"
    earlier.write_text(rendered.read_text(encoding="utf-8").replace("Mars 2014", "Mars 2013"))
    assert loaded.load_report(earlier).exit_code == 0
    target = tmp_path / "all.json"
    assert loaded.tiltak("export", "--output", str(target)).exit_code == 0
    dataset = json.loads(target.read_text(encoding="utf-8"))
    assert dataset["dimension"]["periode"]["category"]["index"] == ["2013-03", "2014-03"]
    assert dataset["size"][0] == 2
    values = dataset["value"]
    half = len(values) // 2
    assert values[:half] == values[half:]  # the 2013 copy has the same counts


def test_unknown_export_format_is_an_error(loaded: Cli) -> None:
    result = loaded.tiltak("export", "--format", "sdmx")
    assert result.exit_code == 2  # a usage error
    assert result.stderr.splitlines()[-1].startswith("Error: Invalid value for '--format' / '-f'")
    assert "'sdmx' is not one of 'json-stat'" in result.stderr
