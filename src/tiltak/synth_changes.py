"""Category changes for synthetic histories: what NAV did to its tiltak after March 2014."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Added:
    """A tiltak introduced: its counts start as the sum of `like`'s, times `scale`."""

    tiltak: str
    group: str
    like: tuple[str, ...]
    scale: float = 1.0
    position: int | None = None  # its place in the group; None: last


@dataclass(frozen=True)
class Change:
    """How the hierarchy changes from `periode` on."""

    periode: date
    new_groups: tuple[tuple[str, str], ...] = ()  # (group, printed after this group)
    added: tuple[Added, ...] = ()
    moved: tuple[tuple[str, str, int | None], ...] = ()  # (tiltak, new group, place or last)
    ended: tuple[str, ...] = ()


# A decade of changes after March 2014, after NAV's own: AFT replaced three measures in
# sheltered firms in 2016, Arbeidstrening came beside Arbeidspraksis. Moved tiltak keep their
# place in published order (a tiltak has one `rekkefolge` for all its groups).
SKJERMET = (
    "Arbeidspraksis i skjermet virksomhet",
    "Avklaring i skjermet virksomhet",
    "Kvalifisering i arbeidsmarkedsbedrift",
)
NAV_CHANGES: tuple[Change, ...] = (
    Change(
        date(2015, 7, 1),
        moved=(("Utvidet avklaring og oppfølging i NAV", "Avklaringstiltak", None),),
    ),
    Change(
        date(2016, 1, 1),
        new_groups=(("Arbeidsforberedende trening", "Opplæring"),),
        added=(
            Added("Arbeidsforberedende trening (AFT)", "Arbeidsforberedende trening", SKJERMET),
            Added(
                "Arbeidstrening", "Arbeidspraksis", ("Arbeidspraksis i ordinær virksomhet",), 0.2
            ),
        ),
        ended=SKJERMET,
    ),
    Change(date(2018, 7, 1), moved=(("Mentor", "Tilrettelegging", 0),)),
    Change(
        date(2019, 1, 1),
        added=(
            Added(
                "Inkluderingstilskudd",
                "Tilrettelegging",
                ("Tilretteleggingstilskudd for arbeidssøker",),
            ),
        ),
        ended=("Tilretteleggingstilskudd for arbeidssøker",),
    ),
    # Both tiltak of a group end: the group is printed with no participants for a year.
    Change(
        date(2021, 7, 1),
        ended=(
            "Utredning/behandling lettere psykiske lidelser",
            "Utredning/behandling sammensatte lidelser",
        ),
    ),
)
