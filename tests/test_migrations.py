"""Migrations tested as migrations: up step by step, down to base and up again; the models
and the migrated database agree; upgrading a database that holds months keeps every month."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from conftest import EXAMPLE, Cli, table_checksums
from published import mismatches, read_publication
from synthetic import plan_and_upgrade, versions_dir, write_history
from tiltak import synth
from tiltak.database import sqlalchemy_url
from tiltak.migrations import alembic_config
from tiltak.schema import SCHEMA, metadata

__all__ = ["versions_dir"]  # a fixture


def _revisions() -> list[str]:
    """Every revision of alembic/versions, from the first to head."""
    script = ScriptDirectory.from_config(alembic_config())
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def _state(url: str) -> tuple[str | None, list[str]]:
    """The database's alembic revision and the tables of schema tiltak."""
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "select table_name::text from information_schema.tables"
            " where table_schema = 'tiltak' and table_type = 'BASE TABLE' order by 1"
        ).fetchall()
        has_version = conn.execute("select to_regclass('public.alembic_version')").fetchone()
        version = None
        if has_version and has_version[0]:
            row = conn.execute("select version_num from alembic_version").fetchone()
            version = row[0] if row else None
    return version, [t for (t,) in tables]


def test_upgrade_step_by_step_down_to_base_and_up_again(empty_db_url: str, db_url: str) -> None:
    cli = Cli(empty_db_url)
    revisions = _revisions()
    assert revisions[:2] == ["0001", "0002"]
    for revision in revisions:
        result = cli.tiltak("db", "upgrade", revision)
        assert result.exit_code == 0, result.output
        assert _state(empty_db_url)[0] == revision
    at_head = table_checksums(empty_db_url)
    assert at_head == table_checksums(db_url)  # as the test template, migrated in one go

    for previous in [*reversed(revisions[:-1]), "base"]:
        result = cli.tiltak("db", "downgrade", previous)
        assert result.exit_code == 0, result.output
        assert _state(empty_db_url)[0] == (None if previous == "base" else previous)
    assert _state(empty_db_url) == (None, [])

    result = cli.tiltak("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert table_checksums(empty_db_url) == at_head
    loaded = cli.load_report(EXAMPLE)
    assert loaded.exit_code == 0, loaded.output
    assert mismatches(empty_db_url, read_publication(EXAMPLE)) == []


def _include_name(name: str | None, type_: str, _parents: Any) -> bool:
    # As alembic/env.py: schema tiltak is alembic's; rapport holds views from sql/views.
    return type_ != "schema" or name == SCHEMA


def _pending_diff(url: str) -> list[Any]:
    engine = create_engine(sqlalchemy_url(url), poolclass=NullPool)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_schemas": True, "include_name": _include_name, "compare_type": True},
        )
        return list(compare_metadata(context, metadata))


def test_the_models_and_the_migrated_database_agree(db_url: str) -> None:
    assert _pending_diff(db_url) == []
    # The comparison does see a difference when there is one.
    with psycopg.connect(db_url) as conn:
        conn.execute("alter table tiltak.tiltak add column merknad text")
        conn.execute("alter table tiltak.publisert_celle alter column linje type bigint")
    found = repr(_pending_diff(db_url))
    assert "merknad" in found and "modify_type" in found


def test_db_upgrade_on_a_database_holding_months_keeps_every_month(
    db_url: str, tmp_path: Path, versions_dir: Path
) -> None:
    cli = Cli(db_url)
    reports = write_history(tmp_path / "reports", 25, seed=21, changes=(synth.NAV_CHANGES[1],))
    earlier = [path for month, path in reports.items() if month < date(2016, 1, 1)]
    loaded = cli.load_report(*earlier)
    assert loaded.exit_code == 0, loaded.output
    before = table_checksums(db_url)

    # At head already: the views are rebuilt and nothing else changes.
    assert cli.tiltak("db", "upgrade").exit_code == 0
    assert table_checksums(db_url) == before
    # A new revision applied under 22 loaded months and their views.
    assert plan_and_upgrade(cli, reports[date(2016, 1, 1)]) is not None
    for path in earlier:
        assert mismatches(db_url, read_publication(path)) == [], path.name
    verified = cli.tiltak("verify")
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.splitlines()[-1].startswith(f"{len(earlier)} period(s)")

    later = [path for month, path in reports.items() if month >= date(2016, 1, 1)]
    assert cli.load_report(*later).exit_code == 0
    verified = cli.tiltak("verify")
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.splitlines()[-1].startswith(f"{len(reports)} period(s)")
