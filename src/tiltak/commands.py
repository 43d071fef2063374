"""The tool's commands as plain functions: the CLI is a thin layer over these."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from tiltak.database import (
    Connection,
    open_database,
    psql_executable,
    psql_url,
    resolve_url,
    stop_embedded,
)
from tiltak.errors import RefusedReportsError, ReportError, UsageError
from tiltak.formats import (
    EXPORT_FORMATS,
    FORMATS,
    RANGE_CHART_TABLES,
    RENDER_FORMATS,
    MonthTables,
    RenderOptions,
)
from tiltak.formats import renderer as format_renderer
from tiltak.history import History, load_history
from tiltak.loading import LoadResult, load_file
from tiltak.migrations import (
    current_revision,
    downgrade,
    ensure_schema_ready,
    head_revision,
    upgrade,
)
from tiltak.model import TABLES_BY_VIEW, MonthRange
from tiltak.output import check_writable, choose_format, destination, write_file
from tiltak.rendering import (
    describe_months,
    fetch_cube,
    fetch_months,
    months_in_range,
    select_tables,
)
from tiltak.verification import Verification, share_snapshot, verify

T = TypeVar("T")
Progress = Callable[[Sequence[T]], Iterable[T]]


def _no_progress(items: Sequence[T]) -> Iterable[T]:
    return items


def load_reports(
    paths: Sequence[Path],
    database_url: str | None = None,
    *,
    on_result: Callable[[LoadResult], None] = lambda _result: None,
    on_refused: Callable[[Path, ReportError], None] = lambda _path, _error: None,
    progress: Progress[Path] = _no_progress,
) -> list[LoadResult]:
    """Load report files in order, each in its own transaction.

    A refused file does not stop the others; RefusedReportsError is raised at the end when any
    file was refused, after the good ones are committed.
    """
    results: list[LoadResult] = []
    refused: list[ReportError] = []
    with open_database(database_url).connect() as connection:
        with connection.transaction():
            ensure_schema_ready(connection, initialise=True)
        for path in progress(paths):
            try:
                with connection.transaction():
                    result = load_file(connection, path)
            except ReportError as error:
                refused.append(error)
                on_refused(path, error)
                continue
            results.append(result)
            on_result(result)
    if refused:
        raise RefusedReportsError(refused, len(paths))
    return results


def upgrade_database(database_url: str | None = None, revision: str = "head") -> str:
    """Migrate to `revision` and rebuild the views, in one transaction."""
    database = open_database(database_url)
    with database.begin() as connection:
        before = current_revision(connection)
        upgrade(connection, revision)
        after = current_revision(connection)
    if before == after:
        return f"{database.masked_url}: schema already at {after}; views rebuilt"
    return f"{database.masked_url}: schema upgraded {before or 'empty'} → {after}; views rebuilt"


def downgrade_database(revision: str, database_url: str | None = None) -> str:
    database = open_database(database_url)
    with database.begin() as connection:
        before = current_revision(connection)
        downgrade(connection, revision)
        after = current_revision(connection)
    return f"{database.masked_url}: schema downgraded {before} → {after or 'empty'}"


@dataclass(frozen=True)
class SchemaStatus:
    database: str  # the URL with its password masked
    revision: str | None  # None: an empty database
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.revision == self.head

    def describe(self) -> str:
        state = "up to date" if self.up_to_date else "behind: run `tiltak db upgrade`"
        return f"{self.database}: schema at {self.revision or 'empty'}, head {self.head} ({state})"

    def record(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "revision": self.revision,
            "head": self.head,
            "up_to_date": self.up_to_date,
        }


def schema_status(database_url: str | None = None) -> SchemaStatus:
    from tiltak.revisions import head_of, require_known, revision_files

    files = revision_files()
    head = head_of(files)
    database = open_database(database_url)
    with database.begin() as connection:
        current = current_revision(connection)
        require_known(connection, current, files)
    return SchemaStatus(database.masked_url, current, head)


def database_url_for_psql(database_url: str | None = None) -> str:
    """A URL psql accepts; starts the embedded server when no URL is configured."""
    return psql_url(resolve_url(database_url))


def run_psql(arguments: Sequence[str], database_url: str | None = None) -> int:
    """Run psql on the database (the bundled one when psql is not installed); its exit code."""
    import subprocess

    url = database_url_for_psql(database_url)
    return subprocess.call([psql_executable(), url, *arguments])


def stop_embedded_server() -> str:
    return (
        "embedded PostgreSQL stopped" if stop_embedded() else "embedded PostgreSQL was not running"
    )


def render_period(
    months: date | MonthRange,
    table_name: str | None = None,
    output_format: str = "text",
    database_url: str | None = None,
    *,
    excel: bool = False,
    on_note: Callable[[str], None] = lambda _note: None,
) -> str | bytes:
    """A month's (or a range's) published tables, computed by the views, in the chosen format.

    Over a range, months not loaded are skipped and named through `on_note`.
    """
    specs = select_tables(table_name)
    with open_database(database_url).begin() as connection:
        _read_only_snapshot(connection)
        if isinstance(months, date):
            chosen, ranged = [months], False
        else:
            chosen, missing = months_in_range(connection, months)
            ranged = True
            if missing:
                on_note(f"Note: not loaded, skipped: {describe_months(missing)}")
        info = FORMATS[output_format]
        history: list[MonthTables] = []
        if ranged and info.charts_over_range:
            chart_specs = [TABLES_BY_VIEW[view] for view in RANGE_CHART_TABLES]
            history = fetch_months(connection, chosen, chart_specs)
            chosen = chosen[-1:]
        read = [month for month in fetch_months(connection, chosen, specs) if month.blocks]
    if not read:
        what = f"{months:%Y-%m}" if isinstance(months, date) else months.describe()
        raise UsageError(f"no report loaded for {what}: run `load-report FILE` first")
    options = RenderOptions(ranged=ranged, excel=excel, history=history)
    return format_renderer(output_format)(read, options)


def render_to(
    months: date | MonthRange,
    table_name: str | None,
    requested_format: str | None,
    output: Path | None,
    database_url: str | None = None,
    *,
    terminal: bool = False,
    excel: bool = False,
    on_note: Callable[[str], None] = lambda _note: None,
) -> str | bytes | None:
    """Render into `output` (None); for standard output (no -o, or `-o -`), the content.

    `terminal`: standard output is a terminal, where a binary format would be garbage.
    """
    target = destination(output)
    output_format = choose_format(requested_format, target, RENDER_FORMATS)
    if target is None and terminal and FORMATS[output_format].binary:
        raise UsageError(f"{output_format} is a binary format: write it with --output FILE")
    if excel and output_format != "csv":
        raise UsageError(f"--excel applies to csv, not to {output_format}")
    check_writable(target)
    content = render_period(
        months, table_name, output_format, database_url, excel=excel, on_note=on_note
    )
    if target is None:
        return content
    write_file(content, target)
    return None


def export_to(
    periods: Sequence[date],
    requested_format: str | None,
    output: Path | None,
    database_url: str | None = None,
) -> str | None:
    """Export into `output` (None); for standard output (no -o, or `-o -`), the content."""
    target = destination(output)
    output_format = choose_format(requested_format, target, EXPORT_FORMATS)
    check_writable(target)
    content = export_periods(periods, output_format, database_url)
    if target is None:
        return content
    write_file(content, target)
    return None


def chart_to(
    output: Path,
    table_name: str | None = None,
    kjonn: str | None = None,
    first: date | None = None,
    last: date | None = None,
    database_url: str | None = None,
) -> str:
    """Draw a table's rows over months (default: every loaded month) as a line chart, SVG or
    PNG as `output`'s extension says; what was written, in one line."""
    from tiltak.formats.chart import chart_kind, render_chart
    from tiltak.series import fetch_series, select_table

    kind = chart_kind(output)
    spec = select_table(table_name, kjonn)
    check_writable(output)
    with open_database(database_url).begin() as connection:
        _read_only_snapshot(connection)
        series = fetch_series(connection, spec, kjonn, first, last)
    write_file(
        render_chart(series.lines, title=series.title, subtitle=series.subtitle, kind=kind),
        output,
    )
    months = f"{series.first:%Y-%m} to {series.last:%Y-%m}"
    return f"{output}: {len(series.lines)} line(s) of table {spec.number}, {months}"


