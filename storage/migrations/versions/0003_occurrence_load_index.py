"""occurrences: a covering index for the load of a workspace over a time window

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

The digest (top costs, the week's minutes, the 12-week series) and the nudge rules sum
`minutes` by `process_id` over `occurred_at` ranges of one workspace. With `process_id`
and `minutes` in the index, those sums read the index alone: no visit to the table per
occurrence, whatever order the rows were written in (bench/scale.py measures it). It
replaces the narrower (team_id, occurred_at) index, which it serves as well.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_occurrence_team_time_load",
        "occurrences",
        ["team_id", "occurred_at", "process_id", "minutes"],
        unique=False,
    )
    op.drop_index("ix_occurrence_team_time", table_name="occurrences")


def downgrade() -> None:
    op.create_index(
        "ix_occurrence_team_time", "occurrences", ["team_id", "occurred_at"], unique=False
    )
    op.drop_index("ix_occurrence_team_time_load", table_name="occurrences")
