"""What every command of the CLI shares: options, the one exit point, lazy library import."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from tiltak.errors import TiltakError, UsageError
from tiltak.model import parse_periode

state = {"debug": False}


def commands() -> ModuleType:
    # Imported on use: SQLAlchemy and alembic would double the start-up time of --help.
    from tiltak import commands

    return commands


DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="TILTAK_DATABASE_URL",
        help="PostgreSQL URL, e.g. postgresql://user@host/db. Default: the embedded server.",
        show_default=False,
    ),
]
Debug = Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]


@contextmanager
def errors_to_exit_code() -> Iterator[None]:
    """The one exit point: a TiltakError becomes `Error: …` lines on stderr and exit code 1."""
    try:
        yield
    except TiltakError as exc:
        if state["debug"]:
            traceback.print_exc()
        for line in exc.lines():
            typer.echo(f"Error: {line}", err=True)
        raise typer.Exit(1) from None


class Group(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        with errors_to_exit_code():
            return super().invoke(ctx)


class Command(TyperCommand):
    def invoke(self, ctx: Any) -> Any:
        state["debug"] = False  # `load-report` has no group callback to reset it per run
        with errors_to_exit_code():
            return super().invoke(ctx)


def sub_app(help_text: str) -> typer.Typer:
    return typer.Typer(help=help_text, no_args_is_help=True, rich_markup_mode=None)


def periode(text: str) -> date:
    try:
        return parse_periode(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def echo(text: str, quiet: bool = False) -> None:
    if not quiet:
        typer.echo(text)


def write(content: str | bytes, output: Path | None) -> None:
    if output is None:
        typer.echo(content, nl=False)
    elif isinstance(content, bytes):
        output.write_bytes(content)
    else:
        output.write_text(content, encoding="utf-8")
