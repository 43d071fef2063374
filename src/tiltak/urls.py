"""Database URLs: their form, how to print them without secrets, how long to wait for a server."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from tiltak.errors import UsageError

CONNECT_TIMEOUT_ENV = "TILTAK_CONNECT_TIMEOUT"
DEFAULT_CONNECT_TIMEOUT = 10
MASK = "***"

# libpq's password and sslpassword, and whatever later versions add (oauth_client_secret,
# tokens): a parameter whose name says it holds a secret is never printed.
_SECRET_PARAMETER = re.compile(r"pass|secret|token", re.IGNORECASE)
# Not printable in a URL as is: stands for the mask until the URL is rendered.
_MASK_PLACEHOLDER = "tiltakmaskedsecret"


def _parse(url: str) -> URL | None:
    try:
        return make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        return None


def _is_secret(parameter: str) -> bool:
    return bool(_SECRET_PARAMETER.search(parameter))


def mask_url(url: str) -> str:
    """The URL with its password and every secret-bearing query parameter as ***."""
    parsed = _parse(url)
    if parsed is None:
        return "<unparsable database URL>"
    if parsed.password == "":
        parsed = parsed._replace(password=None)  # `user:@host` has no password to hide
    masked = {key: _MASK_PLACEHOLDER for key in parsed.query if _is_secret(key)}
    rendered = parsed.update_query_dict(masked).render_as_string(hide_password=True)
    return rendered.replace(_MASK_PLACEHOLDER, MASK)


def secrets_in(url: str) -> tuple[str, ...]:
    """The secret values a URL carries: its password and secret-bearing query values."""
    parsed = _parse(url)
    if parsed is None:
        return ()
    found = [str(parsed.password or "")]
    for key, value in parsed.query.items():
        if _is_secret(key):
            found.extend([value] if isinstance(value, str) else value)
    return tuple(secret for secret in found if secret)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret, as given or as it appears in a URL, replaced by ***."""
    for secret in sorted(secrets, key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            text = text.replace(form, MASK)
    return text


def sqlalchemy_url(url: str) -> str:
    parsed = _parse(url)
    if parsed is None:
        # The parser's own message quotes the whole URL, password and all: not shown.
        raise UsageError(
            f"not a database URL: {mask_url(url)} (expected postgresql://user@host:port/db)"
        )
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise UsageError(f"tiltak needs PostgreSQL, not {parsed.get_backend_name()!r}")
    _check_parameters(parsed, mask_url(url))
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def _check_parameters(parsed: URL, masked: str) -> None:
    """Refuse query parameters libpq does not know, or given twice, before connecting."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import make_conninfo

    for key, value in parsed.query.items():
        if not isinstance(value, str):
            raise UsageError(f"parameter {key!r} given more than once in database URL {masked}")
    try:
        make_conninfo("", **{key: "" for key in parsed.query})
    except ProgrammingError as exc:
        raise UsageError(f"{str(exc).strip()} in database URL {masked}") from None
    if "connect_timeout" in parsed.query:
        _seconds(str(parsed.query["connect_timeout"]), f"connect_timeout in database URL {masked}")


def psql_url(url: str) -> str:
    """A URL psql accepts (no SQLAlchemy driver suffix)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def connect_timeout(url: str) -> int:
    """Seconds to wait for a server to answer: the URL's connect_timeout, else
    TILTAK_CONNECT_TIMEOUT, else 10."""
    parsed = _parse(url)
    if parsed is not None and "connect_timeout" in parsed.query:
        return _seconds(str(parsed.query["connect_timeout"]), "connect_timeout of the URL")
    configured = os.environ.get(CONNECT_TIMEOUT_ENV)
    if configured is None or configured.strip() == "":
        return DEFAULT_CONNECT_TIMEOUT
    return _seconds(configured, CONNECT_TIMEOUT_ENV)


def connect_arguments(url: str) -> dict[str, Any]:
    """Keyword arguments for psycopg.connect: the connect timeout unless the URL has one."""
    parsed = _parse(url)
    if parsed is not None and "connect_timeout" in parsed.query:
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
