"""`load-report` killed with SIGKILL at random moments of a load: the month is afterwards
either exactly as before or wholly the new file's, and the next load succeeds.

Each run starts the installed command as a real process, waits until it is talking to the
database, kills it after a random delay within the time a whole load takes, waits for the
server to end its session, and inspects what is there. Seeded, so a failure can be rerun.
"""

from __future__ import annotations

import hashlib
import random
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
import pytest

from conftest import _create_database, _drop_database, table_checksums
from mutations import ORIGINAL_BYTES, one_more_mentor, sessions, spawn, wait_until
from published import mismatches, read_publication
from tiltak.commands import load_reports
from tiltak.migrations import head_revision

MARCH = date(2014, 3, 1)
NAME = "tiltak-crash-test"
SEED = 20140301
SCENARIOS = ("empty database", "first load", "replacement")

State = tuple[object, ...]


def month_state(url: str) -> State | None:
    """What the database holds of March 2014; None when it has no schema at all."""
    with psycopg.connect(url) as conn:
        schemas = conn.execute(
            "select count(*) from pg_namespace where nspname in ('tiltak', 'rapport')"
        ).fetchone()
        version = conn.execute("select to_regclass('public.alembic_version')").fetchone()
        assert schemas is not None and version is not None
        if schemas[0] == 0 and version[0] is None:
            return None
        found = conn.execute(
            "select (select version_num from alembic_version),"
            " (select count(*) from pg_views where schemaname = 'rapport'),"
            " (select array_agg(sha256 order by innlesing_id) from tiltak.innlesing"
            "   where periode = %(p)s),"
            " (select count(*) from tiltak.periode where periode = %(p)s),"
            " (select count(*) from tiltak.antall where periode = %(p)s),"
            " (select count(*) from tiltak.fjorar_hovedgruppe where periode = %(p)s),"
            " (select count(*) from tiltak.fjorar_tiltaksgruppe where periode = %(p)s),"
            " (select count(*) from tiltak.publisert_celle join tiltak.innlesing i"
            "   using (innlesing_id) where i.periode = %(p)s and i.erstattet is null)",
            {"p": MARCH},
        ).fetchone()
    assert found is not None
    return tuple(found)


@dataclass(frozen=True)
class Files:
    before: Path  # the real report
    after: Path  # another valid March 2014 report: one more participant


@dataclass(frozen=True)
class Reference:
    """States after whole loads, and how long the database part of a load takes."""

    absent: State  # a database at head without the month
    loaded: State  # `before` loaded into an empty database
    replaced: State  # `before`, then `after` loaded
    seconds: dict[str, float]  # per scenario, from the first session to the commit


class Databases:
    def __init__(self, server_url: str, template: str) -> None:
        self.server_url, self.template = server_url, template
        self.names: list[str] = []

    def new(self, *, migrated: bool) -> str:
        name = f"tiltak_crash_{uuid.uuid4().hex[:12]}"
        self.names.append(name)
        return _create_database(self.server_url, name, self.template if migrated else "template0")

    def drop_all(self) -> None:
        for name in self.names:
            _drop_database(self.server_url, name)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    folder = tmp_path_factory.mktemp("crash")
    before, after = folder / "2014-03.txt", folder / "2014-03-revised.txt"
    before.write_bytes(ORIGINAL_BYTES)
    after.write_text(one_more_mentor(), encoding="utf-8")
    return Files(before, after)


@pytest.fixture(scope="module")
def databases(server_url: str, template_name: str) -> Iterator[Databases]:
    made = Databases(server_url, template_name)
    yield made
    made.drop_all()


def _prepare(scenario: str, databases: Databases, files: Files) -> tuple[str, Path]:
    """A database in the scenario's starting state, and the file whose load is killed."""
    url = databases.new(migrated=scenario != "empty database")
    if scenario == "replacement":
        load_reports([files.before], url)
        return url, files.after
    return url, files.before


def _loads_of_march(monitor: psycopg.Connection[tuple[object, ...]]) -> int:
    exists = monitor.execute("select to_regclass('tiltak.innlesing')").fetchone()
    if exists is None or exists[0] is None:
        return 0
    found = monitor.execute(
        "select count(*) from tiltak.innlesing where periode = %s", (MARCH,)
    ).fetchone()
    return int(str(found[0])) if found else 0


