"""Line charts of published figures over a range of months, as SVG or PNG bytes.

As a format (`render_svg`, `render_png`), the chart draws a line per row of the months'
first table (its sum rows left out: they would flatten the others), from the first column.

Drawn with matplotlib, imported only inside ``render_chart`` so that loading and rendering
tables never pay for it. The page is sized for A4 landscape and every series differs in line
style and marker as well as colour, so a greyscale print still tells them apart. A hidden
(prikket) figure is a break in its line, never a zero.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tiltak.errors import UsageError
from tiltak.formats import MonthTables, RenderOptions
from tiltak.model import TITLE, TableSpec

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

ChartKind = Literal["svg", "png"]
CHART_KINDS: tuple[ChartKind, ...] = ("svg", "png")
Point = tuple[date, int | None]
Series = Mapping[str, Sequence[Point]]  # row label → its (month, count) points

SOURCE = f"Kilde: NAV, «{TITLE}»"
Y_LABEL = "Antall deltakere"
HIDDEN_NOTE = "Brudd i en linje: tallet for den måneden er skjult (prikket)."
NARROW_NO_BREAK_SPACE = "\u202f"
MINUS = "\u2212"
MONTH_ABBREVIATIONS = (
    "jan.", "feb.", "mar.", "apr.", "mai", "jun.",
    "jul.", "aug.", "sep.", "okt.", "nov.", "des.",
)  # fmt: skip
MONTH_NAMES = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)  # fmt: skip

# 27.4 × 16.8 cm: A4 landscape less a centimetre of margin all round.
FIGURE_SIZE_INCHES = (10.8, 6.6)
PNG_DPI = 150
# Okabe–Ito's colour-blind-safe set without its yellow (invisible on white paper), plus
# wine, olive and grey. With four dash patterns and nine markers beside them, no two of the
# MAX_LINES lines look alike even in greyscale.
COLOURS = (
    "#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7",
    "#E69F00", "#56B4E9", "#882255", "#999933", "#666666",
)  # fmt: skip
LINE_STYLES = ("-", "--", ":", "-.")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", "*")
TEXT_LEFT = 0.01  # of the figure's width: where title, subtitle and footer start
MAX_TICKS = 12
MAX_MARKERS_PER_LINE = 24
# Beyond this a line chart is a tangle and its legend no longer fits beside the plot.
MAX_LINES = 20
# Fixed so that the same figures give the same SVG bytes (element ids derive from it).
SVG_HASH_SALT = "tiltak"


def render_svg(months: Sequence[MonthTables], options: RenderOptions) -> bytes:
    return _render_months(months, "svg")


def render_png(months: Sequence[MonthTables], options: RenderOptions) -> bytes:
    return _render_months(months, "png")


def _render_months(months: Sequence[MonthTables], kind: ChartKind) -> bytes:
    specs = [block.table for month in months for block in month.blocks]
    if not specs:
        raise UsageError("nothing to draw: no table in the months")
    spec = specs[0]
    kjonn = sorted({b.kjonn for m in months for b in m.blocks if b.table == spec and b.kjonn})
    subtitle = format_range(months[0].periode, months[-1].periode)
    if kjonn:
        subtitle += " · " + ", ".join(kjonn)
    return render_chart(
        table_series(months, spec), title=chart_title(spec), subtitle=subtitle, kind=kind
    )


def chart_title(spec: TableSpec) -> str:
    return f"Tabell {spec.number}. {spec.heading}"


def table_series(months: Sequence[MonthTables], spec: TableSpec) -> dict[str, list[Point]]:
    """A series per row of `spec` (not its sums), from its first column, over the months.

    A row of a table by kjønn with both kjønn in the months is a series per kjønn.
    """
    both = len({b.kjonn for m in months for b in m.blocks if b.table == spec}) > 1
    series: dict[str, list[Point]] = {}
    for month in months:
        for block in month.blocks:
            if block.table != spec:
                continue
            for row in block.rows:
                if not row.is_sum:
                    label = f"{row.label} ({block.kjonn})" if both else row.label
                    series.setdefault(label, []).append((month.periode, row.values[0]))
    return series


def render_chart(
    series: Series,
    *,
    title: str,
    subtitle: str,
    kind: ChartKind,
    source: str = SOURCE,
) -> bytes:
    """A line per series (label → (month, count) points; None is a hidden count) as ``kind``."""
    if kind not in CHART_KINDS:
        raise UsageError(f"unknown chart format {kind!r} (expected svg or png)")
    if not any(series.values()):
        raise UsageError("nothing to draw: no series with any month")
    if len(series) > MAX_LINES:
        raise UsageError(
            f"{len(series)} lines are too many for one chart (at most {MAX_LINES}): "
            "choose fewer rows"
        )
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(
        {
            # Text stays text in the SVG: searchable, selectable, and small when inlined in HTML.
            "svg.fonttype": "none",
            "svg.hashsalt": SVG_HASH_SALT,
            "font.family": "sans-serif",
            # Bundled with matplotlib: the same bytes on every machine, whatever it has installed.
            "font.sans-serif": ["DejaVu Sans"],
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        figure = Figure(figsize=FIGURE_SIZE_INCHES, layout="constrained")
        axes = figure.add_subplot()
        _draw_lines(axes, series)
        _format_axes(axes, [month for points in series.values() for month, _ in points])
        _add_texts(figure, axes, title, subtitle, _footer(series, source))
        _add_legend(figure, axes, series)
        _align_subtitle(figure, axes)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=kind, dpi=PNG_DPI, metadata=_metadata(kind, title))
    return buffer.getvalue()


def chart_kind(output: Path) -> ChartKind:
    """The chart format an output file's extension asks for."""
    suffix = output.suffix.lower().lstrip(".")
    for kind in CHART_KINDS:
        if suffix == kind:
            return kind
    raise UsageError(
        f"{output}: a chart is written as .svg or .png, not {output.suffix or '(none)'}"
    )


