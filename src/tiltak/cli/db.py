"""`tiltak db …`: schema migrations, the embedded server, psql and BI access."""

from __future__ import annotations

from typing import Annotated

import typer

from tiltak.cli.common import DatabaseUrl, Json, commands, emit_records, sub_app

db_app = sub_app(
    "Manage the database: schema migrations, the embedded server and BI access.\n\n"
    "Example: tiltak db upgrade"
)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(metavar="REVISION", help="Target revision.")] = "head",
    database_url: DatabaseUrl = None,
) -> None:
    """Migrate the schema to head (or REVISION) and rebuild all views, in one transaction.

    Example: tiltak db upgrade
    """
    typer.echo(commands().upgrade_database(database_url, revision))


# A relative revision such as -1 looks like an option to click: take unknown "options" as the
# revision instead of refusing them.
@db_app.command("downgrade", context_settings={"ignore_unknown_options": True})
def db_downgrade(
    revision: Annotated[
        str, typer.Argument(metavar="REVISION", help="Target revision, e.g. -1 or 0002.")
    ],
    database_url: DatabaseUrl = None,
) -> None:
    """Revert the schema to REVISION (refused when loaded months still need what it removes).

    Example: tiltak db downgrade -1
    """
    typer.echo(commands().downgrade_database(revision, database_url))


@db_app.command("status")
def db_status(database_url: DatabaseUrl = None, as_json: Json = False) -> None:
    """Show the schema revision of the database and of this installation.

    --json prints {"database", "revision", "head", "up_to_date"}.

    Example: tiltak db status --json
    """
    status = commands().schema_status(database_url)
    if as_json:
        emit_records([status.record()])
    else:
        typer.echo(status.describe())


@db_app.command("url")
def db_url(database_url: DatabaseUrl = None) -> None:
    """Print a URL psql accepts, starting the embedded server if needed.

    Example: psql "$(tiltak db url)" -c 'select * from rapport.hovedgrupper'
    """
    typer.echo(commands().database_url_for_psql(database_url))


@db_app.command("psql", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def db_psql(ctx: typer.Context, database_url: DatabaseUrl = None) -> None:
    """Open psql on the database; any further arguments go to psql.

    Uses psql from PATH, else the one that comes with the embedded server, so it works on a
    machine with only Python.

    Example: tiltak db psql -c 'select * from rapport.hovedgrupper'
    """
    raise typer.Exit(commands().run_psql(ctx.args, database_url))


@db_app.command("grant-reader")
def db_grant_reader(
    login_role: Annotated[
        str, typer.Argument(metavar="LOGIN_ROLE", help="An existing role that can log in.")
    ],
    database_url: DatabaseUrl = None,
) -> None:
    """Let LOGIN_ROLE read the rapport views (and nothing else) via the role rapport_leser.

    Run as a role with CREATEROLE. A superuser, or a role that owns the schema or the
    database, is refused: it could do far more than read. Role membership is server-wide:
    the login role can read the rapport views of every database on the server that grants
    rapport_leser.

    Example: tiltak db grant-reader metabase
    """
    typer.echo(commands().grant_reader_role(login_role, database_url))


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL server (it starts again on the next command).

    Example: tiltak db stop
    """
    typer.echo(commands().stop_embedded_server())
