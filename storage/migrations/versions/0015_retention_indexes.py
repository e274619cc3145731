"""slack_events, bot_messages, deliveries: an index on each one's time, for retention

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03

The retention job (bot/jobs/retention.py) deletes, in batches, the oldest rows before a
cutoff: `received_at`, `created_at` and `claimed_at`. None of them was indexed (each table
is keyed by what it de-duplicates), so every batch, and every run that finds nothing to
delete, would read the whole table. With these a run is one range of an index, and an
empty one when nothing is due.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_slack_event_received", "slack_events", ["received_at"], unique=False)
    op.create_index("ix_bot_message_created", "bot_messages", ["created_at"], unique=False)
    op.create_index("ix_delivery_claimed", "deliveries", ["claimed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_delivery_claimed", table_name="deliveries")
    op.drop_index("ix_bot_message_created", table_name="bot_messages")
    op.drop_index("ix_slack_event_received", table_name="slack_events")
