"""Read-only access for BI tools: membership of rapport_leser for a login role."""

from __future__ import annotations

import psycopg
from psycopg import sql

from tiltak.database import Connection
from tiltak.errors import DatabaseError, UsageError
from tiltak.migrations import READER_ROLE

_CREATE_HINT = (
    f"role {READER_ROLE} does not exist on this server (creating it needs CREATEROLE):"
    f" ask an administrator to run `CREATE ROLE {READER_ROLE} NOLOGIN`, then run this again"
)


# What a role can do beyond rapport_leser, each as a reason to refuse it: a BI login with any
# of these could read the base tables or change the data, whatever it is granted.
_POWERS = """
    select r.rolsuper as superuser,
           (select string_agg(n.nspname, ', ' order by n.nspname) from pg_namespace n
             where n.nspname in ('tiltak', 'rapport')
               and pg_has_role(r.oid, n.nspowner, 'MEMBER')) as owned_schemas,
           (select string_agg(distinct n.nspname, ', ' order by n.nspname) from pg_class c
              join pg_namespace n on n.oid = c.relnamespace
             where n.nspname in ('tiltak', 'rapport')
               and pg_has_role(r.oid, c.relowner, 'MEMBER')) as owned_tables,
           (select pg_has_role(r.oid, d.datdba, 'MEMBER') from pg_database d
             where d.datname = current_database()) as owns_database,
           (select string_agg(p.rolname, ', ' order by p.rolname) from pg_roles p
             where p.rolname in ('pg_read_all_data', 'pg_write_all_data')
               and pg_has_role(r.oid, p.oid, 'MEMBER')) as all_data
      from pg_roles r where r.rolname = %(role)s
"""


def _refuse_powerful_role(connection: Connection, login_role: str) -> None:
    """Refuse a role that could do more than read the views: the command promises that."""
    powers = connection.execute(_POWERS, {"role": login_role}).fetchone()
    assert powers is not None  # the caller found the role
    reason = None
    if powers.superuser:
        reason = "it is a superuser, which reads and changes everything"
    elif powers.owned_schemas:
        reason = f"it owns (or is a member of the owner of) schema {powers.owned_schemas}"
    elif powers.owned_tables:
        reason = f"it owns (or is a member of the owner of) tables in {powers.owned_tables}"
    elif powers.owns_database:
        reason = "it owns (or is a member of the owner of) this database"
    elif powers.all_data:
        reason = f"it is a member of {powers.all_data}, which reach every table"
    if reason:
        raise UsageError(
            f"refused to make {login_role} a read-only role: {reason}; create a login role"
            f" of its own for the BI tool (CREATE ROLE bi LOGIN PASSWORD '…') and grant that"
        )


def grant_reader(connection: Connection, login_role: str) -> str:
    """Make `login_role` a member of rapport_leser, after (re)applying the role's grants.

    The grants are applied here too, so a database migrated by a user who could not create
    the role gets them once an administrator has created it.
    """
    roles = {
        row.rolname: row.rolcanlogin
        for row in connection.execute(
            "select rolname, rolcanlogin from pg_roles where rolname in (%(reader)s, %(login)s)",
            {"reader": READER_ROLE, "login": login_role},
        )
    }
    if READER_ROLE not in roles:
        raise DatabaseError(_CREATE_HINT)
    if login_role not in roles:
        raise UsageError(
            f"no role {login_role!r} on this server: create it first, e.g."
            f" CREATE ROLE {login_role} LOGIN PASSWORD '…'"
        )
    if login_role == READER_ROLE:
        raise UsageError(f"give the name of a login role, not {READER_ROLE} itself")
    _refuse_powerful_role(connection, login_role)
    reader, login = sql.Identifier(READER_ROLE), sql.Identifier(login_role)
    try:
        connection.execute(sql.SQL("grant usage on schema rapport to {}").format(reader))
        connection.execute(
            sql.SQL("grant select on all tables in schema rapport to {}").format(reader)
        )
        connection.execute(
            sql.SQL("grant execute on all functions in schema rapport to {}").format(reader)
        )
        connection.execute(sql.SQL("grant {} to {}").format(reader, login))
    except psycopg.errors.InsufficientPrivilege as exc:
        first = str(exc).splitlines()[0]
        raise DatabaseError(
            f"not allowed to grant {READER_ROLE}: {first}; run this as a role with CREATEROLE"
            f" (or ADMIN OPTION on {READER_ROLE})"
        ) from exc
    login_note = "" if roles[login_role] else f" (note: {login_role} has no LOGIN)"
    return (
        f"granted {READER_ROLE} to {login_role}: it may now SELECT from the rapport views"
        f" of this database and nothing else{login_note}"
    )
