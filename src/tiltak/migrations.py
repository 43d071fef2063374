"""Schema state: alembic migrations to head, then the `rapport` views rebuilt from sql/views."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.engine import Connection

from tiltak.database import driver_connection
from tiltak.errors import MigrationError, SchemaError
from tiltak.resources import alembic_dir, views_dir

READER_ROLE = "rapport_leser"


VERSIONS_DIR_ENV = "TILTAK_VERSIONS_DIR"


def versions_dirs() -> list[Path]:
    """Where revisions live: alembic/versions, and TILTAK_VERSIONS_DIR when set (category
    revisions that `tiltak categories plan` writes outside the installation)."""
    extra = os.environ.get(VERSIONS_DIR_ENV)
    return [alembic_dir() / "versions", *([Path(extra).resolve()] if extra else [])]


def alembic_config(
    connection: Connection | None = None, extra_versions: Sequence[Path] = ()
) -> Config:
    config = Config()
    config.set_main_option("script_location", str(alembic_dir()))
    locations = [*versions_dirs(), *extra_versions]
    if len(locations) > 1:
        # Given version_locations, alembic reads only those: list alembic/versions too.
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_path_separator", "os")  # alembic < 1.16
        joined = os.pathsep.join(str(p) for p in locations)
        config.set_main_option("version_locations", joined.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise SchemaError(f"alembic/versions has {len(heads)} heads; merge them first")
    return heads[0]


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def ensure_schema_ready(connection: Connection, *, initialise: bool) -> None:
    """Stop unless the schema is at head; an empty database is initialised when allowed."""
    current, head = current_revision(connection), head_revision()
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
    raise SchemaError(f"database schema is at {current}, head is {head}: run `tiltak db upgrade`")


def _has_schema(connection: Connection, name: str) -> bool:
    found = connection.execute(
        text("select 1 from information_schema.schemata where schema_name = :name"),
        {"name": name},
    ).first()
    return found is not None


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Migrate to `revision` and rebuild every view, in the caller's transaction."""
    _lock_schema(connection)
    drop_views(connection)
    try:
        command.upgrade(alembic_config(connection), revision)
    except CommandError as exc:
        raise MigrationError(str(exc)) from exc
    create_views(connection)


def downgrade(connection: Connection, revision: str) -> None:
    _lock_schema(connection)
    drop_views(connection)
    try:
        command.downgrade(alembic_config(connection), revision)
    except CommandError as exc:
        raise MigrationError(str(exc)) from exc
    if current_revision(connection) is not None:
        create_views(connection)


def _lock_schema(connection: Connection) -> None:
    # Two upgrades at once would both try to create the same objects.
    connection.execute(text("select pg_advisory_xact_lock(hashtext('tiltak.schema'))"))


def view_files() -> list[Path]:
    """The view definitions, in creation order (file names sort dependencies first)."""
    return sorted(views_dir().glob("*.sql"))


def _view_name(path: Path) -> str:
    # "10_rapport.deltakere.sql" → "rapport.deltakere"
    return path.stem.split("_", 1)[1]


def drop_views(connection: Connection) -> None:
    raw = driver_connection(connection)
    for path in reversed(view_files()):
        schema, name = _view_name(path).split(".")
        # A file defines a view, or a function where a slice takes a parameter: drop either.
        for kind in ("view", "function"):
            drop = sql.SQL("drop {} if exists {} cascade").format(
                sql.SQL(kind), sql.Identifier(schema, name)
            )
            raw.execute(drop)


def create_views(connection: Connection) -> None:
    raw = driver_connection(connection)
    raw.execute("create schema if not exists rapport")
    for path in view_files():
        # A view file is a script (CREATE VIEW plus COMMENT ONs): run it unparameterised.
        raw.execute(path.read_text(encoding="utf-8").encode())
    grant_reader_access(connection)


def grant_reader_access(connection: Connection) -> None:
    """Re-apply the reader role's SELECT on the views and EXECUTE on the functions: a rebuilt
    one starts with none.

    Only where migration 0003 gave the role USAGE on schema rapport in this database: the
    role is cluster-wide, and after a downgrade (which revokes USAGE) it must stay locked out.
    """
    if not reader_has_schema_usage(connection):
        return
    raw = driver_connection(connection)
    role_name = sql.Identifier(READER_ROLE)
    raw.execute(sql.SQL("grant select on all tables in schema rapport to {}").format(role_name))
    raw.execute(sql.SQL("grant execute on all functions in schema rapport to {}").format(role_name))


def reader_has_schema_usage(connection: Connection) -> bool:
    """Whether rapport_leser holds an explicit USAGE grant on schema rapport."""
    found = connection.execute(
        text(
            "select 1 from pg_namespace as n, aclexplode(n.nspacl) as acl"
            " join pg_roles as r on r.oid = acl.grantee"
            " where n.nspname = 'rapport' and r.rolname = :role and acl.privilege_type = 'USAGE'"
        ),
        {"role": READER_ROLE},
    ).first()
    return found is not None
