"""What every command of the CLI shares: options, the one exit point, lazy library import."""

from __future__ import annotations

import json
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from importlib import metadata
from types import ModuleType
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

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
        metavar="URL",
        envvar="TILTAK_DATABASE_URL",
        help="PostgreSQL URL, e.g. postgresql://user@host/db. Default: the embedded server.",
        show_default=False,
    ),
]
Debug = Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
Json = Annotated[
    bool,
    typer.Option(
        "--json", help="Print JSON for scripts: one object per line (errors still on stderr)."
    ),
]


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"tiltak {metadata.version('tiltak')}")
        raise typer.Exit()


Version = Annotated[
    bool,
    typer.Option(
        "--version",
        callback=_print_version,
        is_eager=True,
        expose_value=False,
        help="Show the version and exit.",
    ),
]

# Exit codes as click's: 2 for a command line that cannot be acted on, 1 for any other error.
USAGE_EXIT_CODE = 2


@contextmanager
def errors_to_exit_code() -> Iterator[None]:
    """The one exit point: a TiltakError becomes `Error: …` lines on stderr and exit code 1
    (2 for a UsageError, as click exits on the usage errors it finds itself)."""
    try:
        yield
    except TiltakError as exc:
        if state["debug"]:
            traceback.print_exc()
        for line in exc.lines():
            typer.echo(f"Error: {line}", err=True)
        raise typer.Exit(USAGE_EXIT_CODE if isinstance(exc, UsageError) else 1) from None


class PlainArgument(TyperArgument):
    """A positional argument shown by its metavar alone (`FILE...`, `[REVISION]`), as click
    shows one; typer would add `{files}` and a Python type name such as `<list[Path]>`."""

    def display_type(self, ctx: Any) -> str:
        return ""

    def _usage_display_name(self) -> str:
        name = self.metavar or (self.name or "").upper()
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return name if self.required or name.startswith("[") else f"[{name}]"


def _plain_arguments(params: list[Any]) -> list[Any]:
    for param in params:
        if type(param) is TyperArgument:
            param.__class__ = PlainArgument
    return params


class Group(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        with errors_to_exit_code():
            return super().invoke(ctx)

    def get_command(self, ctx: Any, name: str) -> Any:
        command = super().get_command(ctx, name)
        if command is not None:
            _plain_arguments(command.params)
        return command


class Command(TyperCommand):
    def invoke(self, ctx: Any) -> Any:
        state["debug"] = False  # `load-report` has no group callback to reset it per run
        with errors_to_exit_code():
            return super().invoke(ctx)

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_arguments(super().get_params(ctx))


def sub_app(help_text: str) -> typer.Typer:
    return typer.Typer(help=help_text, cls=Group, no_args_is_help=True, rich_markup_mode=None)


def periode(text: str) -> date:
    try:
        return parse_periode(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def echo(text: str, quiet: bool = False) -> None:
    if not quiet:
        typer.echo(text)


def emit(content: str | bytes | None) -> None:
    """Content for standard output (None: it went to a file)."""
    if content is not None:
        typer.echo(content, nl=False)


def emit_records(records: Iterable[dict[str, Any]]) -> None:
    """JSON lines: one compact object per line, so `jq` and line-based tools read them."""
    for record in records:
        typer.echo(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
