"""`tiltak db downgrade -1`, as the README and --help write it: a relative revision is a
revision, not an unknown option."""

from __future__ import annotations

import psycopg
from alembic.script import ScriptDirectory

from conftest import EXAMPLE, Cli, table_checksums
from published import mismatches, read_publication
from tiltak.migrations import alembic_config


def _revisions() -> list[str]:
    """The installed revisions, from the first to head, as alembic itself lists them."""
    script = ScriptDirectory.from_config(alembic_config())
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def _revision(url: str) -> str | None:
    with psycopg.connect(url) as conn:
        exists = conn.execute("select to_regclass('public.alembic_version')").fetchone()
        if not exists or not exists[0]:
            return None
        row = conn.execute("select version_num from alembic_version").fetchone()
    return str(row[0]) if row else None


def test_downgrade_minus_one_steps_back_one_revision_at_a_time(cli: Cli, db_url: str) -> None:
    revisions = _revisions()
    assert len(revisions) >= 3
    assert _revision(db_url) == revisions[-1]
    for expected in (revisions[-2], revisions[-3]):
        done = cli.tiltak("db", "downgrade", "-1")
        assert done.exit_code == 0, done.output
        assert done.stdout.endswith(f"→ {expected}\n")
        assert _revision(db_url) == expected
    upgraded = cli.tiltak("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert cli.load_report(EXAMPLE).exit_code == 0
    assert mismatches(db_url, read_publication(EXAMPLE)) == []


def test_downgrade_minus_one_with_options_after_it(cli: Cli, db_url: str) -> None:
    done = cli.tiltak("db", "downgrade", "-1", "--database-url", db_url)
    assert done.exit_code == 0, done.output
    assert _revision(db_url) == _revisions()[-2]


def test_a_relative_revision_past_the_first_is_refused_and_changes_nothing(
    cli: Cli, db_url: str
) -> None:
    before = table_checksums(db_url)
    steps = len(_revisions()) + 1
    done = cli.tiltak("db", "downgrade", f"-{steps}")
    assert done.exit_code == 1
    assert done.stderr.startswith(f"Error: Relative revision -{steps} didn't produce {steps}")
    assert len(done.stderr.splitlines()) == 1
    assert _revision(db_url) == _revisions()[-1]
    assert table_checksums(db_url) == before
