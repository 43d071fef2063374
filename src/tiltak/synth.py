"""Synthetic reports: the publication written from a hierarchy and its finest counts.

A month's report is `tables.build_tables` (the publication's arithmetic) laid out by
`formats.text.render_text` (its layout), paged as NAV pages it. `history` evolves a seed month
(the March 2014 edition) into years of monthly reports by a seeded random walk, with
category changes (tiltak introduced, moved to another group, ended) on given months. The
same arguments always give the same reports, byte for byte.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tiltak.errors import UsageError
from tiltak.formats.text import render_text
from tiltak.model import (
    HOVEDGRUPPE_COLUMNS,
    KJONN,
    TITLE,
    Catalog,
    Counts,
    ReportData,
    format_periode,
    normalize_label,
)
from tiltak.parsing import ParsedReport, read_report
from tiltak.resources import resource_dir
from tiltak.synth_changes import NAV_CHANGES as NAV_CHANGES
from tiltak.synth_changes import SKJERMET as SKJERMET
from tiltak.synth_changes import Added as Added
from tiltak.synth_changes import Change as Change
from tiltak.tables import build_tables
from tiltak.validation import validate

PAGE_ROWS = 17  # rows below the grand total on a page of tables 5 and 6, as in March 2014
SEED_REPORT = "2014-03.txt"
Hierarchy = tuple[tuple[str, tuple[str, ...]], ...]  # groups in published order, with tiltak


@dataclass(frozen=True)
class Month:
    """One month's report: the hierarchy it prints and what it says at the finest grain."""

    catalog: Catalog
    data: ReportData

    @property
    def periode(self) -> date:
        return self.data.periode

    def text(self, page_rows: int | None = PAGE_ROWS) -> str:
        return report_text(self.catalog, self.data, page_rows)


def report_text(catalog: Catalog, data: ReportData, page_rows: int | None = PAGE_ROWS) -> str:
    """The report as NAV prints it: an introduction page, then all six tables, paged."""
    month = format_periode(data.periode)
    intro = (
        f"# {TITLE}\n\n## Om tabellene\n\n---\n\n{month}\n\n"
        '"Om statistikken - Arbeidssøkere" finner du på [nav.no](http://nav.no) ved å følge'
        ' lenken under relatert informasjon på siden "Tiltaksdeltakere".\n\n\n\n'
    )
    return intro + render_text(data.periode, build_tables(catalog, data), page_rows)


def make_catalog(
    periode: date,
    hierarchy: Hierarchy,
    hovedgrupper: Sequence[str],
    group_aliases: Mapping[str, str] | None = None,
    tiltak_aliases: Mapping[str, str] | None = None,
) -> Catalog:
    """A Catalog of `hierarchy`; aliases (normalised label -> name) besides the names."""
    groups = tuple(group for group, _members in hierarchy)
    tiltak = tuple((t, group) for group, members in hierarchy for t in members)
    return Catalog(
        periode=periode,
        hovedgrupper=tuple(hovedgrupper),
        tiltaksgrupper=groups,
        tiltak=tiltak,
        hovedgruppe_aliases={normalize_label(h): h for h in hovedgrupper},
        tiltaksgruppe_aliases={normalize_label(g): g for g in groups} | dict(group_aliases or {}),
        tiltak_aliases={normalize_label(t): t for t, _g in tiltak} | dict(tiltak_aliases or {}),
    )


def hierarchy_of(catalog: Catalog) -> Hierarchy:
    return tuple(
        (group, tuple(t for t, g in catalog.tiltak if g == group))
        for group in catalog.tiltaksgrupper
    )


# -- the seed month ---------------------------------------------------------------------


def seed_report() -> Path:
    """The shipped March 2014 edition (examples/ of a checkout, or inside the wheel)."""
    try:
        return resource_dir("examples") / SEED_REPORT
    except FileNotFoundError as exc:
        raise UsageError(f"no examples/{SEED_REPORT} here: name a report to start from") from exc


def seed_month(path: Path | None = None, catalog: Catalog | None = None) -> Month:
    """A real report as a Month: validated against `catalog`, or the hierarchy it prints."""
    report = read_report(path or seed_report())
    catalog = catalog or catalog_from_report(report)
    return Month(catalog, validate(report, catalog).data)


