"""Schema state: alembic migrations to head, then the `rapport` views rebuilt from sql/views.

Only migrating runs alembic, and with it the revision files; checking the schema compares
the database's alembic_version with revision ids read from the files unexecuted.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from tiltak import precompute
from tiltak.database import Connection, sqlalchemy_connection
from tiltak.errors import MigrationError, SchemaError, TiltakError
from tiltak.resources import alembic_dir, views_dir
from tiltak.revisions import (
    RevisionFile,
    head_of,
    record_applied,
    require_known,
    revision_files,
    versions_dirs,
)

if TYPE_CHECKING:
    import sqlalchemy
    from alembic.config import Config

READER_ROLE = "rapport_leser"


def alembic_config(connection: sqlalchemy.Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(alembic_dir()))
    # Given version_locations, alembic reads only those: the installation's directory too.
    locations = [path for path in versions_dirs() if path.is_dir()]
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_path_separator", "os")  # alembic < 1.16
    joined = os.pathsep.join(str(p) for p in locations)
    config.set_main_option("version_locations", joined.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return head_of(revision_files())


def current_revision(connection: Connection) -> str | None:
    """The database's alembic revision, read without alembic (None: no schema)."""
    # pg_class by query, not to_regclass(): a by-name lookup caches "no such table" for the
    # rest of the transaction, and an initialisation that waits for another one's lock must
    # see the table that one committed meanwhile.
    exists = connection.execute(
        "select exists (select 1 from pg_catalog.pg_class"
        " where relname = 'alembic_version' and pg_table_is_visible(oid))"
    ).fetchone()
    if exists is None or not exists[0]:
        return None
    found = [row[0] for row in connection.execute("select version_num from alembic_version")]
    if len(found) > 1:
        raise SchemaError(f"database is at {len(found)} revisions at once; merge them first")
    return str(found[0]) if found else None


def ensure_schema_ready(connection: Connection, *, initialise: bool) -> None:
    """Stop unless the schema is at head; an empty database is initialised when allowed."""
    files = revision_files()
    current, head = current_revision(connection), head_of(files)
    if current == head:
        return
    if current is None and initialise:
        # Another command may be initialising this database at this moment: wait for it,
        # then look again, so that its schema is neither created twice nor, seen half-way
        # between the two queries, taken for a foreign one.
        _lock_schema(connection)
        current = current_revision(connection)
        if current == head:
            return
        if current is None and not _has_schema(connection, "tiltak"):
            upgrade(connection)
            return
    if current is None:
        raise SchemaError("database has no tiltak schema: run `tiltak db upgrade`")
    require_known(connection, current, files)
    raise SchemaError(f"database schema is at {current}, head is {head}: run `tiltak db upgrade`")


def _has_schema(connection: Connection, name: str) -> bool:
    found = connection.execute(
        "select 1 from information_schema.schemata where schema_name = %(name)s", {"name": name}
    ).fetchone()
    return found is not None


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Migrate to `revision` and rebuild every view, in the caller's transaction."""
    from alembic import command

    _migrate(connection, command.upgrade, revision)
    _create_views_if_schema_holds_them(connection)


def downgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    _migrate(connection, command.downgrade, revision)
    if current_revision(connection) is not None:
        _create_views_if_schema_holds_them(connection)


def _create_views_if_schema_holds_them(connection: Connection) -> None:
    """The views are written for the schema at head: migrated to an older revision on
    purpose, the tables they read may not exist yet, and the views wait for head."""
    try:
        with connection.transaction():  # a savepoint
            create_views(connection)
            # Precomputed rows: every month's, recomputed, as a migration may regroup any.
            precompute.refresh_all(connection)
    except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn):
        if current_revision(connection) == head_revision():
            raise


def _migrate(connection: Connection, step: Callable[[Config, str], None], revision: str) -> None:
    """Run alembic's `step` (the one place revision files run), then record what is applied."""
    from alembic.util.exc import CommandError

    files = revision_files()  # a broken file: one line naming it, before anything changes
    head_of(files)
    _lock_schema(connection)
    require_known(connection, current_revision(connection), files)
    drop_views(connection)
    try:
        with sqlalchemy_connection(connection) as wrapped:
            step(alembic_config(wrapped), revision)
    except CommandError as exc:
        raise MigrationError(str(exc)) from exc
    except TiltakError:
        raise
    except Exception as exc:
        failing = _revision_failing_on_import(exc, files)
        if failing is None:
            raise
        raise MigrationError(
            f"{failing[0]}:{failing[1]}: revision file fails on import"
            f" ({type(exc).__name__}: {exc}); fix or remove it"
        ) from exc
    record_applied(connection, current_revision(connection), files)


def _revision_failing_on_import(
    error: BaseException, files: Mapping[str, RevisionFile]
) -> tuple[Path, int] | None:
    """The revision file (and line) whose top-level code raised `error`, if one did."""
    paths = {str(item.path.resolve()) for item in files.values()}
    for frame, line in traceback.walk_tb(error.__traceback__):
        code = frame.f_code
        if code.co_name == "<module>" and str(Path(code.co_filename).resolve()) in paths:
            return Path(code.co_filename), line
    return None


def _lock_schema(connection: Connection) -> None:
    # Two upgrades at once would both try to create the same objects.
    connection.execute("select pg_advisory_xact_lock(hashtext('tiltak.schema'))")


def view_files() -> list[Path]:
    """The view definitions, in creation order (file names sort dependencies first)."""
    return sorted(views_dir().glob("*.sql"))


def _view_name(path: Path) -> str:
    # "10_rapport.deltakere.sql" → "rapport.deltakere"
    return path.stem.split("_", 1)[1]


def drop_views(connection: Connection) -> None:
    for path in reversed(view_files()):
        schema, name = _view_name(path).split(".")
        # A file defines a view, or a function where a slice takes a parameter: drop either.
        for kind in ("view", "function"):
            drop = sql.SQL("drop {} if exists {} cascade").format(
                sql.SQL(kind), sql.Identifier(schema, name)
            )
            connection.execute(drop)


def create_views(connection: Connection) -> None:
    connection.execute("create schema if not exists rapport")
    for path in view_files():
        # A view file is a script (CREATE VIEW plus COMMENT ONs): run it unparameterised.
        connection.execute(path.read_text(encoding="utf-8").encode())
    grant_reader_access(connection)


def grant_reader_access(connection: Connection) -> None:
    """Re-apply the reader role's SELECT on the views and EXECUTE on the functions: a rebuilt
    one starts with none.

    Only where migration 0003 gave the role USAGE on schema rapport in this database: the
    role is cluster-wide, and after a downgrade (which revokes USAGE) it must stay locked out.
    """
    if not reader_has_schema_usage(connection):
        return
    role_name = sql.Identifier(READER_ROLE)
    connection.execute(
        sql.SQL("grant select on all tables in schema rapport to {}").format(role_name)
    )
    connection.execute(
        sql.SQL("grant execute on all functions in schema rapport to {}").format(role_name)
    )


def reader_has_schema_usage(connection: Connection) -> bool:
    """Whether rapport_leser holds an explicit USAGE grant on schema rapport."""
    found = connection.execute(
        "select 1 from pg_namespace as n, aclexplode(n.nspacl) as acl"
        " join pg_roles as r on r.oid = acl.grantee"
        " where n.nspname = 'rapport' and r.rolname = %(role)s"
        " and acl.privilege_type = 'USAGE'",
        {"role": READER_ROLE},
    ).fetchone()
    return found is not None
