"""process_events: the history of each process; a retired process reported again came back

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Every change of state is now a row (who, when, how), so that "eliminated on a date" can be
read from what the process was on that date, not from what it is today. The backfill writes
what the rows already say: reported at created_at by the reporter; owned by the owner; being
automated or accepted since status_changed_at; retired at retired_at by retired_by with its
link (or note) and the hours a week it eliminated; merged into which process. A retired
process that was reported again (an occurrence flagged as a regression) has come back:
its status becomes `came_back` from its first such report, as the new code would have made it.

Downgrading drops the table and makes `came_back` processes `retired` again (the old code's
reading of a regression), with status_changed_at their retirement.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COLUMNS = "team_id, process_id, kind, actor_id, at, detail, minutes_per_week"
FIRST_REGRESSION = (
    "(SELECT {} FROM occurrences o WHERE o.process_id = p.id AND o.regression"
    " ORDER BY o.occurred_at, o.id LIMIT 1)"
)
HAS_REGRESSION = "EXISTS (SELECT 1 FROM occurrences o WHERE o.process_id = p.id AND o.regression)"
BACKFILL = [
    # In the order they happened, so that events at the same moment sort by id.
    "SELECT team_id, id, 'reported', reporter_id, created_at, NULL, NULL FROM processes",
    "SELECT team_id, id, 'owned', owner_id, created_at, owner_id, NULL FROM processes"
    " WHERE owner_id IS NOT NULL",
    "SELECT team_id, id, 'automating', owner_id, status_changed_at, NULL, NULL FROM processes"
    " WHERE status = 'automating'",
    "SELECT team_id, id, 'accepted', owner_id, status_changed_at, accepted_reason, NULL"
    " FROM processes WHERE status = 'accepted'",
    "SELECT team_id, id, 'retired', retired_by, COALESCE(retired_at, status_changed_at),"
    " COALESCE(automation_link, automation_note), eliminated_minutes_per_week FROM processes"
    " WHERE status = 'retired'",
    "SELECT p.team_id, p.id, 'came_back', "
    + FIRST_REGRESSION.format("o.user_id")
    + ", "
    + FIRST_REGRESSION.format("o.occurred_at")
    + ", NULL, NULL FROM processes p WHERE p.status = 'retired' AND "
    + HAS_REGRESSION,
    "SELECT g.team_id, g.id, 'merged', NULL, g.status_changed_at,"
    " 'P' || CAST(k.number AS VARCHAR(12)), NULL"
    " FROM processes g JOIN processes k ON k.id = g.merged_into_id WHERE g.status = 'merged'",
]


def upgrade() -> None:
    op.create_table(
        "process_events",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("process_id", BIG_ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.String(length=1000), nullable=True),
        sa.Column("minutes_per_week", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["process_id"], ["processes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_process_event_process", "process_events", ["process_id", "at", "id"])
    # Retirements in a period, and which processes were ever retired: from the index alone.
    op.create_index(
        "ix_process_event_team_kind", "process_events", ["team_id", "kind", "at", "process_id"]
    )
    for select in BACKFILL:
        op.execute(f"INSERT INTO process_events ({COLUMNS}) {select}")
    op.execute(
        "UPDATE processes SET status = 'came_back', status_changed_at = "
        + FIRST_REGRESSION.format("o.occurred_at").replace("p.id", "processes.id")
        + " WHERE status = 'retired' AND "
        + HAS_REGRESSION.replace("p.id", "processes.id")
    )


def downgrade() -> None:
    op.execute(
        "UPDATE processes SET status = 'retired',"
        " status_changed_at = COALESCE(retired_at, status_changed_at)"
        " WHERE status = 'came_back'"
    )
    op.drop_index("ix_process_event_team_kind", table_name="process_events")
    op.drop_index("ix_process_event_process", table_name="process_events")
    op.drop_table("process_events")
