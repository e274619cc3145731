"""occurrences: a covering index for the load of one process over a time window

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

Every report answers with its process's 28-day load: count and sum of `minutes` for one
`process_id` over an `occurred_at` range. With `minutes` in the index that sum reads the
index alone, so a busy process (thousands of reports in the window) costs a range of one
index, not a table visit per report (bench/ack_load.py measures it). It replaces the
narrower (process_id, occurred_at) index, which it serves as well.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_occurrence_process_load",
        "occurrences",
        ["process_id", "occurred_at", "minutes"],
        unique=False,
    )
    op.drop_index("ix_occurrence_process_time", table_name="occurrences")


def downgrade() -> None:
    op.create_index(
        "ix_occurrence_process_time", "occurrences", ["process_id", "occurred_at"], unique=False
    )
    op.drop_index("ix_occurrence_process_load", table_name="occurrences")
