"""The normalised tables, as SQLAlchemy Core metadata.

Migrations in ``alembic/versions`` create them; this module is what the code queries and
what ``alembic check`` compares the database with.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from tiltak.schema_rows import define as _define_stored_rows

SCHEMA = "tiltak"
metadata = MetaData(schema=SCHEMA)


def _first_of_month(column: str) -> CheckConstraint:
    return CheckConstraint(f"date_trunc('month', {column}) = {column}", name=f"{column}_er_forste")


kjonn = Table(
    "kjonn",
    metadata,
    Column("kjonn_id", SmallInteger, primary_key=True, autoincrement=False),
    Column("navn", Text, nullable=False, unique=True),
    Column("rekkefolge", SmallInteger, nullable=False, unique=True),
    comment="Kjønn as the publication splits it: Kvinner, Menn.",
)

hovedgruppe = Table(
    "hovedgruppe",
    metadata,
    Column("hovedgruppe_id", SmallInteger, primary_key=True, autoincrement=False),
    Column("navn", Text, nullable=False, unique=True),
    Column("kolonne", Text, nullable=False, unique=True, comment="Column name in tables 5-6"),
    Column(
        "rekkefolge", SmallInteger, nullable=False, unique=True, comment="Row order, tables 1-2"
    ),
    comment="Main group of the participant.",
)

tiltaksgruppe = Table(
    "tiltaksgruppe",
    metadata,
    Column("tiltaksgruppe_id", Integer, Identity(), primary_key=True),
    Column("navn", Text, nullable=False, unique=True),
    Column("rekkefolge", Integer, nullable=False, unique=True, comment="Published order"),
    comment="Group of measures.",
)


def _alias_table(category: str) -> Table:
    """Every label a category is printed with (misprints, renames), its own name included."""
    return Table(
        f"{category}_alias",
        metadata,
        Column(
            "alias",
            Text,
            primary_key=True,
            comment="Label as printed, normalised: lower case, single spaces",
        ),
        Column(
            f"{category}_id",
            Integer,
            ForeignKey(f"{category}.{category}_id", ondelete="CASCADE"),
            nullable=False,
        ),
        comment=f"Every label a {category} is printed with, its canonical name included.",
    )


tiltaksgruppe_alias = _alias_table("tiltaksgruppe")

tiltak = Table(
    "tiltak",
    metadata,
    Column("tiltak_id", Integer, Identity(), primary_key=True),
    Column("navn", Text, nullable=False, unique=True),
    Column("rekkefolge", Integer, nullable=False, unique=True, comment="Published order"),
    comment="Labour-market measure.",
)

tiltak_alias = _alias_table("tiltak")

tiltak_medlemskap = Table(
    "tiltak_medlemskap",
    metadata,
    Column(
        "tiltak_id", Integer, ForeignKey("tiltak.tiltak_id", ondelete="CASCADE"), primary_key=True
    ),
    Column("gyldig_fra", Date, primary_key=True),
    Column("gyldig_til", Date, comment="First month no longer valid; NULL while valid"),
    Column(
        "tiltaksgruppe_id",
        Integer,
        ForeignKey("tiltaksgruppe.tiltaksgruppe_id"),
        nullable=False,
    ),
    CheckConstraint("gyldig_til is null or gyldig_til > gyldig_fra", name="gyldig_periode"),
    _first_of_month("gyldig_fra"),
    comment="Which tiltaksgruppe a tiltak belongs to, and in which months.",
)

periode = Table(
    "periode",
    metadata,
    Column("periode", Date, primary_key=True),
    _first_of_month("periode"),
    comment="A month a report has been loaded for.",
)

innlesing = Table(
    "innlesing",
    metadata,
    Column("innlesing_id", BigInteger, Identity(), primary_key=True),
    Column("periode", Date, ForeignKey("periode.periode"), nullable=False),
    Column("filnavn", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("innlest", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("erstattet", DateTime(timezone=True), comment="When a later load replaced it"),
    CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256_hex"),
    CheckConstraint("erstattet is null or erstattet >= innlest", name="erstattet_etter"),
    Index(
        "innlesing_gjeldende",
        "periode",
        unique=True,
        postgresql_where=text("erstattet is null"),
    ),
    comment="Load history: every report file loaded, current or replaced.",
)


_KJONN_COMMENT = "NULL in a month whose report has no kjønn split"


def _kjonn_column(comment: str = _KJONN_COMMENT) -> Column[int]:
    return Column("kjonn_id", SmallInteger, ForeignKey("kjonn.kjonn_id"), comment=comment)


def _unique_cell(name: str, *columns: str) -> UniqueConstraint:
    # NULL is a member ("all", or "not split by kjønn"), so two NULLs are the same cell.
    return UniqueConstraint(*columns, name=name, postgresql_nulls_not_distinct=True)


def _count_table(name: str, category: str, category_table: str, comment: str) -> Table:
    return Table(
        name,
        metadata,
        Column("periode", Date, ForeignKey("periode.periode"), nullable=False),
        Column(
            f"{category}_id",
            SmallInteger if category == "hovedgruppe" else Integer,
            ForeignKey(f"{category_table}.{category}_id"),
            nullable=False,
        ),
        _kjonn_column(),
        Column("antall", Integer, nullable=False),
        Column("innlesing_id", BigInteger, ForeignKey("innlesing.innlesing_id"), nullable=False),
        CheckConstraint("antall >= 0", name=f"{name}_antall_ikke_negativ"),
        _unique_cell(f"{name}_celle", "periode", f"{category}_id", "kjonn_id"),
        comment=comment,
    )


antall = Table(
    "antall",
    metadata,
    Column("periode", Date, ForeignKey("periode.periode"), nullable=False),
    Column("tiltak_id", Integer, ForeignKey("tiltak.tiltak_id"), nullable=False),
    Column(
        "hovedgruppe_id", SmallInteger, ForeignKey("hovedgruppe.hovedgruppe_id"), nullable=False
    ),
    _kjonn_column(),
    Column(
        "antall",
        Integer,
        comment="Participants; NULL where the report hides the count (1 to 3 for NAV's '*')",
    ),
    Column("innlesing_id", BigInteger, ForeignKey("innlesing.innlesing_id"), nullable=False),
    CheckConstraint("antall >= 0", name="antall_ikke_negativ"),
    _unique_cell("antall_celle", "periode", "tiltak_id", "hovedgruppe_id", "kjonn_id"),
    comment="Participants at the finest grain, for the current load of each month.",
)

antall_sum = Table(
    "antall_sum",
    metadata,
    Column("periode", Date, ForeignKey("periode.periode"), nullable=False),
    _kjonn_column("NULL: Kvinner + Menn"),
    Column(
        "hovedgruppe_id",
        SmallInteger,
        ForeignKey("hovedgruppe.hovedgruppe_id"),
        comment="NULL: all hovedgrupper",
    ),
    Column(
        "tiltaksgruppe_id",
        Integer,
        ForeignKey("tiltaksgruppe.tiltaksgruppe_id"),
        comment="NULL: all tiltaksgrupper",
    ),
    Column(
        "tiltak_id",
        Integer,
        ForeignKey("tiltak.tiltak_id"),
        comment="NULL: all tiltak of the group",
    ),
    Column("antall", Integer, comment="Participants; NULL where hidden"),
    Column("innlesing_id", BigInteger, ForeignKey("innlesing.innlesing_id"), nullable=False),
    CheckConstraint("antall >= 0", name="antall_sum_antall_ikke_negativ"),
    CheckConstraint(
        "tiltak_id is null or tiltaksgruppe_id is not null", name="antall_sum_tiltak_i_gruppe"
    ),
    _unique_cell(
        "antall_sum_celle", "periode", "kjonn_id", "hovedgruppe_id", "tiltaksgruppe_id", "tiltak_id"
    ),
    comment="Published sums that cover a hidden count, or are hidden themselves.",
)

fjorar_hovedgruppe = _count_table(
    "fjorar_hovedgruppe",
    "hovedgruppe",
    "hovedgruppe",
    "Last year's count per hovedgruppe × kjønn, as the month's Endring columns imply it.",
)

fjorar_tiltaksgruppe = _count_table(
    "fjorar_tiltaksgruppe",
    "tiltaksgruppe",
    "tiltaksgruppe",
    "Last year's count per tiltaksgruppe × kjønn, as the month's Endring columns imply it.",
)

publisert_celle = Table(
    "publisert_celle",
    metadata,
    Column(
        "innlesing_id",
        BigInteger,
        ForeignKey("innlesing.innlesing_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("linje", Integer, primary_key=True, comment="Line in the loaded file"),
    Column("kolonne", Text, primary_key=True, comment="View column the cell belongs to"),
    Column("tabell", SmallInteger, nullable=False),
    Column("kjonn_id", SmallInteger, ForeignKey("kjonn.kjonn_id")),
    Column("radnr", SmallInteger, nullable=False, comment="Published row order in its block"),
    Column("rad", Text, nullable=False, comment="Row label as the views give it"),
    Column("rad_publisert", Text, nullable=False, comment="Row label as printed"),
    Column("verdi", Integer, comment="NULL where the cell was printed blank"),
    Column("merke", Text, comment="Marker of a hidden cell ('*', '..', ':')"),
    CheckConstraint("tabell between 1 and 6", name="tabell_1_til_6"),
    CheckConstraint("merke is null or verdi is null", name="merke_uten_verdi"),
    CheckConstraint("radnr >= 1", name="radnr_positiv"),
    comment="The published figures themselves, kept to prove the views reproduce them.",
)

revisjon = Table(
    "revisjon",
    metadata,
    Column("revisjon", Text, primary_key=True),
    Column("kilde", Text, nullable=False, comment="The revision file's source, as applied"),
    Column("pakket", Boolean, nullable=False, comment="Whether it ships with tiltak"),
    comment="Every applied alembic revision, so `tiltak categories restore` can write it back.",
)

# The rapport views' rows, stored (migration 0006): derived from the tables above.
stored_rows = _define_stored_rows(metadata)

__all__ = [
    "antall",
    "antall_sum",
    "fjorar_hovedgruppe",
    "fjorar_tiltaksgruppe",
    "hovedgruppe",
    "innlesing",
    "kjonn",
    "metadata",
    "periode",
    "publisert_celle",
    "revisjon",
    "stored_rows",
    "tiltak",
    "tiltak_alias",
    "tiltak_medlemskap",
    "tiltaksgruppe",
    "tiltaksgruppe_alias",
]
