"""Database/session: where the data goes, the embedded server, connections and their errors.

Connections are psycopg's own: SQLAlchemy (and alembic) are imported only to migrate, a tenth
of a second that every other command's start saves.
"""

from __future__ import annotations

import functools
import os
from collections import namedtuple
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

import psycopg
from psycopg.rows import RowMaker

from tiltak.embedded import DATA_DIR_ENV as DATA_DIR_ENV
from tiltak.embedded import EMBEDDED_DATABASE as EMBEDDED_DATABASE
from tiltak.embedded import data_dir as data_dir
from tiltak.embedded import embedded_url as embedded_url
from tiltak.embedded import psql_executable as psql_executable
from tiltak.embedded import running_embedded_url
from tiltak.embedded import stop_embedded as stop_embedded
from tiltak.errors import DatabaseError
from tiltak.trouble import MISSING_DATABASE, explain_connection_error, is_trouble
from tiltak.urls import (
    checked_url,
    connect_arguments,
    connect_timeout,
    redact,
    secrets_in,
)
from tiltak.urls import mask_url as mask_url  # imported from here by older callers
from tiltak.urls import psql_url as psql_url
from tiltak.urls import sqlalchemy_url as sqlalchemy_url

if TYPE_CHECKING:
    import sqlalchemy

# What every query function takes: rows are named tuples, read as r.name or r[0].
Connection: TypeAlias = "psycopg.Connection[Any]"

URL_ENV = "TILTAK_DATABASE_URL"


def resolve_url(url: str | None) -> str:
    """The URL to use: the argument, else TILTAK_DATABASE_URL, else the embedded server."""
    return url or os.environ.get(URL_ENV) or running_embedded_url() or embedded_url()


def named_row(cursor: psycopg.Cursor[Any]) -> RowMaker[Any]:
    """Rows as named tuples (r.name or r[0]); unlike psycopg's namedtuple_row, a name given
    twice (t.navn, g.navn) or not an identifier is fine: it is read by position."""
    names = tuple(column.name for column in cursor.description or ())
    return _row_class(names)._make if names else tuple


@functools.lru_cache(maxsize=256)
def _row_class(names: tuple[str, ...]) -> Any:
    return namedtuple("Row", names, rename=True)


@dataclass(frozen=True)
class Database:
    """One resolved URL; a connection is opened per command, not pooled."""

    connect_kwargs: dict[str, Any] = field(repr=False)  # the password among them
    masked_url: str
    secrets: tuple[str, ...] = ()
    connect_timeout: int | None = None
    embedded: bool = False  # the embedded server's: its database is created when missing

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in one transaction; a database in trouble becomes DatabaseError."""
        with (
            self._explained_errors(),
            self._connected() as connection,
            connection.transaction(),
        ):
            yield connection

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """One connection for several transactions (`connection.transaction()` each)."""
        with self._explained_errors(), self._connected() as connection:
            yield connection

    def _connected(self) -> Connection:
        # autocommit: `transaction()` blocks say where a transaction begins and ends (nested
        # ones are savepoints); nothing runs outside one.
        try:
            connection = self._open()
        except psycopg.OperationalError as exc:
            if not (self.embedded and MISSING_DATABASE.search(str(exc))):
                raise
            embedded_url()  # creates the database; the server is the one already running
            connection = self._open()
        # DROP ... IF EXISTS notices are noise on the user's terminal.
        connection.add_notice_handler(lambda _diag: None)
        return connection

    def _open(self) -> Connection:
        return psycopg.connect(autocommit=True, row_factory=named_row, **self.connect_kwargs)

    @contextmanager
    def _explained_errors(self) -> Iterator[None]:
        """Errors of the server (down, full, read-only, wrong password ...) become one line
        for the user; any other error is a bug and keeps its traceback."""
        try:
            yield
        except Exception as exc:
            # Migrations run through SQLAlchemy, which wraps the driver's error as `orig`.
            error = getattr(exc, "orig", exc)
            if isinstance(error, psycopg.Error) and is_trouble(error):
                raise self._explained(error) from exc
            raise

    def _explained(self, error: BaseException | None) -> DatabaseError:
        explained = explain_connection_error(error, self.masked_url, timeout=self.connect_timeout)
        return DatabaseError(redact(str(explained), self.secrets))


def open_database(url: str | None) -> Database:
    given = url or os.environ.get(URL_ENV)
    resolved = resolve_url(given)
    kwargs = {**checked_url(resolved).connect_kwargs(), **connect_arguments(resolved)}
    return Database(
        kwargs,
        mask_url(resolved),
        secrets_in(resolved),
        connect_timeout(resolved),
        embedded=not given,
    )


class _Borrowed:
    """A psycopg connection lent to SQLAlchemy: tiltak owns its transaction, so SQLAlchemy's
    commit, rollback and close do nothing (its first connect ends with a rollback)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def close(self) -> None:
        pass


@contextmanager
def sqlalchemy_connection(connection: Connection) -> Iterator[sqlalchemy.Connection]:
    """An SQLAlchemy connection over `connection`, in its transaction (for alembic)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    borrowed = _Borrowed(connection)
    engine = create_engine(
        "postgresql+psycopg://",
        creator=lambda: borrowed,
        poolclass=StaticPool,
        pool_reset_on_return=None,
        # Its hstore lookup wants psycopg's own class, and the schema has no hstore.
        use_native_hstore=False,
    )
    try:
        with engine.connect() as wrapped, wrapped.begin():
            yield wrapped
    finally:
        engine.dispose()
