"""A standalone HTML page that reads like a printed statistics table.

Figures are right-aligned in tabular digits, thousands are separated by a thin space and
negatives carry a true minus sign, as in typeset statistics; sum rows are bold.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from tiltak.formats import MonthTables, RenderOptions
from tiltak.model import HIDDEN_LEGEND, HIDDEN_SHOWN, TITLE, TableSpec, format_periode
from tiltak.tables import Block, Row

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
footer { font-size: .85rem; color: #555; border-top: 1px solid #ccc; padding-top: .5rem; }
"""


def format_figure(value: int | None) -> str:
    """``-2159`` → ``'−2 159'`` with a thin space; None → blank."""
    if value is None:
        return ""
    digits = f"{abs(value):,}".replace(",", THIN_SPACE)
    return MINUS + digits if value < 0 else digits


def render(months: Sequence[MonthTables], options: RenderOptions) -> str:
    """One page: title, month, every block as a table, and the source line."""
    periode, blocks = months[-1].periode, months[-1].blocks
    month = format_periode(periode)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="nb">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(TITLE)} – {escape(month)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(TITLE)}</h1>",
        f'<p class="periode">{escape(month)}</p>',
        "</header>",
        "<main>",
    ]
    previous: int | None = None
    for block in blocks:
        if block.table.number != previous:
            if previous is not None:
                parts.append("</section>")
            parts.append("<section>")
            parts.append(f"<h2>Tabell {block.table.number}. {escape(block.table.heading)}</h2>")
            previous = block.table.number
        parts.append(_table(block))
    if previous is not None:
        parts.append("</section>")
    hidden = any(_hidden(block.table, row) for block in blocks for row in block.rows)
    legend = f"<p>{escape(HIDDEN_LEGEND)}</p>" if hidden else ""
    parts += ["</main>", f"<footer>{legend}<p>{escape(SOURCE)}</p></footer>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


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