def _run(url: str, report: Path, kill_after: float | None) -> tuple[int, float]:
    """Run load-report; kill it `kill_after` seconds after its first session appears.

    Returns its exit status and, for a run not killed, the seconds from its first session
    to the commit of the month. Waits until the server has ended all sessions of the run
    (and so committed or rolled back its work).
    """
    with psycopg.connect(url, autocommit=True) as monitor:
        loads = _loads_of_march(monitor)
        process = spawn("load-report", "--quiet", report, url=url, name=NAME)
        wait_until(
            lambda: process.poll() is not None or sessions(monitor, NAME) > 0,
            "load-report connects",
        )
        start = time.monotonic()
        if kill_after is None:
            wait_until(lambda: _loads_of_march(monitor) > loads, "the load commits")
        else:
            try:
                process.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:  # still running: the moment has come
                process.send_signal(signal.SIGKILL)
        seconds = time.monotonic() - start
        process.communicate(timeout=120)
        wait_until(lambda: sessions(monitor, NAME) == 0, "the server ends the sessions")
    return process.returncode, seconds


@pytest.fixture(scope="module")
def reference(databases: Databases, files: Files) -> Reference:
    seconds = {}
    states = {}
    for scenario in SCENARIOS:
        url, report = _prepare(scenario, databases, files)
        if scenario == "first load":
            absent = month_state(url)
        code, seconds[scenario] = _run(url, report, kill_after=None)
        assert code == 0
        states[scenario] = month_state(url)
    assert states["empty database"] == states["first load"]
    assert absent is not None
    return Reference(absent, states["first load"], states["replacement"], seconds)


def _crash_and_check(
    scenario: str, delay: float, databases: Databases, files: Files, ref: Reference
) -> str:
    """One killed load; returns what it left: 'nothing' (as before) or 'all'."""
    url, report = _prepare(scenario, databases, files)
    before_state, before_sums = month_state(url), table_checksums(url)
    code, _ = _run(url, report, kill_after=delay)
    assert code in (0, -signal.SIGKILL)
    after_state = month_state(url)
    complete = ref.replaced if scenario == "replacement" else ref.loaded
    if after_state == complete:
        assert mismatches(url, read_publication(report)) == []
        outcome = "all"
    elif scenario == "empty database" and after_state == ref.absent:
        # Killed between its two transactions: the schema is made, whole; the month is not.
        outcome = "nothing"
    else:
        # Not a figure, not a row of the load history, not even the schema: as before.
        assert after_state == before_state, (scenario, delay, after_state)
        assert table_checksums(url) == before_sums
        outcome = "nothing"
    # And the next load goes through.
    [result] = load_reports([report], url)
    fresh = "replaced" if scenario == "replacement" else "loaded"
    assert result.outcome == ("unchanged" if outcome == "all" else fresh)
    assert month_state(url) == complete
    assert mismatches(url, read_publication(report)) == []
    return outcome


def _runs(count: int, ref: Reference) -> list[tuple[str, float]]:
    """`count` (scenario, delay) pairs, delays spread over a load until its commit, and a
    little after."""
    rng = random.Random(SEED)
    runs = []
    for i in range(count):
        scenario = SCENARIOS[i % len(SCENARIOS)]
        runs.append((scenario, rng.uniform(0, 1.2 * ref.seconds[scenario])))
    return runs


def test_a_load_killed_at_random_moments_leaves_all_or_nothing(
    databases: Databases, files: Files, reference: Reference
) -> None:
    for scenario, delay in _runs(3, reference):
        _crash_and_check(scenario, delay, databases, files, reference)


@pytest.mark.slow
def test_many_loads_killed_at_random_moments_leave_all_or_nothing(
    databases: Databases, files: Files, reference: Reference
) -> None:
    outcomes = [
        _crash_and_check(scenario, delay, databases, files, reference)
        for scenario, delay in _runs(45, reference)
    ]
    # The kills fell both inside loads and after their commit.
    assert outcomes.count("nothing") >= len(outcomes) // 2, outcomes
    assert outcomes.count("all") >= 1, outcomes


def test_the_reference_states_are_what_they_claim(reference: Reference, files: Files) -> None:
    head = head_revision()
    before_sha = hashlib.sha256(files.before.read_bytes()).hexdigest()
    after_sha = hashlib.sha256(files.after.read_bytes()).hexdigest()
    assert reference.absent[0] == head and reference.absent[2:] == (None, 0, 0, 0, 0, 0)
    assert reference.loaded[0] == head and reference.loaded[2] == [before_sha]
    assert reference.replaced[2] == [before_sha, after_sha]
    # Every count of the month is there: 36 tiltak x 3 hovedgrupper x 2 kjønn, and last
    # year's counts of 3 hovedgrupper and 10 tiltaksgrupper for each kjønn.
    assert reference.loaded[3:7] == (1, 216, 6, 20)
