"""Precomputed rows: each rapport view's rows stored, computed from the stored counts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24

- tiltak.lagret_<view> (new), one per rapport view: the rows tiltak.beregnet_<view> computes
  from the stored counts, written in the transaction that writes the counts
  (tiltak.precompute), so that a whole-history select reads stored rows, not the cube.
  The primary key (or unique index) leads with periode and follows the view's order, so that
  a select of every month is an index scan without sort, and one month an index range.
- tiltak.lagret_tidsserie also has an index per member column (kjonn, hovedgruppe,
  tiltaksgruppe), which a filter on one member reaches.

The rows are data derived from the counts, never read from the published cells; the views that
compute them and the refresh after migrating live outside this file (sql/views,
tiltak.migrations). Downgrade drops the tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _periode() -> sa.Column[sa.Date]:
    return sa.Column("periode", sa.Date(), nullable=False)


def _kjonn() -> list[sa.Column[object]]:
    return [
        sa.Column("kjonn", sa.Text(), nullable=False),
        sa.Column("kjonn_rekkefolge", sa.SmallInteger(), nullable=False),
    ]


def _row(*, kjonn: bool, columns: Sequence[str]) -> list[sa.Column[object]]:
    """periode [kjonn] radnr rad er_sum, then the figures (integers)."""
    return [
        _periode(),
        *(_kjonn() if kjonn else []),
        sa.Column("radnr", sa.Integer(), nullable=False),
        sa.Column("rad", sa.Text(), nullable=False),
        sa.Column("er_sum", sa.Boolean(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=True) for name in columns),
    ]


_CHANGE = ("antall", "endring_antall", "endring_prosent")
_SIDE_BY_SIDE = ("i_alt", "andre", "arbeidssokere", "nedsatt_arbeidsevne")
_TABLES = {
    "hovedgrupper": (False, _CHANGE),
    "hovedgrupper_kjonn": (True, _CHANGE),
    "tiltaksgrupper": (False, _CHANGE),
    "tiltaksgrupper_kjonn": (True, _CHANGE),
    "tiltak_hovedgrupper": (False, _SIDE_BY_SIDE),
    "tiltak_hovedgrupper_kjonn": (True, _SIDE_BY_SIDE),
}
_MEMBERS = ("kjonn", "hovedgruppe", "tiltaksgruppe")


def upgrade() -> None:
    for name, (by_kjonn, columns) in _TABLES.items():
        key = ["periode", *(["kjonn_rekkefolge"] if by_kjonn else []), "radnr"]
        op.create_table(
            f"lagret_{name}",
            *_row(kjonn=by_kjonn, columns=columns),
            sa.PrimaryKeyConstraint(*key, name=f"lagret_{name}_pkey"),
            schema="tiltak",
            comment=f"The rows of rapport.{name}, as tiltak.beregnet_{name} computes them.",
        )
    op.create_table(
        "lagret_deltakere",
        _periode(),
        sa.Column("kjonn", sa.Text(), nullable=True),
        sa.Column("hovedgruppe", sa.Text(), nullable=False),
        sa.Column("tiltaksgruppe", sa.Text(), nullable=False),
        sa.Column("tiltak", sa.Text(), nullable=False),
        sa.Column("antall", sa.Integer(), nullable=True),
        sa.Column("prikket", sa.Boolean(), nullable=False),
        sa.UniqueConstraint(
            "periode",
            "kjonn",
            "hovedgruppe",
            "tiltak",
            name="lagret_deltakere_celle",
            postgresql_nulls_not_distinct=True,
        ),
        schema="tiltak",
        comment="The rows of rapport.deltakere, as tiltak.beregnet_deltakere computes them.",
    )
    op.create_table(
        "lagret_tidsserie",
        _periode(),
        sa.Column("kjonn", sa.Text(), nullable=False),
        sa.Column("hovedgruppe", sa.Text(), nullable=False),
        sa.Column("tiltaksgruppe", sa.Text(), nullable=False),
        sa.Column("antall", sa.Integer(), nullable=True),
        sa.Column("prikket", sa.Boolean(), nullable=False),
        sa.Column("kjonn_rekkefolge", sa.SmallInteger(), nullable=True, comment="NULL: I alt"),
        sa.Column(
            "hovedgruppe_rekkefolge", sa.SmallInteger(), nullable=True, comment="NULL: I alt"
        ),
        sa.Column("tiltaksgruppe_rekkefolge", sa.Integer(), nullable=True, comment="NULL: I alt"),
        sa.PrimaryKeyConstraint(
            "periode", "kjonn", "hovedgruppe", "tiltaksgruppe", name="lagret_tidsserie_pkey"
        ),
        schema="tiltak",
        comment="The rows of rapport.tidsserie, as tiltak.beregnet_tidsserie computes them.",
    )
    # The view's order, 'I alt' (NULL) first in each member: an ordered select of every month
    # walks this index without a sort.
    op.create_index(
        "lagret_tidsserie_rekkefolge",
        "lagret_tidsserie",
        [
            "periode",
            sa.text("kjonn_rekkefolge nulls first"),
            sa.text("hovedgruppe_rekkefolge nulls first"),
            sa.text("tiltaksgruppe_rekkefolge nulls first"),
        ],
        schema="tiltak",
    )
    for member in _MEMBERS:
        op.create_index(
            f"lagret_tidsserie_{member}",
            "lagret_tidsserie",
            [member, "periode"],
            schema="tiltak",
        )


def downgrade() -> None:
    for name in (*_TABLES, "deltakere", "tidsserie"):
        op.drop_table(f"lagret_{name}", schema="tiltak")
