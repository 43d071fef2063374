"""Every published count as a JSON-stat 2.0 dataset (https://json-stat.org/format/).

The cube is periode × kjønn × hovedgruppe × tiltak × ContentsCode, each of kjønn,
hovedgruppe and tiltak with its total `i_alt`, as statistical cubes (PxWeb) carry them. The
tiltak dimension is a hierarchy, `category.child`: the total over the tiltaksgrupper, each
tiltaksgruppe (its value the group's sum, labelled as tables 5 and 6 print it, "I alt
opplæring"), and under it its tiltak. A tiltak NAV moved to another group within the
exported months is a child of each; each month it counts in the group it had then. So every
figure of the six tables is one cell, and a cell is null only where the month has no such
figure (a tiltak not printed that month, kjønn in a report without the split) or hides it:
a hidden figure is null with status `*`. A count NAV printed blank is 0.

Category ids are the codes `tiltak.rendering.fetch_cube` gives (`kvinner`, `arbeidssokere`,
`G3`, `T17`, …), which a rename never changes; labels are the published names.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from math import prod
from typing import Any

from tiltak.formats import Category, CubeCell, MonthTables, RenderOptions
from tiltak.model import HIDDEN_LEGEND, HIDDEN_SHOWN, TITLE, TOTAL_LABEL, format_periode
from tiltak.tables import group_sum_label

TOTAL = "i_alt"
METRIC = "ContentsCode"  # the metric dimension's id in PxWeb's JSON-stat, so tools find it
COUNT = "deltakere"
IDS = ("periode", "kjonn", "hovedgruppe", "tiltak", METRIC)
DIMENSION_LABELS = {
    "periode": "periode",
    "kjonn": "kjønn",
    "hovedgruppe": "hovedgruppe",
    "tiltak": "tiltaksgruppe og tiltak",
    METRIC: "statistikkvariabel",
}
Rank = tuple[int, ...]


@dataclass
class _Dimension:
    """Categories by id, ordered by their ranks; labels and children beside."""

    ranks: dict[str, Rank] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)

    def add(self, code: str, label: str, rank: Rank, parent: str | None = None) -> str:
        if code not in self.ranks:
            self.ranks[code], self.labels[code] = rank, label
        if parent is not None and code not in self.children.setdefault(parent, []):
            self.children[parent].append(code)
        return code

    def index(self) -> list[str]:
        return sorted(self.ranks, key=self.ranks.__getitem__)

    def category(self) -> dict[str, Any]:
        index = self.index()
        found: dict[str, Any] = {"index": index, "label": {c: self.labels[c] for c in index}}
        if self.children:
            place = {code: n for n, code in enumerate(index)}
            found["child"] = {
                parent: sorted(kids, key=place.__getitem__)
                for parent, kids in sorted(self.children.items(), key=lambda p: place[p[0]])
            }
        return found


def render(months: Sequence[MonthTables], options: RenderOptions) -> str:
    """The dataset of the months' cubes (MonthTables.cube), in the order given."""
    dimensions = {dim: _Dimension() for dim in IDS}
    for number, month in enumerate(months):
        dimensions["periode"].add(
            f"{month.periode:%Y-%m}", format_periode(month.periode), (number,)
        )
    dimensions[METRIC].add(COUNT, "Deltakere", (0,))
    # The newest month first: a tiltak that moved is listed under the group it had last.
    cells = [
        ((f"{month.periode:%Y-%m}", *_place(cell, dimensions), COUNT), cell.antall)
        for month in reversed(months)
        for cell in month.cube
    ]
    values, status = _values(cells, dimensions)
    loaded = [m.loaded_at for m in months if m.loaded_at is not None]
    dataset = {
        "version": "2.0",
        "class": "dataset",
        "label": f"{TITLE}: deltakere etter periode, kjønn, hovedgruppe, tiltaksgruppe og tiltak",
        "source": "NAV",
        **({"updated": f"{max(loaded):%Y-%m-%dT%H:%M:%SZ}"} if loaded else {}),
        "note": [
            "Null: ingen slik celle den måneden (tiltaket ble ikke trykt, eller rapporten"
            " var uten kjønnsfordeling), eller tallet er prikket (status *).",
            HIDDEN_LEGEND,
        ],
        "role": {"time": ["periode"], "metric": [METRIC]},
        "id": list(IDS),
        "size": [len(dimensions[dim].ranks) for dim in IDS],
        "dimension": {dim: _dimension_json(dim, dimensions[dim]) for dim in IDS},
        "value": values,
        **({"status": status} if status else {}),
    }
    return json.dumps(dataset, ensure_ascii=False, separators=(",", ":")) + "\n"


def _place(cell: CubeCell, dimensions: dict[str, _Dimension]) -> tuple[str, str, str]:
    """The cell's kjønn, hovedgruppe and tiltak ids, each category added on first sight."""

    def member(dim: str, category: Category | None) -> str:
        total = dimensions[dim].add(TOTAL, TOTAL_LABEL, (0,))
        if category is None:
            return total
        return dimensions[dim].add(category.code, category.label, (1, category.rank))

    tiltak = dimensions["tiltak"].add(TOTAL, TOTAL_LABEL, (0,))
    group = cell.tiltaksgruppe
    if group is not None:
        rank = (1, group.rank)
        label = group_sum_label(group.label)
        tiltak = dimensions["tiltak"].add(group.code, label, rank, parent=TOTAL)
        if cell.tiltak is not None:
            # Listed after its group, as table 5 lists a group's tiltak.
            tiltak = dimensions["tiltak"].add(
                cell.tiltak.code, cell.tiltak.label, (*rank, cell.tiltak.rank), parent=group.code
            )
    return member("kjonn", cell.kjonn), member("hovedgruppe", cell.hovedgruppe), tiltak


def _values(
    cells: Sequence[tuple[tuple[str, ...], int | None]], dimensions: dict[str, _Dimension]
) -> tuple[list[int | None], dict[str, str]]:
    """The values in row-major order (the last dimension varying fastest), and the status of
    each hidden one by its index."""
    positions = [{code: n for n, code in enumerate(dimensions[d].index())} for d in IDS]
    sizes = [len(p) for p in positions]
    values: list[int | None] = [None] * prod(sizes)
    status: dict[str, str] = {}
    for codes, antall in cells:
        index = 0
        for position, size, code in zip(positions, sizes, codes, strict=True):
            index = index * size + position[code]
        values[index] = antall
        if antall is None:
            status[str(index)] = HIDDEN_SHOWN
    return values, status


def _dimension_json(dim: str, dimension: _Dimension) -> dict[str, Any]:
    category = dimension.category()
    if dim == METRIC:
        category["unit"] = {COUNT: {"label": "personer", "decimals": 0}}
    return {"label": DIMENSION_LABELS[dim], "category": category}
