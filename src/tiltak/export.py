"""Export: rapport.deltakere as a JSON-stat 2.0 dataset (https://json-stat.org/format/).

The cube has five dimensions in the view's column order: periode, kjønn, hovedgruppe,
tiltaksgruppe and tiltak. A tiltak belongs to one tiltaksgruppe in a month, so most cells of
the full cross product do not exist: those are null, while a count NAV printed blank is 0.
A hidden count is null too, with status `*` at its index. A month whose report has no kjønn
split has its counts under the kjønn category `I alt`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from math import prod
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Row

from tiltak.errors import UsageError
from tiltak.model import HIDDEN_LEGEND, HIDDEN_SHOWN, TITLE, TOTAL_LABEL, format_periode
from tiltak.verification import loaded_periods

EXPORT_FORMATS = ("json-stat",)

# (dimension id, label, query of its categories in published order)
_DIMENSIONS: tuple[tuple[str, str, str], ...] = (
    ("kjonn", "kjønn", "select navn from tiltak.kjonn order by rekkefolge"),
    ("hovedgruppe", "hovedgruppe", "select navn from tiltak.hovedgruppe order by rekkefolge"),
    ("tiltaksgruppe", "tiltaksgruppe", "select navn from tiltak.tiltaksgruppe order by rekkefolge"),
    ("tiltak", "tiltak", "select navn from tiltak.tiltak order by rekkefolge"),
)
_ROWS = text(
    "select periode, coalesce(kjonn, :i_alt) as kjonn, hovedgruppe, tiltaksgruppe, tiltak,"
    " antall, prikket"
    " from rapport.deltakere where periode = any(:perioder)"
)


def export_json_stat(connection: Connection, periods: Sequence[date] | None = None) -> str:
    """The dataset for the given months (every loaded month if None), as JSON text."""
    loaded = loaded_periods(connection)
    missing = [p for p in periods or () if p not in loaded]
    if missing:
        raise UsageError(f"no report loaded for {', '.join(f'{p:%Y-%m}' for p in missing)}")
    chosen = sorted(set(periods)) if periods else loaded
    if not chosen:
        raise UsageError("no report loaded: run `load-report FILE` first")
    rows = connection.execute(_ROWS, {"perioder": chosen, "i_alt": TOTAL_LABEL}).all()
    # Only categories that occur in the chosen months: a cube over every tiltak ever
    # known would be mostly empty for any one month.
    categories: dict[str, dict[str, str]] = {
        "periode": {f"{p:%Y-%m}": format_periode(p) for p in chosen}
    }
    for column, (dim, _label, query) in enumerate(_DIMENSIONS, start=1):
        in_use = {row[column] for row in rows}
        names = [n for (n,) in connection.execute(text(query))]
        if dim == "kjonn":
            names.append(TOTAL_LABEL)  # the months without kjønn split
        categories[dim] = {n: n for n in names if n in in_use}
    ids = list(categories)
    sizes = [len(categories[d]) for d in ids]
    position = {d: {c: i for i, c in enumerate(categories[d])} for d in ids}
    values, status = _values(rows, ids, sizes, position)
    dimension_labels = {"periode": "periode", **{d: lbl for d, lbl, _q in _DIMENSIONS}}
    dimensions = {
        dim: {
            "label": dimension_labels[dim],
            "category": {"index": list(categories[dim]), "label": categories[dim]},
        }
        for dim in ids
    }
    dataset = {
        "version": "2.0",
        "class": "dataset",
        "label": f"{TITLE}: deltakere etter periode, kjønn, hovedgruppe, tiltaksgruppe og tiltak",
        "source": "NAV",
        "updated": _updated(connection, chosen),
        "note": [
            "Antall deltakere. Null: tiltaket hørte ikke til tiltaksgruppen den måneden,"
            " eller tallet er prikket (status *).",
            HIDDEN_LEGEND,
        ],
        "role": {"time": ["periode"]},
        "id": ids,
        "size": sizes,
        "dimension": dimensions,
        "value": values,
        **({"status": status} if status else {}),
    }
    return json.dumps(dataset, ensure_ascii=False, separators=(",", ":")) + "\n"


def _values(
    rows: Sequence[Row[Any]],
    ids: Sequence[str],
    sizes: Sequence[int],
    position: dict[str, dict[str, int]],
) -> tuple[list[int | None], dict[str, str]]:
    """The values in row-major order, and the status of each hidden one by its index."""
    values: list[int | None] = [None] * prod(sizes)
    status: dict[str, str] = {}
    for row in rows:
        keys = (f"{row.periode:%Y-%m}", row.kjonn, row.hovedgruppe, row.tiltaksgruppe, row.tiltak)
        index = 0  # the last dimension varying fastest
        for dim, size, key in zip(ids, sizes, keys, strict=True):
            index = index * size + position[dim][key]
        values[index] = row.antall
        if row.prikket:
            status[str(index)] = HIDDEN_SHOWN
    return values, status


def _updated(connection: Connection, periods: Sequence[date]) -> str:
    """When the newest of the exported months was loaded (ISO 8601, UTC)."""
    loaded_at = connection.execute(
        text(
            "select max(innlest) at time zone 'UTC' from tiltak.innlesing"
            " where erstattet is null and periode = any(:perioder)"
        ),
        {"perioder": list(periods)},
    ).scalar_one()
    return f"{loaded_at:%Y-%m-%dT%H:%M:%SZ}"