def catalog_from_report(report: ParsedReport) -> Catalog:
    """The hierarchy a report prints, without a database: the labels of tables 1, 3 and 5
    are the names; a differing label at the same place in table 4 or 6 is an alias."""

    def rows(number: int, kjonn: str | None = None) -> list[tuple[str, bool]]:
        return [(row.label, row.is_sum) for row in report.blocks[number, kjonn].rows[1:]]

    groups = [label for label, _ in rows(3)]
    group_aliases: dict[str, str] = {}
    for kjonn in KJONN:
        group_aliases |= _positional_aliases(rows(3), rows(4, kjonn))
    by_label = {normalize_label(g): g for g in groups} | group_aliases
    hierarchy: dict[str, list[str]] = {g: [] for g in groups}
    pending: list[str] = []
    for label, is_sum in rows(5):
        if not is_sum:
            pending.append(label)
            continue
        group = by_label.get(normalize_label(label.removeprefix("I alt ")))
        if group is None:
            raise ValueError(f"{report.path}: group of {label!r} is not in table 3")
        hierarchy[group] += pending
        pending = []
    tiltak_aliases: dict[str, str] = {}
    for kjonn in KJONN:
        tiltak_aliases |= _positional_aliases(rows(5), rows(6, kjonn))
    shaped = tuple((g, tuple(members)) for g, members in hierarchy.items())
    hovedgrupper = [label for label, _ in rows(1)]
    return make_catalog(report.periode, shaped, hovedgrupper, group_aliases, tiltak_aliases)


def _positional_aliases(
    names: Sequence[tuple[str, bool]], printed: Sequence[tuple[str, bool]]
) -> dict[str, str]:
    # The gendered tables print the same rows in the same order: a label that differs at the
    # same place is a misprint of that name (e.g. "Lønnskudd" for "Lønnstilskudd").
    if len(names) != len(printed):
        return {}
    return {
        normalize_label(label): name
        for (name, is_sum), (label, _) in zip(names, printed, strict=True)
        if not is_sum and normalize_label(name) != normalize_label(label)
    }


# -- the random walk ----------------------------------------------------------------------

Cell = tuple[str | None, str, str]  # (kjonn, tiltak, hovedgruppe)


@dataclass
class _Walk:
    """Each tiltak has a level that wanders around 1; a cell is its base count times the
    level and the season, drawn with Poisson-like noise, so small cells come and go."""

    rng: random.Random
    groups: list[tuple[str, list[str]]]
    base: dict[Cell, float] = field(default_factory=dict)
    level: dict[str, float] = field(default_factory=dict)  # log of the level

    @classmethod
    def start(cls, rng: random.Random, month: Month) -> _Walk:
        groups = [(g, list(members)) for g, members in hierarchy_of(month.catalog)]
        walk = cls(rng, groups)
        for (kjonn, tiltak, hovedgruppe), count in month.data.counts.items():
            walk.base[kjonn, tiltak, hovedgruppe] = float(count)
            walk.level[tiltak] = 0.0
        return walk

    def shape(self) -> Hierarchy:
        return tuple((g, tuple(members)) for g, members in self.groups)

    def step(self, periode: date) -> Counts:
        season = 1 + 0.04 * math.sin(2 * math.pi * (periode.month - 3) / 12)
        for tiltak, level in self.level.items():
            self.level[tiltak] = 0.95 * level + self.rng.gauss(0, 0.03)
        counts: Counts = {}
        for _group, members in self.groups:
            for tiltak in members:
                scale = math.exp(self.level[tiltak]) * season
                for kjonn in KJONN:
                    for hovedgruppe in HOVEDGRUPPE_COLUMNS:
                        mean = self.base[kjonn, tiltak, hovedgruppe] * scale
                        counts[kjonn, tiltak, hovedgruppe] = _draw(self.rng, mean)
        return counts

    def apply(self, change: Change) -> None:
        for group, after in change.new_groups:
            self.groups.insert(self._index(after) + 1, (group, []))
        for added in change.added:
            for kjonn in KJONN:
                for hovedgruppe in HOVEDGRUPPE_COLUMNS:
                    self.base[kjonn, added.tiltak, hovedgruppe] = added.scale * sum(
                        self.base[kjonn, t, hovedgruppe] * math.exp(self.level[t])
                        for t in added.like
                    )
            self.level[added.tiltak] = 0.0
            self._place(added.tiltak, added.group, added.position)
        for tiltak, group, position in change.moved:
            self._remove(tiltak)
            self._place(tiltak, group, position)
        for tiltak in change.ended:
            self._remove(tiltak)
            del self.level[tiltak]

    def _index(self, group: str) -> int:
        return [g for g, _ in self.groups].index(group)

    def _place(self, tiltak: str, group: str, position: int | None) -> None:
        members = self.groups[self._index(group)][1]
        members.insert(len(members) if position is None else position, tiltak)

    def _remove(self, tiltak: str) -> None:
        for _group, members in self.groups:
            if tiltak in members:
                members.remove(tiltak)
                return
        raise ValueError(f"no tiltak {tiltak!r} in the hierarchy")


