"""The read-only role for BI tools: rapport_leser reads the rapport views and nothing else."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from conftest import EXAMPLE, Cli, table_checksums

VIEWS = (
    "hovedgrupper", "hovedgrupper_kjonn", "tiltaksgrupper", "tiltaksgrupper_kjonn",
    "tiltak_hovedgrupper", "tiltak_hovedgrupper_kjonn", "deltakere", "tidsserie",
)  # fmt: skip
PASSWORD = "bi-test-password"


@pytest.fixture
def login_role(server_url: str) -> Iterator[str]:
    """A uniquely named login role (roles are server-wide), dropped afterwards."""
    name = f"tiltak_bi_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("create role {} login password {}").format(
                sql.Identifier(name), sql.Literal(PASSWORD)
            )
        )
    yield name
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(name)))


def as_role(db_url: str, role: str) -> psycopg.Connection[tuple[object, ...]]:
    url = make_url(db_url).set(username=role, password=PASSWORD)
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def base_tables(db_url: str) -> list[tuple[str, str]]:
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema in ('tiltak', 'public') order by 1, 2"
        ).fetchall()
    return [(schema, name) for schema, name in rows]


def view_counts(db_url: str, role: str) -> dict[str, int]:
    counts = {}
    with as_role(db_url, role) as conn:
        for view in VIEWS:
            query = sql.SQL("select count(*) from {}").format(sql.Identifier("rapport", view))
            row = conn.execute(query).fetchone()
            assert row is not None
            counts[view] = row[0]
    return counts


# A view that is not automatically updatable refuses writes before privileges are checked:
# as a whole, or (an insert into a view of one relation) for a column that is an expression.
NOT_UPDATABLE = (
    psycopg.errors.ObjectNotInPrerequisiteState,
    psycopg.errors.FeatureNotSupported,
)


def refused(
    conn: psycopg.Connection[tuple[object, ...]],
    statement: sql.Composable,
    errors: tuple[type[Exception], ...] = (psycopg.errors.InsufficientPrivilege,),
) -> bool:
    try:
        conn.execute(statement)
    except errors:
        return True
    return False


@pytest.fixture
def reader(cli: Cli, login_role: str) -> str:
    assert cli.load_report(EXAMPLE).exit_code == 0
    result = cli.tiltak("db", "grant-reader", login_role)
    assert result.exit_code == 0, result.output
    assert f"granted rapport_leser to {login_role}" in result.stdout
    return login_role


def test_reader_selects_every_view(reader: str, db_url: str) -> None:
    counts = view_counts(db_url, reader)
    assert all(counts[view] > 0 for view in VIEWS), counts
    assert counts["deltakere"] == 216


def test_reader_cannot_read_base_tables_or_write_anywhere(reader: str, db_url: str) -> None:
    tables = base_tables(db_url)
    assert {("tiltak", "antall"), ("tiltak", "celle"), ("tiltak", "kube")} <= set(tables)
    with as_role(db_url, reader) as conn:
        for schema, name in tables:
            assert refused(conn, sql.SQL("select * from {}").format(sql.Identifier(schema, name)))
        antall = sql.Identifier("tiltak", "antall")
        assert refused(conn, sql.SQL("update {} set antall = 0").format(antall))
        assert refused(conn, sql.SQL("delete from {}").format(antall))
        assert refused(conn, sql.SQL("insert into {} select * from {}").format(antall, antall))
        either = (psycopg.errors.InsufficientPrivilege, *NOT_UPDATABLE)
        for view in VIEWS:
            target = sql.Identifier("rapport", view)
            insert = sql.SQL("insert into {} select * from {}").format(target, target)
            assert refused(conn, insert, either)
            assert refused(conn, sql.SQL("update {} set periode = periode").format(target), either)
            assert refused(conn, sql.SQL("delete from {}").format(target), either)
            # And not only because the view is not updatable: no write privilege either.
            granted = conn.execute(
                "select privilege_type from information_schema.table_privileges"
                " where table_schema = 'rapport' and table_name = %s",
                (view,),
            ).fetchall()
            assert granted == [("SELECT",)], (view, granted)
        for schema in ("rapport", "tiltak", "public"):
            table = sql.Identifier(schema, "bi_scratch")
            assert refused(conn, sql.SQL("create table {} (x int)").format(table))
        assert refused(conn, sql.SQL("create schema bi_scratch"))


def test_grants_survive_db_upgrade(reader: str, cli: Cli, db_url: str) -> None:
    before = view_counts(db_url, reader)
    with psycopg.connect(db_url) as conn:
        oid_before = conn.execute("select 'rapport.deltakere'::regclass::oid").fetchone()
    result = cli.tiltak("db", "upgrade")
    assert result.exit_code == 0, result.output
    with psycopg.connect(db_url) as conn:
        oid_after = conn.execute("select 'rapport.deltakere'::regclass::oid").fetchone()
    assert oid_before != oid_after  # the views really were dropped and recreated
    assert view_counts(db_url, reader) == before


def test_downgrade_revokes_and_upgrade_restores(reader: str, cli: Cli, db_url: str) -> None:
    assert cli.tiltak("db", "downgrade", "0002").exit_code == 0
    with as_role(db_url, reader) as conn:
        for view in VIEWS:
            target = sql.Identifier("rapport", view)
            assert refused(conn, sql.SQL("select * from {}").format(target)), view
    with psycopg.connect(db_url) as conn:
        role = conn.execute("select 1 from pg_roles where rolname = 'rapport_leser'").fetchone()
    assert role is not None  # other databases on the server may still use it
    assert cli.tiltak("db", "upgrade").exit_code == 0
    assert view_counts(db_url, reader)["deltakere"] == 216


def test_grant_reader_to_a_missing_role_is_an_error(cli: Cli) -> None:
    result = cli.tiltak("db", "grant-reader", f"no_such_role_{uuid.uuid4().hex[:8]}")
    assert result.exit_code == 2  # a usage error: an argument it cannot act on
    assert result.stderr.startswith("Error: no role 'no_such_role_")


def test_an_owner_without_createrole_migrates_and_grants_to_the_existing_role(
    server_url: str, login_role: str
) -> None:
    # The role exists (the template's migration created it); a plain database owner, who
    # could not create it, still gets the grants and can hand it out to no one.
    name = f"tiltak_owned_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("create database {} owner {}").format(
                sql.Identifier(name), sql.Identifier(login_role)
            )
        )
    owner_url = make_url(server_url).set(database=name, username=login_role, password=PASSWORD)
    url = owner_url.render_as_string(hide_password=False)
    try:
        cli = Cli(url)
        assert cli.load_report(EXAMPLE).exit_code == 0  # initialises the empty database
        with psycopg.connect(url) as conn:
            granted = conn.execute(
                "select privilege_type from information_schema.table_privileges"
                " where grantee = 'rapport_leser' and table_schema = 'rapport'"
            ).fetchall()
            usage = conn.execute(
                "select has_schema_privilege('rapport_leser', 'rapport', 'USAGE')"
            ).fetchone()
        assert granted == [("SELECT",)] * len(VIEWS)
        assert usage == (True,)
        bi_role = f"{login_role}_bi"
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("create role {} login").format(sql.Identifier(bi_role)))
        result = cli.tiltak("db", "grant-reader", bi_role)
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: not allowed to grant rapport_leser"), result.stderr
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )
            conn.execute(
                sql.SQL("drop role if exists {}").format(sql.Identifier(f"{login_role}_bi"))
            )


def _members_of_reader(db_url: str) -> list[str]:
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select m.rolname from pg_auth_members a join pg_roles m on m.oid = a.member"
            " join pg_roles r on r.oid = a.roleid where r.rolname = 'rapport_leser'"
        ).fetchall()
    return sorted(str(name) for (name,) in rows)


# Ways a role can do more than read the views, and the reason the refusal gives. {role} is
# the login role, {owner} the role that owns the schemas, {db} the test's database.
POWERFUL = {
    "superuser": ("alter role {role} superuser", "it is a superuser"),
    "owns schema rapport": ("alter schema rapport owner to {role}", "schema rapport"),
    "owns schema tiltak": ("alter schema tiltak owner to {role}", "schema tiltak"),
    "member of the schemas' owner": ("grant {owner} to {role}", "schema rapport, tiltak"),
    "member without inherit": (
        "alter role {role} noinherit; grant {owner} to {role}",
        "schema rapport, tiltak",
    ),
    "owns a base table": ("alter table tiltak.antall owner to {role}", "tables in tiltak"),
    "owns the database": ("alter database {db} owner to {role}", "owns (or is a member of"),
    "reads all data": ("grant pg_read_all_data to {role}", "member of pg_read_all_data"),
    "writes all data": ("grant pg_write_all_data to {role}", "member of pg_write_all_data"),
}


@pytest.mark.parametrize("power", POWERFUL)
def test_grant_reader_refuses_a_role_that_can_do_more(
    power: str, cli: Cli, db_url: str, login_role: str
) -> None:
    setup, reason = POWERFUL[power]
    assert cli.load_report(EXAMPLE).exit_code == 0
    with psycopg.connect(db_url, autocommit=True) as conn:
        owner = conn.execute(
            "select nspowner::regrole::text from pg_namespace where nspname = 'tiltak'"
        ).fetchone()
        assert owner is not None
        names = {
            "role": sql.Identifier(login_role),
            "owner": sql.Identifier(owner[0]),
            "db": sql.Identifier(make_url(db_url).database or ""),
        }
        for statement in setup.split("; "):
            conn.execute(sql.SQL(statement).format(**names))
    before = table_checksums(db_url)
    members = _members_of_reader(db_url)
    try:
        result = cli.tiltak("db", "grant-reader", login_role)
        assert result.exit_code == 2, result.output  # the role named is a usage error
        [line] = result.stderr.splitlines()
        assert line.startswith(f"Error: refused to make {login_role} a read-only role: "), line
        assert reason in line
        assert _members_of_reader(db_url) == members
        assert table_checksums(db_url) == before
    finally:
        with psycopg.connect(db_url, autocommit=True) as conn:
            # Give back what the role was given, so that it can be dropped.
            conn.execute(sql.SQL("reassign owned by {} to current_user").format(names["role"]))
            conn.execute(sql.SQL("alter role {} nosuperuser").format(names["role"]))


def test_grant_reader_postgres_the_superuser_is_refused(cli: Cli, db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "select current_user, usesuper from pg_user where usename = current_user"
        ).fetchone()
    assert row is not None
    if not row[1]:
        pytest.skip("the test server's admin role is not a superuser")
    result = cli.tiltak("db", "grant-reader", row[0])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: refused to make {row[0]} a read-only role: it is a superuser, which reads and"
        " changes everything; create a login role of its own for the BI tool"
        " (CREATE ROLE bi LOGIN PASSWORD '…') and grant that\n"
    )
