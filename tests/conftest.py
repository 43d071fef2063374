"""Fixtures: a real PostgreSQL (TILTAK_TEST_DATABASE_URL, else an embedded server of the
tests' own), a migrated template database, and a fresh database per test."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from tiltak.cli import app, load_report_app
from tiltak.commands import load_reports, upgrade_database

# ci_required: skips CI must not accept; pytester: to test that plugin.
pytest_plugins = ["ci_required", "pytester"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "2014-03.txt"


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """An admin URL of the PostgreSQL server the tests run against."""
    configured = os.environ.get("TILTAK_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    from tiltak import database

    saved = os.environ.get(database.DATA_DIR_ENV)
    # Not under pytest's tmp_path: a later pytest session, as root, closes that tree to
    # 0700 and so locks out the server (it runs as another user) of a session still running.
    data = tempfile.mkdtemp(prefix="tiltak-test-server-")
    os.environ[database.DATA_DIR_ENV] = data
    try:
        yield database.embedded_url()
    finally:
        database.stop_embedded()
        shutil.rmtree(data, ignore_errors=True)
        if saved is None:
            del os.environ[database.DATA_DIR_ENV]
        else:
            os.environ[database.DATA_DIR_ENV] = saved


def _create_database(server_url: str, name: str, template: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("create database {} template {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    return _with_database(server_url, name)


def _drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="session")
def template_name(server_url: str) -> Iterator[str]:
    """A database migrated to head, copied for each test (much faster than migrating)."""
    name = f"tiltak_template_{uuid.uuid4().hex[:8]}"
    url = _create_database(server_url, name, "template0")
    upgrade_database(url)
    yield name
    _drop_database(server_url, name)


@pytest.fixture
def db_url(server_url: str, template_name: str) -> Iterator[str]:
    """A fresh database at head, with views, and no months loaded."""
    name = f"tiltak_test_{uuid.uuid4().hex[:12]}"
    url = _create_database(server_url, name, template_name)
    yield url
    _drop_database(server_url, name)


@pytest.fixture(scope="module")
def loaded_url(server_url: str, template_name: str) -> Iterator[str]:
    """One database for the module, with the real month loaded: every case of a module of
    refused reports tries to replace it, and none may change a byte of it."""
    name = f"tiltak_loaded_{uuid.uuid4().hex[:12]}"
    url = _create_database(server_url, name, template_name)
    try:
        load_reports([EXAMPLE], url)
        yield url
    finally:
        _drop_database(server_url, name)


@pytest.fixture(scope="module")
def before(loaded_url: str) -> dict[str, str]:
    """The checksums of every table of `loaded_url` before any case ran."""
    return table_checksums(loaded_url)


@pytest.fixture
def empty_db_url(server_url: str) -> Iterator[str]:
    """A fresh, empty database: no schema at all."""
    name = f"tiltak_empty_{uuid.uuid4().hex[:12]}"
    url = _create_database(server_url, name, "template0")
    yield url
    _drop_database(server_url, name)


class Cli:
    """Runs `tiltak` and `load-report` in-process, as a user would type them."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def tiltak(self, *args: str) -> object:
        return self.runner.invoke(app, list(args), env={"TILTAK_DATABASE_URL": self.url})

    def load_report(self, *args: str | Path) -> object:
        return self.runner.invoke(
            load_report_app, [str(a) for a in args], env={"TILTAK_DATABASE_URL": self.url}
        )


@pytest.fixture
def cli(db_url: str) -> Cli:
    return Cli(db_url)


def table_checksums(url: str) -> dict[str, str]:
    """md5 of the ordered contents of every table of the database, views excluded."""
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_type = 'BASE TABLE'"
            " and table_schema not in ('pg_catalog', 'information_schema')"
            " order by 1, 2"
        ).fetchall()
        sums = {}
        for schema, name in tables:
            ident = sql.Identifier(schema, name)
            query = sql.SQL(
                "select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from {} as t"
            ).format(ident)
            row = conn.execute(query).fetchone()
            assert row is not None
            sums[f"{schema}.{name}"] = row[0]
    return sums
