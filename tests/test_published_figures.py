"""Every figure of every shipped report comes back out of the rapport views."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from published import mismatches, read_publication
from synthetic import plan_and_upgrade, versions_dir
from tiltak import precompute

__all__ = ["versions_dir"]  # a fixture

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_REPORTS = sorted((ROOT / "examples").glob("*.txt"))


def test_the_march_2014_report_has_597_figures() -> None:
    # Issue #2 counts 597 non-blank cells over all six tables, every block, pages merged.
    assert read_publication(ROOT / "examples" / "2014-03.txt").figures() == 597


@pytest.mark.parametrize("report", SHIPPED_REPORTS, ids=lambda p: p.name)
def test_views_reproduce_every_published_figure(
    cli, db_url: str, report: Path, versions_dir: Path
) -> None:
    # A later month names tiltak the seeded 2014 hierarchy lacks: the revision adds them.
    plan_and_upgrade(cli, report)
    result = cli.load_report(report)
    assert result.exit_code == 0, result.output
    publication = read_publication(report)
    # Six tables, 4 and 6 for each kjønn; or an edition without kjønn: tables 1, 3 and 5.
    without_kjonn = "Tiltak. En måned" in report.read_text(encoding="utf-8").splitlines()[0]
    assert len(publication.blocks) == (3 if without_kjonn else 9)
    assert mismatches(db_url, publication) == []


def test_a_single_wrong_count_is_caught(cli, db_url: str) -> None:
    report = ROOT / "examples" / "2014-03.txt"
    assert cli.load_report(report).exit_code == 0
    with psycopg.connect(db_url) as conn:
        conn.execute(
            "update tiltak.antall set antall = antall + 1"
            " where (tiltak_id, hovedgruppe_id, kjonn_id) = ("
            "    select tiltak_id, hovedgruppe_id, kjonn_id from tiltak.antall"
            "    order by tiltak_id, hovedgruppe_id, kjonn_id limit 1)"
        )
        # As a load writing these counts would: the stored rows follow them.
        precompute.refresh_all(conn)
    found = mismatches(db_url, read_publication(report))
    # One cell changes its tiltak row, its group sum, the grand total, in tables 5 and 6,
    # and tables 1-4: every one of those figures is reported.
    assert len(found) >= 8, found


def test_a_wrong_row_order_is_caught(cli, db_url: str) -> None:
    report = ROOT / "examples" / "2014-03.txt"
    assert cli.load_report(report).exit_code == 0
    with psycopg.connect(db_url) as conn:
        conn.execute("update tiltak.tiltak set rekkefolge = -rekkefolge where navn = 'Mentor'")
        # As a migration changing the order would: the stored rows follow it.
        precompute.refresh_all(conn)
    found = mismatches(db_url, read_publication(report))
    assert any("view rows" in problem for problem in found), found
