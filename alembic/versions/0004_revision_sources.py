"""Revision sources: the database keeps the source of every revision applied to it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

Category revisions are the user's data and live outside the installation; a lost file
would leave the database at a revision no installation has. tiltak.migrations fills this
table after each upgrade or downgrade, and `tiltak categories restore` writes back what an
installation lacks. Revisions applied before this one are recorded by the upgrade that
creates the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "revisjon",
        sa.Column("revisjon", sa.Text(), nullable=False),
        sa.Column(
            "kilde", sa.Text(), nullable=False, comment="The revision file's source, as applied"
        ),
        sa.Column("pakket", sa.Boolean(), nullable=False, comment="Whether it ships with tiltak"),
        sa.PrimaryKeyConstraint("revisjon"),
        schema="tiltak",
        comment="Every applied alembic revision, so `tiltak categories restore` can write it back.",
    )


def downgrade() -> None:
    op.drop_table("revisjon", schema="tiltak")
