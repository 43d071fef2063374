"""What every command of the CLI shares: options, the one exit point, lazy library import."""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, Literal, NoReturn, get_args, get_origin

import typer
from typer._coercion import RuntimeParam
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

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


class _Coerced(RuntimeParam):
    """typer's coercion for the plain types tiltak's options take (str, Path, list[Path], a
    Literal of strings), without pydantic: typer builds a pydantic TypeAdapter for every
    parameter a command line processes, and importing pydantic costs a command more than
    its work. Anything else, and an invalid choice (for typer's own message), goes to typer.
    """

    def __init__(self, param: Any, convert: Any) -> None:
        self.param, self.convert = param, convert

    @property
    def annotation(self) -> Any:
        return self.param.type_descriptor.annotation

    @property
    def parameter_info(self) -> Any:
        return self.param.type_descriptor.parameter_info

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [self._one(item, param, ctx) for item in value]
        return self._one(value, param, ctx)

    def _one(self, value: Any, param: Any, ctx: Any) -> Any:
        converted = self.convert(value)
        if converted is _TYPERS:
            return _typer_runtime_param(self.param)._coerce_value(value, param, ctx)
        return converted


_TYPERS = object()  # a value only typer's coercion may judge
_PLAIN_PATH = {
    "exists": False, "file_okay": True, "dir_okay": True, "writable": False,
    "readable": True, "resolve_path": False, "allow_dash": False, "path_type": None,
    "parser": None,
}  # fmt: skip


def _converter(annotation: Any, info: Any) -> Any:
    """How to coerce a value of `annotation` without pydantic; None: leave it to typer."""
    if getattr(info, "parser", None) is not None:
        return None
    if annotation in (str, bool):
        return lambda value: value if isinstance(value, annotation) else _TYPERS
    item = get_args(annotation)[0] if get_origin(annotation) is list else annotation
    if item is Path and all(getattr(info, k, v) == v for k, v in _PLAIN_PATH.items()):
        return lambda value: Path(value) if isinstance(value, str) else _TYPERS
    if get_origin(annotation) is Literal and info.case_sensitive:
        choices = get_args(annotation)
        if all(isinstance(choice, str) for choice in choices):
            return lambda value: value if value in choices else _TYPERS
    return None


def _runtime_param(param: Any) -> Any:
    """For typer's parameter classes: plain types coerced by _Coerced."""
    if param._runtime_param is None:
        descriptor = param.type_descriptor
        convert = _converter(descriptor.annotation, descriptor.parameter_info)
        if convert is None:
            return _typer_runtime_param(param)
        param._runtime_param = _Coerced(param, convert)
    return param._runtime_param


def _typer_runtime_param(param: Any) -> Any:
    from typer._coercion import build_runtime_param

    return build_runtime_param(param.type_descriptor)


class QuickOption(TyperOption):
    def get_runtime_param(self) -> Any:
        return _runtime_param(self)


class PlainArgument(TyperArgument):
    """A positional argument shown by its metavar alone (`FILE...`, `[REVISION]`), as click
    shows one; typer would add `{files}` and a Python type name such as `<list[Path]>`."""

    def get_runtime_param(self) -> Any:
        return _runtime_param(self)

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
        elif type(param) is TyperOption:
            param.__class__ = QuickOption
    return params


class Group(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        with errors_to_exit_code():
            return super().invoke(ctx)

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_arguments(super().get_params(ctx))

    def get_command(self, ctx: Any, name: str) -> Any:
        command = super().get_command(ctx, name)
        if command is not None:
            _plain_arguments([*command.params, command.get_help_option(ctx)])
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


def run_then_exit(run: Callable[[], object]) -> NoReturn:
    """Run the command line, then leave without the interpreter's teardown (freeing every
    module takes longer than many commands): by then the command has committed and closed
    its connection, and only the output streams are left to flush. Not for tests, which call
    the apps through CliRunner."""
    try:
        run()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)  # as Python prints an exit message
        code = 0 if code is None else 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # e.g. a closed pipe: Python's own exit reports it
        raise SystemExit(code) from None
    os._exit(code)
