"""Secrets in database URLs never reach the terminal, whatever part of the URL holds them;
hostile URLs end in one `Error:` line; a server that never answers is given up on in time.

Uses the password server of test_database_trouble (scram-sha-256, a free localhost port),
and a "black hole": a listening socket whose connections are never accepted, as a frozen
server or a firewall that swallows packets would leave a client.
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Cli
from mutations import EXAMPLE
from test_database_trouble import PASSWORD, WRONG, Server, one_error, password_server, run

__all__ = ["password_server"]  # a fixture

SECRET = "Sekret-q7Zp"  # a secret of the query string: never printed
CONNECT_TIMEOUT_HINT = "(TILTAK_CONNECT_TIMEOUT or the URL's connect_timeout sets the wait)"


def _base(server: Server, password: str | None = None) -> str:
    secret = f":{password}" if password else ""
    return f"postgresql://tiltak{secret}@127.0.0.1:{server.port}/tiltak"


def test_a_wrong_password_in_the_query_is_masked(password_server: Server) -> None:
    base = _base(password_server)
    url = f"{base}?password={WRONG}"
    expected = f"Error: wrong user or password for {base}?password=***: check --database-url"
    for done in (
        run("load-report", "--database-url", url, EXAMPLE),
        Cli(url).tiltak("render", "--period", "2014-03"),
        Cli(url).tiltak("db", "status"),
    ):
        assert one_error(done) == expected


def test_debug_shows_no_secret_of_the_query(password_server: Server) -> None:
    url = f"{_base(password_server)}?password={WRONG}&sslpassword={SECRET}"
    done = run("load-report", "--debug", "--database-url", url, EXAMPLE)
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert WRONG not in done.stdout + done.stderr
    assert SECRET not in done.stdout + done.stderr


def test_the_right_password_in_the_query_works_and_is_never_printed(
    password_server: Server,
) -> None:
    base = _base(password_server)
    url = f"{base}?password={PASSWORD}&sslpassword={SECRET}"
    for command in (("db", "upgrade"), ("db", "status")):
        done = Cli(url).tiltak(*command)
        assert done.exit_code == 0, done.output
        assert done.stdout.startswith(f"{base}?password=***&sslpassword=***: schema ")
        assert PASSWORD not in done.stdout + done.stderr
        assert SECRET not in done.stdout + done.stderr


# Hostile URLs, each with the reason its error line gives. {base} is a URL of the password
# server without a password, {good} one with the right password, {port} its port; S is a
# secret that must never be printed.
S = SECRET
HOSTILE_URLS = {
    "password twice": ("{base}?password=" + S + "&password=x", "given more than once"),
    "misspelt password": ("{base}?passwort=" + S, 'invalid connection option "passwort"'),
    "unknown option": ("{base}?password=" + S + "&bogus=1", 'invalid connection option "bogus"'),
    "oauth secret, no password": ("{base}?oauth_client_secret=" + S, "wrong user or password"),
    "timeout not a number": ("{base}?password=" + S + "&connect_timeout=abc", "not 'abc'"),
    "timeout zero": ("{base}?password=" + S + "&connect_timeout=0", "1 or more"),
    "timeout negative": ("{base}?password=" + S + "&connect_timeout=-3", "1 or more"),
    "bad sslmode": ("{base}?password=" + S + "&sslmode=verify-all", "invalid sslmode value"),
    "ssl required, none there": ("{base}?password=" + S + "&sslmode=require", "SSL"),
    "sslpassword, ssl required": ("{base}?sslpassword=" + S + "&sslmode=require", "SSL"),
    "server option refused": (
        "{good}?sslpassword=" + S + "&options=-c%20statement_timeout%3Dnope",
        'invalid value for parameter "statement_timeout"',
    ),
    "socket folder missing": (
        "postgresql://tiltak@/tiltak?host=/nonexistent-tiltak&password=" + S,
        "is the server running?",
    ),
    "encoded wrong password": (
        "postgresql://tiltak:p%40ss%2F" + S + "@127.0.0.1:{port}/tiltak",
        "wrong user or password",
    ),
    "both passwords, query wrong": (
        "postgresql://tiltak:" + PASSWORD + "@127.0.0.1:{port}/tiltak?password=" + S,
        "wrong user or password",
    ),
    "secret also as a name": (
        "{base}?password=" + S + "&application_name=" + S,
        "wrong user or password",
    ),
    "port not a number": ("postgresql://tiltak:" + S + "@127.0.0.1:port/tiltak", "not a database"),
    "libpq keyword form": ("host=127.0.0.1 password=" + S, "not a database URL"),
    "not postgres": ("mysql://tiltak:" + S + "@127.0.0.1/tiltak", "needs PostgreSQL"),
}


# URLs that are wrong before any connection is tried: usage errors, exit code 2.
MALFORMED_URLS = {
    "password twice",
    "misspelt password",
    "unknown option",
    "timeout not a number",
    "timeout zero",
    "timeout negative",
    "port not a number",
    "libpq keyword form",
    "not postgres",
}


@pytest.mark.parametrize("case", HOSTILE_URLS)
def test_hostile_urls_end_in_one_line_without_secrets(case: str, password_server: Server) -> None:
    template, reason = HOSTILE_URLS[case]
    expected_exit_code = 2 if case in MALFORMED_URLS else 1
    url = template.format(
        base=_base(password_server),
        good=_base(password_server, PASSWORD),
        port=password_server.port,
    )
    for debug in ((), ("--debug",)):
        done = Cli(url).tiltak(*debug, "db", "status")
        assert done.exit_code == expected_exit_code, done.output
        assert isinstance(done.exception, SystemExit), done.exception
        assert SECRET not in done.stdout + done.stderr
        assert PASSWORD not in done.stdout + done.stderr
        assert reason in done.stderr.splitlines()[-1]
    assert one_error(
        Cli(url).load_report(EXAMPLE), SECRET, "p@ss/" + SECRET, exit_code=expected_exit_code
    )


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", "10s"])
def test_a_bad_connect_timeout_setting_is_refused(
    value: str, password_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TILTAK_CONNECT_TIMEOUT", value)
    line = one_error(Cli(_base(password_server, PASSWORD)).tiltak("db", "status"), exit_code=2)
    assert line == (
        "Error: TILTAK_CONNECT_TIMEOUT must be a whole number of seconds (1 or more),"
        f" not {value!r}"
    )


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A localhost port that takes connections and never answers them."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield int(listener.getsockname()[1])


def _frozen(port: int, query: str = "") -> str:
    return f"postgresql://tiltak:{PASSWORD}@127.0.0.1:{port}/tiltak{query}"


def _no_answer(port: int, seconds: int) -> str:
    masked = _frozen(port).replace(PASSWORD, "***")
    return (
        f"Error: no answer from PostgreSQL at {masked} within {seconds} s:"
        f" is the server up and reachable? {CONNECT_TIMEOUT_HINT}"
    )


def test_a_frozen_server_is_given_up_on_after_tiltak_connect_timeout(
    black_hole: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TILTAK_CONNECT_TIMEOUT", "2")
    # Without a connect timeout the command would wait far longer than this guard.
    done = subprocess.CompletedProcess[str]([], 0)
    try:
        done = run("load-report", "--database-url", _frozen(black_hole), EXAMPLE)
    except subprocess.TimeoutExpired:
        pytest.fail("load-report still waited for the frozen server after 120 s")
    assert one_error(done) == _no_answer(black_hole, 2)


def test_the_urls_own_connect_timeout_wins(
    black_hole: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TILTAK_CONNECT_TIMEOUT", "600")
    url = _frozen(black_hole, "?connect_timeout=3")
    line = one_error(Cli(url).tiltak("db", "status"))
    masked = url.replace(PASSWORD, "***")
    assert line == (
        f"Error: no answer from PostgreSQL at {masked} within 3 s:"
        f" is the server up and reachable? {CONNECT_TIMEOUT_HINT}"
    )


@pytest.mark.slow
def test_the_default_connect_timeout_is_ten_seconds(
    black_hole: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TILTAK_CONNECT_TIMEOUT", raising=False)
    line = one_error(Cli(_frozen(black_hole)).tiltak("render", "--period", "2014-03"))
    assert line == _no_answer(black_hole, 10)
