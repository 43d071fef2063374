"""Command line: thin typer commands over tiltak.commands, with one exit point for errors."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from tiltak.errors import TiltakError, UsageError
from tiltak.model import BINARY_FORMATS, RENDER_FORMATS, parse_periode

_state = {"debug": False}


def _commands() -> ModuleType:
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
def _errors_to_exit_code() -> Iterator[None]:
    """The one exit point: a TiltakError becomes `Error: …` lines on stderr and exit code 1."""
    try:
        yield
    except TiltakError as exc:
        if _state["debug"]:
            traceback.print_exc()
        for line in exc.lines():
            typer.echo(f"Error: {line}", err=True)
        raise typer.Exit(1) from None


class _Group(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        with _errors_to_exit_code():
            return super().invoke(ctx)


class _Command(TyperCommand):
    def invoke(self, ctx: Any) -> Any:
        _state["debug"] = False  # `load-report` has no group callback to reset it per run
        with _errors_to_exit_code():
            return super().invoke(ctx)


app = typer.Typer(
    name="tiltak",
    cls=_Group,
    help="Load NAV's monthly 'Deltakere i arbeidsrettede tiltak' report into PostgreSQL"
    " and rebuild every published table by query.\n\n"
    "Example: load-report examples/2014-03.txt && tiltak render --period 2014-03",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(
    help="Manage the database: schema migrations, the embedded server and BI access.\n\n"
    "Example: tiltak db upgrade",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(db_app, name="db")
categories_app = typer.Typer(
    help="Category changes (new, renamed, moved tiltak) as alembic revisions.\n\n"
    "Example: tiltak categories plan 2016-01.txt",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(categories_app, name="categories")


@app.callback()
def _main_options(debug: Debug = False) -> None:
    _state["debug"] = debug


def _periode(text: str) -> date:
    try:
        return parse_periode(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def _echo(text: str, quiet: bool = False) -> None:
    if not quiet:
        typer.echo(text)


# -- loading ------------------------------------------------------------------------------


def load_command(
    files: Annotated[list[Path], typer.Argument(help="Report files (.txt), loaded in order.")],
    database_url: DatabaseUrl = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Load monthly report files into the database.

    Each file is checked against every rule of the publication before anything is written,
    and loaded in one transaction. Loading the same file again changes nothing; a new file
    for a month already loaded replaces that month. A refused file is listed with the line
    that is wrong, and the exit code is 1.

    Example: load-report examples/2014-03.txt
    """
    _state["debug"] = _state["debug"] or debug
    if quiet or len(files) < 2:
        _commands().load_reports(
            files, database_url, on_result=lambda result: _echo(result.describe(), quiet)
        )
        return
    # A bar on stderr for many files; each file's line is printed after it, so the two
    # streams do not garble each other on a terminal.
    lines: list[str] = []
    try:
        _commands().load_reports(
            files,
            database_url,
            on_result=lambda result: lines.append(result.describe()),
            progress=_stderr_progress,
        )
    finally:
        for line in lines:
            typer.echo(line)


def _stderr_progress(files: Sequence[Path]) -> Iterator[Path]:
    with typer.progressbar(
        files,
        label="Loading",
        file=sys.stderr,
        show_pos=True,
        item_show_func=lambda path: path.name if path else None,
    ) as bar:
        yield from bar


app.command("load")(load_command)
load_report_app = typer.Typer(
    add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None
)
load_report_app.command(cls=_Command)(load_command)


# -- reading ------------------------------------------------------------------------------


@app.command()
def render(
    period: Annotated[
        str, typer.Option("--period", "-p", metavar="YYYY-MM", help="Month, YYYY-MM.")
    ],
    table: Annotated[
        str | None,
        typer.Option(
            "--table", "-t", help="One table: hovedgrupper, tiltaksgrupper_kjonn, … or 1-6."
        ),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="text (the publication's layout, loadable again), markdown, csv (tidy),"
            " xlsx (a sheet per table) or html (a standalone page).",
        ),
    ] = "text",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Print a month's published tables, computed by the rapport views.

    Example: tiltak render --period 2014-03 --table hovedgrupper --format markdown
    """
    if output_format not in RENDER_FORMATS:
        choices = ", ".join(RENDER_FORMATS)
        raise UsageError(f"unknown format {output_format!r}; choose one of: {choices}")
    if output is None and output_format in BINARY_FORMATS and sys.stdout.isatty():
        raise UsageError(f"{output_format} is a binary format: write it with --output FILE")
    rendered = _commands().render_period(_periode(period), table, output_format, database_url)
    _write(rendered, output)


def _write(content: str | bytes, output: Path | None) -> None:
    if output is None:
        typer.echo(content, nl=False)
    elif isinstance(content, bytes):
        output.write_bytes(content)
    else:
        output.write_text(content, encoding="utf-8")


Periods = Annotated[
    list[str] | None,
    typer.Option(
        "--period",
        "-p",
        metavar="YYYY-MM",
        help="Month; repeat for several. Default: every loaded month.",
    ),
]


@app.command()
def verify(periods: Periods = None, database_url: DatabaseUrl = None) -> None:
    """Check that the views reproduce every published figure stored at load time.

    Prints each mismatch (table, kjønn, row, column, file line, both values), a `Note: `
    line where a later report implies last year's counts differ from those loaded for that
    month (NAV revised them; not a failure), and a summary. Exit code 0 only when every
    figure is reproduced.

    Example: tiltak verify --period 2014-03
    """
    result = _commands().verify_periods([_periode(p) for p in periods or ()], database_url)
    for line in result.lines():
        typer.echo(line)
    result.raise_for_mismatches()


@app.command("periods")
def periods_command(database_url: DatabaseUrl = None) -> None:
    """List loaded months with every load of each: file, sha256, when, replaced or current.

    Example: tiltak periods
    """
    typer.echo(_commands().list_periods(database_url), nl=False)


@app.command()
def export(
    periods: Periods = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="json-stat (JSON-stat 2.0).")
    ] = "json-stat",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Export rapport.deltakere (the finest published cells) as a JSON-stat 2.0 dataset.

    Dimensions periode, kjønn, hovedgruppe, tiltaksgruppe and tiltak, with labels.

    Example: tiltak export --period 2014-03 --format json-stat -o 2014-03.json
    """
    dates = [_periode(p) for p in periods or ()]
    _write(_commands().export_periods(dates, output_format, database_url), output)


