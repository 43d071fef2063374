"""Command line: thin typer commands over tiltak.commands, with one exit point for errors.

The `db` and `categories` sub-commands live in modules of their own.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import typer

from tiltak.cli.categories import categories_app
from tiltak.cli.common import (
    Command,
    DatabaseUrl,
    Debug,
    Group,
    Json,
    Quiet,
    Version,
    commands,
    echo,
    emit,
    emit_records,
    periode,
    run_then_exit,
    state,
)
from tiltak.cli.db import db_app
from tiltak.errors import UsageError
from tiltak.model import TABLES, MonthRange

app = typer.Typer(
    name="tiltak",
    cls=Group,
    help="Load NAV's monthly 'Deltakere i arbeidsrettede tiltak' report into PostgreSQL"
    " and rebuild every published table by query.\n\n"
    "Example: load-report examples/2014-03.txt && tiltak render --period 2014-03",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(db_app, name="db")
app.add_typer(categories_app, name="categories")


@app.callback()
def _main_options(debug: Debug = False, version: Version = False) -> None:
    state["debug"] = debug


# -- loading ------------------------------------------------------------------------------


def load_command(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE...", help="Report files (.txt), loaded in order."),
    ],
    database_url: DatabaseUrl = None,
    quiet: Quiet = False,
    as_json: Json = False,
    debug: Debug = False,
    version: Version = False,
) -> None:
    """Load monthly report files into the database.

    Each file is checked against every rule of the publication before anything is written,
    and loaded in one transaction. Loading the same file again changes nothing; a new file
    for a month already loaded replaces that month. A refused file is listed with the line
    that is wrong, and the exit code is 1. --json prints one object per file: file, periode,
    outcome (loaded, replaced, unchanged, same figures or refused), counts, notes, problems.

    Example: load-report examples/2014-03.txt
    """
    state["debug"] = state["debug"] or debug
    if as_json:
        from tiltak.records import load_record, refused_record

        commands().load_reports(
            files,
            database_url,
            on_result=lambda result: emit_records([load_record(result)]),
            on_refused=lambda path, error: emit_records([refused_record(path, error)]),
        )
        return
    if quiet or len(files) < 2:
        commands().load_reports(
            files, database_url, on_result=lambda result: echo(result.describe(), quiet)
        )
        return
    # A bar on stderr for many files; each file's line is printed after it, so the two
    # streams do not garble each other on a terminal.
    lines: list[str] = []
    try:
        commands().load_reports(
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
    add_completion=True, pretty_exceptions_enable=False, rich_markup_mode=None
)
load_report_app.command(cls=Command)(load_command)


# -- reading ------------------------------------------------------------------------------


# Spelled out, so that --help lists them and click refuses others (exit 2); the library
# checks them again for callers other than this CLI.
RenderFormat = Literal["text", "markdown", "csv", "xlsx", "html"]
Table = Literal[
    "hovedgrupper", "hovedgrupper_kjonn", "tiltaksgrupper", "tiltaksgrupper_kjonn",
    "tiltak_hovedgrupper", "tiltak_hovedgrupper_kjonn", "1", "2", "3", "4", "5", "6",
]  # fmt: skip
ExportFormat = Literal["json-stat"]
Kjonn = Literal["Kvinner", "Menn"]
Output = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE (its extension names the format when --format is not given);"
        " - is standard output.",
    ),
]


OnePeriod = Annotated[
    str | None,
    typer.Option(
        "--period", "-p", metavar="YYYY-MM", help="One month, YYYY-MM.", show_default=False
    ),
]
RangeFrom = Annotated[
    str | None,
    typer.Option(
        "--from",
        metavar="YYYY-MM",
        help="First month of a range (instead of --period). Default with --to: the first"
        " loaded month.",
        show_default=False,
    ),
]
RangeTo = Annotated[
    str | None,
    typer.Option(
        "--to",
        metavar="YYYY-MM",
        help="Last month of a range. Default with --from: the last loaded month.",
        show_default=False,
    ),
]
ForExcel = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="csv as Norwegian Excel opens it: UTF-8 with BOM, semicolons, CRLF.",
    ),
]


@app.command()
def render(
    period: OnePeriod = None,
    first: RangeFrom = None,
    last: RangeTo = None,
    table: Annotated[
        Table | None,
        typer.Option(
            "--table",
            "-t",
            metavar="TABLE",
            help="One table, by its view name or number: "
            + ", ".join(f"{spec.view} ({spec.number})" for spec in TABLES)
            + ". Default: all six.",
        ),
    ] = None,
    output_format: Annotated[
        RenderFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="text (the publication's layout, loadable again; the default), markdown,"
            " csv (tidy), xlsx (a sheet per table) or html (a standalone page). Over a"
            " range: text and markdown give each month in turn, csv and xlsx carry a periode"
            " column, html is one report of the last month's tables and the range's charts.",
            show_default=False,
        ),
    ] = None,
    excel: ForExcel = False,
    output: Output = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Print a month's, or a range of months', published tables, computed by the rapport views.

    Months of a range that are not loaded are skipped and named on standard error.

    Example: tiltak render --period 2014-03 --table hovedgrupper --format markdown

    Example: tiltak render --from 2014-03 --to 2015-02 --format csv --excel -o tiltak.csv
    """
    rendered = commands().render_to(
        months_chosen(period, first, last),
        table,
        output_format,
        output,
        database_url,
        terminal=sys.stdout.isatty(),
        excel=excel,
        on_note=lambda note: typer.echo(note, err=True),
    )
    emit(rendered)


