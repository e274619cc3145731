"""toil budget, business volume and reporters a day: what "from chores to decisions" reads

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03

- `workspaces.toil_budget_percent`: the share of a team's working hours its manual work
  may take (NULL: the default, 50%, Google SRE's cap).
- `channel_teams`: a channel team's size as an admin set it (no row: the people who
  reported there in the last 28 days).
- `business_volumes`: a business volume an admin records a month (12000 orders).
- `reporter_days`: reports per process, UTC day and reporter, a rollup like 0020's, kept
  by its own triggers on `occurrences` (every insert adds, every delete subtracts, an
  update of a counted column does both), so "how many people did manual work in a
  window" reads it, never the occurrences. Filled from the occurrences as it is created.

Downgrading drops the triggers, the three tables and the column; nothing that was there
before 0022 changes either way. Independent of 0021 (the other half of issue 18).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COUNTED = ("process_id", "team_id", "user_id", "minutes", "occurred_at")
_DAY = {
    "sqlite": "date({r}.occurred_at)",
    "postgresql": "({r}.occurred_at AT TIME ZONE 'UTC')::date",
}


def _add(day: str, r: str) -> str:
    made = day.format(r=r)
    return (
        "INSERT INTO reporter_days (process_id, day, user_id, team_id, reports, minutes)"
        f" VALUES ({r}.process_id, {made}, {r}.user_id, {r}.team_id, 1, {r}.minutes)"
        " ON CONFLICT (process_id, day, user_id) DO UPDATE SET"
        " reports = reporter_days.reports + 1,"
        " minutes = reporter_days.minutes + excluded.minutes;"
    )


def _subtract(day: str, r: str) -> str:
    where = f"process_id = {r}.process_id AND day = {day.format(r=r)} AND user_id = {r}.user_id"
    return (
        f"UPDATE reporter_days SET reports = reports - 1, minutes = minutes - {r}.minutes"
        f" WHERE {where}; DELETE FROM reporter_days WHERE {where} AND reports <= 0;"
    )


def _tables() -> None:
    op.add_column("workspaces", sa.Column("toil_budget_percent", sa.Integer(), nullable=True))
    op.create_table(
        "channel_teams",
        sa.Column(
            "team_id",
            sa.String(32),
            sa.ForeignKey("workspaces.team_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(32), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "business_volumes",
        sa.Column(
            "team_id",
            sa.String(32),
            sa.ForeignKey("workspaces.team_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("month", sa.Date(), primary_key=True),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("recorded_by", sa.String(32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reporter_days",
        sa.Column(
            "process_id", _ID, sa.ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_reporter_days_team", "reporter_days", ["team_id", "day", "user_id", "process_id"]
    )


def upgrade() -> None:
    _tables()
    dialect = op.get_bind().dialect.name
    day = _DAY["postgresql" if dialect == "postgresql" else "sqlite"]
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION reporter_days_occurrence() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN IF TG_OP IN ('DELETE', 'UPDATE') THEN {_subtract(day, 'OLD')} END IF;"
            f" IF TG_OP IN ('INSERT', 'UPDATE') THEN {_add(day, 'NEW')} END IF;"
            " RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER reporter_days AFTER INSERT OR DELETE OR UPDATE OF"
            f" {', '.join(COUNTED)} ON occurrences FOR EACH ROW"
            " EXECUTE FUNCTION reporter_days_occurrence()"
        )
    else:
        adds, subtracts = _add(day, "NEW"), _subtract(day, "OLD")
        op.execute(
            f"CREATE TRIGGER reporter_days_insert AFTER INSERT ON occurrences BEGIN {adds} END"
        )
        op.execute(
            f"CREATE TRIGGER reporter_days_delete AFTER DELETE ON occurrences BEGIN {subtracts} END"
        )
        op.execute(
            f"CREATE TRIGGER reporter_days_update AFTER UPDATE OF {', '.join(COUNTED)}"
            f" ON occurrences BEGIN {subtracts} {adds} END"
        )
    key = day.format(r="o")
    op.execute(
        "INSERT INTO reporter_days (process_id, day, user_id, team_id, reports, minutes)"
        f" SELECT o.process_id, {key}, o.user_id, min(o.team_id), count(*), sum(o.minutes)"
        f" FROM occurrences o GROUP BY o.process_id, {key}, o.user_id"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS reporter_days ON occurrences")
        op.execute("DROP FUNCTION IF EXISTS reporter_days_occurrence()")
    else:
        for name in ("reporter_days_insert", "reporter_days_delete", "reporter_days_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_reporter_days_team", table_name="reporter_days")
    op.drop_table("reporter_days")
    op.drop_table("business_volumes")
    op.drop_table("channel_teams")
    op.drop_column("workspaces", "toil_budget_percent")  # no table copy (it would cascade)
