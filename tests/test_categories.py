"""Category changes as migrations: `tiltak categories plan`, upgrade, load, downgrade."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from conftest import EXAMPLE, ROOT, Cli, table_checksums
from published import alias_map, canonical, mismatches, read_publication
from synthetic import plan_and_upgrade, versions_dir, write_history
from tiltak import synth

__all__ = ["versions_dir"]  # a fixture

AFT = "Arbeidsforberedende trening (AFT)"
NEW_2016 = (AFT, "Arbeidstrening")
MOVED_2015 = "Utvidet avklaring og oppfølging i NAV"
REPO_VERSIONS = ROOT / "alembic" / "versions"


@pytest.fixture
def reports_2016(tmp_path: Path) -> dict[str, Path]:
    """March 2014 to March 2016 with only NAV's 2016 change (AFT, Arbeidstrening)."""
    reports = write_history(tmp_path / "reports", 25, seed=16, changes=(synth.NAV_CHANGES[1],))
    return {f"{month:%Y-%m}": path for month, path in reports.items()}


def _load(cli: Cli, *paths: Path) -> None:
    result = cli.load_report(*paths)
    assert result.exit_code == 0, result.stderr[-3000:]


def _table5_rows(cli: Cli, month: str) -> list[str]:
    """Row labels of table 5 as `tiltak render` prints it."""
    rendered = cli.tiltak("render", "--period", month, "--table", "5")
    assert rendered.exit_code == 0, rendered.output
    lines = [line for line in rendered.stdout.splitlines() if "\t" in line]
    return [re.sub("</?b>", "", line.split("\t")[0]) for line in lines if line[0] != "\t"]


