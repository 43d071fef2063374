"""A database in trouble (down, full, read-only, wrong password ...): one line for the user,
saying what went wrong and what to do."""

from __future__ import annotations

import re

import psycopg

from tiltak.errors import DatabaseError
from tiltak.urls import CONNECT_TIMEOUT_ENV

# SQLSTATEs of a database in trouble, as opposed to a bug in tiltak's SQL: connection (08),
# read-only transaction (25006), authorisation (28), missing database (3D000), permission
# (42501), resources such as disk or connections (53), lock timeout (55P03), operator
# intervention such as a statement timeout or a shutdown (57), system errors (58).
_TROUBLE_STATES = ("08", "25006", "28", "3D000", "42501", "53", "55P03", "57", "58")
MISSING_DATABASE = re.compile(r'database "([^"]+)" does not exist')


def is_trouble(error: BaseException | None) -> bool:
    """True for errors of the server or its state, which the user can act on."""
    if isinstance(error, psycopg.OperationalError):
        return True
    state = getattr(error, "sqlstate", None) or ""
    return state.startswith(_TROUBLE_STATES)


def explain_connection_error(
    error: BaseException | None, where: str, *, timeout: int | None = None
) -> DatabaseError:
    """One line saying what went wrong with the database at `where` and what to do."""
    lines = str(error or "").strip().splitlines()
    first = lines[0] if lines else "unknown error"
    first = first.removeprefix("connection failed: ")
    lowered = " ".join(lines).lower()
    state = getattr(error, "sqlstate", None) or ""
    missing = MISSING_DATABASE.search(first)
    if isinstance(error, psycopg.errors.ConnectionTimeout):
        waited = f" within {timeout} s" if timeout else ""
        message = (
            f"no answer from PostgreSQL at {where}{waited}: is the server up and reachable?"
            f" ({CONNECT_TIMEOUT_ENV} or the URL's connect_timeout sets the wait)"
        )
    elif "pg_hba.conf" in lowered:
        message = f"PostgreSQL at {where} lets no such login in ({first}): see its pg_hba.conf"
    elif state.startswith("28") or "password" in lowered or "authentication failed" in lowered:
        message = f"wrong user or password for {where}: check --database-url"
    elif state == "3D000" or missing:
        name = missing[1] if missing else "the database"
        message = f"database {name!r} does not exist at {where}: create it or fix --database-url"
    elif state == "25006" or "read-only transaction" in lowered:
        message = (
            f"the database at {where} is read-only: nothing was written;"
            " make it writable or use another --database-url"
        )
    elif state == "53100" or "no space left" in lowered:
        message = (
            f"PostgreSQL at {where} is out of disk space: nothing was written;"
            " free some space and run the command again"
        )
    elif state == "42501":
        message = f"permission denied at {where} ({first}): connect as a role with that right"
    elif state in ("57014", "55P03") or "canceling statement" in lowered:
        message = f"PostgreSQL at {where} gave up waiting ({first}): nothing was written"
    elif state.startswith("57") or "closed the connection" in lowered:
        message = (
            f"lost the connection to PostgreSQL at {where} ({first}):"
            " run the command again once the server is up (a load is all or nothing)"
        )
    elif "resolve host" in lowered:
        message = f"cannot reach PostgreSQL at {where}: unknown host"
    elif any(words in lowered for words in ("refused", "could not connect", "no such file")):
        message = f"cannot reach PostgreSQL at {where}: is the server running?"
    else:
        message = f"database error at {where}: {first}"
    return DatabaseError(message)
