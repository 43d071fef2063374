"""Alembic environment: runs on the connection tiltak hands over, or on TILTAK_DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from tiltak.schema import SCHEMA, metadata

config = context.config


def _include_name(name: str | None, type_: str, parent_names: object) -> bool:
    # Only the base schema is alembic's; `rapport` holds views rebuilt from sql/views.
    if type_ == "schema":
        return name == SCHEMA
    return True


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_schemas=True,
        include_name=_include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from tiltak.database import open_database, sqlalchemy_connection

    with open_database(None).begin() as raw, sqlalchemy_connection(raw) as connection:
        _run(connection)


if context.is_offline_mode():
    raise SystemExit("tiltak migrations run online only: use `tiltak db upgrade`")
run_migrations_online()
