"""Seed the category hierarchy as published in March 2014 (10 groups, 36 tiltak).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

Valid from 1990-01-01 so that any earlier month printed with these categories loads too.
Aliases hold every label seen in print, normalised to lower case with single spaces.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VALID_FROM = "1990-01-01"
STEP = 1000  # gaps in `rekkefolge`, so later categories can be placed between these

KJONN = [(1, "Kvinner", 1), (2, "Menn", 2)]
# (id, name, view column in tables 5-6, row order in tables 1-2)
HOVEDGRUPPER = [
    (1, "Arbeidssøkere på tiltak", "arbeidssokere", 1),
    (2, "Nedsatt arbeidsevne, på tiltak", "nedsatt_arbeidsevne", 2),
    (3, "Andre på tiltak", "andre", 3),
]
# Groups in published order, each with its tiltak in published order.
HIERARCHY: list[tuple[str, list[str]]] = [
    ("Avklaringstiltak", [
        "Avklaring",
        "Avklaring i skjermet virksomhet",
        "Avklaring - sykmeldt arbeidstaker",
    ]),
    ("Oppfølging", [
        "Arbeid med bistand (AB)",
        "Jobbklubb",
        "Mentor",
        "Oppfølging",
        "Oppfølging - sykmeldt arbeidstaker",
        "Resultatbasert finansiering",
        "Utvidet avklaring og oppfølging i NAV",
    ]),
    ("Opplæring", [
        "Arbeidsmarkedsopplæring (AMO)",
        "Arbeidsmarkedsopplæring (AMO) enkeltplass",
        "Kvalifisering i arbeidsmarkedsbedrift",
        "Nettbasert arbeidsmarkedsopplæring (AMO)",
        "Utdanning",
    ]),
    ("Lønnstilskudd", [
        "AAP som lønnstilskudd",
        "Tidsbegrenset lønnstilskudd",
        "Tidsubestemt lønnstilskudd",
    ]),
    ("Arbeidspraksis", [
        "Arbeidspraksis i ordinær virksomhet",
        "Arbeidspraksis i skjermet virksomhet",
    ]),
    ("Arbeidsrettet rehabilitering", [
        "Arbeidsrettet rehabilitering (dag)",
        "Arbeidsrettet rehabilitering (dag) - sykmeldt arbeidstaker",
        "Arbeidsrettet rehabilitering (døgn)",
        "Arbeidsrettet rehabilitering (døgn) - sykmeldt arbeidstaker",
    ]),
    ("Tilrettelagt arbeid", [
        "Produksjonsverksted (PV)",
        "Tilrettelagt arbeid i arbeidsmarkedsbedrift",
        "Varig tilrettelagt arbeid i ordinær virksomhet",
        "Varig tilrettelagt arbeid i skjermet virksomhet",
        "Varig vernet arbeid (VVA)",
    ]),
    ("Helsemessig utredning/behandling", [
        "Utredning/behandling lettere psykiske lidelser",
        "Utredning/behandling sammensatte lidelser",
    ]),
    ("Tilrettelegging", [
        "Funksjonsassistanse",
        "Tilrettelegging",
        "Tilretteleggingstilskudd for arbeidssøker",
    ]),
    ("Jobbskaping og egenetablering", [
        "Egenetablering",
        "Jobbskapingsprosjekter",
    ]),
]  # fmt: skip
# Misspellings NAV has printed, each resolving to the one category it names.
TILTAKSGRUPPE_ALIASES = {"Lønnskudd": "Lønnstilskudd"}
TILTAK_ALIASES = {
    "Jobbskappingsprosjekter": "Jobbskapingsprosjekter",
    "Jobbskapingprosjekter": "Jobbskapingsprosjekter",
}


def _normalise(label: str) -> str:
    return " ".join(label.split()).lower()


def upgrade() -> None:
    conn = op.get_bind()
    conn.execute(
        sa.text("insert into tiltak.kjonn (kjonn_id, navn, rekkefolge) values (:i, :n, :r)"),
        [{"i": i, "n": n, "r": r} for i, n, r in KJONN],
    )
    conn.execute(
        sa.text(
            "insert into tiltak.hovedgruppe (hovedgruppe_id, navn, kolonne, rekkefolge)"
            " values (:i, :n, :k, :r)"
        ),
        [{"i": i, "n": n, "k": k, "r": r} for i, n, k, r in HOVEDGRUPPER],
    )
    tiltak_order = 0
    for group_order, (group, members) in enumerate(HIERARCHY, start=1):
        group_id = conn.execute(
            sa.text(
                "insert into tiltak.tiltaksgruppe (navn, rekkefolge) values (:n, :r)"
                " returning tiltaksgruppe_id"
            ),
            {"n": group, "r": group_order * STEP},
        ).scalar_one()
        aliases = [group, *(a for a, c in TILTAKSGRUPPE_ALIASES.items() if c == group)]
        conn.execute(
            sa.text(
                "insert into tiltak.tiltaksgruppe_alias (alias, tiltaksgruppe_id) values (:a, :g)"
            ),
            [{"a": _normalise(a), "g": group_id} for a in aliases],
        )
        for name in members:
            tiltak_order += STEP
            _insert_tiltak(conn, name, tiltak_order, group_id)


def _insert_tiltak(conn: sa.Connection, name: str, order: int, group_id: int) -> None:
    tiltak_id = conn.execute(
        sa.text("insert into tiltak.tiltak (navn, rekkefolge) values (:n, :r) returning tiltak_id"),
        {"n": name, "r": order},
    ).scalar_one()
    aliases = [name, *(a for a, c in TILTAK_ALIASES.items() if c == name)]
    conn.execute(
        sa.text("insert into tiltak.tiltak_alias (alias, tiltak_id) values (:a, :t)"),
        [{"a": _normalise(a), "t": tiltak_id} for a in aliases],
    )
    conn.execute(
        sa.text(
            "insert into tiltak.tiltak_medlemskap (tiltak_id, tiltaksgruppe_id, gyldig_fra)"
            " values (:t, :g, :f)"
        ),
        {"t": tiltak_id, "g": group_id, "f": VALID_FROM},
    )


def downgrade() -> None:
    for statement in (
        "delete from tiltak.tiltak_medlemskap",
        "delete from tiltak.tiltak_alias",
        "delete from tiltak.tiltak",
        "delete from tiltak.tiltaksgruppe_alias",
        "delete from tiltak.tiltaksgruppe",
        "delete from tiltak.hovedgruppe",
        "delete from tiltak.kjonn",
    ):
        op.execute(sa.text(statement))
