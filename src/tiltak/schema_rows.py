"""The stored rows of the rapport views (migration 0006), as SQLAlchemy Core metadata.

Derived data: tiltak.precompute writes them from the views tiltak.beregnet_<view>, which
compute them from the stored counts. Kept apart from tiltak.schema, whose tables hold what
the loads store.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.sql.schema import SchemaItem

_CHANGE = ("antall", "endring_antall", "endring_prosent")
_SIDE_BY_SIDE = ("i_alt", "andre", "arbeidssokere", "nedsatt_arbeidsevne")
TABLE_ROWS = {
    "hovedgrupper": (False, _CHANGE),
    "hovedgrupper_kjonn": (True, _CHANGE),
    "tiltaksgrupper": (False, _CHANGE),
    "tiltaksgrupper_kjonn": (True, _CHANGE),
    "tiltak_hovedgrupper": (False, _SIDE_BY_SIDE),
    "tiltak_hovedgrupper_kjonn": (True, _SIDE_BY_SIDE),
}


def _table_rows(metadata: MetaData, name: str, by_kjonn: bool, figures: tuple[str, ...]) -> Table:
    kjonn: list[SchemaItem] = [
        Column("kjonn", Text, nullable=False),
        Column("kjonn_rekkefolge", SmallInteger, nullable=False),
    ]
    key = ["periode", *(["kjonn_rekkefolge"] if by_kjonn else []), "radnr"]
    return Table(
        f"lagret_{name}",
        metadata,
        Column("periode", Date, nullable=False),
        *(kjonn if by_kjonn else []),
        Column("radnr", Integer, nullable=False),
        Column("rad", Text, nullable=False),
        Column("er_sum", Boolean, nullable=False),
        *(Column(figure, Integer) for figure in figures),
        PrimaryKeyConstraint(*key, name=f"lagret_{name}_pkey"),
        comment=f"The rows of rapport.{name}, as tiltak.beregnet_{name} computes them.",
    )


def define(metadata: MetaData) -> list[Table]:
    """The stored-row tables, added to `metadata`."""
    tables = [_table_rows(metadata, name, *spec) for name, spec in TABLE_ROWS.items()]
    tables.append(
        Table(
            "lagret_deltakere",
            metadata,
            Column("periode", Date, nullable=False),
            Column("kjonn", Text),
            Column("hovedgruppe", Text, nullable=False),
            Column("tiltaksgruppe", Text, nullable=False),
            Column("tiltak", Text, nullable=False),
            Column("antall", Integer),
            Column("prikket", Boolean, nullable=False),
            UniqueConstraint(
                "periode",
                "kjonn",
                "hovedgruppe",
                "tiltak",
                name="lagret_deltakere_celle",
                postgresql_nulls_not_distinct=True,
            ),
            comment="The rows of rapport.deltakere, as tiltak.beregnet_deltakere computes them.",
        )
    )
    tidsserie = Table(
        "lagret_tidsserie",
        metadata,
        Column("periode", Date, nullable=False),
        Column("kjonn", Text, nullable=False),
        Column("hovedgruppe", Text, nullable=False),
        Column("tiltaksgruppe", Text, nullable=False),
        Column("antall", Integer),
        Column("prikket", Boolean, nullable=False),
        Column("kjonn_rekkefolge", SmallInteger, comment="NULL: I alt"),
        Column("hovedgruppe_rekkefolge", SmallInteger, comment="NULL: I alt"),
        Column("tiltaksgruppe_rekkefolge", Integer, comment="NULL: I alt"),
        PrimaryKeyConstraint(
            "periode", "kjonn", "hovedgruppe", "tiltaksgruppe", name="lagret_tidsserie_pkey"
        ),
        comment="The rows of rapport.tidsserie, as tiltak.beregnet_tidsserie computes them.",
    )
    Index(
        "lagret_tidsserie_rekkefolge",
        tidsserie.c.periode,
        tidsserie.c.kjonn_rekkefolge.nulls_first(),
        tidsserie.c.hovedgruppe_rekkefolge.nulls_first(),
        tidsserie.c.tiltaksgruppe_rekkefolge.nulls_first(),
    )
    for member in ("kjonn", "hovedgruppe", "tiltaksgruppe"):
        Index(f"lagret_tidsserie_{member}", tidsserie.c[member], tidsserie.c.periode)
    return [*tables, tidsserie]
