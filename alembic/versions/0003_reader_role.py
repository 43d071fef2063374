"""Read-only role for BI tools: rapport_leser may read the rapport views and nothing else.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

Roles are cluster-wide, while this migration runs once per database: the role is created
only when absent (several databases on one server share it), and a concurrent creation by
another database's migration is tolerated. Without CREATEROLE the role cannot be created:
the migration then leaves a warning and grants nothing, and `tiltak db grant-reader` says
what to ask an administrator for.

This migration grants USAGE on schema rapport. SELECT on the views is granted by
tiltak.migrations.grant_reader_access each time the views are rebuilt (a dropped and
recreated view loses its grants); it grants only while the role holds USAGE on the schema
here, so a downgrade, which revokes that, is not undone by the rebuild that follows it.

Downgrade revokes this database's grants but keeps the role: other databases of the
server may grant it access and login roles may be members of it, and dropping it would
silently take their access away (DROP ROLE fails anyway while another database holds
grants to it). A NOLOGIN role without privileges here can do nothing here.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The views are dropped while migrations run; their schema must exist for the grant.
    op.execute("create schema if not exists rapport")
    op.execute(
        """
        do $$
        begin
            if not exists (select from pg_roles where rolname = 'rapport_leser') then
                if not exists (
                    select from pg_roles
                    where rolname = current_user and (rolsuper or rolcreaterole)
                ) then
                    raise warning 'cannot create role rapport_leser without CREATEROLE;'
                        ' BI access not set up (see tiltak db grant-reader --help)';
                    return;
                end if;
                begin
                    create role rapport_leser nologin;
                    comment on role rapport_leser is
                        'tiltak: read-only access to the rapport views, for BI tools';
                exception when duplicate_object or unique_violation then
                    null;  -- another database's migration created it just now
                end;
            end if;
            grant usage on schema rapport to rapport_leser;
        end
        $$
        """
    )


def downgrade() -> None:
    op.execute(
        """
        do $$
        begin
            if exists (select from pg_roles where rolname = 'rapport_leser') then
                revoke all on all tables in schema rapport from rapport_leser;
                revoke all on schema rapport from rapport_leser;
            end if;
        end
        $$
        """
    )
