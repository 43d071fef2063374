"""Output for scripts: `--json` on load-report, periods, verify and db status, and what
`tiltak periods` tells of a history: missing months, each report's shape, its hidden cells."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

from conftest import EXAMPLE, Cli
from mutations import ORIGINAL, edited, hide_small_counts, with_month
from published import is_hidden, read_publication
from tiltak import precompute

KJONN_HEADINGS = (
    "Hovedgrupper og kjønn",
    "Tiltaksgrupper og kjønn",
    "Tiltak, hovedgrupper og kjønn",
)


def json_lines(output: str) -> list[dict[str, Any]]:
    lines = output.splitlines()
    assert lines, "no output"
    return [json.loads(line) for line in lines]


def partial_edition(text: str) -> str:
    """Tables 1, 3 and 5 only: the pages of the tables by kjønn left out."""
    kept = [
        page for page in text.split("\n# ") if not any(f"## {h}\n" in page for h in KJONN_HEADINGS)
    ]
    return "\n# ".join(kept)


def hidden_in(path: Path) -> int:
    publication = read_publication(path)
    return sum(
        is_hidden(c)
        for block in publication.blocks.values()
        for _, cells in block.rows
        for c in cells
    )


@pytest.fixture
def history(cli: Cli, tmp_path: Path) -> dict[str, Path]:
    """2014-03 loaded twice (the full edition, then a partial one with hidden cells), 2014-06
    once, 2014-04 and 2014-05 missing."""
    partial = tmp_path / "2014-03-partial.txt"
    partial.write_text(partial_edition(edited(hide_small_counts(5))), encoding="utf-8")
    june = tmp_path / "2014-06.txt"
    june.write_text(with_month(ORIGINAL, "Juni 2014"), encoding="utf-8")
    for path in (EXAMPLE, partial, june):
        loaded = cli.load_report(path)
        assert loaded.exit_code == 0, loaded.output
    return {"full": EXAMPLE, "partial": partial, "june": june}


def test_periods_shows_missing_months_shapes_and_hidden_cells(
    cli: Cli, history: dict[str, Path]
) -> None:
    hidden = hidden_in(history["partial"])
    assert hidden > 5  # the edit hid cells
    result = cli.tiltak("periods")
    assert result.exit_code == 0, result.output
    header, *rows, summary = result.stdout.splitlines()
    assert header.split() == [
        "periode", "status", "shape", "hidden", "loaded", "replaced", "file", "sha256"
    ]  # fmt: skip
    cells = [row.split() for row in rows]
    assert [c[:4] for c in cells] == [
        ["2014-03", "replaced", "full", "0"],
        ["2014-03", "current", "partial", str(hidden)],
        ["2014-04", "missing"],
        ["2014-05", "missing"],
        ["2014-06", "current", "full", "0"],
    ]
    assert [c[-2] for c in cells if len(c) > 2] == [
        "2014-03.txt",
        "2014-03-partial.txt",
        "2014-06.txt",
    ]
    assert summary == "2 month(s) loaded, 2 missing, 3 load(s)"


def test_periods_json_has_one_object_per_month(
    cli: Cli, db_url: str, history: dict[str, Path]
) -> None:
    result = cli.tiltak("periods", "--json")
    assert result.exit_code == 0, result.output
    months = json_lines(result.stdout)
    assert [(m["periode"], m["status"]) for m in months] == [
        ("2014-03", "loaded"), ("2014-04", "missing"),
        ("2014-05", "missing"), ("2014-06", "loaded"),
    ]  # fmt: skip
    march, april, _may, june = months
    assert (march["file"], march["shape"], march["hidden_cells"]) == (
        "2014-03-partial.txt", "partial", hidden_in(history["partial"])
    )  # fmt: skip
    assert [(load["file"], load["shape"], load["replaced"] is None) for load in march["loads"]] == [
        ("2014-03.txt", "full", False), ("2014-03-partial.txt", "partial", True)
    ]  # fmt: skip
    assert april["loads"] == [] and "file" not in april
    with psycopg.connect(db_url) as conn:
        stored = conn.execute(
            "select sha256, innlest from tiltak.innlesing where filnavn = '2014-06.txt'"
        ).fetchone()
    assert (june["sha256"], june["shape"], june["hidden_cells"]) == (stored[0], "full", 0)
    assert june["loaded"] == stored[1].isoformat()


def test_periods_of_an_empty_database(cli: Cli) -> None:
    text = cli.tiltak("periods")
    assert (text.exit_code, text.stdout) == (0, "no months loaded: run `load-report FILE` first\n")
    scripted = cli.tiltak("periods", "--json")
    assert (scripted.exit_code, scripted.stdout) == (0, "")


def test_load_report_json_has_one_object_per_file(cli: Cli, tmp_path: Path) -> None:
    broken = tmp_path / "2014-05.txt"
    broken.write_text(with_month(ORIGINAL, "Mai 2014").replace("\t", " ", 40), encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_bytes(EXAMPLE.read_bytes().replace(b"\n", b"\r\n"))
    result = cli.load_report("--json", EXAMPLE, broken, EXAMPLE, copy)
    assert result.exit_code == 1
    records = json_lines(result.stdout)
    assert [(r["file"], r["outcome"]) for r in records] == [
        (str(EXAMPLE), "loaded"), (str(broken), "refused"),
        (str(EXAMPLE), "unchanged"), (str(copy), "same figures"),
    ]  # fmt: skip
    loaded, refused, _unchanged, same = records
    assert loaded["periode"] == "2014-03" and loaded["notes"] == []
    with psycopg.connect(cli.url) as conn:
        stored = conn.execute("select count(*) from tiltak.antall").fetchone()
    assert (loaded["counts"], same["counts"]) == (stored[0], 0)
    assert same["current_file"] == EXAMPLE.name  # the month stays loaded from it
    errors = [line for line in result.stderr.splitlines() if line.startswith(f"Error: {broken}:")]
    assert errors and len(errors) == len(refused["problems"])
    for error, problem in zip(errors, refused["problems"], strict=True):
        assert error == f"Error: {broken}:{problem['line']}: {problem['message']}"


def test_verify_json_is_one_object_with_the_counts_and_every_mismatch(
    cli: Cli, db_url: str
) -> None:
    assert cli.load_report(EXAMPLE).exit_code == 0
    good = cli.tiltak("verify", "--json")
    assert good.exit_code == 0, good.output
    (record,) = json_lines(good.stdout)
    text = cli.tiltak("verify").stdout.splitlines()[-1]
    assert text == (
        f"1 period(s) (2014-03), {record['cells']} published cells checked"
        f" ({record['figures']} figures, {record['blank']} blank, {record['hidden']} hidden),"
        " 0 mismatch(es), 0 note(s)"
    )
    assert record["figures"] == read_publication(EXAMPLE).figures()
    assert (record["ok"], record["periods"], record["mismatches"]) == (True, ["2014-03"], [])

    with psycopg.connect(db_url) as conn:
        conn.execute(
            "update tiltak.antall set antall = antall + 7"
            " where tiltak_id = (select tiltak_id from tiltak.tiltak where navn = 'Jobbklubb')"
            " and kjonn_id = (select kjonn_id from tiltak.kjonn where navn = 'Kvinner')"
            " and hovedgruppe_id = (select hovedgruppe_id from tiltak.hovedgruppe"
            "                       where navn = 'Arbeidssøkere på tiltak')"
        )
        # As a load writing these counts would: the stored rows follow them.
        precompute.refresh_all(conn)
    bad = cli.tiltak("verify", "--json")
    assert bad.exit_code == 1
    (record,) = json_lines(bad.stdout)
    assert record["ok"] is False and record["mismatches"]
    assert all(m.startswith("2014-03 table ") for m in record["mismatches"])
    assert bad.stderr.startswith("Error: ")


def test_db_status_json(cli: Cli, empty_db_url: str) -> None:
    (current,) = json_lines(cli.tiltak("db", "status", "--json").stdout)
    assert current["up_to_date"] is True and current["revision"] == current["head"]
    (empty,) = json_lines(Cli(empty_db_url).tiltak("db", "status", "--json").stdout)
    assert (empty["revision"], empty["up_to_date"], empty["head"]) == (None, False, current["head"])
