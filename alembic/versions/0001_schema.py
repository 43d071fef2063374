"""Schema: categories, loads, counts, last year's counts and published cells.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 05:10:13.487409
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("create schema if not exists tiltak")
    op.create_table(
        "hovedgruppe",
        sa.Column("hovedgruppe_id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("navn", sa.Text(), nullable=False),
        sa.Column("kolonne", sa.Text(), nullable=False, comment="Column name in tables 5-6"),
        sa.Column("rekkefolge", sa.SmallInteger(), nullable=False, comment="Row order, tables 1-2"),
        sa.PrimaryKeyConstraint("hovedgruppe_id"),
        sa.UniqueConstraint("kolonne"),
        sa.UniqueConstraint("navn"),
        sa.UniqueConstraint("rekkefolge"),
        schema="tiltak",
        comment="Main group of the participant.",
    )
    op.create_table(
        "kjonn",
        sa.Column("kjonn_id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("navn", sa.Text(), nullable=False),
        sa.Column("rekkefolge", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kjonn_id"),
        sa.UniqueConstraint("navn"),
        sa.UniqueConstraint("rekkefolge"),
        schema="tiltak",
        comment="Kjønn as the publication splits it: Kvinner, Menn.",
    )
    op.create_table(
        "periode",
        sa.Column("periode", sa.Date(), nullable=False),
        sa.CheckConstraint("date_trunc('month', periode) = periode", name="periode_er_forste"),
        sa.PrimaryKeyConstraint("periode"),
        schema="tiltak",
        comment="A month a report has been loaded for.",
    )
    op.create_table(
        "tiltak",
        sa.Column("tiltak_id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("navn", sa.Text(), nullable=False),
        sa.Column("rekkefolge", sa.Integer(), nullable=False, comment="Published order"),
        sa.PrimaryKeyConstraint("tiltak_id"),
        sa.UniqueConstraint("navn"),
        sa.UniqueConstraint("rekkefolge"),
        schema="tiltak",
        comment="Labour-market measure.",
    )
    op.create_table(
        "tiltaksgruppe",
        sa.Column("tiltaksgruppe_id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("navn", sa.Text(), nullable=False),
        sa.Column("rekkefolge", sa.Integer(), nullable=False, comment="Published order"),
        sa.PrimaryKeyConstraint("tiltaksgruppe_id"),
        sa.UniqueConstraint("navn"),
        sa.UniqueConstraint("rekkefolge"),
        schema="tiltak",
        comment="Group of measures.",
    )
    op.create_table(
        "innlesing",
        sa.Column("innlesing_id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("periode", sa.Date(), nullable=False),
        sa.Column("filnavn", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "innlest", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column(
            "erstattet",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="When a later load replaced it",
        ),
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256_hex"),
        sa.CheckConstraint("erstattet is null or erstattet >= innlest", name="erstattet_etter"),
        sa.ForeignKeyConstraint(
            ["periode"],
            ["tiltak.periode.periode"],
        ),
        sa.PrimaryKeyConstraint("innlesing_id"),
        schema="tiltak",
        comment="Load history: every report file loaded, current or replaced.",
    )
    op.create_index(
        "innlesing_gjeldende",
        "innlesing",
        ["periode"],
        unique=True,
        schema="tiltak",
        postgresql_where=sa.text("erstattet is null"),
    )
    op.create_table(
        "tiltak_alias",
        sa.Column(
            "alias",
            sa.Text(),
            nullable=False,
            comment="Label as printed, normalised: lower case, single spaces",
        ),
        sa.Column("tiltak_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tiltak_id"], ["tiltak.tiltak.tiltak_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("alias"),
        schema="tiltak",
        comment="Every label a tiltak is printed with, its canonical name included.",
    )
    op.create_table(
        "tiltak_medlemskap",
        sa.Column("tiltak_id", sa.Integer(), nullable=False),
        sa.Column("gyldig_fra", sa.Date(), nullable=False),
        sa.Column(
            "gyldig_til",
            sa.Date(),
            nullable=True,
            comment="First month no longer valid; NULL while valid",
        ),
        sa.Column("tiltaksgruppe_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "date_trunc('month', gyldig_fra) = gyldig_fra", name="gyldig_fra_er_forste"
        ),
        sa.CheckConstraint("gyldig_til is null or gyldig_til > gyldig_fra", name="gyldig_periode"),
        sa.ForeignKeyConstraint(["tiltak_id"], ["tiltak.tiltak.tiltak_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["tiltaksgruppe_id"],
            ["tiltak.tiltaksgruppe.tiltaksgruppe_id"],
        ),
        sa.PrimaryKeyConstraint("tiltak_id", "gyldig_fra"),
        schema="tiltak",
        comment="Which tiltaksgruppe a tiltak belongs to, and in which months.",
    )
    op.create_table(
        "tiltaksgruppe_alias",
        sa.Column(
            "alias",
            sa.Text(),
            nullable=False,
            comment="Label as printed, normalised: lower case, single spaces",
        ),
        sa.Column("tiltaksgruppe_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tiltaksgruppe_id"], ["tiltak.tiltaksgruppe.tiltaksgruppe_id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("alias"),
        schema="tiltak",
        comment="Every label a tiltaksgruppe is printed with, its canonical name included.",
    )
    op.create_table(
        "antall",
        sa.Column("periode", sa.Date(), nullable=False),
        sa.Column("tiltak_id", sa.Integer(), nullable=False),
        sa.Column("hovedgruppe_id", sa.SmallInteger(), nullable=False),
        sa.Column("kjonn_id", sa.SmallInteger(), nullable=False),
        sa.Column("antall", sa.Integer(), nullable=False),
        sa.Column("innlesing_id", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("antall >= 0", name="antall_ikke_negativ"),
        sa.ForeignKeyConstraint(
            ["hovedgruppe_id"],
            ["tiltak.hovedgruppe.hovedgruppe_id"],
        ),
        sa.ForeignKeyConstraint(
            ["innlesing_id"],
            ["tiltak.innlesing.innlesing_id"],
        ),
        sa.ForeignKeyConstraint(
            ["kjonn_id"],
            ["tiltak.kjonn.kjonn_id"],
        ),
        sa.ForeignKeyConstraint(
            ["periode"],
            ["tiltak.periode.periode"],
        ),
        sa.ForeignKeyConstraint(
            ["tiltak_id"],
            ["tiltak.tiltak.tiltak_id"],
        ),
        sa.PrimaryKeyConstraint("periode", "tiltak_id", "hovedgruppe_id", "kjonn_id"),
        schema="tiltak",
        comment="Participants at the finest grain, for the current load of each month.",
    )
    op.create_table(
        "fjorar_hovedgruppe",
        sa.Column("periode", sa.Date(), nullable=False),
        sa.Column("hovedgruppe_id", sa.SmallInteger(), nullable=False),
        sa.Column("kjonn_id", sa.SmallInteger(), nullable=False),
        sa.Column("antall", sa.Integer(), nullable=False),
        sa.Column("innlesing_id", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("antall >= 0", name="fjorar_hovedgruppe_antall_ikke_negativ"),
        sa.ForeignKeyConstraint(
            ["hovedgruppe_id"],
            ["tiltak.hovedgruppe.hovedgruppe_id"],
        ),
        sa.ForeignKeyConstraint(
            ["innlesing_id"],
            ["tiltak.innlesing.innlesing_id"],
        ),
        sa.ForeignKeyConstraint(
            ["kjonn_id"],
            ["tiltak.kjonn.kjonn_id"],
        ),
        sa.ForeignKeyConstraint(
            ["periode"],
            ["tiltak.periode.periode"],
        ),
        sa.PrimaryKeyConstraint("periode", "hovedgruppe_id", "kjonn_id"),
        schema="tiltak",
        comment="Last year's count per hovedgruppe × kjønn, as the month's Endring columns imply it.",
    )
    op.create_table(
        "fjorar_tiltaksgruppe",
        sa.Column("periode", sa.Date(), nullable=False),
        sa.Column("tiltaksgruppe_id", sa.Integer(), nullable=False),
        sa.Column("kjonn_id", sa.SmallInteger(), nullable=False),
        sa.Column("antall", sa.Integer(), nullable=False),
        sa.Column("innlesing_id", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("antall >= 0", name="fjorar_tiltaksgruppe_antall_ikke_negativ"),
        sa.ForeignKeyConstraint(
            ["innlesing_id"],
            ["tiltak.innlesing.innlesing_id"],
        ),
        sa.ForeignKeyConstraint(
            ["kjonn_id"],
            ["tiltak.kjonn.kjonn_id"],
        ),
        sa.ForeignKeyConstraint(
            ["periode"],
            ["tiltak.periode.periode"],
        ),
        sa.ForeignKeyConstraint(
            ["tiltaksgruppe_id"],
            ["tiltak.tiltaksgruppe.tiltaksgruppe_id"],
        ),
        sa.PrimaryKeyConstraint("periode", "tiltaksgruppe_id", "kjonn_id"),
        schema="tiltak",
        comment="Last year's count per tiltaksgruppe × kjønn, as the month's Endring columns imply it.",
    )
    op.create_table(
        "publisert_celle",
        sa.Column("innlesing_id", sa.BigInteger(), nullable=False),
        sa.Column("linje", sa.Integer(), nullable=False, comment="Line in the loaded file"),
        sa.Column("kolonne", sa.Text(), nullable=False, comment="View column the cell belongs to"),
        sa.Column("tabell", sa.SmallInteger(), nullable=False),
        sa.Column("kjonn_id", sa.SmallInteger(), nullable=True),
        sa.Column(
            "radnr", sa.SmallInteger(), nullable=False, comment="Published row order in its block"
        ),
        sa.Column("rad", sa.Text(), nullable=False, comment="Row label as the views give it"),
        sa.Column("rad_publisert", sa.Text(), nullable=False, comment="Row label as printed"),
        sa.Column(
            "verdi", sa.Integer(), nullable=True, comment="NULL where the cell was printed blank"
        ),
        sa.CheckConstraint("radnr >= 1", name="radnr_positiv"),
        sa.CheckConstraint("tabell between 1 and 6", name="tabell_1_til_6"),
        sa.ForeignKeyConstraint(
            ["innlesing_id"], ["tiltak.innlesing.innlesing_id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["kjonn_id"],
            ["tiltak.kjonn.kjonn_id"],
        ),
        sa.PrimaryKeyConstraint("innlesing_id", "linje", "kolonne"),
        schema="tiltak",
        comment="The published figures themselves, kept to prove the views reproduce them.",
    )


def downgrade() -> None:
    op.drop_table("publisert_celle", schema="tiltak")
    op.drop_table("fjorar_tiltaksgruppe", schema="tiltak")
    op.drop_table("fjorar_hovedgruppe", schema="tiltak")
    op.drop_table("antall", schema="tiltak")
    op.drop_table("tiltaksgruppe_alias", schema="tiltak")
    op.drop_table("tiltak_medlemskap", schema="tiltak")
    op.drop_table("tiltak_alias", schema="tiltak")
    op.drop_index(
        "innlesing_gjeldende",
        table_name="innlesing",
        schema="tiltak",
        postgresql_where=sa.text("erstattet is null"),
    )
    op.drop_table("innlesing", schema="tiltak")
    op.drop_table("tiltaksgruppe", schema="tiltak")
    op.drop_table("tiltak", schema="tiltak")
    op.drop_table("periode", schema="tiltak")
    op.drop_table("kjonn", schema="tiltak")
    op.drop_table("hovedgruppe", schema="tiltak")
    op.execute("drop schema if exists tiltak")
