"""workspaces: remember the Enterprise Grid org and whether the install is org-wide

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

A scheduled job knows a workspace only by its team_id, but slack_sdk's installation store
keys an install by (enterprise_id, team_id): a workspace of a Grid org is stored with its
org's id, and an org-wide install with team_id NULL. Without these two columns the jobs
looked every workspace up with enterprise_id NULL and never found those installs. Existing
rows get NULL and false, which is what a plain workspace install is; a Grid workspace
installed on its own gets its org from its newest bot in slack_bots, and the workspaces of
an org-wide install (stored without a team) fill theirs in on their next request.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD/DROP COLUMN, not a batch: on SQLite a batch would copy the
    # table, and dropping the old one would cascade to every process of every workspace.
    # The default is the literal '0' (false on both databases) for the same reason: an
    # SQL expression as default makes Alembic copy the table.
    op.add_column("workspaces", sa.Column("enterprise_id", sa.String(32), nullable=True))
    op.add_column(
        "workspaces",
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False, server_default="0"),
    )
    op.execute(
        "UPDATE workspaces SET enterprise_id = (SELECT b.enterprise_id FROM slack_bots b"
        " WHERE b.team_id = workspaces.team_id AND b.enterprise_id IS NOT NULL"
        " ORDER BY b.installed_at DESC LIMIT 1)"
    )


def downgrade() -> None:
    op.drop_column("workspaces", "is_enterprise_install")
    op.drop_column("workspaces", "enterprise_id")
