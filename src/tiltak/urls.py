"""Database URLs: their form, how to print them without secrets, how long to wait for a server.

Parsed here, as SQLAlchemy parses them (the form users know from its URLs), without importing
SQLAlchemy: it is a tenth of a second of every command's start.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote

from tiltak.errors import UsageError

CONNECT_TIMEOUT_ENV = "TILTAK_CONNECT_TIMEOUT"
DEFAULT_CONNECT_TIMEOUT = 10
MASK = "***"

# libpq's password and sslpassword, and whatever later versions add (oauth_client_secret,
# tokens): a parameter whose name says it holds a secret is never printed.
_SECRET_PARAMETER = re.compile(r"pass|secret|token", re.IGNORECASE)

# SQLAlchemy's URL pattern (sqlalchemy.engine.url._parse_url).
_PATTERN = re.compile(
    r"""
        (?P<name>[\w\+]+)://
        (?:
            (?P<username>[^:/]*)
            (?::(?P<password>[^@]*))?
        @)?
        (?:
            (?:
                \[(?P<ipv6host>[^/\?]+)\] |
                (?P<ipv4host>[^/:\?]+)
            )?
            (?::(?P<port>[^/\?]*))?
        )?
        (?:/(?P<database>[^\?]*))?
        (?:\?(?P<query>.*))?
    """,
    re.X,
)


@dataclass(frozen=True)
class Url:
    drivername: str
    username: str | None
    password: str | None
    host: str | None
    port: int | None
    database: str | None
    query: tuple[tuple[str, str], ...]  # in the URL's order; a key may repeat

    @property
    def backend(self) -> str:
        return self.drivername.split("+", 1)[0]

    def render(self, *, hide_password: bool, masked_query: bool = False) -> str:
        """As SQLAlchemy renders a URL (query keys sorted)."""
        text = self.drivername + "://"
        if self.username is not None:
            text += quote(self.username, safe=" +")
            if self.password is not None:
                text += ":" + (MASK if hide_password else quote(self.password, safe=" +"))
            text += "@"
        if self.host is not None:
            text += f"[{self.host}]" if ":" in self.host else self.host
        if self.port is not None:
            text += f":{self.port}"
        if self.database is not None:
            text += "/" + quote(self.database, safe=" +/")
        if self.query:
            parts = []
            for key, value in sorted(self.query, key=lambda item: item[0]):
                shown = MASK if masked_query and _is_secret(key) else quote_plus(value)
                parts.append(f"{quote_plus(key)}={shown}")
            text += "?" + "&".join(parts)
        return text

    def connect_kwargs(self) -> dict[str, Any]:
        """psycopg.connect's keyword arguments, as SQLAlchemy's psycopg dialect made them."""
        given = {
            "host": self.host,
            "port": self.port,
            "dbname": self.database,
            "user": self.username,
            "password": self.password,
        }
        kwargs: dict[str, Any] = {key: value for key, value in given.items() if value is not None}
        kwargs.update(self.query)
        return kwargs


def _parse(url: str) -> Url | None:
    match = _PATTERN.match(url)
    if match is None:
        return None
    parts = match.groupdict()
    try:
        port = int(parts["port"]) if parts["port"] else None
    except ValueError:  # a port that is not a number
        return None

    def unquoted(name: str) -> str | None:
        return None if parts[name] is None else unquote(parts[name])

    return Url(
        drivername=parts["name"],
        username=unquoted("username"),
        password=unquoted("password"),
        host=parts["ipv4host"] or parts["ipv6host"],
        port=port,
        database=unquoted("database"),
        query=tuple(parse_qsl(parts["query"] or "")),
    )


def _is_secret(parameter: str) -> bool:
    return bool(_SECRET_PARAMETER.search(parameter))


def mask_url(url: str) -> str:
    """The URL with its password and every secret-bearing query parameter as ***."""
    parsed = _parse(url)
    if parsed is None:
        return "<unparsable database URL>"
    if parsed.password == "":
        parsed = replace(parsed, password=None)  # `user:@host` has no password to hide
    return parsed.render(hide_password=True, masked_query=True)


def secrets_in(url: str) -> tuple[str, ...]:
    """The secret values a URL carries: its password and secret-bearing query values."""
    parsed = _parse(url)
    if parsed is None:
        return ()
    found = [parsed.password or ""]
    found.extend(value for key, value in parsed.query if _is_secret(key))
    return tuple(secret for secret in found if secret)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret, as given or as it appears in a URL, replaced by ***."""
    for secret in sorted(secrets, key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            text = text.replace(form, MASK)
    return text


def checked_url(url: str) -> Url:
    """The parsed URL of a PostgreSQL database, its parameters checked, or UsageError."""
    parsed = _parse(url)
    if parsed is None:
        # The parser's own message quotes the whole URL, password and all: not shown.
        raise UsageError(
            f"not a database URL: {mask_url(url)} (expected postgresql://user@host:port/db)"
        )
    if parsed.backend not in ("postgresql", "postgres"):
        raise UsageError(f"tiltak needs PostgreSQL, not {parsed.backend!r}")
    _check_parameters(parsed, mask_url(url))
    return parsed


def sqlalchemy_url(url: str) -> str:
    """The URL for SQLAlchemy's psycopg driver (alembic's own command line, tests)."""
    parsed = replace(checked_url(url), drivername="postgresql+psycopg")
    return parsed.render(hide_password=False)


def _check_parameters(parsed: Url, masked: str) -> None:
    """Refuse query parameters libpq does not know, or given twice, before connecting."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import make_conninfo

    keys = [key for key, _ in parsed.query]
    for key in keys:
        if keys.count(key) > 1:
            raise UsageError(f"parameter {key!r} given more than once in database URL {masked}")
    try:
        make_conninfo("", **dict.fromkeys(keys, ""))
    except ProgrammingError as exc:
        raise UsageError(f"{str(exc).strip()} in database URL {masked}") from None
    query = dict(parsed.query)
    if "connect_timeout" in query:
        _seconds(query["connect_timeout"], f"connect_timeout in database URL {masked}")


def psql_url(url: str) -> str:
    """A URL psql accepts (no SQLAlchemy driver suffix)."""
    parsed = _parse(url)
    if parsed is None:
        raise UsageError(f"not a database URL: {mask_url(url)}")
    return replace(parsed, drivername="postgresql").render(hide_password=False)


def _query(url: str) -> dict[str, str]:
    parsed = _parse(url)
    return {} if parsed is None else dict(parsed.query)


def connect_timeout(url: str) -> int:
    """Seconds to wait for a server to answer: the URL's connect_timeout, else
    TILTAK_CONNECT_TIMEOUT, else 10."""
    query = _query(url)
    if "connect_timeout" in query:
        return _seconds(query["connect_timeout"], "connect_timeout of the URL")
    configured = os.environ.get(CONNECT_TIMEOUT_ENV)
    if configured is None or configured.strip() == "":
        return DEFAULT_CONNECT_TIMEOUT
    return _seconds(configured, CONNECT_TIMEOUT_ENV)


def connect_arguments(url: str) -> dict[str, Any]:
    """Keyword arguments for psycopg.connect: the connect timeout unless the URL has one."""
    if "connect_timeout" in _query(url):
        return {}
    return {"connect_timeout": connect_timeout(url)}


def _seconds(value: str, source: str) -> int:
    # libpq reads 0 as "for ever", which is what the timeout is there to prevent.
    try:
        seconds = int(value.strip())
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise UsageError(f"{source} must be a whole number of seconds (1 or more), not {value!r}")
    return max(seconds, 2)  # what libpq and psycopg wait at the least
