"""A digest subscription stops for good when Slack says its channel is gone for the bot
(removed, archived, deleted): when and why it stopped, so it is never sent again until
someone subscribes the channel again, and its creator is told once.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "digest_subscriptions", sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("digest_subscriptions", sa.Column("stopped_reason", sa.String(64), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE digest_subscriptions DROP COLUMN stopped_reason")
    op.execute("ALTER TABLE digest_subscriptions DROP COLUMN stopped_at")