def _lines_with(path: Path, label: str) -> list[int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [n for n, line in enumerate(lines, start=1) if line.split("\t")[0] == label]


def test_a_2016_report_loads_after_its_revision_and_2014_stays_as_published(
    cli: Cli, db_url: str, reports_2016: dict[str, Path], versions_dir: Path
) -> None:
    _load(cli, EXAMPLE)
    rendered_2014 = cli.tiltak("render", "--period", "2014-03").stdout
    march_2016 = reports_2016["2016-03"]
    text = march_2016.read_text(encoding="utf-8")
    assert all(f"\n{name}\t" in text for name in NEW_2016)
    assert not any(f"\n{name}\t" in text for name in synth.SKJERMET)
    repository_versions = sorted(REPO_VERSIONS.glob("*.py"))
    before = table_checksums(db_url)

    refused = cli.load_report(march_2016)
    assert refused.exit_code == 1
    for name in NEW_2016:  # each unknown label, where it is printed, and in which group
        for line in _lines_with(march_2016, name):
            assert f"{march_2016}:{line}: " in refused.stderr
        assert f"row {name!r}: unknown tiltak (printed in group" in refused.stderr
    assert "(printed in group 'arbeidsforberedende trening')" in refused.stderr
    assert "add it with `tiltak categories plan`" in refused.stderr
    assert table_checksums(db_url) == before

    planned = cli.tiltak("categories", "plan", str(march_2016))
    assert planned.exit_code == 0, planned.output
    revision = Path(planned.stdout.strip())
    assert revision.parent == versions_dir and revision.is_file()
    assert sorted(REPO_VERSIONS.glob("*.py")) == repository_versions
    assert table_checksums(db_url) == before  # planning writes a file, not the database
    source = revision.read_text(encoding="utf-8")
    assert "TILTAK_ALIASES" in source and "rename" in source.lower()
    assert all(name in source for name in (*NEW_2016, *synth.SKJERMET))

    upgraded = cli.tiltak("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    _load(cli, march_2016)
    assert mismatches(db_url, read_publication(EXAMPLE)) == []
    assert mismatches(db_url, read_publication(march_2016)) == []
    verified = cli.tiltak("verify")
    assert verified.exit_code == 0, verified.output
    assert cli.tiltak("render", "--period", "2014-03").stdout == rendered_2014

    rows_2014, rows_2016 = _table5_rows(cli, "2014-03"), _table5_rows(cli, "2016-03")
    aliases = alias_map(db_url)
    for rows, report in ((rows_2014, EXAMPLE), (rows_2016, march_2016)):
        printed = read_publication(report).blocks[5, None].rows
        assert rows == [canonical(label, aliases) for label, _cells in printed]
    assert set(NEW_2016) <= set(rows_2016) and not set(NEW_2016) & set(rows_2014)
    assert set(synth.SKJERMET) <= set(rows_2014) and not set(synth.SKJERMET) & set(rows_2016)
    assert "I alt arbeidsforberedende trening" in rows_2016


def test_the_revision_is_lint_clean_and_passes_values_as_bind_parameters(
    cli: Cli, reports_2016: dict[str, Path], versions_dir: Path
) -> None:
    # Revisions are meant to be committed to alembic/versions, where CI lints them.
    revision = _plan(cli, reports_2016["2016-03"])
    config = str(ROOT / "pyproject.toml")
    for check in (["format", "--check"], ["check"]):
        linted = subprocess.run(
            [sys.executable, "-m", "ruff", *check, "--config", config, str(revision)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert linted.returncode == 0, linted.stdout + linted.stderr
    source = revision.read_text(encoding="utf-8")
    assert set(re.findall(r"sa\.text\((\w+)\)", source)) <= {
        "sql", "ADD_GROUP", "ADD_TILTAK", "MEMBERSHIP_IN_MONTH", "MEMBERSHIP_ENDING",
    }  # fmt: skip
    assert not re.search(r"\bf\"[^\"\n]*\b(select|insert|update|delete)\b", source, re.I)
    assert ".format(" not in source and "%s" not in source


def _plan(cli: Cli, report: Path) -> Path:
    planned = cli.tiltak("categories", "plan", str(report))
    assert planned.exit_code == 0, planned.output
    return Path(planned.stdout.strip())


def _revision(url: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute("select version_num from alembic_version").fetchone()
    assert row is not None
    return str(row[0])


def test_downgrade_works_while_no_month_uses_the_revision_and_is_refused_after(
    cli: Cli, db_url: str, reports_2016: dict[str, Path], versions_dir: Path
) -> None:
    _load(cli, EXAMPLE)
    base = _revision(db_url)
    before = table_checksums(db_url)
    _plan(cli, reports_2016["2016-03"])
    assert cli.tiltak("db", "upgrade").exit_code == 0
    head = _revision(db_url)
    assert head != base and table_checksums(db_url) != before

    down = cli.tiltak("db", "downgrade", base)
    assert down.exit_code == 0, down.output
    assert table_checksums(db_url) == before
    assert mismatches(db_url, read_publication(EXAMPLE)) == []

    assert cli.tiltak("db", "upgrade").exit_code == 0
    _load(cli, reports_2016["2016-03"])
    loaded = table_checksums(db_url)
    refused = cli.tiltak("db", "downgrade", base)
    assert refused.exit_code == 1
    assert f"Error: cannot downgrade revision {head}: loaded months need" in refused.stderr
    assert f"tiltak {AFT!r} is used by 2016-03" in refused.stderr
    assert "tiltaksgruppe 'Arbeidsforberedende trening' is used by 2016-03" in refused.stderr
    assert "nothing was changed" in refused.stderr
    assert _revision(db_url) == head and table_checksums(db_url) == loaded
    assert mismatches(db_url, read_publication(reports_2016["2016-03"])) == []


def test_a_moved_tiltak_keeps_its_old_group_in_earlier_months(
    cli: Cli, db_url: str, tmp_path: Path, versions_dir: Path
) -> None:
    reports = {
        f"{month:%Y-%m}": path
        for month, path in write_history(
            tmp_path, 18, seed=15, changes=(synth.NAV_CHANGES[0],)
        ).items()
    }
    june, july, august = reports["2015-06"], reports["2015-07"], reports["2015-08"]
    base = _revision(db_url)
    _load(cli, june)
    refused = cli.load_report(july)
    assert refused.exit_code == 1
    assert f"row {MOVED_2015!r}: printed in group 'Avklaringstiltak'" in refused.stderr
    assert "but belongs to 'Oppfølging' in 2015-07" in refused.stderr

    revision = plan_and_upgrade(cli, july)
    assert revision is not None
    assert f'("{MOVED_2015}", "Oppfølging", "Avklaringstiltak")' in revision.read_text()
    _load(cli, august, july)
    for report in (june, july, august):
        assert mismatches(db_url, read_publication(report)) == [], report.name
    rows_june, rows_july = _table5_rows(cli, "2015-06"), _table5_rows(cli, "2015-07")
    assert rows_june.index("I alt avklaringstiltak") < rows_june.index(MOVED_2015)
    assert rows_june.index(MOVED_2015) < rows_june.index("I alt oppfølging")
    assert rows_july.index(MOVED_2015) + 1 == rows_july.index("I alt avklaringstiltak")
    with psycopg.connect(db_url) as conn:
        memberships = conn.execute(
            "select m.gyldig_fra::text, m.gyldig_til::text, g.navn"
            " from tiltak.tiltak_medlemskap as m join tiltak.tiltak as t using (tiltak_id)"
            " join tiltak.tiltaksgruppe as g using (tiltaksgruppe_id)"
            " where t.navn = %s order by m.gyldig_fra",
            (MOVED_2015,),
        ).fetchall()
    assert memberships == [
        ("1990-01-01", "2015-07-01", "Oppfølging"),
        ("2015-07-01", None, "Avklaringstiltak"),
    ]
    refused = cli.tiltak("db", "downgrade", base)
    assert refused.exit_code == 1
    assert f"tiltak {MOVED_2015!r} in 'Avklaringstiltak' is used by 2015-07, 2015-08" in (
        refused.stderr
    )


def test_a_move_is_refused_while_later_loaded_months_print_the_old_group(
    cli: Cli, db_url: str, tmp_path: Path, versions_dir: Path
) -> None:
    unmoved = write_history(tmp_path / "unmoved", 18, seed=15)
    moved = write_history(tmp_path / "moved", 18, seed=15, changes=(synth.NAV_CHANGES[0],))
    august = next(path for month, path in unmoved.items() if f"{month:%Y-%m}" == "2015-08")
    july = next(path for month, path in moved.items() if f"{month:%Y-%m}" == "2015-07")
    _load(cli, august)
    planned = cli.tiltak("categories", "plan", str(july))
    assert planned.exit_code == 1
    assert f"tiltak {MOVED_2015!r} is printed in 'Avklaringstiltak'" in planned.stderr
    assert "print it in 'Oppfølging' (2015-08)" in planned.stderr
    assert not versions_dir.exists() or not any(versions_dir.glob("*.py"))


def test_misprints_in_the_tables_by_kjonn_become_aliases(
    cli: Cli, db_url: str, reports_2016: dict[str, Path], versions_dir: Path
) -> None:
    text = reports_2016["2016-03"].read_text(encoding="utf-8")
    # The last Arbeidstrening row is table 6, Menn; the last group row in table 4 is Menn's.
    head, _, tail = text.rpartition("\nArbeidstrening\t")
    text = f"{head}\nArbeidstreining\t{tail}"
    table4_menn = text.index(
        "## Tiltaksgrupper og kjønn", text.index("## Tiltaksgrupper og kjønn") + 1
    )
    group = "\nArbeidsforberedende trening\t"
    at = text.index(group, table4_menn)
    text = text[:at] + "\nArbeidsforberedende treningg\t" + text[at + len(group) :]
    report = reports_2016["2016-03"].with_name("misprinted.txt")
    report.write_text(text, encoding="utf-8")

    base = _revision(db_url)
    revision = plan_and_upgrade(cli, report)
    assert revision is not None
    source = revision.read_text(encoding="utf-8")
    assert '"Arbeidstreining": "Arbeidstrening",' in source
    assert '"Arbeidsforberedende treningg": "Arbeidsforberedende trening",' in source
    _load(cli, report)
    assert mismatches(db_url, read_publication(report)) == []
    refused = cli.tiltak("db", "downgrade", base)
    assert refused.exit_code == 1
    assert "label 'Arbeidstreining' is used by 2016-03" in refused.stderr


def test_plan_writes_nothing_when_every_category_is_known(cli: Cli, versions_dir: Path) -> None:
    planned = cli.tiltak("categories", "plan", str(EXAMPLE))
    assert planned.exit_code == 0, planned.output
    assert planned.stdout == ""
    assert "every category it prints is known in 2014-03; no revision" in planned.stderr
    assert not versions_dir.exists()


def test_plan_waits_for_the_last_revision_to_be_applied(
    cli: Cli, reports_2016: dict[str, Path], versions_dir: Path
) -> None:
    first = _plan(cli, reports_2016["2016-03"])
    again = cli.tiltak("categories", "plan", str(reports_2016["2016-03"]))
    assert again.exit_code == 1
    assert f"head is {first.stem}: run `tiltak db upgrade`" in again.stderr
    assert list(versions_dir.glob("*.py")) == [first]  # __pycache__ may come and go


def test_plan_refuses_an_order_the_hierarchy_cannot_give(
    cli: Cli, tmp_path: Path, versions_dir: Path
) -> None:
    seed = synth.seed_month(EXAMPLE)
    groups = list(synth.hierarchy_of(seed.catalog))
    groups[0], groups[1] = groups[1], groups[0]  # Oppfølging before Avklaringstiltak
    catalog = synth.make_catalog(seed.periode, tuple(groups), seed.catalog.hovedgrupper)
    report = tmp_path / "swapped.txt"
    report.write_text(synth.report_text(catalog, seed.data), encoding="utf-8")
    planned = cli.tiltak("categories", "plan", str(report))
    assert planned.exit_code == 1
    assert "tiltaksgruppe 'Avklaringstiltak' is printed after 'Oppfølging'" in planned.stderr
    assert not versions_dir.exists()


def test_a_rename_made_an_alias_as_the_revision_explains(
    cli: Cli, db_url: str, tmp_path: Path, versions_dir: Path
) -> None:
    # In 2019 the history prints Inkluderingstilskudd where Tilretteleggingstilskudd for
    # arbeidssøker was: treat it, as the revision's comments explain, as a new name.
    old, new = "Tilretteleggingstilskudd for arbeidssøker", "Inkluderingstilskudd"
    change = synth.NAV_CHANGES[3]
    reports = write_history(tmp_path / "reports", 60, seed=19, changes=(change,))
    january = reports[change.periode]
    _load(cli, EXAMPLE)
    base = _revision(db_url)
    revision = _plan(cli, january)
    source = revision.read_text(encoding="utf-8")
    line = re.search(rf'\n    \("{new}", \d+, "Tilrettelegging"\),', source)
    assert line is not None and "TILTAK_ALIASES: dict[str, str] = {}" in source
    source = source.replace(line[0], "").replace(
        "TILTAK_ALIASES: dict[str, str] = {}",
        f'TILTAK_ALIASES: dict[str, str] = {{"{new}": "{old}"}}',
    )
    revision.write_text(source, encoding="utf-8")
    assert cli.tiltak("db", "upgrade").exit_code == 0

    _load(cli, january)
    for report in (EXAMPLE, january):
        assert mismatches(db_url, read_publication(report)) == []
    rows = _table5_rows(cli, "2019-01")
    assert old in rows and new not in rows  # one tiltak, its one name, in both months
    with psycopg.connect(db_url) as conn:
        named = conn.execute("select count(*) from tiltak.tiltak where navn = %s", (new,))
        assert named.fetchone() == (0,)
    refused = cli.tiltak("db", "downgrade", base)
    assert refused.exit_code == 1
    assert f"label {new!r} is used by 2019-01" in refused.stderr
