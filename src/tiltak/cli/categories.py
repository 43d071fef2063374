"""`tiltak categories …`: category changes (new, renamed, moved tiltak) as alembic revisions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tiltak.cli.common import DatabaseUrl, commands, sub_app

categories_app = sub_app(
    "Category changes (new, renamed, moved tiltak) as alembic revisions.\n\n"
    "Example: tiltak categories plan 2016-01.txt"
)


@categories_app.command("plan")
def categories_plan(
    report: Annotated[
        Path, typer.Argument(metavar="REPORT", help="A report with categories the database lacks.")
    ],
    database_url: DatabaseUrl = None,
) -> None:
    """Write an alembic revision adding the categories REPORT prints that its month lacks.

    New tiltak and tiltaksgrupper are placed in published order and valid from the report's
    month; a tiltak printed in another group moves there from that month on, earlier months
    keeping the old group. Prints the revision's path; the file explains how to turn an
    addition into an alias (a rename). It goes to `versions` in the user data directory
    (beside the embedded server's data; TILTAK_DATA_DIR moves both), or to the directory in
    TILTAK_VERSIONS_DIR, never into the installation, which a reinstall replaces.

    Example: tiltak categories plan 2016-01.txt && tiltak db upgrade && load-report 2016-01.txt
    """
    path, summary = commands().plan_categories(report, database_url)
    typer.echo(summary, err=True)
    if path is not None:
        typer.echo(str(path))


@categories_app.command("restore")
def categories_restore(database_url: DatabaseUrl = None) -> None:
    """Write back the revisions the database has applied and this installation lacks.

    `tiltak db upgrade` stores the source of every revision it applies in the database. On
    a new machine, or after the versions directory was lost, this writes them to the user
    data directory's `versions` (or TILTAK_VERSIONS_DIR) and prints each path. They are
    code: read them before running `tiltak db upgrade` again.

    Example: tiltak categories restore && tiltak db status
    """
    typer.echo(commands().restore_revisions(database_url))