def format_count(value: float) -> str:
    """``76393`` → ``'76 393'`` with a narrow no-break space, as NAV groups digits."""
    digits = f"{abs(round(value)):,}".replace(",", NARROW_NO_BREAK_SPACE)
    return MINUS + digits if value < 0 else digits


def format_month(month: date) -> str:
    """``date(2014, 3, 1)`` → ``'mar. 2014'``."""
    return f"{MONTH_ABBREVIATIONS[month.month - 1]} {month.year}"


def format_range(first: date, last: date) -> str:
    """``'mars 2014–februar 2016'``, or one month when ``first == last``."""
    start = f"{MONTH_NAMES[first.month - 1]} {first.year}"
    if (first.year, first.month) == (last.year, last.month):
        return start
    return f"{start}–{MONTH_NAMES[last.month - 1]} {last.year}"


def _month_index(month: date) -> int:
    return month.year * 12 + month.month - 1


def _index_month(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _draw_lines(axes: Axes, series: Series) -> None:
    for number, (label, points) in enumerate(series.items()):
        ordered = sorted(points, key=lambda point: point[0])
        xs = [_month_index(month) for month, _ in ordered]
        ys = [math.nan if value is None else float(value) for _, value in ordered]
        axes.plot(
            xs,
            ys,
            label=label,
            # A stable handle on each line in the SVG, for styling or scripting.
            gid=f"serie-{number + 1}",
            color=COLOURS[number % len(COLOURS)],
            linestyle=LINE_STYLES[number % len(LINE_STYLES)],
            marker=MARKERS[number % len(MARKERS)],
            markevery=_marked_points(ys),
            linewidth=1.6,
            markersize=5,
        )


def _marked_points(values: Sequence[float]) -> list[int]:
    """Every point of a short line; on a long one a regular subset, plus every point that
    has hidden neighbours on both sides (it would otherwise not show at all)."""
    step = max(1, math.ceil(len(values) / MAX_MARKERS_PER_LINE))

    def shown(index: int) -> bool:
        return 0 <= index < len(values) and not math.isnan(values[index])

    return [
        index
        for index in range(len(values))
        if shown(index) and (index % step == 0 or not (shown(index - 1) or shown(index + 1)))
    ]


def _format_axes(axes: Axes, months: Sequence[date]) -> None:
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

    first, last = _month_index(min(months)), _month_index(max(months))
    step = _tick_step(last - first + 1)
    ticks = [index for index in range(first, last + 1) if index % step == 0] or [first]
    axes.xaxis.set_major_locator(FixedLocator(ticks))
    axes.xaxis.set_major_formatter(
        FuncFormatter(lambda index, _: _tick_label(_index_month(round(index)), step))
    )
    axes.set_xlim(first - 0.5, last + 0.5)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_count(value)))
    axes.set_ylim(bottom=0)
    axes.set_ylabel(Y_LABEL)
    axes.grid(axis="y", color="#d0d0d0", linewidth=0.6)
    axes.set_axisbelow(True)


