"""Which process a new process was asked about ("Same as P3?"): the question is recorded
when it is asked, and only that question can be answered.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# Plain ALTER TABLE, not a batch: on SQLite a batch copies and drops `processes`, and the
# drop would cascade to every occurrence, nudge and history line.


def upgrade() -> None:
    op.add_column("processes", sa.Column("asked_about_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE processes DROP COLUMN asked_about_id")
