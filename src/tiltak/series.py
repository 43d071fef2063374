"""Series over months for `tiltak chart`: a published table's rows, month by month, read
from its `rapport` view.

Which rows make lines: for tables 1 and 2 every row, the total "I alt" too (four lines on one
scale); for tables 3 and 4 the tiltaksgrupper without the total, which would flatten the
smaller groups against the axis; for tables 5 and 6 the group sums "I alt <tiltaksgruppe>",
as one line per tiltak would be far more than a chart holds. Tables 1, 3 and 5 are both
genders summed; `kjonn` reads table 2, 4 or 6 for one gender instead; tables 2, 4 and 6
without it draw a line per row and gender. A hidden count is a None point (a break in its
line); a month not loaded, or without the figures asked for, has no point and is named in
`ChartSeries.months_without_figures`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from psycopg import sql

from tiltak.database import Connection
from tiltak.errors import UsageError
from tiltak.formats.chart import format_month, format_range
from tiltak.history import month_range
from tiltak.model import KJONN, TABLES, TableSpec
from tiltak.verification import loaded_periods

Point = tuple[date, int | None]
# Short: a title longer than the plot's width runs into the legend beside it.
KIND_TITLES = {
    "hovedgrupper": "Hovedgrupper",
    "tiltaksgrupper": "Tiltaksgrupper",
    "tiltak": "Tiltak summert per tiltaksgruppe",
}


@dataclass(frozen=True)
class ChartSeries:
    spec: TableSpec  # the table the rows were read from
    kjonn: str | None  # the one gender drawn; None: both, summed or side by side
    first: date
    last: date
    lines: dict[str, list[Point]] = field(default_factory=dict)  # label → its points
    months_without_figures: tuple[date, ...] = ()

    @property
    def title(self) -> str:
        return f"{KIND_TITLES[self.spec.kind]}, {format_range(self.first, self.last)}"

    @property
    def subtitle(self) -> str:
        if self.kjonn:
            who = self.kjonn.lower()
        else:
            who = "kvinner og menn hver for seg" if self.spec.by_kjonn else "begge kjønn"
        text = f"Deltakere i arbeidsrettede tiltak, {who} (tabell {self.spec.number})"
        gaps = self.months_without_figures
        if gaps:
            named = ", ".join(format_month(m) for m in gaps[:3])
            more = f" og {len(gaps) - 3} til" if len(gaps) > 3 else ""
            text += f". Ingen tall: {named}{more}"
        return text


def select_table(name: str | None, kjonn: str | None) -> TableSpec:
    """The table to read: by view name or number (default tiltaksgrupper), and for one
    gender the by-kjønn table of the same rows."""
    if kjonn is not None and kjonn not in KJONN:
        raise UsageError(f"unknown kjønn {kjonn!r}; choose one of: {', '.join(KJONN)}")
    chosen = next(
        (spec for spec in TABLES if name in (spec.view, str(spec.number))),
        None if name else TABLES[2],
    )
    if chosen is None:
        choices = ", ".join(spec.view for spec in TABLES)
        raise UsageError(f"unknown table {name!r}; choose one of: {choices}")
    if kjonn is None:
        return chosen
    return next(s for s in TABLES if s.kind == chosen.kind and s.by_kjonn)


def fetch_series(
    connection: Connection,
    spec: TableSpec,
    kjonn: str | None,
    first: date | None,
    last: date | None,
) -> ChartSeries:
    """The lines of `spec`'s rows from `first` to `last` (default: the loaded months)."""
    loaded = loaded_periods(connection)
    if not loaded:
        raise UsageError("no report loaded: run `load-report FILE` first")
    # An end not given is the loaded history's, stretched to the other end if beyond it.
    first = first or min(loaded[0], last or loaded[0])
    last = last or max(loaded[-1], first)
    if first > last:
        raise UsageError(f"--from {first:%Y-%m} is after --to {last:%Y-%m}")
    lines: dict[str, list[Point]] = {}
    params = {"first": first, "last": last, "kjonn": kjonn}
    for row in connection.execute(_query(spec, kjonn), params):
        label = f"{row.rad}, {row.kjonn.lower()}" if spec.by_kjonn and not kjonn else row.rad
        lines.setdefault(label, []).append((row.periode, row.antall))
    with_figures = {month for points in lines.values() for month, _ in points}
    if not with_figures:
        raise UsageError(
            f"no figures for table {spec.number} ({spec.view}) from {first:%Y-%m} to {last:%Y-%m}"
        )
    # The range drawn: from the first month with figures to the last, whatever was asked.
    first, last = min(with_figures), max(with_figures)
    gaps = tuple(m for m in month_range(first, last) if m not in with_figures)
    return ChartSeries(spec, kjonn, first, last, lines, gaps)


def _query(spec: TableSpec, kjonn: str | None) -> sql.Composed:
    """The rows to draw, between %(first)s and %(last)s (for %(kjonn)s when given)."""
    value = "i_alt" if spec.kind == "tiltak" else "antall"
    columns: list[sql.Composable] = [
        sql.SQL("periode, rad, {} as antall").format(sql.Identifier(value))
    ]
    conditions = [sql.SQL("periode between %(first)s and %(last)s")]
    if spec.by_kjonn:
        columns.append(sql.SQL("kjonn"))
    if kjonn is not None:
        conditions.append(sql.SQL("kjonn = %(kjonn)s"))
    if spec.kind == "tiltaksgrupper":
        conditions.append(sql.SQL("er_sum is false"))
    elif spec.kind == "tiltak":
        conditions.append(sql.SQL("er_sum and radnr > 1"))
    # The newest month first, in published order: lines are numbered (coloured) as the
    # latest table prints its rows, then rows that ended earlier. Kvinner before Menn: with
    # ten rows a gender, a row's two lines share a colour and differ in dash and marker.
    order = "periode desc, kjonn, radnr" if spec.by_kjonn else "periode desc, radnr"
    return sql.SQL("select {} from {} where {} order by {}").format(
        sql.SQL(", ").join(columns),
        sql.Identifier("rapport", spec.view),
        sql.SQL(" and ").join(conditions),
        sql.SQL(order),
    )