# -- database -----------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    database_url: DatabaseUrl = None,
) -> None:
    """Migrate the schema to head (or REVISION) and rebuild all views, in one transaction.

    Example: tiltak db upgrade
    """
    typer.echo(_commands().upgrade_database(database_url, revision))


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or 0002.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Revert the schema to REVISION (refused when loaded months still need what it removes).

    Example: tiltak db downgrade -1
    """
    typer.echo(_commands().downgrade_database(revision, database_url))


@db_app.command("status")
def db_status(database_url: DatabaseUrl = None) -> None:
    """Show the schema revision of the database and of this installation.

    Example: tiltak db status
    """
    typer.echo(_commands().schema_status(database_url))


@db_app.command("url")
def db_url(database_url: DatabaseUrl = None) -> None:
    """Print a URL psql accepts, starting the embedded server if needed.

    Example: psql "$(tiltak db url)" -c 'select * from rapport.hovedgrupper'
    """
    typer.echo(_commands().database_url_for_psql(database_url))


@db_app.command("psql", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def db_psql(ctx: typer.Context, database_url: DatabaseUrl = None) -> None:
    """Open psql on the database; any further arguments go to psql.

    Uses psql from PATH, else the one that comes with the embedded server, so it works on a
    machine with only Python.

    Example: tiltak db psql -c 'select * from rapport.hovedgrupper'
    """
    raise typer.Exit(_commands().run_psql(ctx.args, database_url))


@db_app.command("grant-reader")
def db_grant_reader(
    login_role: Annotated[str, typer.Argument(help="An existing role that can log in.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Let LOGIN_ROLE read the rapport views (and nothing else) via the role rapport_leser.

    Run as a role with CREATEROLE. Role membership is server-wide: the login role can read
    the rapport views of every database on the server that grants rapport_leser.

    Example: tiltak db grant-reader metabase
    """
    typer.echo(_commands().grant_reader_role(login_role, database_url))


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL server (it starts again on the next command).

    Example: tiltak db stop
    """
    typer.echo(_commands().stop_embedded_server())


# -- categories and synthetic reports -----------------------------------------------------


@categories_app.command("plan")
def categories_plan(
    report: Annotated[Path, typer.Argument(help="A report with categories the database lacks.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Write an alembic revision adding the categories REPORT prints that its month lacks.

    New tiltak and tiltaksgrupper are placed in published order and valid from the report's
    month; a tiltak printed in another group moves there from that month on, earlier months
    keeping the old group. Prints the revision's path; the file explains how to turn an
    addition into an alias (a rename). It goes to alembic/versions, or to the directory in
    TILTAK_VERSIONS_DIR, which every tiltak command then reads revisions from as well.

    Example: tiltak categories plan 2016-01.txt && tiltak db upgrade && load-report 2016-01.txt
    """
    path, summary = _commands().plan_categories(report, database_url)
    typer.echo(summary, err=True)
    if path is not None:
        typer.echo(str(path))


@app.command()
def synth(
    directory: Annotated[Path, typer.Argument(help="Directory to write YYYY-MM.txt files to.")],
    months: Annotated[int, typer.Option("--months", "-n", help="How many months.")] = 120,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same files.")] = 1,
    start: Annotated[
        str | None, typer.Option("--start", help="First month, YYYY-MM (default 2014-03).")
    ] = None,
    with_changes: Annotated[
        bool, typer.Option("--with-changes", help="NAV's category changes of 2015-2021 too.")
    ] = False,
    revisions: Annotated[
        float, typer.Option("--revisions", help="Share of months revising last year's counts.")
    ] = 0.0,
    from_report: Annotated[
        Path | None,
        typer.Option("--from", help="Report to evolve from (default examples/2014-03.txt)."),
    ] = None,
) -> None:
    """Write generated monthly reports, evolved from the March 2014 figures, for testing.

    Every rule of the publication holds in them. With --with-changes, months from 2016 on
    print categories that need `tiltak categories plan` before they load.

    Example: tiltak synth /tmp/reports --months 120 --seed 7 && load-report /tmp/reports/*.txt
    """
    first = _periode(start) if start else None
    paths = _commands().write_synthetic_history(
        directory, months, seed, first, with_changes, revisions, from_report
    )
    typer.echo(f"{len(paths)} reports written to {directory}")


# -- the one exit point -------------------------------------------------------------------


def main() -> None:
    """Entry point of `tiltak`."""
    app()


def load_report_main() -> None:
    """Entry point of `load-report`."""
    load_report_app()