def _read_only_snapshot(connection: Connection) -> None:
    # One snapshot for a whole command, so a concurrent load is seen whole or not at all.
    connection.execute("set transaction isolation level repeatable read, read only")
    ensure_schema_ready(connection, initialise=False)


def verify_periods(periods: Sequence[date] = (), database_url: str | None = None) -> Verification:
    """Every stored published cell of the given months (default: all) against the views."""
    database = open_database(database_url)
    with database.begin() as connection, database.begin() as beside:
        _read_only_snapshot(connection)
        share_snapshot(connection, beside)
        return verify(connection, periods or None, beside=beside)


def period_history(database_url: str | None = None) -> History:
    """Every month from the first loaded to the last: its loads (file, sha256, when, replaced
    or current, shape, hidden cells), or none where the month is missing."""
    with open_database(database_url).begin() as connection:
        _read_only_snapshot(connection)
        return load_history(connection)


def export_periods(
    periods: Sequence[date] = (),
    output_format: str = "json-stat",
    database_url: str | None = None,
) -> str:
    """Every published count of the given months (default: all) as JSON-stat 2.0."""
    if output_format not in EXPORT_FORMATS:
        choices = ", ".join(EXPORT_FORMATS)
        raise UsageError(f"unknown export format {output_format!r}; choose one of: {choices}")
    with open_database(database_url).begin() as connection:
        _read_only_snapshot(connection)
        months = fetch_cube(connection, periods or None)
    content = format_renderer(output_format)(months, RenderOptions())
    return content if isinstance(content, str) else content.decode("utf-8")


