"""A process's declared weekly load: what the report form's "How often do you do it?"
says it costs, shown until enough reports exist to measure it. And the index the limits
on volume read: a person's recent reports, covered (team, user, time, process, minutes).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


# Plain ALTER TABLE, not a batch: on SQLite a batch copies and drops `processes`, and the
# drop would cascade to every occurrence and nudge (SQLite 3.35 and later drop columns).


def upgrade() -> None:
    op.add_column("processes", sa.Column("declared_minutes_per_week", sa.Float(), nullable=True))
    op.create_index(
        "ix_occurrence_team_user_time",
        "occurrences",
        ["team_id", "user_id", "occurred_at", "process_id", "minutes"],
    )


def downgrade() -> None:
    op.drop_index("ix_occurrence_team_user_time", table_name="occurrences")
    op.execute("ALTER TABLE processes DROP COLUMN declared_minutes_per_week")
