"""A process remembers the Slack message that prompted it: "Log as manual work" on a
message links the process back to that message (its permalink).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("processes", sa.Column("source_link", sa.String(1000), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE processes DROP COLUMN source_link")