def _tick_step(month_count: int) -> int:
    """Months between ticks: the first of 1, 2, 3, 6, 12, 24, … that keeps them few enough."""
    for step in (1, 2, 3, 6, 12):
        if month_count / step <= MAX_TICKS:
            return step
    return 12 * math.ceil(month_count / (12 * MAX_TICKS))


def _tick_label(month: date, step: int) -> str:
    # Month over year: a dozen "mar. 2014" side by side do not fit the width of A4.
    return str(month.year) if step >= 12 else format_month(month).replace(" ", "\n")


def _footer(series: Series, source: str) -> str:
    hidden = any(value is None for points in series.values() for _, value in points)
    return f"{source}\n{HIDDEN_NOTE}" if hidden else source


def _add_texts(figure: Figure, axes: Axes, title: str, subtitle: str, footer: str) -> None:
    figure.suptitle(title, x=TEXT_LEFT, horizontalalignment="left", fontsize=14, fontweight="bold")
    axes.set_title(subtitle, loc="left", fontsize=11, color="#333333")
    # supxlabel rather than a free text so that the constrained layout leaves room for it.
    figure.supxlabel(footer, x=TEXT_LEFT, horizontalalignment="left", fontsize=8.5, color="#444444")


def _align_subtitle(figure: Figure, axes: Axes) -> None:
    """Move the subtitle from the plot's edge to the figure's, under the title: where that
    is depends on the tick labels' width, known only once the layout has run."""
    figure.draw_without_rendering()
    box = axes.get_position()
    axes.set_title(axes.get_title(loc="left"), loc="left", x=(TEXT_LEFT - box.x0) / box.width)


def _add_legend(figure: Figure, axes: Axes, series: Series) -> None:
    """Beside the plot, ordered by each line's last shown figure so that the legend reads
    top to bottom as the lines end at the right edge."""
    handles, labels = axes.get_legend_handles_labels()
    last_shown = [_last_shown(series[label]) for label in labels]
    order = sorted(range(len(labels)), key=lambda i: -last_shown[i])
    figure.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        loc="outside right upper",
        frameon=False,
        fontsize=9,
        handlelength=3.2,
    )


def _last_shown(points: Sequence[Point]) -> float:
    shown = [value for _, value in sorted(points, key=lambda point: point[0]) if value is not None]
    return float(shown[-1]) if shown else -math.inf


def _metadata(kind: ChartKind, title: str) -> dict[str, str | None]:
    """No creation date and no library version, so the bytes depend on the figures only."""
    if kind == "svg":
        return {"Title": title, "Creator": "tiltak", "Date": None}
    return {"Title": title, "Software": "tiltak"}
