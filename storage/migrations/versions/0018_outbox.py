"""outbox: messages to a person that wait for their working hours and their one bot DM
of the day (a process handed to them, a regression, a digest that stopped)

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-04

A new table only: nothing existing changes, and downgrading drops it (with whatever was
still waiting in it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0015"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("blocks", sa.JSON(), nullable=False),
        sa.Column("process_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True)),
        sa.Column("channel_id", sa.String(32)),
        sa.Column("message_ts", sa.String(32)),
    )
    op.create_index("ix_outbox_pending", "outbox", ["team_id", "status", "user_id"])
    op.create_index("ix_outbox_settled", "outbox", ["settled_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_settled", table_name="outbox")
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.drop_table("outbox")
