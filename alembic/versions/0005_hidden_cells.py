"""Hidden cells and editions without kjønn: counts that may be hidden, months without a kjønn
split, and the published sums that cover a hidden cell.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

- tiltak.antall: `antall` NULL is a hidden count (never 0, never a guess); `kjonn_id` NULL is
  a month whose report has no kjønn split. The primary key becomes a unique constraint
  with NULLS NOT DISTINCT (PostgreSQL 15+), as a key column cannot be NULL.
- tiltak.fjorar_hovedgruppe / fjorar_tiltaksgruppe: `kjonn_id` NULL likewise.
- tiltak.antall_sum (new): a published count above the finest grain that covers a hidden
  count, or is hidden itself (antall NULL). Such a sum cannot be rebuilt by adding, so it is
  data in its own right, as last year's counts are.
- tiltak.publisert_celle.merke (new): the marker a hidden cell was printed with.

Downgrade refuses while a loaded month has a hidden count or no kjønn split: the older schema
cannot hold it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEYS = {
    "antall": ("periode", "tiltak_id", "hovedgruppe_id", "kjonn_id"),
    "fjorar_hovedgruppe": ("periode", "hovedgruppe_id", "kjonn_id"),
    "fjorar_tiltaksgruppe": ("periode", "tiltaksgruppe_id", "kjonn_id"),
}
_KJONN_COMMENT = "NULL in a month whose report has no kjønn split"


def upgrade() -> None:
    for table, columns in _KEYS.items():
        op.drop_constraint(f"{table}_pkey", table, schema="tiltak", type_="primary")
        op.alter_column(table, "kjonn_id", nullable=True, comment=_KJONN_COMMENT, schema="tiltak")
        op.create_unique_constraint(
            f"{table}_celle",
            table,
            list(columns),
            schema="tiltak",
            postgresql_nulls_not_distinct=True,
        )
    op.alter_column(
        "antall",
        "antall",
        nullable=True,
        comment="Participants; NULL where the report hides the count (1 to 3 for NAV's '*')",
        schema="tiltak",
    )
    op.create_table(
        "antall_sum",
        sa.Column("periode", sa.Date(), nullable=False),
        sa.Column("kjonn_id", sa.SmallInteger(), nullable=True, comment="NULL: Kvinner + Menn"),
        sa.Column(
            "hovedgruppe_id", sa.SmallInteger(), nullable=True, comment="NULL: all hovedgrupper"
        ),
        sa.Column(
            "tiltaksgruppe_id", sa.Integer(), nullable=True, comment="NULL: all tiltaksgrupper"
        ),
        sa.Column(
            "tiltak_id", sa.Integer(), nullable=True, comment="NULL: all tiltak of the group"
        ),
        sa.Column("antall", sa.Integer(), nullable=True, comment="Participants; NULL where hidden"),
        sa.Column("innlesing_id", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("antall >= 0", name="antall_sum_antall_ikke_negativ"),
        sa.CheckConstraint(
            "tiltak_id is null or tiltaksgruppe_id is not null", name="antall_sum_tiltak_i_gruppe"
        ),
        sa.ForeignKeyConstraint(["periode"], ["tiltak.periode.periode"]),
        sa.ForeignKeyConstraint(["kjonn_id"], ["tiltak.kjonn.kjonn_id"]),
        sa.ForeignKeyConstraint(["hovedgruppe_id"], ["tiltak.hovedgruppe.hovedgruppe_id"]),
        sa.ForeignKeyConstraint(["tiltaksgruppe_id"], ["tiltak.tiltaksgruppe.tiltaksgruppe_id"]),
        sa.ForeignKeyConstraint(["tiltak_id"], ["tiltak.tiltak.tiltak_id"]),
        sa.ForeignKeyConstraint(["innlesing_id"], ["tiltak.innlesing.innlesing_id"]),
        sa.UniqueConstraint(
            "periode",
            "kjonn_id",
            "hovedgruppe_id",
            "tiltaksgruppe_id",
            "tiltak_id",
            name="antall_sum_celle",
            postgresql_nulls_not_distinct=True,
        ),
        schema="tiltak",
        comment="Published sums that cover a hidden count, or are hidden themselves.",
    )
    op.add_column(
        "publisert_celle",
        sa.Column(
            "merke", sa.Text(), nullable=True, comment="Marker of a hidden cell ('*', '..', ':')"
        ),
        schema="tiltak",
    )
    op.create_check_constraint(
        "merke_uten_verdi", "publisert_celle", "merke is null or verdi is null", schema="tiltak"
    )


def downgrade() -> None:
    op.execute(
        """
        do $$
        begin
            if exists (select from tiltak.antall where antall is null or kjonn_id is null)
                or exists (select from tiltak.antall_sum)
            then
                raise exception 'loaded months hold hidden counts or have no kjønn split,'
                    ' which revision 0003 cannot store: load other reports for them first';
            end if;
        end
        $$
        """
    )
    op.drop_constraint("merke_uten_verdi", "publisert_celle", schema="tiltak", type_="check")
    op.drop_column("publisert_celle", "merke", schema="tiltak")
    op.drop_table("antall_sum", schema="tiltak")
    op.alter_column("antall", "antall", nullable=False, comment=None, schema="tiltak")
    for table, columns in _KEYS.items():
        op.drop_constraint(f"{table}_celle", table, schema="tiltak", type_="unique")
        op.alter_column(table, "kjonn_id", nullable=False, comment=None, schema="tiltak")
        op.create_primary_key(f"{table}_pkey", table, list(columns), schema="tiltak")
