"""Commands at the same moment: loads of different months, loads of one month, and a load
while `tiltak render` reads. Real processes of the installed commands; where they must
meet, the test holds a lock until all of them wait for it, so the overlap is certain."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import psycopg
import pytest

from mutations import (
    ORIGINAL,
    ORIGINAL_BYTES,
    one_more_mentor,
    sessions,
    spawn,
    wait_until,
    with_month,
)
from published import mismatches, read_publication
from tiltak.commands import load_reports, render_period
from tiltak.database import open_database
from tiltak.loading import load_file

MONTHS = {"Mars 2014": "2014-03", "April 2014": "2014-04", "Mai 2014": "2014-05",
          "Juni 2014": "2014-06"}  # fmt: skip
MARCH = date(2014, 3, 1)
NAME = "tiltak-concurrency-test"


def _month_files(tmp_path: Path) -> list[Path]:
    files = []
    for month, stem in MONTHS.items():
        path = tmp_path / f"{stem}.txt"
        path.write_text(with_month(ORIGINAL, month), encoding="utf-8")
        files.append(path)
    return files


def _all_wait(
    monitor: psycopg.Connection[tuple[object, ...]], processes: list[subprocess.Popen[str]]
) -> Callable[[], bool]:
    def check() -> bool:
        for process in processes:
            assert process.poll() is None, process.communicate()
        return sessions(monitor, NAME, waiting=True) == len(processes)

    return check


def _finish(processes: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append((process.returncode, out, err))
    return results


def _current_loads(url: str) -> list[tuple[date, str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select periode, sha256 from tiltak.innlesing where erstattet is null order by 1"
        ).fetchall()
    return [(periode, sha) for periode, sha in rows]


def _load_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        found = conn.execute("select count(*) from tiltak.innlesing").fetchone()
    assert found is not None
    return int(found[0])


def test_four_processes_initialise_an_empty_database_and_load_four_months(
    empty_db_url: str, tmp_path: Path
) -> None:
    files = _month_files(tmp_path)
    with psycopg.connect(empty_db_url, autocommit=True) as monitor:
        # All four find the database empty and must meet where it is initialised.
        monitor.execute("select pg_advisory_lock(hashtext('tiltak.schema'))")
        processes = [spawn("load-report", f, url=empty_db_url, name=NAME) for f in files]
        wait_until(_all_wait(monitor, processes), "all four wait to initialise the database")
        monitor.execute("select pg_advisory_unlock(hashtext('tiltak.schema'))")
        results = _finish(processes)
    for (code, out, err), path in zip(results, files, strict=True):
        assert (code, err) == (0, ""), err
        assert out == f"{path}: {path.stem} loaded (216 counts)\n"
    for path in files:
        assert mismatches(empty_db_url, read_publication(path)) == []
    assert [f"{p:%Y-%m}" for p, _ in _current_loads(empty_db_url)] == list(MONTHS.values())


def _load_at_once(url: str, files: list[Path]) -> list[tuple[int, str, str]]:
    """Start a load of every file, hold them all before their first write, then let go."""
    with psycopg.connect(url) as blocker:
        # Every load writes tiltak.innlesing: none gets past its first look at it until all
        # have started.
        blocker.execute("lock table tiltak.innlesing in access exclusive mode")
        processes = [spawn("load-report", f, url=url, name=NAME) for f in files]
        with psycopg.connect(url, autocommit=True) as monitor:
            wait_until(_all_wait(monitor, processes), "all loads wait")
        blocker.commit()
    return _finish(processes)


def test_four_processes_load_four_months_at_once(db_url: str, tmp_path: Path) -> None:
    files = _month_files(tmp_path)
    results = _load_at_once(db_url, files)
    assert [(code, err) for code, _, err in results] == [(0, "")] * 4
    for path in files:
        assert mismatches(db_url, read_publication(path)) == []
    assert len(_current_loads(db_url)) == 4


def test_four_processes_loading_one_file_load_it_once(db_url: str, tmp_path: Path) -> None:
    files = [tmp_path / f"copy{i}" / "2014-03.txt" for i in range(4)]
    for path in files:
        path.parent.mkdir()
        path.write_bytes(ORIGINAL_BYTES)
    results = _load_at_once(db_url, files)
    assert [(code, err) for code, _, err in results] == [(0, "")] * 4
    outcomes = sorted(out.split(": ", 1)[1].strip() for _, out, _ in results)
    assert outcomes == ["2014-03 already loaded from this file; nothing to do"] * 3 + [
        "2014-03 loaded (216 counts)"
    ]
    assert len(_current_loads(db_url)) == 1
    assert _load_count(db_url) == 1
    assert mismatches(db_url, read_publication(files[0])) == []


def test_four_processes_loading_four_files_of_one_month_leave_one(
    db_url: str, tmp_path: Path
) -> None:
    other = one_more_mentor()
    texts = [ORIGINAL, ORIGINAL.replace("\n", "\r\n"), other, other.replace("\n", "\r\n")]
    files = []
    for i, content in enumerate(texts):
        path = tmp_path / f"2014-03-{i}.txt"
        path.write_bytes(content.encode())
        files.append(path)
    results = _load_at_once(db_url, files)
    assert [(code, err) for code, _, err in results] == [(0, "")] * 4
    # One after the other: each replaced the one before, unless it had the same figures
    # (a CRLF copy right after its original changes nothing): 2 to 4 loads.
    assert 2 <= _load_count(db_url) <= 4
    [(periode, sha)] = _current_loads(db_url)
    assert periode == MARCH
    import hashlib

    [current] = [f for f in files if hashlib.sha256(f.read_bytes()).hexdigest() == sha]
    assert mismatches(db_url, read_publication(current)) == []


def test_render_sees_a_month_whole_while_a_load_replaces_it(db_url: str, tmp_path: Path) -> None:
    before, after = tmp_path / "2014-03.txt", tmp_path / "2014-03-revised.txt"
    before.write_bytes(ORIGINAL_BYTES)
    after.write_text(one_more_mentor(), encoding="utf-8")
    load_reports([after], db_url)
    text_after = render_period(MARCH, database_url=db_url)
    load_reports([before], db_url)
    text_before = render_period(MARCH, database_url=db_url)
    assert text_before != text_after

    database = open_database(db_url)
    with database.begin() as connection:
        # Hold the reader after it has taken its snapshot (checking the schema's revision):
        # it waits for this lock at its first table, as every view reads its stored rows ...
        connection.execute(
            "lock table tiltak.lagret_hovedgrupper, tiltak.lagret_hovedgrupper_kjonn,"
            " tiltak.lagret_tiltaksgrupper, tiltak.lagret_tiltaksgrupper_kjonn,"
            " tiltak.lagret_tiltak_hovedgrupper, tiltak.lagret_tiltak_hovedgrupper_kjonn"
            " in access exclusive mode"
        )
        reader = spawn("tiltak", "render", "--period", "2014-03", url=db_url, name=NAME)
        with psycopg.connect(db_url, autocommit=True) as monitor:
            wait_until(_all_wait(monitor, [reader]), "the reader waits")
        # ... while this transaction replaces the month, and commits before the reader goes on.
        assert load_file(connection, after).outcome == "replaced"
    out, err = reader.communicate(timeout=60)
    assert (reader.returncode, err) == (0, "")
    assert out == text_before  # all six tables from one snapshot: never half of each
    assert render_period(MARCH, database_url=db_url) == text_after


@pytest.mark.slow
def test_renders_during_many_replacements_each_see_one_whole_month(
    db_url: str, tmp_path: Path
) -> None:
    """Ten rounds, each a render and a replacing load in processes of their own that are held
    until both are under way: every reader overlaps a replacement, however fast the machine."""
    files = [tmp_path / "a.txt", tmp_path / "b.txt"]
    files[0].write_bytes(ORIGINAL_BYTES)
    files[1].write_text(one_more_mentor(), encoding="utf-8")
    renders = []
    for path in files:
        load_reports([path], db_url)
        renders.append(render_period(MARCH, database_url=db_url))
    assert renders[0] != renders[1]
    for round_number in range(10):
        # b.txt was loaded last: round 0 replaces it with a.txt, round 1 with b.txt again, …
        current, other = (round_number + 1) % 2, round_number % 2
        with psycopg.connect(db_url) as blocker:
            # The reader reads tables 1 and 2, then waits here (table 3's view reads its
            # stored rows); the loader waits here too, its replacement of the month under way.
            blocker.execute(
                "lock table tiltak.fjorar_tiltaksgruppe, tiltak.lagret_tiltaksgrupper"
                " in access exclusive mode"
            )
            reader = spawn("tiltak", "render", "--period", "2014-03", url=db_url, name=NAME)
            loader = spawn("load-report", files[other], url=db_url, name=NAME)
            with psycopg.connect(db_url, autocommit=True) as monitor:
                wait_until(_all_wait(monitor, [reader, loader]), "the reader and loader wait")
            blocker.commit()
        (read_code, out, read_err), (load_code, load_out, load_err) = _finish([reader, loader])
        assert (read_code, read_err) == (0, "")
        assert (load_code, load_err) == (0, ""), load_err
        assert load_out == f"{files[other]}: 2014-03 replaced (216 counts)\n"
        assert out == renders[current], f"round {round_number}: the reader saw a mixed month"
        assert render_period(MARCH, database_url=db_url) == renders[other]
