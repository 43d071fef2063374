"""A standalone HTML page that reads like a printed statistics table.

Figures are right-aligned in tabular digits, thousands are separated by a thin space and
negatives carry a true minus sign, as in typeset statistics; sum rows are bold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from tiltak.formats import MonthTables, RenderOptions
from tiltak.model import HIDDEN_LEGEND, HIDDEN_SHOWN, TITLE, TableSpec, format_periode
from tiltak.tables import Block, Row

LEGEND_ID = "tegnforklaring"
THIN_SPACE = "\u2009"
MINUS = "\u2212"
SOURCE = (
    "Kilde: NAV, «Deltakere i arbeidsrettede tiltak. Tiltak og kjønn. En måned». "
    "Tallene er beregnet av tiltak fra de lagrede tellingene (visningene i skjemaet rapport)."
)

_STYLE = """
:root { color-scheme: light; }
body { font-family: "Source Sans 3", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1a1a1a; background: #fff; margin: 2rem auto; max-width: 60rem; padding: 0 1.5rem;
  line-height: 1.35; }
h1 { font-size: 1.45rem; font-weight: 600; margin: 0 0 .25rem; }
.periode { font-size: 1.05rem; color: #444; margin: 0 0 1.75rem; }
section { margin: 0 0 2.25rem; }
h2 { font-size: 1.1rem; font-weight: 600; margin: 0 0 .5rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem;
  font-variant-numeric: tabular-nums lining-nums; margin: 0 0 1.25rem; }
caption { text-align: left; font-weight: 600; padding: 0 0 .3rem; color: #333; }
th, td { padding: .2rem .6rem; }
th:first-child, td:first-child { padding-left: 0; }
thead th { font-weight: 600; text-align: right; vertical-align: bottom;
  border-bottom: 1px solid #1a1a1a; }
thead tr:first-child th { border-top: 2px solid #1a1a1a; }
thead th.gruppe { text-align: center; border-bottom: 1px solid #999; }
thead th.etikett { text-align: left; }
td.tall { text-align: right; white-space: nowrap; width: 7.5rem; }
tbody tr { border-bottom: 1px solid #e3e3e3; }
tbody tr:last-child { border-bottom: 2px solid #1a1a1a; }
tbody th { text-align: left; font-weight: 400; }
tbody th, tbody td { vertical-align: bottom; }
tr.sum th, tr.sum td { font-weight: 700; }
tbody tr.sum:not(:first-child) > * { border-top: 1px solid #8a8a8a; }
tr.sum + tr > * { padding-top: .45rem; }
td.prikket { color: #555; }
nav { font-size: .95rem; margin: 0 0 2rem; }
nav h2 { font-size: 1rem; margin: 0 0 .3rem; }
nav ol { margin: 0; padding-left: 1.4rem; }
nav a { color: #0b57a4; }
h2.del { font-size: 1.25rem; margin: 2.5rem 0 1rem; }
figure { margin: 0 0 2.25rem; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: .85rem; color: #555; margin-top: .3rem; }
footer h2 { font-size: 1rem; color: #1a1a1a; margin: 0 0 .3rem; }
footer section p { margin: 0 0 .2rem; }
footer section { margin: 0 0 1rem; }
footer { font-size: .85rem; color: #555; border-top: 1px solid #ccc; padding-top: .5rem; }
"""


def format_figure(value: int | None) -> str:
    """``-2159`` → ``'−2 159'`` with a thin space; None → blank."""
    if value is None:
        return ""
    digits = f"{abs(value):,}".replace(",", THIN_SPACE)
    return MINUS + digits if value < 0 else digits


def render(months: Sequence[MonthTables], options: RenderOptions) -> str:
    """One report: title, contents, the charts of a range, the last month's tables, a legend
    for blank and hidden cells, and the source."""
    periode, blocks = months[-1].periode, months[-1].blocks
    history = options.history if len(options.history) > 1 else ()
    when = format_periode(periode)
    if history:
        when = f"{format_periode(history[0].periode)}–{when}"
    specs = list(dict.fromkeys(block.table for block in blocks))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="nb">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(TITLE)} – {escape(when)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(TITLE)}</h1>",
        f'<p class="periode">{escape(when)}</p>',
        "</header>",
        _contents(history, specs),
        "<main>",
    ]
    if history:
        parts += _charts(history)
        parts.append(
            f'<h2 class="del">Tabellene for {escape(format_periode(periode).lower())}</h2>'
        )
    for spec in specs:
        parts.append(f'<section id="{_table_id(spec)}">')
        parts.append(f"<h2>Tabell {spec.number}. {escape(spec.heading)}</h2>")
        parts += [_table(block) for block in blocks if block.table == spec]
        parts.append("</section>")
    parts += [
        "</main>",
        f"<footer>{_legend(specs)}<p>{escape(SOURCE)}</p></footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _table_id(spec: TableSpec) -> str:
    return f"tabell-{spec.number}"


def _chart_id(spec: TableSpec) -> str:
    return f"diagram-{spec.view}"


def _contents(history: Sequence[MonthTables], specs: Sequence[TableSpec]) -> str:
    charted = dict.fromkeys(block.table for month in history for block in month.blocks)
    links = [(_chart_id(spec), f"Utvikling: {spec.heading}") for spec in charted]
    links += [(_table_id(spec), f"Tabell {spec.number}. {spec.heading}") for spec in specs]
    links.append((LEGEND_ID, "Tegnforklaring"))
    items = "".join(f'<li><a href="#{target}">{escape(text)}</a></li>' for target, text in links)
    return f'<nav aria-label="Innhold"><h2>Innhold</h2><ol>{items}</ol></nav>'


def _charts(history: Sequence[MonthTables]) -> list[str]:
    """A line chart per table of the history, as inline SVG."""
    from tiltak.formats.chart import chart_title, format_range, render_chart, table_series

    subtitle = format_range(history[0].periode, history[-1].periode)
    parts = []
    for spec in dict.fromkeys(block.table for month in history for block in month.blocks):
        svg = render_chart(
            table_series(history, spec), title=chart_title(spec), subtitle=subtitle, kind="svg"
        )
        parts += [
            f'<figure id="{_chart_id(spec)}">',
            _inline_svg(svg.decode("utf-8"), _chart_id(spec)),
            f"<figcaption>{escape(spec.heading)}, {escape(subtitle)}: antall deltakere"
            " per måned, en linje per rad i tabellen (summene utelatt).</figcaption>",
            "</figure>",
        ]
    return parts


_SVG_REFERENCES = re.compile(r'(\bid="|url\(#|href="#)')


def _inline_svg(svg: str, prefix: str) -> str:
    """The SVG element without its XML prolog, its ids prefixed so that two charts on one
    page do not share an id (matplotlib numbers the elements of each chart alike)."""
    element = svg[svg.index("<svg") :]
    return _SVG_REFERENCES.sub(lambda match: f"{match.group(1)}{prefix}-", element)


def _legend(specs: Sequence[TableSpec]) -> str:
    entries = [HIDDEN_LEGEND]
    if any(not spec.has_endring for spec in specs):
        entries.append("Tom celle i tabell 5 og 6: ingen deltakere (0).")
    if any(spec.has_endring for spec in specs):
        entries.append(
            "Tom celle under «Endring fra i fjor»: kan ikke beregnes, fordi tallet for samme"
            " måned i fjor mangler eller er 0."
        )
    lines = "".join(f"<p>{escape(entry)}</p>" for entry in entries)
    return f'<section id="{LEGEND_ID}"><h2>Tegnforklaring</h2>{lines}</section>'


def _table(block: Block) -> str:
    lines = ["<table>"]
    if block.kjonn:
        lines.append(f"<caption>{escape(block.kjonn)}</caption>")
    lines += ["<thead>", *_header(block.table), "</thead>", "<tbody>"]
    lines += [_row(block.table, row) for row in block.rows]
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def _header(spec: TableSpec) -> list[str]:
    if spec.has_endring:
        # "Endring fra i fjor" spans its two columns, as a printed table would group them.
        return [
            '<tr><th class="etikett" rowspan="2"></th><th scope="col" rowspan="2">Antall</th>'
            '<th class="gruppe" colspan="2" scope="colgroup">Endring fra i fjor</th></tr>',
            '<tr><th scope="col">Antall</th><th scope="col">Prosent</th></tr>',
        ]
    cells = "".join(f'<th scope="col">{escape(name)}</th>' for name in spec.columns)
    return [f'<tr><th class="etikett"></th>{cells}</tr>']


def _hidden(spec: TableSpec, row: Row) -> list[bool]:
    return [v is None and spec.is_count(i) for i, v in enumerate(row.values)]


def _row(spec: TableSpec, row: Row) -> str:
    cells = []
    for value, hidden in zip(row.values, _hidden(spec, row), strict=True):
        if hidden:
            cells.append(f'<td class="tall prikket" title="Prikket">{HIDDEN_SHOWN}</td>')
        else:
            # Tables 5-6 print a zero count as a blank cell, like the publication.
            shown = value if spec.has_endring or value else None
            cells.append(f'<td class="tall">{format_figure(shown)}</td>')
    css = ' class="sum"' if row.is_sum else ""
    return f'<tr{css}><th scope="row">{escape(row.label)}</th>{"".join(cells)}</tr>'
