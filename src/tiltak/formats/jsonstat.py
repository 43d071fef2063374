"""rapport.deltakere as a JSON-stat 2.0 dataset (https://json-stat.org/format/).

The cube has five dimensions in the view's column order: periode, kjønn, hovedgruppe,
tiltaksgruppe and tiltak. A tiltak belongs to one tiltaksgruppe in a month, so most cells of
the full cross product do not exist: those are null, while a count NAV printed blank is 0.
A hidden count is null too, with status `*` at its index. A month whose report has no kjønn
split has its counts under the kjønn category `I alt`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from math import prod

from tiltak.formats import Cell, MonthTables, RenderOptions
from tiltak.model import HIDDEN_LEGEND, HIDDEN_SHOWN, TITLE, TOTAL_LABEL, format_periode

# (dimension id, label): the dimensions after periode, in the view's column order.
CELL_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("kjonn", "kjønn"),
    ("hovedgruppe", "hovedgruppe"),
    ("tiltaksgruppe", "tiltaksgruppe"),
    ("tiltak", "tiltak"),
)
Key = tuple[str, str, str, str, str]


def render(months: Sequence[MonthTables], options: RenderOptions) -> str:
    """The dataset of the months' cells; `options.categories` orders each dimension."""
    keyed = [(_key(month, cell), cell) for month in months for cell in month.cells]
    # Only categories that occur in the chosen months: a cube over every tiltak ever
    # known would be mostly empty for any one month.
    categories: dict[str, dict[str, str]] = {
        "periode": {f"{m.periode:%Y-%m}": format_periode(m.periode) for m in months}
    }
    for column, (dim, _label) in enumerate(CELL_DIMENSIONS, start=1):
        in_use = {key[column] for key, _cell in keyed}
        names = [*options.categories.get(dim, ())]
        if dim == "kjonn":
            names.append(TOTAL_LABEL)  # the months without kjønn split
        categories[dim] = {n: n for n in names if n in in_use}
    ids = list(categories)
    sizes = [len(categories[d]) for d in ids]
    values, status = _values(keyed, sizes, [list(categories[d]) for d in ids])
    dimension_labels = {"periode": "periode", **dict(CELL_DIMENSIONS)}
    dimensions = {
        dim: {
            "label": dimension_labels[dim],
            "category": {"index": list(categories[dim]), "label": categories[dim]},
        }
        for dim in ids
    }
    loaded = [m.loaded_at for m in months if m.loaded_at is not None]
    dataset = {
        "version": "2.0",
        "class": "dataset",
        "label": f"{TITLE}: deltakere etter periode, kjønn, hovedgruppe, tiltaksgruppe og tiltak",
        "source": "NAV",
        **({"updated": f"{max(loaded):%Y-%m-%dT%H:%M:%SZ}"} if loaded else {}),
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


def _key(month: MonthTables, cell: Cell) -> Key:
    kjonn = cell.kjonn if cell.kjonn is not None else TOTAL_LABEL
    return (f"{month.periode:%Y-%m}", kjonn, cell.hovedgruppe, cell.tiltaksgruppe, cell.tiltak)


def _values(
    keyed: Sequence[tuple[Key, Cell]], sizes: Sequence[int], categories: Sequence[list[str]]
) -> tuple[list[int | None], dict[str, str]]:
    """The values in row-major order, and the status of each hidden one by its index."""
    position = [{c: i for i, c in enumerate(names)} for names in categories]
    values: list[int | None] = [None] * prod(sizes)
    status: dict[str, str] = {}
    for key, cell in keyed:
        index = 0  # the last dimension varying fastest
        for at, size, category in zip(position, sizes, key, strict=True):
            index = index * size + at[category]
        values[index] = cell.antall
        if cell.prikket:
            status[str(index)] = HIDDEN_SHOWN
    return values, status