def grant_reader_role(login_role: str, database_url: str | None = None) -> str:
    """Grant the read-only role rapport_leser to an existing login role."""
    from tiltak.access import grant_reader

    with open_database(database_url).begin() as connection:
        ensure_schema_ready(connection, initialise=False)
        return grant_reader(connection, login_role)


def plan_categories(report_path: Path, database_url: str | None = None) -> tuple[Path | None, str]:
    """Write an alembic revision adding what the report prints and its month's hierarchy
    lacks: (its path, or None when nothing is missing; a summary). Changes no data."""
    from tiltak.categories import plan_changes
    from tiltak.parsing import read_report
    from tiltak.planned_revision import new_revision_id, write_revision
    from tiltak.revisions import user_versions_dir

    report = read_report(report_path)
    month = f"{report.periode:%Y-%m}"
    with open_database(database_url).begin() as connection:
        _read_only_snapshot(connection)
        plan = plan_changes(connection, report)
    if plan.empty:
        return None, f"{report_path}: every category it prints is known in {month}; no revision"
    revision = new_revision_id(report.periode)
    path = write_revision(plan, user_versions_dir(), revision, head_revision())
    return path, (
        f"{report_path}: {plan.summary()} from {month} on; wrote revision {revision} to"
        f" {path}: review it, then run `tiltak db upgrade`"
    )


def restore_revisions(database_url: str | None = None) -> str:
    """Write back the revisions the database has applied and this installation lacks."""
    from tiltak.revisions import restore, user_versions_dir

    directory = user_versions_dir()
    with open_database(database_url).begin() as connection:
        restored = restore(connection, directory)
    lines = [f"restored {path}" for path in restored.written]
    if not restored.written:
        lines.append(f"every revision the database has is here; nothing written to {directory}")
    if restored.newer_tiltak:
        names = ", ".join(restored.newer_tiltak)
        lines.append(f"revisions {names} come with a newer tiltak: install that version")
    return "\n".join(lines)


def write_synthetic_history(
    directory: Path,
    months: int,
    seed: int,
    start: date | None = None,
    with_changes: bool = False,
    revision_rate: float = 0.0,
    seed_report: Path | None = None,
) -> list[Path]:
    """Generated monthly reports evolved from a report (March 2014), one file per month."""
    from tiltak import synth

    changes = synth.NAV_CHANGES if with_changes else ()
    return synth.write_history(
        directory,
        months=months,
        seed=seed,
        start=start,
        changes=changes,
        revision_rate=revision_rate,
        first=synth.seed_month(seed_report),
    )