def months_chosen(period: str | None, first: str | None, last: str | None) -> date | MonthRange:
    if period is not None and (first is not None or last is not None):
        raise UsageError("give either --period or --from/--to, not both")
    if period is not None:
        return periode(period)
    if first is None and last is None:
        raise UsageError("give a month with --period YYYY-MM, or a range with --from/--to")
    return MonthRange(periode(first) if first else None, periode(last) if last else None)


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
def verify(
    periods: Periods = None, database_url: DatabaseUrl = None, as_json: Json = False
) -> None:
    """Check that the views reproduce every published figure stored at load time.

    Prints each mismatch (table, kjønn, row, column, file line, both values), a `Note: `
    line where a later report implies last year's counts differ from those loaded for that
    month (NAV revised them; not a failure), and a summary. Exit code 0 only when every
    figure is reproduced. --json prints the summary, mismatches and notes as one object.

    Example: tiltak verify --period 2014-03
    """
    result = commands().verify_periods([periode(p) for p in periods or ()], database_url)
    if as_json:
        emit_records([result.record()])
    else:
        for line in result.lines():
            typer.echo(line)
    result.raise_for_mismatches()


@app.command("periods")
def periods_command(database_url: DatabaseUrl = None, as_json: Json = False) -> None:
    """List every month from the first loaded to the last: each load (file, sha256, when,
    current or replaced), the report's shape (full: six tables, by kjønn too; partial:
    tables 1, 3 and 5) and how many cells it printed hidden, and the months missing.

    --json prints one object per month, a missing one with status "missing".

    Example: tiltak periods --json
    """
    history = commands().period_history(database_url)
    if as_json:
        emit_records(history.records())
    else:
        for line in history.lines():
            typer.echo(line)


@app.command()
def export(
    periods: Periods = None,
    output_format: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="json-stat (JSON-stat 2.0; the default).",
            show_default=False,
        ),
    ] = None,
    output: Output = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Export every published count as a JSON-stat 2.0 dataset (a cube with totals).

    Dimensions periode (role time), kjønn, hovedgruppe, tiltak (tiltaksgrupper with their
    tiltak as category.child) and ContentsCode (role metric); ids are codes a rename never
    changes, labels the published names; hidden counts are null with status `*`.

    Example: tiltak export --period 2014-03 --format json-stat -o 2014-03.json
    """
    dates = [periode(p) for p in periods or ()]
    emit(commands().export_to(dates, output_format, output, database_url))


@app.command()
def chart(
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="FILE", help="The chart to write: FILE.svg or FILE.png."
        ),
    ],
    table: Annotated[
        Table | None,
        typer.Option(
            "--table",
            "-t",
            metavar="TABLE",
            help="Whose rows make the lines, by view name or number (default tiltaksgrupper):"
            " hovedgrupper with their total, tiltaksgrupper, or for tiltak_hovedgrupper the"
            " group sums; a table by kjønn draws each gender apart.",
        ),
    ] = None,
    kjonn: Annotated[
        Kjonn | None,
        typer.Option("--kjonn", "-k", help="One gender only (default: both summed)."),
    ] = None,
    first: Annotated[
        str | None,
        typer.Option("--from", metavar="YYYY-MM", help="First month (default: the first loaded)."),
    ] = None,
    last: Annotated[
        str | None,
        typer.Option("--to", metavar="YYYY-MM", help="Last month (default: the last loaded)."),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Draw a published table's rows over months as a line chart (SVG or PNG, by extension).

    Hidden counts break their line; months without figures are named under the title.

    Example: tiltak chart --from 2014-03 --to 2016-02 -o tiltaksgrupper.png
    """
    typer.echo(
        commands().chart_to(
            output,
            table,
            kjonn,
            periode(first) if first else None,
            periode(last) if last else None,
            database_url,
        )
    )


@app.command()
def synth(
    directory: Annotated[
        Path,
        typer.Argument(metavar="DIRECTORY", help="Directory to write YYYY-MM.txt files to."),
    ],
    months: Annotated[
        int, typer.Option("--months", "-n", metavar="N", help="How many months.")
    ] = 120,
    seed: Annotated[
        int, typer.Option("--seed", metavar="N", help="Random seed: same seed, same files.")
    ] = 1,
    start: Annotated[
        str | None,
        typer.Option("--start", metavar="YYYY-MM", help="First month, YYYY-MM (default 2014-03)."),
    ] = None,
    with_changes: Annotated[
        bool, typer.Option("--with-changes", help="NAV's category changes of 2015-2021 too.")
    ] = False,
    revisions: Annotated[
        float,
        typer.Option(
            "--revisions", metavar="SHARE", help="Share of months revising last year's counts."
        ),
    ] = 0.0,
    from_report: Annotated[
        Path | None,
        typer.Option(
            "--from",
            metavar="FILE",
            help="Report to evolve from (default: the March 2014 edition shipped with tiltak).",
        ),
    ] = None,
) -> None:
    """Write generated monthly reports, evolved from the March 2014 figures, for testing.

    Every rule of the publication holds in them. With --with-changes, months from 2016 on
    print categories that need `tiltak categories plan` before they load.

    Example: tiltak synth /tmp/reports --months 120 --seed 7 && load-report /tmp/reports/*.txt
    """
    first = periode(start) if start else None
    paths = commands().write_synthetic_history(
        directory, months, seed, first, with_changes, revisions, from_report
    )
    typer.echo(f"{len(paths)} reports written to {directory}")


# -- the one exit point -------------------------------------------------------------------


def main() -> None:
    """Entry point of `tiltak`."""
    run_then_exit(app)


def load_report_main() -> None:
    """Entry point of `load-report`."""
    run_then_exit(load_report_app)