def _draw(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean >= 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    # Knuth's Poisson sampler: exact, and quick for the small means it is used for.
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _totals(
    counts: Counts, catalog: Catalog
) -> tuple[dict[tuple[str | None, str], int], dict[tuple[str | None, str], int]]:
    """A month's counts per (kjønn, hovedgruppe) and per (kjønn, tiltaksgruppe)."""
    group_of = dict(catalog.tiltak)
    by_hovedgruppe: dict[tuple[str | None, str], int] = defaultdict(int)
    by_group: dict[tuple[str | None, str], int] = defaultdict(int)
    for (kjonn, tiltak, hovedgruppe), count in counts.items():
        by_hovedgruppe[kjonn, hovedgruppe] += count
        by_group[kjonn, group_of[tiltak]] += count
    return dict(by_hovedgruppe), dict(by_group)


def _add_months(start: date, months: int) -> date:
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# -- a history of months ------------------------------------------------------------------


def history(
    months: int,
    *,
    seed: int,
    start: date | None = None,
    changes: Sequence[Change] = (),
    revision_rate: float = 0.0,
    first: Month | None = None,
) -> Iterator[Month]:
    """`months` consecutive monthly reports from `start` (default: the first month's own).

    The first has the figures of `first` (default: March 2014). Endring compares with the
    month a year before as this history printed it, except that with probability
    `revision_rate` a month revises one of last year's cells by a few participants (late
    registrations); within the first year, last year's counts are the month's own, scaled by
    a random factor per tiltak. `changes` apply from their month on.
    """
    first = first or seed_month()
    start = start or first.periode
    rng = random.Random(seed)  # noqa: S311 - test data, reproducible by design
    walk = _Walk.start(rng, first)
    year: deque[Month] = deque(maxlen=12)
    for index in range(months):
        periode = _add_months(start, index)
        if index == 0:
            counts = dict(first.data.counts)
        else:
            for change in changes:
                if change.periode == periode:
                    walk.apply(change)
            counts = walk.step(periode)
        catalog = make_catalog(periode, walk.shape(), first.catalog.hovedgrupper)
        data = ReportData(periode, counts)
        if index == 0:
            data.fjor_hovedgruppe = dict(first.data.fjor_hovedgruppe)
            data.fjor_tiltaksgruppe = dict(first.data.fjor_tiltaksgruppe)
        else:
            _last_year(rng, data, catalog, year[0] if len(year) == 12 else None, revision_rate)
        month = Month(catalog, data)
        year.append(month)
        yield month


def _last_year(
    rng: random.Random,
    data: ReportData,
    catalog: Catalog,
    last: Month | None,
    revision_rate: float,
) -> None:
    if last is None:
        factor = {tiltak: rng.uniform(0.85, 1.15) for tiltak, _group in catalog.tiltak}
        pseudo = {cell: round(n * factor[cell[1]]) for cell, n in data.counts.items()}
        data.fjor_hovedgruppe, data.fjor_tiltaksgruppe = _totals(pseudo, catalog)
    else:
        data.fjor_hovedgruppe, data.fjor_tiltaksgruppe = _totals(last.data.counts, last.catalog)
        if rng.random() < revision_rate:
            _revise(rng, last, data)
    # A group new this year had no participants last year: Endring is all of this year's.
    group_of = dict(catalog.tiltak)
    for kjonn, tiltak, _hovedgruppe in data.counts:
        data.fjor_tiltaksgruppe.setdefault((kjonn, group_of[tiltak]), 0)


def _revise(rng: random.Random, last: Month, data: ReportData) -> None:
    """Last year's count of one cell, revised: both of last year's totals move with it."""
    cells = sorted(cell for cell, count in last.data.counts.items() if count >= 5)
    kjonn, tiltak, hovedgruppe = rng.choice(cells)
    delta = rng.choice((-3, -2, -1, 1, 2, 3))
    data.fjor_hovedgruppe[kjonn, hovedgruppe] += delta
    data.fjor_tiltaksgruppe[kjonn, dict(last.catalog.tiltak)[tiltak]] += delta


def write_history(
    directory: Path,
    *,
    months: int,
    seed: int,
    start: date | None = None,
    changes: Sequence[Change] = (),
    revision_rate: float = 0.0,
    first: Month | None = None,
    page_rows: int | None = PAGE_ROWS,
) -> list[Path]:
    """Write `history(...)` as one report file per month, ``YYYY-MM.txt``; their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for month in history(
        months,
        seed=seed,
        start=start,
        changes=changes,
        revision_rate=revision_rate,
        first=first,
    ):
        path = directory / f"{month.periode:%Y-%m}.txt"
        path.write_text(month.text(page_rows), encoding="utf-8")
        paths.append(path)
    return paths
