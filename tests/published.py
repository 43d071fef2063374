"""An independent reader of the published figures, for checking the views against them.

Deliberately separate from tiltak.parsing: it knows only what docs/publication.md says of the
layout, so a bug in the tool's parser cannot hide a figure from the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

# docs/publication.md: `## ` heading -> (table number, view)
TABLES = {
    "Hovedgrupper": (1, "hovedgrupper"),
    "Hovedgrupper og kjønn": (2, "hovedgrupper_kjonn"),
    "Tiltaksgrupper": (3, "tiltaksgrupper"),
    "Tiltaksgrupper og kjønn": (4, "tiltaksgrupper_kjonn"),
    "Tiltak og hovedgrupper": (5, "tiltak_hovedgrupper"),
    "Tiltak, hovedgrupper og kjønn": (6, "tiltak_hovedgrupper_kjonn"),
}
# docs/views.md: published column -> view column
COLUMNS = {
    "Antall": "antall",
    "Endring fra i fjor Antall": "endring_antall",
    "Endring fra i fjor Prosent": "endring_prosent",
    "I alt": "i_alt",
    "Andre på tiltak": "andre",
    "Arbeidssøkere på tiltak": "arbeidssokere",
    "Nedsatt arbeidsevne, på tiltak": "nedsatt_arbeidsevne",
}
# docs/publication.md: how NAV (`*`) and other agencies mark a hidden cell.
HIDDEN = ("*", "..", ":")
MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli",
          "august", "september", "oktober", "november", "desember"]  # fmt: skip


@dataclass
class Block:
    view: str
    kjonn: str | None
    columns: list[str]
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (label, raw cells)


@dataclass
class Publication:
    periode: str  # YYYY-MM-01
    blocks: dict[tuple[int, str | None], Block]

    def figures(self) -> int:
        return sum(1 for b in self.blocks.values() for _, cells in b.rows for c in cells if c)


def _strip_bold(text: str) -> str:
    text = text.strip()
    if text.startswith("<b>") and text.endswith("</b>"):
        return text[3:-4].strip()
    return text


def is_hidden(raw: str) -> bool:
    return _strip_bold(raw) in HIDDEN


def number(raw: str) -> int | None:
    text = _strip_bold(raw).replace("\u2212", "-")
    for space in (" ", "\u00a0", "\u202f"):
        text = text.replace(space, "")
    return int(text) if text else None


def read_publication(path: Path) -> Publication:
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    blocks: dict[tuple[int, str | None], Block] = {}
    periode = ""
    table: tuple[int, str] | None = None
    kjonn: str | None = None
    current: Block | None = None
    for line in text.split("\n"):
        words = line.split()
        if line.startswith("## "):
            table, kjonn, current = TABLES.get(line[3:].strip()), None, None
        elif line.strip().removeprefix("### ") in ("Kvinner", "Menn"):
            kjonn, current = line.strip().removeprefix("### "), None
        elif len(words) == 2 and words[0].lower() in MONTHS and words[1].isdigit():
            periode = f"{words[1]}-{MONTHS.index(words[0].lower()) + 1:02d}-01"
        elif table and line.startswith("\t"):
            key = (table[0], kjonn)
            if key not in blocks:
                blocks[key] = Block(table[1], kjonn, [COLUMNS[c] for c in line.split("\t")[1:]])
            current = blocks[key]
        elif current is not None and "\t" in line:
            label, *cells = line.split("\t")
            row = (_strip_bold(label), cells)
            # A continued page repeats the grand total: the same row, already seen.
            if row not in current.rows:
                current.rows.append(row)
    return Publication(periode, blocks)


def alias_map(url: str) -> dict[str, str]:
    """Printed label (lower case) -> canonical name, from the database's alias tables."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select a.alias, t.navn from tiltak.tiltak_alias a"
            " join tiltak.tiltak t using (tiltak_id)"
            " union all"
            " select a.alias, g.navn from tiltak.tiltaksgruppe_alias a"
            " join tiltak.tiltaksgruppe g using (tiltaksgruppe_id)"
        ).fetchall()
    return {alias: name for alias, name in rows}


def canonical(label: str, aliases: dict[str, str]) -> str:
    lowered = " ".join(label.split()).lower()
    if lowered.startswith("i alt "):
        rest = lowered.removeprefix("i alt ")
        return "I alt " + aliases.get(rest, rest).lower()
    return aliases.get(lowered, label)


def view_rows(url: str, view: str, periode: str) -> list[dict[str, object]]:
    with psycopg.connect(url) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        query = psycopg.sql.SQL("select * from {} where periode = %s order by radnr").format(
            psycopg.sql.Identifier("rapport", view)
        )
        return list(cur.execute(query, (periode,)))


def mismatches(url: str, publication: Publication) -> list[str]:
    """Every published cell, blank or not, that the views do not reproduce; and row order."""
    aliases = alias_map(url)
    problems: list[str] = []
    for (number_, kjonn), block in publication.blocks.items():
        rows = [
            r for r in view_rows(url, block.view, publication.periode)
            if kjonn is None or r["kjonn"] == kjonn
        ]  # fmt: skip
        by_label = {str(r["rad"]): r for r in rows}
        where = f"table {number_} {kjonn or ''}"
        published_order = [canonical(label, aliases) for label, _ in block.rows]
        if [r["rad"] for r in rows] != published_order:
            problems.append(f"{where}: view rows {[r['rad'] for r in rows]} != {published_order}")
        for label, cells in block.rows:
            view_row = by_label.get(canonical(label, aliases))
            if view_row is None:
                problems.append(f"{where} {label!r}: no such row in rapport.{block.view}")
                continue
            for column, raw in zip(block.columns, cells, strict=True):
                if is_hidden(raw):
                    expected = None  # a hidden count is NULL, never 0 nor a guess
                else:
                    expected = number(raw)
                    if expected is None and not column.startswith("endring"):
                        expected = 0  # a blank count means zero; a blank Endring: unknown
                if view_row[column] != expected:
                    problems.append(
                        f"{where} {label!r} {column}: view {view_row[column]}, published {expected}"
                    )
    return problems


def cell_count(publications: Sequence[Publication]) -> int:
    return sum(p.figures() for p in publications)
