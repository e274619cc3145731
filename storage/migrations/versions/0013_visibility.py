"""The visibility rule: a process is private unless it was first reported in a public
channel. Rows older than the rule can't tell, so they are private (their reporters, owner
and admins still see them, and so does their own channel's digest). A digest says what it
covers: its channel (the default) or the workspace's public processes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "processes",
        sa.Column("private", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.add_column(
        "digest_subscriptions",
        sa.Column("scope", sa.String(16), nullable=False, server_default="channel"),
    )


def downgrade() -> None:
    # Plain ALTERs (SQLite ≥ 3.35): a batch rebuild of `processes` would cascade-delete.
    op.execute("ALTER TABLE digest_subscriptions DROP COLUMN scope")
    op.execute("ALTER TABLE processes DROP COLUMN private")
